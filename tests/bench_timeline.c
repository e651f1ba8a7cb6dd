/*
 * bench_timeline: how fast the timeline takes records and how fast it seeks.
 *
 * Builds a 10-million-record timeline shaped like a simulation (64 lanes:
 * 4 GILs, 56 threads, 4 shared counters; ~80% STATE, ~15% EVENT, ~5% COUNTER;
 * times advance by small random steps, often 0), publishing every 4000
 * records as the engine does.  Prints BENCH rows (tests/bench.h): the append
 * rate beside a plain copy of the same records into a preallocated array
 * (what appending costs at least), the memory per record beside the record's
 * 16 bytes, and the median and 99th-percentile time of timeline_state_at at
 * 10,001 random times beside a plain scan of one checkpoint interval (the
 * most a seek replays).  Always exits 0 unless the timeline refuses a record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "timeline/codes.h"
#include "timeline/timeline.h"
#include "util.h"
#include "bench.h"

#define NRECORDS 10000000u   /* a multiple of BATCH */
#define BATCH 4000u
#define NLANES 64
#define NSEEKS 10001

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
    int64_t spent = 0, copied = 0;
    /* the reference: the same records copied one by one into an array
     * allocated up front, fields as timeline_append takes them */
    struct tl_rec *plain = gv_malloc((size_t)NRECORDS * sizeof *plain);
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
        int64_t b = gv_now_ns();
        spent += b - a;
        struct tl_rec *to = plain + done;
        for (uint32_t i = 0; i < BATCH; i++) {
            const struct tl_rec *f = &batch[i];
            to[i].t = f->t, to[i].lane = f->lane, to[i].kind = f->kind, to[i].code = f->code;
            to[i].flags = f->flags, to[i].arg = f->arg;
        }
        copied += gv_now_ns() - b;
    }
    timeline_finish(tl, t);
    double append_rate = (double)NRECORDS / ((double)spent / 1e9);
    double copy_rate = (double)NRECORDS / ((double)copied / 1e9);
    double per_rec = (double)timeline_bytes(tl) / (double)timeline_count(tl);

    static struct tl_lane_state st[NLANES];
    static int64_t lat[NSEEKS], scan[NSEEKS];
    uint64_t sink = plain[NRECORDS / 2].lane;
    free(plain);
    gv_ns first = timeline_get(tl, 0)->t, last = timeline_end(tl);
    for (int q = 0; q < NSEEKS; q++) {
        gv_ns at = first + (gv_ns)(rng_next(&s) % (uint64_t)(last - first + 1));
        int64_t a = gv_now_ns();
        timeline_state_at(tl, at, st);
        lat[q] = gv_now_ns() - a;
        sink += st[q % NLANES].rec;
        uint64_t from = rng_next(&s) % (NRECORDS - TL_CHECKPOINT_EVERY);
        a = gv_now_ns();
        for (uint64_t k = from; k < from + TL_CHECKPOINT_EVERY; k++) {
            const struct tl_rec *r = timeline_get(tl, k);
            sink += (uint64_t)r->t + r->lane + r->code;
        }
        scan[q] = gv_now_ns() - a;
    }
    qsort(lat, NSEEKS, sizeof lat[0], cmp_i64);
    qsort(scan, NSEEKS, sizeof scan[0], cmp_i64);

    bench_row("timeline append", append_rate / 1e6, "M rec/s", copy_rate / 1e6, "M rec/s copy", "-");
    bench_row("timeline bytes/record", per_rec, "B", (double)sizeof(struct tl_rec), "B record", "-");
    bench_row("timeline seek median", (double)lat[NSEEKS / 2] / 1e3, "us", (double)scan[NSEEKS / 2] / 1e3,
              "us scan", "<=50");
    bench_row("timeline seek p99", (double)lat[NSEEKS * 99 / 100] / 1e3, "us",
              (double)scan[NSEEKS * 99 / 100] / 1e3, "us scan", "<=1000");
    if (sink == 1)   /* keep the seeks from being optimised away */
        putchar('\n');
    timeline_free(tl);
    return 0;
}
