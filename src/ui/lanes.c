/*
 * lanes: the scrolling lanes — cores, the GIL of each process, locks and
 * threads.  Each lane is a row: margin (focus, selection, scroll arrows),
 * name, the time strip computed by strip.c, and a status column that says
 * what the lane is doing at the current time.
 *
 * Cores, GILs and locks are drawn as bars in the colour of the thread that
 * holds them, with its name written inside when the bar is long enough; a
 * thread lane shows its state with one glyph (and colour) per state.
 */
#include <string.h>

#include "../timeline/codes.h"
#include "panel.h"
#include "style.h"
#include "text.h"

/* Margin mark of a panel row: focus bar, scroll arrows. */
static void margin(struct frame *f, int y, int panel, int first, int last, int more_above, int more_below)
{
    int focused = f->v->focus == panel;
    if (first && more_above)
        canvas_put(f->cv, 0, y, f->v->ascii ? "^" : "↑", ST_FOCUS, CV_BOLD);
    else if (last && more_below)
        canvas_put(f->cv, 0, y, f->v->ascii ? "v" : "↓", ST_FOCUS, CV_BOLD);
    else if (focused)
        canvas_put(f->cv, 0, y, f->v->ascii ? "|" : "▌", ST_FOCUS, 0);
}

/* The margin of a lane that may be the selected one: "▶" for it, unless it
 * is the first or last row of a panel with more lanes that way, where the
 * scroll arrow stays (its name, in reverse video, still shows it is the
 * selected one). */
static void sel_margin(struct frame *f, int y, int panel, int sel, int first, int last, int more_above,
                       int more_below)
{
    if (sel && !(first && more_above) && !(last && more_below))
        canvas_put(f->cv, 0, y, f->v->ascii ? ">" : "▶", ST_FOCUS, CV_BOLD);
    else
        margin(f, y, panel, first, last, more_above, more_below);
}

/* A strip of holders (core occupant, GIL or lock holder): a bar in the
 * holder's colour with its name inside where the bar is long enough.  On a
 * core the bar's glyph is the occupant's state (Python, C, kernel...); on a
 * GIL or lock it is a full block. */
static void holder_strip(struct frame *f, int y, const uint32_t *val, int core)
{
    const char *idle = f->v->ascii ? "." : "·";
    const char *held = f->v->ascii ? "#" : "█";
    for (int x = 0; x < f->sw; x++) {
        uint32_t v = val[x];
        if (v == STRIP_FUTURE || v == STRIP_ABSENT)
            continue;
        if (v == 0) {
            canvas_put(f->cv, f->sx + x, y, idle, ST_DIM, 0);
            continue;
        }
        int th = (int)STRIP_WHO(v) - 1;
        const char *g = core ? style_state_glyph((int)STRIP_CODE(v), f->v->ascii) : held;
        canvas_put(f->cv, f->sx + x, y, g, style_thread_role(th), 0);
    }
    /* names inside runs of one holder, in reverse video over the bar */
    for (int x = 0; x < f->sw;) {
        uint32_t v = val[x];
        if (v == 0 || v == STRIP_FUTURE || v == STRIP_ABSENT) {
            x++;
            continue;
        }
        uint32_t who = STRIP_WHO(v);
        int e = x;
        while (e < f->sw && val[e] != STRIP_FUTURE && val[e] != STRIP_ABSENT && val[e] != 0 &&
               STRIP_WHO(val[e]) == who)
            e++;
        if (e - x >= 4) {
            const char *name = panel_thread_name(f, (int32_t)who - 1);
            int nw = canvas_text_width(name);
            int room = e - x - 2;
            canvas_text(f->cv, f->sx + x + 1, y, room < nw ? room : nw, name, style_thread_role((int)who - 1),
                        CV_REVERSE | CV_BOLD);
        }
        x = e;
    }
}

