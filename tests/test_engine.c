/*
 * test_engine: the event queue, the OS scheduler, the three GIL models,
 * locks, shared variables, start/join, determinism and seek on real runs.
 * Each test states a rule of the model and checks it on a small scene.
 */
#include "sim_helpers.h"

#include "sim/evq.h"
#include "sim/rng.h"

#define MS GV_NS_PER_MS
#define US GV_NS_PER_US

/* ---- event queue ---------------------------------------------------------- */

static void evq_orders_by_time_priority_sequence(void **state)
{
    (void)state;
    struct evq q;
    evq_init(&q, 8);
    evq_set(&q, 1, 50, 2);
    evq_set(&q, 2, 10, 2);
    evq_set(&q, 3, 10, 1);
    evq_set(&q, 4, 10, 2);
    evq_set(&q, 5, 5, 9);
    uint32_t want[] = { 5, 3, 2, 4, 1 };
    struct evq_item it;
    for (int i = 0; i < 5; i++) {
        assert_true(evq_pop(&q, &it));
        assert_int_equal(it.slot, want[i]);
        assert_false(evq_queued(&q, it.slot));
    }
    assert_false(evq_pop(&q, &it));
    evq_free(&q);
}

static void evq_moves_and_cancels_slots(void **state)
{
    (void)state;
    struct evq q;
    struct evq_item it = { 0, 0, 0 };
    evq_init(&q, 4);
    evq_set(&q, 0, 100, 2);
    evq_set(&q, 1, 200, 2);
    evq_set(&q, 2, 300, 2);
    evq_set(&q, 2, 50, 2);  /* earlier */
    evq_set(&q, 0, 400, 2); /* later */
    evq_cancel(&q, 1);
    evq_cancel(&q, 1);      /* twice is harmless */
    assert_int_equal(evq_len(&q), 2);
    assert_true(evq_pop(&q, &it));
    assert_int_equal(it.slot, 2);
    assert_int_equal(it.t, 50);
    assert_true(evq_pop(&q, &it));
    assert_int_equal(it.slot, 0);
    assert_int_equal(it.t, 400);
    assert_false(evq_pop(&q, &it));
    evq_free(&q);
}

/* Random sets, moves and cancels agree with a naive model of the queue. */
static void evq_random_operations_match_a_naive_model(void **state)
{
    (void)state;
    enum { N = 300 };
    struct evq q;
    struct rng r;
    gv_ns when[N];
    uint64_t order[N]; /* sequence of the last set, for ties */
    uint64_t seq = 0;
    evq_init(&q, N);
    rng_seed(&r, 42);
    for (int i = 0; i < N; i++)
        when[i] = -1;
    for (int step = 0; step < 50000; step++) {
        uint32_t slot = rng_below(&r, N);
        uint32_t op = rng_below(&r, 10);
        if (op < 6) {
            when[slot] = (gv_ns)rng_below(&r, 1000);
            order[slot] = seq++;
            evq_set(&q, slot, when[slot], 2);
        } else if (op < 8) {
            evq_cancel(&q, slot);
            when[slot] = -1;
        } else {
            int best = -1;
            for (int i = 0; i < N; i++)
                if (when[i] >= 0 && (best < 0 || when[i] < when[best] ||
                                     (when[i] == when[best] && order[i] < order[best])))
                    best = i;
            struct evq_item it;
            if (best < 0) {
                assert_false(evq_pop(&q, &it));
                continue;
            }
            assert_true(evq_pop(&q, &it));
            assert_int_equal(it.slot, best);
            assert_int_equal(it.t, when[best]);
            when[best] = -1;
        }
    }
    evq_free(&q);
}

/* The engine's protocol -- peek, evq_handle, sets and cancels by the
 * handler, evq_retire -- agrees with a naive model: the handled timer goes
 * unless the handler set it again, whatever else it sets or cancels (a set
 * of another slot may take the handled one's place in the heap). */
static void evq_handling_matches_a_naive_model(void **state)
{
    (void)state;
    enum { N = 40 };
    struct evq q;
    struct rng r;
    gv_ns when[N];
    uint64_t order[N];
    uint64_t seq = 0;
    gv_ns now = 0;
    evq_init(&q, N);
    rng_seed(&r, 7);
    for (int i = 0; i < N; i++)
        when[i] = -1;
    for (int round = 0; round < 20000; round++) {
        int best = -1;
        for (int i = 0; i < N; i++)
            if (when[i] >= 0 && (best < 0 || when[i] < when[best] ||
                                 (when[i] == when[best] && order[i] < order[best])))
                best = i;
        struct evq_item it = { 0, 0, 0 };
        if (best < 0) {
            assert_false(evq_peek(&q, &it));
            uint32_t slot = rng_below(&r, N); /* refill */
            when[slot] = now + (gv_ns)rng_below(&r, 50);
            order[slot] = seq++;
            evq_set(&q, slot, when[slot], 2);
            continue;
        }
        assert_true(evq_peek(&q, &it));
        assert_int_equal(it.slot, best);
        assert_int_equal(it.t, when[best]);
        now = it.t;
        evq_handle(&q, &it);
        assert_int_equal(evq_handled(&q), best);
        bool kept = false; /* the handled slot was set again */
        for (uint32_t k = rng_below(&r, 4); k > 0; k--) {
            uint32_t slot = rng_below(&r, 3) == 0 ? (uint32_t)best : rng_below(&r, N);
            if (rng_below(&r, 4) == 0) {
                evq_cancel(&q, slot);
                when[slot] = -1;
                kept = slot == (uint32_t)best ? false : kept;
            } else {
                when[slot] = now + (gv_ns)rng_below(&r, 50);
                order[slot] = seq++;
                evq_set(&q, slot, when[slot], 2);
                kept = slot == (uint32_t)best ? true : kept;
            }
        }
        evq_retire(&q, &it);
        assert_int_equal(evq_handled(&q), EVQ_ABSENT);
        if (!kept)
            when[best] = -1;
        uint32_t n = 0;
        for (int i = 0; i < N; i++) {
            n += when[i] >= 0;
            assert_int_equal(evq_queued(&q, (uint32_t)i), when[i] >= 0);
        }
        assert_int_equal(evq_len(&q), n);
    }
    evq_free(&q);
}

