/*
 * player: the interactive loop.  The engine runs on its own pthread and
 * publishes the timeline; this thread only reads what is published, never
 * waits for the engine while it runs, and joins it once the timeline is done
 * (or leaves it behind at quit: see below).
 *
 * One iteration: index a bounded slice of newly published records (tally),
 * advance the playback clock, draw if anything changed, then block once —
 * on input, with a timeout that is the next frame's deadline while playing,
 * a progress tick while the engine runs, and no timeout at all when paused
 * with everything simulated (no CPU use).
 *
 * With --record FILE.cast every frame drawn is also appended to an
 * asciicast v2 file (cast.h) as the terminal update from the previous frame,
 * with "r" events on resize and "m" markers at every caption reached and
 * when the presenter presses m.  The recording encodes the canvases the
 * player blits (render_update), not the bytes curses sends, so a replay
 * looks the same whatever the terminal type of the session was.
 *
 * Time while playing is anchor_t + elapsed wall time * speed; a seek or a
 * speed change moves the anchor, so playback never drifts.  Time is clamped
 * to what is fully indexed (tally_horizon).
 */
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"
#include "canvas.h"
#include "cast.h"
#include "control.h"
#include "layout.h"
#include "tally.h"
#include "term.h"
#include "text.h"
#include "ui.h"

#define FRAME_NS (GV_NS_PER_S / 30)          /* 30 frames per second while playing */
#define PROGRESS_MS 100                      /* redraw the progress this often */
#define MESSAGE_NS (4 * GV_NS_PER_S)         /* a message stays this long */
#define SLICE_BUDGET 4000000u                /* records indexed per iteration after that */

/* Use a UTF-8 locale if the environment asks for one; returns 1 if the
 * character set is UTF-8. */
