/*
 * panels: everything below and around the lanes — the selected thread's
 * explanation, the caption, the event log, stats, shared variables, the
 * legend, the key line (or a prompt), the help overlay and the message for a
 * terminal that is too small.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../out/eventlog.h"
#include "../timeline/codes.h"
#include "panel.h"
#include "style.h"
#include "text.h"

/* Text in `room` cells, ending in an ellipsis when it does not fit (a line
 * cut without one reads as whole).  Returns the cells used. */
static int put_clipped(struct frame *f, int x, int y, int room, const char *s, int style, int attr)
{
    if (room <= 0)
        return 0;
    if (canvas_text_width(s) <= room)
        return canvas_text(f->cv, x, y, room, s, style, attr);
    int w = canvas_text(f->cv, x, y, room - 1, s, style, attr);
    canvas_put(f->cv, x + w, y, f->v->ascii ? "~" : "…", style, attr);
    return w + 1;
}

/* ---- why the selected thread is (not) running ------------------------------------ */

/* Draw the why line: `buf`, or `shorter` (if any: without the "since"
 * time, the "(GIL released)"...) when `buf` does not fit, with an ellipsis
 * if even that is too long; the name of who is explained ("net ...",
 * "task fetch3 ...", "a tarefa fetch3 ...") in its colour. */
static void why_say(struct frame *f, int y, const char *buf, const char *shorter, const char *name, int role)
{
    canvas_put(f->cv, 0, y, f->v->ascii ? ">" : "▶", ST_FOCUS, CV_BOLD);
    int x = 2;
    const char *say = shorter[0] && canvas_text_width(buf) > f->w - x - 1 ? shorter : buf;
    put_clipped(f, x, y, f->w - x - 1, say, ST_WHY, 0);
    const char *at = strstr(say, name);
    if (at) {
        char pre[600];
        snprintf(pre, sizeof pre, "%.*s", (int)(at - say), say);
        int px = x + canvas_text_width(pre);
        if (px < f->w - 1)
            canvas_paint(f->cv, px, y, canvas_text_width(name), role, CV_BOLD);
    }
}

/* What the loop of task row k does instead of running it: when its thread
 * waits for the GIL, "the loop's thread main waits for the GIL held by
 * cruncher"; else "the loop runs fetch3 first" or "... callback done
 * first".  "" when it is none of these.  `brief`: the same in fewer words. */
static void loop_busy(const struct frame *f, int k, char *buf, char *brief, size_t size)
{
    const struct ui_data *d = f->d;
    int lang = f->v->lang, m = d->task_loop[k];
    buf[0] = brief[0] = '\0';
    if (m < 0)
        return;
    int th = d->loop_thread[m];
    if (th >= 0) {
        const struct tl_lane_state *ts = &f->l->st[th];
        int g = d->thread_gil[th];
        const struct tl_lane_state *gs = g >= 0 ? &f->l->st[d->gil_lane[g]] : NULL;
        int gil_wait = ts->rec != TL_NO_RECORD &&
                       (ts->code == TS_GIL_WAIT || (ts->code == TS_READY && ts->arg == READY_GIL));
        if (gil_wait && gs && gs->rec != TL_NO_RECORD && gs->code == GIL_HELD && gs->arg != th) {
            snprintf(buf, size, text_get(lang, T_WK_LOOP_GIL), panel_thread_name(f, th),
                     panel_thread_name(f, gs->arg));
            snprintf(brief, size, text_get(lang, T_WK_LOOP_GIL_S), panel_thread_name(f, th),
                     panel_thread_name(f, gs->arg));
            return;
        }
    }
    const struct tl_lane_state *ls = &f->l->st[d->loop_lane[m]];
    if (ls->rec == TL_NO_RECORD)
        return;
    int tl_lane = d->task_lane[k];
    if (ls->code == LOOP_TASK && ls->arg >= 0 && ls->arg < d->task_index_max && d->task_by_index[ls->arg] != tl_lane)
        snprintf(buf, size, text_get(lang, T_WK_LOOP_TASK), panel_task_name(f, ls->arg));
    else if (ls->code == LOOP_CALLBACK)
        snprintf(buf, size, text_get(lang, T_WK_LOOP_CB),
                 ls->arg >= 0 && ls->arg < d->sc->ncoros ? d->sc->coros[ls->arg].name : "?");
    snprintf(brief, size, "%s", buf);
}

