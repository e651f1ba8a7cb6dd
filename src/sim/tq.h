/*
 * tq: a timer queue for the many timers of an event loop.
 *
 * A loop with 100,000 tasks has up to 100,000 pending timers (their sleeps,
 * their I/O).  Kept in one binary heap, every push and pop walks about 17
 * levels of an array far bigger than the cache.  But such timers come in
 * runs: a timer set at `now` for a delay d is due at now + d, and `now` never
 * goes back, so all the timers of one delay are due in the order they were
 * set.  tq keeps one FIFO per delay (up to TQ_RUNS delays at a time) and a
 * binary heap for the rest; the earliest timer is the earliest of the runs'
 * heads and the heap's top.  Push and pop are O(1) for timers that fit a run.
 *
 * The order is total and the same as a single heap's: by (when, seq), where
 * seq is the caller's stamp, increasing from push to push.
 */
#ifndef GV_TQ_H
#define GV_TQ_H

#include <stddef.h>
#include <stdint.h>

#include "../util.h"

#define TQ_RUNS 8

struct tq_ent {
    gv_ns when;
    uint64_t seq;
    uint32_t a, b; /* the caller's payload */
};

struct tq_run {
    gv_ns delay;
    struct tq_ent *tail; /* the newest timer (while the run is not empty): a push after it fits */
    size_t room;         /* free entries of the ring; 0 while the run is empty as well as when it is
                            full, so that tq_push's one test turns both away */
    struct tq_ent *end;  /* v + cap */
    struct tq_ent *v;    /* ring; cap is a power of two */
    size_t head, cap;
};

/* A queue points into itself (`last`): it must not move after tq_init. */
struct tq {
    struct tq_run run[TQ_RUNS];
    struct tq_ent *heap;
    size_t nheap, capheap;
    size_t n;         /* timers in all */
    const struct tq_ent *top; /* the earliest, or NULL (derivable from min, kept: 35
                                 instructions an event on the 100k-task bench) */
    int min;          /* where it is: a run index, TQ_RUNS for the heap, -1 if empty */
    unsigned live;    /* bit i: run i is not empty */
    struct tq_run *last; /* the run the last push went to */
    size_t resv;      /* a run's ring is allocated for this many timers (gv_ring_grow_in) */
};

void tq_init(struct tq *q);
/* Allocate each run's ring, when it is first used, for n timers (a power of
 * two, 64 at least; 64 without this) in virtual memory, so that it grows in
 * place up to that many.  Before the first push. */
void tq_reserve(struct tq *q, size_t n);
void tq_free(struct tq *q);
/* The earliest timer, or NULL. */
static inline const struct tq_ent *tq_peek(const struct tq *q)
{
    return q->top;
}

/* The general cases of tq_push and tq_pop below. */
int tq_push_any(struct tq *q, gv_ns when, gv_ns delay, uint64_t seq, uint32_t a, uint32_t b);
int tq_pop_any(struct tq *q, struct tq_ent *out);

/* Does a timer at (when, seq) come after x? */
static inline int tq_after(const struct tq_ent *x, gv_ns when, uint64_t seq)
{
    return x->when < when || (x->when == when && x->seq < seq);
}

/* The timers of run r, which is not empty. */
static inline size_t tq_run_len(const struct tq_run *r)
{
    return r->cap - r->room;
}

/* A timer due at `when`, set `delay` before it (when - delay must not go
 * back from push to push for the O(1) path to apply; anything else is still
 * ordered correctly).  Returns whether it is now the earliest timer.
 * Inline: the common push, to the run of the last push, which is not empty
 * and has room (r->room > 0 says both); the earliest timer does not change
 * then (it is at or before that run's head). */
static inline int tq_push(struct tq *q, gv_ns when, gv_ns delay, uint64_t seq, uint32_t a, uint32_t b)
{
    struct tq_run *r = q->last;
    struct tq_ent *t = r->tail;
    if (r->room == 0 || r->delay != delay || !tq_after(t, when, seq))
        return tq_push_any(q, when, delay, seq, a, b);
    if (++t == r->end)
        t = r->v;
    *t = (struct tq_ent){ when, seq, a, b };
    r->tail = t;
    r->room--;
    q->n++;
    return 0;
}

/* Run r, the earliest's, lost its first n timers (n > 0): if it is empty
 * now, so is q (callers have seen r is q's sole run). */
static inline void tq_run_shrunk(struct tq *q, struct tq_run *r, size_t n)
{
    q->n -= n;
    r->room += n;
    if (r->room == r->cap) {
        r->room = 0;
        q->live = 0;
        q->min = -1;
        q->top = NULL;
    } else {
        q->top = &r->v[r->head];
    }
}

/* Remove the earliest timer into *out; returns 0 if there is none.
 * Inline: the common pop, from the only run that has timers. */
static inline int tq_pop(struct tq *q, struct tq_ent *out)
{
    int m = q->min;
    if (m < 0 || m == TQ_RUNS || q->live != 1u << m || q->nheap != 0)
        return tq_pop_any(q, out);
    struct tq_run *r = &q->run[m];
    *out = r->v[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    tq_run_shrunk(q, r, 1);
    return 1;
}
static inline size_t tq_len(const struct tq *q) { return q->n; }

/* The run that holds every timer of q, or NULL (q is empty, or timers are
 * elsewhere too).  Its timers are then q's in order, the earliest first: a
 * caller may read the first ones (tq_run_len) in place, r->v[(r->head + i)
 * & (r->cap - 1)], and remove them with tq_drop (tq_pop's common case, for
 * many). */
static inline struct tq_run *tq_sole_run(struct tq *q)
{
    int m = q->min;
    if (m < 0 || m == TQ_RUNS || q->live != 1u << m || q->nheap != 0)
        return NULL;
    return &q->run[m];
}

/* Remove the first n timers (0 < n <= tq_run_len) of q's sole run r
 * (tq_sole_run): the state n calls of tq_pop would leave. */
static inline void tq_drop(struct tq *q, struct tq_run *r, size_t n)
{
    r->head = (r->head + n) & (r->cap - 1);
    tq_run_shrunk(q, r, n);
}

/* Remove the earliest timer, read in place beforehand (tq_peek): tq_pop
 * without the copy. */
static inline void tq_pop_top(struct tq *q)
{
    struct tq_run *r = tq_sole_run(q);
    if (r) {
        tq_drop(q, r, 1);
    } else {
        struct tq_ent x;
        tq_pop_any(q, &x);
    }
}

#endif
