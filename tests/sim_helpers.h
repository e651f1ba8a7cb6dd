/*
 * sim_helpers: shared by the engine, invariant and fidelity tests.
 * run_scene() parses text, simulates it and returns everything; check_
 * invariants() replays a timeline and fails the test on the first broken
 * rule of the model.  Header-only (static) so each test binary stays alone.
 */
#ifndef GV_SIM_HELPERS_H
#define GV_SIM_HELPERS_H

#include <dirent.h>
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

struct run {
    struct scene *sc;
    struct timeline *tl;
    struct engine *e;
    const struct sim_stats *st;
    int rc;
    char err[512];
};

/* Parse `text` as `file`, printing its diagnostics and failing the test if
 * it is not a valid scene. */
static inline struct scene *parse_scene(const char *file, const char *text)
{
    struct scene_diags d;
    memset(&d, 0, sizeof d);
    struct scene *sc = scene_parse(file, text, strlen(text), &d);
    if (!sc) {
        d.file = file;
        scene_diags_print(&d, stderr);
    }
    scene_diags_free(&d);
    assert_non_null(sc);
    return sc;
}

/* Parse `text` (asserting it is valid), apply "k=v" overrides (NULL-ended)
 * and build its engine, without running it. */
static inline void prepare_scene(struct run *r, const char *text, const char *const *sets)
{
    memset(r, 0, sizeof *r);
    r->sc = parse_scene("test.scene", text);
    for (int i = 0; sets && sets[i]; i++) {
        char err[256];
        int rc = scene_set(r->sc, sets[i], err, sizeof err);
        if (rc)
            fprintf(stderr, "scene_set %s: %s\n", sets[i], err);
        assert_int_equal(rc, 0);
    }
    r->tl = timeline_new();
    r->e = engine_new(r->sc, r->tl, r->err, sizeof r->err);
    assert_non_null(r->e);
    r->st = engine_stats(r->e);
}

/* The same, and simulate it to the end. */
static inline void run_scene_set(struct run *r, const char *text, const char *const *sets)
{
    prepare_scene(r, text, sets);
    r->rc = engine_run(r->e, r->err, sizeof r->err);
}

static inline void run_scene(struct run *r, const char *text)
{
    run_scene_set(r, text, NULL);
}

static inline int scene_name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Paths of the built-in scenes ($GILVIZ_SCENES or scenes/), sorted; at most
 * max.  Returns how many; free each path. */
static inline int builtin_scene_paths(char **paths, int max)
{
    const char *dir = getenv("GILVIZ_SCENES");
    if (!dir || !*dir)
        dir = "scenes";
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        size_t l = strlen(de->d_name);
        if (l > 6 && strcmp(de->d_name + l - 6, ".scene") == 0) {
            size_t size = strlen(dir) + l + 2;
            paths[n] = malloc(size);
            snprintf(paths[n++], size, "%s/%s", dir, de->d_name);
        }
    }
    closedir(d);
    qsort(paths, (size_t)n, sizeof paths[0], scene_name_cmp);
    return n;
}

static inline void run_free(struct run *r)
{
    engine_free(r->e);
    timeline_free(r->tl);
    scene_free(r->sc);
    memset(r, 0, sizeof *r);
}

/* Index of the thread called `name` in the stats, or fail. */
static inline int thread_index(const struct run *r, const char *name)
{
    for (int32_t i = 0; i < r->st->nthreads; i++)
        if (strcmp(r->st->threads[i].name, name) == 0)
            return (int)i;
    fail_msg("no thread named %s", name);
    return -1;
}

/* Count EVENT records with this code. */
static inline uint64_t count_events(const struct timeline *tl, int code)
{
    uint64_t n = 0, cnt = timeline_count(tl);
    for (uint64_t i = 0; i < cnt; i++) {
        const struct tl_rec *x = timeline_get(tl, i);
        n += x->kind == TL_EVENT && x->code == code;
    }
    return n;
}

static inline int is_running_state(int code)
{
    return code == TS_PYTHON || code == TS_CCALL || code == TS_NOGIL || code == TS_OS;
}

/*
 * Replay the timeline and check the model's rules at every record:
 *  - at most one thread holds each process's GIL, and the GIL lane agrees;
 *  - a thread runs Python (or GIL-holding C) only while holding its GIL,
 *    unless the build is free-threaded;
 *  - at most one thread is on each core, and a running thread is on a core;
 *  - time never goes backwards;
 *  - every thread's time buckets add up to its lifetime.
 */
