/*
 * layout: measures the screen, gives each panel its rows, computes every
 * visible lane's strip in one walk of the timeline, then lets each panel draw
 * (see panel.h).  Also the header and the time ruler, and the defaults of a
 * view for a scene.
 *
 * Rows, top to bottom: header (2), caption (1-3), ruler, cores, GIL (two
 * rows per process: holder, marks), locks, threads, the selected thread's
 * "why" line, the event log (title + at least 2 lines), stats, shared
 * variables (if any), legend (1-2), keys.  The lanes get what is left after
 * the fixed rows and a minimal log; cores, GIL and threads each keep at least
 * one row and scroll when they need more; rows to spare go to the log.
 */
#include "layout.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../out/report.h"
#include "../timeline/codes.h"
#include "../util.h"
#include "panel.h"
#include "style.h"
#include "text.h"

struct ui_data *ui_data_new(const struct timeline *tl, const struct scene *sc, struct tally *ty)
{
    struct ui_data *d = gv_calloc(1, sizeof *d);
    d->tl = tl;
    d->sc = sc;
    d->tally = ty;
    int nl = timeline_nlanes(tl);
    d->core_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    d->gil_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    d->lock_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    d->shared_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    d->loop_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    d->task_lane = gv_calloc((size_t)nl + 1, sizeof(int));
    for (int l = 0; l < nl; l++) {
        const struct tl_lane *ln = timeline_lane(tl, l);
        switch (ln->kind) {
        case LANE_THREAD: d->nthreads = l + 1; break;
        case LANE_CORE: d->core_lane[d->ncores++] = l; break;
        case LANE_GIL: d->gil_lane[d->ngil++] = l; break;
        case LANE_LOCK: d->lock_lane[d->nlocks++] = l; break;
        case LANE_SHARED: d->shared_lane[d->nshared++] = l; break;
        case LANE_LOOP: d->loop_lane[d->nloops++] = l; break;
        case LANE_TASK:
            d->task_lane[d->ntasks++] = l;
            if (ln->index + 1 > d->task_index_max)
                d->task_index_max = ln->index + 1;
            break;
        default: break;
        }
    }
    d->task_by_index = gv_calloc((size_t)d->task_index_max + 1, sizeof(int));
    /* a task's index says its group, and so its loop */
    d->task_loop = gv_calloc((size_t)d->ntasks + 1, sizeof(int));
    for (int k = 0; k < d->ntasks; k++) {
        int32_t c = scene_task_group(sc, timeline_lane(tl, d->task_lane[k])->index, NULL);
        d->task_loop[k] = -1;
        for (int m = 0; c >= 0 && m < d->nloops; m++)
            if (timeline_lane(tl, d->loop_lane[m])->index == sc->coros[c].loop)
                d->task_loop[k] = m;
    }
    d->loop_thread = gv_calloc((size_t)d->nloops + 1, sizeof(int));
    for (int m = 0; m < d->nloops; m++)
        d->loop_thread[m] = -1;
    for (int k = 0; k < d->task_index_max; k++)
        d->task_by_index[k] = -1;
    for (int k = 0; k < d->ntasks; k++)
        d->task_by_index[timeline_lane(tl, d->task_lane[k])->index] = d->task_lane[k];
    d->shown = gv_calloc((size_t)d->nthreads + 1, sizeof(int));
    for (int i = 0; i < d->nthreads; i++)
        d->shown[d->nshown++] = i;
    d->thread_gil = gv_calloc((size_t)d->nthreads + 1, sizeof(int));
    for (int i = 0; i < d->nthreads; i++) {
        d->thread_gil[i] = -1;
        for (int g = 0; g < d->ngil; g++)
            if (timeline_lane(tl, d->gil_lane[g])->proc == timeline_lane(tl, i)->proc)
                d->thread_gil[i] = g;
    }
    d->free_threaded = sc->set.gil == GIL_NONE;
    d->old_gil = sc->set.gil == GIL_OLD;
    for (int32_t g = 0; g < sc->nthreads && !d->sw_steps; g++)
        for (int32_t k = 0; k < sc->threads[g].nsteps; k++)
            d->sw_steps |= sc->threads[g].steps[k].op == OP_SETSWITCHINTERVAL;
    for (int32_t c = 0; c < sc->ncoros && !d->sw_steps; c++)
        for (int32_t k = 0; k < sc->coros[c].nsteps; k++)
            d->sw_steps |= sc->coros[c].steps[k].op == OP_SETSWITCHINTERVAL;
    /* the states this scene can show, for the legend */
    unsigned m = 1u << TS_READY | 1u << TS_OS | 1u << TS_DONE;
    if (!d->free_threaded)
        m |= 1u << TS_GIL_WAIT;
    if (sc->set.gil == GIL_NEW)
        m |= 1u << TS_SWITCH_WAIT;
    for (int32_t g = 0; g < sc->nthreads; g++) {
        for (int32_t k = 0; k < sc->threads[g].nsteps; k++) {
            switch (sc->threads[g].steps[k].op) {
            case OP_CPU: case OP_INCR: case OP_READ: case OP_WRITE: case OP_RELEASE: case OP_START:
                m |= 1u << TS_PYTHON;
                break;
            case OP_CCALL: m |= 1u << TS_CCALL; break;
            case OP_NOGIL: m |= 1u << TS_NOGIL; break;
            case OP_IO: m |= 1u << TS_IO; break;
            case OP_SLEEP: m |= 1u << TS_SLEEP; break;
            case OP_ACQUIRE: m |= 1u << TS_LOCK_WAIT | 1u << TS_PYTHON; break;
            case OP_JOIN: m |= 1u << TS_JOIN_WAIT; break;
            case OP_RUN: m |= 1u << TS_SELECT | 1u << TS_PYTHON; break;
            case OP_PUT: case OP_GET: m |= 1u << TS_QUEUE_WAIT; break;
            case OP_MAP: m |= 1u << TS_MAP_WAIT | 1u << TS_IDLE; break;
            default: break;
            }
        }
    }
    /* tasks draw their awaits of I/O and sleeps with the threads' glyphs
     * for I/O and sleep; run_in_executor's threads wait for work as idle */
    for (int32_t c = 0; c < sc->ncoros; c++) {
        for (int32_t k = 0; k < sc->coros[c].nsteps; k++) {
            switch (sc->coros[c].steps[k].op) {
            case OP_AWAIT_IO: m |= 1u << TS_IO; break;
            case OP_AWAIT_SLEEP: m |= 1u << TS_SLEEP; break;
            case OP_AWAIT_EXECUTOR: m |= 1u << TS_IDLE; break;
            default: break;
            }
        }
    }
    d->legend_states = m;
    ui_data_settle(d);   /* a finished run (frame, render) hides its unstarted lanes at once */
    return d;
}

