/*
 * canvas: a grid of cells (one glyph + a style + attribute bits each) that
 * the layout draws one frame into.  It knows nothing about curses or any
 * terminal: term.c blits it to the screen, `gilviz frame` prints it as text,
 * tests read it back.
 *
 * A glyph is one Unicode code point stored as its UTF-8 bytes (at most 4).
 * Double-width code points (CJK, emoji) take two cells: the second one is a
 * continuation cell with an empty glyph.  Combining marks are dropped.
 * In ASCII mode (canvas_set_ascii) every text drawn is transliterated
 * (accented Latin letters lose their accent, anything else becomes '?'), so
 * a canvas in ASCII mode never holds a byte above 0x7f.
 *
 * Ownership: canvas_new() returns a canvas that canvas_free() releases.
 */
#ifndef GV_CANVAS_H
#define GV_CANVAS_H

#include <stdint.h>
#include <stdio.h>

/* Attribute bits. */
enum {
    CV_BOLD = 1,
    CV_REVERSE = 2,
    CV_DIM = 4,
    CV_UNDERLINE = 8,
};

/* One cell: 8 bytes, so that two cells compare as one 64-bit word. */
struct cv_cell {
    char g[4];       /* UTF-8 of one code point, NUL-padded; g[0] == 0: continuation */
    uint8_t style;   /* colour role (see style.h); 0 = the terminal's default */
    uint8_t attr;    /* CV_* bits */
    uint8_t wide;    /* 1: this glyph takes two cells */
    uint8_t pad;
};
_Static_assert(sizeof(struct cv_cell) == 8, "a cell is 8 bytes");

struct canvas {
    int w, h;
    int ascii;           /* transliterate text to ASCII */
    struct cv_cell *cells; /* h rows of w cells */
};

struct canvas *canvas_new(int w, int h);
void canvas_free(struct canvas *cv);
/* Change the size (content is cleared). */
void canvas_resize(struct canvas *cv, int w, int h);
void canvas_set_ascii(struct canvas *cv, int ascii);
/* Fill every cell with a space in style 0. */
void canvas_clear(struct canvas *cv);

/* The cell at (x, y), or NULL outside the grid. */
const struct cv_cell *canvas_at(const struct canvas *cv, int x, int y);

/* Put one glyph (the first code point of the UTF-8 string `g`) at (x, y).
 * Outside the grid: ignored.  Returns the cells used (0, 1 or 2). */
int canvas_put(struct canvas *cv, int x, int y, const char *g, int style, int attr);
/* Fill a rectangle with one glyph. */
void canvas_fill(struct canvas *cv, int x, int y, int w, int h, const char *g, int style, int attr);
/* Draw UTF-8 text from (x, y), at most maxw cells (maxw < 0: to the right
 * edge).  Stops at a newline.  Returns the cells used. */
int canvas_text(struct canvas *cv, int x, int y, int maxw, const char *s, int style, int attr);
/* Change style and attributes of cells without touching glyphs. */
void canvas_paint(struct canvas *cv, int x, int y, int w, int style, int attr);

/* Display width of UTF-8 text (as canvas_text would draw it, up to a newline). */
int canvas_text_width(const char *s);
/* Byte length of the longest prefix of s that fits in `width` cells. */
size_t canvas_text_fit(const char *s, int width);

/* Row y as plain UTF-8 text, trailing spaces trimmed, into buf (NUL-ended). */
void canvas_row_text(const struct canvas *cv, int y, char *buf, size_t size);
/* Print the whole canvas as text, one line per row, trailing spaces trimmed. */
int canvas_print(const struct canvas *cv, FILE *f);

/* Decode one code point from UTF-8; returns bytes consumed (>= 1 unless at
 * the NUL), stores U+FFFD for malformed input. */
int cv_utf8_decode(const char *s, uint32_t *cp);
/* Cells a code point takes: 0 (combining / control), 1 or 2. */
int cv_cp_width(uint32_t cp);

#endif
