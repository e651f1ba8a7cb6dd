/*
 * bench_engine: how fast the engine simulates and how big its timeline is.
 *
 * Prints, for a scene of about 10 million events: events per second (median
 * of 3 runs), timeline bytes per event, records per event, and, measured in
 * the same run, a bare binary-heap push/pop loop of the same number of
 * operations as a reference (the ratio is the engine's overhead over its
 * event queue).  Then the median seek time in that timeline, and the time per
 * event as a scene grows 10x and 100x in threads and in cores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/scene.h"
#include "sim/engine.h"
#include "sim/evq.h"
#include "sim/rng.h"
#include "timeline/timeline.h"
#include "util.h"

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

/* A busy scene: CPU threads switching at `interval` plus I/O threads. */
static char *busy_scene(const char *interval, int cpu_threads, int io_threads, int cores, long iterations)
{
    char *buf = gv_malloc(1024);
    snprintf(buf, 1024,
             "python 3.12\ncores %d\nswitch_interval %s\nhorizon 1000s\n"
             "thread crunch x%d:\n    repeat %ld:\n        cpu 20us\n"
             "thread net x%d:\n    repeat %ld:\n        io 15us\n        cpu 5us\n",
             cores, interval, cpu_threads, iterations, io_threads, iterations);
    return buf;
}

int main(void)
{
    printf("engine    (scene: 4 CPU threads at a 10 us switch interval + 4 I/O threads, 2 cores)\n");
    char *text = busy_scene("10us", 4, 4, 2, 125000);
    double secs[3];
    struct result r = { 0 };
    struct timeline *tl = NULL;
    for (int i = 0; i < 3; i++) {
        r = simulate(text, i == 2 ? &tl : NULL);
        secs[i] = r.seconds;
    }
    qsort(secs, 3, sizeof secs[0], cmp_double);
    double eps = (double)r.events / secs[1];
    double ref = heap_reference(r.events, 16);
    printf("engine    events                 %12.2f M\n", (double)r.events / 1e6);
    printf("engine    events per second      %12.2f M/s   (target >= 10 M/s; median of 3)\n", eps / 1e6);
    printf("engine    bare heap push+pop     %12.2f M/s   (same count, same run: engine costs %.1fx the heap)\n",
           (double)r.events / ref / 1e6, secs[1] / ref);
    printf("engine    timeline bytes/event   %12.2f     (target <= 32)\n", (double)r.bytes / (double)r.events);
    printf("engine    records per event      %12.2f\n", (double)r.records / (double)r.events);

    /* seek in that timeline */
    int nl = timeline_nlanes(tl);
    struct tl_lane_state *st = gv_calloc((size_t)nl, sizeof *st);
    struct rng g;
    rng_seed(&g, 5);
    gv_ns end = timeline_end(tl);
    enum { NSEEK = 2001 };
    double *lat = gv_malloc(NSEEK * sizeof *lat);
    for (int i = 0; i < NSEEK; i++) {
        gv_ns t = (gv_ns)(rng_next(&g) % (uint64_t)(end + 1));
        int64_t t0 = gv_now_ns();
        timeline_state_at(tl, t, st);
        lat[i] = (double)(gv_now_ns() - t0) / 1e3;
    }
    qsort(lat, NSEEK, sizeof *lat, cmp_double);
    printf("engine    seek median            %12.2f us   (target <= 50 us; p99 %.2f us, %d random t)\n",
           lat[NSEEK / 2], lat[NSEEK * 99 / 100], NSEEK);
    free(lat);
    free(st);
    timeline_free(tl);
    free(text);

    /* asyncio: 100,000 tasks on one loop, each awaiting I/O and a timer */
    {
        static const char aio[] = "python 3.12\ncores 2\nhorizon 1000s\nloop app:\n    task t x100000:\n"
                                  "        repeat 5:\n            await io 20ms\n            cpu 20us\n"
                                  "            await sleep 1ms\nmain:\n    run app\n";
        double as[3];
        struct result x = { 0 };
        for (int i = 0; i < 3; i++) {
            x = simulate(aio, NULL);
            as[i] = x.seconds;
        }
        qsort(as, 3, sizeof as[0], cmp_double);
        printf("asyncio   (scene: 100,000 tasks on one loop, each 5 x await io + cpu + await sleep)\n");
        printf("asyncio   events                 %12.2f M\n", (double)x.events / 1e6);
        printf("asyncio   events per second      %12.2f M/s   (target >= 10 M/s; median of 3)\n",
               (double)x.events / as[1] / 1e6);
        printf("asyncio   timeline bytes/event   %12.2f     (target <= 32)\n", (double)x.bytes / (double)x.events);
    }

    /* scaling: the same total work over 10x and 100x more threads, and
     * cores, at the default 5 ms interval (at 10 us, 1,000 waiters each wake
     * every interval: real CPython does that too, but it measures the scene,
     * not the engine) */
    printf("scale     threads  cores      events    ns/event\n");
    static const int threads[] = { 10, 100, 1000 };
    double base = 0;
    for (int i = 0; i < 3; i++) {
        char *s = busy_scene("5ms", threads[i] / 2, threads[i] / 2, 4, 400000 / threads[i]);
        struct result x = simulate(s, NULL);
        double ns = x.seconds * 1e9 / (double)x.events;
        if (i == 0)
            base = ns;
        printf("scale     %7d  %5d  %10llu  %10.1f   (%.2fx the 10-thread figure)\n", threads[i], 4,
               (unsigned long long)x.events, ns, ns / base);
        free(s);
    }
    static const int cores[] = { 1, 8, 64 };
    for (int i = 0; i < 3; i++) {
        char *s = busy_scene("5ms", cores[i] * 2, cores[i] * 2, cores[i], 100000 / cores[i]);
        struct result x = simulate(s, NULL);
        double ns = x.seconds * 1e9 / (double)x.events;
        if (i == 0)
            base = ns;
        printf("scale     %7d  %5d  %10llu  %10.1f   (%.2fx the 1-core figure)\n", cores[i] * 4, cores[i],
               (unsigned long long)x.events, ns, ns / base);
        free(s);
    }
    return 0;
}
