/*
 * style: glyphs per thread state.  The UTF-8 set uses block elements and box
 * drawing (one cell wide on every common terminal font); the ASCII set uses
 * one distinct printable character per state.  A state added to codes.h
 * before it is given a glyph here shows as '?'.  Dense glyphs mean "running",
 * light ones "waiting", so a lane reads at a glance even without colour.
 */
#include "style.h"

#include <stddef.h>

static const char *const glyph_utf8[TS_COUNT_] = {
    [TS_NEW] = " ",          [TS_READY] = "┄",      [TS_PYTHON] = "█",
    [TS_CCALL] = "▓",        [TS_NOGIL] = "▒",      [TS_GIL_WAIT] = "░",
    [TS_SWITCH_WAIT] = "╱",  [TS_IO] = "~",         [TS_SLEEP] = "z",
    [TS_LOCK_WAIT] = "×",    [TS_JOIN_WAIT] = "─",  [TS_OS] = "▞",
    [TS_DONE] = "·",         [TS_SELECT] = "▁",     [TS_QUEUE_WAIT] = "q",
    [TS_IDLE] = "╌",         [TS_MAP_WAIT] = "m",
};

static const char *const glyph_ascii[TS_COUNT_] = {
    [TS_NEW] = " ",          [TS_READY] = ":",      [TS_PYTHON] = "#",
    [TS_CCALL] = "%",        [TS_NOGIL] = "=",      [TS_GIL_WAIT] = "-",
    [TS_SWITCH_WAIT] = "/",  [TS_IO] = "~",         [TS_SLEEP] = "z",
    [TS_LOCK_WAIT] = "x",    [TS_JOIN_WAIT] = "_",  [TS_OS] = "*",
    [TS_DONE] = ".",         [TS_SELECT] = "s",     [TS_QUEUE_WAIT] = "q",
    [TS_IDLE] = ",",         [TS_MAP_WAIT] = "m",
};

const char *style_state_glyph(int code, int ascii)
{
    const char *g = code >= 0 && code < TS_COUNT_ ? (ascii ? glyph_ascii[code] : glyph_utf8[code]) : NULL;
    return g ? g : "?";   /* a state newer than this table */
}

int style_state_role(int code)
{
    return code >= 0 && code < TS_COUNT_ ? ST_STATE + code : ST_DEFAULT;
}

/* The thread state a task state looks like. */
static int task_as_thread(int code, int wait)
{
    switch (code) {
    case TK_SCHEDULED: return TS_READY;
    case TK_RUNNING: return TS_PYTHON;
    case TK_PENDING:
        switch (wait) {
        case TW_IO: return TS_IO;
        case TW_SLEEP: return TS_SLEEP;
        case TW_GATHER: return TS_JOIN_WAIT;
        case TW_EXECUTOR: return TS_NOGIL;
        default: return TS_GIL_WAIT;   /* a future: light, "waiting" */
        }
    case TK_DONE: return TS_DONE;
    case TK_CANCELLED: return TS_LOCK_WAIT;   /* the cross */
    default: return TS_NEW;
    }
}

const char *style_task_glyph(int code, int wait, int ascii)
{
    return style_state_glyph(task_as_thread(code, wait), ascii);
}

int style_task_role(int code, int wait)
{
    return code == TK_CANCELLED ? ST_WARN : style_state_role(task_as_thread(code, wait));
}

int style_thread_role(int i)
{
    return ST_THREAD + (i < 0 ? 0 : i % ST_NTHREAD_COLORS);
}
