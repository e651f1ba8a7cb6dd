/*
 * test_timeline: the timeline store and its seek (cmocka).
 *
 * Hand-built timelines check exact answers of upper/prev/next/state_at; a
 * seeded synthetic timeline (~200k records, 50 lanes, many equal times)
 * checks state_at against the full replay, and the replay and prev/next
 * against brute-force scans written here, independently of timeline.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefault.h"
#include "timeline/codes.h"
#include "timeline/timeline.h"

#define NONE UINT64_MAX
#define ALL_KINDS ((1u << TL_STATE) | (1u << TL_EVENT) | (1u << TL_COUNTER))

/* Deterministic xorshift64 generator. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Uniform-ish integer in [0, n). */
static uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return rng_next(s) % n;
}

/* Compare two lane-state arrays field by field, failing on the first diff. */
static void check_states_equal(const struct tl_lane_state *a, const struct tl_lane_state *b,
                               int nl, gv_ns t)
{
    for (int i = 0; i < nl; i++) {
        if (a[i].rec != b[i].rec || a[i].since != b[i].since || a[i].code != b[i].code ||
            a[i].flags != b[i].flags || a[i].arg != b[i].arg)
            fail_msg("t=%lld lane %d: rec %u/%u since %lld/%lld code %u/%u flags %u/%u arg %d/%d",
                     (long long)t, i, a[i].rec, b[i].rec, (long long)a[i].since,
                     (long long)b[i].since, a[i].code, b[i].code, a[i].flags, b[i].flags,
                     a[i].arg, b[i].arg);
    }
}

/* A tiny known timeline: 3 lanes, 6 records. */
static struct timeline *small_timeline(void)
{
    struct timeline *tl = timeline_new();
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "main", 0, 0), 0);
    assert_int_equal(timeline_add_lane(tl, LANE_SHARED, "counter", 0, 0), 1);
    assert_int_equal(timeline_add_lane(tl, LANE_GIL, "gil", 0, 0), 2);
    assert_int_equal(timeline_append(tl, 10, 0, TL_STATE, 1, 0x81, -1), 0);   /* 0 */
    assert_int_equal(timeline_append(tl, 10, 1, TL_STATE, 2, 0, 5), 0);       /* 1 */
    assert_int_equal(timeline_append(tl, 20, 2, TL_EVENT, 3, 0, 9), 0);       /* 2 */
    assert_int_equal(timeline_append(tl, 20, 0, TL_STATE, 4, 0x02, 11), 0);   /* 3 */
    assert_int_equal(timeline_append(tl, 30, 1, TL_COUNTER, 0, 0, 7), 0);     /* 4 */
    assert_int_equal(timeline_append(tl, 40, 2, TL_STATE, 1, 0, 0), 0);       /* 5 */
    timeline_publish(tl);
    return tl;
}

/* Lanes: indices, fields, owned names, out-of-range lookups. */
static void test_lanes(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    assert_int_equal(timeline_nlanes(tl), 0);
    assert_null(timeline_lane(tl, 0));
    char name[32];
    for (int i = 0; i < 150; i++) {   /* crosses several lane blocks */
        snprintf(name, sizeof name, "lane-%d", i);
        assert_int_equal(timeline_add_lane(tl, i % 2 ? LANE_LOCK : LANE_THREAD, name, i / 10, i), i);
    }
    strcpy(name, "clobbered");
    assert_int_equal(timeline_nlanes(tl), 150);
    for (int i = 0; i < 150; i++) {
        const struct tl_lane *l = timeline_lane(tl, i);
        assert_non_null(l);
        snprintf(name, sizeof name, "lane-%d", i);
        assert_string_equal(l->name, name);
        assert_int_equal(l->kind, i % 2 ? LANE_LOCK : LANE_THREAD);
        assert_int_equal(l->proc, i / 10);
        assert_int_equal(l->index, i);
    }
    assert_null(timeline_lane(tl, 150));
    assert_null(timeline_lane(tl, -1));
    assert_int_equal(timeline_add_lane(tl, LANE_SCENE, NULL, -1, 0), 150);
    assert_string_equal(timeline_lane(tl, 150)->name, "");
    timeline_free(tl);
}