static void rng_is_reproducible_and_bounded(void **state)
{
    (void)state;
    struct rng a, b;
    rng_seed(&a, 7);
    rng_seed(&b, 7);
    int seen[5] = { 0 };
    for (int i = 0; i < 1000; i++) {
        uint32_t x = rng_below(&a, 5);
        assert_int_equal(x, rng_below(&b, 5));
        assert_true(x < 5);
        seen[x]++;
    }
    for (int i = 0; i < 5; i++)
        assert_true(seen[i] > 120); /* roughly uniform */
    rng_seed(&b, 8);
    rng_seed(&a, 7);
    assert_true(rng_next(&a) != rng_next(&b));
}

/* rng_skip(n) leaves the state that n draws leave (0, 1 and more), so the
 * draws after it are the same. */
static void rng_skip_is_as_many_draws(void **state)
{
    (void)state;
    for (uint64_t n = 0; n < 70; n += 1 + n / 4) {
        struct rng a, b;
        rng_seed(&a, 11);
        rng_seed(&b, 11);
        for (uint64_t i = 0; i < n; i++)
            (void)rng_next(&a);
        rng_skip(&b, n);
        for (int i = 0; i < 4; i++)
            assert_true(a.s[i] == b.s[i]);
        assert_true(rng_next(&a) == rng_next(&b));
    }
}

static int cmp_ns(const void *a, const void *b)
{
    gv_ns x = *(const gv_ns *)a, y = *(const gv_ns *)b;
    return (x > y) - (x < y);
}

/* gv_select finds the same k-th value as a sort, on random, sorted,
 * reversed and constant arrays. */
static void select_agrees_with_sorting(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 9);
    for (int round = 0; round < 400; round++) {
        size_t n = 1 + rng_below(&r, 300);
        gv_ns *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
        for (size_t i = 0; i < n; i++) {
            switch (round % 4) {
            case 0: v[i] = (gv_ns)rng_below(&r, 50); break;
            case 1: v[i] = (gv_ns)i; break;
            case 2: v[i] = (gv_ns)(n - i); break;
            default: v[i] = 7; break;
            }
        }
        memcpy(w, v, n * sizeof *v);
        qsort(w, n, sizeof *w, cmp_ns);
        size_t k = rng_below(&r, (uint32_t)n);
        assert_int_equal(gv_select(v, n, k), w[k]);
        for (size_t i = 0; i < k; i++)
            assert_true(v[i] <= v[k]);
        for (size_t i = k + 1; i < n; i++)
            assert_true(v[i] >= v[k]);
        free(v);
        free(w);
    }
}

/* The figures of s agree with those of w[0..n) (its values, clamped) by
 * sorting: the count, max, mean (of their sum, exact), and the ranks (all
 * of them if there are few). */
static void samples_check(struct gv_samples *s, const gv_ns *w, size_t n, __int128 sum, struct rng *r)
{
    gv_ns *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, w, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_ns);
    assert_int_equal(gv_samples_count(s), n);
    assert_int_equal(gv_samples_max(s), sorted[n - 1]);
    assert_int_equal(gv_samples_mean(s), (gv_ns)(sum / (__int128)n));
    if (n <= 500) {
        for (size_t k = 0; k < n; k++)
            assert_int_equal(gv_samples_rank(s, k), sorted[k]);
    } else {
        size_t ks[] = { 0, n - 1, (n - 1) / 2, n * 99 / 100, rng_below(r, (uint32_t)n) };
        for (size_t j = 0; j < sizeof ks / sizeof *ks; j++)
            assert_int_equal(gv_samples_rank(s, ks[j]), sorted[ks[j]]);
    }
    free(sorted);
}

/* gv_samples gives the count, mean, max and every rank a sort gives,
 * whatever the spread: small integers, equal values, wide and heavy-tailed
 * ranges, values on bucket edges, near INT64_MAX and around the powers of
 * two past 2^24, where a value's bucket comes from a rounded float
 * (negative ones count as 0).  The figures are read at the end, and in some
 * rounds also part way, before the rest are added (they then tally those). */
static void samples_agree_with_sorting(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 11);
    for (int round = 0; round < 140; round++) {
        struct gv_samples s = { 0 };
        assert_int_equal(gv_samples_count(&s), 0);
        /* up to 150,000: past the blocks that double, into the full-size ones */
        size_t n = round == 5 || round == 24 ? 150000 : 1 + rng_below(&r, round % 10 == 0 ? 20000 : 400);
        size_t read_at = round % 3 == 0 ? rng_below(&r, (uint32_t)n) : 0; /* 0: only at the end */
        gv_ns *w = malloc(n * sizeof *w);
        __int128 sum = 0;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && i == read_at)
                samples_check(&s, w, i, sum, &r);
            gv_ns v;
            switch (round % 7) {
            case 0: v = (gv_ns)rng_below(&r, 40); break;
            case 1: v = 123456789; break;
            case 2: v = (gv_ns)(rng_next(&r) >> (rng_below(&r, 64))); break;
            case 3: v = (gv_ns)1 << rng_below(&r, 63); v -= (gv_ns)rng_below(&r, 2); break;
            case 4: v = INT64_MAX - (gv_ns)rng_below(&r, 1000); break;
            case 5: v = ((gv_ns)1 << (24 + rng_below(&r, 39))) + (gv_ns)rng_below(&r, 1u << 12) - 2048; break;
            default: v = (gv_ns)rng_below(&r, 2000000000) - 1000; break;
            }
            gv_samples_add(&s, v);
            w[i] = v < 0 ? 0 : v;
            sum += w[i];
        }
        samples_check(&s, w, n, sum, &r);
        gv_samples_free(&s);
        free(w);
    }
}

/* A rank passes over the blocks whose max (kept by the tally) is below its
 * bucket.  Values in ramps put a bucket in a few blocks and a block's max
 * on a bucket's edge: rising by 1 from an offset of 0 to 3 (one of them
 * ends each block at the lowest value of a bucket, which must not be
 * skipped), falling (a block read part way and then filled has its max in
 * the part read first), a sawtooth and rising with a wide step.  Every rank
 * agrees with sorting, read at the end and, in half the rounds, part way. */