/* The why line for the selected task (the tasks panel has the focus). */
static void why_task(struct frame *f, int y)
{
    const struct ui_data *d = f->d;
    const struct ui_view *v = f->v;
    int k = v->sel_task < d->ntasks ? v->sel_task : d->ntasks - 1, lang = v->lang;
    int lane = d->task_lane[k];
    const struct tl_lane_state *s = &f->l->st[lane];
    const struct scene *sc = d->sc;
    const char *name = timeline_lane(f->tl, lane)->name;
    int code = s->rec == TL_NO_RECORD ? TK_NEW : s->code, wait = s->flags;
    char buf[600], shorter[600] = "", since[40], sofar[40], busy[300] = "", brief[300] = "";
    layout_fmt_time(s->since, since, sizeof since);
    panel_dur(v->t - s->since, sofar, sizeof sofar);
    switch (code) {
    case TK_SCHEDULED:
        snprintf(buf, sizeof buf, text_get(lang, T_WK_READY), name, sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, T_WK_READY_S), name);
        loop_busy(f, k, busy, brief, sizeof busy);
        break;
    case TK_RUNNING: {
        /* and what its thread does: Python, or a blocking call that stalls the loop */
        int th = d->task_loop[k] >= 0 ? d->loop_thread[d->task_loop[k]] : -1;
        const struct tl_lane_state *ts = th >= 0 ? &f->l->st[th] : NULL;
        if (ts && ts->rec != TL_NO_RECORD)
            snprintf(buf, sizeof buf, text_get(lang, T_WK_RUNNING_ON), name, panel_thread_name(f, th),
                     text_state(lang, ts->code), sofar);
        else
            snprintf(buf, sizeof buf, text_get(lang, T_WK_RUNNING), name, sofar);
        break;
    }
    case TK_PENDING: {
        const char *lbl = scene_label(sc, s->arg, lang);
        if (wait == TW_SLEEP && s->arg >= 0 && s->arg < INT32_MAX) {
            gv_ns len = (gv_ns)s->arg * GV_NS_PER_US, left = s->since + len - v->t;
            char l1[40], l2[40];
            panel_dur(len, l1, sizeof l1);
            if (left >= 0) {
                snprintf(buf, sizeof buf, text_get(lang, T_WK_SLEEP), name, l1, panel_dur(left, l2, sizeof l2));
            } else {
                panel_dur(-left, l2, sizeof l2);
                snprintf(buf, sizeof buf, text_get(lang, T_WK_OVERDUE), name, l2);
                snprintf(shorter, sizeof shorter, text_get(lang, T_WK_OVERDUE_S), name, l2);
                loop_busy(f, k, busy, brief, sizeof busy);
            }
        } else if (wait == TW_IO) {
            snprintf(buf, sizeof buf, text_get(lang, T_WK_IO), name, lbl ? lbl : "?", sofar);
        } else if (wait == TW_EXECUTOR) {
            snprintf(buf, sizeof buf, text_get(lang, T_WK_EXECUTOR), name, lbl ? lbl : "?", sofar);
        } else if (wait == TW_FUTURE) {
            snprintf(buf, sizeof buf, text_get(lang, T_WK_FUTURE), name,
                     s->arg >= 0 && s->arg < sc->nfutures ? sc->futures[s->arg].name : "?", sofar);
        } else if (wait == TW_GATHER) {
            snprintf(buf, sizeof buf, text_get(lang, T_WK_GATHER), name,
                     s->arg >= 0 && s->arg < sc->ncoros ? sc->coros[s->arg].name : "?", sofar);
        } else { /* a sleep without its length (a timeline of an older gilviz) */
            snprintf(buf, sizeof buf, "%s", text_task(lang, code, wait));
        }
        break;
    }
    case TK_DONE: snprintf(buf, sizeof buf, text_get(lang, T_WK_DONE), name, since); break;
    case TK_CANCELLED: snprintf(buf, sizeof buf, text_get(lang, T_WK_CANCELLED), name, since); break;
    default: snprintf(buf, sizeof buf, text_get(lang, T_WK_NEW), name); break;
    }
    if (busy[0]) { /* the cause, after the state: "...; the loop runs fetch3 first" */
        size_t n = strlen(buf), m = strlen(shorter);
        snprintf(buf + n, sizeof buf - n, "; %s", busy);
        snprintf(shorter + m, sizeof shorter - m, "; %s", brief);
    }
    why_say(f, y, buf, shorter, name, style_thread_role(timeline_lane(f->tl, lane)->index));
}