/* Append/get: visibility only after publish, exact fields, zero padding. */
static void test_append_get(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    timeline_add_lane(tl, LANE_THREAD, "t0", 0, 0);
    timeline_add_lane(tl, LANE_THREAD, "t1", 0, 1);
    assert_int_equal(timeline_append(tl, 5, 1, TL_STATE, 7, 0x83, -42), 0);
    assert_int_equal(timeline_count(tl), 0);
    assert_null(timeline_get(tl, 0));
    timeline_publish(tl);
    assert_int_equal(timeline_count(tl), 1);
    const struct tl_rec *r = timeline_get(tl, 0);
    assert_non_null(r);
    assert_int_equal(r->t, 5);
    assert_int_equal(r->lane, 1);
    assert_int_equal(r->kind, TL_STATE);
    assert_int_equal(r->code, 7);
    assert_int_equal(r->flags, 0x83);
    assert_int_equal(r->arg, -42);
    assert_null(timeline_get(tl, 1));
    /* many records across a chunk boundary keep their values */
    for (uint32_t i = 1; i < TL_CHUNK_RECS + 100; i++)
        assert_int_equal(timeline_append(tl, 5 + i / 3, (uint16_t)(i & 1), TL_EVENT,
                                         (uint8_t)i, 0, (int32_t)i), 0);
    timeline_publish(tl);
    assert_int_equal(timeline_count(tl), TL_CHUNK_RECS + 100);
    for (uint32_t i = 1; i < TL_CHUNK_RECS + 100; i += 997) {
        r = timeline_get(tl, i);
        assert_int_equal(r->t, 5 + i / 3);
        assert_int_equal(r->arg, (int32_t)i);
        assert_int_equal(r->code, (uint8_t)i);
        assert_int_equal(r->lane, i & 1);
    }
    timeline_free(tl);
}

/* upper/prev/next on the small timeline, with kind and lane filters. */
static void test_search_filters(void **state)
{
    (void)state;
    struct timeline *tl = small_timeline();
    const unsigned S = 1u << TL_STATE, E = 1u << TL_EVENT, C = 1u << TL_COUNTER;

    assert_int_equal(timeline_upper(tl, 5), 0);
    assert_int_equal(timeline_upper(tl, 10), 2);
    assert_int_equal(timeline_upper(tl, 15), 2);
    assert_int_equal(timeline_upper(tl, 20), 4);
    assert_int_equal(timeline_upper(tl, 39), 5);
    assert_int_equal(timeline_upper(tl, 40), 6);
    assert_int_equal(timeline_upper(tl, 1000), 6);

    assert_true(timeline_prev(tl, 10, ALL_KINDS, -1) == NONE);
    assert_int_equal(timeline_prev(tl, 11, ALL_KINDS, -1), 1);
    assert_int_equal(timeline_prev(tl, 20, ALL_KINDS, -1), 1);
    assert_true(timeline_prev(tl, 20, E, -1) == NONE);
    assert_int_equal(timeline_prev(tl, 21, E, -1), 2);
    assert_int_equal(timeline_prev(tl, 21, ALL_KINDS, -1), 3);
    assert_int_equal(timeline_prev(tl, 100, S, 1), 1);
    assert_int_equal(timeline_prev(tl, 100, C, 1), 4);
    assert_int_equal(timeline_prev(tl, 100, S | C, 0), 3);
    assert_int_equal(timeline_prev(tl, 100, S, 2), 5);
    assert_int_equal(timeline_prev(tl, 40, S | C, 2), NONE);
    assert_int_equal(timeline_prev(tl, 40, E, 2), 2);
    assert_true(timeline_prev(tl, 100, 0, -1) == NONE);
    assert_true(timeline_prev(tl, 100, ALL_KINDS, 3) == NONE);

    assert_int_equal(timeline_next(tl, 5, ALL_KINDS, -1), 0);
    assert_int_equal(timeline_next(tl, 10, ALL_KINDS, -1), 2);
    assert_int_equal(timeline_next(tl, 10, S, -1), 3);
    assert_int_equal(timeline_next(tl, 0, C, -1), 4);
    assert_int_equal(timeline_next(tl, 20, S, 2), 5);
    assert_int_equal(timeline_next(tl, 9, S, 1), 1);
    assert_true(timeline_next(tl, 10, E, 1) == NONE);
    assert_true(timeline_next(tl, 40, ALL_KINDS, -1) == NONE);
    assert_true(timeline_next(tl, 0, ALL_KINDS, 3) == NONE);
    assert_true(timeline_next(tl, 0, 0, -1) == NONE);
    timeline_free(tl);
}

