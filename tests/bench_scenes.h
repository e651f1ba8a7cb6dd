/*
 * bench_scenes.h: the scenes the benchmarks simulate, as scene text (the
 * caller frees it): `make bench` times them (bench_engine.c), `make
 * bench-insn` counts their instructions (insn_scene.c).
 */
#ifndef GV_TESTS_BENCH_SCENES_H
#define GV_TESTS_BENCH_SCENES_H

#include <stdio.h>

#include "util.h"

/* A busy scene: CPU threads switching at `interval` plus I/O threads. */
static inline char *busy_scene(const char *interval, int cpu_threads, int io_threads, int cores, long iterations)
{
    char *buf = gv_malloc(1024);
    snprintf(buf, 1024,
             "python 3.12\ncores %d\nswitch_interval %s\nhorizon 1000s\n"
             "thread crunch x%d:\n    repeat %ld:\n        cpu 20us\n"
             "thread net x%d:\n    repeat %ld:\n        io 15us\n        cpu 5us\n",
             cores, interval, cpu_threads, iterations, io_threads, iterations);
    return buf;
}

/* asyncio: `tasks` tasks on one loop, each `rounds` x (await io, cpu, await sleep) */
static inline char *aio_scene(int tasks, int rounds)
{
    char *buf = gv_malloc(512);
    snprintf(buf, 512,
             "python 3.12\ncores 2\nhorizon 1000s\nloop app:\n    task t x%d:\n"
             "        repeat %d:\n            await io 20ms\n            cpu 20us\n"
             "            await sleep 1ms\nmain:\n    run app\n",
             tasks, rounds);
    return buf;
}

#endif