static void samples_skip_blocks_below_the_bucket(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 13);
    for (int round = 0; round < 28; round++) {
        struct gv_samples s = { 0 };
        size_t n = 1800 + rng_below(&r, 400); /* blocks of 256, 512, 1024 and part of 2048 */
        size_t read_at = round % 2 ? 1 + rng_below(&r, (uint32_t)n - 1) : 0;
        gv_ns *w = malloc(n * sizeof *w), *sorted = malloc(n * sizeof *sorted);
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && i == read_at)
                assert_int_equal(gv_samples_rank(&s, i - 1), gv_samples_max(&s));
            gv_ns v;
            switch (round % 7) {
            case 0: case 1: case 2: case 3: v = (gv_ns)i + round % 7; break;
            case 4: v = (gv_ns)(n - i) * 1000; break;
            case 5: v = (gv_ns)(i % 700) * 300 + 5000; break;
            default: v = (gv_ns)i * 1000003; break;
            }
            gv_samples_add(&s, v);
            w[i] = v;
        }
        memcpy(sorted, w, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_ns);
        assert_int_equal(gv_samples_max(&s), sorted[n - 1]);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(gv_samples_rank(&s, k), sorted[k]);
        gv_samples_free(&s);
        free(w);
        free(sorted);
    }
}

/* ---- one thread ---------------------------------------------------------- */

static void single_thread_runs_its_work_plus_one_context_switch(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 1\ncontext_switch 2us\nwakeup_jitter 0ns\nthread a:\n    cpu 10ms\n    nogil 3ms\n    io 5ms\n    cpu 1ms\n");
    assert_int_equal(r.rc, 0);
    const struct thread_stats *t = &r.st->threads[0];
    assert_int_equal(t->python_ns, 11 * MS);
    assert_int_equal(t->nogil_ns, 3 * MS);
    assert_int_equal(t->io_ns, 5 * MS + r.sc->set.wakeup_latency);
    /* one switch onto the idle core at start; after the I/O it comes back to
     * the same core, which ran nobody else: no second switch */
    assert_int_equal(t->os_ns, 2 * US);
    assert_int_equal(r.st->wall_ns, 19 * MS + 2 * US + r.sc->set.wakeup_latency);
    assert_int_equal(r.st->switches, 0);
    check_invariants(&r);
    run_free(&r);
}

/* ---- OS scheduler ---------------------------------------------------------- */

static void more_threads_than_cores_share_by_time_slices(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 2\ntimeslice 4ms\nthread w x4:\n    nogil 40ms\n");
    assert_int_equal(r.rc, 0);
    /* 160 ms of work on 2 cores: about 80 ms, plus context switches */
    assert_true(r.st->wall_ns >= 80 * MS);
    assert_true(r.st->wall_ns < 82 * MS);
    assert_true(count_events(r.tl, EV_PREEMPT) >= 10);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.st->threads[i].nogil_ns, 40 * MS);
        assert_true(r.st->threads[i].ready_ns > 20 * MS); /* each waited for a core */
    }
    for (int c = 0; c < 2; c++)
        assert_true(r.st->core_busy_ns[c] > 79 * MS);
    check_invariants(&r);
    run_free(&r);
}

static void blocked_threads_use_no_core(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 1\nthread sleeper x3:\n    sleep 50ms\nthread worker:\n    nogil 20ms\n");
    assert_int_equal(r.rc, 0);
    int w = thread_index(&r, "worker");
    /* three sleepers never delay the worker beyond their context switches */
    assert_true(r.st->threads[w].end < 21 * MS);
    check_invariants(&r);
    run_free(&r);
}

/* ---- the new GIL ------------------------------------------------------------ */

static void new_gil_two_cpu_threads_switch_every_interval(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.11\ncores 2\nswitch_interval 5ms\nthread a:\n    cpu 100ms\nthread b:\n    cpu 100ms\n");
    assert_int_equal(r.rc, 0);
    /* one runs at a time: about 200 ms, never close to 100 ms */
    assert_true(r.st->wall_ns > 199 * MS);
    assert_true(r.st->wall_ns < 204 * MS);
    /* a switch about every 5 ms (plus latency): 35..40 over 200 ms */
    assert_in_range(r.st->forced_switches, 30, 40);
    /* all forced but the last, when a ends and hands over voluntarily */
    assert_int_equal(r.st->forced_switches + 1, r.st->switches);
    /* every forced switch needed a drop request first */
    assert_int_equal(r.st->drop_requests, r.st->forced_switches);
    check_invariants(&r);
    run_free(&r);
}

/* After a forced drop, the GIL goes to another thread than the one forced
 * to drop it (FORCE_SWITCHING); and a drop request is only set after a whole
 * interval of waiting in which no switch happened. */
static void forced_switch_hands_over_and_requests_wait_an_interval(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.12\ncores 4\nswitch_interval 2ms\nthread t x3:\n    cpu 60ms\n");
    assert_int_equal(r.rc, 0);
    const struct timeline *tl = r.tl;
    uint64_t n = timeline_count(tl);
    gv_ns last_switch = -1;
    int forced_from = -1, holder = -1, checked = 0, handovers = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *x = timeline_get(tl, i);
        const struct tl_lane *l = timeline_lane(tl, x->lane);
        if (l->kind == LANE_THREAD && x->kind == TL_STATE && x->code == TS_SWITCH_WAIT)
            forced_from = x->lane;
        if (l->kind != LANE_GIL)
            continue;
        if (x->kind == TL_EVENT && (x->code == EV_SWITCH || x->code == EV_FORCED_SWITCH))
            last_switch = x->t;
        if (x->kind == TL_EVENT && x->code == EV_DROP_REQUEST) {
            assert_true(last_switch < 0 || x->t - last_switch >= 2 * MS);
            checked++;
        }
        if (x->kind == TL_STATE && x->code == GIL_HELD) {
            if (forced_from >= 0) {
                assert_int_not_equal(x->arg, forced_from);
                handovers++;
            }
            holder = x->arg;
            forced_from = -1;
        }
    }
    (void)holder;
    assert_true(checked > 20);
    assert_true(handovers > 20);
    check_invariants(&r);
    run_free(&r);
}

