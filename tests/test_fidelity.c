/*
 * test_fidelity: does the model reproduce published measurements of real
 * CPython?  Each test runs the scene that describes a published experiment
 * and compares ratios (never absolute seconds: the machines differ) with the
 * published ones, with a stated tolerance.  No constant is tuned per case:
 * every scene uses the default machine except where the experiment itself
 * tells us the machine (its core count, and the time of one loop iteration
 * derived from its own sequential run).
 *
 * Tolerances and why:
 *  - 10% where the published figures themselves disagree by that much: the
 *    two Skvortsov tables give 6.59 s and 7.20 s for the same 4-thread,
 *    5 ms run.
 *  - 12% for the SHA-256 table: the laptop's 4-thread run (1.50 s) beats
 *    its 2-thread run (1.68 s) on 2 cores, which only SMT or turbo can do;
 *    the model has neither, so it predicts 1.65 s for both.
 *  - Where the model is known to fall short (old GIL on the 2009 Mac, switch
 *    intervals of 100 us and below), the tests assert what the mechanism
 *    must show -- the direction and ordering of the effect -- and print the
 *    gap; README.md ("How faithful is the model") lists the missing costs.
 *
 * Every test prints its table so a run shows the model beside the paper.
 */
#include "sim_helpers.h"

#include <math.h>

/* Wall time of a scene text with overrides (NULL-ended list). */
static double wall_of(const char *text, const char *const *sets)
{
    struct run r;
    run_scene_set(&r, text, sets);
    assert_int_equal(r.rc, 0);
    assert_false(r.st->horizon_hit);
    double w = (double)r.st->wall_ns;
    run_free(&r);
    return w;
}

static void assert_close(double got, double want, double tol, const char *what)
{
    double rel = fabs(got - want) / want;
    printf("    %-34s model %6.3f  published %6.3f  (%+.1f%%, tolerance %.0f%%)\n", what, got, want,
           100.0 * (got - want) / want, 100.0 * tol);
    if (rel > tol)
        fail_msg("%s: model %.3f, published %.3f, off by %.1f%% (> %.0f%%)", what, got, want, 100.0 * rel,
                 100.0 * tol);
}

/* Skvortsov (2021), CPython 3.9, 2 cores: countdown(100M) split over N
 * threads; 100M iterations took 6.52 s, so one iteration is 65 ns.  We run
 * 1/20 of the work (the ratios do not depend on the length once it spans
 * many switch intervals). */
static char *countdown_scene(int threads, const char *interval)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "python 3.9\ncores 2\nswitch_interval %s\n"
             "thread t x%d:\n    cpu %dus \"countdown\"\n",
             interval, threads, 326000 / threads);
    return buf;
}

static void thread_count_table_new_gil(void **state)
{
    (void)state;
    static const double published[] = { 6.52, 6.57, 6.59, 6.58 };
    static const int n[] = { 1, 2, 4, 8 };
    double base = wall_of(countdown_scene(1, "5ms"), NULL);
    printf("  Skvortsov 2021: countdown over N threads, 5 ms interval, 2 cores (ratio to 1 thread)\n");
    for (int i = 1; i < 4; i++) {
        char what[64];
        snprintf(what, sizeof what, "%d threads", n[i]);
        assert_close(wall_of(countdown_scene(n[i], "5ms"), NULL) / base, published[i] / published[0], 0.10,
                     what);
    }
}

static void sha256_table_c_code_releasing_the_gil(void **state)
{
    (void)state;
    /* 1 GB hashed in 1 MB update() calls: each call is C code that releases
     * the GIL, with a little Python around it; 3.30 s on one thread. */
    static const double published[] = { 3.30, 1.68, 1.50, 1.60 };
    static const int n[] = { 1, 2, 4, 8 };
    char text[512];
    double w[4];
    printf("  Skvortsov 2021: SHA-256 of 1 GB over N threads, 2 cores (ratio to 1 thread)\n");
    for (int i = 0; i < 4; i++) {
        snprintf(text, sizeof text,
                 "python 3.9\ncores 2\nthread t x%d:\n    repeat %d:\n        nogil 3200us \"sha256.update\"\n"
                 "        cpu 20us \"read chunk\"\n",
                 n[i], 1024 / n[i]);
        w[i] = wall_of(text, NULL);
    }
    for (int i = 1; i < 4; i++) {
        char what[64];
        snprintf(what, sizeof what, "%d threads", n[i]);
        assert_close(w[i] / w[0], published[i] / published[0], 0.12, what);
    }
}

