/*
 * bench_ui: what the player costs.
 *
 * Prints BENCH rows (tests/bench.h):
 *  - layout: CPU time to lay out and render one 200x60 frame of a scene with
 *    64 threads on 8 cores (median over 201 times spread over the run), at
 *    the default zoom and zoomed out to the whole run (the strip's column
 *    budget must keep that bounded too), and of convoy; the reference is
 *    clearing the canvas and filling every cell once;
 *  - terminal: bytes the diff-blitter makes curses write (xterm-256color,
 *    into a file) while playing at 30 frames/s on 120x40 for 10 s, beside
 *    the cells per second it handed to curses (the ratio is bytes per
 *    changed cell), for convoy and the 64-thread scene;
 *  - first frame: wall time from having a parsed scene to the first frame
 *    written, with the engine running on its own thread, for a small and a
 *    large scene, beside one steady frame (layout and terminal update) of
 *    the same view afterwards; and to the first frame that shows records
 *    (the engine publishes in batches), beside the first frame.
 * Always exits 0 unless a scene fails.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "scene/scene.h"
#include "sim/engine.h"
#include "timeline/timeline.h"
#include "ui/canvas.h"
#include "ui/layout.h"
#include "ui/tally.h"
#include "ui/term.h"
#include "ui/ui.h"
#include "util.h"
#include "bench.h"

#define LAYOUT_TARGET "<=0.5"   /* ms */
#define BYTES_TARGET "<=30"     /* KB/s */
#define FIRST_TARGET "<=50"     /* ms */

static const char scene64[] =
    "scene \"64 threads\"\n"
    "python 3.12\n"
    "cores 8\n"
    "thread cpu x32:\n"
    "    repeat 100:\n"
    "        cpu 300us \"spin\"\n"
    "        nogil 50us \"hash\"\n"
    "thread net x32:\n"
    "    repeat 500:\n"
    "        io 200us \"recv()\"\n"
    "        cpu 20us \"parse\"\n";

static const char scene_big[] =
    "scene \"1000 threads\"\n"
    "python 3.12\n"
    "cores 16\n"
    "thread worker x1000:\n"
    "    repeat 100:\n"
    "        cpu 50us \"spin\"\n"
    "        io 300us \"recv()\"\n";

static struct scene *parse_or_die(const char *name, const char *text)
{
    struct scene_diags d;
    memset(&d, 0, sizeof d);
    struct scene *sc = scene_parse(name, text, strlen(text), &d);
    if (!sc) {
        d.file = name;
        scene_diags_print(&d, stderr);
        exit(1);
    }
    scene_diags_free(&d);
    return sc;
}

