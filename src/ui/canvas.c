/*
 * canvas: see canvas.h.  Cells are a flat array; every write clips to the
 * grid, so callers may draw past the edges without checking.
 */
#include "canvas.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

struct canvas *canvas_new(int w, int h)
{
    struct canvas *cv = gv_calloc(1, sizeof *cv);
    canvas_resize(cv, w, h);
    return cv;
}

void canvas_free(struct canvas *cv)
{
    if (!cv)
        return;
    free(cv->cells);
    free(cv);
}

void canvas_resize(struct canvas *cv, int w, int h)
{
    cv->w = w > 0 ? w : 0;
    cv->h = h > 0 ? h : 0;
    free(cv->cells);
    cv->cells = gv_calloc((size_t)cv->w * (size_t)cv->h + 1, sizeof *cv->cells);
    canvas_clear(cv);
}

void canvas_set_ascii(struct canvas *cv, int ascii)
{
    cv->ascii = ascii;
}

void canvas_clear(struct canvas *cv)
{
    struct cv_cell blank = { .g = " " };
    size_t n = (size_t)cv->w * (size_t)cv->h;
    for (size_t i = 0; i < n; i++)
        cv->cells[i] = blank;
}

const struct cv_cell *canvas_at(const struct canvas *cv, int x, int y)
{
    if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
        return NULL;
    return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

int cv_utf8_decode(const char *str, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] == 0) {
        *cp = 0;
        return 0;
    }
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int n;
    uint32_t c, min;
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2, c = s[0] & 0x1fu, min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3, c = s[0] & 0x0fu, min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4, c = s[0] & 0x07u, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return i;   /* resynchronise at the offending byte */
        }
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        c = 0xfffd;
    *cp = c;
    return n;
}

/* Encode a code point as UTF-8 into out[4] (NUL-padded). */
static void utf8_encode(uint32_t c, char out[4])
{
    memset(out, 0, 4);
    if (c < 0x80) {
        out[0] = (char)c;
    } else if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
    } else {
        out[0] = (char)(0xf0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
    }
}