void panel_cores(struct frame *f, int y, int rows)
{
    const struct ui_data *d = f->d;
    int top = f->v->top_cores;
    for (int k = 0; k < rows; k++, y++) {
        int c = top + k;
        panel_mark_row(f, y, ROW_CORE, c);
        margin(f, y, PANEL_CORES, k == 0, k == rows - 1, top > 0, top + rows < d->ncores);
        panel_printf(f, f->lx, y, f->lw, ST_TITLE, 0, text_get(f->v->lang, T_CORE_N), c);
        holder_strip(f, y, strip_values(f->l->strip, f->first_core + k), 1);
        int th = f->l->occupant[c];
        if (th < 0) {
            canvas_text(f->cv, f->tx, y, f->tw, text_get(f->v->lang, T_IDLE), ST_DIM, 0);
            continue;
        }
        int x = f->tx;
        x += canvas_text(f->cv, x, y, f->tw, panel_thread_name(f, th), style_thread_role(th), CV_BOLD);
        panel_printf(f, x, y, f->tx + f->tw - x, ST_DIM, 0, " · %s", text_state(f->v->lang, f->l->st[th].code));
    }
}

/* " 3.832 ms" at x when it fits whole before `end` (a number cut to "3."
 * misleads); returns the columns used. */
static int put_dur(struct frame *f, int x, int y, int end, int style, gv_ns ns)
{
    char dur[32];
    panel_dur(ns, dur, sizeof dur);
    if (1 + canvas_text_width(dur) > end - x)
        return 0;
    return panel_printf(f, x, y, end - x, style, 0, " %s", dur);
}

/* Is a drop request pending on GIL lane `lane` at the current time?  Looks
 * back at most a few thousand records for the request or the last change. */
static int drop_pending(const struct frame *f, int lane)
{
    uint64_t u = timeline_upper(f->tl, f->v->t);
    for (uint64_t n = 0; u > 0 && n < 20000; n++) {
        const struct tl_rec *r = timeline_get(f->tl, --u);
        if (r->lane != lane)
            continue;
        if (r->kind == TL_EVENT && r->code == EV_DROP_REQUEST)
            return 1;
        if (r->kind == TL_STATE || (r->kind == TL_EVENT && (r->code == EV_SWITCH || r->code == EV_FORCED_SWITCH)))
            return 0;
    }
    return 0;
}

/* Thread i waits for GIL g. */
static bool waits_for_gil(const struct frame *f, int i, int g)
{
    const struct tl_lane_state *s = &f->l->st[i];
    return f->d->thread_gil[i] == g && s->rec != TL_NO_RECORD &&
           (s->code == TS_GIL_WAIT || (s->code == TS_READY && s->arg == READY_GIL));
}

/* "waiting: net 3.1 ms, w2 1 ms" for the threads of GIL g: each waiter
 * whole, and " +" for those that do not fit. */
static void gil_waiters(struct frame *f, int x, int y, int maxw, int g)
{
    int end = x + maxw, n = 0, left = 0;
    if (x == f->tx)   /* no drop_request before: say what the list is */
        x += canvas_text(f->cv, x, y, end - x, text_get(f->v->lang, T_WAITING), ST_DIM, 0);
    for (int i = 0; i < f->d->nthreads; i++)
        left += waits_for_gil(f, i, g);
    for (int i = 0; i < f->d->nthreads; i++) {
        if (!waits_for_gil(f, i, g))
            continue;
        left--;
        char dur[32];
        const char *sep = n ? ", " : x > f->tx ? " " : "";
        const char *name = panel_thread_name(f, i);
        panel_dur(f->v->t - f->l->st[i].since, dur, sizeof dur);
        int w = canvas_text_width(sep) + canvas_text_width(name) + 1 + canvas_text_width(dur);
        int lim = end - (left > 0 ? 2 : 0); /* keep room for " +" while others follow */
        if (n > 0 && w > lim - x) {
            canvas_text(f->cv, end - 2, y, 2, " +", ST_DIM, 0);
            return;
        }
        /* the first is shown even if cut, but never its duration in part:
         * "939.6" without its unit would mislead */
        n++;
        x += canvas_text(f->cv, x, y, x < lim ? lim - x : 0, sep, ST_DIM, 0);
        x += canvas_text(f->cv, x, y, x < lim ? lim - x : 0, name, style_thread_role(i), CV_BOLD);
        x += put_dur(f, x, y, lim, ST_DEFAULT, f->v->t - f->l->st[i].since);
    }
    if (n == 0 && maxw == f->tw)
        canvas_text(f->cv, f->tx, y, maxw, text_get(f->v->lang, T_NOBODY_WAITS), ST_DIM, 0);
}

