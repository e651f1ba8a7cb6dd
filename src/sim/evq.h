/*
 * evq: the simulation's event queue, a binary min-heap.
 *
 * Events are totally ordered by (time, priority, sequence): the sequence is a
 * counter the queue assigns at push, so two events at the same time and
 * priority pop in the order they were pushed.  Nothing depends on pointers or
 * on the wall clock, which is what makes a run reproducible byte for byte.
 */
#ifndef GV_EVQ_H
#define GV_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "../util.h"

struct evq_item {
    gv_ns t;
    uint64_t key;    /* priority (top 8 bits) and push sequence (low 56 bits) */
    uint32_t what;   /* event type (low 8 bits) and target (high 24 bits) */
    uint32_t gen;    /* generation of the target when pushed (stale events are skipped) */
};

struct evq {
    struct evq_item *heap;
    size_t n, cap;
    uint64_t seq;
};

void evq_init(struct evq *q);
void evq_free(struct evq *q);
void evq_push(struct evq *q, gv_ns t, unsigned prio, uint32_t what, uint32_t gen);
/* Pop the smallest item into *out; returns 0 if the queue was empty. */
int evq_pop(struct evq *q, struct evq_item *out);
static inline size_t evq_len(const struct evq *q) { return q->n; }

#endif