void ui_data_free(struct ui_data *d)
{
    if (!d)
        return;
    free(d->core_lane);
    free(d->gil_lane);
    free(d->lock_lane);
    free(d->shared_lane);
    free(d->thread_gil);
    free(d->loop_lane);
    free(d->task_lane);
    free(d->task_by_index);
    free(d->task_loop);
    free(d->loop_thread);
    free(d->shown);
    free(d->sw);
    free(d);
}

void ui_data_follow(struct ui_data *d)
{
    /* the thread of each loop: the first that waits in its select() */
    int unknown = 0;
    for (int m = 0; m < d->nloops; m++)
        unknown += d->loop_thread[m] < 0;
    if (unknown > 0) {
        uint64_t nrec = timeline_count(d->tl);
        for (uint64_t i = d->loop_scanned; i < nrec && unknown > 0; i++) {
            const struct tl_rec *r = timeline_get(d->tl, i);
            if (r->kind != TL_STATE || r->lane >= d->nthreads || r->code != TS_SELECT)
                continue;
            for (int m = 0; m < d->nloops; m++)
                if (d->loop_thread[m] < 0 && timeline_lane(d->tl, d->loop_lane[m])->index == r->arg) {
                    d->loop_thread[m] = r->lane;
                    unknown--;
                }
        }
        d->loop_scanned = nrec;
    }
    /* sys.setswitchinterval calls of the main process, for the header */
    if (!d->sw_steps || d->ngil == 0)
        return;
    uint64_t nrec = timeline_count(d->tl);
    for (uint64_t i = d->sw_scanned; i < nrec; i++) {
        const struct tl_rec *r = timeline_get(d->tl, i);
        if (r->kind != TL_EVENT || r->code != EV_SWITCH_INTERVAL || r->lane != d->gil_lane[0])
            continue;
        d->sw = gv_grow(d->sw, &d->capsw, d->nsw + 1, sizeof *d->sw);
        d->sw[d->nsw++] = (struct ui_switch){ r->t, (gv_ns)r->arg * GV_NS_PER_US };
    }
    d->sw_scanned = nrec;
}

void ui_data_settle(struct ui_data *d)
{
    ui_data_follow(d);
    if (d->settled || !timeline_done(d->tl))
        return;
    d->settled = 1;
    struct tl_lane_state *st = gv_calloc((size_t)timeline_nlanes(d->tl) + 1, sizeof *st);
    timeline_state_at(d->tl, timeline_end(d->tl), st);
    int n = 0;
    for (int i = 0; i < d->nthreads; i++)   /* nobody goes back to "new": a thread new at the end never started */
        if (st[i].rec != TL_NO_RECORD && st[i].code != TS_NEW)
            d->shown[n++] = i;
    free(st);
    if (n > 0)   /* a scene where nothing starts keeps its lanes */
        d->nshown = n;
    /* the engine says a run ended stuck with an event among its last
     * records (the states it flushes at the end may follow it) */
    uint64_t nrec = timeline_count(d->tl);
    for (uint64_t i = nrec, k = 0; i > 0 && k < 256; i--, k++) {
        const struct tl_rec *r = timeline_get(d->tl, i - 1);
        if (r->kind == TL_EVENT && r->code == EV_DEADLOCK)
            d->deadlock = 1;
    }
}