/* state_at exactly on record times, between them, before and after. */
static void test_state_exact(void **state)
{
    (void)state;
    struct timeline *tl = small_timeline();
    struct tl_lane_state st[3], rp[3];

    timeline_state_at(tl, 9, st);                         /* before the first */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(st[i].rec, TL_NO_RECORD);
        assert_int_equal(st[i].since, 0);
        assert_int_equal(st[i].code | st[i].flags, 0);
        assert_int_equal(st[i].arg, 0);
    }
    timeline_state_at(tl, 10, st);                        /* exactly at t=10 */
    assert_int_equal(st[0].rec, 0);
    assert_int_equal(st[0].since, 10);
    assert_int_equal(st[0].code, 1);
    assert_int_equal(st[0].flags, 0x81);
    assert_int_equal(st[0].arg, -1);
    assert_int_equal(st[1].rec, 1);
    assert_int_equal(st[1].arg, 5);
    assert_int_equal(st[2].rec, TL_NO_RECORD);
    timeline_state_at(tl, 20, st);                        /* the event changes nothing */
    assert_int_equal(st[0].rec, 3);
    assert_int_equal(st[0].code, 4);
    assert_int_equal(st[0].flags, 0x02);
    assert_int_equal(st[0].since, 20);
    assert_int_equal(st[2].rec, TL_NO_RECORD);
    timeline_state_at(tl, 35, st);                        /* the counter updated */
    assert_int_equal(st[1].rec, 4);
    assert_int_equal(st[1].arg, 7);
    assert_int_equal(st[1].since, 30);
    timeline_state_at(tl, INT64_MAX, st);                 /* after the last */
    assert_int_equal(st[2].rec, 5);
    assert_int_equal(st[2].since, 40);
    for (gv_ns t = 0; t <= 45; t++) {
        timeline_state_at(tl, t, st);
        timeline_state_replay(tl, t, rp);
        check_states_equal(st, rp, 3, t);
    }
    timeline_free(tl);
}

/* Empty timelines, with and without lanes. */
static void test_empty(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    assert_int_equal(timeline_count(tl), 0);
    assert_int_equal(timeline_upper(tl, 0), 0);
    assert_true(timeline_prev(tl, 100, ALL_KINDS, -1) == NONE);
    assert_true(timeline_next(tl, -100, ALL_KINDS, -1) == NONE);
    assert_int_equal(timeline_end(tl), 0);
    assert_false(timeline_done(tl));
    assert_true(timeline_hash(tl) == UINT64_C(0xcbf29ce484222325));
    timeline_state_at(tl, 0, NULL);                        /* no lanes: writes nothing */
    timeline_add_lane(tl, LANE_THREAD, "a", 0, 0);
    timeline_add_lane(tl, LANE_GIL, "b", 0, 0);
    struct tl_lane_state st[2];
    memset(st, 0x5a, sizeof st);
    timeline_state_at(tl, 1000, st);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(st[i].rec, TL_NO_RECORD);
        assert_int_equal(st[i].since, 0);
        assert_int_equal(st[i].code | st[i].flags, 0);
        assert_int_equal(st[i].arg, 0);
    }
    /* appended but unpublished records are still invisible */
    timeline_append(tl, 3, 0, TL_STATE, 1, 0, 0);
    timeline_state_at(tl, 1000, st);
    assert_int_equal(st[0].rec, TL_NO_RECORD);
    assert_true(timeline_next(tl, 0, ALL_KINDS, -1) == NONE);
    timeline_finish(tl, 50);
    assert_true(timeline_done(tl));
    assert_int_equal(timeline_end(tl), 50);
    assert_int_equal(timeline_count(tl), 1);
    timeline_free(tl);
}

/* timeline_end follows the published records until finish. */
static void test_end_finish(void **state)
{
    (void)state;
    struct timeline *tl = small_timeline();
    assert_int_equal(timeline_end(tl), 40);
    timeline_append(tl, 45, 0, TL_STATE, 1, 0, 0);
    assert_int_equal(timeline_end(tl), 40);
    timeline_publish(tl);
    assert_int_equal(timeline_end(tl), 45);
    assert_false(timeline_done(tl));
    timeline_finish(tl, 100);
    assert_true(timeline_done(tl));
    assert_int_equal(timeline_end(tl), 100);
    timeline_free(tl);
}

