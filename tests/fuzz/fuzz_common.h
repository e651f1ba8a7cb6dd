/*
 * fuzz_common: shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * FUZZ_CHECK aborts with a message when a property fails, so libFuzzer
 * reports it like a crash and keeps the input.  check_scene() walks a parsed
 * scene and checks what the engine relies on: every reference in range,
 * every block inside its program, every limit of scene.h respected.
 * Header-only (static) so that each harness is one translation unit.
 */
#ifndef GV_FUZZ_COMMON_H
#define GV_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/scene.h"

#define FUZZ_CHECK(cond, ...)                                                    \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* A sink for printed diagnostics: printing runs, the output goes nowhere. */
static inline FILE *fuzz_devnull(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    FUZZ_CHECK(f != NULL, "cannot open /dev/null");
    return f;
}

/* Is s (NUL-terminated) valid UTF-8 without control characters (but those
 * in `allowed`)?  What the parser prints is shown on a terminal, so input
 * bytes must never reach it raw. */
static inline int fuzz_printable_but(const char *s, const char *allowed)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned b = *p;
        if ((b < 0x20 && !strchr(allowed, (int)b)) || b == 0x7f)
            return 0;
        if (b < 0x80) {
            p++;
            continue;
        }
        size_t k = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
        if (k == 0 || b > 0xf4)
            return 0;
        for (size_t i = 1; i <= k; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += k + 1;
    }
    return 1;
}

static inline int fuzz_printable(const char *s)
{
    return fuzz_printable_but(s, "");
}

static inline int fuzz_in(int64_t v, int64_t n)
{
    return v >= 0 && v < n;
}

/* One program (a thread group's or a coro's): blocks nest inside it and
 * every reference names something that exists. */
static inline void fuzz_check_prog(const struct scene *s, const struct scene_step *st, int32_t n,
                                   const char *who)
{
    FUZZ_CHECK(n >= 0 && n <= SCENE_MAX_STEPS, "%s: %d steps", who, (int)n);
    for (int32_t i = 0; i < n; i++) {
        const struct scene_step *x = &st[i];
        FUZZ_CHECK(x->dur >= -1 && x->dur <= GV_NS_MAX, "%s step %d: dur %lld", who, (int)i,
                   (long long)x->dur);
        switch (x->op) {
        case OP_REPEAT:
        case OP_MAP:
            FUZZ_CHECK(x->body >= 0 && i + x->body < n, "%s step %d: body %d of %d", who, (int)i,
                       (int)x->body, (int)n);
            FUZZ_CHECK(x->count >= 0 && x->count <= SCENE_MAX_ITEMS, "%s step %d: count %lld", who,
                       (int)i, (long long)x->count);
            if (x->op == OP_MAP)
                FUZZ_CHECK(fuzz_in(x->ref, s->npools), "%s step %d: pool %d", who, (int)i, (int)x->ref);
            break;
        case OP_ACQUIRE:
        case OP_RELEASE:
            FUZZ_CHECK(fuzz_in(x->ref, s->nlocks), "%s step %d: lock %d", who, (int)i, (int)x->ref);
            break;
        case OP_INCR:
        case OP_READ:
        case OP_WRITE:
            FUZZ_CHECK(fuzz_in(x->ref, s->nshared), "%s step %d: shared %d", who, (int)i, (int)x->ref);
            break;
        case OP_START:
        case OP_JOIN:
            FUZZ_CHECK(fuzz_in(x->ref, s->nthreads), "%s step %d: thread %d", who, (int)i, (int)x->ref);
            break;
        case OP_CPU:
        case OP_CCALL:
        case OP_NOGIL:
        case OP_IO:
        case OP_SLEEP:
        case OP_AWAIT_IO:
        case OP_AWAIT_EXECUTOR:
            FUZZ_CHECK(x->ref == -1 || fuzz_in(x->ref, s->nlabels), "%s step %d: label %d", who, (int)i,
                       (int)x->ref);
            break;
        case OP_RUN:
            FUZZ_CHECK(fuzz_in(x->ref, s->nloops), "%s step %d: loop %d", who, (int)i, (int)x->ref);
            break;
        case OP_PUT:
        case OP_GET:
            FUZZ_CHECK(fuzz_in(x->ref, s->nqueues), "%s step %d: queue %d", who, (int)i, (int)x->ref);
            break;
        case OP_AWAIT_FUTURE:
        case OP_SET_RESULT:
            FUZZ_CHECK(fuzz_in(x->ref, s->nfutures), "%s step %d: future %d", who, (int)i, (int)x->ref);
            break;
        case OP_ADD_DONE_CALLBACK:
            FUZZ_CHECK(fuzz_in(x->ref, s->nfutures), "%s step %d: future %d", who, (int)i, (int)x->ref);
            FUZZ_CHECK(fuzz_in(x->ref2, s->ncoros), "%s step %d: callback %d", who, (int)i, (int)x->ref2);
            break;
        case OP_AWAIT_GATHER:
        case OP_CREATE_TASK:
        case OP_CANCEL:
        case OP_CALL_SOON:
        case OP_CALL_LATER:
        case OP_CALL_SOON_THREADSAFE:
            FUZZ_CHECK(fuzz_in(x->ref, s->ncoros), "%s step %d: coro %d", who, (int)i, (int)x->ref);
            break;
        case OP_AWAIT_SLEEP:
            break;
        case OP_SETSWITCHINTERVAL:
            FUZZ_CHECK(x->dur > 0, "%s step %d: switch interval %lld", who, (int)i, (long long)x->dur);
            break;
        default:
            FUZZ_CHECK(0, "%s step %d: unknown op %d", who, (int)i, (int)x->op);
        }
    }
}