int ui_view_select(const struct ui_data *d, struct ui_view *v, const char *name)
{
    for (int i = 0; i < d->nthreads; i++)
        if (strcmp(timeline_lane(d->tl, i)->name, name) == 0) {
            v->sel = i;
            return 0;
        }
    for (int k = 0; k < d->ntasks; k++)
        if (strcmp(timeline_lane(d->tl, d->task_lane[k])->name, name) == 0) {
            v->sel_task = k;
            v->focus = PANEL_TASKS;
            return 0;
        }
    return -1;
}

/* Does `name` contain `text`, ASCII letters of either case alike? */
static bool name_has(const char *name, const char *text)
{
    size_t n = strlen(text);
    for (; *name; name++) {
        size_t k = 0;
        while (k < n && name[k] && tolower((unsigned char)name[k]) == tolower((unsigned char)text[k]))
            k++;
        if (k == n)
            return true;
    }
    return n == 0;
}

int ui_view_find(const struct ui_data *d, struct ui_view *v, const char *text)
{
    int n = d->nshown + d->ntasks;
    if (n == 0 || !*text)
        return -1;
    /* where the selection is in that order: the search starts after it */
    int at = v->focus == PANEL_TASKS && d->ntasks > 0 ? d->nshown + v->sel_task : ui_data_shown_pos(d, v->sel);
    for (int k = 1; k <= n; k++) {
        int j = (at + k) % n;   /* (at is -1 when nothing is selected: from the first) */
        int lane = j < d->nshown ? d->shown[j] : d->task_lane[j - d->nshown];
        if (!name_has(timeline_lane(d->tl, lane)->name, text))
            continue;
        if (j < d->nshown) {
            v->sel = d->shown[j];
            v->focus = PANEL_THREADS;
        } else {
            v->sel_task = j - d->nshown;
            v->focus = PANEL_TASKS;
        }
        return 0;
    }
    return -1;
}

/* The main process's switch interval at time t, or -1 for the scene's. */
static gv_ns switch_interval_at(const struct ui_data *d, gv_ns t)
{
    size_t lo = 0, hi = d->nsw;   /* the first change after t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->sw[mid].t <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 ? d->sw[lo - 1].interval : -1;
}

int ui_data_shown_pos(const struct ui_data *d, int i)
{
    for (int k = 0; k < d->nshown; k++)
        if (d->shown[k] == i)
            return k;
    return -1;
}

int ui_data_shown_step(const struct ui_data *d, int i, int delta)
{
    if (d->nshown == 0)
        return i;
    int k = ui_data_shown_pos(d, i);
    if (k < 0) {   /* not shown: start from the next shown thread */
        k = 0;
        while (k < d->nshown - 1 && d->shown[k] < i)
            k++;
        if (delta > 0)
            delta--;
    }
    k += delta;
    k = k < 0 ? 0 : k >= d->nshown ? d->nshown - 1 : k;
    return d->shown[k];
}

void ui_view_defaults(struct ui_view *v, const struct ui_data *d, int lang, int ascii, int color)
{
    memset(v, 0, sizeof *v);
    const struct scene_settings *s = &d->sc->set;
    /* the zoom shows a few periods of the mechanism at work; the strip
     * takes about 20 s to cross the screen */
    gv_ns period = s->gil == GIL_NEW ? s->switch_interval
                 : s->gil == GIL_OLD ? s->check_interval * s->bytecode + s->signal_cost
                                     : s->timeslice;
    v->span = period * 8;
    if (v->span < 10 * GV_NS_PER_US)
        v->span = 10 * GV_NS_PER_US;
    /* round the span down to 1-2-5 */
    gv_ns p = 1;
    while (p * 10 <= v->span)
        p *= 10;
    v->span = v->span >= 5 * p ? 5 * p : v->span >= 2 * p ? 2 * p : p;
    v->speed = v->span / 20;
    p = 1;
    while (p * 10 <= v->speed)
        p *= 10;
    v->speed = v->speed >= 5 * p ? 5 * p : v->speed >= 2 * p ? 2 * p : p;
    v->playing = 1;
    v->lang = lang;
    v->ascii = ascii;
    v->color = color;
    v->focus = PANEL_THREADS;
    /* select the thread that tells the story: main if it runs an event
     * loop, else the first thread the scene names other than main (not an
     * executor's) */
    int main_runs_loop = 0;
    for (int32_t g = 0; g < d->sc->nthreads; g++)
        if (strcmp(d->sc->threads[g].name, "main") == 0)
            for (int32_t k = 0; k < d->sc->threads[g].nsteps; k++)
                main_runs_loop |= d->sc->threads[g].steps[k].op == OP_RUN;
    for (int i = 0; i < d->nthreads; i++) {
        const char *name = timeline_lane(d->tl, i)->name;
        if (main_runs_loop ? strcmp(name, "main") == 0
                           : strcmp(name, "main") != 0 && !strstr(name, "-executor")) {
            v->sel = i;
            break;
        }
    }
}

