/*
 * evq: indexed binary heap ordered by (t, key).  See evq.h.  pos[] follows
 * every move so a slot can be found, moved or removed in O(log n).
 */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

/* a < b in the total order */
static inline int item_less(const struct evq_item *a, const struct evq_item *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static inline void place(struct evq *q, uint32_t i, struct evq_item it)
{
    q->heap[i] = it;
    q->pos[it.slot] = i;
}

/* Move the item at i up until its parent is smaller. */
static void sift_up(struct evq *q, uint32_t i)
{
    struct evq_item it = q->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!item_less(&it, &q->heap[p]))
            break;
        place(q, i, q->heap[p]);
        i = p;
    }
    place(q, i, it);
}

/* Move the item at i down until its children are larger. */
static inline __attribute__((always_inline)) void sift_down(struct evq *q, uint32_t i)
{
    struct evq_item it = q->heap[i];
    uint32_t n = q->n;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && item_less(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!item_less(&q->heap[c], &it))
            break;
        place(q, i, q->heap[c]);
        i = c;
    }
    place(q, i, it);
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
}

void evq_free(struct evq *q)
{
    free(q->heap);
    free(q->pos);
    q->heap = NULL;
    q->pos = NULL;
    q->n = q->nslots = 0;
}

void evq_set(struct evq *q, uint32_t slot, gv_ns t, unsigned prio)
{
    evq_set_stamped(q, slot, t, prio, q->seq++);
}

void evq_set_stamped(struct evq *q, uint32_t slot, gv_ns t, unsigned prio, uint64_t seq)
{
    assert(slot < q->nslots);
    struct evq_item it = { t, ((uint64_t)(prio & 0xff) << 56) | (seq & ((UINT64_C(1) << 56) - 1)), slot };
    uint32_t i = q->pos[slot];
    if (i == EVQ_ABSENT) {
        i = q->n++;
        place(q, i, it);
        sift_up(q, i);
        return;
    }
    /* a later key than before: compare to decide the direction */
    int up = item_less(&it, &q->heap[i]);
    place(q, i, it);
    if (up)
        sift_up(q, i);
    else
        sift_down(q, i);
}

void evq_cancel(struct evq *q, uint32_t slot)
{
    uint32_t i = q->pos[slot];
    if (i == EVQ_ABSENT)
        return;
    q->pos[slot] = EVQ_ABSENT;
    struct evq_item last = q->heap[--q->n];
    if (i == q->n)
        return;
    int up = item_less(&last, &q->heap[i]);
    place(q, i, last);
    if (up)
        sift_up(q, i);
    else
        sift_down(q, i);
}

int evq_pop(struct evq *q, struct evq_item *out)
{
    if (q->n == 0)
        return 0;
    *out = q->heap[0];
    q->pos[out->slot] = EVQ_ABSENT;
    struct evq_item last = q->heap[--q->n];
    if (q->n > 0) {
        place(q, 0, last);
        sift_down(q, 0);
    }
    return 1;
}

