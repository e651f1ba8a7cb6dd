/*
 * bench_timeline: how fast the timeline takes records and how fast it seeks.
 *
 * Builds a 10-million-record timeline shaped like a simulation (64 lanes:
 * 4 GILs, 56 threads, 4 shared counters; ~80% STATE, ~15% EVENT, ~5% COUNTER;
 * times advance by small random steps, often 0), publishing every 4000
 * records as the engine does.  Prints the append rate, the memory per record,
 * and the median and 99th-percentile time of timeline_state_at at 10,001
 * random times.  Always exits 0 unless the timeline refuses a record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "timeline/codes.h"
#include "timeline/timeline.h"
#include "util.h"

#define NRECORDS 10000000u   /* a multiple of BATCH */
#define BATCH 4000u
#define NLANES 64
#define NSEEKS 10001
#define SEEK_TARGET_US 50.0

/* Deterministic xorshift64 generator. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* qsort comparator for int64_t. */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* One aligned result line. */
static void row(const char *what, double value, const char *unit)
{
    printf("timeline  %-18s%6.1f%s%s\n", what, value, *unit ? " " : "", unit);
}

/* Build, measure, print. */
int main(void)
{
    struct timeline *tl = timeline_new();
    for (int i = 0; i < NLANES; i++) {
        char name[24];
        enum tl_lane_kind k = i < 4 ? LANE_GIL : i < 60 ? LANE_THREAD : LANE_SHARED;
        snprintf(name, sizeof name, "lane-%d", i);
        timeline_add_lane(tl, k, name, i % 4, i);
    }

    /* records are generated in batches of BATCH outside the timed region,
     * so the rate is that of timeline_append (+ publish) alone */
    static struct tl_rec batch[BATCH];
    uint64_t s = 0x5eed;
    gv_ns t = 0;
    int64_t spent = 0;
    for (uint32_t done = 0; done < NRECORDS; done += BATCH) {
        for (uint32_t i = 0; i < BATCH; i++) {
            uint64_t r = rng_next(&s);
            struct tl_rec *b = &batch[i];
            t += (gv_ns)((r & 7) < 3 ? 0 : (r >> 3) % 2000);
            unsigned pick = (unsigned)((r >> 16) % 100);
            b->t = t;
            b->flags = (uint8_t)(r >> 40);
            b->arg = (int32_t)(r >> 48);
            if (pick < 80) {
                b->lane = (uint16_t)((r >> 24) % 60);
                b->kind = TL_STATE;
                b->code = (uint8_t)((r >> 32) % (b->lane < 4 ? 2 : TS_COUNT_));
            } else if (pick < 95) {
                b->lane = (uint16_t)((r >> 24) % 60);
                b->kind = TL_EVENT;
                b->code = (uint8_t)((r >> 32) % EV_COUNT_);
            } else {
                b->lane = (uint16_t)(60 + (r >> 24) % 4);
                b->kind = TL_COUNTER;
                b->code = 0;
            }
        }
        int64_t a = gv_now_ns();
        for (uint32_t i = 0; i < BATCH; i++) {
            const struct tl_rec *b = &batch[i];
            if (timeline_append(tl, b->t, b->lane, b->kind, b->code, b->flags, b->arg) != 0) {
                fprintf(stderr, "bench_timeline: append refused at record %u\n", done + i);
                return 1;
            }
        }
        timeline_publish(tl);
        spent += gv_now_ns() - a;
    }
    timeline_finish(tl, t);
    double append_rate = (double)NRECORDS / ((double)spent / 1e9);
    double per_rec = (double)timeline_bytes(tl) / (double)timeline_count(tl);

    static struct tl_lane_state st[NLANES];
    static int64_t lat[NSEEKS];
    uint64_t sink = 0;
    gv_ns first = timeline_get(tl, 0)->t, last = timeline_end(tl);
    for (int q = 0; q < NSEEKS; q++) {
        gv_ns at = first + (gv_ns)(rng_next(&s) % (uint64_t)(last - first + 1));
        int64_t a = gv_now_ns();
        timeline_state_at(tl, at, st);
        lat[q] = gv_now_ns() - a;
        sink += st[q % NLANES].rec;
    }
    qsort(lat, NSEEKS, sizeof lat[0], cmp_i64);
    double med = (double)lat[NSEEKS / 2] / 1e3, p99 = (double)lat[NSEEKS * 99 / 100] / 1e3;

    row("append", append_rate / 1e6, "M records/s");
    row("bytes per record", per_rec, "");
    char target[40];
    snprintf(target, sizeof target, "us   (target <= %.0f us)", SEEK_TARGET_US);
    row("seek median", med, target);
    row("seek p99", p99, "us");
    if (sink == 1)   /* keep the seeks from being optimised away */
        putchar('\n');
    timeline_free(tl);
    return 0;
}