/* The record cap: append refuses once the count reaches it. */
static void test_cap(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    timeline_add_lane(tl, LANE_THREAD, "t", 0, 0);
    timeline_set_cap(tl, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(timeline_append(tl, i, 0, TL_STATE, 1, 0, i), 0);
    assert_int_equal(timeline_append(tl, 6, 0, TL_STATE, 1, 0, 0), -1);
    assert_int_equal(timeline_append(tl, 7, 0, TL_EVENT, 1, 0, 0), -1);
    timeline_publish(tl);
    assert_int_equal(timeline_count(tl), 5);
    assert_int_equal(timeline_get(tl, 4)->t, 4);
    timeline_set_cap(tl, 6);                              /* raising it lets one more in */
    assert_int_equal(timeline_append(tl, 8, 0, TL_STATE, 1, 0, 0), 0);
    assert_int_equal(timeline_append(tl, 9, 0, TL_STATE, 1, 0, 0), -1);
    timeline_set_cap(tl, 0);
    assert_int_equal(timeline_append(tl, 9, 0, TL_STATE, 1, 0, 0), -1);
    timeline_free(tl);

    tl = timeline_new();                                  /* cap 0 from the start */
    timeline_add_lane(tl, LANE_THREAD, "t", 0, 0);
    timeline_set_cap(tl, 0);
    assert_int_equal(timeline_append(tl, 1, 0, TL_STATE, 1, 0, 0), -1);
    timeline_publish(tl);
    assert_int_equal(timeline_count(tl), 0);
    timeline_free(tl);
}

/* A memory limit stops appends at the last whole chunk that fits, for a few
 * lanes and for many (whose checkpoints weigh more), and says so. */
static void test_max_bytes(void **state)
{
    (void)state;
    static const int lanes[] = { 1, 3000 };
    for (int k = 0; k < 2; k++) {
        size_t limit = (size_t)8 << 20;
        struct timeline *tl = timeline_new();
        for (int i = 0; i < lanes[k]; i++)
            timeline_add_lane(tl, LANE_THREAD, "t", 0, i);
        timeline_set_max_bytes(tl, limit);
        uint64_t n = 0;
        while (timeline_append(tl, (gv_ns)n, (uint16_t)(n % (uint64_t)lanes[k]), TL_STATE, 1, 0, 0) == 0)
            n++;
        assert_true(timeline_mem_full(tl));
        timeline_publish(tl);
        assert_int_equal(timeline_count(tl), n);
        assert_true(n >= 4 * TL_CHUNK_RECS);                /* most of 8 MiB is used... */
        assert_int_equal(n % TL_CHUNK_RECS, 0);
        assert_true(timeline_bytes(tl) <= limit);           /* ...and no more */
        assert_true(timeline_bytes(tl) + (TL_CHUNK_RECS + TL_CHUNK_RECS / 8) * sizeof(struct tl_rec) > limit);
        timeline_free(tl);
    }
    /* no limit, or a limit that is never reached: not "full" */
    struct timeline *tl = timeline_new();
    timeline_add_lane(tl, LANE_THREAD, "t", 0, 0);
    timeline_set_max_bytes(tl, (size_t)1 << 30);
    assert_int_equal(timeline_append(tl, 1, 0, TL_STATE, 1, 0, 0), 0);
    assert_false(timeline_mem_full(tl));
    timeline_free(tl);
}

/* Lane layout of the synthetic timeline. */
enum { SYN_LANES = 50, SYN_THREADS = 40, SYN_MIXED = 44, SYN_RARE = 49 };

/* Appends by the writer's fast path (timeline_try_put, then
 * timeline_append when it declines), and how many it took. */
static int use_fast;
static uint64_t fast_puts;
static bool syn_no_prepare; /* for the timelines synthetic() makes */

static int put(struct timeline *tl, gv_ns t, uint16_t lane, uint8_t kind, uint8_t code, uint8_t flags,
               int32_t arg)
{
    if (use_fast && timeline_try_put(timeline_writer(tl), t, lane, kind, code, flags, arg)) {
        fast_puts++;
        return 0;
    }
    return timeline_append(tl, t, lane, kind, code, flags, arg);
}

/* Append n pseudo-random records (seeded) to a fresh 50-lane timeline.  Lanes
 * 0..39 take STATE records, 40..43 COUNTER, 44 both, 45..48 STATE and
 * EVENT, 49 is rare: bursts of 1-3 adjacent STATE or COUNTER records (at the
 * start, then about once per 20k records).  Half the time steps
 * are 0.  If last != NULL, it receives each lane's latest STATE/COUNTER
 * record index. */
static struct timeline *synthetic(uint64_t seed, uint32_t n, uint32_t *last)
{
    struct timeline *tl = timeline_new();
    timeline_set_prepare(tl, !syn_no_prepare);
    for (int i = 0; i < SYN_LANES; i++) {
        char name[32];
        snprintf(name, sizeof name, "L%d", i);
        timeline_add_lane(tl, i < SYN_THREADS ? LANE_THREAD : i < 45 ? LANE_SHARED : LANE_GIL,
                          name, 0, i);
    }
    if (last)
        for (int i = 0; i < SYN_LANES; i++)
            last[i] = TL_NO_RECORD;
    uint64_t s = seed;
    gv_ns t = 1000;
    int burst = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t r = rng_next(&s);
        if (r & 1)
            t += (gv_ns)((r >> 1) % 100) + 1;
        unsigned pick = (unsigned)((r >> 8) % 100);
        uint16_t lane;
        uint8_t kind;
        if (burst > 0 || i == 0 || (r >> 20) % 20000 == 0) {
            burst = burst > 0 ? burst - 1 : (int)((r >> 36) % 3);
            lane = SYN_RARE;
            kind = (r >> 40) & 1 ? TL_STATE : TL_COUNTER;
        } else if (pick < 60) {
            lane = (uint16_t)((r >> 24) % SYN_THREADS);
            kind = TL_STATE;
        } else if (pick < 75) {
            lane = (uint16_t)(40 + (r >> 24) % 5);
            kind = lane == SYN_MIXED && ((r >> 40) & 1) ? TL_STATE : TL_COUNTER;
        } else {
            lane = (uint16_t)(45 + (r >> 24) % 4);
            kind = (r >> 40) % 3 == 0 ? TL_STATE : TL_EVENT;
            if ((r >> 44) % 8 == 0)
                lane = (uint16_t)((r >> 48) % SYN_LANES);   /* events anywhere, even lane 49 */
        }
        uint8_t code = (uint8_t)((r >> 32) % TS_COUNT_);
        uint8_t flags = (uint8_t)(r >> 48);
        int32_t arg = (int32_t)(r >> 33) - (1 << 29);
        assert_int_equal(put(tl, t, lane, kind, code, flags, arg), 0);
        if (last && kind != TL_EVENT)
            last[lane] = i;
        if (i % 4096 == 0)
            timeline_publish(tl);
    }
    timeline_publish(tl);
    return tl;
}