/* Parse and simulate to the end. */
static struct scene *run(const char *name, const char *text, struct timeline **tl)
{
    struct scene *sc = parse_or_die(name, text);
    char err[512];
    *tl = timeline_new();
    struct engine *e = engine_new(sc, *tl, err, sizeof err);
    if (!e || engine_run(e, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", name, err);
        exit(1);
    }
    engine_free(e);
    return sc;
}

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The layout's reference: median CPU time to clear a w x h canvas and fill
 * every cell once. */
static double fill_median_ms(int w, int h)
{
    enum { N = 201 };
    struct canvas *cv = canvas_new(w, h);
    int64_t ns[N];
    for (int k = 0; k < N; k++) {
        int64_t t0 = cpu_ns();
        canvas_clear(cv);
        canvas_fill(cv, 0, 0, w, h, k & 1 ? "x" : "y", k % 4, 0);
        ns[k] = cpu_ns() - t0;
    }
    qsort(ns, N, sizeof ns[0], cmp_i64);
    canvas_free(cv);
    return (double)ns[N / 2] / 1e6;
}

/* Median CPU time of layout_draw at 201 times over the run, span 0 = default. */
static double layout_median_ms(const struct scene *sc, const struct timeline *tl, gv_ns span, int w, int h)
{
    enum { N = 201 };
    struct tally *ty = tally_new(tl);
    while (tally_advance(ty, UINT64_MAX) > 0)
        ;
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct layout *l = layout_new(d);
    struct canvas *cv = canvas_new(w, h);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    if (span)
        v.span = span;
    v.playing = 1;
    gv_ns end = timeline_end(tl);
    int64_t ns[N];
    for (int k = 0; k < N; k++) {
        v.t = end * k / (N - 1);
        int64_t t0 = cpu_ns();
        layout_draw(l, cv, &v, NULL);
        ns[k] = cpu_ns() - t0;
    }
    qsort(ns, N, sizeof ns[0], cmp_i64);
    canvas_free(cv);
    layout_free(l);
    ui_data_free(d);
    tally_free(ty);
    return (double)ns[N / 2] / 1e6;
}

/* Bytes curses writes for 10 s of playback at 30 frames/s on w x h. */
static void playback_bytes(const struct scene *sc, const struct timeline *tl, int w, int h, double *kbs,
                           double *cells_per_frame)
{
    enum { FPS = 30, SECONDS = 10 };
    *kbs = -1;
    FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
    struct term *t = out && in ? term_open_stream(out, in, "xterm-256color", w, h, 1) : NULL;
    if (!t) {
        if (out)
            fclose(out);
        if (in)
            fclose(in);
        return;
    }
    struct tally *ty = tally_new(tl);
    while (tally_advance(ty, UINT64_MAX) > 0)
        ;
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct layout *l = layout_new(d);
    struct canvas *cv = canvas_new(w, h);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    /* the first frame paints everything: count from the second one */
    layout_draw(l, cv, &v, NULL);
    term_draw(t, cv);
    fflush(out);
    struct stat st0, st1;
    fstat(fileno(out), &st0);
    long cells = 0;
    for (int f = 1; f <= FPS * SECONDS; f++) {
        v.t = v.speed * f / FPS;
        layout_draw(l, cv, &v, NULL);
        term_draw(t, cv);
        cells += term_changed_cells(t);
    }
    fflush(out);
    fstat(fileno(out), &st1);
    *kbs = (double)(st1.st_size - st0.st_size) / SECONDS / 1000.0;
    *cells_per_frame = (double)cells / (FPS * SECONDS);
    term_close(t);
    fclose(out);
    fclose(in);
    canvas_free(cv);
    layout_free(l);
    ui_data_free(d);
    tally_free(ty);
}

/* Wall time from a parsed scene to the first frame on the terminal, the
 * engine running meanwhile, as the player does it. */
static double first_frame_ms(const char *name, const char *text, double *with_records, uint64_t *records_then,
                             double *steady)
{
    struct scene *sc = parse_or_die(name, text);
    FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
    struct term *t = term_open_stream(out, in, "xterm-256color", 120, 40, 1);
    char err[512];
    int64_t t0 = gv_now_ns();
    struct timeline *tl = timeline_new();
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    struct tally *ty = tally_new(tl);
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct layout *l = layout_new(d);
    struct canvas *cv = canvas_new(120, 40);
    struct ui_view v;
    ui_view_defaults(&v, d, SCENE_LANG_EN, 0, 1);
    pthread_t th;
    if (!e || engine_start(e, &th) != 0) {
        fprintf(stderr, "%s: cannot start\n", name);
        exit(1);
    }
    v.sim_running = 1;
    tally_advance(ty, UI_FIRST_BUDGET);
    gv_ns hz = tally_horizon(ty);
    v.t = hz > 0 ? hz : 0;
    layout_draw(l, cv, &v, NULL);
    if (t)
        term_draw(t, cv);
    double ms = (double)(gv_now_ns() - t0) / 1e6;
    /* then frames as the player draws them until one shows records */
    while (tally_count(ty) == 0 && !tally_complete(ty)) {
        tally_advance(ty, UI_FIRST_BUDGET);
        hz = tally_horizon(ty);
        v.t = hz > 0 ? hz : 0;
        layout_draw(l, cv, &v, NULL);
        if (t)
            term_draw(t, cv);
    }
    *with_records = (double)(gv_now_ns() - t0) / 1e6;
    *records_then = tally_count(ty);
    engine_join(e, th, err, sizeof err);
    /* the reference: one more frame of the same view, drawn as the player
     * draws every later frame */
    int64_t s0 = gv_now_ns();
    layout_draw(l, cv, &v, NULL);
    if (t)
        term_draw(t, cv);
    *steady = (double)(gv_now_ns() - s0) / 1e6;
    if (t)
        term_close(t);
    fclose(out);
    fclose(in);
    canvas_free(cv);
    layout_free(l);
    ui_data_free(d);
    tally_free(ty);
    engine_free(e);
    timeline_free(tl);
    scene_free(sc);
    return ms;
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    struct timeline *tl64, *tlc;
    struct scene *sc64 = run("scene64", scene64, &tl64);
    char path[] = "scenes/convoy.scene";
    size_t len;
    char *convoy_text = gv_read_file(path, &len);
    if (!convoy_text) {
        fprintf(stderr, "bench_ui: run from the source tree (%s)\n", path);
        return 1;
    }
    struct scene *scc = run(path, convoy_text, &tlc);

    printf("# ui: 64 threads on 8 cores, %.2f M records; frames of 200x60\n",
           (double)timeline_count(tl64) / 1e6);
    double fill = fill_median_ms(200, 60);
    bench_row("ui layout+render 200x60 64 thr", layout_median_ms(sc64, tl64, 0, 200, 60), "ms", fill, "ms fill",
              LAYOUT_TARGET);
    bench_row("ui ... zoomed out to the run", layout_median_ms(sc64, tl64, timeline_end(tl64), 200, 60), "ms", fill,
              "ms fill", LAYOUT_TARGET);
    bench_row("ui ... convoy", layout_median_ms(scc, tlc, 0, 200, 60), "ms", fill, "ms fill", LAYOUT_TARGET);

    double kbs, cells;
    playback_bytes(scc, tlc, 120, 40, &kbs, &cells);
    if (kbs < 0) {
        printf("# ui: terminal bytes skipped (no xterm-256color terminfo)\n");
    } else {
        /* cells/frame * 30 frames/s / 1000 = k cells/s: the ratio is bytes per changed cell */
        bench_row("terminal 30 fps 120x40 convoy", kbs, "KB/s", cells * 30 / 1000, "k cells/s", BYTES_TARGET);
        playback_bytes(sc64, tl64, 120, 40, &kbs, &cells);
        bench_row("terminal ... 64 threads", kbs, "KB/s", cells * 30 / 1000, "k cells/s", BYTES_TARGET);
    }

    uint64_t recs;
    double wr, steady, m;
    m = first_frame_ms("convoy", convoy_text, &wr, &recs, &steady);
    bench_row("first frame convoy", m, "ms", steady, "ms frame", FIRST_TARGET);
    bench_row("first frame w/ records convoy", wr, "ms", m, "ms first", "-");
    printf("# first frame with records, convoy: %llu records\n", (unsigned long long)recs);
    m = first_frame_ms("big", scene_big, &wr, &recs, &steady);
    bench_row("first frame 1000 threads", m, "ms", steady, "ms frame", FIRST_TARGET);
    bench_row("first frame w/ records 1000 thr", wr, "ms", m, "ms first", "-");
    printf("# first frame with records, 1000 threads: %llu records\n", (unsigned long long)recs);

    free(convoy_text);
    timeline_free(tl64);
    timeline_free(tlc);
    scene_free(sc64);
    scene_free(scc);
    return 0;
}
