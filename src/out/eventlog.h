/*
 * eventlog: timeline records in words, for people ("net waits for the GIL
 * held by cruncher").  Used by `gilviz log` and by the player's event log,
 * in English or Portuguese.
 */
#ifndef GV_EVENTLOG_H
#define GV_EVENTLOG_H

#include <stddef.h>
#include <stdio.h>

#include "../scene/scene.h"
#include "../timeline/timeline.h"

/* Describe record i of tl in buf (no time stamp, no newline).  The scene
 * gives label and caption texts; lang (GV_LANG_*, src/i18n.h) selects the
 * language of the sentence and of the caption. */
void eventlog_describe(const struct timeline *tl, const struct scene *sc, uint64_t i, int lang,
                       char *buf, size_t size);

/* Print every record with from <= t <= to as "   12.345 ms  text" lines. */
void eventlog_print(FILE *f, const struct timeline *tl, const struct scene *sc, gv_ns from, gv_ns to,
                    int lang);

#endif
