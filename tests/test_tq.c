/*
 * test_tq: the loop's timer queue pops in exactly (when, seq) order, whether
 * a timer went to a run of equal delays or to the heap, and whether it is
 * popped, read in place and removed (tq_pop_top), or dropped with others of
 * the sole run (tq_drop).  Each case replays a random schedule against a
 * plain sorted reference, as does tq_push's answer: is the new timer the
 * earliest?
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/rng.h"
#include "sim/tq.h"

struct ref {
    struct tq_ent *v;
    size_t n, cap;
};

static void ref_push(struct ref *r, struct tq_ent it)
{
    r->v = gv_grow(r->v, &r->cap, r->n + 1, sizeof *r->v);
    r->v[r->n++] = it;
}

/* Remove and return the (when, seq)-smallest entry. */
static struct tq_ent ref_pop(struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->v[i].when < r->v[best].when || (r->v[i].when == r->v[best].when && r->v[i].seq < r->v[best].seq))
            best = i;
    struct tq_ent it = r->v[best];
    r->v[best] = r->v[--r->n];
    return it;
}

/* The seq of the (when, seq)-smallest entry, left in place. */
static uint64_t ref_min_seq(const struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->v[i].when < r->v[best].when || (r->v[i].when == r->v[best].when && r->v[i].seq < r->v[best].seq))
            best = i;
    return r->v[best].seq;
}

/* `ndelays` distinct delays (more than TQ_RUNS forces the heap); `now`
 * moves forward as timers pop; with `backwards`, now sometimes steps back
 * so runs meet out-of-order timers. */
static void replay_in(uint64_t seed, int ndelays, int steps, int backwards, size_t resv)
{
    struct tq q;
    struct ref r = { 0 };
    struct rng g;
    tq_init(&q);
    if (resv)
        tq_reserve(&q, resv);
    rng_seed(&g, seed);
    gv_ns now = 0;
    uint64_t seq = 0;
    for (int i = 0; i < steps; i++) {
        if (rng_below(&g, 3) > 0 || q.n == 0) {
            gv_ns delay = (gv_ns)(1 + rng_below(&g, (uint64_t)ndelays)) * 1000;
            gv_ns at = now;
            if (backwards && rng_below(&g, 8) == 0 && at > 5000)
                at -= 5000;
            uint32_t a = (uint32_t)i;
            int earliest = tq_push(&q, at + delay, delay, seq, a, a ^ 0x5a5a5a5au);
            ref_push(&r, (struct tq_ent){ at + delay, seq, a, a ^ 0x5a5a5a5au });
            assert_int_equal(earliest, ref_min_seq(&r) == seq); /* tq_push says if it is the earliest now */
            seq++;
        } else if (rng_below(&g, 3) == 0 && tq_sole_run(&q)) {
            /* the first few timers of the sole run, read in place, then
             * dropped at once: what as many pops give */
            struct tq_run *run = tq_sole_run(&q);
            size_t k = 1 + rng_below(&g, tq_run_len(run) < 5 ? (uint32_t)tq_run_len(run) : 5);
            for (size_t j = 0; j < k; j++) {
                const struct tq_ent *x = &run->v[(run->head + j) & (run->cap - 1)];
                struct tq_ent want = ref_pop(&r);
                assert_int_equal(x->seq, want.seq);
                assert_int_equal(x->a, want.a);
                now = x->when;
            }
            tq_drop(&q, run, k);
        } else {
            struct tq_ent got, want = ref_pop(&r);
            assert_non_null(tq_peek(&q));
            assert_int_equal(tq_peek(&q)->seq, want.seq);
            if (rng_below(&g, 2) == 0) { /* read in place, then removed */
                got = *tq_peek(&q);
                tq_pop_top(&q);
            } else {
                assert_int_equal(tq_pop(&q, &got), 1);
            }
            assert_int_equal(got.when, want.when);
            assert_int_equal(got.seq, want.seq);
            assert_int_equal(got.a, want.a);
            assert_int_equal(got.b, want.b);
            now = got.when;
        }
        if (q.n > 0)
            assert_int_equal(tq_peek(&q)->seq, ref_min_seq(&r));
        assert_int_equal(tq_len(&q), r.n);
    }
    while (r.n > 0) {
        struct tq_ent got, want = ref_pop(&r);
        assert_int_equal(tq_pop(&q, &got), 1);
        assert_int_equal(got.seq, want.seq);
    }
    struct tq_ent none;
    assert_null(tq_peek(&q));
    assert_int_equal(tq_pop(&q, &none), 0);
    tq_free(&q);
    free(r.v);
}

