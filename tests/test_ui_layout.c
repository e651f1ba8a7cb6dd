/*
 * test_ui_layout: the player's pure layers (cmocka) — canvas, glyphs, strips, the
 * tally, the layout and the controls — on a hand-built timeline whose every
 * record is known, so each expected cell can be worked out by hand:
 *
 *   t (ns)   alpha (core 0)      beta               GIL
 *   0        Python, holds GIL   I/O "recv()"       held by alpha
 *   1000                         GIL wait (alpha)
 *   2000     switch wait         (drop_request)     free
 *   2100     GIL wait (beta)     Python on core 1   forced switch, held by beta
 *   3000     Python on core 0    done               held by alpha
 *   4000     done                                   free, end
 *
 * No curses, no clock: term.c and player.c are tested end to end by
 * tests/cli_player*.sh under tmux.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scene/scene.h"
#include "sim/engine.h"
#include "timeline/codes.h"
#include "timeline/timeline.h"
#include "sim_helpers.h"
#include "ui/canvas.h"
#include "ui/control.h"
#include "ui/layout.h"
#include "ui/strip.h"
#include "ui/style.h"
#include "ui/tally.h"
#include "ui/text.h"

static const char scene_text[] =
    "scene \"Test scene\" pt \"Cena de teste\"\n"
    "description \"Two threads.\" pt \"Duas threads.\"\n"
    "python 3.11\n"
    "cores 2\n"
    "thread alpha:\n"
    "    cpu 3ms \"work\"\n"
    "thread beta:\n"
    "    io 1us \"recv()\"\n"
    "    cpu 1us \"handle\"\n"
    "note 0ms \"first note\" pt \"primeira nota\"\n"
    "note 2us \"alpha is asked to drop the GIL\" pt \"pedem a alpha que solte a GIL\"\n";

enum { L_ALPHA, L_BETA, L_SCENE, L_GIL, L_CORE0, L_CORE1 };
#define CORE(c) ((uint8_t)((c) + 1))
#define GIL TL_FLAG_GIL

struct fixture {
    struct scene *sc;
    struct engine *e;         /* NULL for the hand-built timeline */
    struct timeline *tl;
    struct tally *ty;
    struct ui_data *d;
    struct layout *lay;
    struct canvas *cv;
};

/* Index of a label in the scene. */
static int32_t label_of(const struct scene *sc, const char *name)
{
    for (int32_t i = 0; i < sc->nlabels; i++)
        if (strcmp(scene_label(sc, i, SCENE_LANG_EN), name) == 0)
            return i;
    fail_msg("no label %s", name);
    return -1;
}

static void rec(struct timeline *tl, gv_ns t, int lane, int kind, int code, int flags, int32_t arg)
{
    assert_int_equal(timeline_append(tl, t, (uint16_t)lane, (uint8_t)kind, (uint8_t)code, (uint8_t)flags, arg), 0);
}

/* The scene, the hand-built timeline above, and the UI on top. */
static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    fx->sc = parse_scene("test.scene", scene_text);
    struct timeline *tl = fx->tl = timeline_new();
    timeline_add_lane(tl, LANE_THREAD, "alpha", 0, 0);
    timeline_add_lane(tl, LANE_THREAD, "beta", 0, 1);
    timeline_add_lane(tl, LANE_SCENE, "Test scene", -1, 0);
    timeline_add_lane(tl, LANE_GIL, "main", 0, 0);
    timeline_add_lane(tl, LANE_CORE, "core 0", -1, 0);
    timeline_add_lane(tl, LANE_CORE, "core 1", -1, 1);
    int32_t recv = label_of(fx->sc, "recv()");
    rec(tl, 0, L_GIL, TL_STATE, GIL_FREE, 0, -1);
    rec(tl, 0, L_ALPHA, TL_STATE, TS_PYTHON, GIL | CORE(0), -1);
    rec(tl, 0, L_BETA, TL_STATE, TS_IO, 0, recv);
    rec(tl, 0, L_GIL, TL_STATE, GIL_HELD, 0, 0);
    rec(tl, 0, L_SCENE, TL_EVENT, EV_NOTE, 0, 0);
    rec(tl, 1000, L_BETA, TL_EVENT, EV_IO_DONE, 0, recv);
    rec(tl, 1000, L_BETA, TL_STATE, TS_GIL_WAIT, 0, 0);
    rec(tl, 2000, L_SCENE, TL_EVENT, EV_NOTE, 0, 1);
    rec(tl, 2000, L_GIL, TL_EVENT, EV_DROP_REQUEST, 0, 1);
    rec(tl, 2000, L_ALPHA, TL_STATE, TS_SWITCH_WAIT, 0, 1);
    rec(tl, 2000, L_GIL, TL_STATE, GIL_FREE, 0, -1);
    rec(tl, 2100, L_GIL, TL_EVENT, EV_FORCED_SWITCH, 0, 1);
    rec(tl, 2100, L_GIL, TL_STATE, GIL_HELD, 0, 1);
    rec(tl, 2100, L_BETA, TL_STATE, TS_PYTHON, GIL | CORE(1), -1);
    rec(tl, 2100, L_ALPHA, TL_STATE, TS_GIL_WAIT, 0, 1);
    rec(tl, 3000, L_BETA, TL_STATE, TS_DONE, 0, -1);
    rec(tl, 3000, L_GIL, TL_EVENT, EV_SWITCH, 0, 0);
    rec(tl, 3000, L_GIL, TL_STATE, GIL_HELD, 0, 0);
    rec(tl, 3000, L_ALPHA, TL_STATE, TS_PYTHON, GIL | CORE(0), -1);
    rec(tl, 4000, L_ALPHA, TL_STATE, TS_DONE, 0, -1);
    rec(tl, 4000, L_GIL, TL_STATE, GIL_FREE, 0, -1);
    timeline_finish(tl, 4000);
    fx->ty = tally_new(tl);
    while (tally_advance(fx->ty, 3) > 0)   /* small slices: the snapshots get exercised */
        ;
    fx->d = ui_data_new(tl, fx->sc, fx->ty);
    fx->lay = layout_new(fx->d);
    fx->cv = canvas_new(100, 30);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    canvas_free(fx->cv);
    layout_free(fx->lay);
    ui_data_free(fx->d);
    tally_free(fx->ty);
    engine_free(fx->e);
    timeline_free(fx->tl);
    scene_free(fx->sc);
    free(fx);
    return 0;
}