static inline void check_invariants(const struct run *r)
{
    const struct timeline *tl = r->tl;
    int nl = timeline_nlanes(tl);
    int ncores = r->sc->set.cores;
    int nogil = r->sc->set.gil == GIL_NONE;
    struct tl_lane_state *cur = calloc((size_t)nl, sizeof *cur);
    int32_t *core_owner = malloc((size_t)ncores * sizeof *core_owner);
    for (int c = 0; c < ncores; c++)
        core_owner[c] = -1;
    int *holders = calloc((size_t)nl, sizeof *holders);
    int *holder_of = calloc((size_t)nl, sizeof *holder_of);
    uint64_t n = timeline_count(tl);
    gv_ns last_t = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *x = timeline_get(tl, i);
        if (x->t < last_t)
            fail_msg("record %llu goes back in time", (unsigned long long)i);
        last_t = x->t;
        if (x->kind == TL_EVENT)
            continue;
        const struct tl_lane *lane = timeline_lane(tl, x->lane);
        if (lane->kind == LANE_THREAD) {
            int new_core = (int)(x->flags & TL_FLAG_CORE_MASK) - 1;
            if (new_core >= ncores)
                fail_msg("thread %s on core %d of %d", lane->name, new_core, ncores);
            if (is_running_state(x->code) && new_core < 0)
                fail_msg("t=%lld: thread %s runs on no core", (long long)x->t, lane->name);
            if (!nogil && (x->code == TS_PYTHON || x->code == TS_CCALL) && !(x->flags & TL_FLAG_GIL))
                fail_msg("t=%lld: thread %s runs Python without the GIL", (long long)x->t, lane->name);
        }
        if (lane->kind == LANE_THREAD && lane->proc >= 0) {
            int had = (cur[x->lane].flags & TL_FLAG_GIL) != 0, has = (x->flags & TL_FLAG_GIL) != 0;
            holders[lane->proc] += has - had;
            if (has)
                holder_of[lane->proc] = x->lane;
        }
        cur[x->lane].code = x->code;
        cur[x->lane].flags = x->flags;
        cur[x->lane].arg = x->arg;
        if (i + 1 < n && timeline_get(tl, i + 1)->t == x->t)
            continue; /* check the rest once this instant is complete */
        /* at most one thread per core */
        for (int c = 0; c < ncores; c++)
            core_owner[c] = 0;
        for (int k = 0; k < nl; k++) {
            const struct tl_lane *tk = timeline_lane(tl, k);
            int c = (int)(cur[k].flags & TL_FLAG_CORE_MASK) - 1;
            if (tk->kind == LANE_THREAD && c >= 0 && ++core_owner[c] > 1)
                fail_msg("t=%lld: core %d has two threads", (long long)x->t, c);
        }
        /* GIL ownership: at most one holder per process, matching the GIL lane */
        if (!nogil) {
            for (int l = 0; l < nl; l++) {
                const struct tl_lane *g = timeline_lane(tl, l);
                if (g->kind != LANE_GIL)
                    continue;
                if (holders[g->proc] > 1)
                    fail_msg("t=%lld: %d threads hold the GIL of %s", (long long)x->t, holders[g->proc], g->name);
                if (holders[g->proc] == 1 && !(cur[l].code == GIL_HELD && cur[l].arg == holder_of[g->proc]))
                    fail_msg("t=%lld: GIL lane of %s disagrees with its holder", (long long)x->t, g->name);
                if (holders[g->proc] == 0 && cur[l].code == GIL_HELD)
                    fail_msg("t=%lld: GIL lane of %s says held, no thread holds it", (long long)x->t, g->name);
            }
        }
    }
    /* time accounting */
    for (int32_t i = 0; i < r->st->nthreads; i++) {
        const struct thread_stats *t = &r->st->threads[i];
        gv_ns end = t->end >= 0 ? t->end : timeline_end(tl);
        if (t->end < 0 && t->start == 0 && t->python_ns + t->ready_ns + t->os_ns == 0)
            continue; /* never started */
        gv_ns sum = t->python_ns + t->ccall_ns + t->nogil_ns + t->os_ns + t->ready_ns + t->gil_wait_ns +
                    t->io_ns + t->sleep_ns + t->lock_wait_ns + t->join_wait_ns + t->select_ns +
                    t->queue_wait_ns + t->idle_ns + t->map_wait_ns;
        if (sum != end - t->start)
            fail_msg("thread %s: buckets add to %lld ns, lifetime is %lld ns", t->name, (long long)sum,
                     (long long)(end - t->start));
    }
    free(cur);
    free(core_owner);
    free(holders);
    free(holder_of);
}

#endif