static void replay(uint64_t seed, int ndelays, int steps, int backwards)
{
    replay_in(seed, ndelays, steps, backwards, 0);
}

static void test_one_delay(void **st)
{
    (void)st;
    replay(1, 1, 20000, 0);
}

static void test_few_delays_use_runs(void **st)
{
    (void)st;
    for (uint64_t s = 1; s <= 5; s++)
        replay(s, TQ_RUNS, 5000, 0);
}

static void test_many_delays_spill_to_heap(void **st)
{
    (void)st;
    for (uint64_t s = 1; s <= 5; s++)
        replay(s, 40, 5000, 0);
}

static void test_out_of_order_pushes(void **st)
{
    (void)st;
    for (uint64_t s = 1; s <= 5; s++)
        replay(s, 3, 5000, 1);
}

/* With tq_reserve the same order, the rings growing in place: the one
 * run's ring never moves while it holds no more than the reserve (each
 * doubling copies its wrapped part after the old end), and moves once it
 * holds more. */
static void test_reserved_rings(void **st)
{
    (void)st;
    replay_in(1, 1, 20000, 0, 256);
    for (uint64_t s = 1; s <= 5; s++) {
        replay_in(s, TQ_RUNS, 5000, 0, 128);
        replay_in(s, 3, 5000, 1, 1024);
    }
    struct tq q;
    tq_init(&q);
    tq_reserve(&q, 1024);
    uint64_t seq = 0, next = 0;
    struct tq_ent x;
    tq_push(&q, 100, 100, seq++, 0, 0);
    const struct tq_ent *v = q.run[0].v;
    gv_ns now = 1;
    for (; q.n + 3 <= 1024; now++) {
        /* three in, one out: the ring is full with its head past its start
         * at each doubling */
        for (int i = 0; i < 3; i++)
            tq_push(&q, now + 100, 100, seq++, 0, 0);
        assert_int_equal(tq_pop(&q, &x), 1);
        assert_int_equal(x.seq, next++);
        assert_ptr_equal(q.run[0].v, v);
    }
    while (q.n < 1024)
        tq_push(&q, now + 100, 100, seq++, 0, 0);
    assert_ptr_equal(q.run[0].v, v);
    assert_int_equal(q.run[0].cap, 1024);
    tq_push(&q, now + 100, 100, seq++, 0, 0); /* past the reserve: gv_ring_grow */
    assert_int_equal(q.run[0].cap, 2048);
    while (tq_pop(&q, &x))
        assert_int_equal(x.seq, next++);
    assert_int_equal(next, seq);
    tq_free(&q);
}

/* Timers due at the same instant pop in the order they were pushed. */
static void test_ties_by_seq(void **st)
{
    (void)st;
    struct tq q;
    tq_init(&q);
    tq_push(&q, 100, 100, 7, 1, 0);  /* a run of delay 100 */
    tq_push(&q, 100, 50, 8, 2, 0);   /* another run */
    tq_push(&q, 100, 100, 9, 3, 0);  /* ties, later seq */
    tq_push(&q, 100, 77, 6, 4, 0);   /* an earlier seq pushed late */
    struct tq_ent x;
    uint32_t order[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tq_pop(&q, &x), 1);
        order[i] = x.a;
    }
    assert_int_equal(order[0], 4);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 2);
    assert_int_equal(order[3], 3);
    tq_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_delay),
        cmocka_unit_test(test_few_delays_use_runs),
        cmocka_unit_test(test_reserved_rings),
        cmocka_unit_test(test_many_delays_spill_to_heap),
        cmocka_unit_test(test_out_of_order_pushes),
        cmocka_unit_test(test_ties_by_seq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