static int utf8_locale(void)
{
    if (!setlocale(LC_ALL, "")) {
        /* e.g. LANG=pt_BR.UTF-8 with that locale not generated: keep UTF-8 */
        const char *vars[] = { getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG") };
        for (int k = 0; k < 3; k++)
            if (vars[k] && *vars[k]) {
                if (strstr(vars[k], "UTF-8") || strstr(vars[k], "utf8") || strstr(vars[k], "UTF8"))
                    setlocale(LC_CTYPE, "C.UTF-8");
                break;
            }
    }
    /* numbers read the same as in `gilviz frame`, whatever the locale */
    setlocale(LC_NUMERIC, "C");
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Block the quit and resize signals in the threads started from now on (the
 * engine), so that they reach the UI thread. */
static void block_signals(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    sigaddset(&s, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

int ui_play(const struct scene *sc, struct engine *e, struct timeline *tl, const struct ui_opts *o)
{
    int ascii = o->ascii || !utf8_locale();
    const char *nc = getenv("NO_COLOR");
    int color = !o->no_color && !(nc && *nc);
    int lang = o->lang >= 0 ? o->lang : gv_lang_from_env();
    gv_i18n_prepare(lang);   /* again: utf8_locale() has just reset LC_MESSAGES */

    struct tally *ty = tally_new(tl);
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct ui_view v;
    ui_view_defaults(&v, d, lang, ascii, color);
    if (o->select && ui_view_select(d, &v, o->select) != 0) {
        fprintf(stderr, "gilviz: ");
        fprintf(stderr, gv_tr(lang, "--select: no thread or task named '%s'"), o->select);
        fputc('\n', stderr);
        ui_data_free(d);
        tally_free(ty);
        return EX_USAGE;
    }
    if (o->zoom > 0)
        v.span = o->zoom;
    if (o->speed > 0)
        v.speed = o->speed;
    v.playing = !o->paused;
    gv_ns want_t = o->at > 0 ? o->at : 0;   /* reached as soon as it is simulated */

    char err[512];
    struct cast_rec *rec = NULL;
    if (o->record) {
        int code = 0;
        if (!(rec = cast_rec_open(o->record, err, sizeof err, &code))) {
            fprintf(stderr, "gilviz: %s\n", err);
            ui_data_free(d);
            tally_free(ty);
            return code ? code : EX_CANTCREAT;
        }
    }
    struct term *t = term_open(color, !o->no_mouse, err, sizeof err);
    if (!t) {
        fprintf(stderr, "gilviz: %s\n", err);
        cast_rec_close(rec, NULL, 0);
        ui_data_free(d);
        tally_free(ty);
        return EX_USAGE;
    }
    v.color = term_colors(t) > 0;

    sigset_t oldmask;
    block_signals(&oldmask);
    pthread_t th;
    int started = engine_start(e, &th) == 0;
    pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
    if (!started) {
        term_close(t);
        cast_rec_close(rec, NULL, 0);
        fprintf(stderr, "gilviz: %s\n", gv_tr(lang, "cannot start the simulation thread"));
        ui_data_free(d);
        tally_free(ty);
        return EX_SOFTWARE;
    }
    v.sim_running = 1;

    int w, h, joined = 0, rc = 0, quit = 0, dirty = 1, first = 1;
    term_size(t, &w, &h);
    cast_rec_start(rec, w, h, scene_text_get(&sc->title, v.lang));
    int caption = 0, marks = 0;   /* the caption last recorded as a marker; markers made with m */
    struct canvas *cv = canvas_new(w, h);
    struct layout *lay = layout_new(d);
    struct ui_geom geom;
    memset(&geom, 0, sizeof geom);
    char sim_err[512] = "";
    int64_t now = gv_now_ns(), anchor_wall = now, last_draw = 0, message_at = 0;
    gv_ns anchor_t = 0;

    while (!quit) {
        /* 1. what the engine has published */
        if (tally_advance(ty, first ? UI_FIRST_BUDGET : SLICE_BUDGET) > 0) {
            ui_data_follow(d);
            dirty = 1;
        }
        first = 0;
        if (!joined && tally_complete(ty)) {
            if (engine_join(e, th, sim_err, sizeof sim_err) != 0) {
                snprintf(v.sim_error, sizeof v.sim_error, "%.*s", (int)sizeof v.sim_error - 1, sim_err);
                rc = EX_DATAERR;
            }
            joined = 1;
            ui_data_settle(d);   /* the lanes of threads that never started go */
            v.sim_running = 0;
            const struct sim_stats *st = engine_stats(e);
            v.stopped_by = st->horizon_hit ? UI_STOP_HORIZON : st->event_cap_hit ? UI_STOP_EVENTS
                         : st->mem_cap_hit ? UI_STOP_MEMORY : UI_STOP_NONE;
            dirty = 1;
        }
        gv_ns horizon = tally_horizon(ty);
        if (horizon < 0)
            horizon = 0;

        /* 2. the playback clock */
        now = gv_now_ns();
        if (want_t > 0 && (horizon >= want_t || joined)) {
            v.t = want_t < horizon ? want_t : horizon;
            want_t = 0;
            anchor_t = v.t, anchor_wall = now, dirty = 1;
        }
        int small = w < UI_MIN_W || h < UI_MIN_H;
        if (v.playing && small) {
            /* nothing to see on the "enlarge the terminal" screen: the
             * clock waits (until the resize, below), so no caption goes by
             * unseen */
            anchor_t = v.t, anchor_wall = now;
        } else if (v.playing) {
            gv_ns nt = anchor_t + (gv_ns)((__int128)(now - anchor_wall) * v.speed / GV_NS_PER_S);
            if (nt >= horizon) {
                nt = horizon;
                anchor_t = nt, anchor_wall = now;
                if (joined)
                    v.playing = 0;   /* the end */
                dirty = 1;
            }
            if (nt != v.t)
                v.t = nt, dirty = 1;
        }
        if (v.t > horizon)
            v.t = horizon, dirty = 1;
        if (v.message[0] && now - message_at > MESSAGE_NS)
            v.message[0] = '\0', dirty = 1;
        if (!joined && now - last_draw >= PROGRESS_MS * INT64_C(1000000))
            dirty = 1;

        /* 3. draw */
        if (dirty) {
            if (!joined)
                v.spinner = (int)((now / (PROGRESS_MS * INT64_C(1000000))) & 0x7fffffff);
            if (cv->w != w || cv->h != h)
                canvas_resize(cv, w, h);
            layout_draw(lay, cv, &v, &geom);
            term_draw(t, cv);
            if (rec) {
                cast_rec_frame(rec, cv);
                int c = scene_note_upto(sc, v.t);
                if (c != caption && c > 0) {
                    const char *label = scene_text_get(&sc->notes[c - 1].text, v.lang);
                    cast_rec_marker(rec, label ? label : "");
                }
                caption = c;
            }
            last_draw = now;
            dirty = 0;
        }

        /* 4. wait for input or the next deadline */
        int timeout = -1;
        if (v.playing && !small) {
            int64_t left = last_draw + FRAME_NS - gv_now_ns();
            timeout = left > 0 ? (int)(left / 1000000) : 0;   /* never -1: that waits for a key */
        }
        else if (!joined)
            timeout = PROGRESS_MS;
        else if (v.message[0])
            timeout = (int)((message_at + MESSAGE_NS - now) / 1000000) + 1;
        if (timeout < -1)
            timeout = 0;
        struct ui_input in;
        int r = term_wait(t, timeout, &in);
        for (int keys = 0; r > 0 && keys < 4096; keys++) {
            struct control_ctx ctx = { .d = d, .geom = &geom, .t_max = horizon, .complete = joined };
            if (in.key == UK_RESIZE) {
                term_size(t, &w, &h);
                canvas_resize(cv, w, h);
                anchor_t = v.t, anchor_wall = gv_now_ns();   /* the clock goes on from here */
            }
            int had_message = v.message[0] != 0;
            int flags;
            if (in.key == UK_CHAR && in.ch == 'm' && v.prompt == PROMPT_NONE && !v.help) {
                /* a marker in the recording, for the presenter to find again;
                 * without one, say how to get one rather than nothing */
                char at[32], label[64];
                if (rec) {
                    layout_fmt_time(v.t, at, sizeof at);
                    snprintf(label, sizeof label, gv_tr(v.lang, "mark %d at %s"), ++marks, at);
                    cast_rec_marker(rec, label);
                    snprintf(v.message, sizeof v.message, gv_tr(v.lang, "%s recorded"), label);
                } else {
                    snprintf(v.message, sizeof v.message, "%s",
                             gv_tr(v.lang, "not recording: markers need --record FILE.cast"));
                }
                flags = CTL_REDRAW;
            } else {
                flags = control_handle(&ctx, &v, &in);
            }
            if (v.message[0] && !had_message)
                message_at = gv_now_ns();
            if (flags & CTL_QUIT)
                quit = 1;
            if (flags & CTL_SEEK)
                anchor_t = v.t, anchor_wall = gv_now_ns(), want_t = 0;
            if (flags & (CTL_REDRAW | CTL_SEEK))
                dirty = 1;
            if (in.key == UK_RESIZE)
                dirty = 1;
            if (quit)
                break;
            r = term_wait(t, 0, &in);   /* take every key already typed before drawing */
        }
        if (r < 0)
            quit = 1;
    }

    int sig = term_quit_signal();
    canvas_free(cv);
    layout_free(lay);
    term_close(t);
    if (sim_err[0])
        fprintf(stderr, "%s\n", sim_err);
    if (cast_rec_close(rec, err, sizeof err) != 0) {
        fprintf(stderr, "gilviz: %s\n", err);
        if (!rc)
            rc = EX_IOERR;
    }
    if (!joined) {
        /* quit while the engine still simulates: ask it to stop (it checks
         * every 16384 events) and wait for it, then free as usual */
        engine_cancel(e);
        engine_join(e, th, sim_err, sizeof sim_err);
    }
    ui_data_free(d);
    tally_free(ty);
    return sig ? 128 + sig : rc;
}
