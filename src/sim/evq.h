/*
 * evq: the simulation's timers, an indexed binary min-heap.
 *
 * Every timer the engine can have pending is a numbered slot (a thread's
 * main timer, its GIL timeout, a core's time slice, a caption).  A slot is
 * either absent or queued once; evq_set() inserts it or moves it to a new
 * time, evq_cancel() removes it.  So the heap never holds stale events and
 * stays as small as the number of live timers.
 *
 * Timers are totally ordered by (time, priority, sequence), where the
 * sequence is a counter stamped at every evq_set(): of two timers due at the
 * same time and priority, the one set first fires first.  Nothing depends on
 * pointers or the wall clock, so a run is reproducible byte for byte.
 */
#ifndef GV_EVQ_H
#define GV_EVQ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "../util.h"

#define EVQ_ABSENT UINT32_MAX

struct evq_item {
    gv_ns t;
    uint64_t key;    /* priority (top 8 bits) and sequence (low 56 bits) */
    uint32_t slot;
};

struct evq {
    struct evq_item *heap;
    uint32_t *pos;       /* heap index of each slot, EVQ_ABSENT if not queued */
    uint32_t n, nslots;
    uint64_t seq;
    uint32_t handled;    /* slot of the timer being handled, EVQ_ABSENT if none */
    uint64_t handled_key;
};

/* A queue for slots 0 .. nslots-1, all absent. */
void evq_init(struct evq *q, uint32_t nslots);
void evq_free(struct evq *q);
/* a < b in the order timers fire */
static inline int evq_less(const struct evq_item *a, const struct evq_item *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}
/* Queue `slot` at (t, key), or move it there: evq_set_stamped's general
 * case.  (Scalars rather than a struct evq_item, which would be passed on
 * the stack.) */
void evq_put(struct evq *q, uint32_t slot, gv_ns t, uint64_t key);
/* Take the next sequence stamp without setting anything, for a timer kept
 * elsewhere (a loop's I/O queue) that will be set later in its place. */
static inline uint64_t evq_stamp(struct evq *q) { return q->seq++; }
/* The key a timer of priority `prio` stamped `seq` orders by, after its time. */
static inline uint64_t evq_key(unsigned prio, uint64_t seq)
{
    return ((uint64_t)(prio & 0xff) << 56) | (seq & ((UINT64_C(1) << 56) - 1));
}
/* evq_set with a stamp from evq_stamp(): the timer orders as if it had been
 * set when the stamp was taken. */
static inline void evq_set_stamped(struct evq *q, uint32_t slot, gv_ns t, unsigned prio, uint64_t seq)
{
    assert(slot < q->nslots);
    uint64_t key = evq_key(prio, seq);
    struct evq_item it = { t, key, slot };
    /* The engine's usual set re-arms the timer it is handling, first in the
     * queue; in a queue of a few timers it mostly stays first.  That case is
     * a store here rather than a call. */
    if (q->pos[slot] == 0 && (q->n < 2 || evq_less(&it, &q->heap[1])) && (q->n < 3 || evq_less(&it, &q->heap[2]))) {
        q->heap[0] = it;
        return;
    }
    evq_put(q, slot, t, key);
}
/* Queue `slot` at time t (or move it there if already queued). */
static inline void evq_set(struct evq *q, uint32_t slot, gv_ns t, unsigned prio)
{
    evq_set_stamped(q, slot, t, prio, q->seq++);
}
/* Remove `slot` if queued. */
void evq_cancel(struct evq *q, uint32_t slot);
/* Pop the earliest timer into *out; returns 0 if none is queued. */
int evq_pop(struct evq *q, struct evq_item *out);
/* The earliest timer, left queued; returns 0 if none.  A caller that handles
 * it and then calls evq_retire() lets a handler re-arm the same slot with a
 * single sift instead of a pop and a push. */
static inline int evq_peek(const struct evq *q, struct evq_item *out)
{
    if (q->n == 0)
        return 0;
    *out = q->heap[0];
    return 1;
}
/* The caller handles `it` (from evq_peek) now and calls evq_retire() when
 * done.  Until then a timer set in a slot that is not queued takes the
 * handled one's place if that one is still first and was not set since:
 * a single sift instead of an insertion and, at retire, a removal.  Only
 * evq_queued() of the handled slot can tell. */
static inline void evq_handle(struct evq *q, const struct evq_item *it)
{
    q->handled = it->slot;
    q->handled_key = it->key;
}
/* The slot of the timer being handled (evq_handle), or EVQ_ABSENT. */
static inline uint32_t evq_handled(const struct evq *q) { return q->handled; }
/* Remove `it` (from evq_peek) unless its slot was set or cancelled since;
 * the end of its handling if it was handled. */
static inline void evq_retire(struct evq *q, const struct evq_item *it)
{
    q->handled = EVQ_ABSENT;
    uint32_t i = q->pos[it->slot];
    if (i != EVQ_ABSENT && q->heap[i].key == it->key)
        evq_cancel(q, it->slot);
}
static inline uint32_t evq_len(const struct evq *q) { return q->n; }
static inline int evq_queued(const struct evq *q, uint32_t slot) { return q->pos[slot] != EVQ_ABSENT; }

#endif