/* A fixture from scene text, whose engine adds the lanes.  With `run` the
 * scene is simulated to the end and every record read before the view is
 * made; without, the test appends records itself. */
static struct fixture *fixture_of(const char *file, const char *text, bool run)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    fx->sc = parse_scene(file, text);
    fx->tl = timeline_new();
    char err[256];
    fx->e = engine_new(fx->sc, fx->tl, err, sizeof err);
    assert_non_null(fx->e);
    if (run)
        assert_int_equal(engine_run(fx->e, err, sizeof err), 0);
    fx->ty = tally_new(fx->tl);
    while (tally_advance(fx->ty, UINT64_MAX) > 0)
        ;
    fx->d = ui_data_new(fx->tl, fx->sc, fx->ty);
    fx->lay = layout_new(fx->d);
    fx->cv = canvas_new(100, 30);
    return fx;
}

/* A paused view at t with a span of 4 us. */
static struct ui_view view_at(const struct fixture *fx, gv_ns t, int lang, int ascii)
{
    struct ui_view v;
    ui_view_defaults(&v, fx->d, lang, ascii, 1);
    v.t = t;
    v.span = 4000;
    v.playing = 0;
    return v;
}

/* Does any row of the canvas contain `s`? */
static int canvas_has(const struct canvas *cv, const char *s)
{
    char line[4096];
    for (int y = 0; y < cv->h; y++) {
        canvas_row_text(cv, y, line, sizeof line);
        if (strstr(line, s))
            return 1;
    }
    return 0;
}

/* Row whose lane name (from column 1, ASCII) is `name`, or -1. */
static int row_named(const struct canvas *cv, const char *name)
{
    size_t n = strlen(name);
    for (int y = 0; y < cv->h; y++) {
        size_t k = 0;
        while (k < n && canvas_at(cv, 1 + (int)k, y)->g[0] == name[k])
            k++;
        if (k == n && canvas_at(cv, 1 + (int)n, y)->g[0] == ' ')
            return y;
    }
    return -1;
}

/* The glyph drawn at time t on row y. */
static const char *glyph_at(const struct canvas *cv, const struct ui_geom *g, int y, gv_ns t)
{
    int x = g->strip_x + (int)((t - g->t0) * g->strip_w / g->span);
    const struct cv_cell *c = canvas_at(cv, x, y);
    assert_non_null(c);
    static char buf[5];
    memcpy(buf, c->g, 4);
    buf[4] = 0;
    return buf;
}

/* ---- canvas ----------------------------------------------------------------------- */

static void canvas_cells_and_text(void **state)
{
    (void)state;
    struct canvas *cv = canvas_new(10, 3);
    assert_int_equal(canvas_text(cv, 1, 0, -1, "abc", 3, CV_BOLD), 3);
    const struct cv_cell *c = canvas_at(cv, 2, 0);
    assert_string_equal(c->g, "b");
    assert_int_equal(c->style, 3);
    assert_int_equal(c->attr, CV_BOLD);
    /* clipped at the edge, and to maxw */
    assert_int_equal(canvas_text(cv, 7, 1, -1, "hello", 0, 0), 3);
    assert_int_equal(canvas_text(cv, 0, 2, 2, "hello", 0, 0), 2);
    assert_null(canvas_at(cv, 10, 0));
    assert_int_equal(canvas_put(cv, -1, 0, "x", 0, 0), 0);
    assert_int_equal(canvas_put(cv, 0, 5, "x", 0, 0), 0);
    char line[64];
    canvas_row_text(cv, 0, line, sizeof line);
    assert_string_equal(line, " abc");   /* trailing spaces trimmed */
    canvas_row_text(cv, 1, line, sizeof line);
    assert_string_equal(line, "       hel");
    /* UTF-8: one cell per code point, a wide one takes two */
    canvas_clear(cv);
    assert_int_equal(canvas_text(cv, 0, 0, -1, "ação█", 0, 0), 5);
    canvas_row_text(cv, 0, line, sizeof line);
    assert_string_equal(line, "ação█");
    assert_int_equal(canvas_put(cv, 0, 1, "中", 0, 0), 2);
    assert_int_equal(canvas_at(cv, 1, 1)->g[0], 0);
    canvas_row_text(cv, 1, line, sizeof line);
    assert_string_equal(line, "中");
    assert_int_equal(canvas_text_width("ação 中"), 7);
    assert_int_equal((int)canvas_text_fit("ação", 2), 3);   /* "a" + "ç" (2 bytes) */
    canvas_free(cv);
}

static void canvas_ascii_mode(void **state)
{
    (void)state;
    struct canvas *cv = canvas_new(40, 1);
    canvas_set_ascii(cv, 1);
    canvas_text(cv, 0, 0, -1, "não é · “x” µs █", 0, 0);
    char line[64];
    canvas_row_text(cv, 0, line, sizeof line);
    assert_string_equal(line, "nao e . \"x\" us ?");
    canvas_free(cv);
}

static void canvas_bad_utf8(void **state)
{
    (void)state;
    uint32_t c;
    assert_int_equal(cv_utf8_decode("\xff" "a", &c), 1);
    assert_int_equal(c, 0xfffd);
    assert_int_equal(cv_utf8_decode("\xe2\x82" "a", &c), 2);   /* truncated: resync at 'a' */
    assert_int_equal(c, 0xfffd);
    assert_int_equal(cv_utf8_decode("\xc0\xaf", &c), 2);       /* overlong */
    assert_int_equal(c, 0xfffd);
    struct canvas *cv = canvas_new(5, 1);
    canvas_text(cv, 0, 0, -1, "a\xff" "b", 0, 0);
    char line[16];
    canvas_row_text(cv, 0, line, sizeof line);
    assert_string_equal(line, "a?b");
    canvas_free(cv);
}

/* ---- glyphs ------------------------------------------------------------------------- */