/* A scene the parser accepted: what the engine is allowed to assume. */
static inline void fuzz_check_scene(const struct scene *s)
{
    const struct scene_settings *set = &s->set;
    FUZZ_CHECK(set->cores >= 1 && set->cores <= SCENE_MAX_CORES, "cores %d", set->cores);
    FUZZ_CHECK(set->gil == GIL_NEW || set->gil == GIL_OLD || set->gil == GIL_NONE, "gil %d", (int)set->gil);
    FUZZ_CHECK(s->nprocs >= 1 && s->nprocs <= SCENE_MAX_PROCESSES, "%d processes", (int)s->nprocs);
    FUZZ_CHECK(s->nthreads >= 1, "no threads");
    int32_t total = scene_total_threads(s);
    FUZZ_CHECK(total >= 1 && total <= SCENE_MAX_THREADS, "%d threads in all", (int)total);
    FUZZ_CHECK(s->nlocks <= SCENE_MAX_LOCKS && s->nshared <= SCENE_MAX_SHARED, "names");
    FUZZ_CHECK(s->nnotes <= SCENE_MAX_NOTES && s->nloops <= SCENE_MAX_LOOPS, "notes/loops");
    FUZZ_CHECK(s->nqueues <= SCENE_MAX_QUEUES && s->nfutures <= SCENE_MAX_FUTURES, "queues/futures");
    /* strings may hold tabs, and line breaks written \n */
    for (int l = 0; l < SCENE_NLANG; l++)
        FUZZ_CHECK(fuzz_printable_but(scene_text_get(&s->title, l), "\t\n") &&
                       fuzz_printable_but(scene_text_get(&s->description, l), "\t\n"),
                   "title or description");
    for (int32_t i = 0; i < s->nnotes; i++)
        for (int l = 0; l < SCENE_NLANG; l++)
            FUZZ_CHECK(fuzz_printable_but(scene_text_get(&s->notes[i].text, l), "\t\n"), "note %d", (int)i);
    for (int32_t i = 0; i < s->nlabels; i++)
        for (int l = 0; l < SCENE_NLANG; l++)
            FUZZ_CHECK(fuzz_printable_but(scene_label(s, i, l), "\t\n"), "label %d", (int)i);
    for (int32_t i = 0; i < s->nthreads; i++) {
        const struct scene_thread *t = &s->threads[i];
        FUZZ_CHECK(t->name && *t->name, "thread %d has no name", (int)i);
        FUZZ_CHECK(fuzz_in(t->process, s->nprocs), "thread %s: process %d", t->name, (int)t->process);
        FUZZ_CHECK(t->count >= 1, "thread %s: x%d", t->name, (int)t->count);
        fuzz_check_prog(s, t->steps, t->nsteps, t->name);
    }
    for (int32_t i = 0; i < s->ncoros; i++) {
        const struct scene_coro *k = &s->coros[i];
        FUZZ_CHECK(fuzz_in(k->loop, s->nloops), "coro %s: loop %d", k->name, (int)k->loop);
        FUZZ_CHECK(k->count >= 1, "coro %s: x%d", k->name, (int)k->count);
        fuzz_check_prog(s, k->steps, k->nsteps, k->name);
    }
    for (int32_t i = 0; i < s->nfutures; i++)
        FUZZ_CHECK(fuzz_in(s->futures[i].loop, s->nloops), "future %s", s->futures[i].name);
    for (int32_t i = 0; i < s->nloops; i++) {
        int32_t ex = scene_loop_executor(s, i);
        FUZZ_CHECK(ex >= 1 && ex <= SCENE_MAX_EXECUTOR, "loop %d: executor %d", (int)i, (int)ex);
    }
    for (int32_t i = 0; i < s->npools; i++)
        FUZZ_CHECK(s->pools[i].size >= 1, "pool %s: x%d", s->pools[i].name, (int)s->pools[i].size);
    for (int32_t i = 1; i < s->nnotes; i++)
        FUZZ_CHECK(s->notes[i - 1].at <= s->notes[i].at, "notes out of order at %d", (int)i);
}

/* The diagnostics of a failed parse: at least one, each one readable. */
static inline void fuzz_check_diags(const struct scene_diags *d, size_t nlines)
{
    FUZZ_CHECK(d->n >= 1, "a scene was refused without a message");
    for (int32_t i = 0; i < d->n; i++) {
        const struct scene_diag *g = &d->v[i];
        FUZZ_CHECK(g->msg && *g->msg, "diagnostic %d has no text", (int)i);
        FUZZ_CHECK(fuzz_printable(g->msg), "diagnostic %d is not printable: %s", (int)i, g->msg);
        FUZZ_CHECK(g->line <= nlines + 1, "diagnostic %d: line %u of %zu", (int)i, (unsigned)g->line,
                   nlines);
        if (g->source_line)
            FUZZ_CHECK(fuzz_printable(g->source_line), "diagnostic %d: source line is not printable",
                       (int)i);
    }
}

#endif