void panel_why(struct frame *f, int y)
{
    const struct ui_data *d = f->d;
    const struct ui_view *v = f->v;
    if (v->focus == PANEL_TASKS && d->ntasks > 0) {
        why_task(f, y);
        return;
    }
    if (d->nthreads == 0)
        return;
    int i = v->sel, lang = v->lang;
    const struct tl_lane_state *s = &f->l->st[i];
    int code = s->rec == TL_NO_RECORD ? TS_NEW : s->code;
    const char *name = panel_thread_name(f, i);
    int core = (int)(s->flags & TL_FLAG_CORE_MASK) - 1;
    char buf[600], shorter[600] = "", since[40], sofar[40];
    layout_fmt_time(s->since, since, sizeof since);
    panel_dur(v->t - s->since, sofar, sizeof sofar);
    const struct scene *sc = d->sc;
    switch (code) {
    case TS_PYTHON:
        snprintf(buf, sizeof buf, text_get(lang, d->free_threaded ? T_W_PYTHON_FT : T_W_PYTHON), name, core, sofar);
        break;
    case TS_CCALL: snprintf(buf, sizeof buf, text_get(lang, T_W_CCALL), name, core, sofar); break;
    case TS_NOGIL: snprintf(buf, sizeof buf, text_get(lang, T_W_NOGIL), name, core, sofar); break;
    case TS_OS: snprintf(buf, sizeof buf, text_get(lang, T_W_OS), name, core, sofar); break;
    case TS_GIL_WAIT: {
        int g = d->thread_gil[i];
        const struct tl_lane_state *gs = g >= 0 ? &f->l->st[d->gil_lane[g]] : NULL;
        if (gs && gs->rec != TL_NO_RECORD && gs->code == GIL_HELD) {
            snprintf(buf, sizeof buf, text_get(lang, T_W_GIL_WAIT), name, panel_thread_name(f, gs->arg), since,
                     sofar);
            snprintf(shorter, sizeof shorter, text_get(lang, T_W_GIL_WAIT_S), name, panel_thread_name(f, gs->arg),
                     sofar);
        } else {
            snprintf(buf, sizeof buf, text_get(lang, T_W_GIL_FREE), name, since, sofar);
            snprintf(shorter, sizeof shorter, text_get(lang, T_W_GIL_FREE_S), name, sofar);
        }
        break;
    }
    case TS_SWITCH_WAIT:
        if (s->arg >= 0 && s->arg < d->nthreads)
            snprintf(buf, sizeof buf, text_get(lang, T_W_SWITCH_WAIT), name, panel_thread_name(f, s->arg), sofar);
        else
            snprintf(buf, sizeof buf, text_get(lang, T_W_SWITCH_WAIT_ANY), name, sofar);
        break;
    case TS_IO: {
        const char *lbl = scene_label(sc, s->arg, lang);
        snprintf(buf, sizeof buf, text_get(lang, T_W_IO), name, lbl ? lbl : "?", sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, T_W_IO_S), name, lbl ? lbl : "?", sofar);
        break;
    }
    case TS_SLEEP: snprintf(buf, sizeof buf, text_get(lang, T_W_SLEEP), name, sofar); break;
    case TS_LOCK_WAIT: {
        const char *lock = s->arg >= 0 && s->arg < sc->nlocks ? sc->locks[s->arg].name : "?";
        const char *holder = "?";
        for (int k = 0; k < d->nlocks; k++) {
            const struct tl_lane_state *ls = &f->l->st[d->lock_lane[k]];
            if (timeline_lane(f->tl, d->lock_lane[k])->index == s->arg && ls->rec != TL_NO_RECORD &&
                ls->code == LOCK_HELD)
                holder = panel_thread_name(f, ls->arg);
        }
        snprintf(buf, sizeof buf, text_get(lang, T_W_LOCK), name, lock, holder, since, sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, T_W_LOCK_S), name, lock, holder, sofar);
        break;
    }
    case TS_JOIN_WAIT:
        snprintf(buf, sizeof buf, text_get(lang, T_W_JOIN), name, panel_thread_name(f, s->arg), since);
        break;
    case TS_READY:
        snprintf(buf, sizeof buf, text_get(lang, s->arg == READY_GIL ? T_W_READY_GIL : T_W_READY), name, since,
                 sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, s->arg == READY_GIL ? T_W_READY_GIL_S : T_W_READY_S), name,
                 sofar);
        break;
    case TS_DONE: snprintf(buf, sizeof buf, text_get(lang, T_W_DONE), name, since); break;
    case TS_SELECT: {
        const char *loop = s->arg >= 0 && s->arg < sc->nloops ? sc->loops[s->arg].name : "?";
        snprintf(buf, sizeof buf, text_get(lang, T_W_SELECT), name, loop, sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, T_W_SELECT_S), name, loop, sofar);
        break;
    }
    case TS_QUEUE_WAIT: {
        const char *queue = s->arg >= 0 && s->arg < sc->nqueues ? sc->queues[s->arg].name : "?";
        snprintf(buf, sizeof buf, text_get(lang, T_W_QUEUE), name, queue, sofar);
        snprintf(shorter, sizeof shorter, text_get(lang, T_W_QUEUE_S), name, queue, sofar);
        break;
    }
    case TS_IDLE: snprintf(buf, sizeof buf, text_get(lang, T_W_IDLE), name, sofar); break;
    case TS_MAP_WAIT:
        snprintf(buf, sizeof buf, text_get(lang, T_W_MAP), name,
                 s->arg >= 0 && s->arg < sc->npools ? sc->pools[s->arg].name : "?", sofar);
        break;
    default: snprintf(buf, sizeof buf, text_get(lang, T_W_NEW), name); break;
    }
    why_say(f, y, buf, shorter, name, style_thread_role(i));
}

/* ---- caption ----------------------------------------------------------------------- */

/* Is the space at s[i] between a number and its unit ("80 ms", "1,2 s.")?
 * A line is not broken there: a lone "s." reads as a word. */
