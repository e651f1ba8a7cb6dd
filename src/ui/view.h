/*
 * view: everything that decides what one frame shows, apart from the data.
 * The player changes it in response to keys and time; `gilviz frame` fills
 * it from the command line; the layout reads it (and only normalises the
 * scroll offsets).  Plain data, no functions.
 */
#ifndef GV_VIEW_H
#define GV_VIEW_H

#include "../util.h"

/* Tab order.  PANEL_TASKS (asyncio loops and tasks) exists only when the
 * scene has an event loop. */
enum ui_panel { PANEL_THREADS, PANEL_TASKS, PANEL_CORES, PANEL_GIL, PANEL_LOG, PANEL_COUNT_ };
enum ui_prompt { PROMPT_NONE, PROMPT_SPEED, PROMPT_TIME, PROMPT_FIND };

#define UI_MIN_W 80
#define UI_MIN_H 24

struct ui_view {
    gv_ns t;            /* the time shown: state at t is the state at t */
    gv_ns span;         /* zoom: the time the lanes cover */
    gv_ns speed;        /* playback: simulated ns per wall-clock second */
    int playing;
    int sel;            /* selected thread */
    int sel_task;       /* selected task (its row in the tasks panel): the one
                           explained while that panel has the focus */
    int focus;          /* enum ui_panel */
    int lang;           /* SCENE_LANG_EN / SCENE_LANG_PT */
    int ascii;          /* ASCII glyphs instead of UTF-8 */
    int color;          /* 0: no colour, so the layout uses reverse video for bars */
    int help;           /* the help overlay is shown */
    int top_threads, top_cores, top_gil, top_tasks;  /* first row shown of scrolled panels */
    int log_back;       /* events panel: lines scrolled back from the newest */
    int prompt;         /* enum ui_prompt: a line being typed */
    char input[64];
    char find[64];      /* the last name looked for with / (the next / starts from it) */
    char message[160];  /* a short-lived message (bad input...) */
    /* the simulation, as the player sees it */
    int sim_running;    /* the engine is still writing */
    int spinner;        /* frame counter for the progress spinner */
    char sim_error[200];
    int stopped_by;     /* enum ui_stop: what cut the simulation short */
};

/* Why a finished simulation stopped before every thread ended. */
enum ui_stop { UI_STOP_NONE, UI_STOP_HORIZON, UI_STOP_EVENTS, UI_STOP_MEMORY };

#endif