static void c_code_holding_the_gil_is_not_interruptible(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.12\ncores 2\nthread a:\n    ccall 30ms\nthread b:\n    sleep 1ms\n    cpu 1ms\n");
    assert_int_equal(r.rc, 0);
    int b = thread_index(&r, "b");
    /* b asks at 1 ms + 5 ms, but a only notices at the end of its C call */
    assert_true(r.st->threads[b].gil_wait_ns >= 28 * MS);
    assert_true(r.st->threads[b].end > 30 * MS);
    assert_int_equal(r.st->drop_requests, 1);
    check_invariants(&r);
    run_free(&r);
}

/* The sequential time (the speedup's numerator) counts every step's work,
 * including increments and reads that cost the scene's rmw_cost/bytecode. */
static void sequential_time_counts_shared_variable_steps(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.9\ncores 2\nrmw_cost 100ns\nshared x\nthread a x2:\n    repeat 1000:\n"
                  "        incr x\n        cpu 100ns\n");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.st->sequential_ns, 2 * 1000 * (100 + 100));
    run_free(&r);
}

/* Returning from a last call that released the GIL is Python again: the
 * thread waits for the GIL before it can end (Py_END_ALLOW_THREADS), unless
 * there is no GIL. */
static void a_thread_ending_in_io_takes_the_gil_back(void **state)
{
    (void)state;
    static const char text[] = "python 3.12\ncores 2\nthread a:\n    cpu 30ms\nthread b:\n    io 1ms\n";
    struct run r;
    run_scene(&r, text);
    assert_int_equal(r.rc, 0);
    int b = thread_index(&r, "b");
    /* the I/O returns at 1 ms; b asks for the GIL, times out after 5 ms,
     * sets drop_request and gets it at about 6 ms */
    assert_true(r.st->threads[b].gil_wait_ns >= 4 * MS);
    assert_true(r.st->threads[b].end >= 5 * MS);
    assert_true(r.st->threads[b].end < 8 * MS);
    assert_int_equal(r.st->drop_requests, 1);
    check_invariants(&r);
    run_free(&r);

    static const char *const nogil[] = { "python=3.13t", NULL };
    run_scene_set(&r, text, nogil);
    assert_int_equal(r.rc, 0);
    b = thread_index(&r, "b");
    assert_true(r.st->threads[b].end < 2 * MS);
    run_free(&r);
}

/* I/O, sleep and C code that releases the GIL start without taking the GIL
 * first: a thread whose first steps they are waits for the GIL only at its
 * end (the one drop request). */
static void steps_that_release_the_gil_start_without_it(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.12\ncores 2\nthread a:\n    cpu 30ms\nthread b:\n    sleep 1ms\n    io 1ms\n"
                  "    sleep 1ms\n    nogil 1ms\n");
    assert_int_equal(r.rc, 0);
    int b = thread_index(&r, "b");
    assert_int_equal(r.st->drop_requests, 1);
    assert_true(r.st->threads[b].gil_wait_ns < 6 * MS);
    assert_true(r.st->threads[b].end < 10 * MS);
    check_invariants(&r);
    run_free(&r);
}

static void c_code_releasing_the_gil_runs_in_parallel(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.12\ncores 4\nthread h x4:\n    nogil 50ms\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->wall_ns < 51 * MS);
    check_invariants(&r);
    run_free(&r);
}

static void convoy_io_waits_a_whole_interval_per_completion(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.11\ncores 2\nthread cruncher:\n    cpu 2s\nthread net:\n"
                  "    repeat 100:\n        io 50us\n        cpu 20us\n");
    assert_int_equal(r.rc, 0);
    /* the I/O thread waits out a full interval after every recv() */
    assert_int_equal(r.st->io_ops, 100);
    assert_true(r.st->io_mean_ns > 5 * MS);
    assert_true(r.st->io_mean_ns < 5 * MS + 200 * US);
    int net = thread_index(&r, "net");
    assert_true(r.st->threads[net].end > 500 * MS);
    check_invariants(&r);
    run_free(&r);
}

static void smaller_interval_shortens_the_convoy(void **state)
{
    (void)state;
    static const char *text = "python 3.11\ncores 2\nthread cruncher:\n    cpu 2s\nthread net:\n"
                              "    repeat 100:\n        io 50us\n        cpu 20us\n";
    static const char *const fast[] = { "switch_interval=500us", NULL };
    struct run a, b;
    run_scene(&a, text);
    run_scene_set(&b, text, fast);
    assert_true(b.st->io_mean_ns * 5 < a.st->io_mean_ns);
    run_free(&a);
    run_free(&b);
}

/* sys.setswitchinterval at run time: the process's interval changes for the
 * waits that start afterwards (take_gil reads gil->interval when it waits).
 * The same scene, the interval changed half-way: net's GIL waits are a
 * whole 5 ms before the change and about 0.5 ms after it; net2, which does
 * the same after the change, waits a tenth as long as net. */