/* A test time: a record's time, one less, anything in range, or beyond. */
static gv_ns pick_time(uint64_t *s, const struct timeline *tl)
{
    uint64_t n = timeline_count(tl);
    gv_ns lo = timeline_get(tl, 0)->t, hi = timeline_get(tl, n - 1)->t;
    switch (rng_below(s, 8)) {
    case 0: case 1: case 2:
        return timeline_get(tl, rng_below(s, n))->t;
    case 3:
        return timeline_get(tl, rng_below(s, n))->t - 1;
    case 4:
        return lo - 1 - (gv_ns)rng_below(s, 5);
    case 5:
        return hi + (gv_ns)rng_below(s, 5);
    default:
        return lo - 10 + (gv_ns)rng_below(s, (uint64_t)(hi - lo + 20));
    }
}

/* Brute-force state at t, computed here from timeline_get. */
static void brute_state(const struct timeline *tl, gv_ns t, struct tl_lane_state *out, int nl)
{
    for (int i = 0; i < nl; i++)
        out[i] = (struct tl_lane_state){ .rec = TL_NO_RECORD };
    uint64_t n = timeline_count(tl);
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *r = timeline_get(tl, i);
        if (r->t > t)
            break;
        if (r->kind != TL_EVENT)
            out[r->lane] = (struct tl_lane_state){ .rec = (uint32_t)i, .since = r->t,
                                                   .code = r->code, .flags = r->flags,
                                                   .arg = r->arg };
    }
}

