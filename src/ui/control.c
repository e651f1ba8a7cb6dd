/*
 * control: see control.h.  One function per kind of action; control_handle
 * dispatches.  While the help is shown any key closes it; while a prompt is
 * open keys edit the line.
 */
#include "control.h"

#include <stdio.h>
#include <string.h>

#include "../timeline/codes.h"
#include "text.h"

#define ALL_KINDS 7u
#define SWITCH_SCAN_LIMIT 20000000u   /* records looked at for n / N */

gv_ns control_ladder_up(gv_ns x)
{
    for (gv_ns p = 1; p <= GV_NS_MAX; p *= 10) {
        static const int m[] = { 1, 2, 5 };
        for (int k = 0; k < 3; k++)
            if (p * m[k] > x)
                return p * m[k];
    }
    return x;
}

gv_ns control_ladder_down(gv_ns x)
{
    gv_ns best = 0;
    for (gv_ns p = 1; p <= GV_NS_MAX; p *= 10) {
        static const int m[] = { 1, 2, 5 };
        for (int k = 0; k < 3; k++) {
            if (p * m[k] >= x)
                return best ? best : x;
            best = p * m[k];
        }
    }
    return best;
}

gv_ns control_next_event(const struct timeline *tl, gv_ns t, gv_ns t_max)
{
    uint64_t i = timeline_next(tl, t, ALL_KINDS, -1);
    if (i == UINT64_MAX)
        return t_max;
    gv_ns n = timeline_get(tl, i)->t;
    return n > t_max ? t_max : n;
}

gv_ns control_prev_event(const struct timeline *tl, gv_ns t)
{
    uint64_t i = timeline_prev(tl, t, ALL_KINDS, -1);
    return i == UINT64_MAX ? 0 : timeline_get(tl, i)->t;
}

/* Is record r a GIL switch? */
static int is_switch(const struct tl_rec *r)
{
    return r->kind == TL_EVENT && (r->code == EV_SWITCH || r->code == EV_FORCED_SWITCH);
}

gv_ns control_next_note(const struct ui_data *d, gv_ns t, gv_ns t_max)
{
    const struct scene *sc = d->sc;
    int k = scene_note_upto(sc, t);   /* notes[k] is the first after t */
    return k < sc->nnotes && sc->notes[k].at <= t_max ? sc->notes[k].at : -1;
}

gv_ns control_prev_note(const struct ui_data *d, gv_ns t)
{
    const struct scene *sc = d->sc;
    int k = t > 0 ? scene_note_upto(sc, t - 1) : 0;   /* notes before t */
    return k > 0 ? sc->notes[k - 1].at : -1;
}

gv_ns control_next_switch(const struct ui_data *d, gv_ns t, gv_ns t_max)
{
    gv_ns best = control_next_note(d, t, INT64_MAX);
    uint64_t n = timeline_count(d->tl);
    for (uint64_t i = timeline_upper(d->tl, t), k = 0; i < n && k < SWITCH_SCAN_LIMIT; i++, k++) {
        const struct tl_rec *r = timeline_get(d->tl, i);
        if (best >= 0 && r->t >= best)
            break;
        if (is_switch(r)) {
            best = r->t;
            break;
        }
    }
    return best > t_max ? -1 : best;
}

gv_ns control_prev_switch(const struct ui_data *d, gv_ns t)
{
    gv_ns best = control_prev_note(d, t);
    uint64_t i = t > 0 ? timeline_upper(d->tl, t - 1) : 0;
    for (uint64_t k = 0; i > 0 && k < SWITCH_SCAN_LIMIT; k++) {
        const struct tl_rec *r = timeline_get(d->tl, --i);
        if (r->t <= best)
            break;
        if (is_switch(r)) {
            best = r->t;
            break;
        }
    }
    return best;
}

/* Go to time t (clamped); returns flags. */
static int seek(const struct control_ctx *c, struct ui_view *v, gv_ns t)
{
    if (t < 0)
        t = 0;
    if (t > c->t_max)
        t = c->t_max;
    v->t = t;
    return CTL_REDRAW | CTL_SEEK;
}

/* Scroll the focused panel or move the selection by `delta` rows. */
static int move(const struct control_ctx *c, struct ui_view *v, int delta)
{
    const struct ui_data *d = c->d;
    switch (v->focus) {
    case PANEL_THREADS:
        v->sel = ui_data_shown_step(d, v->sel, delta);   /* over the lanes shown */
        break;
    case PANEL_CORES:
        v->top_cores += delta;
        if (v->top_cores < 0)
            v->top_cores = 0;
        break;   /* the layout clamps the far end */
    case PANEL_GIL:
        v->top_gil += delta;
        if (v->top_gil < 0)
            v->top_gil = 0;
        break;
    case PANEL_TASKS:   /* the selected task, which the layout keeps on screen */
        v->sel_task += delta;
        if (v->sel_task >= d->ntasks)
            v->sel_task = d->ntasks - 1;
        if (v->sel_task < 0)
            v->sel_task = 0;
        break;
    case PANEL_LOG:
        v->log_back -= delta;   /* up = older lines */
        if (v->log_back < 0)
            v->log_back = 0;
        break;
    default: break;
    }
    return CTL_REDRAW;
}