static void setswitchinterval_shrinks_later_gil_waits(void **state)
{
    (void)state;
    static const char *text =
        "python 3.11\ncores 2\n"
        "main:\n    start cruncher\n    start net\n    join net\n"
        "    setswitchinterval 500us\n    start net2\n    join net2\n    join cruncher\n"
        "thread cruncher:\n    cpu 200ms\n"
        "thread net:\n    repeat 10:\n        io 50us\n        cpu 20us\n"
        "thread net2:\n    repeat 10:\n        io 50us\n        cpu 20us\n";
    struct run r;
    run_scene(&r, text);
    assert_int_equal(r.rc, 0);
    check_invariants(&r);
    const struct thread_stats *net = &r.st->threads[thread_index(&r, "net")];
    const struct thread_stats *net2 = &r.st->threads[thread_index(&r, "net2")];
    gv_ns before = net->gil_wait_ns / 10, after = net2->gil_wait_ns / 10;
    assert_true(before > 5 * MS && before < 5 * MS + 200 * US);
    assert_true(after > 500 * US && after < 700 * US);
    /* one event on the GIL lane, carrying the new interval in microseconds */
    assert_int_equal(count_events(r.tl, EV_SWITCH_INTERVAL), 1);
    /* without the call, net2 waits as long as net did */
    struct run b;
    run_scene(&b, "python 3.11\ncores 2\n"
                  "main:\n    start cruncher\n    start net\n    join net\n"
                  "    start net2\n    join net2\n    join cruncher\n"
                  "thread cruncher:\n    cpu 200ms\n"
                  "thread net:\n    repeat 10:\n        io 50us\n        cpu 20us\n"
                  "thread net2:\n    repeat 10:\n        io 50us\n        cpu 20us\n");
    assert_true(b.st->threads[thread_index(&b, "net2")].gil_wait_ns / 10 > 5 * MS);
    run_free(&b);
    run_free(&r);

    /* CPython keeps the interval in whole microseconds, at least 1 */
    run_scene(&r, "python 3.11\ncores 2\nthread a:\n    setswitchinterval 100ns\n    cpu 1ms\n"
                  "thread b:\n    cpu 1ms\n");
    assert_int_equal(r.rc, 0);
    /* CPython keeps whole microseconds, at least 1: 100 ns becomes 1 us */
    int seen = 0;
    for (uint64_t i = 0; i < timeline_count(r.tl); i++) {
        const struct tl_rec *x = timeline_get(r.tl, i);
        if (x->kind == TL_EVENT && x->code == EV_SWITCH_INTERVAL) {
            assert_int_equal(x->arg, 1);
            seen++;
        }
    }
    assert_int_equal(seen, 1);
    check_invariants(&r);
    run_free(&r);

    /* the old GIL (here through --set) has no switch interval: an error */
    static const char *const old[] = { "python=2.7", NULL };
    run_scene_set(&r, "thread a:\n    cpu 1ms\n    setswitchinterval 1ms\n", old);
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "test.scene:3:5:"));
    assert_non_null(strstr(r.err, "sys.setcheckinterval"));
    run_free(&r);
}

/* ---- old GIL and free threading ---------------------------------------------- */

static void old_gil_two_cores_battle_with_failed_wakeups(void **state)
{
    (void)state;
    struct run one, two;
    run_scene(&one, "python 2.7\ncores 2\nthread a:\n    cpu 40ms\n    cpu 40ms\n");
    run_scene(&two, "python 2.7\ncores 2\nthread a:\n    cpu 40ms\nthread b:\n    cpu 40ms\n");
    assert_int_equal(two.rc, 0);
    assert_true(two.st->failed_wakeups > 100);
    assert_int_equal(two.st->drop_requests, 0);
    /* the same work on two threads is slower than on one */
    assert_true(two.st->wall_ns > one.st->wall_ns * 11 / 10);
    check_invariants(&two);
    run_free(&one);
    run_free(&two);
}

static void free_threaded_runs_in_parallel_with_overhead(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.13t\nnogil_overhead 40%\ncores 4\nthread w x4:\n    cpu 100ms\n");
    assert_int_equal(r.rc, 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r.st->threads[i].python_ns, 140 * MS);
    assert_true(r.st->wall_ns < 141 * MS);
    assert_int_equal(r.st->switches, 0);
    check_invariants(&r);
    run_free(&r);
}

/* ---- shared variables and locks ---------------------------------------------- */

static const char race_text[] =
    "cores 4\nswitch_interval 100us\nshared n = 0\nthread w x4:\n    repeat 20000:\n        incr n\n        cpu 100ns\n";

static void race_loses_updates_before_3_10(void **state)
{
    (void)state;
    static const char *const py39[] = { "python=3.9", NULL };
    struct run r;
    run_scene_set(&r, race_text, py39);
    assert_int_equal(r.st->shared[0].expected, 80000);
    assert_true(r.st->shared[0].final < 80000);
    assert_int_equal((uint64_t)(80000 - r.st->shared[0].final), r.st->shared[0].lost_updates);
    assert_true(r.st->shared[0].stale_writes > 0);
    assert_true(r.st->shared[0].stale_writes <= r.st->shared[0].lost_updates);
    assert_int_equal(count_events(r.tl, EV_LOST_UPDATE), r.st->shared[0].stale_writes);
    check_invariants(&r);
    run_free(&r);
}

static void race_free_in_3_11_when_no_check_point_splits_the_update(void **state)
{
    (void)state;
    static const char *const py311[] = { "python=3.11", NULL };
    struct run r;
    run_scene_set(&r, race_text, py311);
    assert_int_equal(r.st->shared[0].final, 80000);
    assert_true(r.st->switches > 50);
    run_free(&r);
}

static void race_in_3_11_when_a_call_sits_between_read_and_write(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.11\ncores 2\nshared n\nthread w x2:\n    repeat 20000:\n        read n\n"
                  "        cpu 1us\n        write n\n");
    assert_true(r.st->shared[0].final < 40000);
    run_free(&r);
}

static void free_threaded_race_loses_updates_in_parallel(void **state)
{
    (void)state;
    static const char *const ft[] = { "python=3.13t", NULL };
    struct run r;
    run_scene_set(&r, race_text, ft);
    assert_true(r.st->shared[0].final < 80000);
    assert_int_equal(r.st->switches, 0);
    run_free(&r);
}

static void lock_makes_the_counter_exact(void **state)
{
    (void)state;
    static const char *const py39[] = { "python=3.9", NULL };
    struct run r;
    run_scene_set(&r, "cores 4\nshared n\nlock m\nthread w x4:\n    repeat 5000:\n        with m:\n"
                      "            incr n\n        cpu 100ns\n", py39);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.st->shared[0].final, 20000);
    assert_int_equal(r.st->shared[0].lost_updates, 0);
    check_invariants(&r);
    run_free(&r);
}

static void deadlock_is_detected(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 2\nlock a\nlock b\nthread t1:\n    acquire a\n    sleep 1ms\n    acquire b\n"
                  "thread t2:\n    acquire b\n    sleep 1ms\n    acquire a\nthread bystander:\n    cpu 20ms\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->deadlock);
    assert_non_null(strstr(r.st->deadlock_desc, "t1 holds a and waits for b, held by t2"));
    assert_non_null(strstr(r.st->deadlock_desc, "t2 holds b and waits for a, held by t1"));
    assert_int_equal(count_events(r.tl, EV_DEADLOCK), 1);
    int by = thread_index(&r, "bystander");
    assert_true(r.st->threads[by].end > 0); /* others went on */
    check_invariants(&r);
    run_free(&r);
}