static void glyphs_are_distinct(void **state)
{
    (void)state;
    for (int ascii = 0; ascii < 2; ascii++) {
        for (int a = TS_READY; a <= TS_DONE; a++) {
            const char *ga = style_state_glyph(a, ascii);
            assert_int_equal(canvas_text_width(ga), 1);
            if (ascii)
                assert_true((unsigned char)ga[0] < 0x80 && ga[1] == 0);
            for (int b = a + 1; b <= TS_DONE; b++)
                if (strcmp(ga, style_state_glyph(b, ascii)) == 0)
                    fail_msg("states %s and %s share the glyph '%s'", thread_state_name(a), thread_state_name(b),
                             ga);
        }
        assert_string_equal(style_state_glyph(TS_NEW, ascii), " ");
        assert_string_equal(style_state_glyph(250, ascii), "?");
    }
    assert_string_equal(style_state_glyph(TS_PYTHON, 0), "█");
    assert_string_equal(style_state_glyph(TS_GIL_WAIT, 1), "-");
    assert_true(ST_COUNT <= 256);
}

static void text_tables(void **state)
{
    (void)state;
    for (int id = 0; id < T_COUNT_; id++) {
        assert_non_null(text_get(SCENE_LANG_EN, (enum text_id)id));
        assert_non_null(text_get(SCENE_LANG_PT, (enum text_id)id));
    }
    assert_string_equal(text_state(SCENE_LANG_EN, TS_GIL_WAIT), "GIL wait");
    assert_string_equal(text_state(SCENE_LANG_PT, TS_IO), "E/S");   /* from the gettext catalogue */
    assert_string_equal(text_get(SCENE_LANG_PT, T_PAUSED), "pausado");
    assert_string_equal(text_get(SCENE_LANG_EN, T_PAUSED), "paused");
    /* the LANGUAGE=pt_BR:pt that gettext was given for the Portuguese texts
     * above is not the user's choice */
    setenv("LANG", "C.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), SCENE_LANG_EN);
    setenv("LC_ALL", "pt_BR.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), SCENE_LANG_PT);
    setenv("LC_ALL", "", 1);
    setenv("LC_MESSAGES", "en_GB.UTF-8", 1);
    setenv("LANG", "pt_PT.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), SCENE_LANG_EN);   /* LC_MESSAGES wins over LANG */
    unsetenv("LC_MESSAGES");
    assert_int_equal(gv_lang_from_env(), SCENE_LANG_PT);
    unsetenv("LANG");
    unsetenv("LC_ALL");
    assert_int_equal(gv_lang_from_env(), SCENE_LANG_EN);
}

/* ---- strips ------------------------------------------------------------------------- */

static void strip_known_timeline(void **state)
{
    struct fixture *fx = *state;
    struct strip *s = strip_new(fx->tl);
    int lanes[] = { L_ALPHA, L_BETA, L_CORE0, L_CORE1, L_GIL };
    strip_compute(s, 0, 4000, 3999, 4, lanes, 5);
    const uint32_t *a = strip_values(s, 0), *b = strip_values(s, 1), *c0 = strip_values(s, 2),
                   *c1 = strip_values(s, 3), *g = strip_values(s, 4);
    /* alpha: Python, Python, (switch wait 100 + GIL wait 900 ns) -> GIL wait, Python */
    assert_int_equal(a[0], TS_PYTHON);
    assert_int_equal(a[1], TS_PYTHON);
    assert_int_equal(a[2], TS_GIL_WAIT);
    assert_int_equal(a[3], TS_PYTHON);
    /* beta: I/O, GIL wait, (GIL wait 100 + Python 900) -> Python, done */
    assert_int_equal(b[0] & 0xff, TS_IO);
    assert_int_equal(b[0] >> 8, label_of(fx->sc, "recv()") + 1);   /* the label rides along */
    assert_int_equal(b[1], TS_GIL_WAIT);
    assert_int_equal(b[2], TS_PYTHON);
    assert_int_equal(b[3], TS_DONE);
    /* cores: occupant + 1 and its state */
    assert_int_equal(STRIP_WHO(c0[0]), 1);
    assert_int_equal(STRIP_CODE(c0[0]), TS_PYTHON);
    assert_int_equal(c0[2], 0);
    assert_int_equal(STRIP_WHO(c0[3]), 1);
    assert_int_equal(c1[0], 0);
    assert_int_equal(STRIP_WHO(c1[2]), 2);
    /* GIL holder + 1; the third column is beta's (900 ns against 100 free) */
    assert_int_equal(g[0], 1);
    assert_int_equal(g[2], 2);
    assert_int_equal(g[3], 1);
    const uint8_t *m = strip_marks(s, 4);
    assert_int_equal(m[0], 0);
    assert_int_equal(m[2], MARK_DROP | MARK_FORCED);
    assert_int_equal(m[3], MARK_SWITCH);
    strip_free(s);
}

static void strip_future_and_budget(void **state)
{
    struct fixture *fx = *state;
    struct strip *s = strip_new(fx->tl);
    int lanes[] = { L_BETA };
    /* now = 1500: columns starting after it are the future */
    strip_compute(s, 0, 4000, 1500, 8, lanes, 1);
    const uint32_t *b = strip_values(s, 0);
    assert_int_equal(b[0] & 0xff, TS_IO);
    assert_int_equal(b[2], TS_GIL_WAIT);
    assert_int_equal(b[3], TS_GIL_WAIT);   /* [1500, 2000) starts at now: drawn up to now */
    assert_int_equal(b[4], STRIP_FUTURE);
    assert_int_equal(b[7], STRIP_FUTURE);
    /* one column over everything: the walk is the same as a jump */
    strip_compute(s, 0, 4000, 4000, 1, lanes, 1);
    assert_int_equal(strip_values(s, 0)[0], TS_GIL_WAIT);   /* 1000 + 100 ns, the longest single stretch */
    assert_int_equal(strip_col_start(s, 1), 4000);
    strip_free(s);
}

/* ---- tally -------------------------------------------------------------------------- */

static void tally_totals(void **state)
{
    struct fixture *fx = *state;
    struct tally_at at;
    assert_int_equal(tally_count(fx->ty), timeline_count(fx->tl));
    assert_true(tally_complete(fx->ty));
    assert_int_equal(tally_horizon(fx->ty), 4000);
    assert_int_equal(tally_ncores(fx->ty), 2);
    assert_int_equal(tally_get(fx->ty, 4000, &at), 0);
    assert_int_equal(at.core_busy[0], 3000);   /* [0, 2000) and [3000, 4000) */
    assert_int_equal(at.core_busy[1], 900);    /* [2100, 3000) */
    assert_int_equal(at.switches, 2);
    assert_int_equal(at.forced, 1);
    assert_int_equal(at.drop_requests, 1);
    assert_int_equal(tally_get(fx->ty, 2500, &at), 0);
    assert_int_equal(at.core_busy[0], 2000);
    assert_int_equal(at.core_busy[1], 400);    /* still on core 1: counted up to t */
    assert_int_equal(at.switches, 1);
    assert_int_equal(tally_get(fx->ty, 999, &at), 0);
    assert_int_equal(at.core_busy[0], 999);
    assert_int_equal(at.drop_requests, 0);
    assert_int_equal(tally_get(fx->ty, 4001, &at), -1);
}

/* ---- layout ------------------------------------------------------------------------- */

static void layout_lanes_show_states(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 2500, SCENE_LANG_EN, 0);
    struct ui_geom g;
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_int_equal(g.small, 0);
    int ya = row_named(fx->cv, "alpha"), yb = row_named(fx->cv, "beta");
    assert_true(ya > 0 && yb > 0);
    assert_string_equal(glyph_at(fx->cv, &g, ya, 500), style_state_glyph(TS_PYTHON, 0));
    assert_string_equal(glyph_at(fx->cv, &g, yb, 0), style_state_glyph(TS_IO, 0));
    assert_true(canvas_has(fx->cv, "~recv()~"));   /* a long I/O names itself */
    assert_string_equal(glyph_at(fx->cv, &g, yb, 1500), style_state_glyph(TS_GIL_WAIT, 0));
    assert_string_equal(glyph_at(fx->cv, &g, ya, 2400), style_state_glyph(TS_GIL_WAIT, 0));
    assert_string_equal(glyph_at(fx->cv, &g, ya, 3500), " ");   /* the future is not shown */
    assert_int_equal(g.row[ya].kind, ROW_THREAD);
    assert_int_equal(g.row[ya].index, 0);
    /* status column, GIL, why line, caption, header */
    assert_true(canvas_has(fx->cv, "GIL wait 400 ns"));
    assert_true(canvas_has(fx->cv, "held by beta"));
    assert_true(canvas_has(fx->cv, "waiting: alpha 400 ns"));
    assert_true(canvas_has(fx->cv, "core 1"));
    assert_true(canvas_has(fx->cv, "beta · Python"));
    assert_true(canvas_has(fx->cv, "alpha is waiting for the GIL held by beta since 2.100 us (400 ns so far)"));
    assert_true(canvas_has(fx->cv, "alpha is asked to drop the GIL"));
    assert_true(canvas_has(fx->cv, "t = 2.500 us"));
    assert_true(canvas_has(fx->cv, "CPython 3.11 · GIL 5 ms · 2 cores"));
    assert_true(canvas_has(fx->cv, "Test scene"));
    assert_true(canvas_has(fx->cv, "paused"));
    assert_true(canvas_has(fx->cv, "forced GIL switch to beta"));
    assert_true(canvas_has(fx->cv, "busy 0:80% 1:16%"));
    assert_true(canvas_has(fx->cv, "GIL switches 1 (1 forced)"));
    assert_true(canvas_has(fx->cv, "/ 4.000 us"));
    /* a run cut short by the horizon or a cap says so after its end */
    v.stopped_by = UI_STOP_HORIZON;
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_true(canvas_has(fx->cv, "/ 4 us · horizon reached"));
    v.stopped_by = UI_STOP_MEMORY;
    v.lang = SCENE_LANG_PT;
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_true(canvas_has(fx->cv, "/ 4 us · limite de memória"));
    v.lang = SCENE_LANG_EN;
    v.stopped_by = UI_STOP_NONE;
    /* while the engine runs: a progress indicator instead of the end */
    v.sim_running = 1;
    v.spinner = 2;
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_true(canvas_has(fx->cv, "simulating | 4 us so far"));
    assert_false(canvas_has(fx->cv, "/ 4.000 us"));
}

static void layout_why_line_for_each_wait(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 500, SCENE_LANG_EN, 0);
    v.sel = 1;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "beta is blocked in I/O \"recv()\" for 500 ns (GIL released)"));
    v.t = 2050;
    v.sel = 0;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "alpha dropped the GIL on request and waits for beta to take it (50 ns so far)"));
    v.t = 3500;
    v.sel = 1;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "beta has finished, at 3.000 us"));
}