gv_ns layout_window_start(gv_ns t, gv_ns span)
{
    gv_ns page = span * 2 / 5;
    if (page < 1)
        page = 1;
    gv_ns k = t / page;
    return k >= 1 ? (k - 1) * page : 0;
}

gv_ns layout_time_at_column(const struct ui_geom *g, int x)
{
    if (g->strip_w <= 0)
        return g->t0;
    return g->t0 + (gv_ns)((__int128)g->span * x / g->strip_w);
}

char *layout_fmt_time(gv_ns t, char *buf, size_t size)
{
    if (t < 0)
        t = 0;
    if (t < GV_NS_PER_US)
        snprintf(buf, size, "%" PRId64 " ns", t);
    else if (t < GV_NS_PER_MS)
        snprintf(buf, size, "%.3f us", (double)t / 1e3);
    else if (t < GV_NS_PER_S)
        snprintf(buf, size, "%" PRId64 ".%06" PRId64 " ms", t / GV_NS_PER_MS, t % GV_NS_PER_MS);
    else
        snprintf(buf, size, "%" PRId64 ".%09" PRId64 " s", t / GV_NS_PER_S, t % GV_NS_PER_S);
    return buf;
}

struct layout *layout_new(const struct ui_data *d)
{
    struct layout *l = gv_calloc(1, sizeof *l);
    l->d = d;
    l->strip = strip_new(d->tl);
    l->st = gv_calloc((size_t)timeline_nlanes(d->tl) + 1, sizeof *l->st);
    l->occupant = gv_calloc((size_t)d->ncores + 1, sizeof *l->occupant);
    return l;
}

void layout_free(struct layout *l)
{
    if (!l)
        return;
    strip_free(l->strip);
    free(l->st);
    free(l->occupant);
    free(l->req);
    free(l);
}

/* ---- helpers shared by the panels ------------------------------------------ */

int panel_printf(struct frame *f, int x, int y, int maxw, int style, int attr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return canvas_text(f->cv, x, y, maxw, buf, style, attr);
}

const char *panel_dur(gv_ns ns, char *buf, size_t size)
{
    return gv_fmt_duration(ns < 0 ? 0 : ns, buf, size);
}

const char *panel_thread_name(const struct frame *f, int32_t i)
{
    if (i < 0 || i >= f->d->nthreads)
        return "?";
    return timeline_lane(f->tl, i)->name;
}

int panel_name_fmt(struct frame *f, int x, int y, int maxw, const char *fmt, int32_t i)
{
    const char *pct = strstr(fmt, "%s");
    char head[128];
    int used = 0;
    if (!pct)
        return canvas_text(f->cv, x, y, maxw, fmt, ST_DEFAULT, 0);
    snprintf(head, sizeof head, "%.*s", (int)(pct - fmt), fmt);
    used += canvas_text(f->cv, x, y, maxw, head, ST_DEFAULT, 0);
    used += canvas_text(f->cv, x + used, y, maxw - used, panel_thread_name(f, i), style_thread_role(i), CV_BOLD);
    used += canvas_text(f->cv, x + used, y, maxw - used, pct + 2, ST_DEFAULT, 0);
    return used;
}

void panel_mark_row(struct frame *f, int y, int kind, int index)
{
    if (f->g && y >= 0 && y < UI_GEOM_ROWS) {
        f->g->row[y].kind = (int8_t)kind;
        f->g->row[y].index = index;
    }
}

/* ---- header and ruler --------------------------------------------------------- */

