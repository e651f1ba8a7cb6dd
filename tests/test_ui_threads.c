/*
 * test_ui_threads: the player's hand-off with the engine (cmocka; also run
 * under ThreadSanitizer by `make tsan`).
 *
 * The engine runs on its own pthread (engine_start) while this thread does
 * what the player's loop does: index the published prefix in slices
 * (tally_advance), move the time to the newest fully indexed instant, and
 * lay out a frame — never waiting for the engine — until the timeline is
 * done.  Then the last frame must equal the frame drawn from the same scene
 * simulated without threads: reading while the engine writes changed
 * nothing.
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
#include "timeline/timeline.h"
#include "ui/canvas.h"
#include "ui/layout.h"
#include "ui/tally.h"
#include "sim_helpers.h"

/* About a million events: long enough to be read while it is written. */
static const char scene_text[] =
    "scene \"hand-off\"\n"
    "python 3.11\n"
    "cores 4\n"
    "switch_interval 50us\n"
    "thread cpu x6:\n"
    "    repeat 300:\n"
    "        cpu 40us \"spin\"\n"
    "        nogil 5us \"hash\"\n"
    "thread net x6:\n"
    "    repeat 3000:\n"
    "        io 7us \"recv()\"\n"
    "        cpu 2us \"parse\"\n"
    "note 0ms \"start\"\n"
    "note 1ms \"later\"\n";

static struct scene *parse(void)
{
    return parse_scene("handoff.scene", scene_text);
}

/* The frame at t of a finished timeline, as text. */
static char *frame_text(const struct scene *sc, const struct timeline *tl, gv_ns t)
{
    struct tally *ty = tally_new(tl);
    while (tally_advance(ty, UINT64_MAX) > 0)
        ;
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct layout *l = layout_new(d);
    struct canvas *cv = canvas_new(120, 40);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    v.t = t;
    v.playing = 0;
    layout_draw(l, cv, &v, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    canvas_print(cv, f);
    fclose(f);
    canvas_free(cv);
    layout_free(l);
    ui_data_free(d);
    tally_free(ty);
    return buf;
}

static void frames_while_the_engine_runs(void **state)
{
    (void)state;
    struct scene *sc = parse();
    struct timeline *tl = timeline_new();
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    assert_non_null(e);
    /* everything the reader builds is sized now, from the final lane set */
    struct tally *ty = tally_new(tl);
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct layout *l = layout_new(d);
    struct canvas *cv = canvas_new(120, 40);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    v.playing = 0;
    v.sim_running = 1;

    pthread_t th;
    assert_int_equal(engine_start(e, &th), 0);
    unsigned long frames = 0, partial = 0;
    gv_ns last = -1;
    uint64_t seed = 42;
    while (!tally_complete(ty)) {
        tally_advance(ty, 50000);
        gv_ns h = tally_horizon(ty);
        if (h < 0)
            continue;
        assert_true(h >= last);   /* the horizon never goes back */
        last = h;
        /* the newest instant, then some earlier one */
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        v.t = frames % 2 ? h : (gv_ns)((seed >> 11) % (uint64_t)(h + 1));
        layout_draw(l, cv, &v, NULL);
        frames++;
        partial += !timeline_done(tl);
    }
    assert_int_equal(engine_join(e, th, err, sizeof err), 0);
    v.sim_running = 0;
    print_message("%lu frames drawn, %lu while the engine was running\n", frames, partial);
    assert_true(frames > 0);

    /* the last frame equals the one from a timeline simulated without threads */
    gv_ns end = timeline_end(tl);
    char *a = frame_text(sc, tl, end);
    struct scene *sc2 = parse();
    struct timeline *tl2 = timeline_new();
    struct engine *e2 = engine_new(sc2, tl2, err, sizeof err);
    assert_int_equal(engine_run(e2, err, sizeof err), 0);
    assert_int_equal(timeline_hash(tl), timeline_hash(tl2));
    char *b = frame_text(sc2, tl2, end);
    assert_string_equal(a, b);
    free(a);
    free(b);
    engine_free(e2);
    timeline_free(tl2);
    scene_free(sc2);

    canvas_free(cv);
    layout_free(l);
    ui_data_free(d);
    tally_free(ty);
    engine_free(e);
    timeline_free(tl);
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_while_the_engine_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
