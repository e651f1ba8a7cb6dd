/*
 * args: the pure parsing of command-line values (times, sizes, counts),
 * without printing or exiting, so that main.c words the errors and the
 * fuzz harnesses (tests/fuzz/) can call the same code.  No curses, no I/O.
 */
#ifndef GV_ARGS_H
#define GV_ARGS_H

#include <stdint.h>

#include "util.h"

/* A time option's value: "0" (no unit needed) or a duration such as "5ms".
 * Returns 0 and stores it, or -1 with a static reason in *why. */
int args_time(const char *v, gv_ns *out, const char **why);

/* "COLSxROWS" in decimal digits, each from 1 to ARGS_MAX_SIDE.  Returns 0
 * and stores them, or -1. */
#define ARGS_MAX_SIDE 1000
int args_size(const char *v, int *cols, int *rows);

/* A positive count written in decimal digits (--max-events).  Returns 0 and
 * stores it, or -1. */
int args_count(const char *v, uint64_t *out);

#endif