void panel_header(struct frame *f, int y)
{
    const struct ui_view *v = f->v;
    int bar = ST_BAR, bar_attr = f->mono ? CV_REVERSE : 0;
    canvas_fill(f->cv, 0, y, f->w, 1, " ", bar, bar_attr);
    const char *title = scene_text_get(&f->d->sc->title, v->lang);
    if (!title || !*title)
        title = f->d->sc->file ? f->d->sc->file : "";
    char right[224], cores[48];
    if (f->d->ncores == 1)
        snprintf(cores, sizeof cores, "%s", text_get(v->lang, T_CORE1));
    else
        snprintf(cores, sizeof cores, text_get(v->lang, T_NCORES), f->d->ncores);
    char model[160];
    report_model(f->d->sc, v->lang, switch_interval_at(f->d, v->t), model, sizeof model);
    snprintf(right, sizeof right, "%s · %s ", model, cores);
    int rw = canvas_text_width(right);
    int x = 1;
    x += canvas_text(f->cv, x, y, f->w - rw - 3, "gilviz", bar, bar_attr | CV_BOLD);
    x += canvas_text(f->cv, x, y, f->w - rw - 3 - x, " · ", bar, bar_attr);
    canvas_text(f->cv, x, y, f->w - rw - 2 - x, title, ST_BAR_ACCENT, bar_attr | CV_BOLD);
    canvas_text(f->cv, f->w - rw, y, rw, right, bar, bar_attr);

    /* second row: play state and speed | time | total or progress */
    y++;
    char sp[32], tbuf[40], buf[200];
    const char *state;
    gv_ns end = timeline_end(f->tl);
    int at_end = !v->sim_running && v->t >= end;
    if (v->playing)
        state = v->ascii ? "> " : "▶ ";
    else
        state = v->ascii ? "|| " : "‖ ";
    if (at_end && !v->playing)
        state = v->ascii ? "[] " : "■ ";
    x = 1;
    x += canvas_text(f->cv, x, y, -1, state, ST_PLAYHEAD, CV_BOLD);
    enum text_id said = v->playing ? T_PLAYING : T_PAUSED;
    if (at_end && !v->playing)
        said = f->d->deadlock ? T_END_DEADLOCK : T_END;
    x += canvas_text(f->cv, x, y, -1, text_get(v->lang, said), said == T_END_DEADLOCK ? ST_WARN : ST_PLAYHEAD, CV_BOLD);
    snprintf(buf, sizeof buf, "   %s = 1 s", panel_dur(v->speed, sp, sizeof sp));
    x += canvas_text(f->cv, x, y, -1, buf, ST_DEFAULT, 0);

    snprintf(buf, sizeof buf, "t = %s", layout_fmt_time(v->t, tbuf, sizeof tbuf));
    int cw = canvas_text_width(buf);
    int cx = (f->w - cw) / 2;
    if (cx < x + 2)
        cx = x + 2;
    canvas_text(f->cv, cx, y, -1, buf, ST_DEFAULT, CV_BOLD);

    if (v->sim_error[0]) {
        snprintf(buf, sizeof buf, "%s", text_get(v->lang, T_SIM_STOPPED)); /* why: in the caption's rows */
    } else if (v->sim_running) {
        static const char spin[] = "-\\|/";
        snprintf(buf, sizeof buf, text_get(v->lang, T_SIMULATING), spin[v->spinner & 3],
                 panel_dur(end, sp, sizeof sp));
    } else if (v->stopped_by != UI_STOP_NONE) {
        /* cut short: the end in short form, and what cut it (fits 80 columns) */
        static const enum text_id why[] = { T_STOP_HORIZON, T_STOP_HORIZON, T_STOP_EVENTS, T_STOP_MEMORY };
        snprintf(buf, sizeof buf, "/ %s · %s", panel_dur(end, sp, sizeof sp),
                 text_get(v->lang, why[v->stopped_by & 3]));
    } else {
        snprintf(buf, sizeof buf, "/ %s", layout_fmt_time(end, tbuf, sizeof tbuf));
    }
    int rw2 = canvas_text_width(buf);
    int rx = f->w - rw2 - 1;
    if (rx < cx + cw + 2)
        rx = cx + cw + 2;
    canvas_text(f->cv, rx, y, f->w - rx, buf, v->sim_error[0] ? ST_WARN : v->sim_running ? ST_PLAYHEAD : ST_DIM,
                0);
}

/* Smallest 1-2-5 step whose labels are at least `cols` columns apart. */
static gv_ns ruler_step(gv_ns span, int sw, int cols)
{
    for (gv_ns p = 1; p < GV_NS_MAX; p *= 10) {
        static const int mult[] = { 1, 2, 5 };
        for (int k = 0; k < 3; k++) {
            gv_ns s = p * mult[k];
            if ((__int128)s * sw >= (__int128)span * cols)
                return s;
        }
    }
    return span;
}