/* Glyph and role of a GIL mark cell. */
static void mark_cell(const struct frame *f, uint8_t m, const char **g, int *role)
{
    int a = f->v->ascii;
    if (m & MARK_FORCED)
        *g = "!", *role = ST_MARK_FORCED;
    else if (m & MARK_DROP)
        *g = "v", *role = ST_MARK_DROP;
    else if (m & MARK_FAIL)
        *g = a ? "x" : "×", *role = ST_MARK_FAIL;
    else if (m & MARK_SWITCH)
        *g = a ? "|" : "│", *role = ST_MARK_SWITCH;
    else if (m & MARK_CHECK)
        *g = a ? "'" : "╵", *role = ST_DIM;
    else
        *g = NULL, *role = 0;
}

void panel_gil(struct frame *f, int y, int rows)
{
    const struct ui_data *d = f->d;
    int unit = d->free_threaded ? 1 : 2, top = f->v->top_gil, nshow = rows / unit;
    for (int k = 0; k < nshow; k++) {
        int g = top + k, lane = d->gil_lane[g];
        const char *pname = timeline_lane(f->tl, lane)->name;
        panel_mark_row(f, y, ROW_GIL, g);
        margin(f, y, PANEL_GIL, k == 0, k == nshow - 1 && unit == 1, top > 0, top + nshow < d->ngil);
        if (d->ngil > 1)
            panel_printf(f, f->lx, y, f->lw, ST_TITLE, CV_BOLD, "GIL %s", pname);
        else
            canvas_text(f->cv, f->lx, y, f->lw, "GIL", ST_TITLE, CV_BOLD);
        if (d->free_threaded) {
            /* the strip and the status column: nothing else is on this row */
            canvas_text(f->cv, f->sx, y, f->w - f->sx - 1, text_get(f->v->lang, T_NO_GIL), ST_DIM, 0);
            y++;
            continue;
        }
        holder_strip(f, y, strip_values(f->l->strip, f->first_gil + k), 0);
        const struct tl_lane_state *s = &f->l->st[lane];
        if (s->rec != TL_NO_RECORD && s->code == GIL_HELD) {
            panel_name_fmt(f, f->tx, y, f->tw, text_get(f->v->lang, T_HELD_BY), s->arg);
        } else {
            canvas_text(f->cv, f->tx, y, f->tw, text_get(f->v->lang, T_FREE), ST_DIM, 0);
        }
        y++;
        /* marks row */
        panel_mark_row(f, y, ROW_GIL, g);
        margin(f, y, PANEL_GIL, 0, k == nshow - 1, top > 0, top + nshow < d->ngil);
        const uint8_t *m = strip_marks(f->l->strip, f->first_gil + k);
        const uint32_t *val = strip_values(f->l->strip, f->first_gil + k);
        for (int x = 0; x < f->sw; x++) {
            const char *gl;
            int role;
            if (val[x] == STRIP_FUTURE)
                break;
            mark_cell(f, m[x], &gl, &role);
            if (gl)
                canvas_put(f->cv, f->sx + x, y, gl, role, CV_BOLD);
        }
        int x = f->tx;
        if (drop_pending(f, lane))
            x += panel_printf(f, x, y, f->tw, ST_MARK_DROP, CV_BOLD, "drop_request");
        gil_waiters(f, x, y, f->tx + f->tw - x, g);
        y++;
    }
}

void panel_locks(struct frame *f, int y, int rows)
{
    for (int k = 0; k < rows; k++, y++) {
        int lane = f->d->lock_lane[k];
        panel_mark_row(f, y, ROW_LOCK, k);
        panel_printf(f, f->lx, y, f->lw, ST_TITLE, 0, text_get(f->v->lang, T_LOCK), timeline_lane(f->tl, lane)->name);
        holder_strip(f, y, strip_values(f->l->strip, f->first_lock + k), 0);
        const struct tl_lane_state *s = &f->l->st[lane];
        if (s->rec != TL_NO_RECORD && s->code == LOCK_HELD)
            panel_printf(f, f->tx, y, f->tw, style_thread_role(s->arg), CV_BOLD, "%s",
                         panel_thread_name(f, s->arg));
        else
            canvas_text(f->cv, f->tx, y, f->tw, text_get(f->v->lang, T_FREE), ST_DIM, 0);
        int waiting = 0;
        for (int i = 0; i < f->d->nthreads; i++)
            waiting += f->l->st[i].rec != TL_NO_RECORD && f->l->st[i].code == TS_LOCK_WAIT &&
                       f->l->st[i].arg == timeline_lane(f->tl, lane)->index;
        if (waiting) {
            int used = canvas_text_width(s->rec != TL_NO_RECORD && s->code == LOCK_HELD
                                             ? panel_thread_name(f, s->arg) : text_get(f->v->lang, T_FREE));
            char n[64];
            snprintf(n, sizeof n, text_get(f->v->lang, T_N_WAITING), waiting);
            panel_printf(f, f->tx + used, y, f->tw - used, ST_DIM, 0, " · %s", n);
        }
    }
}

