/*
 * cast: asciicast v2 files (https://docs.asciinema.org/manual/asciicast/v2/).
 * One header line, a JSON object:
 *
 *   {"version": 2, "width": W, "height": H, "timestamp": T, "title": "...",
 *    "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"}}
 *
 * then one event per line, [time, type, data]: time in seconds since the
 * start (microsecond precision, never decreasing), type "o" (terminal
 * output), "r" (resize, "COLSxROWS") or "m" (marker, its label).
 *
 * Two writers:
 *  - `gilviz render` (ui_render) builds a whole recording headless and
 *    writes it through outfile (temporary file + rename).  Times come from
 *    the frame number and the header's timestamp is 0, so two renders with
 *    the same options are byte-identical.
 *  - `gilviz play --record` (cast_rec_*) appends to the file while the
 *    presenter plays.  It cannot use a temporary file and a rename: a
 *    session killed with SIGKILL (or a crashed laptop) would leave only the
 *    temporary file, and nothing at the name asked for.  Instead the file is
 *    opened at the start, the header is written at once, and every event is
 *    one complete line handed to the kernel with one write() (O_APPEND, no
 *    stdio buffer), so the file is always valid up to its last complete
 *    line.  Its timestamp is the wall clock (Unix time) at the start.
 *
 * No curses here.
 */
#ifndef GV_CAST_H
#define GV_CAST_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "render.h"

/* The header line (with its newline); timestamp in Unix seconds. */
void cast_header(struct rbuf *b, int w, int h, int64_t timestamp, const char *title);
/* One event line (with its newline); t_us: microseconds since the start;
 * data: n bytes of UTF-8. */
void cast_event(struct rbuf *b, int64_t t_us, char type, const char *data, size_t n);

/* ---- live recording ------------------------------------------------------------------- */

struct cast_rec;

/* Create (or truncate) `path`.  NULL on failure, with the message in err and
 * 73 (EX_CANTCREAT) in *exit_code. */
struct cast_rec *cast_rec_open(const char *path, char *err, size_t errsize, int *exit_code);
/* Write the header (once, before any event); starts the clock. */
void cast_rec_start(struct cast_rec *r, int w, int h, const char *title);
/* The frame now on the screen: an "o" event with the update from the
 * previous frame (a full draw first, and after a size change, which is
 * recorded as an "r" event before it). */
void cast_rec_frame(struct cast_rec *r, const struct canvas *cv);
/* An "m" event. */
void cast_rec_marker(struct cast_rec *r, const char *label);
/* Close; returns 0, or 74 (EX_IOERR) with a message in err if a write
 * failed.  NULL is fine. */
int cast_rec_close(struct cast_rec *r, char *err, size_t errsize);

#endif