void panel_ruler(struct frame *f, int y)
{
    const struct ui_view *v = f->v;
    char buf[48];
    panel_mark_row(f, y, ROW_RULER, 0);
    canvas_text(f->cv, f->lx, y, f->lw, text_get(v->lang, T_TIME), ST_DIM, 0);
    canvas_fill(f->cv, f->sx, y, f->sw, 1, v->ascii ? "-" : "─", ST_DIM, 0);
    gv_ns step = ruler_step(f->span, f->sw, 11);
    gv_ns first = (f->t0 + step - 1) / step * step;
    int now_x = v->t >= f->t0 && v->t < f->t0 + f->span ? (int)((__int128)(v->t - f->t0) * f->sw / f->span) : -1;
    for (gv_ns tk = first; tk < f->t0 + f->span; tk += step) {
        int x = (int)((__int128)(tk - f->t0) * f->sw / f->span);
        canvas_put(f->cv, f->sx + x, y, v->ascii ? "+" : "┬", ST_DIM, 0);
        const char *label = tk ? panel_dur(tk, buf, sizeof buf) : "0";
        int lw = canvas_text_width(label);
        /* whole labels only, with a rule after them (one that ends the strip
         * reads into the status column: "┬105 us view 20 us"), and none under
         * the playhead (it would read "┬2▼ ms") */
        if (x + 1 + lw < f->sw && (now_x < x + 1 || now_x > x + lw))
            canvas_text(f->cv, f->sx + x + 1, y, -1, label, ST_DIM, 0);
    }
    if (now_x >= 0)
        canvas_put(f->cv, f->sx + now_x, y, v->ascii ? "v" : "▼", ST_PLAYHEAD, CV_BOLD);
    char z[32];
    panel_printf(f, f->tx, y, f->tw, ST_DIM, 0, text_get(v->lang, T_VIEW), panel_dur(f->span, z, sizeof z));
}

/* ---- the frame ------------------------------------------------------------------ */

/* Give each panel its rows.  Returns the rows left for the log. */
static int allocate(struct frame *f, int avail, int *c, int *g, int *lk, int *th, int *tk)
{
    const struct ui_data *d = f->d;
    int C = d->ncores, G = d->free_threaded ? d->ngil : 2 * d->ngil, L = d->nlocks, T = d->nshown;
    int K = d->nloops + d->ntasks;   /* loops, then their tasks */
    int unit = d->free_threaded ? 1 : 2;   /* rows per process */
    *g = G < unit ? G : unit;
    *c = C < 1 ? C : 1;
    *lk = L < 1 ? L : 1;
    *th = T < 1 ? T : 1;
    *tk = K < d->nloops + 1 ? K : d->nloops + 1;
    int rem = avail - *g - *c - *lk - *th - *tk;
    if (rem < 0) {   /* cannot happen at 80x24 with one process; drop locks, then cores */
        while (rem < 0 && *lk > 0)
            (*lk)--, rem++;
        while (rem < 0 && *c > 0)
            (*c)--, rem++;
    }
    /* the GIL first (up to a third of the space), then threads, tasks and
     * cores together (one core row per two thread or task rows), then locks */
    int gmax = avail / 3 > unit ? avail / 3 / unit * unit : unit;
    while (rem >= unit && *g + unit <= G && *g + unit <= gmax)
        *g += unit, rem -= unit;
    while (rem > 0 && (*th < T || *c < C || *tk < K)) {
        if (*th < T)
            (*th)++, rem--;
        /* with an event loop the tasks tell the story: two rows for one */
        for (int k = 0; k < 2 && rem > 0 && *tk < K; k++)
            (*tk)++, rem--;
        if (rem > 0 && *c < C && (*c * 2 <= *th + *tk - d->nloops || (*th == T && *tk == K)))
            (*c)++, rem--;
    }
    while (rem > 0 && *lk < L)
        (*lk)++, rem--;
    while (rem >= unit && *g + unit <= G)
        *g += unit, rem -= unit;
    return rem;
}

/* Clamp a panel's first row so `want` (or the end) stays visible. */
static int clamp_top(int top, int rows, int total, int want)
{
    if (want >= 0) {
        /* with a row of context on either side when there is room, so the
         * wanted row is not where a scroll arrow goes */
        int off = rows >= 3 ? 1 : 0;
        if (want - off < top)
            top = want - off;
        if (want + off >= top + rows)
            top = want + off - rows + 1;
    }
    if (top > total - rows)
        top = total - rows;
    return top < 0 ? 0 : top;
}

/* A thread worth a lane on a crowded screen: started, not done, and not
 * just waiting in join() for the others (main, in most scenes). */
static int thread_active(const struct tl_lane_state *st)
{
    return st->rec != TL_NO_RECORD && st->code != TS_NEW && st->code != TS_DONE && st->code != TS_JOIN_WAIT;
}

static int task_active(const struct tl_lane_state *st)
{
    return st->rec != TL_NO_RECORD && st->code != TK_NEW && st->code != TK_DONE && st->code != TK_CANCELLED;
}

/* Of the `n` lanes (timeline lanes in `lane`), `rows` from `top` on screen:
 * when some do not fit and none on screen is active, the first active one
 * (its index), else -1. */