/* Status of a thread: state and what qualifies it. */
static void thread_status(struct frame *f, int y, int i)
{
    const struct tl_lane_state *s = &f->l->st[i];
    int code = s->rec == TL_NO_RECORD ? TS_NEW : s->code;
    int lang = f->v->lang, end = f->tx + f->tw;
    int x = f->tx;
    x += canvas_text(f->cv, x, y, f->tw, text_state(lang, code), style_state_role(code), CV_BOLD);
    gv_ns for_ns = f->v->t - s->since;
    int core = (int)(s->flags & TL_FLAG_CORE_MASK) - 1;
    switch (code) {
    case TS_PYTHON: case TS_CCALL: case TS_NOGIL: case TS_OS:
        if (core >= 0) {
            char c[32];
            snprintf(c, sizeof c, text_get(lang, T_CORE_N), core);
            panel_printf(f, x, y, end - x, ST_DIM, 0, " · %s", c);
        }
        break;
    case TS_IO: {
        const struct scene *sc = f->d->sc;
        const char *lbl = scene_label(sc, s->arg, f->v->lang);
        if (lbl)
            x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, " %s", lbl);
        put_dur(f, x, y, end, ST_DIM, for_ns);
        break;
    }
    case TS_GIL_WAIT: case TS_READY: case TS_SLEEP: case TS_SWITCH_WAIT:
        put_dur(f, x, y, end, ST_DEFAULT, for_ns);
        break;
    case TS_LOCK_WAIT: {
        const struct scene *sc = f->d->sc;
        panel_printf(f, x, y, end - x, ST_DEFAULT, 0, " %s",
                     s->arg >= 0 && s->arg < sc->nlocks ? sc->locks[s->arg].name : "?");
        break;
    }
    default: break;
    }
}

/* Inside long runs of one I/O, its label: "~recv()~~~~". */
static void io_labels(struct frame *f, int y, const uint32_t *val)
{
    const struct scene *sc = f->d->sc;
    for (int x = 0; x < f->sw;) {
        uint32_t v = val[x];
        if (v == STRIP_FUTURE)
            break;
        if ((v & 0xff) != TS_IO || v == TS_IO) {
            x++;
            continue;
        }
        int e = x;
        while (e < f->sw && val[e] == v)
            e++;
        int32_t lbl = (int32_t)(v >> 8) - 1;
        if (lbl < sc->nlabels) {
            const char *name = scene_label(sc, lbl, f->v->lang);
            int nw = canvas_text_width(name);
            if (e - x >= nw + 2)
                canvas_text(f->cv, f->sx + x + 1, y, nw, name, style_state_role(TS_IO), CV_BOLD);
        }
        x = e;
    }
}

void panel_threads(struct frame *f, int y, int rows)
{
    const struct ui_data *d = f->d;
    int top = f->v->top_threads;
    for (int k = 0; k < rows; k++, y++) {
        /* the selected thread, unless a task is the one explained */
        int i = d->shown[top + k], sel = i == f->v->sel && f->v->focus != PANEL_TASKS;
        panel_mark_row(f, y, ROW_THREAD, i);
        sel_margin(f, y, PANEL_THREADS, sel, k == 0, k == rows - 1, top > 0, top + rows < d->nshown);
        canvas_text(f->cv, f->lx, y, f->lw, panel_thread_name(f, i), style_thread_role(i),
                    sel ? CV_BOLD | CV_REVERSE : CV_BOLD);
        const uint32_t *val = strip_values(f->l->strip, f->first_thread + k);
        for (int x = 0; x < f->sw; x++) {
            uint32_t v = val[x];
            if (v == STRIP_FUTURE)
                break;
            int code = (int)(v & 0xff);
            if (code == TS_NEW)
                continue;
            canvas_put(f->cv, f->sx + x, y, style_state_glyph(code, f->v->ascii), style_state_role(code), 0);
        }
        io_labels(f, y, val);
        thread_status(f, y, i);
    }
}