/* state_at == state_replay at 1500 seeded random times on ~200k records. */
static void test_seek_random(void **state)
{
    (void)state;
    uint32_t last[SYN_LANES];
    struct timeline *tl = synthetic(0x9e3779b97f4a7c15u, 200000, last);
    assert_int_equal(timeline_count(tl), 200000);
    struct tl_lane_state a[SYN_LANES], b[SYN_LANES];

    /* the final state is each lane's last STATE/COUNTER record */
    timeline_state_at(tl, INT64_MAX, a);
    for (int i = 0; i < SYN_LANES; i++)
        assert_int_equal(a[i].rec, last[i]);
    assert_int_not_equal(last[SYN_RARE], TL_NO_RECORD);

    /* many identical times: make sure the test really has them */
    uint64_t dups = 0;
    for (uint64_t i = 1; i < 200000; i++)
        dups += timeline_get(tl, i)->t == timeline_get(tl, i - 1)->t;
    assert_true(dups > 50000);

    uint64_t s = 12345;
    for (int q = 0; q < 1500; q++) {
        gv_ns t = pick_time(&s, tl);
        timeline_state_at(tl, t, a);
        timeline_state_replay(tl, t, b);
        check_states_equal(a, b, SYN_LANES, t);
        if (q % 75 == 0) {          /* and the replay against a scan done here */
            brute_state(tl, t, b, SYN_LANES);
            check_states_equal(a, b, SYN_LANES, t);
        }
    }
    /* at every checkpoint boundary and its neighbours */
    for (uint64_t i = 0; i < 200000; i += TL_CHECKPOINT_EVERY)
        for (int d = -1; d <= 1; d++) {
            gv_ns t = timeline_get(tl, i)->t + d;
            timeline_state_at(tl, t, a);
            timeline_state_replay(tl, t, b);
            check_states_equal(a, b, SYN_LANES, t);
        }
    timeline_free(tl);
}

/* prev/next on the synthetic timeline against linear scans. */
static void test_prev_next_random(void **state)
{
    (void)state;
    struct timeline *tl = synthetic(777, 200000, NULL);
    uint64_t n = timeline_count(tl);
    static const unsigned masks[] = {
        1u << TL_STATE, 1u << TL_EVENT, 1u << TL_COUNTER,
        (1u << TL_STATE) | (1u << TL_COUNTER), ALL_KINDS,
    };
    static const int lanes[] = { -1, 0, 7, 41, SYN_MIXED, 46, SYN_RARE };
    uint64_t s = 4242;
    int found = 0;
    for (int q = 0; q < 600; q++) {
        gv_ns t = pick_time(&s, tl);
        unsigned mask = masks[rng_below(&s, 5)];
        int lane = lanes[rng_below(&s, 7)];
        uint64_t want_prev = NONE, want_next = NONE;
        for (uint64_t i = 0; i < n; i++) {
            const struct tl_rec *r = timeline_get(tl, i);
            if (!(mask & (1u << r->kind)) || (lane >= 0 && r->lane != lane))
                continue;
            if (r->t < t)
                want_prev = i;
            if (r->t > t && want_next == NONE)
                want_next = i;
        }
        uint64_t p = timeline_prev(tl, t, mask, lane), x = timeline_next(tl, t, mask, lane);
        if (p != want_prev || x != want_next)
            fail_msg("t=%lld mask=%u lane=%d: prev %llu want %llu, next %llu want %llu",
                     (long long)t, mask, lane, (unsigned long long)p,
                     (unsigned long long)want_prev, (unsigned long long)x,
                     (unsigned long long)want_next);
        found += p != NONE;
    }
    assert_true(found > 300);
    timeline_free(tl);
}

/* Many lanes: K grows past TL_CHECKPOINT_EVERY, up to a whole chunk. */
static void test_seek_wide(void **state)
{
    (void)state;
    static const int widths[] = { 300, (int)TL_MAX_LANES };
    for (int w = 0; w < 2; w++) {
        int nl = widths[w];
        struct timeline *tl = timeline_new();
        for (int i = 0; i < nl; i++)
            assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "w", 0, i), i);
        if (nl == (int)TL_MAX_LANES)
            assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "one-too-many", 0, 0), -1);
        size_t lanes_bytes = timeline_bytes(tl);
        uint64_t s = 99 + (uint64_t)w;
        gv_ns t = 0;
        for (uint32_t i = 0; i < 300000; i++) {
            uint64_t r = rng_next(&s);
            t += (gv_ns)(r & 3);
            timeline_append(tl, t, (uint16_t)((r >> 8) % (uint64_t)nl),
                            (r >> 40) % 5 == 0 ? TL_EVENT : TL_STATE, (uint8_t)(r >> 50),
                            0, (int32_t)(r >> 34));
        }
        timeline_publish(tl);
        /* checkpoints stay within ~1 byte per record however many lanes:
         * records in whole chunks, <= count bytes of checkpoints, plus
         * checkpoint 0, the writer's array and one block of slack */
        uint64_t n = timeline_count(tl);
        size_t chunks = (size_t)((n + TL_CHUNK_RECS - 1) / TL_CHUNK_RECS);
        size_t limit = chunks * TL_CHUNK_RECS * sizeof(struct tl_rec) + (size_t)n
                     + 8 * (size_t)nl + TL_CHUNK_RECS;
        assert_true(timeline_bytes(tl) - lanes_bytes <= limit);
        struct tl_lane_state *a = calloc((size_t)nl, sizeof *a);
        struct tl_lane_state *b = calloc((size_t)nl, sizeof *b);
        assert_non_null(a);
        assert_non_null(b);
        for (int q = 0; q < 60; q++) {
            gv_ns at = pick_time(&s, tl);
            timeline_state_at(tl, at, a);
            timeline_state_replay(tl, at, b);
            check_states_equal(a, b, nl, at);
            uint64_t p = timeline_prev(tl, at, 1u << TL_STATE, q % nl);
            uint64_t want = NONE;
            for (uint64_t i = timeline_upper(tl, at); i-- > 0;) {
                const struct tl_rec *r = timeline_get(tl, i);
                if (r->t < at && r->kind == TL_STATE && r->lane == q % nl) {
                    want = i;
                    break;
                }
            }
            assert_true(p == want);
        }
        free(a);
        free(b);
        timeline_free(tl);
    }
}