/* A run that stopped on a mistake in the scene says so in the header and
 * the whole error in the caption's rows, wrapped, at 80x24 too. */
static void layout_simulation_error(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 0, SCENE_LANG_EN, 0);   /* the first note's time */
    snprintf(v.sim_error, sizeof v.sim_error, "%s",
             "test.scene:4:5: error: thread 'alpha' acquires lock 'm' it already holds: it would wait forever "
             "(use an RLock)");
    canvas_resize(fx->cv, 80, 24);
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "simulation stopped on an error"));
    assert_true(canvas_has(fx->cv, "test.scene:4:5: error: thread 'alpha' acquires lock 'm'"));
    assert_true(canvas_has(fx->cv, "(use an RLock)"));
    char line[512];
    canvas_row_text(fx->cv, 2, line, sizeof line);   /* the caption's first row: the error, not the note */
    assert_non_null(strstr(line, "test.scene:4:5: error:"));
    v.sim_error[0] = '\0';
    layout_draw(fx->lay, fx->cv, &v, NULL);
    canvas_row_text(fx->cv, 2, line, sizeof line);
    assert_non_null(strstr(line, "first note"));
    assert_false(canvas_has(fx->cv, "simulation stopped"));
    canvas_resize(fx->cv, 100, 30);
}

static void layout_small_terminal(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 0, SCENE_LANG_EN, 0);
    struct ui_geom g;
    canvas_resize(fx->cv, 60, 20);
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_int_equal(g.small, 1);
    assert_true(canvas_has(fx->cv, "enlarge the terminal (need 80x24, have 60x20)"));
    canvas_resize(fx->cv, 80, 23);
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_true(canvas_has(fx->cv, "have 80x23"));
    v.lang = SCENE_LANG_PT;
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_true(canvas_has(fx->cv, "aumente o terminal (precisa de 80x24, tem 80x23)"));
    canvas_resize(fx->cv, 80, 24);
    layout_draw(fx->lay, fx->cv, &v, &g);
    assert_int_equal(g.small, 0);
    canvas_resize(fx->cv, 100, 30);
}

