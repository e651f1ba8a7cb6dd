/*
 * bench.h: the one output format of the bench_* programs.
 *
 * Every figure is one tab-separated line
 *
 *     BENCH  figure  value  unit  reference  ref_unit  target
 *
 * read by tests/bench.sh, which runs each program several times and prints
 * one table of medians.  `reference` is a figure measured in the same run
 * that `value` should be read against (NAN when there is none: printed as
 * "-"); the table's ratio is value / reference of the same run.  `target` is
 * "<=N" or ">=N" in the value's unit, or "-" when no issue names one.
 * Lines that do not start with "BENCH\t" are comments for a human.
 */
#ifndef GV_TESTS_BENCH_H
#define GV_TESTS_BENCH_H

#include <math.h>
#include <stdio.h>

static inline void bench_row(const char *figure, double value, const char *unit, double ref, const char *ref_unit,
                             const char *target)
{
    printf("BENCH\t%s\t%.6g\t%s\t", figure, value, unit);
    if (isnan(ref))
        printf("-\t-\t");
    else
        printf("%.6g\t%s\t", ref, ref_unit);
    printf("%s\n", target && *target ? target : "-");
    fflush(stdout);
}

#endif
