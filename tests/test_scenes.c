/*
 * test_scenes: every built-in scene (the .scene files in scenes/, or $GILVIZ_SCENES)
 * parses, runs to its end without error, keeps the model's invariants at
 * every instant (see sim_helpers.h), gives a byte-identical timeline when
 * run twice, and has its title and captions in English and Portuguese.
 */
#include "sim_helpers.h"


#include "util.h"

/* Read and run one scene file twice; check everything about it. */
static void check_scene_file(const char *path)
{
    size_t len;
    char *text = gv_read_file(path, &len);
    assert_non_null(text);
    struct run a, b;
    run_scene(&a, text);
    if (a.rc != 0)
        fail_msg("%s: %s", path, a.err);
    assert_false(a.st->horizon_hit);
    assert_false(a.st->event_cap_hit);
    check_invariants(&a);
    /* every started thread ended (pool threads only go idle), unless the
     * scene is about a deadlock */
    if (!a.st->deadlock)
        for (int32_t i = 0; i < a.st->nthreads; i++)
            if (!a.st->threads[i].daemon)
                assert_true(a.st->threads[i].end >= 0);
    for (int32_t k = 0; k < a.st->ntasks; k++)
        if (a.st->tasks[k].created >= 0 && !a.st->deadlock)
            assert_true(a.st->tasks[k].done >= 0);
    run_scene(&b, text);
    assert_true(timeline_hash(a.tl) == timeline_hash(b.tl));
    /* narration: a title, and every caption in both languages */
    assert_non_null(a.sc->title.text[SCENE_LANG_EN]);
    assert_non_null(a.sc->title.text[SCENE_LANG_PT]);
    assert_true(a.sc->nnotes > 0);
    for (int32_t i = 0; i < a.sc->nnotes; i++) {
        if (!a.sc->notes[i].text.text[SCENE_LANG_PT])
            fail_msg("%s:%u: caption without a Portuguese text", path, a.sc->notes[i].line);
        assert_true(a.sc->notes[i].at <= a.st->wall_ns); /* shown before the end */
    }
    printf("    %-32s %8.3f ms, %8llu records, ok\n", path, (double)a.st->wall_ns / 1e6,
           (unsigned long long)timeline_count(a.tl));
    run_free(&a);
    run_free(&b);
    free(text);
}

static void every_builtin_scene_holds(void **state)
{
    (void)state;
    char *paths[512];
    int n = builtin_scene_paths(paths, 512);
    assert_true(n >= 6);
    for (int i = 0; i < n; i++) {
        const char *path = paths[i];
        check_scene_file(path);
        free(paths[i]);
    }
}

/* The claims the starter scenes' captions make hold in the simulation. */
static void starter_scenes_show_what_they_claim(void **state)
{
    (void)state;
    struct run r;
    size_t len;
    char *text;

    text = gv_read_file("scenes/convoy.scene", &len);
    run_scene(&r, text);
    /* "each packet costs 5 ms of waiting" */
    assert_true(r.st->io_mean_ns > 5 * GV_NS_PER_MS && r.st->io_mean_ns < 5 * GV_NS_PER_MS + 500 * GV_NS_PER_US);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/cpu-threads.scene", &len);
    run_scene(&r, text);
    /* four threads of 250 ms on four cores: about 1 s, speedup about 1x */
    assert_true(r.st->wall_ns > 1000 * GV_NS_PER_MS && r.st->wall_ns < 1030 * GV_NS_PER_MS);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/free-threaded.scene", &len);
    run_scene(&r, text);
    /* parallel, each thread 40% slower: 350 ms */
    assert_true(r.st->wall_ns > 349 * GV_NS_PER_MS && r.st->wall_ns < 352 * GV_NS_PER_MS);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/io-threads.scene", &len);
    run_scene(&r, text);
    /* eight downloads of 5 x 102 ms overlap: about 0.5 s, not 4 s */
    assert_true(r.st->wall_ns < 600 * GV_NS_PER_MS);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/race-counter.scene", &len);
    run_scene(&r, text);
    assert_string_equal(r.st->shared[0].name, "unsafe");
    assert_true(r.st->shared[0].final < r.st->shared[0].expected);
    assert_int_equal(r.st->shared[1].final, r.st->shared[1].expected);
    assert_int_equal(r.st->shared[1].expected, 400000);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/asyncio-downloads.scene", &len);
    run_scene(&r, text);
    /* twenty 80 ms downloads on one thread: about 120 ms (parsing queues
     * up when the responses arrive together), not 1.6 s */
    assert_int_equal(r.st->ntasks, 20);
    assert_true(r.st->wall_ns < 130 * GV_NS_PER_MS);
    assert_true(r.st->speedup > 10.0);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/callbacks.scene", &len);
    run_scene(&r, text);
    /* the consumer resumes right after the worker's call_soon_threadsafe */
    assert_true(r.st->tasks[0].done > 22 * GV_NS_PER_MS && r.st->tasks[0].done < 24 * GV_NS_PER_MS);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/blocking-the-loop.scene", &len);
    run_scene(&r, text);
    /* time.sleep(0.2) in a coroutine: the tickers are late by 200 ms and
     * the callback is flagged; through the executor, nobody is late */
    assert_int_equal(r.st->loops[0].slow_callbacks, 1);
    assert_true(r.st->loops[0].lag_max_ns > 190 * GV_NS_PER_MS);
    assert_int_equal(r.st->loops[1].slow_callbacks, 0);
    assert_true(r.st->loops[1].lag_max_ns < 1 * GV_NS_PER_MS);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/cpu-processes.scene", &len);
    run_scene(&r, text);
    /* four processes on four cores: speedup above 3 despite start-up */
    assert_true(r.st->speedup > 3.0);
    run_free(&r);
    free(text);

    text = gv_read_file("scenes/old-gil-battle.scene", &len);
    run_scene(&r, text);
    /* two threads of 100 ms: slower than the 200 ms they would take in turn */
    assert_true(r.st->wall_ns > 220 * GV_NS_PER_MS);
    assert_true(r.st->failed_wakeups > 1000);
    run_free(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_builtin_scene_holds),
        cmocka_unit_test(starter_scenes_show_what_they_claim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