static void layout_every_size(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 2200, SCENE_LANG_EN, 0);
    int sizes[][2] = { { 1, 1 }, { 2, 1 }, { 10, 3 }, { 79, 24 }, { 80, 24 }, { 81, 25 }, { 120, 40 },
                       { 200, 60 }, { 300, 24 }, { 80, 100 } };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        canvas_resize(fx->cv, sizes[k][0], sizes[k][1]);
        for (int help = 0; help < 2; help++) {
            v.help = help;
            struct ui_geom g;
            layout_draw(fx->lay, fx->cv, &v, &g);
            assert_int_equal(g.small, sizes[k][0] < 80 || sizes[k][1] < 24);
        }
    }
    canvas_resize(fx->cv, 100, 30);
}

static void layout_ascii_mode(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 2500, SCENE_LANG_PT, 1);
    for (int help = 0; help < 2; help++) {
        v.help = help;
        layout_draw(fx->lay, fx->cv, &v, NULL);
        for (int i = 0; i < fx->cv->w * fx->cv->h; i++)
            for (int k = 0; k < 4; k++)
                if ((unsigned char)fx->cv->cells[i].g[k] >= 0x80)
                    fail_msg("cell %d (row %d) is not ASCII", i, i / fx->cv->w);
    }
    v.help = 0;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "Cena de teste"));
    assert_true(canvas_has(fx->cv, "nucleo 1"));        /* "núcleo", without its accent */
    assert_true(canvas_has(fx->cv, "pedem a alpha que solte a GIL"));
    struct ui_geom g;
    layout_draw(fx->lay, fx->cv, &v, &g);
    int ya = row_named(fx->cv, "alpha");
    assert_string_equal(glyph_at(fx->cv, &g, ya, 500), "#");
    assert_string_equal(glyph_at(fx->cv, &g, ya, 2400), "-");
}

static void layout_help_overlay(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 2500, SCENE_LANG_EN, 0);
    v.help = 1;
    canvas_resize(fx->cv, 80, 24);
    layout_draw(fx->lay, fx->cv, &v, NULL);
    static const char *const keys[] = { "gilviz keys", "play / pause", "next / previous event (exact)",
                                        "a bigger step", "next / previous GIL switch or note", "slower / faster",
                                        "type a speed", "go to the start / the end", "/ a time",
                                        "find a thread or task by name",
                                        "zoom in / out", "next panel", "select a thread", "click a lane",
                                        "this help", "quit", "GIL wait", "failed wake-up", "Pool.map wait",
                                        "forced switch", "drop_request", "add a marker to the recording" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!canvas_has(fx->cv, keys[k]))
            fail_msg("the help does not mention '%s'", keys[k]);
    v.lang = SCENE_LANG_PT;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "teclas do gilviz"));
    assert_true(canvas_has(fx->cv, "tocar / pausar"));
    assert_true(canvas_has(fx->cv, "marcar este instante na gravação"));
    canvas_resize(fx->cv, 100, 30);
}

static void layout_portuguese(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 2500, SCENE_LANG_PT, 0);
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "Cena de teste"));
    assert_true(canvas_has(fx->cv, "pausado"));
    assert_true(canvas_has(fx->cv, "núcleo 0"));
    assert_true(canvas_has(fx->cv, "com beta"));
    assert_true(canvas_has(fx->cv, "alpha espera a GIL, que está com beta, desde 2.100 us (400 ns até agora)"));
    assert_true(canvas_has(fx->cv, "pedem a alpha que solte a GIL"));
    v.t = 0;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "primeira nota"));
}

/* ---- controls ------------------------------------------------------------------------- */

static int key(const struct control_ctx *c, struct ui_view *v, int k, uint32_t ch)
{
    struct ui_input in = { .key = k, .ch = ch };
    return control_handle(c, v, &in);
}

static int type(const struct control_ctx *c, struct ui_view *v, const char *s)
{
    int flags = 0;
    for (; *s; s++)
        flags |= key(c, v, UK_CHAR, (unsigned char)*s);
    return flags;
}