int cv_cp_width(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        return 0;
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
        (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200b || c == 0x200d ||
        (c >= 0xfe00 && c <= 0xfe0f))
        return 0;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
        (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
        (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
        return 2;
    return 1;
}

/* ASCII stand-in for a code point (Latin letters lose their accents). */
static char ascii_of(uint32_t c)
{
    /* U+00C0 .. U+00FF */
    static const char latin1[] = "AAAAAAACEEEEIIII" "DNOOOOOxOUUUUYTs"
                                 "aaaaaaaceeeeiiii" "dnooooo/ouuuuyty";
    if (c < 0x80)
        return (char)c;
    if (c >= 0xc0 && c <= 0xff)
        return latin1[c - 0xc0];
    switch (c) {
    case 0xa0: return ' ';
    case 0xb5: return 'u';          /* micro sign */
    case 0xb7: case 0x2022: case 0x2026: return '.';  /* middle dot, bullet, ellipsis */
    case 0xab: case 0xbb: case 0x201c: case 0x201d: case 0x201e: return '"';
    case 0x2018: case 0x2019: return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return '-';
    case 0x2192: return '>';
    case 0x2190: return '<';
    case 0x2191: return '^';
    case 0x2193: return 'v';
    case 0x152: return 'O';
    case 0x153: return 'o';
    default: return '?';
    }
}

int canvas_put(struct canvas *cv, int x, int y, const char *g, int style, int attr)
{
    uint32_t c;
    cv_utf8_decode(g, &c);
    int w = cv_cp_width(c);
    if (cv->ascii && c >= 0x80) {
        c = (uint32_t)(unsigned char)ascii_of(c);
        w = 1;
    }
    if (w == 0 || y < 0 || y >= cv->h || x < 0 || x + w > cv->w)
        return 0;
    struct cv_cell *cell = &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
    /* overwriting half of a wide glyph: blank its other half */
    if (cell->g[0] == 0 && x > 0)
        memcpy(cell[-1].g, " \0\0", 4), cell[-1].wide = 0;
    if (cell->wide && x + 1 < cv->w)
        memcpy(cell[1].g, " \0\0", 4);
    utf8_encode(c, cell->g);
    cell->style = (uint8_t)style;
    cell->attr = (uint8_t)attr;
    cell->wide = w == 2;
    if (w == 2) {
        cell[1] = *cell;
        memset(cell[1].g, 0, 4);
        cell[1].wide = 0;
    }
    return w;
}

void canvas_fill(struct canvas *cv, int x, int y, int w, int h, const char *g, int style, int attr)
{
    for (int r = y; r < y + h; r++)
        for (int c = x; c < x + w; c++)
            canvas_put(cv, c, r, g, style, attr);
}

int canvas_text(struct canvas *cv, int x, int y, int maxw, const char *s, int style, int attr)
{
    if (maxw < 0)
        maxw = cv->w - x;
    int used = 0;
    while (*s && *s != '\n' && used < maxw) {
        uint32_t c;
        int n = cv_utf8_decode(s, &c);
        int w = cv->ascii && c >= 0x80 ? 1 : cv_cp_width(c);
        if (c == '\t')
            c = ' ', w = 1;
        if (w == 0) {
            s += n;
            continue;
        }
        if (used + w > maxw)
            break;
        char g[5] = { 0 };
        memcpy(g, s, (size_t)n);
        if (c == ' ' || c == 0xfffd)
            g[0] = c == ' ' ? ' ' : '?', g[1] = 0;
        canvas_put(cv, x + used, y, g, style, attr);
        used += w;
        s += n;
    }
    return used;
}

void canvas_paint(struct canvas *cv, int x, int y, int w, int style, int attr)
{
    if (y < 0 || y >= cv->h)
        return;
    for (int c = x < 0 ? 0 : x; c < x + w && c < cv->w; c++) {
        struct cv_cell *cell = &cv->cells[(size_t)y * (size_t)cv->w + (size_t)c];
        cell->style = (uint8_t)style;
        cell->attr = (uint8_t)attr;
    }
}

int canvas_text_width(const char *s)
{
    int w = 0;
    while (*s && *s != '\n') {
        uint32_t c;
        s += cv_utf8_decode(s, &c);
        w += c == '\t' ? 1 : cv_cp_width(c);
    }
    return w;
}

size_t canvas_text_fit(const char *s, int width)
{
    const char *p = s;
    int w = 0;
    while (*p && *p != '\n') {
        uint32_t c;
        int n = cv_utf8_decode(p, &c);
        int cw = c == '\t' ? 1 : cv_cp_width(c);
        if (w + cw > width)
            break;
        w += cw;
        p += n;
    }
    return (size_t)(p - s);
}

void canvas_row_text(const struct canvas *cv, int y, char *buf, size_t size)
{
    size_t n = 0, last = 0;   /* last: length up to the last non-space */
    if (size == 0)
        return;
    for (int x = 0; y >= 0 && y < cv->h && x < cv->w; x++) {
        const struct cv_cell *c = &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
        size_t len = strnlen(c->g, 4);
        if (n + len + 1 > size)
            break;
        memcpy(buf + n, c->g, len);
        n += len;
        if (len && !(len == 1 && c->g[0] == ' '))
            last = n;
    }
    buf[last] = '\0';
}

int canvas_print(const struct canvas *cv, FILE *f)
{
    size_t size = (size_t)cv->w * 4 + 2;
    char *line = gv_malloc(size);
    int rc = 0;
    for (int y = 0; y < cv->h; y++) {
        canvas_row_text(cv, y, line, size);
        if (fputs(line, f) == EOF || fputc('\n', f) == EOF)
            rc = -1;
    }
    free(line);
    return rc;
}