/* Rows of the focused panel, for page up / down. */
static int page_rows(const struct control_ctx *c, const struct ui_view *v)
{
    int r = c->geom ? c->geom->lanes_rows[v->focus] : 0;
    if (v->focus == PANEL_GIL && !c->d->free_threaded)
        r /= 2;
    return r > 1 ? r : 1;
}

/* Keys while a prompt is open. */
static int prompt_key(const struct control_ctx *c, struct ui_view *v, const struct ui_input *in)
{
    size_t n = strlen(v->input);
    if (in->key == UK_ESC) {
        v->prompt = PROMPT_NONE;
        return CTL_REDRAW;
    }
    if (in->key == UK_BACKSPACE) {
        if (n > 0)
            v->input[n - 1] = '\0';
        return CTL_REDRAW;
    }
    if (in->key == UK_CHAR && in->ch == 0x15) {   /* Ctrl-U: erase the line, as a shell does */
        v->input[0] = '\0';
        return CTL_REDRAW;
    }
    if (in->key == UK_CHAR && in->ch >= 0x20 && in->ch < 0x7f && n + 1 < sizeof v->input) {
        v->input[n] = (char)in->ch;
        v->input[n + 1] = '\0';
        return CTL_REDRAW;
    }
    if (in->key != UK_ENTER)
        return 0;
    int which = v->prompt;
    v->prompt = PROMPT_NONE;
    if (which == PROMPT_FIND) {
        if (n == 0)
            return CTL_REDRAW;
        snprintf(v->find, sizeof v->find, "%s", v->input);
        if (ui_view_find(c->d, v, v->input) != 0)
            snprintf(v->message, sizeof v->message, text_get(v->lang, T_FIND_NONE), v->input);
        return CTL_REDRAW;
    }
    gv_ns x = 0;
    const char *why = NULL;
    if (strcmp(v->input, "0") != 0 && gv_parse_duration(v->input, n, &x, &why) != 0) {
        snprintf(v->message, sizeof v->message, text_get(v->lang, T_BAD_TIME), v->input, gv_tr(v->lang, why));
        return CTL_REDRAW;
    }
    if (which == PROMPT_TIME)
        return seek(c, v, x);
    if (x < UI_SPEED_MIN)
        x = UI_SPEED_MIN;
    v->speed = x > UI_SPEED_MAX ? UI_SPEED_MAX : x;
    return CTL_REDRAW | CTL_SEEK;
}

/* A left click at (x, y): seek on a lane's strip, select a thread. */
static int click(const struct control_ctx *c, struct ui_view *v, int x, int y)
{
    const struct ui_geom *g = c->geom;
    if (!g || g->small || y < 0 || y >= UI_GEOM_ROWS)
        return 0;
    int kind = g->row[y].kind, flags = 0;
    switch (kind) {
    case ROW_THREAD: v->sel = g->row[y].index, v->focus = PANEL_THREADS, flags |= CTL_REDRAW; break;
    case ROW_CORE: v->focus = PANEL_CORES, flags |= CTL_REDRAW; break;
    case ROW_GIL: case ROW_LOCK: v->focus = PANEL_GIL, flags |= CTL_REDRAW; break;
    case ROW_TASK:   /* a loop's row is -1: the focus only */
        if (g->row[y].index >= 0)
            v->sel_task = g->row[y].index;
        v->focus = PANEL_TASKS, flags |= CTL_REDRAW;
        break;
    case ROW_LOG: v->focus = PANEL_LOG; return CTL_REDRAW;
    case ROW_RULER: break;
    default: return 0;
    }
    if (x >= g->strip_x && x < g->strip_x + g->strip_w)
        flags |= seek(c, v, layout_time_at_column(g, x - g->strip_x));
    return flags;
}

/* Zoom in (dir < 0) or out. */
static int zoom(struct ui_view *v, int dir)
{
    gv_ns s = dir < 0 ? control_ladder_down(v->span) : control_ladder_up(v->span);
    if (s < UI_ZOOM_MIN)
        s = UI_ZOOM_MIN;
    if (s > UI_ZOOM_MAX)
        s = UI_ZOOM_MAX;
    v->span = s;
    return CTL_REDRAW;
}

