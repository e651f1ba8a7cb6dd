/*
 * control: what each key and mouse action does to the view.  Pure: no curses,
 * no clock, no terminal, so every control is testable with cmocka.  term.c
 * turns curses keys into `struct ui_input`; the player applies the returned
 * flags (restart the playback clock, quit).
 *
 * Seeking is exact: stepping moves to the time of the next / previous record
 * of the timeline, and the frame at t is always drawn from
 * timeline_state_at(t), never by replaying.
 */
#ifndef GV_CONTROL_H
#define GV_CONTROL_H

#include <stdint.h>

#include "layout.h"
#include "view.h"

enum ui_key {
    UK_NONE = 0,
    UK_CHAR,          /* ch holds the code point */
    UK_LEFT, UK_RIGHT, UK_UP, UK_DOWN,
    UK_SLEFT, UK_SRIGHT,
    UK_HOME, UK_END, UK_PGUP, UK_PGDN,
    UK_TAB, UK_BTAB, UK_ENTER, UK_ESC, UK_BACKSPACE,
    UK_RESIZE,
    UK_CLICK,         /* x, y: a left click */
    UK_WHEEL_UP, UK_WHEEL_DOWN,
};

struct ui_input {
    int key;          /* enum ui_key */
    uint32_t ch;
    int x, y;
};

/* Flags returned by control_handle. */
enum {
    CTL_REDRAW = 1,   /* the frame changed */
    CTL_SEEK = 2,     /* t or the speed changed: restart the playback clock */
    CTL_QUIT = 4,
};

/* What the controls need besides the view. */
struct control_ctx {
    const struct ui_data *d;
    const struct ui_geom *geom;  /* of the last frame drawn */
    gv_ns t_max;                 /* latest time that may be shown */
    int complete;                /* the simulation is finished */
};

/* Apply one input to the view; returns CTL_* flags. */
int control_handle(const struct control_ctx *c, struct ui_view *v, const struct ui_input *in);

/* The next / previous value of the 1-2-5 ladder (speeds and zoom). */
gv_ns control_ladder_up(gv_ns x);
gv_ns control_ladder_down(gv_ns x);
/* Time of the next / previous record strictly after / before t (or t_max /
 * 0 when there is none). */
gv_ns control_next_event(const struct timeline *tl, gv_ns t, gv_ns t_max);
gv_ns control_prev_event(const struct timeline *tl, gv_ns t);
/* Next / previous GIL switch or note strictly after / before t; -1 if none. */
/* The next / previous caption (note) after / before t, or -1. */
gv_ns control_next_note(const struct ui_data *d, gv_ns t, gv_ns t_max);
gv_ns control_prev_note(const struct ui_data *d, gv_ns t);
gv_ns control_next_switch(const struct ui_data *d, gv_ns t, gv_ns t_max);
gv_ns control_prev_switch(const struct ui_data *d, gv_ns t);

#define UI_ZOOM_MIN (1 * GV_NS_PER_US)
#define UI_ZOOM_MAX GV_NS_MAX
#define UI_SPEED_MIN INT64_C(10)
#define UI_SPEED_MAX (1000 * GV_NS_PER_S)

#endif
