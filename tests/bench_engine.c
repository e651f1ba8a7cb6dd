/*
 * bench_engine: how fast the engine simulates and how big its timeline is.
 *
 * Prints BENCH rows (tests/bench.h; tests/bench.sh runs this several times
 * and takes medians), for a scene of about 10 million events: events per
 * second and ns per event beside a bare binary-heap pop-and-re-arm loop of
 * the same number of operations measured in the same run (the ratio is the
 * engine's overhead over its event queue), timeline bytes per event beside
 * one 16-byte record, and the median and p99 seek time in that timeline
 * beside a plain scan of one checkpoint interval (what a seek replays at
 * most).  The same for 100,000 asyncio tasks on one loop.  Then ns per event
 * as a scene grows 10x and 100x in threads, asyncio tasks and cores, each
 * beside the smallest case of the same run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefault.h"
#include "scene/scene.h"
#include "sim/engine.h"
#include "sim/evq.h"
#include "sim/rng.h"
#include "timeline/timeline.h"
#include "util.h"
#include "bench.h"
#include "bench_scenes.h"

struct result {
    double seconds;
    uint64_t events, records;
    size_t bytes;
};

static struct scene *parse_or_die(const char *text)
{
    struct scene_diags d = { 0 };
    struct scene *sc = scene_parse("bench.scene", text, strlen(text), &d);
    if (!sc) {
        d.file = "bench.scene";
        scene_diags_print(&d, stderr);
        exit(1);
    }
    scene_diags_free(&d);
    return sc;
}

/* Simulate `text`; keep the timeline in *keep if non-NULL. */
static struct result simulate(const char *text, struct timeline **keep)
{
    struct scene *sc = parse_or_die(text);
    struct timeline *tl = timeline_new();
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    if (!e) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    int64_t t0 = gv_now_ns();
    if (engine_run(e, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    int64_t t1 = gv_now_ns();
    struct result r = { (double)(t1 - t0) / 1e9, engine_stats(e)->events, timeline_count(tl),
                        timeline_bytes(tl) };
    engine_free(e);
    scene_free(sc);
    if (keep)
        *keep = tl;
    else
        timeline_free(tl);
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The reference: n timer pops through the bare indexed heap, each timer
 * re-armed at once, with a queue depth like the engine's. */
static double heap_reference(uint64_t n, uint32_t depth)
{
    struct evq q;
    struct rng r;
    evq_init(&q, depth);
    rng_seed(&r, 1);
    for (uint32_t i = 0; i < depth; i++)
        evq_set(&q, i, (gv_ns)rng_below(&r, 10000), 2);
    int64_t t0 = gv_now_ns();
    struct evq_item it = { 0, 0, 0 };
    uint64_t sink = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!evq_pop(&q, &it))
            break;
        sink += it.slot;
        evq_set(&q, it.slot, it.t + 1 + (gv_ns)rng_below(&r, 10000), 2);
    }
    int64_t t1 = gv_now_ns();
    evq_free(&q);
    if (sink == 42)
        puts("");
    return (double)(t1 - t0) / 1e9;
}

/* Median and p99 of timeline_state_at at `n` random times, in us; and of a
 * plain scan of TL_CHECKPOINT_EVERY consecutive records (the most a seek
 * replays after its checkpoint) at the same number of random places. */
static void seek_times(const struct timeline *tl, int n, double *med, double *p99, double *scan_med,
                       double *scan_p99)
{
    int nl = timeline_nlanes(tl);
    struct tl_lane_state *st = gv_calloc((size_t)nl, sizeof *st);
    struct rng g;
    rng_seed(&g, 5);
    gv_ns end = timeline_end(tl);
    uint64_t count = timeline_count(tl), sink = 0;
    double *lat = gv_malloc((size_t)n * sizeof *lat), *scan = gv_malloc((size_t)n * sizeof *scan);
    for (int i = 0; i < n; i++) {
        gv_ns t = (gv_ns)(rng_next(&g) % (uint64_t)(end + 1));
        int64_t t0 = gv_now_ns();
        timeline_state_at(tl, t, st);
        lat[i] = (double)(gv_now_ns() - t0) / 1e3;
        sink += st[i % nl].rec;
        uint64_t from = count > TL_CHECKPOINT_EVERY ? rng_next(&g) % (count - TL_CHECKPOINT_EVERY) : 0;
        uint64_t to = from + TL_CHECKPOINT_EVERY < count ? from + TL_CHECKPOINT_EVERY : count;
        t0 = gv_now_ns();
        for (uint64_t k = from; k < to; k++) {
            const struct tl_rec *r = timeline_get(tl, k);
            sink += (uint64_t)r->t + r->lane + r->code;
        }
        scan[i] = (double)(gv_now_ns() - t0) / 1e3;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    qsort(scan, (size_t)n, sizeof *scan, cmp_double);
    *med = lat[n / 2], *p99 = lat[n * 99 / 100];
    *scan_med = scan[n / 2], *scan_p99 = scan[n * 99 / 100];
    if (sink == 42)
        puts("");
    free(lat);
    free(scan);
    free(st);
}

/* One row of the scaling table: ns per event of simulating `text` (freed),
 * case i of a series named "scale N WHAT"; case 0 is the reference of the
 * others (*base), called `ref`. */
static void scale_row(char *text, int n, const char *what, int i, double *base, const char *ref)
{
    struct result x = simulate(text, NULL);
    free(text);
    double ns = x.seconds * 1e9 / (double)x.events;
    if (i == 0)
        *base = ns;
    char name[64];
    snprintf(name, sizeof name, "scale %d %s ns/event", n, what);
    printf("# %s: %llu events\n", name, (unsigned long long)x.events);
    bench_row(name, ns, "ns", *base, ref, "-");
}

int main(void)
{
    printf("# engine: 4 CPU threads at a 10 us switch interval + 4 I/O threads, 2 cores\n");
    char *text = busy_scene("10us", 4, 4, 2, 125000);
    struct timeline *tl = NULL;
    struct result r = simulate(text, &tl);
    double ref = heap_reference(r.events, 16);
    printf("# engine: %.2f M events, %.2f records per event\n", (double)r.events / 1e6,
           (double)r.records / (double)r.events);
    bench_row("engine events/s", (double)r.events / r.seconds / 1e6, "M/s", (double)r.events / ref / 1e6,
              "M/s heap", ">=10");
    bench_row("engine ns/event", r.seconds * 1e9 / (double)r.events, "ns", ref * 1e9 / (double)r.events,
              "ns heap", "-");
    bench_row("engine bytes/event", (double)r.bytes / (double)r.events, "B", (double)sizeof(struct tl_rec),
              "B record", "<=32");
    double med, p99, smed, sp99;
    seek_times(tl, 2001, &med, &p99, &smed, &sp99);
    bench_row("engine seek median", med, "us", smed, "us scan", "<=50");
    bench_row("engine seek p99", p99, "us", sp99, "us scan", "<=1000");
    timeline_free(tl);
    free(text);

    printf("# asyncio: 100,000 tasks on one loop, each 5 x (await io, cpu, await sleep)\n");
    text = aio_scene(100000, 5);
    struct result x = simulate(text, NULL);
    free(text);
    ref = heap_reference(x.events, 100000);
    bench_row("asyncio 100k tasks events/s", (double)x.events / x.seconds / 1e6, "M/s",
              (double)x.events / ref / 1e6, "M/s heap", ">=10");
    bench_row("asyncio 100k tasks bytes/event", (double)x.bytes / (double)x.events, "B",
              (double)sizeof(struct tl_rec), "B record", "<=32");
    gv_prefault_sync();
    printf("# prefaulter: %.0f MB handed to its thread so far, %llu ranges not faulted in%s\n",
           (double)gv_prefault_asked() / 1e6, (unsigned long long)gv_prefault_dropped(),
           gv_prefault_supported() ? "" : " (this kernel cannot populate memory: the runs took the faults)");

    /* scaling: the same total work over 10x and 100x more threads, tasks
     * and cores, at the default 5 ms interval (at 10 us, 1,000 waiters each
     * wake every interval: real CPython does that too, but it measures the
     * scene, not the engine) */
    static const int threads[] = { 10, 100, 1000 };
    double base = 0;
    for (int i = 0; i < 3; i++)
        scale_row(busy_scene("5ms", threads[i] / 2, threads[i] / 2, 4, 400000 / threads[i]), threads[i], "threads",
                  i, &base, "ns @10");
    static const int tasks[] = { 1000, 10000, 100000 };
    for (int i = 0; i < 3; i++)
        scale_row(aio_scene(tasks[i], 500000 / tasks[i]), tasks[i], "tasks", i, &base, "ns @1000");
    static const int cores[] = { 1, 8, 64 }; /* 4 threads per core */
    for (int i = 0; i < 3; i++)
        scale_row(busy_scene("5ms", cores[i] * 2, cores[i] * 2, cores[i], 100000 / cores[i]), cores[i], "cores", i,
                  &base, "ns @1");
    return 0;
}
