/*
 * term: the only part of gilviz that talks to curses.  It sets the terminal
 * up and always restores it (on close, on SIGINT/SIGTERM/SIGHUP through a
 * flag, and after a crash signal before re-raising it), reads keys, mouse and
 * resizes with one blocking point (poll on the terminal and a self-pipe the
 * signal handlers write to), and blits a canvas: only cells that differ from
 * the previous frame are handed to curses, then one doupdate.
 *
 * Colours: the canvas's style roles become colour pairs from a 256-colour
 * palette, an 8-colour one, or none (attributes only).
 */
#ifndef GV_TERM_H
#define GV_TERM_H

#include <stdio.h>

#include "canvas.h"
#include "control.h"

struct term;

/* Open the terminal on stdout (input: stdin, or /dev/tty if stdin is not a
 * terminal).  color: 0 none, 1 the best the terminal has.  Returns NULL with
 * a message in err. */
struct term *term_open(int color, int mouse, char *err, size_t errsize);
/* Open on any stream (benchmarks): `out` receives the escape sequences of
 * terminal type `type`; no signal handlers, no input. */
struct term *term_open_stream(FILE *out, FILE *in, const char *type, int w, int h, int color);
/* Restore the terminal and free everything. */
void term_close(struct term *t);

int term_colors(const struct term *t);    /* 0, 8 or 256 */
void term_size(const struct term *t, int *w, int *h);
/* Show the canvas (its size must be term_size's). */
void term_draw(struct term *t, const struct canvas *cv);
/* Cells handed to curses by the last term_draw. */
long term_changed_cells(const struct term *t);

/* Wait at most timeout_ms (-1: forever) for one input.  Returns 1 with *in
 * filled, 0 on timeout, -1 when a quit signal arrived (see term_quit_signal). */
int term_wait(struct term *t, int timeout_ms, struct ui_input *in);
/* The quit signal received (SIGINT, SIGTERM, SIGHUP), or 0. */
int term_quit_signal(void);

#endif