const char *panel_task_name(const struct frame *f, int32_t k)
{
    if (k < 0 || k >= f->d->task_index_max || f->d->task_by_index[k] < 0)
        return "?";
    return timeline_lane(f->tl, f->d->task_by_index[k])->name;
}

/* A loop's strip: the task whose step runs (in its colour, named inside long
 * runs), callbacks, select() and event processing. */
static void loop_strip(struct frame *f, int y, const uint32_t *val)
{
    int a = f->v->ascii;
    for (int x = 0; x < f->sw; x++) {
        uint32_t v = val[x];
        if (v == STRIP_FUTURE)
            break;
        int code = (int)STRIP_CODE(v), who = (int)(STRIP_WHO(v) & ~STRIP_CALLBACK) - 1;
        switch (code) {
        case LOOP_SELECT:
            canvas_put(f->cv, f->sx + x, y, style_state_glyph(TS_SELECT, a), style_state_role(TS_SELECT), 0);
            break;
        case LOOP_EVENTS: canvas_put(f->cv, f->sx + x, y, style_state_glyph(TS_OS, a), style_state_role(TS_OS), 0); break;
        case LOOP_CALLBACK:
            canvas_put(f->cv, f->sx + x, y, style_state_glyph(TS_CCALL, a), style_state_role(TS_CCALL), 0);
            break;
        case LOOP_TASK: canvas_put(f->cv, f->sx + x, y, a ? "#" : "█", style_thread_role(who), 0); break;
        default: break;
        }
    }
    for (int x = 0; x < f->sw;) {
        uint32_t v = val[x];
        if (v == STRIP_FUTURE || STRIP_CODE(v) != LOOP_TASK) {
            x++;
            continue;
        }
        int e = x;
        while (e < f->sw && val[e] != STRIP_FUTURE && val[e] == v)
            e++;
        if (e - x >= 4) {
            int who = (int)STRIP_WHO(v) - 1;
            const char *name = panel_task_name(f, who);
            int room = e - x - 2, nw = canvas_text_width(name);
            canvas_text(f->cv, f->sx + x + 1, y, room < nw ? room : nw, name, style_thread_role(who),
                        CV_REVERSE | CV_BOLD);
        }
        x = e;
    }
}

/* Status of a task: its state, what it awaits, for how long. */
static void task_status(struct frame *f, int y, const struct tl_lane_state *s)
{
    const struct scene *sc = f->d->sc;
    int code = s->rec == TL_NO_RECORD ? TK_NEW : s->code, wait = code == TK_PENDING ? s->flags : -1;
    int x = f->tx, end = f->tx + f->tw;
    const char *what = NULL;
    if (code == TK_PENDING) {
        if (wait == TW_IO || wait == TW_EXECUTOR)
            what = scene_label(sc, s->arg, f->v->lang);
        else if (wait == TW_FUTURE && s->arg >= 0 && s->arg < sc->nfutures)
            what = sc->futures[s->arg].name;
        else if (wait == TW_GATHER && s->arg >= 0 && s->arg < sc->ncoros)
            what = sc->coros[s->arg].name;
    }
    /* a sleep that is over while the loop has not run its timer yet (a
     * blocking call holds the loop): "overdue" and by how long */
    if (code == TK_PENDING && wait == TW_SLEEP && s->arg >= 0 && s->arg < INT32_MAX &&
        f->v->t > s->since + (gv_ns)s->arg * GV_NS_PER_US) {
        x += canvas_text(f->cv, x, y, f->tw, text_get(f->v->lang, T_K_OVERDUE), ST_WARN, CV_BOLD);
        put_dur(f, x, y, end, ST_DIM, f->v->t - s->since - (gv_ns)s->arg * GV_NS_PER_US);
        return;
    }
    /* "awaits HTTP GET" says more than "awaits I/O" in a narrow column */
    const char *state = what && wait == TW_IO ? text_get(f->v->lang, T_K_AWAITS) : text_task(f->v->lang, code, wait);
    x += canvas_text(f->cv, x, y, f->tw, state, style_task_role(code, wait), CV_BOLD);
    if (what)
        x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, " %s", what);
    if (code == TK_PENDING || code == TK_SCHEDULED)
        put_dur(f, x, y, end, ST_DIM, f->v->t - s->since);
}

