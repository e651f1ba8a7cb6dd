/*
 * ui: what the command line calls — the interactive player (player.c) and
 * the headless frame (frame.c).  Both draw with the same layout.
 */
#ifndef GV_UI_H
#define GV_UI_H

#include <stddef.h>
#include <stdio.h>

#include "../scene/scene.h"
#include "../sim/engine.h"
#include "../timeline/timeline.h"

/* Records the player indexes before its first frame (more come in later
 * slices): bounds the time to the first frame whatever the scene's size. */
#define UI_FIRST_BUDGET 200000u

struct ui_opts {
    int lang;            /* SCENE_LANG_*, or -1: from LC_ALL / LC_MESSAGES / LANG */
    int ascii;           /* 1: ASCII glyphs; 0: UTF-8 if the locale is UTF-8 (player) or always (frame) */
    int no_color;        /* --no-color (NO_COLOR in the environment counts too) */
    int no_mouse;
    int paused;          /* start paused */
    gv_ns speed, zoom;   /* 0: the scene's default */
    gv_ns at;            /* start time, -1: 0 */
    const char *select;  /* thread to select, NULL: default */
    int w, h;            /* frame, render: canvas size */
    int format;          /* frame: RF_* (render.h), default RF_TEXT */
    const char *record;  /* play: append an asciicast v2 recording to this file */
    gv_ns from, to;      /* render: the range played (to < 0: the end) */
};

void ui_opts_init(struct ui_opts *o);

/* Print the frame at o->at of a finished simulation in o->format (text,
 * ANSI, SVG, HTML: render.h).  Returns 0, 64 with a message in err (no
 * thread named o->select), or 74 if writing failed. */
int ui_frame(FILE *out, const struct scene *sc, const struct timeline *tl, const struct ui_opts *o, char *err,
             size_t errsize);

/* Write an asciicast v2 recording (cast.h) of playing a finished simulation
 * from o->from to o->to at o->speed (0: a default that takes 12-30 s),
 * zoomed out to show at least 10 s of playback unless o->zoom is set,
 * atomically to `path`.  Returns 0, 64 (no thread or task named o->select), or
 * 73/74 with a message in err. */
int ui_render(const char *path, const struct scene *sc, const struct timeline *tl, const struct ui_opts *o,
              char *err, size_t errsize);

/* Run the interactive player: starts the engine on its own thread, shows the
 * timeline as it is published, restores the terminal on every way out.
 * Returns the exit status (0, 64 without a terminal, 65 if the simulation
 * failed, 70 if the engine thread could not start). */
int ui_play(const struct scene *sc, struct engine *e, struct timeline *tl, const struct ui_opts *o);

#endif