static void control_steps_are_exact(void **state)
{
    struct fixture *fx = *state;
    struct control_ctx c = { .d = fx->d, .t_max = 4000, .complete = 1 };
    struct ui_view v = view_at(fx, 0, SCENE_LANG_EN, 0);
    v.playing = 1;
    static const gv_ns times[] = { 1000, 2000, 2100, 3000, 4000, 4000 };
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
        int flags = key(&c, &v, k % 2 ? UK_RIGHT : UK_CHAR, k % 2 ? 0 : 'l');
        assert_true(flags & CTL_SEEK);
        assert_int_equal(v.t, times[k]);
        assert_int_equal(v.playing, 0);   /* stepping pauses */
    }
    static const gv_ns back[] = { 3000, 2100, 2000, 1000, 0, 0 };
    for (size_t k = 0; k < sizeof back / sizeof back[0]; k++) {
        key(&c, &v, k % 2 ? UK_LEFT : UK_CHAR, k % 2 ? 0 : 'h');
        assert_int_equal(v.t, back[k]);
    }
    /* the state shown at a stepped-to time is the state at that time */
    key(&c, &v, UK_CHAR, 'l');
    key(&c, &v, UK_CHAR, 'l');
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "t = 2.000 us"));
    v.sel = 0;
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "alpha dropped the GIL on request"));
    /* ends, big steps, n / N */
    key(&c, &v, UK_CHAR, 'G');
    assert_int_equal(v.t, 4000);
    key(&c, &v, UK_HOME, 0);
    assert_int_equal(v.t, 0);
    key(&c, &v, UK_END, 0);
    assert_int_equal(v.t, 4000);
    key(&c, &v, UK_CHAR, 'g');
    key(&c, &v, UK_CHAR, 'L');
    assert_int_equal(v.t, 400);   /* a tenth of the 4 us span */
    key(&c, &v, UK_SRIGHT, 0);
    assert_int_equal(v.t, 800);
    key(&c, &v, UK_SLEFT, 0);
    key(&c, &v, UK_CHAR, 'H');
    key(&c, &v, UK_CHAR, 'H');
    assert_int_equal(v.t, 0);
    key(&c, &v, UK_CHAR, 'n');
    assert_int_equal(v.t, 2000);   /* the note at 2 us comes before the switch at 2.1 us */
    key(&c, &v, UK_CHAR, 'n');
    assert_int_equal(v.t, 2100);
    key(&c, &v, UK_CHAR, 'n');
    assert_int_equal(v.t, 3000);
    key(&c, &v, UK_CHAR, 'N');
    assert_int_equal(v.t, 2100);
    key(&c, &v, UK_CHAR, 'N');
    assert_int_equal(v.t, 2000);
    /* never past what is simulated */
    c.t_max = 2500;
    key(&c, &v, UK_END, 0);
    assert_int_equal(v.t, 2500);
    key(&c, &v, UK_CHAR, 'l');
    assert_int_equal(v.t, 2500);
}

static void control_speed_zoom_prompts(void **state)
{
    struct fixture *fx = *state;
    struct control_ctx c = { .d = fx->d, .t_max = 4000, .complete = 1 };
    struct ui_view v = view_at(fx, 0, SCENE_LANG_EN, 0);
    v.speed = GV_NS_PER_MS;
    assert_true(key(&c, &v, UK_CHAR, ']') & CTL_SEEK);
    assert_int_equal(v.speed, 2 * GV_NS_PER_MS);
    key(&c, &v, UK_CHAR, ']');
    assert_int_equal(v.speed, 5 * GV_NS_PER_MS);
    key(&c, &v, UK_CHAR, '[');
    key(&c, &v, UK_CHAR, '[');
    key(&c, &v, UK_CHAR, '[');
    assert_int_equal(v.speed, 500 * GV_NS_PER_US);
    assert_int_equal(control_ladder_up(3), 5);
    assert_int_equal(control_ladder_down(3), 2);
    assert_int_equal(control_ladder_down(1), 1);
    /* zoom: + halves toward the 1-2-5 ladder, - widens */
    v.span = 20 * GV_NS_PER_MS;
    key(&c, &v, UK_CHAR, '+');
    assert_int_equal(v.span, 10 * GV_NS_PER_MS);
    key(&c, &v, UK_CHAR, '-');
    key(&c, &v, UK_CHAR, '-');
    assert_int_equal(v.span, 50 * GV_NS_PER_MS);
    key(&c, &v, UK_WHEEL_UP, 0);
    assert_int_equal(v.span, 20 * GV_NS_PER_MS);
    /* s: type a speed */
    key(&c, &v, UK_CHAR, 's');
    assert_int_equal(v.prompt, PROMPT_SPEED);
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "speed, simulated time per second"));
    type(&c, &v, "250usx");
    key(&c, &v, UK_BACKSPACE, 0);
    assert_true(key(&c, &v, UK_ENTER, 0) & CTL_SEEK);
    assert_int_equal(v.speed, 250 * GV_NS_PER_US);
    assert_int_equal(v.prompt, PROMPT_NONE);
    /* t: type a time; a bad one leaves a message and changes nothing */
    key(&c, &v, UK_CHAR, 't');
    type(&c, &v, "2.1us");
    key(&c, &v, UK_ENTER, 0);
    assert_int_equal(v.t, 2100);
    key(&c, &v, UK_CHAR, 't');
    type(&c, &v, "soon");
    key(&c, &v, UK_ENTER, 0);
    assert_int_equal(v.t, 2100);
    assert_non_null(strstr(v.message, "not a time: soon"));
    layout_draw(fx->lay, fx->cv, &v, NULL);
    assert_true(canvas_has(fx->cv, "not a time: soon"));
    key(&c, &v, UK_CHAR, 't');   /* a key clears the message */
    assert_string_equal(v.message, "");
    key(&c, &v, UK_ESC, 0);
    v.lang = GV_LANG_PT;         /* the reason in the view's language too */
    key(&c, &v, UK_CHAR, 't');
    type(&c, &v, "soon");
    key(&c, &v, UK_ENTER, 0);
    assert_string_equal(v.message, "não é um tempo: soon (esperava uma duração como 5ms)");
    v.lang = GV_LANG_EN;
    key(&c, &v, UK_CHAR, 't');
    key(&c, &v, UK_ESC, 0);
    assert_int_equal(v.prompt, PROMPT_NONE);
    key(&c, &v, UK_CHAR, 't');
    type(&c, &v, "0");
    key(&c, &v, UK_ENTER, 0);
    assert_int_equal(v.t, 0);
}

