/*
 * test_cast_render: the frame renderers and the asciicast writer (cmocka), on small
 * hand-made canvases whose every byte of output can be worked out by hand:
 * the palette, ANSI rows, SVG and HTML escaping, the terminal update from
 * one canvas to the next, and cast header and event lines.  The commands
 * that use them are tested end to end by tests/cli_record*.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/canvas.h"
#include "ui/cast.h"
#include "ui/palette.h"
#include "ui/render.h"
#include "ui/style.h"

/* The output of render_canvas as a string (caller frees). */
static char *rendered(const struct canvas *cv, int format, const char *title)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(render_canvas(cv, format, title, f), 0);
    fclose(f);
    return buf;
}

static void palette_values(void **state)
{
    (void)state;
    assert_int_equal(palette_rgb(0), 0x000000);
    assert_int_equal(palette_rgb(15), 0xffffff);
    assert_int_equal(palette_rgb(16), 0x000000);
    assert_int_equal(palette_rgb(24), 0x005f87);
    assert_int_equal(palette_rgb(39), 0x00afff);
    assert_int_equal(palette_rgb(231), 0xffffff);
    assert_int_equal(palette_rgb(232), 0x080808);
    assert_int_equal(palette_rgb(255), 0xeeeeee);
    struct ui_pal p = palette256(ST_BAR);
    assert_int_equal(p.fg, 231);
    assert_int_equal(p.bg, 24);
    assert_int_equal(palette256(ST_DEFAULT).fg, -1);
    assert_int_equal(palette256(style_thread_role(0)).fg, 39);
}

static void format_names(void **state)
{
    (void)state;
    assert_int_equal(render_format_parse("text"), RF_TEXT);
    assert_int_equal(render_format_parse("ansi"), RF_ANSI);
    assert_int_equal(render_format_parse("svg"), RF_SVG);
    assert_int_equal(render_format_parse("html"), RF_HTML);
    assert_int_equal(render_format_parse("png"), -1);
    assert_int_equal(render_format_parse(""), -1);
}

static void ansi_rows(void **state)
{
    (void)state;
    struct canvas *cv = canvas_new(8, 2);
    canvas_text(cv, 0, 0, -1, "ab", ST_DEFAULT, 0);
    canvas_text(cv, 2, 0, -1, "cd", style_thread_role(0), CV_BOLD);
    canvas_text(cv, 0, 1, -1, "x", ST_DEFAULT, 0);
    char *s = rendered(cv, RF_ANSI, NULL);
    assert_string_equal(s, "ab\033[0;1;38;5;39mcd\033[0m\nx\n");
    free(s);
    /* a background colour keeps its trailing spaces; reverse video too */
    canvas_clear(cv);
    canvas_fill(cv, 0, 0, 3, 1, " ", ST_BAR, 0);
    canvas_put(cv, 0, 1, " ", ST_DEFAULT, CV_REVERSE);
    s = rendered(cv, RF_ANSI, NULL);
    assert_string_equal(s, "\033[0;38;5;231;48;5;24m   \033[0m\n\033[0;7m \033[0m\n");
    free(s);
    canvas_free(cv);
}

static void svg_escaping_and_cells(void **state)
{
    (void)state;
    struct canvas *cv = canvas_new(6, 2);
    canvas_text(cv, 0, 0, -1, "<&\">", ST_WARN, 0);
    canvas_text(cv, 1, 1, -1, "█é", ST_DEFAULT, 0);
    char *s = rendered(cv, RF_SVG, "a<b");
    assert_non_null(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                              "width=\"50.4\" height=\"34\""));
    assert_non_null(strstr(s, "<title>a&lt;b</title>"));
    assert_non_null(strstr(s, "<text x=\"0.0 8.4 16.8 25.2\" y=\"13\" fill=\"#ff5f5f\">&lt;&amp;&quot;&gt;</text>"));
    assert_non_null(strstr(s, "<text x=\"8.4 16.8\" y=\"30\" fill=\"#d0d0d0\">█é</text>"));
    assert_non_null(strstr(s, "</svg>\n"));
    free(s);
    canvas_free(cv);
}

