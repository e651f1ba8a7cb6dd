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

/* The claims each built-in scene's captions make are checked in
 * test_lecture.c, scene by scene. */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_builtin_scene_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