int control_handle(const struct control_ctx *c, struct ui_view *v, const struct ui_input *in)
{
    if (in->key == UK_RESIZE)
        return CTL_REDRAW;
    if (v->message[0] && in->key != UK_NONE) {
        v->message[0] = '\0';
        if (in->key == UK_ESC)
            return CTL_REDRAW;
    }
    if (v->prompt != PROMPT_NONE)
        return prompt_key(c, v, in);
    if (v->help) {   /* any key closes the help */
        if (in->key == UK_NONE)
            return 0;
        v->help = 0;
        return CTL_REDRAW;
    }
    gv_ns big = v->span / 10 > 1 ? v->span / 10 : 1;
    uint32_t ch = in->key == UK_CHAR ? in->ch : 0;
    int key = in->key;
    if (ch == 'l')
        key = UK_RIGHT;
    else if (ch == 'h')
        key = UK_LEFT;
    else if (ch == 'L')
        key = UK_SRIGHT;
    else if (ch == 'H')
        key = UK_SLEFT;
    else if (ch == 'k')
        key = UK_UP;
    else if (ch == 'j')
        key = UK_DOWN;
    else if (ch == 'g')
        key = UK_HOME;
    else if (ch == 'G')
        key = UK_END;
    switch (key) {
    case UK_RIGHT: v->playing = 0; return seek(c, v, control_next_event(c->d->tl, v->t, c->t_max));
    case UK_LEFT: v->playing = 0; return seek(c, v, control_prev_event(c->d->tl, v->t));
    case UK_SRIGHT: v->playing = 0; return seek(c, v, v->t + big);
    case UK_SLEFT: v->playing = 0; return seek(c, v, v->t - big);
    case UK_HOME: return seek(c, v, 0);
    case UK_END: return seek(c, v, c->t_max);
    case UK_UP: return move(c, v, -1);
    case UK_DOWN: return move(c, v, 1);
    case UK_PGUP: return move(c, v, -page_rows(c, v));
    case UK_PGDN: return move(c, v, page_rows(c, v));
    case UK_TAB: case UK_BTAB:
        do   /* the tasks panel exists only with an event loop */
            v->focus = (v->focus + (key == UK_TAB ? 1 : PANEL_COUNT_ - 1)) % PANEL_COUNT_;
        while (v->focus == PANEL_TASKS && c->d->nloops == 0);
        return CTL_REDRAW;
    case UK_CLICK: return click(c, v, in->x, in->y);
    case UK_WHEEL_UP: return zoom(v, -1);
    case UK_WHEEL_DOWN: return zoom(v, 1);
    case UK_ESC: return 0;
    case UK_CHAR: break;
    default: return 0;
    }
    switch (ch) {
    case 'q': case 'Q': return CTL_QUIT;
    case '?': v->help = 1; return CTL_REDRAW;
    case ' ':
        if (!v->playing && c->complete && v->t >= c->t_max) {   /* at the end: play again from the start */
            v->t = 0;
        }
        v->playing = !v->playing;
        return CTL_REDRAW | CTL_SEEK;
    case ']': v->speed = control_ladder_up(v->speed); break;
    case '[': v->speed = control_ladder_down(v->speed); break;
    case '+': case '=': return zoom(v, -1);
    case '-': case '_': return zoom(v, 1);
    case 'n': {
        gv_ns t = control_next_switch(c->d, v->t, c->t_max);
        v->playing = 0;
        return t >= 0 ? seek(c, v, t) : CTL_REDRAW;
    }
    case 'N': {
        gv_ns t = control_prev_switch(c->d, v->t);
        v->playing = 0;
        return t >= 0 ? seek(c, v, t) : CTL_REDRAW;
    }
    case 'c': case 'C': { /* captions only: the lecture's own steps */
        gv_ns t = ch == 'c' ? control_next_note(c->d, v->t, c->t_max) : control_prev_note(c->d, v->t);
        v->playing = 0;
        return t >= 0 ? seek(c, v, t) : CTL_REDRAW;
    }
    case 's': case 't':
        v->prompt = ch == 's' ? PROMPT_SPEED : PROMPT_TIME;
        v->input[0] = '\0';
        return CTL_REDRAW;
    case '/':   /* the last name again: Enter goes on to its next match */
        v->prompt = PROMPT_FIND;
        snprintf(v->input, sizeof v->input, "%s", v->find);
        return CTL_REDRAW;
    default: return 0;
    }
    if (v->speed < UI_SPEED_MIN)
        v->speed = UI_SPEED_MIN;
    if (v->speed > UI_SPEED_MAX)
        v->speed = UI_SPEED_MAX;
    return CTL_REDRAW | CTL_SEEK;
}
