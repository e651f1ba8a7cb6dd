/*
 * strip: what each lane shows in each column of a time window, the data
 * behind every scrolling lane of the player.
 *
 * A column covers [t0 + span*c/ncols, t0 + span*(c+1)/ncols).  Its value is
 * the lane's value that lasted longest inside the column (so a short blip
 * does not hide a long wait, and a long wait is never lost between samples);
 * but a core, GIL or lock that was held for at least half the column shows
 * its longest holder, even if many short holds left the longest single
 * stretch idle.
 * Columns after `now` are STRIP_FUTURE: the player shows only what has
 * happened.  Values by lane kind:
 *   thread    its state code (TS_*), and for I/O (label + 1) << 8;
 *   core      0 when idle, else (occupant thread + 1) | (its state code << 24)
 *             (derived from thread STATE records, whose flags hold core + 1);
 *   GIL, lock holder thread + 1, 0 when free, STRIP_ABSENT without a GIL;
 *   loop      (its state << 24) | (task + 1 when it runs a task step, or
 *             (callback + 1) | STRIP_CALLBACK when it runs a callback);
 *   task      its state | (what a pending task awaits << 8).
 * Marks are bits of events inside the column (GIL lanes: drop requests,
 * switches, failed wake-ups of its threads, release checks).
 *
 * Cost: one timeline_state_at at t0, then a walk over the records of the
 * window.  A column holding more than STRIP_COLUMN_BUDGET records is not
 * walked: the walk jumps to its end with another state_at, so a frame costs
 * at most O(ncols * (budget + seek)) whatever the zoom.
 */
#ifndef GV_STRIP_H
#define GV_STRIP_H

#include <stdint.h>

#include "../timeline/timeline.h"

#define STRIP_FUTURE 0xffffffffu
#define STRIP_ABSENT 0xfffffffeu
#define STRIP_WHO(v) ((v) & 0xffffffu)   /* core value: occupant + 1 */
#define STRIP_CODE(v) ((v) >> 24)        /* core value: occupant's state */
#define STRIP_CALLBACK 0x800000u          /* loop value: runs a callback, not a task */
#define STRIP_COLUMN_BUDGET 384

enum strip_mark {
    MARK_DROP = 1,      /* drop_request set */
    MARK_SWITCH = 2,    /* voluntary GIL switch */
    MARK_FORCED = 4,    /* forced GIL switch */
    MARK_FAIL = 8,      /* failed wake-up */
    MARK_CHECK = 16,    /* old GIL: release and re-take at a check */
};

struct strip;

/* The timeline's lanes must be final. */
struct strip *strip_new(const struct timeline *tl);
void strip_free(struct strip *s);
/* Compute `ncols` columns of lanes[0..n) (timeline lane indices). */
void strip_compute(struct strip *s, gv_ns t0, gv_ns span, gv_ns now, int ncols, const int *lanes, int n);
/* Row k (the k-th requested lane): ncols values / marks. */
const uint32_t *strip_values(const struct strip *s, int k);
const uint8_t *strip_marks(const struct strip *s, int k);
/* Start of column c of the last computation. */
gv_ns strip_col_start(const struct strip *s, int c);

#endif