/* a and b both hold exactly the n records, the same ones (and hash alike). */
static void check_same_records(const struct timeline *a, const struct timeline *b, uint64_t n)
{
    assert_int_equal(timeline_count(a), n);
    assert_int_equal(timeline_count(b), n);
    for (uint64_t i = 0; i < n; i++)
        assert_memory_equal(timeline_get(a, i), timeline_get(b, i), sizeof(struct tl_rec));
    assert_true(timeline_hash(a) == timeline_hash(b));
}

/* The writer's fast path stores what timeline_append stores, leaves the
 * chunks, checkpoints and caps to it, and takes most records. */
static void test_fast_path(void **state)
{
    (void)state;
    uint32_t n = 3 * TL_CHUNK_RECS + 777;
    uint32_t la[SYN_LANES], lb[SYN_LANES];
    struct timeline *a = synthetic(4242, n, la);
    use_fast = 1;
    fast_puts = 0;
    struct timeline *b = synthetic(4242, n, lb);
    use_fast = 0;
    /* every record but the ones that start a chunk or complete a checkpoint */
    assert_true(fast_puts >= n - 2 * (n / TL_CHECKPOINT_EVERY) - 8);
    assert_true(fast_puts < n);
    check_same_records(a, b, n);
    struct tl_lane_state sa[SYN_LANES], sb[SYN_LANES];
    for (uint64_t i = 0; i < n; i += TL_CHECKPOINT_EVERY / 2)
        for (int d = -1; d <= 1; d++) {
            gv_ns t = timeline_get(a, i)->t + d;
            timeline_state_at(a, t, sa);
            timeline_state_at(b, t, sb);
            check_states_equal(sa, sb, SYN_LANES, t);
        }
    timeline_free(a);

    /* a cap set in the middle of a chunk stops the fast path too */
    gv_ns t = timeline_get(b, n - 1)->t;
    timeline_set_cap(b, n + 3);
    use_fast = 1;
    int ok = 0;
    for (int i = 0; i < 10; i++)
        ok += put(b, t, 0, TL_STATE, 1, 0, i) == 0;
    use_fast = 0;
    assert_int_equal(ok, 3);
    timeline_publish(b);
    assert_int_equal(timeline_count(b), n + 3);
    assert_int_equal(timeline_get(b, n + 2)->arg, 2);
    timeline_free(b);
}

/* Allocating chunks ahead (and faulting them in on the prefaulter's thread)
 * changes no record: the same records with and without it.  From a quarter
 * of the first chunk on, the next chunk is allocated ahead, never past the
 * cap; a timeline under a quarter chunk allocates none; a cap stops the
 * writer there as before. */
