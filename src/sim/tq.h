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
    struct tq_ent *v; /* ring; cap is a power of two */
    size_t head, n, cap;
};

struct tq {
    struct tq_run run[TQ_RUNS];
    struct tq_ent *heap;
    size_t nheap, capheap;
    size_t n;         /* timers in all */
    int min;          /* where the earliest is: a run index, TQ_RUNS for the heap, -1 if empty */
    unsigned live;    /* bit i: run i is not empty */
    int last;         /* the run the last push went to */
};

void tq_init(struct tq *q);
void tq_free(struct tq *q);
/* A timer due at `when`, set `delay` before it (when - delay must not go
 * back from push to push for the fast path to apply; anything else is still
 * ordered correctly). */
void tq_push(struct tq *q, gv_ns when, gv_ns delay, uint64_t seq, uint32_t a, uint32_t b);
/* The earliest timer, or NULL. */
static inline const struct tq_ent *tq_peek(const struct tq *q)
{
    if (q->min < 0)
        return NULL;
    if (q->min == TQ_RUNS)
        return &q->heap[0];
    const struct tq_run *r = &q->run[q->min];
    return &r->v[r->head];
}
/* Remove the earliest timer into *out; returns 0 if there is none. */
int tq_pop(struct tq *q, struct tq_ent *out);
static inline size_t tq_len(const struct tq *q) { return q->n; }

#endif