static void releasing_a_lock_one_does_not_hold_is_an_error(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "lock m\nthread a:\n    cpu 1ms\n    release m\n");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "test.scene:4:5:"));
    assert_non_null(strstr(r.err, "does not hold"));
    run_free(&r);
}

/* ---- start and join ---------------------------------------------------------- */

static void join_waits_for_the_whole_group(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 4\nmain:\n    start w\n    join w\n    cpu 1ms\nthread w x3:\n    nogil 10ms\n");
    assert_int_equal(r.rc, 0);
    int m = thread_index(&r, "main");
    for (int i = 1; i <= 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        int w = thread_index(&r, name);
        assert_true(r.st->threads[w].start >= 0);
        assert_true(r.st->threads[m].end > r.st->threads[w].end);
    }
    assert_true(r.st->threads[m].join_wait_ns > 9 * MS);
    check_invariants(&r);
    run_free(&r);
}

static void processes_have_their_own_gil(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 4\nprocess worker x4:\n    thread t:\n        cpu 100ms\n");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.st->nprocs, 5); /* the implicit main process + 4 */
    assert_true(r.st->wall_ns < 101 * MS);
    check_invariants(&r);
    run_free(&r);
}

/* ---- timeline: determinism and seek ---------------------------------------------- */

static const char busy_text[] =
    "python 3.12\ncores 2\nswitch_interval 1ms\nlock m\nshared n\n"
    "thread cpu x3:\n    repeat 50:\n        cpu 300us\n        with m:\n            incr n\n"
    "thread net x2:\n    repeat 100:\n        io 200us\n        cpu 30us\n";

static void same_scene_same_seed_same_bytes(void **state)
{
    (void)state;
    struct run a, b, c;
    static const char *const other_seed[] = { "seed=99", NULL };
    run_scene(&a, busy_text);
    run_scene(&b, busy_text);
    run_scene_set(&c, busy_text, other_seed);
    assert_int_equal(timeline_count(a.tl), timeline_count(b.tl));
    assert_true(timeline_hash(a.tl) == timeline_hash(b.tl));
    /* the seed picks which waiter a signal wakes: it must matter here */
    assert_true(timeline_hash(a.tl) != timeline_hash(c.tl));
    run_free(&a);
    run_free(&b);
    run_free(&c);
}

/* A repeat block runs its body `count` times over, whether the engine
 * writes small blocks out (at most 64 steps) or counts them: each pair of
 * scenes below, once with repeats and once written out by hand, gives the
 * same timeline.  Threads contending for the GIL and a lock, a block nested
 * in a block, blocks just under and over the size written out, a pool's map
 * inside a block, and asyncio tasks. */
static void repeat_blocks_run_as_if_written_out(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        { "python 3.12\ncores 2\nswitch_interval 100us\nlock m\nshared n\n"
          "thread t x3:\n    repeat 3:\n        cpu 150us\n        with m:\n            incr n\n"
          "        io 50us \"read\"\n",
          "python 3.12\ncores 2\nswitch_interval 100us\nlock m\nshared n\n"
          "thread t x3:\n    cpu 150us\n    with m:\n        incr n\n    io 50us \"read\"\n"
          "    cpu 150us\n    with m:\n        incr n\n    io 50us \"read\"\n"
          "    cpu 150us\n    with m:\n        incr n\n    io 50us \"read\"\n" },
        { "python 3.12\ncores 1\nthread t x2:\n    repeat 2:\n        repeat 3:\n            cpu 10us\n"
          "        io 20us\n",
          "python 3.12\ncores 1\nthread t x2:\n    cpu 10us\n    cpu 10us\n    cpu 10us\n    io 20us\n"
          "    cpu 10us\n    cpu 10us\n    cpu 10us\n    io 20us\n" },
        { "python 3.12\ncores 1\nthread t x2:\n    repeat 65:\n        cpu 10us\n",
          "python 3.12\ncores 1\nthread t x2:\n    repeat 64:\n        cpu 10us\n    cpu 10us\n" },
        { "python 3.12\ncores 2\npool w x2 fork\nmain:\n    repeat 2:\n        map w 3 send 10KB:\n"
          "            cpu 1ms\n        cpu 100us\n",
          "python 3.12\ncores 2\npool w x2 fork\nmain:\n    map w 3 send 10KB:\n        cpu 1ms\n"
          "    cpu 100us\n    map w 3 send 10KB:\n        cpu 1ms\n    cpu 100us\n" },
        { "python 3.12\ncores 2\nloop app:\n    task t x20:\n        repeat 3:\n            await io 1ms\n"
          "            cpu 100us\n            await sleep 1ms\nmain:\n    run app\n",
          "python 3.12\ncores 2\nloop app:\n    task t x20:\n        await io 1ms\n        cpu 100us\n"
          "        await sleep 1ms\n        await io 1ms\n        cpu 100us\n        await sleep 1ms\n"
          "        await io 1ms\n        cpu 100us\n        await sleep 1ms\nmain:\n    run app\n" },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct run a, b;
        run_scene(&a, pairs[i][0]);
        run_scene(&b, pairs[i][1]);
        assert_int_equal(a.rc, 0);
        assert_int_equal(b.rc, 0);
        assert_true(timeline_count(a.tl) > 10);
        assert_int_equal(timeline_count(a.tl), timeline_count(b.tl));
        assert_true(timeline_hash(a.tl) == timeline_hash(b.tl));
        assert_int_equal(engine_stats(a.e)->events, engine_stats(b.e)->events);
        run_free(&a);
        run_free(&b);
    }
}