static void test_prepare(void **state)
{
    (void)state;
    uint32_t n = 5 * TL_CHUNK_RECS + 99;
    syn_no_prepare = true;
    struct timeline *a = synthetic(77, n, NULL);
    syn_no_prepare = false;
    struct timeline *b = synthetic(77, n, NULL);
    struct timeline *small = synthetic(78, TL_CHUNK_RECS / 4 - 1, NULL);
    struct timeline *one = synthetic(79, TL_CHUNK_RECS, NULL);
    assert_int_equal(timeline_prepared(a), 0);
    assert_int_equal(timeline_prepared(b), 6); /* chunks 1 to 6; 6 goes unused */
    assert_int_equal(timeline_prepared(small), 0);
    assert_int_equal(timeline_prepared(one), 1); /* at a quarter: chunk 1, unused */
    check_same_records(a, b, n);
    assert_int_equal(timeline_bytes(a), timeline_bytes(b));
    timeline_finish(b, timeline_end(a)); /* frees chunk 6 */
    timeline_free(a);
    timeline_free(b);
    timeline_free(small);
    timeline_free(one); /* frees chunk 1 without finish */

    struct timeline *c = timeline_new();
    timeline_add_lane(c, LANE_THREAD, "t", 0, 0);
    timeline_set_cap(c, 3 * TL_CHUNK_RECS);
    uint64_t ok = 0;
    for (uint32_t i = 0; i < 3 * TL_CHUNK_RECS + 10; i++)
        ok += timeline_append(c, i, 0, TL_STATE, 1, 0, (int32_t)i) == 0;
    assert_int_equal(ok, 3 * TL_CHUNK_RECS);
    assert_int_equal(timeline_prepared(c), 2); /* chunks 1 and 2: none past the cap */
    timeline_publish(c);
    assert_int_equal(timeline_get(c, 3 * TL_CHUNK_RECS - 1)->arg, 3 * TL_CHUNK_RECS - 1);
    timeline_free(c);

    /* a cap of one chunk: nothing ahead, and the rest of the chunk is asked
     * to be faulted in once, not at every checkpoint */
    struct timeline *d = timeline_new();
    timeline_add_lane(d, LANE_THREAD, "t", 0, 0);
    timeline_set_cap(d, TL_CHUNK_RECS);
    uint64_t asked = gv_prefault_asked();
    for (uint32_t i = 0; i < TL_CHUNK_RECS; i++)
        assert_int_equal(timeline_append(d, i, 0, TL_STATE, 1, 0, (int32_t)i), 0);
    assert_int_equal(timeline_prepared(d), 0);
    assert_true(gv_prefault_asked() - asked <= (uint64_t)TL_CHUNK_RECS * sizeof(struct tl_rec));
    timeline_free(d);
}

/* Identical builds hash equal; one differing record changes the hash. */
static void test_hash(void **state)
{
    (void)state;
    struct timeline *a = synthetic(31337, 100000, NULL);
    struct timeline *b = synthetic(31337, 100000, NULL);
    assert_true(timeline_hash(a) == timeline_hash(b));
    uint64_t h = timeline_hash(a);
    /* unpublished records do not count, published ones do */
    gv_ns t = timeline_get(a, 99999)->t;
    timeline_append(a, t + 1, 3, TL_STATE, 1, 0, 0);
    timeline_append(b, t + 1, 3, TL_STATE, 1, 0, 1);
    assert_true(timeline_hash(a) == h);
    timeline_publish(a);
    timeline_publish(b);
    assert_true(timeline_hash(a) != h);
    assert_true(timeline_hash(a) != timeline_hash(b));
    timeline_free(a);
    timeline_free(b);

    /* a different seed gives a different hash */
    a = synthetic(1, 1000, NULL);
    b = synthetic(2, 1000, NULL);
    assert_true(timeline_hash(a) != timeline_hash(b));
    timeline_free(a);
    timeline_free(b);
}

/* timeline_bytes grows with the records and covers at least 16 per record. */
static void test_bytes(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    size_t b0 = timeline_bytes(tl);
    timeline_add_lane(tl, LANE_THREAD, "a-long-lane-name", 0, 0);
    size_t b1 = timeline_bytes(tl);
    assert_true(b1 > b0);
    timeline_append(tl, 1, 0, TL_STATE, 1, 0, 0);
    timeline_publish(tl);
    size_t b2 = timeline_bytes(tl);
    assert_true(b2 > b1);
    for (uint32_t i = 0; i < 3 * TL_CHUNK_RECS; i++)
        timeline_append(tl, 2 + i, 0, i % 2 ? TL_EVENT : TL_STATE, 1, 0, 0);
    timeline_publish(tl);
    size_t b3 = timeline_bytes(tl);
    assert_true(b3 > b2);
    assert_true(b3 >= timeline_count(tl) * sizeof(struct tl_rec));
    /* and stays under ~17 bytes per record plus fixed overhead */
    assert_true(b3 - b0 < timeline_count(tl) * 17 + 4 * TL_CHUNK_RECS * sizeof(struct tl_rec));
    timeline_free(tl);
}

/* Run every test. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanes),
        cmocka_unit_test(test_append_get),
        cmocka_unit_test(test_search_filters),
        cmocka_unit_test(test_state_exact),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_end_finish),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_seek_random),
        cmocka_unit_test(test_prev_next_random),
        cmocka_unit_test(test_seek_wide),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_max_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