static void control_help_focus_quit_mouse(void **state)
{
    struct fixture *fx = *state;
    struct ui_view v = view_at(fx, 0, SCENE_LANG_EN, 0);
    struct ui_geom g;
    layout_draw(fx->lay, fx->cv, &v, &g);
    struct control_ctx c = { .d = fx->d, .geom = &g, .t_max = 4000, .complete = 1 };
    key(&c, &v, UK_CHAR, '?');
    assert_int_equal(v.help, 1);
    assert_int_equal(key(&c, &v, UK_CHAR, 'q'), CTL_REDRAW);   /* q closes the help first */
    assert_int_equal(v.help, 0);
    assert_int_equal(key(&c, &v, UK_CHAR, 'q'), CTL_QUIT);
    /* space at the end starts again from 0 */
    v.t = 4000;
    key(&c, &v, UK_CHAR, ' ');
    assert_int_equal(v.playing, 1);
    assert_int_equal(v.t, 0);
    key(&c, &v, UK_CHAR, ' ');
    assert_int_equal(v.playing, 0);
    /* Tab cycles the panels; up/down select threads */
    assert_int_equal(v.focus, PANEL_THREADS);
    key(&c, &v, UK_CHAR, 'j');
    assert_int_equal(v.sel, 1);
    key(&c, &v, UK_DOWN, 0);
    assert_int_equal(v.sel, 1);
    key(&c, &v, UK_UP, 0);
    assert_int_equal(v.sel, 0);
    /* no event loop here: Tab skips the tasks panel */
    key(&c, &v, UK_TAB, 0);
    assert_int_equal(v.focus, PANEL_CORES);
    for (int k = 0; k < PANEL_COUNT_ - 2; k++)
        key(&c, &v, UK_TAB, 0);
    assert_int_equal(v.focus, PANEL_THREADS);
    key(&c, &v, UK_BTAB, 0);
    assert_int_equal(v.focus, PANEL_LOG);
    /* a click on beta's lane at the column of 1.5 us selects beta and seeks there */
    v.t = 3000;
    layout_draw(fx->lay, fx->cv, &v, &g);
    int yb = row_named(fx->cv, "beta");
    int x = g.strip_x + (int)((1500 - g.t0) * g.strip_w / g.span);
    struct ui_input in = { .key = UK_CLICK, .x = x, .y = yb };
    assert_true(control_handle(&c, &v, &in) & CTL_SEEK);
    assert_int_equal(v.sel, 1);
    assert_int_equal(v.focus, PANEL_THREADS);
    assert_int_equal(v.t, layout_time_at_column(&g, x - g.strip_x));
    assert_true(v.t <= 1500 && v.t > 1500 - g.span / g.strip_w - 1);
    /* a click outside any lane does nothing */
    in.y = 0;
    assert_int_equal(control_handle(&c, &v, &in), 0);
}

/* asyncio: a loop row and task rows, from a real (engine) run */
static void layout_tasks_panel(void **state)
{
    (void)state;
    static const char text[] = "scene \"loop\"\n"
                               "python 3.12\n"
                               "cores 2\n"
                               "loop app:\n"
                               "    task fetch x3:\n"
                               "        await io 5ms \"GET\"\n"
                               "        cpu 1ms \"parse\"\n"
                               "main:\n"
                               "    run app\n";
    struct fixture *fx = fixture_of("loop.scene", text, true);
    struct timeline *tl = fx->tl;
    struct ui_data *d = fx->d;
    struct layout *l = fx->lay;
    struct canvas *cv = fx->cv;
    assert_int_equal(d->nloops, 1);
    assert_int_equal(d->ntasks, 3);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    assert_string_equal(timeline_lane(tl, v.sel)->name, "main");   /* main runs the loop */
    v.playing = 0;
    v.t = 3 * GV_NS_PER_MS;   /* every task awaits its GET; the loop is in select() */
    struct ui_geom g;
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "loop app"));
    assert_true(canvas_has(cv, "awaits GET"));
    assert_true(canvas_has(cv, "main waits in select() for its event loop app"));
    int y = row_named(cv, "fetch1");
    assert_true(y > 0);
    assert_int_equal(g.row[y].kind, ROW_TASK);
    assert_string_equal(glyph_at(cv, &g, y, 2 * GV_NS_PER_MS), style_task_glyph(TK_PENDING, TW_IO, 0));
    /* a task step running on the loop: the loop names it */
    gv_ns t = 5 * GV_NS_PER_MS;
    struct tl_lane_state *st = calloc((size_t)timeline_nlanes(tl), sizeof *st);
    for (; t < 10 * GV_NS_PER_MS; t += 1000) {
        timeline_state_at(tl, t, st);
        if (st[d->loop_lane[0]].code == LOOP_TASK)
            break;
    }
    v.t = t;
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "runs fetch"));
    assert_true(canvas_has(cv, "running"));
    v.lang = SCENE_LANG_PT;
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "laço app"));
    assert_true(canvas_has(cv, "roda fetch"));
    /* Tab reaches the tasks panel; Down selects the next task, whose wait
     * the why line explains; the last stays selected at the end */
    struct control_ctx c = { .d = d, .geom = &g, .t_max = timeline_end(tl), .complete = 1 };
    v.lang = SCENE_LANG_EN;
    v.t = 3 * GV_NS_PER_MS;
    key(&c, &v, UK_TAB, 0);
    assert_int_equal(v.focus, PANEL_TASKS);
    assert_int_equal(v.sel_task, 0);
    key(&c, &v, UK_DOWN, 0);
    assert_int_equal(v.sel_task, 1);
    layout_draw(l, cv, &v, &g);
    assert_true(v.top_tasks == 0);   /* three tasks fit: nothing to scroll */
    assert_true(canvas_has(cv, "▶ task fetch2 awaits I/O \"GET\""));
    key(&c, &v, UK_DOWN, 0);
    key(&c, &v, UK_DOWN, 0);
    assert_int_equal(v.sel_task, 2);
    key(&c, &v, UK_UP, 0);
    assert_int_equal(v.sel_task, 1);
    /* a click on a task's row selects it */
    layout_draw(l, cv, &v, &g);
    y = row_named(cv, "fetch3");
    assert_true(y > 0);
    struct ui_input in = { .key = UK_CLICK, .x = 1, .y = y };
    control_handle(&c, &v, &in);
    assert_int_equal(v.sel_task, 2);
    assert_int_equal(v.focus, PANEL_TASKS);
    /* --select with a task's name: the focus goes to the tasks */
    v.focus = PANEL_THREADS;
    assert_int_equal(ui_view_select(d, &v, "fetch1"), 0);
    assert_int_equal(v.focus, PANEL_TASKS);
    assert_int_equal(v.sel_task, 0);
    assert_int_equal(ui_view_select(d, &v, "nobody"), -1);
    /* / finds by part of a name, either case, from the selection on and
     * round again; Enter on the same text goes on to the next match */
    v.focus = PANEL_THREADS;
    v.sel = 0;
    key(&c, &v, UK_CHAR, '/');
    assert_int_equal(v.prompt, PROMPT_FIND);
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "find a thread or task (part of its name): "));
    type(&c, &v, "TCH2");
    key(&c, &v, UK_ENTER, 0);
    assert_int_equal(v.focus, PANEL_TASKS);
    assert_int_equal(v.sel_task, 1);
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "▶ task fetch2 awaits I/O \"GET\""));
    key(&c, &v, UK_CHAR, '/');
    assert_string_equal(v.input, "TCH2");   /* the last text, ready to go again */
    key(&c, &v, UK_CHAR, 0x15);             /* Ctrl-U erases it */
    assert_string_equal(v.input, "");
    assert_int_equal(v.prompt, PROMPT_FIND);
    key(&c, &v, UK_ESC, 0);
    static const int order[] = { 2, 0, 1 };   /* "fetch" from fetch2: fetch3, round to fetch1, fetch2 */
    for (int k = 0; k < 3; k++) {
        key(&c, &v, UK_CHAR, '/');
        while (v.input[0])
            key(&c, &v, UK_BACKSPACE, 0);
        type(&c, &v, "fetch");
        key(&c, &v, UK_ENTER, 0);
        assert_int_equal(v.sel_task, order[k]);
    }
    key(&c, &v, UK_CHAR, '/');
    while (v.input[0])
        key(&c, &v, UK_BACKSPACE, 0);
    type(&c, &v, "MAI");   /* a thread: the threads panel gets the focus */
    key(&c, &v, UK_ENTER, 0);
    assert_int_equal(v.focus, PANEL_THREADS);
    assert_string_equal(timeline_lane(tl, v.sel)->name, "main");
    key(&c, &v, UK_CHAR, '/');
    type(&c, &v, "zz");
    key(&c, &v, UK_ENTER, 0);   /* no match: a message, the selection stays */
    assert_string_equal(timeline_lane(tl, v.sel)->name, "main");
    assert_int_equal(v.focus, PANEL_THREADS);
    assert_string_equal(v.message, "no thread or task is named like 'MAIzz'");
    free(st);
    void *state_fx = fx;
    teardown(&state_fx);
}