static void switch_interval_table(void **state)
{
    (void)state;
    static const char *const iv[] = { "5ms", "100us", "10us", "1us" };
    static const double published[4][4] = {
        { 6.53, 6.58, 7.20, 7.19 },
        { 6.77, 9.20, 9.36, 9.84 },
        { 6.68, 12.29, 19.15, 30.53 },
        { 6.89, 17.16, 31.68, 86.44 },
    };
    static const int n[] = { 1, 2, 4, 8 };
    double model[4][4];
    double base = wall_of(countdown_scene(1, "5ms"), NULL);
    printf("  Skvortsov 2021: countdown time as the switch interval shrinks (ratio to 1 thread at 5 ms)\n");
    printf("    %-6s  %-28s  %-28s\n", "", "model: 1 / 2 / 4 / 8 threads", "published");
    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++)
            model[r][c] = wall_of(countdown_scene(n[c], iv[r]), NULL) / base;
        printf("    %-6s  %5.2f %5.2f %5.2f %6.2f      %5.2f %5.2f %5.2f %6.2f\n", iv[r], model[r][0], model[r][1],
               model[r][2], model[r][3], published[r][0] / published[0][0], published[r][1] / published[0][0],
               published[r][2] / published[0][0], published[r][3] / published[0][0]);
    }
    /* the 5 ms row and the 1-thread column: within 10% */
    for (int c = 0; c < 4; c++) {
        char what[64];
        snprintf(what, sizeof what, "5 ms, %d threads", n[c]);
        assert_close(model[0][c], published[0][c] / published[0][0], 0.10, what);
    }
    for (int r = 1; r < 4; r++) {
        char what[64];
        snprintf(what, sizeof what, "%s, 1 thread", iv[r]);
        assert_close(model[r][0], published[r][0] / published[0][0], 0.10, what);
    }
    /* the mechanism's shape: with two or more threads a shorter interval
     * costs more (more switches, each with a wake-up on its critical path),
     * and at 1 us waiters that cannot sleep compete for the cores, so eight
     * threads are worse than two */
    for (int c = 1; c < 4; c++) {
        assert_true(model[1][c] > model[0][c]);
        assert_true(model[2][c] > model[1][c]);
    }
    assert_true(model[2][1] > 1.2);
    assert_true(model[3][3] > model[3][1]);
    assert_true(model[3][3] > 2.0);
}

/* Beazley (2009), Python 2.6 on a dual-core Mac: count(100000000) twice,
 * 24.6 s sequentially, so one iteration (about 3 ticks) is 123 ns and a
 * tick 41 ns. */
static void beazley_old_gil_table(void **state)
{
    (void)state;
    static const char seq[] = "python 2.6\ncores 2\nbytecode 41ns\nthread t:\n    cpu 123ms\n    cpu 123ms\n";
    static const char par[] = "python 2.6\ncores 2\nbytecode 41ns\nthread t x2:\n    cpu 123ms\n";
    static const char *const one_core[] = { "cores=1", NULL };
    double s = wall_of(seq, NULL);
    double two = wall_of(par, NULL) / s;
    double one = wall_of(par, one_core) / s;
    printf("  Beazley 2009: old GIL, 2 CPU-bound threads vs sequential\n");
    printf("    2 threads, 2 cores                 model %6.3f  published  1.850\n", two);
    printf("    2 threads, 1 core                  model %6.3f  published  1.545\n", one);
    /* the shape: threads lose to sequential code on both, and more on two
     * cores, where the woken waiter runs at once and fails */
    assert_true(two > 1.1);
    assert_true(one > 1.05);
    assert_true(two > one);
}

/* gh-118749: 8 threads each running fib(34) on an M4 Max (more cores than
 * threads): 3.13t took 1.03 s, 3.13 with the GIL 4.10 s.  The GIL build
 * runs them one at a time (8 x 0.51 s); the free-threaded build runs them
 * in parallel at its single-thread overhead. */
static void free_threading_fib_table(void **state)
{
    (void)state;
    static const char text[] = "cores 12\nthread fib x8:\n    cpu 512ms \"fib(34)\"\n";
    static const char *const gil[] = { "python=3.13", NULL };
    static const char *const ft[] = { "python=3.13t", NULL };
    double g = wall_of(text, gil), f = wall_of(text, ft);
    printf("  gh-118749: 8 x fib(34), GIL build / free-threaded build\n");
    printf("    speedup of 3.13t over 3.13         model %6.3f  published  3.981\n", g / f);
    /* the model uses the 3.13 docs' average overhead (40%); fib(34) pays
     * about twice that on 3.13t, so the model is optimistic: assert
     * parallelism (more than 3x, at most 8x) */
    assert_true(g / f > 3.0);
    assert_true(g / f <= 8.0);
    assert_close(g / 1e9, 4.10, 0.05, "GIL build, seconds");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thread_count_table_new_gil),
        cmocka_unit_test(sha256_table_c_code_releasing_the_gil),
        cmocka_unit_test(switch_interval_table),
        cmocka_unit_test(beazley_old_gil_table),
        cmocka_unit_test(free_threading_fib_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
