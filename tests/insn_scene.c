/*
 * insn_scene: simulate one benchmark scene once, for tests/insn.sh to count
 * the instructions of under callgrind.
 *
 *     insn_scene asyncio|threads [setup]
 *
 * asyncio is make bench's scene of 100,000 tasks; threads is a tenth of its
 * thread scene (the same threads, a tenth of the iterations: the cost per
 * event is the same, and callgrind runs fifty times slower than the CPU).
 * With `setup` it parses the scene and builds the engine but does not run
 * it, so that the difference of the two counts is what engine_run costs
 * (nothing is freed in either case).
 * Prints the number of events the run simulates (0 with `setup`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/scene.h"
#include "sim/engine.h"
#include "timeline/timeline.h"
#include "util.h"
#include "bench_scenes.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "setup") != 0) ||
        (strcmp(argv[1], "asyncio") != 0 && strcmp(argv[1], "threads") != 0)) {
        fprintf(stderr, "usage: insn_scene asyncio|threads [setup]\n");
        return 64;
    }
    char *text = strcmp(argv[1], "asyncio") == 0 ? aio_scene(100000, 5) : busy_scene("10us", 4, 4, 2, 12500);
    struct scene_diags d = { 0 };
    struct scene *sc = scene_parse("bench.scene", text, strlen(text), &d);
    if (!sc) {
        d.file = "bench.scene";
        scene_diags_print(&d, stderr);
        return 1;
    }
    scene_diags_free(&d);
    struct timeline *tl = timeline_new();
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    if (!e || (argc == 2 && engine_run(e, err, sizeof err) != 0)) {
        fprintf(stderr, "insn_scene: %s\n", err);
        return 1;
    }
    printf("%llu\n", (unsigned long long)engine_stats(e)->events);
    /* nothing is freed: freeing a run engine costs more than an idle one,
     * and that would count in the difference */
    return 0;
}
