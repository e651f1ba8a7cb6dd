/*
 * panel: the layout's internal interface.  layout.c measures the screen,
 * decides how many rows each panel gets and computes the lanes' strips in
 * one walk; each panel_* function then draws its rows of the frame.  Only
 * layout.c, lanes.c and panels.c include this header.
 */
#ifndef GV_PANEL_H
#define GV_PANEL_H

#include "../timeline/timeline.h"
#include "canvas.h"
#include "layout.h"
#include "strip.h"
#include "view.h"

struct layout {
    const struct ui_data *d;
    struct strip *strip;
    struct tl_lane_state *st;   /* every lane at v->t */
    int *occupant;              /* per core: the thread on it at v->t, or -1 */
    int *req;                   /* lanes asked of the strip, in row order */
    int nreq, cap_req;
};

/* One frame being drawn. */
struct frame {
    struct layout *l;
    const struct ui_data *d;
    const struct timeline *tl;
    struct canvas *cv;
    struct ui_view *v;
    struct ui_geom *g;
    int w, h;
    int lx, lw;       /* lane names */
    int sx, sw;       /* time strip */
    int tx, tw;       /* status column */
    gv_ns t0, span;   /* strip window */
    int mono;         /* no colour: bars in reverse video */
    int first_core, first_gil, first_lock, first_thread, first_task; /* strip rows of each panel */
};

/* Text into the canvas with printf formatting; returns cells used. */
int panel_printf(struct frame *f, int x, int y, int maxw, int style, int attr, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Short duration for people ("3.1 ms"). */
const char *panel_dur(gv_ns ns, char *buf, size_t size);
/* Thread name (lane name), "?" if out of range. */
const char *panel_thread_name(const struct frame *f, int32_t i);
/* Name of the task with index k (a loop lane's arg), "?" if unknown. */
const char *panel_task_name(const struct frame *f, int32_t k);
/* Draw `fmt` (one "%s") with thread i's name, in its colour, for the %s;
 * returns cells used. */
int panel_name_fmt(struct frame *f, int x, int y, int maxw, const char *fmt, int32_t i);
/* Record a row's meaning for the mouse. */
void panel_mark_row(struct frame *f, int y, int kind, int index);

/* layout.c */
void panel_header(struct frame *f, int y);
void panel_ruler(struct frame *f, int y);
/* lanes.c */
void panel_cores(struct frame *f, int y, int rows);
void panel_gil(struct frame *f, int y, int rows);
void panel_locks(struct frame *f, int y, int rows);
void panel_threads(struct frame *f, int y, int rows);
/* asyncio: one row per event loop, then the tasks (scrolled) */
void panel_tasks(struct frame *f, int y, int rows);
/* panels.c */
void panel_why(struct frame *f, int y);
/* Rows the longest caption (or the description) needs at this width. */
int panel_caption_rows(const struct frame *f);
void panel_caption(struct frame *f, int y, int rows);
void panel_log(struct frame *f, int y, int rows);
void panel_stats(struct frame *f, int y);
void panel_shared(struct frame *f, int y);
int panel_legend_rows(const struct frame *f);
void panel_legend(struct frame *f, int y, int rows);
void panel_keys(struct frame *f, int y);
void panel_help(struct frame *f);
void panel_small(struct frame *f);

#endif
