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

int style_thread_role(int i)
{
    return ST_THREAD + (i < 0 ? 0 : i % ST_NTHREAD_COLORS);
}