static int first_active_hidden(const int *lane, int n, int top, int rows, const struct tl_lane_state *st,
                               int (*active)(const struct tl_lane_state *))
{
    if (rows <= 0 || rows >= n)
        return -1;
    for (int k = top; k < top + rows && k < n; k++)
        if (active(&st[lane[k]]))
            return -1;
    for (int k = 0; k < n; k++)
        if (active(&st[lane[k]]))
            return k;
    return -1;
}

/* While playing, the panels follow the action: when the lanes do not all
 * fit and none of the shown ones is busy (a scene's second part runs other
 * threads), scroll to the first that is, and select it, so its wait is the
 * one explained.  Paused, the teacher's scrolling and selection stay. */
static void follow_action(const struct ui_data *d, struct ui_view *v, const struct tl_lane_state *st, int nth,
                          int task_rows)
{
    if (!v->playing)
        return;
    int k = first_active_hidden(d->shown, d->nshown, v->top_threads, nth, st, thread_active);
    if (k >= 0) {
        v->sel = d->shown[k];
        v->top_threads = clamp_top(k, nth, d->nshown, k);
    }
    k = first_active_hidden(d->task_lane, d->ntasks, v->top_tasks, task_rows, st, task_active);
    if (k >= 0) {
        v->sel_task = k;
        v->top_tasks = clamp_top(k, task_rows, d->ntasks, k);
    }
}

/* Append a lane to the strip request. */
static void request(struct layout *l, int lane)
{
    if (l->nreq == l->cap_req) {
        l->cap_req = l->cap_req ? 2 * l->cap_req : 64;
        l->req = gv_realloc(l->req, (size_t)l->cap_req * sizeof *l->req);
    }
    l->req[l->nreq++] = lane;
}