static bool unit_follows(const char *s, size_t i)
{
    static const char *const units[] = { "ns", "us", "\xc2\xb5s", "ms", "s", "min" };
    if (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')
        return false;
    const char *w = s + i + 1;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t n = strlen(units[k]);
        if (strncmp(w, units[k], n) == 0 && !((w[n] >= 'a' && w[n] <= 'z') || (w[n] >= 'A' && w[n] <= 'Z')))
            return true;
    }
    return false;
}

/* Longest prefix of s that fits `width` cells, broken at a space if it can
 * be (not between a number and its unit); *next is where the next line
 * starts.  Returns the prefix's bytes. */
static size_t wrap(const char *s, int width, const char **next)
{
    size_t fit = canvas_text_fit(s, width);
    if (fit == 0 && s[0] && s[0] != '\n') {   /* not even one character fits: take it anyway */
        uint32_t c;
        fit = (size_t)cv_utf8_decode(s, &c);
    }
    if (s[fit] == '\0' || s[fit] == '\n') {
        *next = s + fit + (s[fit] == '\n');
        return fit;
    }
    size_t cut = fit;
    while (cut > 0 && (s[cut] != ' ' || unit_follows(s, cut)))
        cut--;
    if (cut == 0)
        cut = fit;   /* one long word: break it */
    *next = s + cut;
    while (**next == ' ')
        (*next)++;
    return cut;
}

/* Rows a text takes wrapped to `width`. */
static int wrapped_rows(const char *s, int width)
{
    int rows = 0;
    while (s && *s) {
        const char *next;
        wrap(s, width, &next);
        s = next;
        rows++;
    }
    return rows;
}

int panel_caption_rows(const struct frame *f)
{
    const struct scene *sc = f->d->sc;
    int width = f->w - 4, rows = wrapped_rows(scene_text_get(&sc->description, f->v->lang), width);
    if (f->v->sim_error[0]) {
        int r = wrapped_rows(f->v->sim_error, width);
        rows = r > rows ? r : rows;
    }
    for (int32_t k = 0; k < sc->nnotes; k++) {
        int r = wrapped_rows(scene_text_get(&sc->notes[k].text, f->v->lang), width);
        rows = r > rows ? r : rows;
    }
    return rows;
}

void panel_caption(struct frame *f, int y, int rows)
{
    const struct scene *sc = f->d->sc;
    const struct ui_view *v = f->v;
    int lo = scene_note_upto(sc, v->t);   /* the latest note is lo - 1 */
    const char *text;
    int style = ST_CAPTION, attr = CV_BOLD;
    char at[32];
    if (v->sim_error[0]) {
        /* the run stopped on a mistake in the scene: what it was, in full
         * (the header only says that it stopped), instead of the caption */
        text = v->sim_error;
        style = ST_WARN;
        at[0] = '\0';
    } else if (lo > 0) {
        text = scene_text_get(&sc->notes[lo - 1].text, v->lang);
        panel_dur(sc->notes[lo - 1].at, at, sizeof at);
    } else {
        text = scene_text_get(&sc->description, v->lang);
        style = ST_DIM, attr = 0;
        at[0] = '\0';
    }
    if (!text || !*text)
        return;
    int x = 3, width = f->w - 4;
    for (int r = 0; r < rows && *text; r++) {
        canvas_put(f->cv, 1, y + r, v->ascii ? "|" : "▌", style, 0);
        const char *next;
        size_t n = wrap(text, width, &next);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)n, text);
        if (r == rows - 1 && *next) {   /* no room left: end with an ellipsis */
            size_t k = canvas_text_fit(line, width - 1);
            snprintf(line + k, sizeof line - k, "%s", v->ascii ? "~" : "…");
        }
        canvas_text(f->cv, x, y + r, width, line, style, attr);
        text = next;
    }
}

/* ---- event log --------------------------------------------------------------------- */

/* Does the log show record r?  GIL states repeat the switch events next to
 * them, and "has not started" says nothing. */
static int log_shows(const struct frame *f, const struct tl_rec *r)
{
    const struct tl_lane *ln = timeline_lane(f->tl, r->lane);
    if (r->kind == TL_STATE && ln->kind == LANE_GIL)
        return 0;
    if (r->kind == TL_STATE && ln->kind == LANE_THREAD && r->code == TS_NEW)
        return 0;
    /* a loop's ready-queue length is on the loop's lane already */
    if (r->kind == TL_COUNTER && ln->kind == LANE_COUNTER && r->lane > 0 &&
        timeline_lane(f->tl, r->lane - 1)->kind == LANE_LOOP)
        return 0;
    return 1;
}

/* Is r a notification (asyncio's wake-ups: a future resolved, a callback
 * or task scheduled, a cause reaching its effect)?  They are highlighted. */
static int log_notifies(const struct tl_rec *r)
{
    return r->kind == TL_EVENT && (r->code == EV_FUTURE_DONE || r->code == EV_CALLBACK_SCHEDULED ||
                                   r->code == EV_FLOW_OUT || r->code == EV_FLOW_IN || r->code == EV_TASK_CREATED);
}

