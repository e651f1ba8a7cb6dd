/*
 * evq: binary heap ordered by (t, key).  See evq.h.
 */
#include "evq.h"

#include <stdlib.h>

/* a < b in the total order */
static inline int item_less(const struct evq_item *a, const struct evq_item *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

void evq_init(struct evq *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->seq = 0;
}

void evq_free(struct evq *q)
{
    free(q->heap);
    evq_init(q);
}

void evq_push(struct evq *q, gv_ns t, unsigned prio, uint32_t what, uint32_t gen)
{
    q->heap = gv_grow(q->heap, &q->cap, q->n + 1, sizeof *q->heap);
    struct evq_item it = { t, ((uint64_t)(prio & 0xff) << 56) | (q->seq++ & ((UINT64_C(1) << 56) - 1)),
                           what, gen };
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!item_less(&it, &q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = it;
}

int evq_pop(struct evq *q, struct evq_item *out)
{
    if (q->n == 0)
        return 0;
    *out = q->heap[0];
    struct evq_item last = q->heap[--q->n];
    size_t i = 0, n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && item_less(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!item_less(&q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (n > 0)
        q->heap[i] = last;
    return 1;
}
