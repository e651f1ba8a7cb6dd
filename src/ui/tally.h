/*
 * tally: running totals of a timeline up to any time t, for the player's
 * stats line: how long each core has been busy, how many GIL switches (and
 * forced ones, drop requests, failed wake-ups) have happened, how many writes
 * each shared variable has seen.
 *
 * The timeline only answers "what is the state at t"; sums over [0, t] would
 * need a replay from 0.  The tally indexes the published records once, in
 * bounded slices (tally_advance), storing a snapshot of its totals every K
 * records; tally_at(t) starts from the snapshot before t and replays fewer
 * than K records.  The UI thread owns it; it only reads the published prefix
 * of the timeline, so the engine may still be writing.
 *
 * Ownership: tally_new() borrows the timeline (its lanes must be final) and
 * returns a tally that tally_free() releases.
 */
#ifndef GV_TALLY_H
#define GV_TALLY_H

#include <stdint.h>

#include "../timeline/timeline.h"

struct tally;

/* Totals at one time; arrays are owned by the tally (valid until the next
 * tally_at call). */
struct tally_at {
    gv_ns t;
    const gv_ns *core_busy;        /* ncores: busy time in [0, t] */
    uint64_t switches, forced, drop_requests, failed_wakeups;
    const int64_t *increments;     /* nshared: writes after the initial value */
    const int64_t *initial;        /* nshared: the first value recorded */
};

struct tally *tally_new(const struct timeline *tl);
void tally_free(struct tally *ty);
/* Index up to `budget` more published records.  Returns how many it did. */
uint64_t tally_advance(struct tally *ty, uint64_t budget);
/* Records indexed so far. */
uint64_t tally_count(const struct tally *ty);
/* 1 when the timeline is finished and every record is indexed. */
int tally_complete(const struct tally *ty);
/* Latest time t for which everything with time <= t is indexed (and, unless
 * the timeline is complete, strictly before the newest record's time, whose
 * instant may still grow).  -1 while nothing is indexed. */
gv_ns tally_horizon(const struct tally *ty);

int tally_ncores(const struct tally *ty);
int tally_nshared(const struct tally *ty);
/* Totals at t (t <= tally_horizon).  Returns 0, or -1 if t is not indexed. */
int tally_get(struct tally *ty, gv_ns t, struct tally_at *out);

#endif
