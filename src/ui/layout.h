/*
 * layout: draws one frame of the player into a canvas, from the timeline, the
 * scene and a view.  The same code serves the interactive player and
 * `gilviz frame`, so a golden frame is exactly what a user sees.  No curses
 * here: only canvas calls.
 *
 * Screen, top to bottom: header (title, model, cores, time, speed, play
 * state, simulation progress), a time ruler, core lanes, the GIL lane of
 * each process (holder bar and a row of marks), lock lanes, thread lanes,
 * the selected thread's explanation, the current caption, the event log,
 * stats, a legend and the key line (or a prompt).  Panels that do not fit
 * scroll; below UI_MIN_W x UI_MIN_H the frame is one message.
 *
 * Ownership: ui_data_new() borrows the timeline, scene and tally (they must
 * outlive it; the timeline's lanes must be final); layout_new() borrows the
 * data.
 */
#ifndef GV_LAYOUT_H
#define GV_LAYOUT_H

#include "../scene/scene.h"
#include "../timeline/timeline.h"
#include "canvas.h"
#include "tally.h"
#include "view.h"

/* What is fixed for a run: lanes, names, model. */
struct ui_data {
    const struct timeline *tl;
    const struct scene *sc;
    struct tally *tally;
    int nthreads, ncores, ngil, nlocks, nshared;
    int *core_lane, *gil_lane, *lock_lane, *shared_lane; /* timeline lane of each */
    int *thread_gil;        /* per thread: index into gil_lane, or -1 */
    int nloops, ntasks;     /* asyncio */
    int *loop_lane, *task_lane; /* timeline lane of each loop / task (in lane order) */
    int *task_by_index;     /* task index (a loop lane's arg) -> timeline lane, or -1 */
    int *task_loop;         /* per task (in lane order): its loop's position in loop_lane */
    int *loop_thread;       /* per loop: the thread that runs it, -1 until a record says */
    uint64_t loop_scanned;  /* records read for them */
    int task_index_max;     /* size of task_by_index */
    int free_threaded;      /* no GIL at all */
    int old_gil;
    unsigned legend_states; /* bit per TS_* code the scene can produce */
    int *shown, nshown;     /* threads that have a lane, in order: all of them until the
                               run is complete, then those that start at some point
                               (an executor's pool threads that never run have none) */
    int settled;            /* the run is complete and `shown` is final */
    int deadlock;           /* ... and it ended stuck: threads wait on each other forever */
    int sw_steps;           /* the scene calls sys.setswitchinterval */
    struct ui_switch { gv_ns t, interval; } *sw; /* in the records read so far: when */
    size_t nsw, capsw;      /* the main process's switch interval changed, and to what */
    uint64_t sw_scanned;    /* records read for them */
};

struct ui_data *ui_data_new(const struct timeline *tl, const struct scene *sc, struct tally *ty);
void ui_data_free(struct ui_data *d);
/* Read the records published since the last call for what the header
 * shows (the switch interval in force), while the engine runs. */
void ui_data_follow(struct ui_data *d);
/* Follow, and once the timeline is done: hide the lanes of threads that
 * never start in the whole run (they would only say "not started").  Hides
 * nothing before, or the second time. */
void ui_data_settle(struct ui_data *d);
/* Select the thread or task called `name` (--select): a task also gets
 * the focus, so that its wait is the one explained.  Returns -1 if there is
 * neither. */
int ui_view_select(const struct ui_data *d, struct ui_view *v, const char *name);
/* Find (/ in the player): the first thread or task after the selected one,
 * in the order of the lanes (the shown threads, then the tasks, and round
 * again), whose name contains `text` in either case; it is selected, a
 * task with the focus as with --select, a thread with the threads panel's.
 * Returns -1, changing nothing, if none does. */
int ui_view_find(const struct ui_data *d, struct ui_view *v, const char *text);
/* Position of thread i among the shown ones, or -1. */
int ui_data_shown_pos(const struct ui_data *d, int i);
/* The shown thread `delta` rows from thread i (clamped to the ends). */
int ui_data_shown_step(const struct ui_data *d, int i, int delta);
/* A view with the defaults for this scene (zoom, speed, selection). */
void ui_view_defaults(struct ui_view *v, const struct ui_data *d, int lang, int ascii, int color);

/* Where things landed in the last frame, for the mouse. */
enum ui_row_kind { ROW_NONE, ROW_CORE, ROW_GIL, ROW_LOCK, ROW_THREAD, ROW_RULER, ROW_LOG, ROW_TASK };
#define UI_GEOM_ROWS 1024
struct ui_geom {
    int small;              /* the terminal was too small */
    int strip_x, strip_w;   /* columns of the lanes' time strip */
    gv_ns t0, span;         /* time at strip_x, time the strip covers */
    int lanes_rows[PANEL_COUNT_]; /* rows each panel had */
    struct { int8_t kind; int32_t index; } row[UI_GEOM_ROWS];
};

struct layout;
struct layout *layout_new(const struct ui_data *d);
void layout_free(struct layout *l);
/* Draw the frame for `v` into `cv` (its whole size).  Normalises the scroll
 * offsets in v so the selection stays visible.  geom may be NULL. */
void layout_draw(struct layout *l, struct canvas *cv, struct ui_view *v, struct ui_geom *geom);

/* Start of the lanes' window for time t and a span: the window turns a page
 * (2/5 of the span) at a time, so the current time stays between 40% and
 * 80% of the width once it is past the first page. */
gv_ns layout_window_start(gv_ns t, gv_ns span);
/* Time at strip column x (relative to the strip) of the last frame. */
gv_ns layout_time_at_column(const struct ui_geom *g, int x);
/* "5.079094 ms": a time to the nanosecond, with a fixed number of digits
 * per unit (the header does not jitter). */
char *layout_fmt_time(gv_ns t, char *buf, size_t size);

#endif
