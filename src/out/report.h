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

/* "CPython 3.11 · GIL 5 ms" style description of the model in force. */
void report_model(const struct scene *sc, int lang, gv_ns interval, char *buf, size_t size);

#endif
