/*
 * test_scene: the scene language parser (src/scene).
 *
 * A rich scene checked field by field, the defaults, every Python version,
 * python/gil interplay, scene_set() for every key, diagnostics printing,
 * and one test per distinct error message, each asserting the exact text
 * and line:col.  Error cases are a table; each row is run as its own
 * cmocka test so a failure names the case.
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

/* ------------------------------------------------------------ helpers */

/* Parse text (len bytes); the diagnostics are left in *d. */
static struct scene *parse_n(const char *text, size_t len, struct scene_diags *d)
{
    memset(d, 0, sizeof *d);
    return scene_parse("t.scene", text, len, d);
}

/* Parse a NUL-terminated text that must be valid; fails the test with the
 * diagnostics otherwise. */
static struct scene *parse_ok(const char *text)
{
    struct scene_diags d;
    struct scene *s = parse_n(text, strlen(text), &d);
    if (!s || d.n) {
        scene_diags_print(&d, stderr);
        scene_diags_free(&d);
        scene_free(s);
        fail_msg("expected the scene to parse");
    }
    scene_diags_free(&d);
    return s;
}

/* True if some diagnostic is exactly (line, col, msg). */
static int has_diag(const struct scene_diags *d, uint32_t line, uint32_t col, const char *msg)
{
    for (int32_t i = 0; i < d->n; i++)
        if (d->v[i].line == line && d->v[i].col == col && strcmp(d->v[i].msg, msg) == 0)
            return 1;
    return 0;
}

/* Parse text expecting failure with (line, col, msg) among n diagnostics
 * (n == 0: any number). */
static void expect_error_n(const char *text, size_t len, uint32_t line, uint32_t col,
                           const char *msg, int32_t n)
{
    struct scene_diags d;
    struct scene *s = parse_n(text, len, &d);
    int found = has_diag(&d, line, col, msg);
    if (s || !found || (n && d.n != n)) {
        fprintf(stderr, "wanted %u:%u: %s (%d diagnostics), got %d:\n", line, col, msg,
                (int)n, (int)d.n);
        scene_diags_print(&d, stderr);
    }
    assert_null(s);
    assert_true(found);
    if (n)
        assert_int_equal(d.n, n);
    scene_diags_free(&d);
}

/* A growable string for generated scenes. */
struct buf {
    char *p;
    size_t n, cap;
};

/* Append formatted text to b. */
static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    b->p = gv_grow(b->p, &b->cap, b->n + (size_t)k + 1, 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* ------------------------------------------------------- a rich scene */

static const char rich[] =
    "# gilviz test scene\n"                                                     /* 1 */
    "scene \"Convoy effect\" pt \"Efeito comboio: concorrência\"\n"              /* 2 */
    "description \"A CPU-bound thread \\\"starves\\\" I/O\\nsecond line\" "
    "pt \"Execução \\\\ com I/O\"\n"                                            /* 3 */
    "python 3.9\n"                                                              /* 4 */
    "cores 2\n"                                                                 /* 5 */
    "switch_interval 1ms\n"                                                     /* 6 */
    "check_interval 50\n"                                                       /* 7 */
    "bytecode 30ns\n"                                                           /* 8 */
    "checkpoint 200ns\n"                                                        /* 9 */
    "timeslice 10ms\n"                                                          /* 10 */
    "context_switch 3us\n"                                                      /* 11 */
    "wakeup_latency 7µs\n"                                                      /* 12 */
    "signal_cost 1.5us\n"                                                       /* 13 */
    "nogil_overhead 25%\n"                                                      /* 14 */
    "rmw_cost 150ns\n"                                                          /* 15 */
    "horizon 2s\n"                                                              /* 16 */
    "lock m\n"                                                                  /* 17 */
    "shared counter = -7\n"                                                     /* 18 */
    "shared total\n"                                                            /* 19 */
    "note 2ms \"later\" pt \"depois\"\n"                                        /* 20 */
    "note 1ms \"first\"\n"                                                      /* 21 */
    "note 2ms \"later too\"\n"                                                  /* 22 */
    "\n"                                                                        /* 23 */
    "main:\n"                                                                   /* 24 */
    "    start worker\n"                                                        /* 25 */
    "    io 3ms \"disk\"\n"                                                     /* 26 */
    "    join worker\n"                                                         /* 27 */
    "   # an indented comment does not matter\n"                                /* 28 */
    "thread worker x3:\n"                                                       /* 29 */
    "    repeat 10:\n"                                                          /* 30 */
    "        with m:\n"                                                         /* 31 */
    "            incr counter cost 50ns\n"                                      /* 32 */
    "            read total\n"                                                  /* 33 */
    "            write total\n"                                                 /* 34 */
    "        cpu 500us \"disk\"    # the same label as the io above\n"          /* 35 */
    "        nogil 1ms \"hash\"\n"                                              /* 36 */
    "    ccall 2ms\n"                                                           /* 37 */
    "    sleep 0s\n"                                                            /* 38 */
    "\n"                                                                        /* 39 */
    "process pool x2:\n"                                                        /* 40 */
    "    thread boss:\n"                                                        /* 41 */
    "        start helper\n"                                                    /* 42 */
    "        cpu 1ms\n"                                                         /* 43 */
    "    thread helper x2:\n"                                                   /* 44 */
    "        io 1ms \"net # not a comment\"\n"                                  /* 45 */
    "seed 42\n";                                                                /* 46 */

/* Check one step. */
static void check_step(const struct scene_step *st, enum step_op op, gv_ns dur, int32_t ref,
                       uint32_t line, uint32_t col)
{
    assert_int_equal(st->op, op);
    assert_int_equal(st->dur, dur);
    assert_int_equal(st->ref, ref);
    assert_int_equal(st->line, line);
    assert_int_equal(st->col, col);
}

/* Every field of a scene that uses every construct. */
static void test_rich_scene(void **state)
{
    (void)state;
    struct scene *s = parse_ok(rich);
    const struct scene_settings *set = &s->set;

    assert_string_equal(s->file, "t.scene");
    assert_string_equal(s->title.text[SCENE_LANG_EN], "Convoy effect");
    /* byte-exact UTF-8 */
    assert_string_equal(s->title.text[SCENE_LANG_PT],
                        "Efeito comboio: concorr\xc3\xaa" "ncia");
    assert_string_equal(s->description.text[SCENE_LANG_EN],
                        "A CPU-bound thread \"starves\" I/O\nsecond line");
    assert_string_equal(s->description.text[SCENE_LANG_PT], "Execu\xc3\xa7\xc3\xa3o \\ com I/O");

    assert_int_equal(set->gil, GIL_NEW);
    assert_int_equal(set->py_major, 3);
    assert_int_equal(set->py_minor, 9);
    assert_int_equal(set->per_bytecode_checks, 1);
    assert_int_equal(set->cores, 2);
    assert_int_equal(set->switch_interval, GV_NS_PER_MS);
    assert_int_equal(set->check_interval, 50);
    assert_int_equal(set->bytecode, 30);
    assert_int_equal(set->checkpoint, 200);
    assert_int_equal(set->timeslice, 10 * GV_NS_PER_MS);
    assert_int_equal(set->context_switch, 3000);
    assert_int_equal(set->wakeup_latency, 7000);
    assert_int_equal(set->signal_cost, 1500);
    assert_int_equal(set->nogil_overhead_pct, 25);
    assert_int_equal(set->nogil_overhead_explicit, 1);
    assert_int_equal(set->rmw_cost, 150);
    assert_int_equal(set->horizon, 2 * GV_NS_PER_S);
    assert_int_equal(set->seed, 42);

    assert_int_equal(s->nlocks, 1);
    assert_string_equal(s->locks[0].name, "m");
    assert_int_equal(s->locks[0].line, 17);
    assert_int_equal(s->locks[0].col, 6);
    assert_int_equal(s->nshared, 2);
    assert_string_equal(s->shared[0].name, "counter");
    assert_int_equal(s->shared[0].init, -7);
    assert_string_equal(s->shared[1].name, "total");
    assert_int_equal(s->shared[1].init, 0);

    assert_int_equal(s->nlabels, 3);
    assert_string_equal(scene_label(s, 0, SCENE_LANG_EN), "disk");
    assert_string_equal(scene_label(s, 1, SCENE_LANG_EN), "hash");
    assert_string_equal(scene_label(s, 2, SCENE_LANG_EN), "net # not a comment");

    /* notes: sorted by time, stable for equal times */
    assert_int_equal(s->nnotes, 3);
    assert_int_equal(s->notes[0].at, GV_NS_PER_MS);
    assert_string_equal(s->notes[0].text.text[SCENE_LANG_EN], "first");
    assert_null(s->notes[0].text.text[SCENE_LANG_PT]);
    assert_int_equal(s->notes[0].line, 21);
    assert_int_equal(s->notes[1].at, 2 * GV_NS_PER_MS);
    assert_string_equal(s->notes[1].text.text[SCENE_LANG_EN], "later");
    assert_string_equal(s->notes[1].text.text[SCENE_LANG_PT], "depois");
    assert_string_equal(s->notes[2].text.text[SCENE_LANG_EN], "later too");
    assert_string_equal(scene_text_get(&s->notes[0].text, SCENE_LANG_PT), "first");
    assert_string_equal(scene_text_get(&s->notes[1].text, SCENE_LANG_PT), "depois");

    assert_int_equal(s->nprocs, 2);
    assert_string_equal(s->procs[0].name, "main");
    assert_int_equal(s->procs[0].count, 1);
    assert_string_equal(s->procs[1].name, "pool");
    assert_int_equal(s->procs[1].count, 2);
    assert_int_equal(s->procs[1].line, 40);
    assert_int_equal(s->procs[1].col, 1);

    assert_int_equal(s->nthreads, 4);
    const struct scene_thread *t = s->threads;
    assert_string_equal(t[0].name, "main");
    assert_int_equal(t[0].process, 0);
    assert_int_equal(t[0].count, 1);
    assert_int_equal(t[0].deferred, 0);
    assert_int_equal(t[0].line, 24);
    assert_int_equal(t[0].col, 1);
    assert_int_equal(t[0].nsteps, 3);
    check_step(&t[0].steps[0], OP_START, 0, 1, 25, 5);
    check_step(&t[0].steps[1], OP_IO, 3 * GV_NS_PER_MS, 0, 26, 5);
    check_step(&t[0].steps[2], OP_JOIN, 0, 1, 27, 5);

    assert_string_equal(t[1].name, "worker");
    assert_int_equal(t[1].process, 0);
    assert_int_equal(t[1].count, 3);
    assert_int_equal(t[1].deferred, 1);
    assert_int_equal(t[1].line, 29);
    assert_int_equal(t[1].nsteps, 10);
    const struct scene_step *w = t[1].steps;
    check_step(&w[0], OP_REPEAT, 0, -1, 30, 5);
    assert_int_equal(w[0].count, 10);
    assert_int_equal(w[0].body, 7);
    check_step(&w[1], OP_ACQUIRE, 0, 0, 31, 9);
    check_step(&w[2], OP_INCR, 50, 0, 32, 13);
    check_step(&w[3], OP_READ, -1, 1, 33, 13);
    check_step(&w[4], OP_WRITE, -1, 1, 34, 13);
    check_step(&w[5], OP_RELEASE, 0, 0, 31, 9);
    check_step(&w[6], OP_CPU, 500 * GV_NS_PER_US, 0, 35, 9);
    check_step(&w[7], OP_NOGIL, GV_NS_PER_MS, 1, 36, 9);
    check_step(&w[8], OP_CCALL, 2 * GV_NS_PER_MS, -1, 37, 5);
    check_step(&w[9], OP_SLEEP, 0, -1, 38, 5);

    assert_string_equal(t[2].name, "boss");
    assert_int_equal(t[2].process, 1);
    assert_int_equal(t[2].deferred, 0);
    assert_int_equal(t[2].line, 41);
    assert_int_equal(t[2].col, 5);
    assert_int_equal(t[2].nsteps, 2);
    check_step(&t[2].steps[0], OP_START, 0, 3, 42, 9);
    check_step(&t[2].steps[1], OP_CPU, GV_NS_PER_MS, -1, 43, 9);

    assert_string_equal(t[3].name, "helper");
    assert_int_equal(t[3].process, 1);
    assert_int_equal(t[3].count, 2);
    assert_int_equal(t[3].deferred, 1);
    assert_int_equal(t[3].nsteps, 1);
    check_step(&t[3].steps[0], OP_IO, GV_NS_PER_MS, 2, 45, 9);

    /* main 1 + worker 3 + (boss 1 + helper 2) * 2 processes */
    assert_int_equal(scene_total_threads(s), 10);
    scene_free(s);
}

/* Nested repeats: body counts include nested bodies. */
static void test_nested_repeat(void **state)
{
    (void)state;
    struct scene *s = parse_ok("lock l\n"
                               "thread a:\n"
                               "    repeat 2:\n"
                               "        repeat 3:\n"
                               "            cpu 1ms\n"
                               "            with l:\n"
                               "                sleep 1ms\n"
                               "        io 1ms\n"
                               "    cpu 2ms\n");
    const struct scene_step *st = s->threads[0].steps;
    assert_int_equal(s->threads[0].nsteps, 8);
    assert_int_equal(st[0].op, OP_REPEAT);
    assert_int_equal(st[0].count, 2);
    assert_int_equal(st[0].body, 6);
    assert_int_equal(st[1].op, OP_REPEAT);
    assert_int_equal(st[1].count, 3);
    assert_int_equal(st[1].body, 4);
    assert_int_equal(st[2].op, OP_CPU);
    assert_int_equal(st[3].op, OP_ACQUIRE);
    assert_int_equal(st[4].op, OP_SLEEP);
    assert_int_equal(st[5].op, OP_RELEASE);
    assert_int_equal(st[6].op, OP_IO);
    assert_int_equal(st[7].op, OP_CPU);
    scene_free(s);
}

/* Names may be used before their definition; settings may follow threads. */
static void test_forward_references(void **state)
{
    (void)state;
    struct scene *s = parse_ok("thread a:\n"
                               "    with m:\n"
                               "        incr x\n"
                               "    start b\n"
                               "thread b:\n"
                               "    read x\n"
                               "lock m\n"
                               "shared x = -9223372036854775808\n"
                               "rmw_cost 1us\n");
    assert_int_equal(s->threads[0].steps[0].ref, 0);
    assert_int_equal(s->threads[0].steps[1].ref, 0);
    assert_int_equal(s->threads[0].steps[1].dur, -1); /* default: resolved by the engine */
    assert_int_equal(s->threads[0].steps[2].ref, 0);
    assert_int_equal(s->threads[0].steps[3].ref, 1);
    assert_int_equal(s->threads[1].deferred, 1);
    assert_int_equal(s->shared[0].init, INT64_MIN);
    assert_int_equal(s->set.rmw_cost, 1000);
    scene_free(s);
}

/* Byte order mark, CRLF, tabs between tokens, '#' in strings, names. */
static void test_lexical_details(void **state)
{
    (void)state;
    struct scene *s = parse_ok("\xef\xbb\xbf" "title \"x # y\"  # comment\r\n"
                               "thread net_io-2:\r\n"
                               "    cpu\t1ms\t\"a\"\r\n"
                               "\r\n"
                               "    repeat 1:\r\n"
                               "        start _t\r\n"
                               "thread _t x2:\n"
                               "    sleep 250ns");   /* no final newline */
    assert_string_equal(s->title.text[0], "x # y");
    assert_null(s->title.text[1]);
    assert_string_equal(scene_text_get(&s->title, SCENE_LANG_PT), "x # y");
    assert_string_equal(s->threads[0].name, "net_io-2");
    assert_int_equal(s->threads[0].steps[0].dur, GV_NS_PER_MS);
    assert_string_equal(scene_label(s, 0, SCENE_LANG_EN), "a");
    assert_int_equal(s->threads[1].steps[0].dur, 250);
    assert_int_equal(s->threads[1].deferred, 1);
    assert_string_equal(scene_text_get(&s->description, SCENE_LANG_PT), "");
    scene_free(s);
}

/* The length is explicit: bytes after len are not read. */
static void test_explicit_length(void **state)
{
    (void)state;
    static const char text[] = "thread a:\n    cpu 1ms\n    cpu 2ms\0garbage";
    struct scene_diags d;
    struct scene *s = parse_n(text, strlen("thread a:\n    cpu 1ms\n"), &d);
    assert_non_null(s);
    assert_int_equal(s->threads[0].nsteps, 1);
    scene_free(s);
    scene_diags_free(&d);

    /* a NULL diagnostics list is allowed */
    s = scene_parse("x", "thread a:\n    cpu 1ms\n", 22, NULL);
    assert_non_null(s);
    scene_free(s);
    assert_null(scene_parse("x", "cores 0\n", 8, NULL));
}

/* scene_defaults and a minimal scene. */
static void test_defaults(void **state)
{
    (void)state;
    struct scene_settings d;
    memset(&d, 0x5a, sizeof d);
    scene_defaults(&d);
    assert_int_equal(d.gil, GIL_NEW);
    assert_int_equal(d.py_major, 3);
    assert_int_equal(d.py_minor, 12);
    assert_int_equal(d.per_bytecode_checks, 0);
    assert_int_equal(d.cores, 4);
    assert_int_equal(d.switch_interval, 5 * GV_NS_PER_MS);
    assert_int_equal(d.check_interval, 100);
    assert_int_equal(d.bytecode, 25);
    assert_int_equal(d.checkpoint, 100);
    assert_int_equal(d.timeslice, 4 * GV_NS_PER_MS);
    assert_int_equal(d.context_switch, 2 * GV_NS_PER_US);
    assert_int_equal(d.wakeup_latency, 5 * GV_NS_PER_US);
    assert_int_equal(d.signal_cost, GV_NS_PER_US);
    assert_int_equal(d.nogil_overhead_pct, 0);
    assert_int_equal(d.nogil_overhead_explicit, 0);
    assert_int_equal(d.rmw_cost, 100);
    assert_int_equal(d.horizon, 600 * GV_NS_PER_S);
    assert_int_equal(d.seed, 1);

    struct scene *s = parse_ok("thread a:\n    cpu 1ms\n");
    const struct scene_settings *p = &s->set;
    assert_int_equal(p->gil, d.gil);
    assert_int_equal(p->py_major, d.py_major);
    assert_int_equal(p->py_minor, d.py_minor);
    assert_int_equal(p->per_bytecode_checks, d.per_bytecode_checks);
    assert_int_equal(p->cores, d.cores);
    assert_int_equal(p->switch_interval, d.switch_interval);
    assert_int_equal(p->check_interval, d.check_interval);
    assert_int_equal(p->bytecode, d.bytecode);
    assert_int_equal(p->checkpoint, d.checkpoint);
    assert_int_equal(p->timeslice, d.timeslice);
    assert_int_equal(p->context_switch, d.context_switch);
    assert_int_equal(p->wakeup_latency, d.wakeup_latency);
    assert_int_equal(p->signal_cost, d.signal_cost);
    assert_int_equal(p->nogil_overhead_pct, d.nogil_overhead_pct);
    assert_int_equal(p->rmw_cost, d.rmw_cost);
    assert_int_equal(p->horizon, d.horizon);
    assert_int_equal(p->seed, d.seed);
    assert_null(s->title.text[0]);
    assert_int_equal(s->nprocs, 1);
    assert_int_equal(s->nlabels, 0);
    assert_int_equal(s->nnotes, 0);
    assert_int_equal(s->threads[0].deferred, 0);
    assert_int_equal(s->threads[0].steps[0].ref, -1);
    assert_int_equal(scene_total_threads(s), 1);
    scene_free(s);
    scene_free(NULL);
}

/* ----------------------------------------------------- python and gil */

/* Every accepted Python version and what it implies. */
static void test_python_versions(void **state)
{
    (void)state;
    char text[128], v[32];
    for (int major = 2; major <= 3; major++)
        for (int minor = 0; minor <= (major == 2 ? 7 : 14); minor++)
            for (int t = 0; t <= (major == 3 && minor >= 13); t++) {
                snprintf(v, sizeof v, "%d.%d%s", major, minor, t ? "t" : "");
                snprintf(text, sizeof text, "python %s\nthread a:\n    cpu 1ms\n", v);
                struct scene *s = parse_ok(text);
                enum gil_model gil = t ? GIL_NONE
                                   : (major == 2 || minor <= 1) ? GIL_OLD : GIL_NEW;
                int checks = major == 2 || minor < 10;
                int overhead = !t ? 0 : minor == 13 ? 40 : 10;
                assert_int_equal(s->set.py_major, major);
                assert_int_equal(s->set.py_minor, minor);
                assert_int_equal(s->set.gil, gil);
                assert_int_equal(s->set.per_bytecode_checks, checks);
                assert_int_equal(s->set.nogil_overhead_pct, overhead);
                scene_free(s);
            }
    static const char *const bad[] = {
        "4.2", "3.15", "2.8", "3.12t", "2.7t", "3", "3.", "3.09", "03.9", "3.1.2",
        "3.100", "1.0", "3.13T", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "python %s\nthread a:\n    cpu 1ms\n", bad[i]);
        char msg[128];
        snprintf(msg, sizeof msg, "unknown Python version '%s' (use 2.7, 3.2 ... 3.14, 3.13t)",
                 bad[i]);
        if (*bad[i])
            expect_error_n(text, strlen(text), 1, 8, msg, 1);
    }
}