/* The header's switch interval follows sys.setswitchinterval while the run
 * is still being simulated: records published after the view was made
 * count once ui_data_follow has read them. */
static void header_follows_switch_interval_while_running(void **state)
{
    (void)state;
    static const char text[] = "python 3.12\n"
                               "thread main:\n"
                               "    cpu 1ms\n"
                               "    setswitchinterval 500us\n"
                               "    cpu 1ms\n";
    struct fixture *fx = fixture_of("sw.scene", text, false); /* records by hand */
    struct timeline *tl = fx->tl;
    struct ui_data *d = fx->d;
    struct layout *l = fx->lay;
    struct canvas *cv = fx->cv;
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    v.playing = 0;
    struct ui_geom g;
    rec(tl, 0, 0, TL_STATE, TS_PYTHON, GIL | CORE(0), -1);
    timeline_publish(tl);
    ui_data_follow(d);
    v.t = 2 * GV_NS_PER_MS;
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "GIL 5 ms"));   /* the default: nothing set yet */
    rec(tl, GV_NS_PER_MS, d->gil_lane[0], TL_EVENT, EV_SWITCH_INTERVAL, 0, 500);
    rec(tl, 2 * GV_NS_PER_MS, 0, TL_STATE, TS_PYTHON, GIL | CORE(0), -1);
    timeline_publish(tl);
    assert_false(timeline_done(tl));
    ui_data_follow(d);
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "GIL 500 us"));
    v.t = GV_NS_PER_MS / 2;   /* before the call */
    layout_draw(l, cv, &v, &g);
    assert_true(canvas_has(cv, "GIL 5 ms"));
    ui_data_follow(d);   /* nothing new: the change is not counted twice */
    assert_int_equal(d->nsw, 1);
    void *state_fx = fx;
    teardown(&state_fx);
}

static void task_glyphs(void **state)
{
    (void)state;
    assert_string_equal(style_task_glyph(TK_RUNNING, 0, 0), style_state_glyph(TS_PYTHON, 0));
    assert_string_equal(style_task_glyph(TK_SCHEDULED, 0, 1), style_state_glyph(TS_READY, 1));
    assert_string_equal(style_task_glyph(TK_PENDING, TW_IO, 0), "~");
    assert_string_equal(style_task_glyph(TK_PENDING, TW_SLEEP, 0), "z");
    assert_string_equal(style_task_glyph(TK_NEW, 0, 0), " ");
    assert_string_equal(text_task(SCENE_LANG_EN, TK_PENDING, TW_EXECUTOR), "awaits executor");
    assert_string_equal(text_task(SCENE_LANG_PT, TK_CANCELLED, 0), "cancelada");
}

static void window_turns_pages(void **state)
{
    (void)state;
    gv_ns span = 10000, page = 4000;
    assert_int_equal(layout_window_start(0, span), 0);
    assert_int_equal(layout_window_start(7999, span), 0);
    assert_int_equal(layout_window_start(8000, span), page);
    for (gv_ns t = page; t < 100000; t += 777) {   /* past the first page: t in [40%, 80%) */
        gv_ns t0 = layout_window_start(t, span);
        assert_true(t - t0 >= page && t - t0 < 2 * page);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canvas_cells_and_text),
        cmocka_unit_test(canvas_ascii_mode),
        cmocka_unit_test(canvas_bad_utf8),
        cmocka_unit_test(glyphs_are_distinct),
        cmocka_unit_test(text_tables),
        cmocka_unit_test(window_turns_pages),
        cmocka_unit_test(task_glyphs),
        cmocka_unit_test(layout_tasks_panel),
        cmocka_unit_test(header_follows_switch_interval_while_running),
        cmocka_unit_test_setup_teardown(strip_known_timeline, setup, teardown),
        cmocka_unit_test_setup_teardown(strip_future_and_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(tally_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_lanes_show_states, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_why_line_for_each_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_simulation_error, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_small_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_every_size, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_ascii_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_help_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(layout_portuguese, setup, teardown),
        cmocka_unit_test_setup_teardown(control_steps_are_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(control_speed_zoom_prompts, setup, teardown),
        cmocka_unit_test_setup_teardown(control_help_focus_quit_mouse, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