void panel_log(struct frame *f, int y, int rows)
{
    struct ui_view *v = f->v;
    int focused = v->focus == PANEL_LOG;
    panel_mark_row(f, y, ROW_LOG, 0);
    if (focused)
        canvas_put(f->cv, 0, y, v->ascii ? "|" : "▌", ST_FOCUS, 0);
    canvas_fill(f->cv, f->lx, y, f->w - f->lx - 1, 1, v->ascii ? "-" : "─", ST_DIM, 0);
    int x = f->lx + 1;
    x += panel_printf(f, x, y, -1, ST_TITLE, CV_BOLD, " %s ", text_get(v->lang, T_EVENTS));
    panel_printf(f, x, y, -1, ST_DIM, 0, "(%s) ", text_get(v->lang, T_EVENTS_HINT));
    int lines = rows - 1;
    if (lines <= 0)
        return;
    /* newest records first, then drawn oldest at the top */
    enum { MAXL = 256 };
    uint64_t idx[MAXL];
    int want = lines + v->log_back, n = 0;
    if (want > MAXL)
        want = MAXL;
    uint64_t u = timeline_upper(f->tl, v->t);
    for (uint64_t scanned = 0; u > 0 && n < want && scanned < 200000; scanned++) {
        const struct tl_rec *r = timeline_get(f->tl, --u);
        if (log_shows(f, r))
            idx[n++] = u;
    }
    if (v->log_back > n - lines)
        v->log_back = n - lines > 0 ? n - lines : 0;
    int first = v->log_back;   /* idx[first] is the newest line shown */
    int shown = n - first < lines ? n - first : lines;
    if (shown <= 0)
        return;
    gv_ns newest = timeline_get(f->tl, idx[0])->t;
    gv_ns latest_shown = timeline_get(f->tl, idx[first])->t;
    const char *unit = latest_shown < GV_NS_PER_MS ? "us" : latest_shown < GV_NS_PER_S ? "ms" : "s";
    double div = latest_shown < GV_NS_PER_MS ? 1e3 : latest_shown < GV_NS_PER_S ? 1e6 : 1e9;
    int prec = latest_shown < GV_NS_PER_MS ? 3 : latest_shown < GV_NS_PER_S ? 6 : 9;
    char tb[48];
    int tw = snprintf(tb, sizeof tb, "%.*f", prec, (double)latest_shown / div);
    for (int k = 0; k < shown; k++) {
        uint64_t ri = idx[first + shown - 1 - k];
        const struct tl_rec *r = timeline_get(f->tl, ri);
        int yy = y + 1 + k;
        char text[512];
        eventlog_describe(f->tl, f->d->sc, ri, v->lang, text, sizeof text);
        int mine = r->lane == v->sel || (r->kind == TL_EVENT && timeline_lane(f->tl, r->lane)->kind != LANE_THREAD &&
                                          r->arg == v->sel && r->code != EV_NOTE);
        int now = r->t == newest && v->log_back == 0;
        if (focused)
            canvas_put(f->cv, 0, yy, v->ascii ? "|" : "▌", ST_FOCUS, 0);
        int xx = f->lx;
        xx += panel_printf(f, xx, yy, -1, ST_DIM, 0, "%*.*f %s  ", tw, prec, (double)r->t / div, unit);
        if (log_notifies(r)) /* a glyph too, so it reads in monochrome */
            xx += canvas_text(f->cv, xx, yy, f->w - xx - 1, v->ascii ? "> " : "➜ ", ST_FOCUS, CV_BOLD);
        put_clipped(f, xx, yy, f->w - xx - 1, text, mine ? ST_WHY : log_notifies(r) ? ST_FOCUS : ST_DEFAULT,
                    now ? CV_BOLD : 0);
    }
    if (v->log_back > 0)
        panel_printf(f, f->w - 12, y, 11, ST_FOCUS, 0, v->ascii ? " v %d " : " ↓ %d ", v->log_back);
}

/* ---- stats, shared variables -------------------------------------------------------- */

void panel_stats(struct frame *f, int y)
{
    const struct ui_data *d = f->d;
    const struct ui_view *v = f->v;
    struct tally_at at;
    int x = 1, end = f->w - 1;
    if (!d->tally || tally_get(d->tally, v->t, &at) != 0) {
        canvas_text(f->cv, x, y, end - x, text_get(v->lang, T_COUNTING), ST_DIM, 0);
        return;
    }
    x += panel_printf(f, x, y, end - x, ST_TITLE, CV_BOLD, "%s ", text_get(v->lang, T_BUSY));
    gv_ns t = v->t > 0 ? v->t : 1;
    if (d->ncores <= 8) {
        for (int c = 0; c < d->ncores; c++)
            x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, "%s%d:%d%%", c ? " " : "", c,
                              (int)((at.core_busy[c] * 100 + t / 2) / t));
    } else {
        gv_ns sum = 0;
        for (int c = 0; c < d->ncores; c++)
            sum += at.core_busy[c];
        x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, "%d%% (%d %s)",
                          (int)((sum * 100 / d->ncores + t / 2) / t), d->ncores, text_get(v->lang, T_CORES));
    }
    if (d->free_threaded)
        return;
    x += canvas_text(f->cv, x, y, end - x, " · ", ST_DIM, 0);
    x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, text_get(v->lang, T_SWITCHES),
                      (unsigned long long)at.switches, (unsigned long long)at.forced);
    /* the last figure whole or not at all: never "drop requ" */
    char last[96];
    snprintf(last, sizeof last, text_get(v->lang, d->old_gil ? T_FAILS : T_DROPS),
             (unsigned long long)(d->old_gil ? at.failed_wakeups : at.drop_requests));
    if (x + 3 + canvas_text_width(last) > end)
        return;
    x += canvas_text(f->cv, x, y, end - x, " · ", ST_DIM, 0);
    canvas_text(f->cv, x, y, end - x, last, d->old_gil ? ST_MARK_FAIL : ST_MARK_DROP, 0);
}