static void seek_equals_replay_on_a_real_run(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, busy_text);
    int nl = timeline_nlanes(r.tl);
    struct tl_lane_state *s1 = calloc((size_t)nl, sizeof *s1), *s2 = calloc((size_t)nl, sizeof *s2);
    struct rng g;
    rng_seed(&g, 3);
    gv_ns end = timeline_end(r.tl);
    for (int i = 0; i < 300; i++) {
        gv_ns t = (gv_ns)(rng_next(&g) % (uint64_t)(end + 1));
        timeline_state_at(r.tl, t, s1);
        timeline_state_replay(r.tl, t, s2);
        for (int l = 0; l < nl; l++) {
            assert_int_equal(s1[l].rec, s2[l].rec);
            assert_int_equal(s1[l].code, s2[l].code);
            assert_int_equal(s1[l].arg, s2[l].arg);
        }
    }
    free(s1);
    free(s2);
    check_invariants(&r);
    run_free(&r);
}

static void horizon_stops_a_scene_that_never_ends(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "horizon 50ms\nthread forever:\n    repeat 1000000000:\n        cpu 1ms\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->horizon_hit);
    assert_int_equal(r.st->wall_ns, 50 * MS);
    run_free(&r);
}

static void event_cap_stops_the_run(void **state)
{
    (void)state;
    struct run r;
    prepare_scene(&r, "thread a x2:\n    repeat 1000000:\n        cpu 1us\n        io 1us\n", NULL);
    engine_set_max_events(r.e, 1000);
    assert_int_equal(engine_run(r.e, r.err, sizeof r.err), 0);
    assert_true(r.st->event_cap_hit);
    assert_int_equal(r.st->events, 1000);
    run_free(&r);
}

/* 10^9 items of 1000 GB at a day per MB: pickling them takes longer than
 * int64 nanoseconds can say.  It must take "forever" (past the horizon), not
 * a wrapped-around time after which the workers start. */
static void huge_pickle_cost_never_ends_instead_of_wrapping(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "horizon 1s\npickle_per_mb 86400s\npool p x2\n"
                  "thread a:\n    map p 1000000000 send 1000GB:\n        cpu 1ms\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->horizon_hit);
    assert_int_equal(r.st->wall_ns, GV_NS_PER_S);
    /* the caller pickled the whole second; no worker ever got an item */
    int a = thread_index(&r, "a");
    assert_true(r.st->threads[a].python_ns > GV_NS_PER_S - MS);
    assert_true(r.st->events < 100);
    run_free(&r);
}

/* Thread.join() before Thread.start() raises RuntimeError in Python; it is
 * a scene error, not a deadlock that waits for a start that never comes. */
static void join_before_start_is_an_error(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "main:\n    join worker\n    start worker\nthread worker:\n    cpu 1ms\n");
    assert_int_equal(r.rc, -1);
    assert_false(r.st->deadlock);
    assert_string_equal(r.err, "test.scene:2:5: error: thread 'main' joins thread 'worker' before it is "
                               "started (Python raises RuntimeError)");
    run_free(&r);
}

/* The timeline's memory limit stops a run cleanly: no error, the flag set,
 * the memory under the limit, the simulated time where it stopped. */
static void memory_limit_stops_the_run(void **state)
{
    (void)state;
    struct run r;
    prepare_scene(&r, "thread a x2:\n    repeat 1000000:\n        cpu 1us\n        io 1us\n", NULL);
    timeline_set_max_bytes(r.tl, (size_t)4 << 20);
    assert_int_equal(engine_run(r.e, r.err, sizeof r.err), 0);
    assert_true(r.st->mem_cap_hit);
    assert_false(r.st->horizon_hit);
    assert_false(r.st->event_cap_hit);
    assert_true(timeline_done(r.tl));
    assert_true(timeline_bytes(r.tl) <= (size_t)4 << 20);
    assert_true(timeline_count(r.tl) >= TL_CHUNK_RECS);
    assert_true(r.st->wall_ns > 0 && r.st->wall_ns < 2 * GV_NS_PER_S);
    run_free(&r);
}

/* A thread stuck forever is described with the names that explain it: the
 * lock and the thread that ended holding it, the thread joined, the queue. */
static void stuck_threads_are_described_by_name(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "lock m\nthread a:\n    acquire m\n    cpu 1ms\n"
                  "thread b:\n    sleep 1ms\n    acquire m\n    release m\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->deadlock);
    assert_string_equal(r.st->deadlock_desc, "'b' waits for lock 'm', held by 'a', which ended without releasing it");
    run_free(&r);
    run_scene(&r, "queue q\nmain:\n    start worker\n    join worker\nthread worker:\n    get q\n");
    assert_true(r.st->deadlock);
    assert_string_equal(r.st->deadlock_desc, "'main' waits for 'worker' to end; 'worker' waits for an item from queue 'q'");
    run_free(&r);
}

/* Steps that take no time, repeated 10^18 times, never let simulated time
 * pass, so neither the horizon nor the event cap (counted between events)
 * stops them: the engine reports the loop instead of spinning forever. */
static void a_loop_of_steps_that_take_no_time_is_an_error(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "main:\n    start b\n    join b\n    repeat 1000000000:\n        repeat 1000000000:\n"
                  "            join b\nthread b:\n    cpu 1ms\n");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "test.scene:6:13: error: 4194304 steps ran at "));
    assert_non_null(strstr(r.err, "without simulated time passing"));
    run_free(&r);
}

/* The limit is exact: 4,194,304 steps at one instant (2,097,152 rounds of
 * acquire and release, all at the first instant after the thread's context
 * switch) run; one step more is the loop; as many again at a later instant
 * run too. */
static void the_instant_steps_limit_is_exact(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "lock m\nthread a:\n    repeat 2097152:\n        acquire m\n        release m\n");
    assert_int_equal(r.rc, 0);
    run_free(&r);
    run_scene(&r, "lock m\nthread a:\n    repeat 2097152:\n        acquire m\n        release m\n    acquire m\n");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.err, "test.scene:6:5: error: 4194304 steps ran at "));
    run_free(&r);
    /* the count starts again when time has passed (the cpu step is the
     * first instant's last) */
    run_scene(&r, "lock m\nthread a:\n    repeat 2097151:\n        acquire m\n        release m\n    cpu 1us\n"
                  "    repeat 2097152:\n        acquire m\n        release m\n");
    assert_int_equal(r.rc, 0);
    run_free(&r);
}

/* Many tasks whose first steps take no time run millions of steps at one
 * instant without looping: the limit grows with the scene's programs. */
