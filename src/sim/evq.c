/*
 * evq: indexed binary heap ordered by (t, key).  See evq.h.  pos[] follows
 * every move so a slot can be found, moved or removed in O(log n).
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

static inline void place(struct evq *q, uint32_t i, struct evq_item it)
{
    q->heap[i] = it;
    q->pos[it.slot] = i;
}

/* Fill the hole at i with `it`, moving larger parents down into it.  The
 * sifts take the item by value and store each entry once: writing `it` first
 * and reading it back costs a store and three loads per call. */
static inline void sift_up(struct evq *q, uint32_t i, struct evq_item it)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!evq_less(&it, &q->heap[p]))
            break;
        place(q, i, q->heap[p]);
        i = p;
    }
    place(q, i, it);
}

/* Fill the hole at i with `it`, moving smaller children up into it. */
static inline void sift_down(struct evq *q, uint32_t i, struct evq_item it)
{
    uint32_t n = q->n;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && evq_less(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!evq_less(&q->heap[c], &it))
            break;
        place(q, i, q->heap[c]);
        i = c;
    }
    place(q, i, it);
}

/* Fill the hole at i with `it`, which may belong above i or below it.  Only
 * the parent tells which: the rest of the heap is in order.  At the root,
 * where the engine re-arms the timer it is handling, no compare is needed. */
static inline void fill(struct evq *q, uint32_t i, struct evq_item it)
{
    if (i > 0 && evq_less(&it, &q->heap[(i - 1) / 2]))
        sift_up(q, i, it);
    else
        sift_down(q, i, it);
}

void evq_init(struct evq *q, uint32_t nslots)
{
    q->heap = gv_malloc((size_t)(nslots ? nslots : 1) * sizeof *q->heap);
    q->pos = gv_malloc((size_t)(nslots ? nslots : 1) * sizeof *q->pos);
    for (uint32_t i = 0; i < nslots; i++)
        q->pos[i] = EVQ_ABSENT;
    q->n = 0;
    q->nslots = nslots;
    q->seq = 0;
    q->handled = EVQ_ABSENT;
}

void evq_free(struct evq *q)
{
    free(q->heap);
    free(q->pos);
    q->heap = NULL;
    q->pos = NULL;
    q->n = q->nslots = 0;
}

void evq_put(struct evq *q, uint32_t slot, gv_ns t, uint64_t key)
{
    struct evq_item it = { t, key, slot };
    uint32_t i = q->pos[slot];
    uint32_t h = q->handled;
    if (i != EVQ_ABSENT) {
        fill(q, i, it);
    } else if (h != EVQ_ABSENT && q->pos[h] == 0 && q->heap[0].key == q->handled_key) {
        /* the handled timer, first and not set since, is due to be retired:
         * `it` takes its place (see evq_handle) */
        q->pos[h] = EVQ_ABSENT;
        sift_down(q, 0, it);
    } else {
        sift_up(q, q->n++, it);
    }
}

void evq_cancel(struct evq *q, uint32_t slot)
{
    uint32_t i = q->pos[slot];
    if (i == EVQ_ABSENT)
        return;
    q->pos[slot] = EVQ_ABSENT;
    struct evq_item last = q->heap[--q->n];
    if (i != q->n)
        fill(q, i, last);
}

int evq_pop(struct evq *q, struct evq_item *out)
{
    if (q->n == 0)
        return 0;
    *out = q->heap[0];
    q->pos[out->slot] = EVQ_ABSENT;
    struct evq_item last = q->heap[--q->n];
    if (q->n > 0)
        sift_down(q, 0, last);
    return 1;
}