/* Shared variable k now: its value, the increments made so far and the
 * updates lost. */
static void shared_figures(const struct frame *f, const struct tally_at *at, int k, long long *val,
                           long long *incr, long long *lost)
{
    const struct tl_lane_state *s = &f->l->st[f->d->shared_lane[k]];
    *val = s->rec == TL_NO_RECORD ? 0 : s->arg;
    *incr = at->increments[k];
    *lost = at->initial[k] + *incr - *val;
}

void panel_shared(struct frame *f, int y)
{
    const struct ui_data *d = f->d;
    struct tally_at at;
    int x = 1, end = f->w - 1;
    if (!d->tally || tally_get(d->tally, f->v->t, &at) != 0) {
        canvas_text(f->cv, x, y, end - x, text_get(f->v->lang, T_COUNTING), ST_DIM, 0);
        return;
    }
    /* "x = 5 after 7 increments: 2 lost" for each variable, or, when they
     * would not all fit, "x = 5 of 7: 2 lost": never a number cut short */
    enum text_id form = T_SHARED;
    int need = 0;
    for (int k = 0; k < d->nshared; k++) {
        char buf[160], lb[48];
        long long val, incr, lost;
        shared_figures(f, &at, k, &val, &incr, &lost);
        snprintf(buf, sizeof buf, text_get(f->v->lang, T_SHARED), timeline_lane(f->tl, d->shared_lane[k])->name, val,
                 incr);
        snprintf(lb, sizeof lb, text_get(f->v->lang, T_LOST), lost);
        need += canvas_text_width(buf) + (lost > 0 ? 2 + canvas_text_width(lb) : 0) + (k ? 3 : 0);
    }
    if (need > end - x)
        form = T_SHARED_SHORT;
    for (int k = 0; k < d->nshared && x < end; k++) {
        long long val, incr, lost;
        shared_figures(f, &at, k, &val, &incr, &lost);
        if (k)
            x += canvas_text(f->cv, x, y, end - x, "   ", ST_DIM, 0);
        x += panel_printf(f, x, y, end - x, ST_DEFAULT, 0, text_get(f->v->lang, form),
                          timeline_lane(f->tl, d->shared_lane[k])->name, val, incr);
        if (lost > 0) {
            x += canvas_text(f->cv, x, y, end - x, ": ", ST_DEFAULT, 0);
            x += panel_printf(f, x, y, end - x, ST_WARN, CV_BOLD, text_get(f->v->lang, T_LOST), lost);
        }
    }
}

/* ---- legend ----------------------------------------------------------------------- */

struct legend_item {
    const char *glyph;
    int role;
    const char *name;
};

/* The legend's items for this scene; returns how many. */
static int legend_items(const struct frame *f, struct legend_item *it)
{
    static const int order[] = { TS_PYTHON, TS_CCALL, TS_NOGIL, TS_OS, TS_READY, TS_GIL_WAIT, TS_SWITCH_WAIT,
                                 TS_IO, TS_SLEEP, TS_LOCK_WAIT, TS_JOIN_WAIT, TS_SELECT, TS_QUEUE_WAIT,
                                 TS_MAP_WAIT, TS_IDLE, TS_DONE };
    int n = 0, a = f->v->ascii, lang = f->v->lang;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        if (f->d->legend_states & (1u << order[k]))
            it[n++] = (struct legend_item){ style_state_glyph(order[k], a), style_state_role(order[k]),
                                            text_state(lang, order[k]) };
    if (!f->d->free_threaded && !f->d->old_gil) {
        it[n++] = (struct legend_item){ "v", ST_MARK_DROP, text_get(lang, T_M_DROP) };
        it[n++] = (struct legend_item){ a ? "|" : "│", ST_MARK_SWITCH, text_get(lang, T_M_SWITCH) };
        it[n++] = (struct legend_item){ "!", ST_MARK_FORCED, text_get(lang, T_M_FORCED) };
    } else if (f->d->old_gil) {
        it[n++] = (struct legend_item){ a ? "'" : "╵", ST_DIM, text_get(lang, T_M_CHECK) };
        it[n++] = (struct legend_item){ a ? "x" : "×", ST_MARK_FAIL, text_get(lang, T_M_FAIL) };
    }
    return n;
}