void layout_draw(struct layout *l, struct canvas *cv, struct ui_view *v, struct ui_geom *geom)
{
    const struct ui_data *d = l->d;
    struct frame fr = { .l = l, .d = d, .tl = d->tl, .cv = cv, .v = v, .g = geom, .w = cv->w, .h = cv->h };
    struct frame *f = &fr;
    f->mono = !v->color;
    canvas_set_ascii(cv, v->ascii);
    canvas_clear(cv);
    if (geom)
        memset(geom, 0, sizeof *geom);
    if (cv->w < UI_MIN_W || cv->h < UI_MIN_H) {
        if (geom)
            geom->small = 1;
        panel_small(f);
        return;
    }
    if (d->nthreads > 0 && (v->sel < 0 || v->sel >= d->nthreads))
        v->sel = v->sel < 0 ? 0 : d->nthreads - 1;
    if (d->nshown > 0 && ui_data_shown_pos(d, v->sel) < 0)
        v->sel = ui_data_shown_step(d, v->sel, 0);   /* its lane is hidden: the next one */

    /* columns: margin, names (as wide as the widest, at most NAME_COL_MAX:
     * the scans stop there, so 1,000 threads or tasks cost nothing per
     * frame once one long name is found), strip, status */
    enum { NAME_COL_MAX = 14 };
    int lw = 6;
    for (int k = 0; k < d->nshown && lw < NAME_COL_MAX; k++) {
        int n = canvas_text_width(timeline_lane(d->tl, d->shown[k])->name);
        lw = n > lw ? n : lw;
    }
    for (int k = 0; k < d->nlocks; k++) {   /* "lock a", "trava a": as the lane says it */
        char lockname[96];
        snprintf(lockname, sizeof lockname, text_get(v->lang, T_LOCK), timeline_lane(d->tl, d->lock_lane[k])->name);
        int n = canvas_text_width(lockname);
        lw = n > lw ? n : lw;
    }
    if (d->ngil > 1)
        for (int k = 0; k < d->ngil; k++) {
            int n = canvas_text_width(timeline_lane(d->tl, d->gil_lane[k])->name) + 4;
            lw = n > lw ? n : lw;
        }
    /* loops and tasks share the name column: "loop app", "consumer" */
    for (int k = 0; k < d->nloops; k++) {
        char loopname[96];
        snprintf(loopname, sizeof loopname, text_get(v->lang, T_LOOP), timeline_lane(d->tl, d->loop_lane[k])->name);
        int n = canvas_text_width(loopname);
        lw = n > lw ? n : lw;
    }
    for (int k = 0; k < d->ntasks && lw < NAME_COL_MAX; k++) {
        int n = canvas_text_width(timeline_lane(d->tl, d->task_lane[k])->name);
        lw = n > lw ? n : lw;
    }
    char corename[32];
    snprintf(corename, sizeof corename, text_get(v->lang, T_CORE_N), d->ncores - 1);
    lw = canvas_text_width(corename) > lw ? canvas_text_width(corename) : lw;
    lw = lw > NAME_COL_MAX ? NAME_COL_MAX : lw;
    f->lx = 1;
    f->lw = lw;
    f->sx = f->lx + lw + 1;
    f->tw = f->w / 4 < 24 ? 24 : f->w / 4 > 44 ? 44 : f->w / 4;
    f->tx = f->w - f->tw;
    f->sw = f->tx - 1 - f->sx;
    f->span = v->span > f->sw ? v->span : f->sw;
    f->t0 = layout_window_start(v->t, f->span);
    if (geom) {
        geom->strip_x = f->sx;
        geom->strip_w = f->sw;
        geom->t0 = f->t0;
        geom->span = f->span;
    }

    /* rows */
    int legend = panel_legend_rows(f);
    /* captions: as many rows as the longest note needs (1 to 3), so the
     * layout does not jump when the caption changes */
    int cap = panel_caption_rows(f), shared = d->nshared > 0;
    int cap_max = f->h >= 30 ? 3 : 2;
    cap = cap < 1 ? 1 : cap > cap_max ? cap_max : cap;
    int fixed = 2 + cap + 1 + 1 + 1 + shared + legend + 1;   /* header, caption, ruler, why, stats, shared, legend, keys */
    int log_min = 3;
    int nc, ng, nlk, nth, ntk;
    int spare = allocate(f, f->h - fixed - log_min, &nc, &ng, &nlk, &nth, &ntk);
    int sep = spare > 0 ? 1 : 0;
    spare -= sep;
    int logrows = log_min + spare;

    int unit = d->free_threaded ? 1 : 2;
    v->top_cores = clamp_top(v->top_cores, nc, d->ncores, -1);
    v->top_gil = clamp_top(v->top_gil, ng / unit, d->ngil, -1);
    v->top_threads = clamp_top(v->top_threads, nth, d->nshown, ui_data_shown_pos(d, v->sel));
    int task_rows = ntk > d->nloops ? ntk - d->nloops : 0;
    v->top_tasks = clamp_top(v->top_tasks, task_rows, d->ntasks, v->focus == PANEL_TASKS ? v->sel_task : -1);
    if (geom) {
        geom->lanes_rows[PANEL_CORES] = nc;
        geom->lanes_rows[PANEL_GIL] = ng;
        geom->lanes_rows[PANEL_THREADS] = nth;
        geom->lanes_rows[PANEL_TASKS] = task_rows;
        geom->lanes_rows[PANEL_LOG] = logrows - 1;
    }

    /* state at t and the strips of every visible lane, in one walk */
    timeline_state_at(d->tl, v->t, l->st);
    for (int c = 0; c < d->ncores; c++)
        l->occupant[c] = -1;
    for (int i = 0; i < d->nthreads; i++) {
        int c = (int)(l->st[i].flags & TL_FLAG_CORE_MASK) - 1;
        if (l->st[i].rec != TL_NO_RECORD && c >= 0 && c < d->ncores && l->occupant[c] < 0)
            l->occupant[c] = i;
    }
    follow_action(d, v, l->st, nth, task_rows);
    l->nreq = 0;
    f->first_core = l->nreq;
    for (int k = 0; k < nc; k++)
        request(l, d->core_lane[v->top_cores + k]);
    f->first_gil = l->nreq;
    if (!d->free_threaded)
        for (int k = 0; k < ng / unit; k++)
            request(l, d->gil_lane[v->top_gil + k]);
    f->first_lock = l->nreq;
    for (int k = 0; k < nlk; k++)
        request(l, d->lock_lane[k]);
    f->first_thread = l->nreq;
    for (int k = 0; k < nth; k++)
        request(l, d->shown[v->top_threads + k]);
    f->first_task = l->nreq;
    for (int k = 0; k < ntk && k < d->nloops; k++)
        request(l, d->loop_lane[k]);
    for (int k = 0; k < task_rows; k++)
        request(l, d->task_lane[v->top_tasks + k]);
    strip_compute(l->strip, f->t0, f->span, v->t, f->sw, l->req, l->nreq);

    int y = 0;
    panel_header(f, y);
    y += 2;
    panel_caption(f, y, cap);
    y += cap;
    panel_ruler(f, y++);
    panel_cores(f, y, nc);
    y += nc;
    panel_gil(f, y, ng);
    y += ng;
    panel_locks(f, y, nlk);
    y += nlk;
    panel_threads(f, y, nth);
    y += nth;
    panel_tasks(f, y, ntk);
    y += ntk + sep;
    panel_why(f, y++);
    panel_log(f, y, logrows);
    y += logrows;
    panel_stats(f, y++);
    if (shared)
        panel_shared(f, y++);
    panel_legend(f, y, legend);
    y += legend;
    panel_keys(f, y);
    if (v->help)
        panel_help(f);
}