static void html_spans(void **state)
{
    (void)state;
    struct canvas *cv = canvas_new(6, 1);
    canvas_text(cv, 0, 0, -1, "a", ST_DEFAULT, 0);
    canvas_text(cv, 1, 0, -1, "<b", ST_BAR, CV_BOLD);
    char *s = rendered(cv, RF_HTML, "t&t");
    assert_non_null(strstr(s, "<!DOCTYPE html>\n"));
    assert_non_null(strstr(s, "<title>t&amp;t</title>"));
    assert_non_null(strstr(s, "<pre>a<span style=\"color: #ffffff; background: #005f87; font-weight: bold\">&lt;b"
                              "</span>\n</pre>"));
    free(s);
    canvas_free(cv);
}

static void update_full_then_diff(void **state)
{
    (void)state;
    struct canvas *a = canvas_new(10, 3), *b = canvas_new(10, 3);
    canvas_text(a, 0, 0, -1, "hello", ST_DEFAULT, 0);
    struct rbuf r = { 0 };
    render_update(&r, NULL, a);
    assert_string_equal(r.p, "\033[?25l\033[0m\033[H\033[2Jhello");
    /* the same canvas again: nothing to send */
    r.len = 0;
    render_update(&r, a, a);
    assert_int_equal(r.len, 0);
    /* one changed cell: a cursor move and the cell */
    memcpy(b->cells, a->cells, sizeof *a->cells * 30);
    canvas_put(b, 1, 0, "a", ST_DEFAULT, 0);
    canvas_put(b, 9, 2, "Z", style_thread_role(1), 0);
    r.len = 0;
    render_update(&r, a, b);
    assert_string_equal(r.p, "\033[1;2H\033[0ma\033[3;10H\033[0;38;5;208mZ\033[0m");
    /* two neighbours: no second cursor move */
    canvas_put(a, 2, 1, "x", ST_DEFAULT, 0);
    canvas_put(a, 3, 1, "y", ST_DEFAULT, 0);
    r.len = 0;
    render_update(&r, b, a);
    assert_string_equal(r.p, "\033[1;2H\033[0me\033[2;3Hxy\033[3;10H ");
    /* another size: a full redraw */
    struct canvas *c = canvas_new(4, 1);
    r.len = 0;
    render_update(&r, a, c);
    assert_string_equal(r.p, "\033[?25l\033[0m\033[H\033[2J");
    rbuf_free(&r);
    canvas_free(a);
    canvas_free(b);
    canvas_free(c);
}

static void cast_lines(void **state)
{
    (void)state;
    struct rbuf r = { 0 };
    cast_header(&r, 100, 30, 0, "a \"quoted\" \\ title");
    assert_string_equal(r.p, "{\"version\": 2, \"width\": 100, \"height\": 30, \"timestamp\": 0, "
                             "\"title\": \"a \\\"quoted\\\" \\\\ title\", "
                             "\"env\": {\"TERM\": \"xterm-256color\", \"SHELL\": \"/bin/sh\"}}\n");
    r.len = 0;
    cast_event(&r, 1500000, 'o', "\033[1;2Hé\n\t\x01", 11);
    assert_string_equal(r.p, "[1.500000, \"o\", \"\\u001b[1;2Hé\\n\\t\\u0001\"]\n");
    r.len = 0;
    cast_event(&r, 100000, 'm', "caption", 7);
    assert_string_equal(r.p, "[0.100000, \"m\", \"caption\"]\n");
    rbuf_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(palette_values),
        cmocka_unit_test(format_names),
        cmocka_unit_test(ansi_rows),
        cmocka_unit_test(svg_escaping_and_cells),
        cmocka_unit_test(html_spans),
        cmocka_unit_test(update_full_then_diff),
        cmocka_unit_test(cast_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