/* `gil` wins over `python` for the model; old GIL implies per-bytecode checks. */
static void test_python_and_gil(void **state)
{
    (void)state;
    struct scene *s = parse_ok("gil old\npython 3.12\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_OLD);
    assert_int_equal(s->set.per_bytecode_checks, 1);
    assert_int_equal(s->set.py_major, 3);
    assert_int_equal(s->set.py_minor, 12);
    scene_free(s);

    s = parse_ok("python 2.7\ngil new\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_NEW);
    assert_int_equal(s->set.per_bytecode_checks, 1);
    scene_free(s);

    s = parse_ok("gil none\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_NONE);
    assert_int_equal(s->set.py_major, 0);
    assert_int_equal(s->set.py_minor, 0);
    assert_int_equal(s->set.per_bytecode_checks, 0);
    assert_int_equal(s->set.nogil_overhead_pct, 0);
    scene_free(s);

    s = parse_ok("gil old\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_OLD);
    assert_int_equal(s->set.per_bytecode_checks, 1);
    assert_int_equal(s->set.py_major, 0);
    scene_free(s);

    /* an explicit nogil_overhead beats the version's default, in any order */
    s = parse_ok("nogil_overhead 5\npython 3.13t\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_NONE);
    assert_int_equal(s->set.nogil_overhead_pct, 5);
    scene_free(s);
    s = parse_ok("python 3.14t\ngil new\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.gil, GIL_NEW);
    assert_int_equal(s->set.nogil_overhead_pct, 10);
    scene_free(s);
}

/* ---------------------------------------------------------- scene_set */

/* scene_set(s, kv) must succeed. */
static void set_ok(struct scene *s, const char *kv)
{
    char err[256] = "";
    int r = scene_set(s, kv, err, sizeof err);
    if (r != 0)
        fail_msg("scene_set(%s): %s", kv, err);
}

/* scene_set(s, kv) must fail with exactly msg. */
static void set_err(struct scene *s, const char *kv, const char *msg)
{
    char err[512] = "";
    assert_int_equal(scene_set(s, kv, err, sizeof err), -1);
    assert_string_equal(err, msg);
}

/* Every key, and every kind of error. */
static void test_scene_set(void **state)
{
    (void)state;
    struct scene *s = parse_ok("thread a:\n    cpu 1ms\n");
    struct scene_settings *set = &s->set;

    set_ok(s, "cores=8");
    assert_int_equal(set->cores, 8);
    set_ok(s, "cores=128");
    assert_int_equal(set->cores, 128);
    set_ok(s, "switch_interval=250us");
    assert_int_equal(set->switch_interval, 250000);
    set_ok(s, "check_interval=1000000");
    assert_int_equal(set->check_interval, 1000000);
    set_ok(s, "bytecode=40ns");
    assert_int_equal(set->bytecode, 40);
    set_ok(s, "checkpoint=1us");
    assert_int_equal(set->checkpoint, 1000);
    set_ok(s, "timeslice=8ms");
    assert_int_equal(set->timeslice, 8 * GV_NS_PER_MS);
    set_ok(s, "context_switch=0ns");
    assert_int_equal(set->context_switch, 0);
    set_ok(s, "wakeup_latency=20us");
    assert_int_equal(set->wakeup_latency, 20000);
    set_ok(s, "signal_cost=3us");
    assert_int_equal(set->signal_cost, 3000);
    set_ok(s, "rmw_cost=0.5us");
    assert_int_equal(set->rmw_cost, 500);
    set_ok(s, "horizon=1min");
    assert_int_equal(set->horizon, 60 * GV_NS_PER_S);
    set_ok(s, "seed=18446744073709551615");
    assert_true(set->seed == UINT64_MAX);

    /* python sets model, checks and (unless explicit) the overhead */
    set_ok(s, "python=3.14t");
    assert_int_equal(set->gil, GIL_NONE);
    assert_int_equal(set->nogil_overhead_pct, 10);
    set_ok(s, "python=2.7");
    assert_int_equal(set->gil, GIL_OLD);
    assert_int_equal(set->py_major, 2);
    assert_int_equal(set->py_minor, 7);
    assert_int_equal(set->per_bytecode_checks, 1);
    assert_int_equal(set->nogil_overhead_pct, 0);
    set_ok(s, "gil=new");
    assert_int_equal(set->gil, GIL_NEW);
    assert_int_equal(set->per_bytecode_checks, 1);   /* still 2.7 */
    set_ok(s, "python=3.11");
    assert_int_equal(set->per_bytecode_checks, 0);
    set_ok(s, "gil=old");
    assert_int_equal(set->gil, GIL_OLD);
    assert_int_equal(set->per_bytecode_checks, 1);
    set_ok(s, "gil=none");
    assert_int_equal(set->gil, GIL_NONE);
    assert_int_equal(set->per_bytecode_checks, 0);
    set_ok(s, "nogil_overhead=30%");
    assert_int_equal(set->nogil_overhead_pct, 30);
    set_ok(s, "nogil_overhead=0");
    assert_int_equal(set->nogil_overhead_pct, 0);
    set_ok(s, "python=3.13t");
    assert_int_equal(set->nogil_overhead_pct, 0);    /* explicit 0 is kept */

    set_err(s, "cores", "expected KEY=VALUE, e.g. cores=4");
    set_err(s, "=4", "expected KEY=VALUE, e.g. cores=4");
    set_err(s, "cores=", "expected a value after 'cores='");
    set_err(s, "core=4", "unknown setting 'core' (known: cores, gil, python, "
            "switch_interval, check_interval, bytecode, checkpoint, timeslice, "
            "context_switch, wakeup_latency, wakeup_jitter, signal_cost, nogil_overhead, rmw_cost, "
            "horizon, seed, spawn_cost, fork_cost, pickle_per_mb)");
    set_err(s, "cores=0", "cores must be between 1 and 128");
    set_err(s, "cores=129", "cores must be between 1 and 128");
    set_err(s, "cores=1e30", "cores must be a whole number, not '1e30'");
    set_err(s, "cores=100000000000000000000000000000",
            "cores must be between 1 and 128");
    set_err(s, "cores=-1", "cores must be a whole number, not '-1'");
    set_err(s, "gil=fast", "unknown GIL model 'fast' (use new, old or none)");
    set_err(s, "python=4.2", "unknown Python version '4.2' (use 2.7, 3.2 ... 3.14, 3.13t)");
    set_err(s, "switch_interval=0ms", "switch_interval must be positive");
    set_err(s, "switch_interval=5", "a duration needs a unit (ns, us, ms, s)");
    set_err(s, "switch_interval=5 ms", "unknown time unit (use ns, us, ms, s or min)");
    set_err(s, "switch_interval=-5ms", "a duration cannot be negative");
    set_err(s, "switch_interval=fast", "expected a duration like 5ms");
    set_err(s, "horizon=2d", "unknown time unit (use ns, us, ms, s or min)");
    set_err(s, "horizon=1000000000000000000000000s", "duration is too large (at most 1 day)");
    set_err(s, "horizon=0s", "horizon must be positive");
    set_err(s, "bytecode=0ns", "bytecode must be positive");
    set_err(s, "checkpoint=0ns", "checkpoint must be positive");
    set_err(s, "timeslice=0ns", "timeslice must be positive");
    set_err(s, "check_interval=0", "check_interval must be between 1 and 1000000");
    set_err(s, "check_interval=1000001", "check_interval must be between 1 and 1000000");
    set_err(s, "nogil_overhead=1001%", "nogil_overhead must be between 0 and 1000 (percent)");
    set_err(s, "nogil_overhead=%", "nogil_overhead must be a whole number, not '%'");
    set_err(s, "seed=-1", "seed must be a whole number, not '-1'");
    set_err(s, "seed=18446744073709551616",
            "seed must be between 0 and 18446744073709551615");
    set_err(NULL, "cores=4", "no scene to change");
    /* what the message quotes is shown on a terminal: no raw control bytes
     * or broken UTF-8 from the command line (found by tests/fuzz/fuzz_args) */
    set_err(s, "gil=\x1b[2J\x7f", "unknown GIL model '?[2J?' (use new, old or none)");
    set_err(s, "python=3.\xff\xc3", "unknown Python version '3.?" "?' (use 2.7, 3.2 ... 3.14, 3.13t)");
    set_err(s, "seed=\xc2\xb5\x01", "seed must be a whole number, not '\xc2\xb5?'");
    /* failures change nothing */
    assert_int_equal(set->cores, 128);
    assert_int_equal(set->switch_interval, 250000);
    assert_int_equal(scene_set(s, "cores=2", NULL, 0), 0);
    scene_free(s);
}

/* ---------------------------------------------- asyncio, queues, pools */

static const char rich_async[] =
    "# asyncio, queues and pools\n"                                           /* 1 */
    "spawn_cost 40ms\n"                                                       /* 2 */
    "fork_cost 1.5ms\n"                                                       /* 3 */
    "pickle_per_mb 5ms\n"                                                     /* 4 */
    "lock m\n"                                                                /* 5 */
    "shared hits\n"                                                           /* 6 */
    "queue jobs size 10\n"                                                    /* 7 */
    "queue results\n"                                                         /* 8 */
    "pool procs x4 fork\n"                                                    /* 9 */
    "pool spool x2\n"                                                         /* 10 */
    "\n"                                                                      /* 11 */
    "loop ev:\n"                                                              /* 12 */
    "    executor 8\n"                                                        /* 13 */
    "    slow_callback 50ms\n"                                                /* 14 */
    "    future done\n"                                                       /* 15 */
    "    task app:\n"                                                         /* 16 */
    "        create_task fetch\n"                                             /* 17 */
    "        await io 2ms \"http\"\n"                                         /* 18 */
    "        await sleep 0s\n"                                                /* 19 */
    "        await gather fetch\n"                                            /* 20 */
    "        await done\n"                                                    /* 21 */
    "        await executor nogil 3ms \"zlib\"\n"                             /* 22 */
    "        await executor sleep 0s\n"                                       /* 23 */
    "        call_soon tick\n"                                                /* 24 */
    "        call_later 5ms tick\n"                                           /* 25 */
    "        add_done_callback done tick\n"                                   /* 26 */
    "        cancel fetch\n"                                                  /* 27 */
    "        put jobs\n"                                                      /* 28 */
    "        map procs 100 send 10KB recv 2MB:\n"                             /* 29 */
    "            cpu 1ms \"work\"\n"                                          /* 30 */
    "            repeat 2:\n"                                                 /* 31 */
    "                io 1ms\n"                                                /* 32 */
    "        with m:\n"                                                       /* 33 */
    "            incr hits\n"                                                 /* 34 */
    "        set_result done\n"                                               /* 35 */
    "    task fetch x20:\n"                                                   /* 36 */
    "        await io 10ms \"download\"\n"                                    /* 37 */
    "        cpu 100us\n"                                                     /* 38 */
    "    callback tick:\n"                                                    /* 39 */
    "        create_task later\n"                                             /* 40 */
    "        call_later 0s tick\n"                                            /* 41 */
    "        cpu 50us \"tick\"\n"                                             /* 42 */
    "    task later:\n"                                                       /* 43 */
    "        await executor cpu 1ms\n"                                        /* 44 */
    "\n"                                                                      /* 45 */
    "loop other:\n"                                                           /* 46 */
    "    task t:\n"                                                           /* 47 */
    "        await sleep 1ms\n"                                               /* 48 */
    "    callback poke:\n"                                                    /* 49 */
    "        incr hits\n"                                                     /* 50 */
    "    future f2\n"                                                         /* 51 */
    "\n"                                                                      /* 52 */
    "main:\n"                                                                 /* 53 */
    "    start helper\n"                                                      /* 54 */
    "    run ev\n"                                                            /* 55 */
    "    get jobs\n"                                                          /* 56 */
    "    map spool 3 recv 0B:\n"                                              /* 57 */
    "        ccall 1ms\n"                                                     /* 58 */
    "    call_soon_threadsafe poke\n"                                         /* 59 */
    "    set_result f2\n"                                                     /* 60 */
    "    join helper\n"                                                       /* 61 */
    "thread helper:\n"                                                        /* 62 */
    "    set_result done\n"                                                   /* 63 */
    "    call_soon_threadsafe tick\n"                                         /* 64 */
    "    put results\n"                                                       /* 65 */
    "    run other\n";                                                        /* 66 */

/* Check the fields of a step that the original check_step does not. */
static void check_step2(const struct scene_step *st, int32_t ref2, int32_t sub, int64_t count,
                        int32_t body, int64_t send, int64_t recv)
{
    assert_int_equal(st->ref2, ref2);
    assert_int_equal(st->sub, sub);
    assert_int_equal(st->count, count);
    assert_int_equal(st->body, body);
    assert_int_equal(st->send, send);
    assert_int_equal(st->recv, recv);
}

/* Every new construct, field by field. */
static void test_rich_async(void **state)
{
    (void)state;
    struct scene *s = parse_ok(rich_async);

    assert_int_equal(s->set.spawn_cost, 40 * GV_NS_PER_MS);
    assert_int_equal(s->set.fork_cost, 1500 * GV_NS_PER_US);
    assert_int_equal(s->set.pickle_per_mb, 5 * GV_NS_PER_MS);

    assert_int_equal(s->nqueues, 2);
    assert_string_equal(s->queues[0].name, "jobs");
    assert_int_equal(s->queues[0].capacity, 10);
    assert_int_equal(s->queues[0].line, 7);
    assert_int_equal(s->queues[0].col, 7);
    assert_string_equal(s->queues[1].name, "results");
    assert_int_equal(s->queues[1].capacity, 0);

    assert_int_equal(s->npools, 2);
    assert_string_equal(s->pools[0].name, "procs");
    assert_int_equal(s->pools[0].size, 4);
    assert_int_equal(s->pools[0].spawn, 0);
    assert_int_equal(s->pools[0].line, 9);
    assert_int_equal(s->pools[0].col, 6);
    assert_string_equal(s->pools[1].name, "spool");
    assert_int_equal(s->pools[1].size, 2);
    assert_int_equal(s->pools[1].spawn, 1);
    assert_int_equal(s->nprocs, 1);             /* pools are not scene processes */

    assert_int_equal(s->nloops, 2);
    assert_string_equal(s->loops[0].name, "ev");
    assert_int_equal(s->loops[0].executor, 8);
    assert_int_equal(s->loops[0].slow_callback, 50 * GV_NS_PER_MS);
    assert_int_equal(s->loops[0].line, 12);
    assert_int_equal(s->loops[0].col, 1);
    assert_string_equal(s->loops[1].name, "other");
    assert_int_equal(s->loops[1].executor, 0);  /* default, resolved on use */
    assert_int_equal(s->loops[1].slow_callback, 100 * GV_NS_PER_MS);
    assert_int_equal(scene_loop_executor(s, 0), 8);
    assert_int_equal(scene_loop_executor(s, 1), 8);    /* min(32, 4 + 4) */

    assert_int_equal(s->nfutures, 2);
    assert_string_equal(s->futures[0].name, "done");
    assert_int_equal(s->futures[0].loop, 0);
    assert_int_equal(s->futures[0].line, 15);
    assert_int_equal(s->futures[0].col, 12);
    assert_string_equal(s->futures[1].name, "f2");
    assert_int_equal(s->futures[1].loop, 1);

    /* labels: http, zlib, work, download, tick (deduplicated, file order) */
    assert_int_equal(s->nlabels, 5);
    assert_string_equal(scene_label(s, 0, SCENE_LANG_EN), "http");
    assert_string_equal(scene_label(s, 1, SCENE_LANG_EN), "zlib");
    assert_string_equal(scene_label(s, 2, SCENE_LANG_EN), "work");
    assert_string_equal(scene_label(s, 3, SCENE_LANG_EN), "download");
    assert_string_equal(scene_label(s, 4, SCENE_LANG_EN), "tick");

    assert_int_equal(s->ncoros, 6);
    const struct scene_coro *co = s->coros;
    /* 0 app */
    assert_string_equal(co[0].name, "app");
    assert_int_equal(co[0].loop, 0);
    assert_int_equal(co[0].count, 1);
    assert_int_equal(co[0].is_callback, 0);
    assert_int_equal(co[0].deferred, 0);
    assert_int_equal(co[0].line, 16);
    assert_int_equal(co[0].col, 5);
    assert_int_equal(co[0].nsteps, 20);
    const struct scene_step *a = co[0].steps;
    check_step(&a[0], OP_CREATE_TASK, 0, 1, 17, 9);
    check_step(&a[1], OP_AWAIT_IO, 2 * GV_NS_PER_MS, 0, 18, 9);
    check_step(&a[2], OP_AWAIT_SLEEP, 0, -1, 19, 9);
    check_step(&a[3], OP_AWAIT_GATHER, 0, 1, 20, 9);
    check_step(&a[4], OP_AWAIT_FUTURE, 0, 0, 21, 9);
    check_step(&a[5], OP_AWAIT_EXECUTOR, 3 * GV_NS_PER_MS, 1, 22, 9);
    check_step2(&a[5], -1, OP_NOGIL, 0, 0, 0, 0);
    check_step(&a[6], OP_AWAIT_EXECUTOR, 0, -1, 23, 9);
    check_step2(&a[6], -1, OP_SLEEP, 0, 0, 0, 0);
    check_step(&a[7], OP_CALL_SOON, 0, 2, 24, 9);
    check_step(&a[8], OP_CALL_LATER, 5 * GV_NS_PER_MS, 2, 25, 9);
    check_step(&a[9], OP_ADD_DONE_CALLBACK, 0, 0, 26, 9);
    check_step2(&a[9], 2, 0, 0, 0, 0, 0);
    check_step(&a[10], OP_CANCEL, 0, 1, 27, 9);
    check_step(&a[11], OP_PUT, 0, 0, 28, 9);
    check_step(&a[12], OP_MAP, 0, 0, 29, 9);
    check_step2(&a[12], -1, 0, 100, 3, 10000, 2000000);
    check_step(&a[13], OP_CPU, GV_NS_PER_MS, 2, 30, 13);
    check_step(&a[14], OP_REPEAT, 0, -1, 31, 13);
    check_step2(&a[14], -1, 0, 2, 1, 0, 0);
    check_step(&a[15], OP_IO, GV_NS_PER_MS, -1, 32, 17);
    check_step(&a[16], OP_ACQUIRE, 0, 0, 33, 9);
    check_step(&a[17], OP_INCR, -1, 0, 34, 13);
    check_step(&a[18], OP_RELEASE, 0, 0, 33, 9);
    check_step(&a[19], OP_SET_RESULT, 0, 0, 35, 9);
    /* 1 fetch x20: created by create_task and gather (deferred) */
    assert_string_equal(co[1].name, "fetch");
    assert_int_equal(co[1].count, 20);
    assert_int_equal(co[1].deferred, 1);
    assert_int_equal(co[1].nsteps, 2);
    check_step(&co[1].steps[0], OP_AWAIT_IO, 10 * GV_NS_PER_MS, 3, 37, 9);
    check_step(&co[1].steps[1], OP_CPU, 100 * GV_NS_PER_US, -1, 38, 9);
    /* 2 tick: a callback */
    assert_string_equal(co[2].name, "tick");
    assert_int_equal(co[2].is_callback, 1);
    assert_int_equal(co[2].count, 1);
    assert_int_equal(co[2].deferred, 0);
    assert_int_equal(co[2].loop, 0);
    assert_int_equal(co[2].nsteps, 3);
    check_step(&co[2].steps[0], OP_CREATE_TASK, 0, 3, 40, 9);
    check_step(&co[2].steps[1], OP_CALL_LATER, 0, 2, 41, 9);
    check_step(&co[2].steps[2], OP_CPU, 50 * GV_NS_PER_US, 4, 42, 9);
    /* 3 later: created by the callback */
    assert_string_equal(co[3].name, "later");
    assert_int_equal(co[3].deferred, 1);
    check_step(&co[3].steps[0], OP_AWAIT_EXECUTOR, GV_NS_PER_MS, -1, 44, 9);
    check_step2(&co[3].steps[0], -1, OP_CPU, 0, 0, 0, 0);
    /* 4 t, 5 poke in loop other */
    assert_string_equal(co[4].name, "t");
    assert_int_equal(co[4].loop, 1);
    assert_int_equal(co[4].deferred, 0);
    assert_string_equal(co[5].name, "poke");
    assert_int_equal(co[5].loop, 1);
    assert_int_equal(co[5].is_callback, 1);
    check_step(&co[5].steps[0], OP_INCR, -1, 0, 50, 9);

    assert_int_equal(s->nthreads, 2);
    const struct scene_step *m = s->threads[0].steps;
    assert_int_equal(s->threads[0].nsteps, 8);
    check_step(&m[0], OP_START, 0, 1, 54, 5);
    check_step(&m[1], OP_RUN, 0, 0, 55, 5);
    check_step(&m[2], OP_GET, 0, 0, 56, 5);
    check_step(&m[3], OP_MAP, 0, 1, 57, 5);
    check_step2(&m[3], -1, 0, 3, 1, 0, 0);
    check_step(&m[4], OP_CCALL, GV_NS_PER_MS, -1, 58, 9);
    check_step(&m[5], OP_CALL_SOON_THREADSAFE, 0, 5, 59, 5);
    check_step(&m[6], OP_SET_RESULT, 0, 1, 60, 5);
    check_step(&m[7], OP_JOIN, 0, 1, 61, 5);
    const struct scene_step *h = s->threads[1].steps;
    assert_int_equal(s->threads[1].nsteps, 4);
    check_step(&h[0], OP_SET_RESULT, 0, 0, 63, 5);
    check_step(&h[1], OP_CALL_SOON_THREADSAFE, 0, 2, 64, 5);
    check_step(&h[2], OP_PUT, 0, 1, 65, 5);
    check_step(&h[3], OP_RUN, 0, 1, 66, 5);
    /* ref2 is -1 and sub 0 on every other step */
    for (int32_t i = 0; i < s->nthreads; i++)
        for (int32_t j = 0; j < s->threads[i].nsteps; j++)
            assert_int_equal(s->threads[i].steps[j].ref2, -1);
    assert_int_equal(s->threads[0].steps[0].sub, 0);

    /* --set cores re-resolves the default executor; an explicit one stays */
    set_ok(s, "cores=64");
    assert_int_equal(scene_loop_executor(s, 1), 32);
    assert_int_equal(scene_loop_executor(s, 0), 8);
    set_ok(s, "cores=1");
    assert_int_equal(scene_loop_executor(s, 1), 5);
    assert_int_equal(scene_loop_executor(s, 2), 0);
    assert_int_equal(scene_loop_executor(s, -1), 0);
    assert_int_equal(scene_loop_executor(NULL, 0), 0);
    scene_free(s);
}

/* Things that are allowed: creating a group twice, gather after
 * create_task, cancelling oneself, a callback nobody schedules, a thread
 * naming another loop's callback and future, blocking steps inside
 * coroutines, any order of send and recv, values at their limits. */
static void test_async_allowed(void **state)
{
    (void)state;
    struct scene *s = parse_ok(
        "lock m\n"                                   /* 1 */
        "queue q size 1000000000\n"                  /* 2 */
        "pool p x255 spawn\n"                        /* 3: 1 + 255 processes */
        "loop a:\n"                                  /* 4 */
        "    executor 1024\n"                        /* 5 */
        "    slow_callback 1ns\n"                    /* 6 */
        "    task first:\n"                          /* 7 */
        "        create_task w\n"                    /* 8 */
        "        create_task w\n"                    /* 9 */
        "        await gather w\n"                   /* 10 */
        "        cancel first\n"                     /* 11 */
        "        acquire m\n"                        /* 12 */
        "        io 1ms\n"                           /* 13 */
        "        release m\n"                        /* 14 */
        "        get q\n"                            /* 15 */
        "        map p 1000000000 recv 1000GB send 999999999999B:\n" /* 16 */
        "            sleep 0s\n"                     /* 17 */
        "        await executor io 1ms \"read\"\n"   /* 18 */
        "    task w x99997:\n"                       /* 19: 1 + 99997 + 2 tasks */
        "        sleep 1ms\n"                        /* 20 */
        "    callback unused:\n"                     /* 21 */
        "        set_result gather_done\n"           /* 22 */
        "    future gather_done\n"                   /* 23 */
        "loop b:\n"                                  /* 24 */
        "    task bt:\n"                             /* 25 */
        "        await sleep 1ms\n"                  /* 26 */
        "    callback bc:\n"                         /* 27: only a thread schedules it */
        "        create_task bt2\n"                  /* 28 */
        "    future bf\n"                            /* 29 */
        "    task bt2:\n"                            /* +1: created only by bc */
        "        cpu 1ms\n"                          /* +2 */
        "thread x:\n"                                /* 30 */
        "    run a\n"                                /* 31 */
        "    call_soon_threadsafe bc\n"              /* 32 */
        "    set_result bf\n"                        /* 33 */
        "    run b\n");                              /* 34 */
    assert_int_equal(s->queues[0].capacity, 1000000000);
    assert_int_equal(s->pools[0].size, 255);
    assert_int_equal(s->loops[0].executor, 1024);
    assert_int_equal(s->loops[0].slow_callback, 1);
    assert_int_equal(s->coros[0].deferred, 0);
    assert_int_equal(s->coros[1].deferred, 1);
    assert_int_equal(s->coros[1].count, 99997);
    const struct scene_step *st = s->coros[0].steps;
    assert_int_equal(st[0].ref, 1);
    assert_int_equal(st[1].ref, 1);
    assert_int_equal(st[2].ref, 1);
    assert_int_equal(st[3].op, OP_CANCEL);
    assert_int_equal(st[3].ref, 0);
    assert_int_equal(st[8].op, OP_MAP);
    assert_int_equal(st[8].count, 1000000000);
    assert_int_equal(st[8].send, INT64_C(999999999999));
    assert_int_equal(st[8].recv, INT64_C(1000000000000));
    assert_int_equal(st[8].body, 1);
    assert_int_equal(st[10].op, OP_AWAIT_EXECUTOR);
    assert_int_equal(st[10].sub, OP_IO);
    assert_string_equal(scene_label(s, st[10].ref, SCENE_LANG_EN), "read");
    assert_int_equal(s->coros[2].steps[0].ref, 0);      /* gather_done, declared later */
    assert_int_equal(s->threads[0].steps[1].ref, 4);    /* bc, loop b */
    assert_int_equal(s->threads[0].steps[2].ref, 1);    /* bf, loop b */
    assert_string_equal(s->coros[5].name, "bt2");
    assert_int_equal(s->coros[5].deferred, 1);
    assert_int_equal(s->coros[4].steps[0].ref, 5);
    scene_free(s);

    /* with nothing asynchronous, all the new arrays are empty */
    s = parse_ok("thread a:\n    cpu 1ms\n");
    assert_int_equal(s->nloops + s->ncoros + s->nfutures + s->nqueues + s->npools, 0);
    assert_null(s->loops);
    assert_null(s->coros);
    scene_free(s);

    /* new settings: defaults, zero allowed, in the scene and by --set */
    struct scene_settings d;
    scene_defaults(&d);
    assert_int_equal(d.spawn_cost, 50 * GV_NS_PER_MS);
    assert_int_equal(d.fork_cost, 2 * GV_NS_PER_MS);
    assert_int_equal(d.pickle_per_mb, 4 * GV_NS_PER_MS);
    s = parse_ok("spawn_cost 0s\nfork_cost 0ns\npickle_per_mb 0ms\nthread a:\n    cpu 1ms\n");
    assert_int_equal(s->set.spawn_cost, 0);
    assert_int_equal(s->set.fork_cost, 0);
    assert_int_equal(s->set.pickle_per_mb, 0);
    set_ok(s, "spawn_cost=120ms");
    assert_int_equal(s->set.spawn_cost, 120 * GV_NS_PER_MS);
    set_ok(s, "fork_cost=3ms");
    assert_int_equal(s->set.fork_cost, 3 * GV_NS_PER_MS);
    set_ok(s, "pickle_per_mb=2.5ms");
    assert_int_equal(s->set.pickle_per_mb, 2500 * GV_NS_PER_US);
    set_err(s, "spawn_cost=5", "a duration needs a unit (ns, us, ms, s)");
    set_err(s, "fork_cost=-1ms", "a duration cannot be negative");
    set_err(s, "pickle_per_mb=2days", "unknown time unit (use ns, us, ms, s or min)");
    set_err(s, "pickle_per_mb=", "expected a value after 'pickle_per_mb='");
    set_err(s, "executor=4", "unknown setting 'executor' (known: cores, gil, python, "
            "switch_interval, check_interval, bytecode, checkpoint, timeslice, "
            "context_switch, wakeup_latency, wakeup_jitter, signal_cost, nogil_overhead, "
            "rmw_cost, horizon, seed, spawn_cost, fork_cost, pickle_per_mb)");
    assert_int_equal(s->set.spawn_cost, 120 * GV_NS_PER_MS);   /* failures change nothing */
    assert_int_equal(s->set.fork_cost, 3 * GV_NS_PER_MS);
    assert_int_equal(s->set.pickle_per_mb, 2500 * GV_NS_PER_US);
    scene_free(s);
}

/* ----------------------------------------------------------- printing */

/* gcc-style output with source line and caret. */
static void test_diags_print(void **state)
{
    (void)state;
    struct scene_diags d;
    static const char text[] =
        "note 1ms \"ção\" xx\n"
        "thread a:\n"
        "    cpu 2 seconds\n";
    assert_null(parse_n(text, strlen(text), &d));
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    scene_diags_print(&d, f);
    fclose(f);
    assert_string_equal(out,
        "t.scene:1:16: error: unknown language 'xx' (use en or pt)\n"
        "    1 | note 1ms \"ção\" xx\n"
        "      |                ^\n"
        "t.scene:3:9: error: a duration needs a unit (ns, us, ms, s)\n"
        "    3 |     cpu 2 seconds\n"
        "      |         ^\n");
    free(out);
    scene_diags_free(&d);

    /* no location; no file name */
    assert_null(parse_n("", 0, &d));
    d.file = NULL;
    f = open_memstream(&out, &len);
    scene_diags_print(&d, f);
    fclose(f);
    assert_string_equal(out, "<scene>: error: the scene is empty: it needs at least one 'thread NAME:' or 'main:' "
                             "block\n");
    free(out);
    scene_diags_free(&d);

    /* a tab counts as one column and is shown as a space; invalid bytes as '?' */
    static const char bad[] = "thread a:\n    cpu\t1ms\tfoo\xff\n";
    assert_null(parse_n(bad, sizeof bad - 1, &d));
    f = open_memstream(&out, &len);
    scene_diags_print(&d, f);
    fclose(f);
    assert_string_equal(out,
        "t.scene:2:16: error: invalid UTF-8\n"
        "    2 |     cpu 1ms foo?\n"
        "      |                ^\n");
    free(out);
    scene_diags_free(&d);
}

/* ------------------------------------------------- one case per error */

struct err_case {
    const char *text;
    size_t len;
    uint32_t line, col;
    const char *msg;
    int32_t n;          /* expected number of diagnostics */
};

/* Run one row of the error table. */
static void test_error_case(void **state)
{
    const struct err_case *e = *state;
    expect_error_n(e->text, e->len, e->line, e->col, e->msg, e->n);
}

#define T "thread a:\n    cpu 1ms\n"   /* a valid thread, to add after a bad line */
/* asyncio pieces: a loop with one task (3 lines), the thread that runs it, a
 * loop whose task t has the given body (from line 3), a map step (line 3) */
#define LT "loop ev:\n    task t:\n        cpu 1ms\n"
#define RUNEV "main:\n    run ev\n"
#define A(body) "loop ev:\n    task t:\n" body RUNEV
#define MAP(opts) "pool p x2\nthread a:\n    map p 3 " opts ":\n        cpu 1ms\n"
#define RUN_TWICE(l) "loop '" l "' is run more than once (a loop block is one asyncio.run: " \
    "declare another loop)"

/* A step's label may have a Portuguese form; the UI and `log --lang pt`
 * show it, anything else the English one.  The same English text with
 * another translation is another label; the same pair is one. */
static void labels_in_two_languages(void **state)
{
    (void)state;
    struct scene *s = parse_ok("thread a:\n"
                               "    cpu 1ms \"work\" pt \"trabalho\"\n"
                               "    io 1ms \"net\"\n"
                               "    cpu 1ms \"work\" pt \"trabalho\"\n"
                               "    cpu 1ms \"work\" pt \"serviço\"\n"
                               "    cpu 1ms \"work\"\n");
    assert_int_equal(s->nlabels, 4);
    const struct scene_step *st = s->threads[0].steps;
    assert_int_equal(st[0].ref, st[2].ref);
    assert_string_equal(scene_label(s, st[0].ref, SCENE_LANG_EN), "work");
    assert_string_equal(scene_label(s, st[0].ref, SCENE_LANG_PT), "trabalho");
    assert_string_equal(scene_label(s, st[1].ref, SCENE_LANG_PT), "net"); /* no translation: English */
    assert_string_equal(scene_label(s, st[3].ref, SCENE_LANG_PT), "serviço");
    assert_true(st[4].ref != st[0].ref);
    assert_string_equal(scene_label(s, st[4].ref, SCENE_LANG_PT), "work");
    assert_null(scene_label(s, 4, SCENE_LANG_EN));
    assert_null(scene_label(s, -1, SCENE_LANG_EN));
    scene_free(s);
}

/* id, text, line, col, message, number of diagnostics */
#define ERROR_CASES(X)                                                                     \
    X(nul_byte, "thread a:\n    cpu 1ms\0\n", 2, 12,                                       \
      "NUL byte in the text (is this a binary file?)", 1)                                  \
    X(control_char, "thread a:\n    cpu\x01 1ms\n", 2, 8,                                  \
      "invalid control character (byte 0x01)", 1)                                          \
    X(bad_utf8_truncated, "thread a:\n    cpu 1ms \"caf\xc3\"\n", 2, 17, "invalid UTF-8", 1) \
    X(bad_utf8_after_accents, "scene \"ção\xff\"\n" T, 1, 11, "invalid UTF-8", 1)          \
    X(bad_utf8_overlong, "scene \"\xc0\xaf\"\n" T, 1, 8, "invalid UTF-8", 1)               \
    X(bad_utf8_surrogate, "scene \"\xed\xa0\x80\"\n" T, 1, 8, "invalid UTF-8", 1)          \
    X(bad_utf8_too_big, "scene \"\xf4\x90\x80\x80\"\n" T, 1, 8, "invalid UTF-8", 1)        \
    X(bad_utf8_in_comment, "# caf\xc3\n" T, 1, 6, "invalid UTF-8", 1)                      \
    X(tab_indent, "thread a:\n\tcpu 1ms\n    cpu 2ms\n", 2, 1,                             \
      "use spaces, not tabs, for indentation", 1)                                          \
    X(tab_after_spaces, "thread a:\n    cpu 1ms\n  \tcpu 2ms\n", 3, 3,                     \
      "use spaces, not tabs, for indentation", 1)                                          \
    X(bad_escape, "scene \"a\\tb\"\n" T, 1, 9,                                             \
      "unknown escape '\\t' in a string (use \\\", \\\\ or \\n)", 1)                       \
    /* a raw tab after the backslash is not quoted raw (found by fuzz_scene) */             \
    X(bad_escape_tab, "scene \"a\\\tb\"\n" T, 1, 9,                                        \
      "unknown escape '\\?' in a string (use \\\", \\\\ or \\n)", 1)                       \
    X(unterminated_string, "scene \"abc\n" T, 1, 7,                                        \
      "unterminated string (a string ends with \" on the same line)", 1)                   \
    X(unterminated_escape, "scene \"abc\\\n" T, 1, 7,                                      \
      "unterminated string (a string ends with \" on the same line)", 1)                   \
    X(unexpected_indent, "thread a:\n    cpu 1ms\n        cpu 2ms\n", 3, 9,                \
      "unexpected indentation: only a line ending in ':' opens an indented block", 1)      \
    X(unexpected_indent_top, "  cores 2\n" T, 1, 3,                                        \
      "unexpected indentation: a top-level statement starts in column 1", 1)               \
    X(inconsistent_indent, "thread a:\n    cpu 1ms\n  cpu 2ms\n", 3, 3,                    \
      "inconsistent indentation: this line does not line up with any enclosing block", 1)  \
    X(empty_block, "thread a:\ncores 2\n" T, 1, 9, "expected an indented block after ':'", 1) \
    X(empty_block_eof, T "thread b:\n", 3, 9, "expected an indented block after ':'", 1)   \
    X(lone_colon, "thread a:\n    :\n    cpu 1ms\n", 2, 5, "unexpected ':'", 1)            \
    X(missing_colon_thread, "thread a\n    cpu 1ms\n", 1, 9,                               \
      "expected ':' at the end of the 'thread' line", 1)                                   \
    X(missing_colon_with, "lock m\nthread a:\n    with m\n        cpu 1ms\n", 3, 11,       \
      "expected ':' at the end of the 'with' line", 1)                                     \
    X(missing_colon_repeat, "thread a:\n    repeat 3\n        cpu 1ms\n", 2, 13,           \
      "expected ':' at the end of the 'repeat' line", 1)                                   \
    X(missing_colon_process, "process p\n    thread b:\n        cpu 1ms\n" T, 1, 10,       \
      "expected ':' at the end of the 'process' line", 1)                                  \
    X(not_a_block_step, "thread a:\n    cpu 1ms:\n", 2, 12,                                \
      "'cpu' does not open a block (remove the ':')", 1)                                   \
    X(not_a_block_top, "cores 2:\n" T, 1, 8,                                               \
      "'cores' does not open a block (remove the ':')", 1)                                 \
    X(extra_token, "thread a:\n    cpu\t1ms\tfoo\n", 2, 13,                                \
      "unexpected 'foo' after the 'cpu' statement", 1)                                     \
    X(extra_after_label, "thread a:\n    io 1ms \"a\" \"b\"\n", 2, 16,                     \
      "unexpected '\"b\"' after the 'io' statement", 1)                                    \
    X(sleep_label, "thread a:\n    sleep 1ms \"zz\"\n", 2, 15,                             \
      "unexpected '\"zz\"' after the 'sleep' statement", 1)                                \
    X(label_pt_missing, "thread a:\n    cpu 1ms \"work\" pt\n", 2, 22,                     \
      "expected the Portuguese label in double quotes after 'pt'", 1)                     \
    X(label_pt_not_string, "thread a:\n    cpu 1ms \"work\" pt 5ms\n", 2, 23,              \
      "expected the Portuguese label in double quotes, not '5ms'", 1)                     \
    X(label_pt_extra, "thread a:\n    io 1ms \"a\" pt \"b\" x\n", 2, 23,                    \
      "unexpected 'x' after the 'io' statement", 1)                                        \
    X(missing_duration, "thread a:\n    cpu\n", 2, 8,                                      \
      "expected a duration like 5ms after 'cpu'", 1)                                       \
    X(missing_value, "cores\n" T, 1, 6, "expected a value after 'cores'", 1)               \
    X(missing_title, "scene\n" T, 1, 6,                                                    \
      "expected a string in double quotes after 'scene'", 1)                               \
    X(title_not_string, "title Convoy\n" T, 1, 7,                                          \
      "expected a string in double quotes, not 'Convoy'", 1)                               \
    X(unknown_language, "scene \"a\" fr \"b\"\n" T, 1, 11,                                 \
      "unknown language 'fr' (use en or pt)", 1)                                           \
    X(duplicate_translation, "description \"a\" pt \"b\" pt \"c\"\n" T, 1, 24,             \
      "duplicate translation 'pt'", 1)                                                     \
    X(duplicate_english, "note 0s \"a\" en \"b\"\n" T, 1, 13,                              \
      "duplicate translation 'en'", 1)                                                     \
    X(missing_translation, "scene \"a\" pt\n" T, 1, 13,                                    \
      "expected a string in double quotes after 'pt'", 1)                                  \
    X(translation_not_string, "scene \"a\" pt b\n" T, 1, 14,                               \
      "expected a string in double quotes, not 'b'", 1)                                    \
    X(string_after_text, "scene \"a\" \"b\"\n" T, 1, 11,                                   \
      "unexpected '\"b\"' after the 'scene' statement", 1)                                 \
    X(invalid_name, "lock 3m\n" T, 1, 6,                                                   \
      "'3m' is not a valid name (use letters, digits, _ and -, starting with a letter or _)", 1) \
    X(invalid_name_string, "thread a:\n    acquire \"m\"\n", 2, 13,                        \
      "'\"m\"' is not a valid name (use letters, digits, _ and -, starting with a letter or _)", 1) \
    X(invalid_name_char, "thread a.b:\n    cpu 1ms\n", 1, 8,                               \
      "'a.b' is not a valid name (use letters, digits, _ and -, starting with a letter or _)", 1) \
    X(not_a_duration, "thread a:\n    cpu fast\n", 2, 9, "expected a duration like 5ms", 1) \
    X(duration_no_unit, "thread a:\n    cpu 2 seconds\n", 2, 9,                            \
      "a duration needs a unit (ns, us, ms, s)", 1)                                        \
    X(duration_bad_unit, "thread a:\n    cpu 2h\n", 2, 9,                                  \
      "unknown time unit (use ns, us, ms, s or min)", 1)                                          \
    X(duration_too_large, "thread a:\n    cpu 100000000s\n", 2, 9,                         \
      "duration is too large (at most 1 day)", 1)                                          \
    X(duration_huge, "thread a:\n    io 1000000000000000000000000000000ns\n", 2, 8,        \
      "duration is too large (at most 1 day)", 1)                                          \
    X(duration_negative, "thread a:\n    sleep -1ms\n", 2, 11,                             \
      "a duration cannot be negative", 1)                                                  \
    X(duration_zero, "thread a:\n    cpu 0ms\n", 2, 9, "a duration must be positive here", 1) \
    X(cost_zero, "shared x\nthread a:\n    incr x cost 0ns\n", 3, 17,                      \
      "a duration must be positive here", 1)                                               \
    X(cost_missing, "shared x\nthread a:\n    read x cost\n", 3, 16,                       \
      "expected a duration like 5ms after 'cost'", 1)                                      \
    X(note_bad_time, "note soon \"x\"\n" T, 1, 6, "expected a duration like 5ms", 1)       \
    X(note_missing_time, "note\n" T, 1, 5, "expected a time like 1.5s after 'note'", 1)    \
    X(count_zero, "thread a x0:\n    cpu 1ms\n", 1, 10, "a count must be at least 1 (x1)", 1) \
    X(threads_xn_too_many, "thread a x1000000000:\n    cpu 1ms\n", 1, 10,                  \
      "too many threads: 1000000000 (at most 4096)", 1)                                    \
    X(threads_huge, "thread a x100000000000000000000000000:\n    cpu 1ms\n", 1, 10,        \
      "too many threads: 100000000000000000000000000 (at most 4096)", 1)                   \
    X(processes_xn_too_many,                                                               \
      "process p x1000000000:\n    thread a x1000000000:\n        cpu 1ms\n", 1, 11,       \
      "too many processes: 1000000000 (at most 256)", 2)                                   \
    X(threads_total, "thread a x4000:\n    cpu 1ms\nthread b x97:\n    cpu 1ms\n", 3, 1,   \
      "too many threads: 4097 (at most 4096)", 1)                                          \
    X(threads_total_processes,                                                             \
      "process p x2:\n    thread a x2048:\n        cpu 1ms\nthread b:\n    cpu 1ms\n", 4, 1, \
      "too many threads: 4097 (at most 4096)", 1)                                          \
    X(processes_total, "process p x200:\n    thread a:\n        cpu 1ms\n"                 \
      "process q x56:\n    thread b:\n        cpu 1ms\n", 4, 1,                            \
      "too many processes: 257 (at most 256, the main process included)", 1)               \
    X(repeat_zero, "thread a:\n    repeat 0:\n        cpu 1ms\n", 2, 12,                   \
      "repeat count must be a whole number between 1 and 1000000000", 1)                   \
    X(repeat_too_many, "thread a:\n    repeat 1000000001:\n        cpu 1ms\n", 2, 12,      \
      "repeat count must be a whole number between 1 and 1000000000", 1)                   \
    X(repeat_not_number, "thread a:\n    repeat many:\n        cpu 1ms\n", 2, 12,          \
      "repeat count must be a whole number between 1 and 1000000000", 1)                   \
    X(repeat_missing, "thread a:\n    repeat:\n        cpu 1ms\n", 2, 11,                  \
      "expected a number after 'repeat'", 1)                                               \
    X(unknown_step, "thread a:\n    cpuu 1ms\n", 2, 5,                                     \
      "unknown step 'cpuu' (expected cpu, ccall, nogil, io, sleep, acquire, release, "    \
      "with, incr, read, write, start, join, repeat, run, await, create_task, cancel, "   \
      "call_soon, call_later, call_soon_threadsafe, add_done_callback, set_result, put, "  \
      "get, map, setswitchinterval)", 1)                                                   \
    X(nested_thread, "thread a:\n    thread b:\n        cpu 1ms\n", 2, 5,                  \
      "a thread block cannot be inside another block (use 'start' to start one thread "   \
      "from another)", 1)                                                                  \
    X(setting_in_block, "thread a:\n    cpu 1ms\n    lock m\n", 3, 5,                      \
      "'lock' must be at the top level (not indented)", 1)                                 \
    X(step_at_top, "cpu 1ms\n" T, 1, 1,                                                   \
      "'cpu' must be inside a thread, task or callback block", 1)                          \
    X(unknown_statement, "frobnicate 3\n" T, 1, 1,                                         \
      "unknown statement 'frobnicate' (expected scene, description, python, gil, cores, " \
      "switch_interval, check_interval, bytecode, checkpoint, timeslice, context_switch, " \
      "wakeup_latency, wakeup_jitter, signal_cost, nogil_overhead, rmw_cost, horizon, seed, " \
      "spawn_cost, fork_cost, pickle_per_mb, lock, shared, note, thread, main, process, "  \
      "loop, queue, pool)", 1)                                                             \
    X(step_in_process, "process p:\n    cpu 1ms\n", 2, 5,                                  \
      "only 'thread' and 'main' blocks can be inside a process, not 'cpu'", 2)             \
    X(process_no_threads, "process p:\n    cpu 1ms\n", 1, 1,                               \
      "process 'p' has no threads", 2)                                                     \
    X(process_main, "process main:\n    thread a:\n        cpu 1ms\n", 1, 9,               \
      "'main' is the implicit main process; choose another name", 1)                       \
    X(duplicate_process, "process p:\n    thread a:\n        cpu 1ms\n"                    \
      "process p:\n    thread b:\n        cpu 1ms\n", 4, 9,                                \
      "duplicate process 'p' (first defined at line 1)", 1)                                \
    X(duplicate_thread, T "thread a:\n    cpu 1ms\n", 3, 8,                                \
      "duplicate thread 'a' (first defined at line 1)", 1)                                 \
    X(duplicate_main, "main:\n    cpu 1ms\nthread main:\n    cpu 1ms\n", 3, 8,             \
      "duplicate thread 'main' (first defined at line 1)", 1)                              \
    X(duplicate_name, "lock x\nshared x\n" T, 2, 8,                                        \
      "duplicate name 'x' (first defined at line 1)", 1)                                   \
    X(duplicate_setting, "cores 2\ncores 3\n" T, 2, 1, "duplicate setting 'cores'", 1)     \
    X(duplicate_title, "scene \"a\"\ntitle \"b\"\n" T, 2, 1, "duplicate setting 'title'", 1) \
    X(shared_not_number, "shared x = abc\n" T, 1, 12,                                      \
      "initial value must be a whole number, not 'abc'", 1)                                \
    X(shared_overflow, "shared x = 9223372036854775808\n" T, 1, 12,                        \
      "initial value '9223372036854775808' does not fit in 64 bits", 1)                    \
    X(shared_missing_value, "shared x =\n" T, 1, 11,                                       \
      "expected a whole number after '='", 1)                                              \
    X(cores_range, "cores 0\n" T, 1, 7, "cores must be between 1 and 128", 1)              \
    X(cores_absurd, "cores 1000000000000000000000000000000\n" T, 1, 7,                     \
      "cores must be between 1 and 128", 1)                                                \
    X(cores_not_number, "cores 1e30\n" T, 1, 7, "cores must be a whole number, not '1e30'", 1) \
    X(check_interval_range, "check_interval 0\n" T, 1, 16,                                 \
      "check_interval must be between 1 and 1000000", 1)                                   \
    X(overhead_range, "nogil_overhead 1001%\n" T, 1, 16,                                   \
      "nogil_overhead must be between 0 and 1000 (percent)", 1)                            \
    X(seed_negative, "seed -1\n" T, 1, 6, "seed must be a whole number, not '-1'", 1)      \
    X(seed_overflow, "seed 18446744073709551616\n" T, 1, 6,                                \
      "seed must be between 0 and 18446744073709551615", 1)                                \
    X(gil_unknown, "gil big\n" T, 1, 5, "unknown GIL model 'big' (use new, old or none)", 1) \
    X(python_unknown, "python 4.2\n" T, 1, 8,                                              \
      "unknown Python version '4.2' (use 2.7, 3.2 ... 3.14, 3.13t)", 1)                    \
    X(switch_interval_zero, "switch_interval 0s\n" T, 1, 17,                               \
      "switch_interval must be positive", 1)                                               \
    X(setting_extra, "cores 2 4\n" T, 1, 9,                                                \
      "unexpected '4' after the 'cores' statement", 1)                                     \
    X(unknown_lock, "thread a:\n    acquire m\n", 2, 13, "unknown lock 'm'", 1)            \
    X(unknown_lock_with, "thread a:\n    with m:\n        cpu 1ms\n", 2, 10,               \
      "unknown lock 'm'", 1)                                                               \
    X(unknown_shared, "thread a:\n    incr x\n", 2, 10, "unknown shared variable 'x'", 1)  \
    X(lock_not_shared, "lock m\nthread a:\n    write m\n", 3, 11,                          \
      "'m' is a lock, not a shared variable", 1)                                           \
    X(shared_not_lock, "shared x\nthread a:\n    release x\n", 3, 13,                      \
      "'x' is a shared variable, not a lock", 1)                                           \
    X(unknown_thread, "thread a:\n    join b\n", 2, 10, "unknown thread 'b'", 1)           \
    X(start_self, "thread a:\n    start a\n", 2, 11, "a thread cannot start itself", 1)    \
    X(join_self, "thread a:\n    join a\n", 2, 10, "a thread cannot join itself", 1)       \
    X(other_process, "thread a:\n    start b\nprocess p:\n    thread b:\n        cpu 1ms\n", \
      2, 11, "thread 'b' belongs to another process", 1)                                   \
    X(started_twice, "thread a:\n    start b\n    start b\nthread b:\n    cpu 1ms\n", 3, 11, \
      "thread 'b' is started more than once (Python raises RuntimeError)", 1)              \
    X(started_in_repeat, "thread a:\n    repeat 2:\n        start b\nthread b:\n    cpu 1ms\n", \
      3, 15, "thread 'b' is started more than once (Python raises RuntimeError)", 1)       \
    X(started_deep_repeat, "lock m\nthread a:\n    repeat 1:\n        repeat 3:\n"         \
      "            with m:\n                start b\nthread b:\n    cpu 1ms\n", 6, 23,     \
      "thread 'b' is started more than once (Python raises RuntimeError)", 1)              \
    X(started_by_replicas, "thread a x2:\n    start b\nthread b:\n    cpu 1ms\n", 2, 11,   \
      "thread 'b' is started more than once (Python raises RuntimeError)", 1)              \
    X(never_starts, "thread a:\n    start b\nthread b:\n    start a\nthread c:\n    cpu 1ms\n", 1, 1,            \
      "thread 'a' never starts: only threads that never start start it", 2)                \
    X(join_never_started, "thread a:\n    start b\nthread b:\n    start a\n"               \
      "main:\n    join a\n", 6, 10,                                                        \
      "thread 'a' never starts, so joining it would wait forever", 3)                      \
    X(await_in_thread, "thread a:\n    await sleep 1ms\n", 2, 5,                             \
      "'await' is only allowed inside a task", 1)                                          \
    X(await_in_callback, LT "    callback c:\n        await sleep 1ms\n" RUNEV, 5, 9,       \
      "'await' is only allowed inside a task", 1)                                          \
    X(run_in_task, A("        run ev\n"), 3, 9, "'run' is only allowed in a thread", 1)    \
    X(call_soon_in_thread, "thread a:\n    call_soon cb\n", 2, 5,                          \
      "'call_soon' is only allowed inside a task or a callback", 1)                       \
    X(put_in_callback, "queue q\n" LT "    callback c:\n        put q\n" RUNEV, 6, 9,      \
      "'put' is only allowed in a thread or a task", 1)                                    \
    X(start_in_task, A("        start x\n"), 3, 9, "'start' is only allowed in a thread", 1) \
    X(threadsafe_in_task, A("        call_soon_threadsafe c\n"), 3, 9,                     \
      "'call_soon_threadsafe' is only allowed in a thread", 1)                             \
    X(map_body_lock, "lock m\npool p x2\nthread a:\n    map p 3:\n        acquire m\n", 5, 9, \
      "'acquire' is not allowed in a map body (only cpu, ccall, nogil, io, sleep and "   \
      "repeat)", 1)                                                                        \
    X(map_in_map, "pool p x2\nthread a:\n    map p 3:\n        repeat 2:\n"                \
      "            map p 2:\n                cpu 1ms\n", 5, 13,                            \
      "'map' is not allowed in a map body (only cpu, ccall, nogil, io, sleep and repeat)", 1) \
    X(await_at_top, "await sleep 1ms\n" T, 1, 1, "'await' must be inside a task block", 1) \
    X(call_soon_at_top, "call_soon x\n" T, 1, 1,                                           \
      "'call_soon' must be inside a task or callback block", 1)                            \
    X(put_at_top, "put q\n" T, 1, 1, "'put' must be inside a thread or task block", 1)     \
    X(run_at_top, "run ev\n" T, 1, 1, "'run' must be inside a thread block", 1)            \
    X(task_at_top, "task t:\n    cpu 1ms\n" T, 1, 1,                                       \
      "'task' must be directly inside a loop block", 1)                                    \
    X(task_in_thread, "thread a:\n    task t:\n        cpu 1ms\n", 2, 5,                   \
      "'task' must be directly inside a loop block", 1)                                    \
    X(future_in_task, A("        future f\n"), 3, 9,                                       \
      "'future' must be directly inside a loop block", 1)                                  \
    X(loop_in_thread, "thread a:\n    loop ev:\n        task t:\n            cpu 1ms\n",    \
      2, 5, "'loop' must be at the top level (not indented)", 1)                           \
    X(new_setting_in_thread, "thread a:\n    spawn_cost 1ms\n", 2, 5,                      \
      "'spawn_cost' must be at the top level (not indented)", 1)                           \
    X(loop_in_process, "process p:\n    loop ev:\n        task t:\n            cpu 1ms\n" T, \
      2, 5, "only 'thread' and 'main' blocks can be inside a process, not 'loop'", 2)      \
    X(step_in_loop, "loop ev:\n    cpu 1ms\n    task t:\n        cpu 1ms\n" RUNEV, 2, 5,   \
      "only 'task', 'callback', 'future', 'executor' and 'slow_callback' can be inside a " \
      "loop, not 'cpu'", 1)                                                                \
    X(missing_colon_loop, "loop ev\n    task t:\n        cpu 1ms\n" T, 1, 8,               \
      "expected ':' at the end of the 'loop' line", 1)                                     \
    X(missing_colon_task, "loop ev:\n    task t\n        cpu 1ms\n    task u:\n"          \
      "        cpu 1ms\n" RUNEV, 2, 11, "expected ':' at the end of the 'task' line", 1)   \
    X(missing_colon_callback, LT "    callback c\n        cpu 1ms\n" RUNEV, 4, 15,         \
      "expected ':' at the end of the 'callback' line", 1)                                 \
    X(missing_colon_map, "pool p x2\nthread a:\n    map p 3\n        cpu 1ms\n", 3, 12,    \
      "expected ':' at the end of the 'map' line", 1)                                      \
    X(future_colon, "loop ev:\n    future f:\n    task t:\n        cpu 1ms\n" RUNEV, 2, 13, \
      "'future' does not open a block (remove the ':')", 1)                                \
    X(loop_missing_name, "loop:\n    task t:\n        cpu 1ms\n" T, 1, 5,                  \
      "expected a loop name after 'loop'", 1)                                              \
    X(task_missing_name, "loop ev:\n    task:\n        cpu 1ms\n    task u:\n"            \
      "        cpu 1ms\n" RUNEV, 2, 9, "expected a task name after 'task'", 1)             \
    X(callback_count, LT "    callback c x2:\n        cpu 1ms\n" RUNEV, 4, 16,             \
      "unexpected 'x2' after the 'callback' statement", 1)                                 \
    X(task_count_zero, "loop ev:\n    task t x0:\n        cpu 1ms\n" RUNEV, 2, 12,         \
      "a count must be at least 1 (x1)", 1)                                                \
    X(task_count_too_many, "loop ev:\n    task t x100001:\n        cpu 1ms\n" RUNEV, 2, 12, \
      "too many tasks: 100001 (at most 100000)", 1)                                        \
    X(tasks_total, "loop ev:\n    task t x60000:\n        cpu 1ms\n    task u x40001:\n"   \
      "        cpu 1ms\n" RUNEV, 4, 5, "too many tasks: 100001 (at most 100000)", 1)       \
    X(loop_no_tasks, "loop ev:\n    future f\n" RUNEV, 1, 1, "loop 'ev' has no tasks", 1)  \
    X(loop_only_callbacks, "loop ev:\n    callback c:\n        cpu 1ms\n" RUNEV, 1, 1,     \
      "loop 'ev' has no tasks", 1)                                                         \
    X(executor_not_number, "loop ev:\n    executor many\n    task t:\n        cpu 1ms\n"   \
      RUNEV, 2, 14, "executor must be a whole number, not 'many'", 1)                      \
    X(executor_zero, "loop ev:\n    executor 0\n    task t:\n        cpu 1ms\n" RUNEV,     \
      2, 14, "executor must be between 1 and 1024", 1)                                     \
    X(executor_too_big, "loop ev:\n    executor 1025\n    task t:\n        cpu 1ms\n"      \
      RUNEV, 2, 14, "executor must be between 1 and 1024", 1)                              \
    X(executor_huge, "loop ev:\n    executor 99999999999999999999999\n    task t:\n"       \
      "        cpu 1ms\n" RUNEV, 2, 14, "executor must be between 1 and 1024", 1)          \
    X(executor_missing, "loop ev:\n    executor\n    task t:\n        cpu 1ms\n" RUNEV,    \
      2, 13, "expected a number after 'executor'", 1)                                      \
    X(executor_duplicate, "loop ev:\n    executor 2\n    executor 3\n    task t:\n"        \
      "        cpu 1ms\n" RUNEV, 3, 5, "duplicate setting 'executor'", 1)                  \
    X(slow_callback_zero, "loop ev:\n    slow_callback 0ms\n    task t:\n        cpu 1ms\n" \
      RUNEV, 2, 19, "slow_callback must be positive", 1)                                   \
    X(slow_callback_unit, "loop ev:\n    slow_callback 5\n    task t:\n        cpu 1ms\n"  \
      RUNEV, 2, 19, "a duration needs a unit (ns, us, ms, s)", 1)                          \
    X(slow_callback_duplicate, "loop ev:\n    slow_callback 1ms\n    slow_callback 2ms\n"  \
      "    task t:\n        cpu 1ms\n" RUNEV, 3, 5, "duplicate setting 'slow_callback'", 1) \
    X(future_reserved, "loop ev:\n    future io\n    task t:\n        cpu 1ms\n" RUNEV,     \
      2, 12, "a future cannot be called 'io' ('await io' means something else)", 1)        \
    X(future_reserved_gather, "loop ev:\n    future gather\n    task t:\n        cpu 1ms\n" \
      RUNEV, 2, 12,                                                                        \
      "a future cannot be called 'gather' ('await gather' means something else)", 1)       \
    X(dup_task_thread, "loop ev:\n    task a:\n        cpu 1ms\nthread a:\n    run ev\n",  \
      4, 8, "duplicate name 'a' (first defined at line 2)", 2) /* + never run */         \
    X(dup_thread_task, "thread a:\n    run ev\nloop ev:\n    task a:\n        cpu 1ms\n",  \
      4, 10, "duplicate name 'a' (first defined at line 1)", 1)                            \
    X(dup_queue_lock, "lock q\nqueue q\n" T, 2, 7,                                         \
      "duplicate name 'q' (first defined at line 1)", 1)                                   \
    X(dup_lock_queue, "queue q\nlock q\n" T, 2, 6,                                         \
      "duplicate name 'q' (first defined at line 1)", 1)                                   \
    X(dup_pool_process, "process w:\n    thread b:\n        cpu 1ms\npool w x2\n" T, 4, 6, \
      "duplicate name 'w' (first defined at line 1)", 1)                                   \
    X(dup_process_pool, "pool w x2\nprocess w:\n    thread b:\n        cpu 1ms\n" T, 2, 9, \
      "duplicate name 'w' (first defined at line 1)", 1)                                   \
    X(dup_future_task, LT "    future t\n" RUNEV, 4, 12,                                   \
      "duplicate name 't' (first defined at line 2)", 1)                                   \
    X(dup_task_task, LT "    task t:\n        cpu 1ms\n" RUNEV, 4, 10,                     \
      "duplicate name 't' (first defined at line 2)", 1)                                   \
    X(dup_loop_loop, LT "loop ev:\n    task u:\n        cpu 1ms\n" RUNEV, 4, 6,            \
      "duplicate name 'ev' (first defined at line 1)", 1)                                  \
    X(dup_loop_shared, "shared ev\n" LT RUNEV, 2, 6,                                       \
      "duplicate name 'ev' (first defined at line 1)", 2)                                  \
    X(dup_pool_queue, "queue x\npool x x2\n" T, 2, 6,                                      \
      "duplicate name 'x' (first defined at line 1)", 1)                                   \
    X(queue_size_zero, "queue q size 0\n" T, 1, 14,                                        \
      "queue size must be a whole number between 1 and 1000000000", 1)                    \
    X(queue_size_too_big, "queue q size 1000000001\n" T, 1, 14,                            \
      "queue size must be a whole number between 1 and 1000000000", 1)                     \
    X(queue_size_word, "queue q size big\n" T, 1, 14,                                      \
      "queue size must be a whole number between 1 and 1000000000", 1)                     \
    X(queue_size_missing, "queue q size\n" T, 1, 13, "expected a number after 'size'", 1)  \
    X(queue_extra, "queue q 5\n" T, 1, 9, "unexpected '5' after the 'queue' statement", 1) \
    X(queue_colon, "queue q:\n" T, 1, 8, "'queue' does not open a block (remove the ':')", 1) \
    X(pool_missing_count, "pool p\n" T, 1, 7, "expected a worker count like x4 after 'p'", 1) \
    X(pool_bad_count, "pool p four\n" T, 1, 8,                                             \
      "expected a worker count like x4, not 'four'", 1)                                    \
    X(pool_count_zero, "pool p x0\n" T, 1, 8, "a count must be at least 1 (x1)", 1)        \
    X(pool_too_many, "pool p x257\n" T, 1, 8, "too many processes: 257 (at most 256)", 1)  \
    X(pool_total, "process q x200:\n    thread b:\n        cpu 1ms\npool p x56\n" T, 4, 1, \
      "too many processes: 257 (at most 256, the main process included)", 1)               \
    X(pool_method, "pool p x2 forkserver\n" T, 1, 11,                                      \
      "unknown start method 'forkserver' (use fork or spawn)", 1)                          \
    X(pool_extra, "pool p x2 fork now\n" T, 1, 16,                                         \
      "unexpected 'now' after the 'pool' statement", 1)                                    \
    X(await_missing, A("        await\n"), 3, 14,                                          \
      "expected io, sleep, gather, executor or a future after 'await'", 1)                 \
    X(await_io_missing, A("        await io\n"), 3, 17,                                    \
      "expected a duration like 5ms after 'io'", 1)                                        \
    X(await_io_zero, A("        await io 0s\n"), 3, 18, "a duration must be positive here", 1) \
    X(await_sleep_negative, A("        await sleep -1ms\n"), 3, 21,                        \
      "a duration cannot be negative", 1)                                                  \
    X(await_sleep_label, A("        await sleep 1ms \"x\"\n"), 3, 25,                      \
      "unexpected '\"x\"' after the 'await' statement", 1)                                 \
    X(await_gather_missing, A("        await gather\n"), 3, 21,                            \
      "expected a task name after 'gather'", 1)                                            \
    X(await_executor_kind, A("        await executor ccall 1ms\n"), 3, 24,                 \
      "expected cpu, nogil, io or sleep after 'executor', not 'ccall'", 1)                 \
    X(await_executor_missing, A("        await executor\n"), 3, 23,                        \
      "expected cpu, nogil, io or sleep after 'executor'", 1)                              \
    X(await_executor_no_dur, A("        await executor cpu\n"), 3, 27,                     \
      "expected a duration like 5ms after 'cpu'", 1)                                       \
    X(await_executor_zero, A("        await executor cpu 0s\n"), 3, 28,                    \
      "a duration must be positive here", 1)                                               \
    X(await_future_extra, A("        await f now\n"), 3, 17,                               \
      "unexpected 'now' after the 'await' statement", 1)                                   \
    X(await_colon, A("        await sleep 1ms:\n"), 3, 24,                                 \
      "'await' does not open a block (remove the ':')", 1)                                 \
    X(call_later_no_callback, A("        call_later 5ms\n"), 3, 23,                        \
      "expected a callback name after '5ms'", 1)                                           \
    X(call_later_bad_time, A("        call_later soon c\n"), 3, 20,                        \
      "expected a duration like 5ms", 1)                                                   \
    X(add_done_no_callback, A("        add_done_callback f\n"), 3, 28,                     \
      "expected a callback name after 'f'", 1)                                             \
    X(map_count_zero, "pool p x2\nthread a:\n    map p 0:\n        cpu 1ms\n", 3, 11,      \
      "map item count must be a whole number between 1 and 1000000000", 1)                 \
    X(map_count_too_big, "pool p x2\nthread a:\n    map p 1000000001:\n        cpu 1ms\n", \
      3, 11, "map item count must be a whole number between 1 and 1000000000", 1)          \
    X(map_count_missing, "pool p x2\nthread a:\n    map p:\n        cpu 1ms\n", 3, 10,     \
      "expected a number of items after 'p'", 1)                                           \
    X(map_size_lower, MAP("send 10kb"), 3, 18, "expected a size like 10KB", 1)             \
    X(map_size_no_unit, MAP("send 10"), 3, 18, "expected a size like 10KB", 1)             \
    X(map_size_fraction, MAP("recv 1.5MB"), 3, 18, "expected a size like 10KB", 1)         \
    X(map_size_no_digits, MAP("recv KB"), 3, 18, "expected a size like 10KB", 1)           \
    X(map_size_negative, MAP("recv -1B"), 3, 18, "expected a size like 10KB", 1)           \
    X(map_size_space, MAP("recv 10 KB"), 3, 18, "expected a size like 10KB", 1)            \
    X(map_size_too_big, MAP("send 1001GB"), 3, 18, "a size must be at most 1000GB (1 TB)", 1) \
    X(map_size_huge, MAP("send 99999999999999999999999B"), 3, 18,                          \
      "a size must be at most 1000GB (1 TB)", 1)                                           \
    X(map_size_just_over, MAP("send 1000000000001B"), 3, 18,                               \
      "a size must be at most 1000GB (1 TB)", 1)                                           \
    X(map_send_twice, MAP("send 1B send 2B"), 3, 21, "duplicate 'send'", 1)                \
    X(map_recv_twice, MAP("recv 1B send 1B recv 2B"), 3, 29, "duplicate 'recv'", 1)        \
    X(map_extra, MAP("foo"), 3, 13, "unexpected 'foo' after the 'map' statement", 1)       \
    X(map_size_missing, MAP("recv"), 3, 17, "expected a size like 10KB after 'recv'", 1)   \
    X(map_in_callback, "pool p x2\n" LT "    callback c:\n        map p 2:\n"              \
      "            cpu 1ms\n" RUNEV, 6, 9, "'map' is only allowed in a thread or a task", 1) \
    X(unknown_task, A("        create_task x\n"), 3, 21, "unknown task 'x'", 1)            \
    X(unknown_task_gather, A("        await gather x\n"), 3, 22, "unknown task 'x'", 1)    \
    X(unknown_callback, A("        call_soon x\n"), 3, 19, "unknown callback 'x'", 1)      \
    X(unknown_future, A("        await x\n"), 3, 15, "unknown future 'x'", 1)              \
    X(unknown_queue, "thread a:\n    put q\n", 2, 9, "unknown queue 'q'", 1)               \
    X(unknown_pool, "thread a:\n    map p 2:\n        cpu 1ms\n", 2, 9, "unknown pool 'p'", 1) \
    X(unknown_loop, "thread a:\n    run ev\n", 2, 9, "unknown loop 'ev'", 1)               \
    X(unknown_threadsafe, "thread a:\n    call_soon_threadsafe c\n", 2, 26,                \
      "unknown callback 'c'", 1)                                                           \
    X(queue_not_task, "queue q\n" A("        create_task q\n"), 4, 21,                     \
      "'q' is a queue, not a task", 1)                                                     \
    X(thread_not_loop, "thread a:\n    run a\n", 2, 9, "'a' is a thread, not a loop", 1)   \
    X(lock_not_thread, "lock m\nthread a:\n    start m\n", 3, 11,                          \
      "'m' is a lock, not a thread", 1)                                                    \
    X(process_not_pool, "process w:\n    thread b:\n        cpu 1ms\nthread a:\n"          \
      "    map w 2:\n        cpu 1ms\n", 5, 9, "'w' is a process, not a pool", 1)          \
    X(task_not_callback, A("        call_soon t\n"), 3, 19, "'t' is a task, not a callback", 1) \
    X(loop_not_queue, LT "main:\n    run ev\n    get ev\n", 6, 9,                          \
      "'ev' is a loop, not a queue", 1)                                                    \
    X(task_other_loop, "loop a:\n    task t:\n        create_task u\nloop b:\n"            \
      "    task u:\n        cpu 1ms\n    task v:\n        cpu 1ms\nmain:\n    run a\n"     \
      "    run b\n", 3, 21, "task 'u' belongs to loop 'b', not 'a'", 1)                    \
    X(future_other_loop, "loop a:\n    task t:\n        await f\nloop b:\n    task u:\n"  \
      "        cpu 1ms\n    future f\nmain:\n    run a\n    run b\n", 3, 15,               \
      "future 'f' belongs to loop 'b', not 'a'", 1)                                        \
    X(callback_other_loop, "loop a:\n    task t:\n        add_done_callback f c\n"         \
      "    future f\nloop b:\n    task u:\n        cpu 1ms\n    callback c:\n"             \
      "        cpu 1ms\nmain:\n    run a\n    run b\n", 3, 29,                             \
      "callback 'c' belongs to loop 'b', not 'a'", 1)                                      \
    X(future_other_process, LT "    future f\n" RUNEV "process p:\n    thread b:\n"        \
      "        set_result f\n", 9, 20,                                                     \
      "future 'f' belongs to loop 'ev', which runs in another process", 1)                 \
    X(callback_other_process, LT "    callback c:\n        cpu 1ms\n" RUNEV "process p:\n" \
      "    thread b:\n        call_soon_threadsafe c\n", 10, 30,                           \
      "callback 'c' belongs to loop 'ev', which runs in another process", 1)               \
    X(loop_never_run, LT T, 1, 1, "loop 'ev' is never run", 1)                             \
    X(run_by_two_threads, LT "thread a:\n    run ev\nthread b:\n    run ev\n", 7, 9,       \
      "loop 'ev' is run by more than one thread", 1)                                       \
    X(run_twice, LT "thread a:\n    run ev\n    run ev\n", 6, 9, RUN_TWICE("ev"), 1)       \
    X(run_in_repeat, LT "thread a:\n    repeat 2:\n        run ev\n", 6, 13,               \
      RUN_TWICE("ev"), 1)                                                                  \
    X(run_by_replicas, LT "thread a x2:\n    run ev\n", 5, 9, RUN_TWICE("ev"), 1)          \
    X(run_in_replicated_process, LT "process p x2:\n    thread a:\n        run ev\n", 6, 13, \
      RUN_TWICE("ev"), 1)                                                                  \
    X(loop_no_start, "loop ev:\n    task t:\n        create_task t\n" RUNEV, 1, 1,         \
      "loop 'ev' has no task to start with: every task is created by create_task or "    \
      "gather", 1)                                                                         \
    X(task_never_created, "loop ev:\n    task a:\n        cpu 1ms\n    task b:\n"          \
      "        create_task c\n    task c:\n        await gather b\n" RUNEV, 4, 5,          \
      "task 'b' is never created: only tasks that are never created create it", 2)         \
    X(task_never_created_2, "loop ev:\n    task a:\n        cpu 1ms\n    task b:\n"        \
      "        create_task c\n    task c:\n        await gather b\n" RUNEV, 6, 5,          \
      "task 'c' is never created: only tasks that are never created create it", 2)         \
    X(task_never_created_cb, "loop ev:\n    task a:\n        cpu 1ms\n    callback cb:\n"  \
      "        create_task b\n    task b:\n        cpu 1ms\n" RUNEV, 6, 5,                 \
      "task 'b' is never created: only tasks and callbacks that never run create it", 1)   \
    X(task_never_created_chain, "loop ev:\n    task a:\n        cpu 1ms\n"                 \
      "    callback cb:\n        call_soon cb2\n    callback cb2:\n"                       \
      "        create_task b\n    task b:\n        cpu 1ms\n" RUNEV, 8, 5,                 \
      "task 'b' is never created: only tasks and callbacks that never run create it", 1)   \
    X(spawn_cost_duplicate, "spawn_cost 1ms\nspawn_cost 2ms\n" T, 2, 1,                    \
      "duplicate setting 'spawn_cost'", 1)                                                 \
    X(fork_cost_negative, "fork_cost -1ms\n" T, 1, 11, "a duration cannot be negative", 1) \
    X(pickle_no_unit, "pickle_per_mb 1\n" T, 1, 15,                                        \
      "a duration needs a unit (ns, us, ms, s)", 1)                                        \
    X(no_threads, "cores 2\nlock m\n", 0, 0,                                               \
      "the scene has no threads: add a 'thread NAME:' or 'main:' block", 1)                 \
    X(empty_text, "", 0, 0,                                                                \
      "the scene is empty: it needs at least one 'thread NAME:' or 'main:' block", 1)       \
    X(comments_only, "# nothing\n\n   \n", 0, 0,                                           \
      "the scene is empty: it needs at least one 'thread NAME:' or 'main:' block", 1)       \
    X(lone_cr, "thread a:\r    cpu 1ms\r", 1, 10,                                            \
      "a carriage return (\\r) inside a line: save the file with \\n or \\r\\n line endings", 1) \
    X(bom_inside, "thread a:\n    cpu 1ms \xef\xbb\xbf\"x\"\n", 2, 13,                          \
      "a byte-order mark (U+FEFF) is allowed only at the start of the file", 1)             \
    X(pool_too_big_no_cascade, "pool p x257\nthread a:\n    map p 4:\n        cpu 1ms\n", 1, 8, \
      "too many processes: 257 (at most 256)", 1)

#define DEFINE_CASE(id, txt, l, c, m, cnt) \
    static struct err_case case_##id = { txt, sizeof(txt) - 1, l, c, m, cnt };
ERROR_CASES(DEFINE_CASE)

#define RUN_CASE(id, txt, l, c, m, cnt) \
    { .name = "error_" #id, .test_func = test_error_case, .initial_state = &case_##id },

/* The option parsers of util: memory sizes (--max-memory) and durations
 * written back in a form the duration parser reads (--horizon hints). */
static void test_util_sizes_and_duration_args(void **state)
{
    (void)state;
    static const struct { const char *in; uint64_t want; } good[] = {
        { "0", 0 }, { "4096", 4096 }, { "12B", 12 }, { "512K", 512u << 10 }, { "4M", 4u << 20 },
        { "4MiB", 4u << 20 }, { "2G", UINT64_C(2) << 30 }, { "2GiB", UINT64_C(2) << 30 },
        { "1T", UINT64_C(1) << 40 }, { "16777215T", UINT64_C(16777215) << 40 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint64_t v = 1;
        const char *why = NULL;
        assert_int_equal(gv_parse_bytes(good[i].in, &v, &why), 0);
        assert_true(v == good[i].want);
    }
    static const char *const bad[] = { "", "M", "4MB", "4m", "1.5G", "-4M", " 4M", "4M ", "4 M",
                                       "16777216T", "99999999999999999999", "4X" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 7;
        const char *why = NULL;
        assert_int_equal(gv_parse_bytes(bad[i], &v, &why), -1);
        assert_non_null(why);
        assert_true(v == 7);
    }
    char buf[32];
    assert_string_equal(gv_fmt_bytes(UINT64_C(2) << 30, buf, sizeof buf), "2 GiB");
    assert_string_equal(gv_fmt_bytes(UINT64_C(3) << 29, buf, sizeof buf), "1.5 GiB");
    assert_string_equal(gv_fmt_bytes(4u << 20, buf, sizeof buf), "4 MiB");
    assert_string_equal(gv_fmt_bytes(300, buf, sizeof buf), "300 B");
    static const gv_ns durs[] = { 1, 999, 1500 * GV_NS_PER_US, 20 * 60 * GV_NS_PER_S, 90 * GV_NS_PER_S,
                                  GV_NS_MAX, 100 * GV_NS_PER_MS, 1234567 };
    static const char *const want[] = { "1ns", "999ns", "1500us", "20min", "90s", "1440min", "100ms", "1234567ns" };
    for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
        gv_ns back = -1;
        const char *why;
        assert_string_equal(gv_fmt_duration_arg(durs[i], buf, sizeof buf), want[i]);
        assert_int_equal(gv_parse_duration(buf, strlen(buf), &back, &why), 0);
        assert_int_equal(back, durs[i]);
    }
}

/* ------------------------------------------------- generated error cases */

/* Names longer than 64 characters. */
static void test_error_name_too_long(void **state)
{
    (void)state;
    struct buf b = { 0 };
    bprintf(&b, "lock ");
    for (int i = 0; i < 65; i++)
        bprintf(&b, "n");
    bprintf(&b, "\n" T);
    expect_error_n(b.p, b.n, 1, 6, "name is too long (at most 64 characters)", 1);
    free(b.p);

    struct scene *s = parse_ok("lock nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n" T);
    assert_int_equal(strlen(s->locks[0].name), 64);
    scene_free(s);
}

/* 17 nested blocks fail, 16 are fine. */
static void test_error_nesting(void **state)
{
    (void)state;
    for (int depth = 16; depth <= 17; depth++) {
        struct buf b = { 0 };
        bprintf(&b, "lock m\nthread a:\n");
        for (int i = 1; i <= depth; i++)
            bprintf(&b, "%*s%s\n", 4 * i, "", i % 2 ? "repeat 2:" : "with m:");
        bprintf(&b, "%*scpu 1ms\n", 4 * (depth + 1), "");
        if (depth == 16) {
            struct scene *s = parse_ok(b.p);
            assert_int_equal(s->threads[0].nsteps, 8 + 2 * 8 + 1);
            assert_int_equal(s->threads[0].steps[0].body, 8 + 2 * 8);
            scene_free(s);
        } else {
            expect_error_n(b.p, b.n, 19, 69, "blocks nested too deeply (at most 16)", 1);
        }
        free(b.p);
    }
    /* very deep indentation is not recursion */
    struct buf b = { 0 };
    bprintf(&b, "thread a:\n");
    for (int i = 1; i <= 3000; i++)
        bprintf(&b, "%*srepeat 2:\n", i, "");
    expect_error_n(b.p, b.n, 18, 18, "blocks nested too deeply (at most 16)", 1);
    free(b.p);
}

/* More steps than SCENE_MAX_STEPS in one thread. */
static void test_error_too_many_steps(void **state)
{
    (void)state;
    struct buf b = { 0 };
    bprintf(&b, "thread a:\n");
    for (int i = 0; i <= SCENE_MAX_STEPS; i++)
        bprintf(&b, "    sleep 0s\n");
    expect_error_n(b.p, b.n, SCENE_MAX_STEPS + 2, 5,
                   "too many steps in thread 'a' (at most 100000)", 1);
    free(b.p);
}

/* Locks, shared variables and notes over their limits. */
static void test_error_too_many_names(void **state)
{
    (void)state;
    struct buf b = { 0 };
    for (int i = 0; i <= SCENE_MAX_LOCKS; i++)
        bprintf(&b, "lock l%d\n", i);
    bprintf(&b, T);
    expect_error_n(b.p, b.n, SCENE_MAX_LOCKS + 1, 1, "too many locks (at most 1024)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    for (int i = 0; i <= SCENE_MAX_SHARED; i++)
        bprintf(&b, "shared v%d = %d\n", i, i);
    bprintf(&b, T);
    expect_error_n(b.p, b.n, SCENE_MAX_SHARED + 1, 1,
                   "too many shared variables (at most 1024)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    for (int i = 0; i <= SCENE_MAX_NOTES; i++)
        bprintf(&b, "note %dms \"n\"\n", i);
    bprintf(&b, T);
    expect_error_n(b.p, b.n, SCENE_MAX_NOTES + 1, 1, "too many notes (at most 4096)", 1);
    free(b.p);
}

/* Loops, callbacks, futures and queues over their limits; steps in a
 * task and in a callback over theirs; nesting through map. */
static void test_error_async_limits(void **state)
{
    (void)state;
    struct buf b = { 0 };
    for (int i = 0; i <= SCENE_MAX_LOOPS; i++)
        bprintf(&b, "loop l%d:\n    task t%d:\n        cpu 1ms\n", i, i);
    bprintf(&b, "main:\n");
    for (int i = 0; i <= SCENE_MAX_LOOPS; i++)
        bprintf(&b, "    run l%d\n", i);
    expect_error_n(b.p, b.n, 3 * SCENE_MAX_LOOPS + 1, 1, "too many loops (at most 1024)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    bprintf(&b, "loop ev:\n    task t:\n        cpu 1ms\n");
    for (int i = 0; i <= SCENE_MAX_CALLBACKS; i++)
        bprintf(&b, "    callback c%d:\n        cpu 1ms\n", i);
    bprintf(&b, RUNEV);
    expect_error_n(b.p, b.n, 4 + 2 * SCENE_MAX_CALLBACKS, 5,
                   "too many callbacks (at most 4096)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    bprintf(&b, "loop ev:\n    task t:\n        cpu 1ms\n");
    for (int i = 0; i <= SCENE_MAX_FUTURES; i++)
        bprintf(&b, "    future f%d\n", i);
    bprintf(&b, RUNEV);
    expect_error_n(b.p, b.n, 4 + SCENE_MAX_FUTURES, 5, "too many futures (at most 4096)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    for (int i = 0; i <= SCENE_MAX_QUEUES; i++)
        bprintf(&b, "queue q%d size %d\n", i, i + 1);
    bprintf(&b, T);
    expect_error_n(b.p, b.n, SCENE_MAX_QUEUES + 1, 1, "too many queues (at most 1024)", 1);
    free(b.p);

    b = (struct buf){ 0 };
    bprintf(&b, "loop ev:\n    task t:\n        cpu 1ms\n    task x:\n");
    for (int i = 0; i <= SCENE_MAX_STEPS; i++)
        bprintf(&b, "        await sleep 0s\n");
    bprintf(&b, RUNEV);
    expect_error_n(b.p, b.n, 4 + SCENE_MAX_STEPS + 1, 9,
                   "too many steps in task 'x' (at most 100000)", 1);
    free(b.p);
    b = (struct buf){ 0 };
    bprintf(&b, "loop ev:\n    task t:\n        cpu 1ms\n    callback x:\n");
    for (int i = 0; i <= SCENE_MAX_STEPS; i++)
        bprintf(&b, "        sleep 0s\n");
    bprintf(&b, RUNEV);
    expect_error_n(b.p, b.n, 4 + SCENE_MAX_STEPS + 1, 9,
                   "too many steps in callback 'x' (at most 100000)", 1);
    free(b.p);

    /* map counts as a nesting level, like repeat and with */
    for (int depth = 16; depth <= 17; depth++) {
        b = (struct buf){ 0 };
        bprintf(&b, "pool p x2\nthread a:\n");
        for (int i = 1; i <= depth; i++)
            bprintf(&b, "%*s%s\n", 4 * i, "", i == 1 ? "map p 2:" : "repeat 2:");
        bprintf(&b, "%*scpu 1ms\n", 4 * (depth + 1), "");
        if (depth == 16) {
            struct scene *s = parse_ok(b.p);
            assert_int_equal(s->threads[0].nsteps, 17);
            assert_int_equal(s->threads[0].steps[0].op, OP_MAP);
            assert_int_equal(s->threads[0].steps[0].body, 16);
            scene_free(s);
        } else {
            expect_error_n(b.p, b.n, 2 + 17, 69, "blocks nested too deeply (at most 16)", 1);
        }
        free(b.p);
    }
}

/* asyncio errors are all reported in one pass, in line order. */
static void test_async_errors_in_one_pass(void **state)
{
    (void)state;
    static const char text[] =
        "loop ev:\n"                       /* 1 */
        "    task t:\n"                    /* 2 */
        "        await nope\n"             /* 3: resolved late, sorted first */
        "        run ev\n"                 /* 4 */
        "        map p 0:\n"               /* 5 */
        "            cpu 1ms\n"            /* 6 */
        "    executor 0\n"                 /* 7 */
        "queue q size -1\n"                /* 8 */
        "thread a:\n"                      /* 9 */
        "    await sleep 1ms\n";           /* 10; and ev is never run (line 1) */
    struct scene_diags d;
    assert_null(parse_n(text, strlen(text), &d));
    assert_int_equal(d.n, 7);
    static const struct { uint32_t line, col; const char *msg; } want[] = {
        { 1, 1, "loop 'ev' is never run" },
        { 3, 15, "unknown future 'nope'" },
        { 4, 9, "'run' is only allowed in a thread" },
        { 5, 15, "map item count must be a whole number between 1 and 1000000000" },
        { 7, 14, "executor must be between 1 and 1024" },
        { 8, 14, "queue size must be a whole number between 1 and 1000000000" },
        { 10, 5, "'await' is only allowed inside a task" },
    };
    for (int i = 0; i < 7; i++) {
        assert_int_equal(d.v[i].line, want[i].line);
        assert_int_equal(d.v[i].col, want[i].col);
        assert_string_equal(d.v[i].msg, want[i].msg);
    }
    scene_diags_free(&d);
}

/* Every prefix of the rich scenes, and the rich scene without each one of
 * its lines, parses without crashing or leaking, and either succeeds or
 * reports at least one error. */
static void test_async_mutations(void **state)
{
    (void)state;
    const char *texts[] = { rich_async, rich };
    for (int k = 0; k < 2; k++) {
        const char *text = texts[k];
        size_t len = strlen(text);
        for (size_t n = 0; n <= len; n++) {
            struct scene_diags d;
            struct scene *s = parse_n(text, n, &d);
            assert_true((s != NULL) == (d.n == 0));
            assert_true(d.n <= 51);
            scene_free(s);
            scene_diags_free(&d);
        }
        for (size_t start = 0; start < len;) {
            const char *nl = strchr(text + start, '\n');
            size_t end = nl ? (size_t)(nl - text) + 1 : len;
            char *cut = gv_malloc(len + 1);
            memcpy(cut, text, start);
            memcpy(cut + start, text + end, len - end + 1);
            struct scene_diags d;
            struct scene *s = parse_n(cut, len - (end - start), &d);
            assert_true((s != NULL) == (d.n == 0));
            scene_free(s);
            scene_diags_free(&d);
            free(cut);
            start = end;
        }
    }
}

/* Random lines made of the language's own words, at random indentation:
 * never a crash (ASan/UBSan), a leak, or more than 51 diagnostics. */
static void test_async_token_soup(void **state)
{
    (void)state;
    static const char *const words[] = {
        "loop", "ev", "task", "t", "x3", "callback", "cb", "future", "f", "executor",
        "slow_callback", "queue", "q", "size", "pool", "p", "x2", "fork", "spawn", "map",
        "send", "recv", "10KB", "1GB", "run", "await", "io", "sleep", "gather", "create_task",
        "cancel", "call_soon", "call_later", "call_soon_threadsafe", "add_done_callback",
        "set_result", "put", "get", "thread", "main", "process", "repeat", "with", "lock",
        "m", "cpu", "nogil", "1ms", "0s", "3", "\"l\"", ":", "x100001", "start", "join",
        "spawn_cost", "5ms", "incr", "shared", "v",
    };
    const size_t nw = sizeof words / sizeof *words;
    uint32_t x = 777;
    for (int round = 0; round < 300; round++) {
        struct buf b = { 0 };
        int lines = 1 + round % 40;
        for (int l = 0; l < lines; l++) {
            x = x * 1103515245u + 12345u;
            bprintf(&b, "%*s", (int)((x >> 16) % 4) * 4, "");
            x = x * 1103515245u + 12345u;
            int ntok = 1 + (int)((x >> 16) % 5);
            for (int k = 0; k < ntok; k++) {
                x = x * 1103515245u + 12345u;
                bprintf(&b, "%s%s", k ? " " : "", words[(x >> 16) % nw]);
            }
            x = x * 1103515245u + 12345u;
            bprintf(&b, "%s\n", (x >> 16) % 3 == 0 ? ":" : "");
        }
        struct scene_diags d;
        struct scene *s = parse_n(b.p ? b.p : "", b.n, &d);
        assert_true((s != NULL) == (d.n == 0));
        assert_true(d.n <= 51);
        scene_free(s);
        scene_diags_free(&d);
        free(b.p);
    }
}

/* Large scenes stay linear: a chain of 20000 tasks each creating the next
 * (every one created), 4000 callbacks in a call_soon chain, a thread that
 * schedules the first. */
static void test_async_large_chain(void **state)
{
    (void)state;
    struct buf b = { 0 };
    bprintf(&b, "loop ev:\n");
    for (int i = 0; i < 20000; i++) {
        bprintf(&b, "    task t%d:\n", i);
        if (i + 1 < 20000)
            bprintf(&b, "        create_task t%d\n        await gather t%d\n", i + 1, i + 1);
        else
            bprintf(&b, "        await sleep 1ms\n");
    }
    for (int i = 0; i < 4000; i++)
        bprintf(&b, "    callback c%d:\n        call_soon c%d\n", i, (i + 1) % 4000);
    bprintf(&b, "main:\n    call_soon_threadsafe c0\n    run ev\n");
    struct scene *s = parse_ok(b.p);
    assert_int_equal(s->ncoros, 24000);
    assert_int_equal(s->coros[0].deferred, 0);
    for (int i = 1; i < 20000; i++)
        assert_int_equal(s->coros[i].deferred, 1);
    assert_int_equal(s->coros[19999].nsteps, 1);
    assert_int_equal(s->coros[20000 + 3999].steps[0].ref, 20000);
    scene_free(s);
    free(b.p);
}

/* The error list is capped. */
static void test_error_too_many_errors(void **state)
{
    (void)state;
    struct buf b = { 0 };
    for (int i = 0; i < 200; i++)
        bprintf(&b, "bogus\n");
    struct scene_diags d;
    assert_null(parse_n(b.p, b.n, &d));
    assert_int_equal(d.n, 51);
    assert_string_equal(d.v[50].msg, "too many errors; stopping here");
    assert_int_equal(d.v[50].line, 51);
    assert_int_equal(d.v[49].line, 50);
    scene_diags_free(&d);
    free(b.p);
}

/* Errors are reported in line order, all in one pass. */
static void test_errors_in_one_pass(void **state)
{
    (void)state;
    static const char text[] =
        "thread a:\n"
        "    acquire nope\n"       /* found after parsing: still sorted first */
        "    cpu 1 ms\n"
        "cores 999\n";
    struct scene_diags d;
    assert_null(parse_n(text, strlen(text), &d));
    assert_int_equal(d.n, 3);
    assert_int_equal(d.v[0].line, 2);
    assert_string_equal(d.v[0].msg, "unknown lock 'nope'");
    assert_int_equal(d.v[1].line, 3);
    assert_int_equal(d.v[2].line, 4);
    assert_string_equal(d.v[2].source_line, "cores 999");
    scene_diags_free(&d);
}

/* setswitchinterval DURATION: sys.setswitchinterval at run time. */
static void test_setswitchinterval(void **state)
{
    (void)state;
    struct scene *s = parse_ok("thread a:\n    cpu 1ms\n    setswitchinterval 500us\n"
                               "loop ev:\n    task t:\n        setswitchinterval 2ms\n"
                               "main:\n    run ev\n");
    assert_int_equal(s->threads[0].nsteps, 2);
    check_step(&s->threads[0].steps[1], OP_SETSWITCHINTERVAL, 500 * GV_NS_PER_US, -1, 3, 5);
    assert_int_equal(s->coros[0].steps[0].op, OP_SETSWITCHINTERVAL);
    assert_int_equal(s->coros[0].steps[0].dur, 2 * GV_NS_PER_MS);
    scene_free(s);
    /* free-threaded builds have sys.setswitchinterval too (it changes nothing) */
    s = parse_ok("python 3.13t\nthread a:\n    setswitchinterval 1ms\n");
    scene_free(s);

    const char *msg = "the switch interval must be strictly positive (Python raises ValueError)";
    expect_error_n("thread a:\n    setswitchinterval 0ms\n", 35, 2, 23, msg, 1);
    expect_error_n("thread a:\n    setswitchinterval -1ms\n", 36, 2, 23, msg, 1);
    expect_error_n("thread a:\n    setswitchinterval 5\n", 33, 2, 23,
                   "a duration needs a unit (ns, us, ms, s)", 1);
    expect_error_n("thread a:\n    setswitchinterval\n", 31, 2, 22,
                   "expected a duration like 1ms after 'setswitchinterval'", 1);
    expect_error_n("thread a:\n    setswitchinterval 1ms 2ms\n", 39, 2, 27,
                   "unexpected '2ms' after the 'setswitchinterval' statement", 1);
    /* not in a map body: the worker is another process */
    expect_error_n("pool p x1\nthread a:\n    map p 1:\n        setswitchinterval 1ms\n", 58, 4, 9,
                   "'setswitchinterval' is not allowed in a map body (only cpu, ccall, nogil, io, "
                   "sleep and repeat)", 1);
    /* the old GIL has no switch interval, wherever the setting is written */
    const char *old = "setswitchinterval needs the new GIL (Python 3.2+); the old GIL releases "
                      "every check_interval ticks (sys.setcheckinterval): set check_interval instead";
    expect_error_n("python 2.7\nthread a:\n    setswitchinterval 1ms\n", 46, 3, 5, old, 1);
    expect_error_n("thread a:\n    setswitchinterval 1ms\ngil old\n", 43, 2, 5, old, 1);
}

/* Garbage never crashes and always yields errors. */
static void test_garbage(void **state)
{
    (void)state;
    unsigned char g[4096];
    uint32_t x = 12345;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof g; i++) {
            x = x * 1103515245u + 12345u;
            g[i] = (unsigned char)(x >> 16);
        }
        struct scene_diags d;
        struct scene *s = parse_n((const char *)g, sizeof g, &d);
        assert_null(s);
        assert_true(d.n > 0 && d.n <= 51);
        scene_diags_free(&d);
    }
}

/* Run every test. */
/* Tasks are named as the engine names them: through the task groups in file
 * order (callbacks are not tasks), name1..nameN for a group xN. */
static void test_task_names(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("loop app:\n    task fetch x3:\n        await sleep 1ms\n"
                                "    callback cb:\n        cpu 1ms\n    task solo:\n        cpu 1ms\n"
                                "main:\n    run app\n");
    char buf[64];
    scene_task_name(sc, 0, buf, sizeof buf);
    assert_string_equal(buf, "fetch1");
    scene_task_name(sc, 2, buf, sizeof buf);
    assert_string_equal(buf, "fetch3");
    scene_task_name(sc, 3, buf, sizeof buf);
    assert_string_equal(buf, "solo");
    scene_task_name(sc, 4, buf, sizeof buf);
    assert_string_equal(buf, "#4");
    scene_free(sc);
    /* a name that ends in a digit gets a dash: tick2-1, not tick21 (which
     * reads as the 21st tick, and could be the 21st of a group tick) */
    scene_instance_name("tick2", 0, 3, buf, sizeof buf);
    assert_string_equal(buf, "tick2-1");
    scene_instance_name("tick", 20, 30, buf, sizeof buf);
    assert_string_equal(buf, "tick21");
    scene_instance_name("tick2", 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "tick2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rich_scene),
        cmocka_unit_test(labels_in_two_languages),
        cmocka_unit_test(test_nested_repeat),
        cmocka_unit_test(test_forward_references),
        cmocka_unit_test(test_lexical_details),
        cmocka_unit_test(test_explicit_length),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_python_versions),
        cmocka_unit_test(test_python_and_gil),
        cmocka_unit_test(test_scene_set),
        cmocka_unit_test(test_diags_print),
        cmocka_unit_test(test_util_sizes_and_duration_args),
        cmocka_unit_test(test_rich_async),
        cmocka_unit_test(test_async_allowed),
        ERROR_CASES(RUN_CASE)
        cmocka_unit_test(test_error_name_too_long),
        cmocka_unit_test(test_error_nesting),
        cmocka_unit_test(test_error_too_many_steps),
        cmocka_unit_test(test_error_too_many_names),
        cmocka_unit_test(test_error_too_many_errors),
        cmocka_unit_test(test_error_async_limits),
        cmocka_unit_test(test_async_errors_in_one_pass),
        cmocka_unit_test(test_async_mutations),
        cmocka_unit_test(test_async_token_soup),
        cmocka_unit_test(test_async_large_chain),
        cmocka_unit_test(test_errors_in_one_pass),
        cmocka_unit_test(test_setswitchinterval),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_task_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
