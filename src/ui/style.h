/*
 * style: the colour roles a canvas cell can have, and the glyph and role of
 * every thread state.  The layout picks roles; term.c alone turns a role into
 * terminal colours (256, 8 or none), so the same frame reads on any terminal.
 * Every thread state also has its own glyph, so lanes read in monochrome and
 * in `gilviz frame` text.
 */
#ifndef GV_STYLE_H
#define GV_STYLE_H

#include "../timeline/codes.h"

#define ST_NTHREAD_COLORS 12

enum ui_style {
    ST_DEFAULT = 0,
    ST_DIM,          /* secondary text, idle cells, the future */
    ST_BAR,          /* the header bar */
    ST_BAR_ACCENT,   /* highlighted words in the header bar */
    ST_TITLE,        /* panel names */
    ST_FOCUS,        /* the focused panel's margin, the selection */
    ST_CAPTION,      /* the scene's notes */
    ST_WHY,          /* the selected thread's explanation */
    ST_WARN,         /* errors, lost updates, the small-terminal message */
    ST_PLAYHEAD,     /* the current time on the ruler */
    ST_KEY,          /* key names in the help and the key line */
    ST_STATE,        /* + thread state code (TS_*) */
    ST_THREAD = ST_STATE + TS_COUNT_,       /* + thread colour index */
    ST_MARK_DROP = ST_THREAD + ST_NTHREAD_COLORS,
    ST_MARK_SWITCH,
    ST_MARK_FORCED,
    ST_MARK_FAIL,
    ST_COUNT
};

/* Glyph of a thread state in a lane (UTF-8 or ASCII set). */
const char *style_state_glyph(int code, int ascii);
/* Colour role of a thread state. */
int style_state_role(int code);
/* Glyph and colour role of an asyncio task state (with what a pending task
 * awaits): the glyph of the thread state it resembles (running: Python,
 * scheduled: ready, awaiting I/O: I/O, awaiting the executor: C without the
 * GIL...). */
const char *style_task_glyph(int code, int wait, int ascii);
int style_task_role(int code, int wait);
/* Colour role of thread number i (its identity colour on cores and the GIL). */
int style_thread_role(int i);

#endif
