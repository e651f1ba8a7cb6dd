/*
 * tq: runs of equal delay plus a heap.  See tq.h.
 */
#include "tq.h"

#include <stdlib.h>
#include <string.h>

static inline int ent_less(const struct tq_ent *x, const struct tq_ent *y)
{
    return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

void tq_init(struct tq *q)
{
    memset(q, 0, sizeof *q);
    q->min = -1;
    q->last = &q->run[0];
    q->resv = 64;
}

void tq_reserve(struct tq *q, size_t n)
{
    q->resv = n > 64 ? n : 64;
}

void tq_free(struct tq *q)
{
    for (int i = 0; i < TQ_RUNS; i++)
        free(q->run[i].v);
    free(q->heap);
    tq_init(q);
}

static void heap_push(struct tq *q, struct tq_ent it)
{
    if (q->nheap == q->capheap)
        q->heap = gv_grow(q->heap, &q->capheap, q->nheap + 1, sizeof *q->heap);
    size_t i = q->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ent_less(&it, &q->heap[p]))
            break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = it;
}

static void heap_pop(struct tq *q)
{
    struct tq_ent last = q->heap[--q->nheap];
    size_t i = 0, n = q->nheap;
    if (n == 0)
        return;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ent_less(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!ent_less(&q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    q->heap[i] = last;
}

/* Append to run i, empty or not; it takes the timer in order. */
static void run_append(struct tq *q, int i, struct tq_ent it)
{
    struct tq_run *r = &q->run[i];
    if (!(q->live >> i & 1u)) { /* empty: start at the ring's first entry */
        if (r->cap == 0) {
            r->v = gv_malloc(q->resv * sizeof *r->v);
            r->cap = 64;
        }
        r->head = 0;
        r->tail = &r->v[r->cap - 1]; /* as if its last entry were the newest */
        r->room = r->cap;
    } else if (r->room == 0) { /* full */
        size_t n = r->cap;
        r->v = gv_ring_grow_in(r->v, &r->cap, r->head, sizeof *r->v, q->resv);
        r->tail = &r->v[(r->head + n - 1) & (r->cap - 1)];
        r->room = r->cap - n;
    }
    r->end = r->v + r->cap;
    struct tq_ent *t = r->tail + 1;
    if (t == r->end)
        t = r->v;
    *t = it;
    r->tail = t;
    r->room--;
}

/* The run that takes a timer of this delay in order, or -1. */
static int run_for(struct tq *q, const struct tq_ent *it, gv_ns delay)
{
    int empty = -1;
    for (int i = 0; i < TQ_RUNS; i++) {
        struct tq_run *r = &q->run[i];
        if (!(q->live >> i & 1u)) {
            if (empty < 0)
                empty = i;
            continue;
        }
        if (r->delay == delay)
            return tq_after(r->tail, it->when, it->seq) ? i : -1;
    }
    if (empty >= 0)
        q->run[empty].delay = delay;
    return empty;
}

/* Point `top` at the earliest timer, which is in run or heap `min`. */
static inline void set_top(struct tq *q)
{
    if (q->min < 0)
        q->top = NULL;
    else if (q->min == TQ_RUNS)
        q->top = &q->heap[0];
    else
        q->top = &q->run[q->min].v[q->run[q->min].head];
}

int tq_push_any(struct tq *q, gv_ns when, gv_ns delay, uint64_t seq, uint32_t a, uint32_t b)
{
    struct tq_ent it = { when, seq, a, b };
    int earliest = q->n == 0 || ent_less(&it, q->top); /* before a ring or the heap moves */
    int r = (int)(q->last - q->run);
    struct tq_run *R = q->last;
    if (!(q->live >> r & 1u) || R->delay != delay || !tq_after(R->tail, when, seq))
        r = run_for(q, &it, delay);
    if (r >= 0) {
        run_append(q, r, it);
        q->live |= 1u << r;
        q->last = &q->run[r];
    } else {
        heap_push(q, it);
    }
    q->n++;
    if (earliest)
        q->min = r >= 0 ? r : TQ_RUNS;
    set_top(q); /* the new one, or the old one where it is now (a ring or the heap may have moved) */
    return earliest;
}

int tq_pop_any(struct tq *q, struct tq_ent *out)
{
    if (q->min < 0)
        return 0;
    *out = *q->top;
    if (q->min == TQ_RUNS) {
        heap_pop(q);
    } else {
        struct tq_run *r = &q->run[q->min];
        r->head = (r->head + 1) & (r->cap - 1);
        if (++r->room == r->cap) {
            r->room = 0;
            q->live &= ~(1u << q->min);
        }
    }
    q->n--;
    /* find the new earliest: at most TQ_RUNS heads and the heap's top */
    const struct tq_ent *best = q->nheap ? &q->heap[0] : NULL;
    q->min = best ? TQ_RUNS : -1;
    for (unsigned m = q->live; m; m &= m - 1) {
        int i = __builtin_ctz(m);
        const struct tq_run *r = &q->run[i];
        if (!best || ent_less(&r->v[r->head], best)) {
            best = &r->v[r->head];
            q->min = i;
        }
    }
    q->top = best;
    return 1;
}