void panel_tasks(struct frame *f, int y, int rows)
{
    const struct ui_data *d = f->d;
    int lang = f->v->lang;
    int nl = rows < d->nloops ? rows : d->nloops;
    for (int k = 0; k < nl; k++, y++) {
        int lane = d->loop_lane[k];
        panel_mark_row(f, y, ROW_TASK, -1);
        margin(f, y, PANEL_TASKS, 0, 0, 0, 0);
        panel_printf(f, f->lx, y, f->lw, ST_TITLE, CV_BOLD, text_get(lang, T_LOOP), timeline_lane(f->tl, lane)->name);
        loop_strip(f, y, strip_values(f->l->strip, f->first_task + k));
        const struct tl_lane_state *s = &f->l->st[lane];
        int code = s->rec == TL_NO_RECORD ? LOOP_IDLE : s->code;
        /* the loop's ready-queue counter lane follows its loop lane */
        int ready = lane + 1 < timeline_nlanes(f->tl) && timeline_lane(f->tl, lane + 1)->kind == LANE_COUNTER &&
                            f->l->st[lane + 1].rec != TL_NO_RECORD
                        ? (int)f->l->st[lane + 1].arg
                        : 0;
        int used = 0;
        switch (code) {
        case LOOP_TASK:
            used = panel_printf(f, f->tx, y, f->tw, style_thread_role(s->arg), CV_BOLD, text_get(lang, T_L_TASK),
                                panel_task_name(f, s->arg));
            break;
        case LOOP_CALLBACK:
            used = panel_printf(f, f->tx, y, f->tw, style_state_role(TS_CCALL), CV_BOLD, text_get(lang, T_L_CALLBACK),
                                s->arg >= 0 && s->arg < d->sc->ncoros ? d->sc->coros[s->arg].name : "?");
            break;
        case LOOP_SELECT:
            used = panel_printf(f, f->tx, y, f->tw, style_state_role(TS_SELECT), CV_BOLD, "%s", text_get(lang, T_L_SELECT));
            if (s->arg >= 0 && used > 0 && used < f->tw) { /* select's timeout: the next timer */
                char dur[32];
                gv_ns left = (gv_ns)s->arg * GV_NS_PER_US - (f->v->t - s->since);
                used += panel_printf(f, f->tx + used, y, f->tw - used, ST_DIM, 0, text_get(lang, T_L_TIMER),
                                     panel_dur(left > 0 ? left : 0, dur, sizeof dur));
            }
            break;
        case LOOP_EVENTS:
            used = panel_printf(f, f->tx, y, f->tw, style_state_role(TS_OS), 0, "%s", text_get(lang, T_L_EVENTS));
            break;
        default: canvas_text(f->cv, f->tx, y, f->tw, text_get(lang, T_L_IDLE), ST_DIM, 0); break;
        }
        if (code != LOOP_IDLE && ready > 0 && used > 0 && used < f->tw)
            panel_printf(f, f->tx + used, y, f->tw - used, ST_DIM, 0, text_get(lang, T_L_READY), ready);
    }
    int n = rows - nl, top = f->v->top_tasks;
    for (int k = 0; k < n; k++, y++) {
        int i = top + k, lane = d->task_lane[i], idx = timeline_lane(f->tl, lane)->index;
        panel_mark_row(f, y, ROW_TASK, i);
        int sel = f->v->focus == PANEL_TASKS && i == f->v->sel_task; /* the task explained */
        sel_margin(f, y, PANEL_TASKS, sel, k == 0, k == n - 1, top > 0, top + n < d->ntasks);
        canvas_text(f->cv, f->lx, y, f->lw, timeline_lane(f->tl, lane)->name, style_thread_role(idx),
                    sel ? CV_BOLD | CV_REVERSE : 0);
        const uint32_t *val = strip_values(f->l->strip, f->first_task + nl + k);
        for (int x = 0; x < f->sw; x++) {
            uint32_t v = val[x];
            if (v == STRIP_FUTURE)
                break;
            int code = (int)(v & 0xff), wait = (int)(v >> 8);
            if (code == TK_NEW)
                continue;
            canvas_put(f->cv, f->sx + x, y, style_task_glyph(code, wait, f->v->ascii), style_task_role(code, wait), 0);
        }
        task_status(f, y, &f->l->st[lane]);
    }
}
