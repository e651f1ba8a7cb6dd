/*
 * render: see render.h.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "palette.h"

int render_format_parse(const char *name)
{
    static const char *const names[] = { "text", "ansi", "svg", "html" };
    for (int k = 0; k < 4; k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

/* ---- buffer --------------------------------------------------------------------------- */

void rbuf_add(struct rbuf *b, const char *s, size_t n)
{
    b->p = gv_grow(b->p, &b->cap, b->len + n + 1, 1);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void rbuf_puts(struct rbuf *b, const char *s)
{
    rbuf_add(b, s, strlen(s));
}

void rbuf_free(struct rbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- cells ---------------------------------------------------------------------------- */

static const struct cv_cell *cell(const struct canvas *cv, int x, int y)
{
    return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

/* A cell that shows nothing on the default background. */
static int blank(const struct cv_cell *c)
{
    return c->g[0] == ' ' && !c->g[1] && palette256(c->style).bg < 0 && !(c->attr & (CV_REVERSE | CV_UNDERLINE));
}

/* Cells of row y up to the last one that is not blank. */
static int row_len(const struct canvas *cv, int y)
{
    int n = cv->w;
    while (n > 0 && (cell(cv, n - 1, y)->g[0] == 0 ? 0 : blank(cell(cv, n - 1, y))))
        n--;
    return n;
}

/* The SGR sequence of a cell's style and attributes ("\033[0m" for the
 * default), always starting from a reset so no state leaks. */
static void sgr(char *buf, size_t size, int style, int attr)
{
    struct ui_pal p = palette256(style);
    int n = snprintf(buf, size, "\033[0");
    if (attr & CV_BOLD)
        n += snprintf(buf + n, size - (size_t)n, ";1");
    if (attr & CV_DIM)
        n += snprintf(buf + n, size - (size_t)n, ";2");
    if (attr & CV_UNDERLINE)
        n += snprintf(buf + n, size - (size_t)n, ";4");
    if (attr & CV_REVERSE)
        n += snprintf(buf + n, size - (size_t)n, ";7");
    if (p.fg >= 0)
        n += snprintf(buf + n, size - (size_t)n, ";38;5;%d", p.fg);
    if (p.bg >= 0)
        n += snprintf(buf + n, size - (size_t)n, ";48;5;%d", p.bg);
    snprintf(buf + n, size - (size_t)n, "m");
}

static int style_key(const struct cv_cell *c)
{
    return c->style << 8 | c->attr;
}

/* Colours of a cell as RGB, after reverse video. */
static void cell_rgb(const struct cv_cell *c, uint32_t *fg, uint32_t *bg, int *has_bg)
{
    struct ui_pal p = palette256(c->style);
    *fg = p.fg >= 0 ? palette_rgb(p.fg) : PALETTE_DEFAULT_FG;
    *bg = p.bg >= 0 ? palette_rgb(p.bg) : PALETTE_DEFAULT_BG;
    *has_bg = p.bg >= 0;
    if (c->attr & CV_REVERSE) {
        uint32_t t = *fg;
        *fg = *bg;
        *bg = t;
        *has_bg = 1;
    }
}

/* ---- ANSI ----------------------------------------------------------------------------- */

static int write_ansi(const struct canvas *cv, FILE *f)
{
    char code[64];
    int rc = 0;
    for (int y = 0; y < cv->h; y++) {
        int n = row_len(cv, y), cur = 0;   /* 0: the default style */
        for (int x = 0; x < n; x++) {
            const struct cv_cell *c = cell(cv, x, y);
            if (c->g[0] == 0)
                continue;
            if (style_key(c) != cur) {
                sgr(code, sizeof code, c->style, c->attr);
                fputs(code, f);
                cur = style_key(c);
            }
            fwrite(c->g, 1, strnlen(c->g, 4), f);
        }
        if (cur != 0)
            fputs("\033[0m", f);
        if (fputc('\n', f) == EOF)
            rc = -1;
    }
    return rc;
}

/* ---- SVG and HTML ---------------------------------------------------------------------- */

static void xml_text(FILE *f, const char *s, size_t n)
{
    for (size_t k = 0; k < n && s[k]; k++) {
        unsigned char ch = (unsigned char)s[k];
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if (ch < 0x20 && ch != '\t' && ch != '\n')
                fputc('?', f);   /* not allowed in XML 1.0 */
            else
                fputc(ch, f);
        }
    }
}

#define SVG_CW 8.4     /* cell width (0.6 em of a 14 px monospace font) */
#define SVG_CH 17      /* row height */
#define SVG_FONT "'DejaVu Sans Mono', 'Menlo', 'Consolas', 'Liberation Mono', monospace"

static int write_svg(const struct canvas *cv, const char *title, FILE *f)
{
    double W = cv->w * SVG_CW;
    int H = cv->h * SVG_CH;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.1f\" height=\"%d\" viewBox=\"0 0 %.1f %d\" "
               "font-family=\"%s\" font-size=\"14\">\n", W, H, W, H, SVG_FONT);
    fputs("<title>", f);
    xml_text(f, title, strlen(title));
    fputs("</title>\n", f);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#%06x\"/>\n", PALETTE_DEFAULT_BG);
    /* backgrounds: one rectangle per run of one colour */
    fputs("<g shape-rendering=\"crispEdges\">\n", f);
    for (int y = 0; y < cv->h; y++) {
        for (int x = 0; x < cv->w;) {
            uint32_t fg, bg;
            int has;
            cell_rgb(cell(cv, x, y), &fg, &bg, &has);
            int x1 = x + 1;
            for (; x1 < cv->w; x1++) {
                uint32_t fg2, bg2;
                int has2;
                cell_rgb(cell(cv, x1, y), &fg2, &bg2, &has2);
                if (has2 != has || bg2 != bg)
                    break;
            }
            if (has)
                fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#%06x\"/>\n", x * SVG_CW,
                        y * SVG_CH, (x1 - x) * SVG_CW, SVG_CH, bg);
            x = x1;
        }
    }
    fputs("</g>\n<g xml:space=\"preserve\">\n", f);
    /* glyphs: one <text> per run of non-blank cells of one style */
    for (int y = 0; y < cv->h; y++) {
        for (int x = 0; x < cv->w;) {
            const struct cv_cell *c = cell(cv, x, y);
            if (c->g[0] == 0 || (c->g[0] == ' ' && !(c->attr & CV_UNDERLINE))) {
                x++;
                continue;
            }
            int x1 = x;
            while (x1 < cv->w) {
                const struct cv_cell *d = cell(cv, x1, y);
                if (d->g[0] != 0 && (style_key(d) != style_key(c) || (d->g[0] == ' ' && !(d->attr & CV_UNDERLINE))))
                    break;
                x1++;
            }
            uint32_t fg, bg;
            int has;
            cell_rgb(c, &fg, &bg, &has);
            fputs("<text x=\"", f);
            for (int k = x; k < x1; k++)
                if (cell(cv, k, y)->g[0])
                    fprintf(f, "%s%.1f", k > x ? " " : "", k * SVG_CW);
            fprintf(f, "\" y=\"%d\" fill=\"#%06x\"", y * SVG_CH + 13, fg);
            if (c->attr & CV_BOLD)
                fputs(" font-weight=\"bold\"", f);
            if (c->attr & CV_DIM)
                fputs(" opacity=\"0.6\"", f);
            if (c->attr & CV_UNDERLINE)
                fputs(" text-decoration=\"underline\"", f);
            fputc('>', f);
            for (int k = x; k < x1; k++) {
                const struct cv_cell *d = cell(cv, k, y);
                xml_text(f, d->g, strnlen(d->g, 4));
            }
            fputs("</text>\n", f);
            x = x1;
        }
    }
    fputs("</g>\n</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

static int write_html(const struct canvas *cv, const char *title, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    xml_text(f, title, strlen(title));
    fprintf(f, "</title>\n<style>\nbody { background: #%06x; margin: 0; }\n"
               "pre { color: #%06x; background: #%06x; font-family: %s; font-size: 14px; "
               "line-height: 1.2; margin: 1em; }\n</style>\n</head>\n<body>\n<pre>",
            PALETTE_DEFAULT_BG, PALETTE_DEFAULT_FG, PALETTE_DEFAULT_BG, SVG_FONT);
    for (int y = 0; y < cv->h; y++) {
        int n = row_len(cv, y), open = 0, cur = 0;
        for (int x = 0; x < n; x++) {
            const struct cv_cell *c = cell(cv, x, y);
            if (c->g[0] == 0)
                continue;
            if (style_key(c) != cur) {
                if (open)
                    fputs("</span>", f);
                open = 0;
                cur = style_key(c);
                if (cur != 0) {
                    uint32_t fg, bg;
                    int has;
                    cell_rgb(c, &fg, &bg, &has);
                    fprintf(f, "<span style=\"color: #%06x", fg);
                    if (has)
                        fprintf(f, "; background: #%06x", bg);
                    if (c->attr & CV_BOLD)
                        fputs("; font-weight: bold", f);
                    if (c->attr & CV_DIM)
                        fputs("; opacity: 0.6", f);
                    if (c->attr & CV_UNDERLINE)
                        fputs("; text-decoration: underline", f);
                    fputs("\">", f);
                    open = 1;
                }
            }
            xml_text(f, c->g, strnlen(c->g, 4));
        }
        if (open)
            fputs("</span>", f);
        fputc('\n', f);
    }
    fputs("</pre>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

int render_canvas(const struct canvas *cv, int format, const char *title, FILE *f)
{
    if (!title || !*title)
        title = "gilviz";
    switch (format) {
    case RF_ANSI: return write_ansi(cv, f);
    case RF_SVG: return write_svg(cv, title, f);
    case RF_HTML: return write_html(cv, title, f);
    default: return canvas_print(cv, f);
    }
}

/* ---- terminal updates ------------------------------------------------------------------- */

void render_update(struct rbuf *b, const struct canvas *prev, const struct canvas *cv)
{
    int full = !prev || prev->w != cv->w || prev->h != cv->h;
    char code[64];
    int cx = -1, cy = -1, cur = -1;   /* cursor and SGR state: unknown */
    if (full) {
        rbuf_puts(b, "\033[?25l\033[0m\033[H\033[2J");
        cx = 0, cy = 0, cur = 0;
    }
    for (int y = 0; y < cv->h; y++) {
        for (int x = 0; x < cv->w; x++) {
            const struct cv_cell *c = cell(cv, x, y);
            if (full ? blank(c) : memcmp(c, cell(prev, x, y), sizeof *c) == 0)
                continue;
            if (c->g[0] == 0)
                continue;   /* right half of a wide glyph: drawn with its left half */
            if (cx != x || cy != y) {
                snprintf(code, sizeof code, "\033[%d;%dH", y + 1, x + 1);
                rbuf_puts(b, code);
            }
            if (style_key(c) != cur) {
                sgr(code, sizeof code, c->style, c->attr);
                rbuf_puts(b, code);
                cur = style_key(c);
            }
            rbuf_add(b, c->g, strnlen(c->g, 4));
            cx = x + (c->wide ? 2 : 1), cy = y;
            if (cx >= cv->w)
                cx = -1;   /* the pending wrap: move explicitly next time */
        }
    }
    if (cur != 0 && cur != -1)
        rbuf_puts(b, "\033[0m");
}

void render_finish(struct rbuf *b, int h)
{
    char code[48];
    snprintf(code, sizeof code, "\033[0m\033[%d;1H\r\n\033[?25h", h);
    rbuf_puts(b, code);
}
