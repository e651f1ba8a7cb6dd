/*
 * report: the summary of a finished run, as a table for people or as one
 * JSON object for scripts and tests.  Reads only the scene (for names and
 * settings) and the engine's totals.
 */
#ifndef GV_REPORT_H
#define GV_REPORT_H

#include <stdio.h>

#include "../scene/scene.h"
#include "../sim/engine.h"

void report_text(FILE *f, const struct scene *sc, const struct sim_stats *st);
void report_json(FILE *f, const struct scene *sc, const struct sim_stats *st);

/* report --compare: one row per run of the same scene with one setting
 * changed.  The head names the scene and the setting, and the columns; a
 * row gives the setting's value (in a column `width` wide), the wall time,
 * the speedup over sequential work, the cores kept busy on average, the
 * time the threads spent waiting for the GIL, the GIL switches (forced)
 * and, with an event loop, its lag p99; and what cut the run short, if
 * anything. */
void report_compare_head(FILE *f, const struct scene *sc, const char *key, int width);
void report_compare_row(FILE *f, const char *value, int width, const struct scene *sc, const struct sim_stats *st);

/* "CPython 3.11 · GIL 5 ms" style description of the model in force. */
void report_model(const struct scene *sc, int lang, gv_ns interval, char *buf, size_t size);

#endif
