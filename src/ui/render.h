/*
 * render: a canvas in other formats than the terminal, with the player's
 * colours (palette.h).  One renderer per format, all over the same canvas
 * the layout draws, so every format shows exactly the player's frame:
 *
 *   text  UTF-8 (or ASCII) rows, trailing spaces trimmed (canvas_print);
 *   ansi  the same rows with 256-colour SGR codes, reset at every line end;
 *   svg   a standalone SVG: a background, one rectangle per run of cells
 *         with a background colour, one <text> per run of glyphs of one
 *         style, each glyph placed on its own cell (x list), XML-escaped;
 *   html  a standalone page with a <pre> of coloured <span>s.
 *
 * render_update() encodes the change from one canvas to the next as terminal
 * output (cursor moves, SGR codes, the changed cells; the first frame a full
 * clear and draw), for asciicast recordings.  No curses here.
 */
#ifndef GV_RENDER_H
#define GV_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "canvas.h"

enum render_format { RF_TEXT, RF_ANSI, RF_SVG, RF_HTML };

/* "text", "ansi", "svg", "html" -> RF_*, or -1. */
int render_format_parse(const char *name);

/* Write the canvas in `format`; title names the SVG / HTML document (NULL:
 * "gilviz").  Returns 0, or -1 if a write failed. */
int render_canvas(const struct canvas *cv, int format, const char *title, FILE *f);

/* A growable byte buffer. */
struct rbuf {
    char *p;
    size_t len, cap;
};
void rbuf_add(struct rbuf *b, const char *s, size_t n);
void rbuf_puts(struct rbuf *b, const char *s);
void rbuf_free(struct rbuf *b);

/* Append to b what leaves a terminal usable after the last frame of a
 * canvas of h rows: attributes reset, the cursor shown, on a new line below
 * the frame. */
void render_finish(struct rbuf *b, int h);

/* Append to b the terminal output that turns the screen showing `prev` into
 * `cv`: prev NULL or of another size means a full clear and draw (and the
 * cursor hidden).  Uses xterm / ECMA-48 sequences only. */
void render_update(struct rbuf *b, const struct canvas *prev, const struct canvas *cv);

#endif