static void a_big_scene_at_one_instant_is_not_a_loop(void **state)
{
    (void)state;
    char *text = malloc(4096);
    assert_non_null(text);
    int n = snprintf(text, 4096, "loop app:\n    future f\n    task setter:\n        set_result f\n"
                                 "    task t x40000:\n");
    for (int i = 0; i < 110; i++) /* a done future: await does not suspend */
        n += snprintf(text + n, (size_t)(4096 - n), "        await f\n");
    snprintf(text + n, (size_t)(4096 - n), "main:\n    run app\n");
    struct run r;
    run_scene(&r, text);
    /* 4.4 M steps, all at the first instant: more than the 4,194,304
     * floor, fewer than 8 per step of the programs */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.st->tasks[40000].done, r.st->tasks[0].created);
    run_free(&r);
    free(text);
}

/* A zero-time loop that writes records stops at the memory limit at once:
 * a full timeline ends the step loop, not only the event loop. */
static void a_full_timeline_stops_a_zero_time_loop(void **state)
{
    (void)state;
    struct run r;
    prepare_scene(&r, "lock m\nthread a:\n    repeat 1000000000:\n        acquire m\n        release m\n", NULL);
    timeline_set_max_bytes(r.tl, (size_t)4 << 20);
    assert_int_equal(engine_run(r.e, r.err, sizeof r.err), 0);
    assert_true(r.st->mem_cap_hit);
    run_free(&r);
}

static void engine_on_its_own_thread_publishes_a_finished_timeline(void **state)
{
    (void)state;
    struct run r;
    prepare_scene(&r, busy_text, NULL);
    pthread_t th;
    assert_int_equal(engine_start(r.e, &th), 0);
    uint64_t last = 0;
    while (!timeline_done(r.tl)) {
        uint64_t c = timeline_count(r.tl);
        assert_true(c >= last);
        last = c;
    }
    assert_int_equal(engine_join(r.e, th, r.err, sizeof r.err), 0);
    assert_true(timeline_count(r.tl) > 1000);
    run_free(&r);
}

/* engine_cancel from another thread stops a long run early, cleanly. */
static void cancel_stops_a_running_engine(void **state)
{
    (void)state;
    struct run r;
    prepare_scene(&r, "thread a x2:\n    repeat 100000000:\n        cpu 1us\n        io 1us\n", NULL);
    pthread_t th;
    assert_int_equal(engine_start(r.e, &th), 0);
    while (timeline_count(r.tl) < 100000)
        ; /* let it run a little */
    engine_cancel(r.e);
    assert_int_equal(engine_join(r.e, th, r.err, sizeof r.err), 0);
    assert_true(timeline_done(r.tl));
    assert_true(r.st->events < 100000000);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evq_orders_by_time_priority_sequence),
        cmocka_unit_test(evq_moves_and_cancels_slots),
        cmocka_unit_test(evq_random_operations_match_a_naive_model),
        cmocka_unit_test(evq_handling_matches_a_naive_model),
        cmocka_unit_test(rng_is_reproducible_and_bounded),
        cmocka_unit_test(rng_skip_is_as_many_draws),
        cmocka_unit_test(select_agrees_with_sorting),
        cmocka_unit_test(samples_agree_with_sorting),
        cmocka_unit_test(samples_skip_blocks_below_the_bucket),
        cmocka_unit_test(single_thread_runs_its_work_plus_one_context_switch),
        cmocka_unit_test(more_threads_than_cores_share_by_time_slices),
        cmocka_unit_test(blocked_threads_use_no_core),
        cmocka_unit_test(new_gil_two_cpu_threads_switch_every_interval),
        cmocka_unit_test(forced_switch_hands_over_and_requests_wait_an_interval),
        cmocka_unit_test(c_code_holding_the_gil_is_not_interruptible),
        cmocka_unit_test(sequential_time_counts_shared_variable_steps),
        cmocka_unit_test(a_thread_ending_in_io_takes_the_gil_back),
        cmocka_unit_test(steps_that_release_the_gil_start_without_it),
        cmocka_unit_test(c_code_releasing_the_gil_runs_in_parallel),
        cmocka_unit_test(convoy_io_waits_a_whole_interval_per_completion),
        cmocka_unit_test(smaller_interval_shortens_the_convoy),
        cmocka_unit_test(setswitchinterval_shrinks_later_gil_waits),
        cmocka_unit_test(old_gil_two_cores_battle_with_failed_wakeups),
        cmocka_unit_test(free_threaded_runs_in_parallel_with_overhead),
        cmocka_unit_test(race_loses_updates_before_3_10),
        cmocka_unit_test(race_free_in_3_11_when_no_check_point_splits_the_update),
        cmocka_unit_test(race_in_3_11_when_a_call_sits_between_read_and_write),
        cmocka_unit_test(free_threaded_race_loses_updates_in_parallel),
        cmocka_unit_test(lock_makes_the_counter_exact),
        cmocka_unit_test(deadlock_is_detected),
        cmocka_unit_test(releasing_a_lock_one_does_not_hold_is_an_error),
        cmocka_unit_test(join_waits_for_the_whole_group),
        cmocka_unit_test(processes_have_their_own_gil),
        cmocka_unit_test(same_scene_same_seed_same_bytes),
        cmocka_unit_test(repeat_blocks_run_as_if_written_out),
        cmocka_unit_test(seek_equals_replay_on_a_real_run),
        cmocka_unit_test(horizon_stops_a_scene_that_never_ends),
        cmocka_unit_test(event_cap_stops_the_run),
        cmocka_unit_test(huge_pickle_cost_never_ends_instead_of_wrapping),
        cmocka_unit_test(join_before_start_is_an_error),
        cmocka_unit_test(memory_limit_stops_the_run),
        cmocka_unit_test(stuck_threads_are_described_by_name),
        cmocka_unit_test(a_loop_of_steps_that_take_no_time_is_an_error),
        cmocka_unit_test(the_instant_steps_limit_is_exact),
        cmocka_unit_test(a_big_scene_at_one_instant_is_not_a_loop),
        cmocka_unit_test(a_full_timeline_stops_a_zero_time_loop),
        cmocka_unit_test(engine_on_its_own_thread_publishes_a_finished_timeline),
        cmocka_unit_test(cancel_stops_a_running_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