/* Lay the items out from row y (draw: 1); returns rows used. */
static int legend_flow(struct frame *f, int y, int maxrows, int draw)
{
    struct legend_item it[32];
    int n = legend_items(f, it), x = 1, row = 0, end = f->w - 1;
    for (int k = 0; k < n; k++) {
        int w = 2 + canvas_text_width(it[k].name) + 2;
        if (x + w - 2 > end && x > 1) {
            row++;
            x = 1;
        }
        if (row >= maxrows)
            return row;
        if (draw) {
            canvas_put(f->cv, x, y + row, it[k].glyph, it[k].role,
                       it[k].role >= ST_MARK_DROP || it[k].role == ST_DIM ? CV_BOLD : 0);
            canvas_text(f->cv, x + 2, y + row, end - x - 2, it[k].name, ST_DIM, 0);
        }
        x += w;
    }
    return row + 1;
}

int panel_legend_rows(const struct frame *f)
{
    int rows = legend_flow((struct frame *)f, 0, 3, 0);
    return rows > 2 ? 2 : rows;
}

void panel_legend(struct frame *f, int y, int rows)
{
    legend_flow(f, y, rows, 1);
}

/* ---- key line, prompt ---------------------------------------------------------------- */

void panel_keys(struct frame *f, int y)
{
    const struct ui_view *v = f->v;
    int lang = v->lang;
    if (v->prompt != PROMPT_NONE) {
        int x = 1;
        x += canvas_text(f->cv, x, y, -1, text_get(lang, v->prompt == PROMPT_SPEED ? T_PROMPT_SPEED
                                                     : v->prompt == PROMPT_FIND ? T_PROMPT_FIND : T_PROMPT_TIME),
                         ST_KEY, CV_BOLD);
        x += canvas_text(f->cv, x, y, -1, v->input, ST_DEFAULT, CV_BOLD);
        canvas_put(f->cv, x, y, " ", ST_DEFAULT, CV_REVERSE);
        const char *hint = text_get(lang, T_PROMPT_HINT);
        int hw = canvas_text_width(hint);
        if (x + 3 + hw < f->w)
            canvas_text(f->cv, f->w - hw - 1, y, hw, hint, ST_DIM, 0);
        return;
    }
    if (v->message[0]) {
        canvas_text(f->cv, 1, y, f->w - 2, v->message, ST_WARN, CV_BOLD);
        return;
    }
    const char *keys = text_get(lang, T_KEYS);
    if (canvas_text_width(keys) > f->w - 2)
        keys = text_get(lang, T_KEYS_SHORT);
    canvas_text(f->cv, 1, y, f->w - 2, keys, ST_DIM, 0);
}

/* ---- help overlay -------------------------------------------------------------------- */

/* Draw a box with a border. */
static void box(struct frame *f, int x, int y, int w, int h)
{
    int a = f->v->ascii;
    canvas_fill(f->cv, x, y, w, h, " ", ST_DEFAULT, 0);
    canvas_fill(f->cv, x + 1, y, w - 2, 1, a ? "-" : "─", ST_FOCUS, 0);
    canvas_fill(f->cv, x + 1, y + h - 1, w - 2, 1, a ? "-" : "─", ST_FOCUS, 0);
    canvas_fill(f->cv, x, y + 1, 1, h - 2, a ? "|" : "│", ST_FOCUS, 0);
    canvas_fill(f->cv, x + w - 1, y + 1, 1, h - 2, a ? "|" : "│", ST_FOCUS, 0);
    canvas_put(f->cv, x, y, a ? "+" : "╭", ST_FOCUS, 0);
    canvas_put(f->cv, x + w - 1, y, a ? "+" : "╮", ST_FOCUS, 0);
    canvas_put(f->cv, x, y + h - 1, a ? "+" : "╰", ST_FOCUS, 0);
    canvas_put(f->cv, x + w - 1, y + h - 1, a ? "+" : "╯", ST_FOCUS, 0);
}

