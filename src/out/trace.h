/*
 * trace: a timeline in the Chrome Trace Event Format (the JSON object form),
 * for Perfetto (ui.perfetto.dev) and chrome://tracing.
 *
 * Layout.  One "process" per Python process instance (pid = instance + 1,
 * named after it) holding, in this order, its GIL track, its threads, its
 * event loops, the loops' ready-queue counters and its tasks; locks, shared
 * variables and queues go to the main process (pid 1) after those.  One
 * more process, "machine" (pid = number of Python processes + 1, sorted
 * first), holds the captions track and one track per core.  Every lane has
 * its own tid, numbered in that order after the last pid, so that tids and
 * pids never collide; process_sort_index / thread_sort_index give the same
 * order to viewers that honour them.
 *
 * Events.
 *  - "M": process_name, process_sort_index, thread_name, thread_sort_index.
 *  - "X": one slice per state span (a span runs from its STATE record to the
 *    next STATE record of its lane, the last one to timeline_end(); spans
 *    of zero length are left out) of threads ("python", "gil-wait",
 *    "io recv()"... with the cause in words, the GIL and the core), GILs
 *    ("held by T", "free"), locks ("held by T"), tasks ("scheduled",
 *    "running", "await ..."), loops ("select", "callback cb", "step of t");
 *    and one slice per stay of a thread on a core, named after the thread
 *    (derived from the core number in the threads' STATE records).  Spans
 *    that mean "not there" carry no slice: a thread not started or done, a
 *    task not created or finished, a loop not running, a free lock.
 *  - "i" (scope "t"): drop requests, GIL switches, failed wake-ups, lost
 *    updates, deadlocks, captions (named by their English text), slow
 *    callbacks, futures done, callbacks scheduled, the horizon.
 *  - "C": shared variables, ready-queue lengths, queue lengths.
 *  - "s"/"f" flow arrows: each EV_FLOW_OUT / EV_FLOW_IN pair with the same
 *    id, and each GIL hand-over (the previous holder's drop to the next
 *    holder's take).  A flow is written only when both of its ends exist
 *    and each lies within a slice of its track, bounds included
 *    ([ts, ts + dur]); "f" binds to its enclosing slice ("bp":"e").  Flows
 *    come after every slice in the file, so a viewer that sorts stably by
 *    time sees the slice starting at a boundary before the flow end there.
 *
 * "otherData" holds generator, title, title_pt, scene, model, seed, cores,
 * end_ns, records, and the totals written: slices, instants, counters,
 * flows, gil_handovers; flows_dropped counts flows left out because an end
 * lay outside every slice of its track, flows_unmatched flow ids with one
 * end only (the effect never happened).
 *
 * Times ("ts", "dur") are microseconds with exactly three decimals, printed
 * from the integer nanoseconds (1234567 ns -> 1234.567): nothing is lost
 * or rounded.  Strings are JSON-escaped; invalid UTF-8 becomes U+FFFD.  The
 * output depends only on the timeline and the scene: the same run gives the
 * same bytes.
 */
#ifndef GV_TRACE_H
#define GV_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "../scene/scene.h"
#include "../timeline/timeline.h"

/* Write the whole trace to f.  sc may be NULL (then labels, captions and
 * the scene's settings are left out).  Returns 0, or -1 with errno set when
 * a write (or the final fflush) failed. */
int trace_write(FILE *f, const struct timeline *tl, const struct scene *sc);

/* Write the trace to `path` through outfile ("-" is standard output): the
 * file appears complete or not at all.  Returns 0, or a sysexits code
 * (EX_CANTCREAT, EX_IOERR) with a one-line message in err. */
int trace_export_file(const char *path, const struct timeline *tl, const struct scene *sc, char *err,
                      size_t errsize);

/* ns as microseconds with three decimals ("1234.567", "-0.005"); buf holds
 * at least 32 bytes.  Returns the length. */
size_t trace_fmt_time(gv_ns ns, char *buf);

#endif