void panel_help(struct frame *f)
{
    int a = f->v->ascii, lang = f->v->lang;
    const struct { const char *keys; enum text_id what; } rows[] = {
        { N_("space"), T_H_PLAY },
        { a ? "Right Left  l h" : "→ ←  l h", T_H_STEP },
        { a ? "S-Right S-Left  L H" : "⇧→ ⇧←  L H", T_H_BIGSTEP },
        { "n N  c C", T_H_SWITCH },
        { "[ ]", T_H_SPEED },
        { "s t", T_H_TYPE },
        { "g G  Home End", T_H_ENDS },
        { "/", T_H_FIND },
        { "+ -", T_H_ZOOM },
        { "Tab", T_H_TAB },
        { a ? "Up Down k j PgUp PgDn" : "↑ ↓  k j  PgUp PgDn", T_H_SELECT },
        { N_("mouse"), T_H_MOUSE },
        { "m", T_H_MARKER },
        { "? q", T_H_HELP },
    };
    int nrows = (int)(sizeof rows / sizeof rows[0]);
    /* the legend: every thread state, then the GIL's marks */
    static const int states[] = { TS_PYTHON, TS_CCALL, TS_NOGIL, TS_OS, TS_READY, TS_GIL_WAIT, TS_SWITCH_WAIT,
                                  TS_IO, TS_SLEEP, TS_LOCK_WAIT, TS_JOIN_WAIT, TS_DONE, TS_SELECT,
                                  TS_QUEUE_WAIT, TS_IDLE, TS_MAP_WAIT };
    const struct { const char *g; int role; enum text_id t; } marks[] = {
        { "v", ST_MARK_DROP, T_M_DROP }, { a ? "|" : "│", ST_MARK_SWITCH, T_M_SWITCH },
        { "!", ST_MARK_FORCED, T_M_FORCED }, { a ? "x" : "×", ST_MARK_FAIL, T_M_FAIL },
    };
    int nstates = (int)(sizeof states / sizeof states[0]), nmarks = (int)(sizeof marks / sizeof marks[0]);
    int w = f->w - 2 < 80 ? f->w - 2 : 80;
    int cols = 3, colw = (w - 4) / cols;
    int legend_rows = (nstates + nmarks + cols - 1) / cols;
    int h = 1 + nrows + 1 + legend_rows + 1;   /* border, keys, legend's title rule, legend, border */
    if (h > f->h)
        h = f->h;
    int x0 = (f->w - w) / 2, y0 = (f->h - h) / 2;
    canvas_fill(f->cv, 0, y0, f->w, h, " ", ST_DEFAULT, 0);   /* no lane margin shows beside the box */
    box(f, x0, y0, w, h);
    const char *title = text_get(lang, T_HELP_TITLE);
    panel_printf(f, x0 + (w - canvas_text_width(title) - 2) / 2, y0, -1, ST_TITLE, CV_BOLD, " %s ", title);
    int y = y0 + 1, kw = 0;
    for (int k = 0; k < nrows; k++)
        kw = canvas_text_width(gv_tr(lang, rows[k].keys)) > kw ? canvas_text_width(gv_tr(lang, rows[k].keys)) : kw;
    kw += 2;
    for (int k = 0; k < nrows && y < y0 + h - 1; k++, y++) {
        canvas_text(f->cv, x0 + 3, y, kw, gv_tr(lang, rows[k].keys), ST_KEY, CV_BOLD);   /* "space" is "espaço" */
        canvas_text(f->cv, x0 + 3 + kw, y, w - kw - 5, text_get(lang, rows[k].what), ST_DEFAULT, 0);
    }
    if (y < y0 + h - 1) {   /* a rule with the legend's title separates it from the keys */
        canvas_fill(f->cv, x0 + 1, y, w - 2, 1, a ? "-" : "─", ST_FOCUS, 0);
        canvas_put(f->cv, x0, y, a ? "+" : "├", ST_FOCUS, 0);
        canvas_put(f->cv, x0 + w - 1, y, a ? "+" : "┤", ST_FOCUS, 0);
        panel_printf(f, x0 + 3, y++, w - 6, ST_TITLE, CV_BOLD, " %s · %s ", text_get(lang, T_H_LEGEND),
                     text_get(lang, T_H_MARKS));
    }
    for (int k = 0; k < nstates + nmarks; k++) {
        int yy = y + k / cols, xx = x0 + 3 + (k % cols) * colw;
        if (yy >= y0 + h - 1)
            break;
        if (k < nstates) {
            canvas_put(f->cv, xx, yy, style_state_glyph(states[k], a), style_state_role(states[k]), 0);
            canvas_text(f->cv, xx + 2, yy, colw - 3, text_state(lang, states[k]), ST_DEFAULT, 0);
        } else {
            canvas_put(f->cv, xx, yy, marks[k - nstates].g, marks[k - nstates].role, CV_BOLD);
            canvas_text(f->cv, xx + 2, yy, colw - 3, text_get(lang, marks[k - nstates].t), ST_DEFAULT, 0);
        }
    }
}

/* ---- too small ------------------------------------------------------------------------ */

void panel_small(struct frame *f)
{
    char buf[160];
    snprintf(buf, sizeof buf, text_get(f->v->lang, T_SMALL), UI_MIN_W, UI_MIN_H, f->w, f->h);
    const char *lines[2] = { buf, text_get(f->v->lang, T_SMALL_KEYS) };
    int y = f->h / 2 - 1;
    for (int k = 0; k < 2; k++, y++) {
        /* wrap the message over two rows if the terminal is very narrow */
        const char *s = lines[k];
        while (*s && y < f->h) {
            const char *next;
            size_t n = wrap(s, f->w > 2 ? f->w - 2 : 1, &next);
            char line[200];
            snprintf(line, sizeof line, "%.*s", (int)n, s);
            int lw = canvas_text_width(line);
            canvas_text(f->cv, (f->w - lw) / 2, y, f->w, line, k == 0 ? ST_WARN : ST_DIM, k == 0 ? CV_BOLD : 0);
            s = next;
            if (*s)
                y++;
        }
    }
}
