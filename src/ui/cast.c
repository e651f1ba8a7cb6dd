/*
 * cast: see cast.h.  Also `gilviz render` (ui_render).
 */
#include "cast.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../out/outfile.h"
#include "../util.h"
#include "control.h"
#include "layout.h"
#include "tally.h"
#include "text.h"
#include "ui.h"

/* ---- lines ------------------------------------------------------------------------------ */

static void json_str(struct rbuf *b, const char *s, size_t n)
{
    rbuf_add(b, "\"", 1);
    size_t run = 0;   /* bytes copied as they are */
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        rbuf_add(b, s + run, k - run);
        char esc[8];
        switch (c) {
        case '"': rbuf_add(b, "\\\"", 2); break;
        case '\\': rbuf_add(b, "\\\\", 2); break;
        case '\n': rbuf_add(b, "\\n", 2); break;
        case '\r': rbuf_add(b, "\\r", 2); break;
        case '\t': rbuf_add(b, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            rbuf_add(b, esc, 6);
        }
        run = k + 1;
    }
    rbuf_add(b, s + run, n - run);
    rbuf_add(b, "\"", 1);
}

void cast_header(struct rbuf *b, int w, int h, int64_t timestamp, const char *title)
{
    char buf[128];
    snprintf(buf, sizeof buf, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %" PRId64 ", \"title\": ",
             w, h, timestamp);
    rbuf_puts(b, buf);
    json_str(b, title ? title : "", title ? strlen(title) : 0);
    rbuf_puts(b, ", \"env\": {\"TERM\": \"xterm-256color\", \"SHELL\": \"/bin/sh\"}}\n");
}

void cast_event(struct rbuf *b, int64_t t_us, char type, const char *data, size_t n)
{
    char buf[64];
    if (t_us < 0)
        t_us = 0;
    snprintf(buf, sizeof buf, "[%" PRId64 ".%06" PRId64 ", \"%c\", ", t_us / 1000000, t_us % 1000000, type);
    rbuf_puts(b, buf);
    json_str(b, data, n);
    rbuf_puts(b, "]\n");
}

/* ---- live recording ------------------------------------------------------------------- */

struct cast_rec {
    int fd;
    char *path;
    int started;
    int64_t t0, last_us;
    struct canvas *prev;   /* what the recording shows; NULL: nothing yet */
    struct rbuf out, line;
    int failed, err;
};

struct cast_rec *cast_rec_open(const char *path, char *err, size_t errsize, int *exit_code)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (err && errsize)
            snprintf(err, errsize, gv_msg("cannot create %s: %s"), path, strerror(errno));
        if (exit_code)
            *exit_code = EX_CANTCREAT;
        return NULL;
    }
    struct cast_rec *r = gv_calloc(1, sizeof *r);
    r->fd = fd;
    r->path = gv_strdup(path);
    return r;
}

/* Hand one complete line to the kernel: one write(), unless the kernel
 * takes less (then the rest follows at once). */
static void put_line(struct cast_rec *r)
{
    size_t off = 0;
    while (!r->failed && off < r->line.len) {
        ssize_t n = write(r->fd, r->line.p + off, r->line.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r->failed = 1;
            r->err = n < 0 ? errno : EIO;
            break;
        }
        off += (size_t)n;
    }
    r->line.len = 0;
}

static int64_t rec_now_us(struct cast_rec *r)
{
    int64_t t = (gv_now_ns() - r->t0) / 1000;
    if (t < r->last_us)
        t = r->last_us;   /* never backwards */
    r->last_us = t;
    return t;
}

void cast_rec_start(struct cast_rec *r, int w, int h, const char *title)
{
    if (!r || r->started)
        return;
    r->started = 1;
    r->t0 = gv_now_ns();
    cast_header(&r->line, w, h, (int64_t)time(NULL), title);
    put_line(r);
}

void cast_rec_frame(struct cast_rec *r, const struct canvas *cv)
{
    if (!r || !r->started)
        return;
    int64_t t = rec_now_us(r);
    if (r->prev && (r->prev->w != cv->w || r->prev->h != cv->h)) {
        char size[32];
        snprintf(size, sizeof size, "%dx%d", cv->w, cv->h);
        cast_event(&r->line, t, 'r', size, strlen(size));
        put_line(r);
        canvas_free(r->prev);
        r->prev = NULL;
    }
    r->out.len = 0;
    render_update(&r->out, r->prev, cv);
    if (r->out.len) {
        cast_event(&r->line, t, 'o', r->out.p, r->out.len);
        put_line(r);
    }
    if (!r->prev)
        r->prev = canvas_new(cv->w, cv->h);
    memcpy(r->prev->cells, cv->cells, (size_t)cv->w * (size_t)cv->h * sizeof *cv->cells);
}

void cast_rec_marker(struct cast_rec *r, const char *label)
{
    if (!r || !r->started)
        return;
    cast_event(&r->line, rec_now_us(r), 'm', label, strlen(label));
    put_line(r);
}

int cast_rec_close(struct cast_rec *r, char *err, size_t errsize)
{
    if (!r)
        return 0;
    int rc = 0;
    if (r->started && r->prev) {   /* as the player leaves the terminal: cursor shown */
        r->out.len = 0;
        render_finish(&r->out, r->prev->h);
        cast_event(&r->line, rec_now_us(r), 'o', r->out.p, r->out.len);
        put_line(r);
    }
    if (close(r->fd) != 0 && !r->failed)
        r->failed = 1, r->err = errno;
    if (r->failed) {
        if (err && errsize)
            snprintf(err, errsize, gv_msg("cannot write %s: %s"), r->path, strerror(r->err));
        rc = EX_IOERR;
    }
    canvas_free(r->prev);
    rbuf_free(&r->out);
    rbuf_free(&r->line);
    free(r->path);
    free(r);
    return rc;
}

/* ---- gilviz render ---------------------------------------------------------------------- */

#define RENDER_FPS 10              /* frames per second of cast time */
#define RENDER_TARGET_S 30         /* the default speed plays the range in at most this long */
#define RENDER_MAX_FRAMES 1000000  /* about 28 hours of cast time */
#define RENDER_VIEW_S 10           /* the default zoom shows at least this much playback */

/* The smallest 1-2-5 step >= x. */
static gv_ns step125_up(gv_ns x)
{
    gv_ns p = 1;
    for (;;) {
        if (p >= x)
            return p;
        if (2 * p >= x)
            return 2 * p;
        if (5 * p >= x)
            return 5 * p;
        p *= 10;
    }
}

int ui_render(const char *path, const struct scene *sc, const struct timeline *tl, const struct ui_opts *o,
              char *err, size_t errsize)
{
    struct tally *ty = tally_new(tl);
    while (tally_advance(ty, UINT64_MAX) > 0)
        ;
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct ui_view v;
    ui_view_defaults(&v, d, o->lang >= 0 ? o->lang : gv_lang_from_env(), o->ascii, 1);
    int rc = 0;
    struct outfile *of = NULL;
    gv_ns end = timeline_end(tl);
    gv_ns from = o->from < 0 ? 0 : o->from > end ? end : o->from;
    gv_ns to = o->to < 0 || o->to > end ? end : o->to;
    if (to < from)
        to = from;
    if (o->select && ui_view_select(d, &v, o->select) != 0) {
        snprintf(err, errsize, gv_tr(o->lang, "--select: no thread or task named '%s'"), o->select);
        rc = EX_USAGE;
        goto out;
    }
    if (o->zoom > 0)
        v.span = o->zoom;
    v.speed = o->speed > 0 ? o->speed : step125_up((to - from + RENDER_TARGET_S - 1) / RENDER_TARGET_S);
    if (v.speed < 1)
        v.speed = 1;
    /* Without --zoom, zoom out (1-2-5 steps, as the player's - key) until the
     * lanes cover at least RENDER_VIEW_S of playback: the view then turns a
     * page every few seconds instead of at every frame. */
    if (o->zoom <= 0)
        while (v.span < RENDER_VIEW_S * v.speed && v.span < UI_ZOOM_MAX)
            v.span = control_ladder_up(v.span);
    /* frames: k = 0..last, at from + k * speed / fps; the last one at `to` */
    __int128 span_frames = ((__int128)(to - from) * RENDER_FPS + v.speed - 1) / v.speed;
    if (span_frames > RENDER_MAX_FRAMES) {
        snprintf(err, errsize, gv_msg("--speed is too slow: %lld frames (at most %d); try a faster --speed"),
                 (long long)span_frames, RENDER_MAX_FRAMES);
        rc = EX_USAGE;
        goto out;
    }
    int last = (int)span_frames;
    int code = 0;
    of = outfile_open(path, err, errsize, &code);
    if (!of) {
        rc = code ? code : EX_CANTCREAT;
        goto out;
    }
    FILE *f = outfile_fp(of);
    struct rbuf line = { 0 }, upd = { 0 };
    struct canvas *cv = canvas_new(o->w, o->h), *prev = canvas_new(o->w, o->h);
    canvas_set_ascii(cv, v.ascii);
    struct layout *lay = layout_new(d);
    cast_header(&line, o->w, o->h, 0, scene_text_get(&sc->title, v.lang));
    int shown = scene_note_upto(sc, from > 0 ? from - 1 : -1);   /* notes before the range are not markers */
    for (int k = 0; k <= last; k++) {
        gv_ns t = k == last ? to : from + (gv_ns)((__int128)k * v.speed / RENDER_FPS);
        v.t = t;
        v.playing = !(k == last && to == end);   /* the player stops at the end */
        layout_draw(lay, cv, &v, NULL);
        upd.len = 0;
        render_update(&upd, k == 0 ? NULL : prev, cv);
        if (k == last)
            render_finish(&upd, cv->h);   /* a replay leaves the terminal usable */
        int64_t us = (int64_t)k * 1000000 / RENDER_FPS;
        if (upd.len)
            cast_event(&line, us, 'o', upd.p, upd.len);
        int upto = scene_note_upto(sc, t);
        for (; shown < upto; shown++) {
            const char *label = scene_text_get(&sc->notes[shown].text, v.lang);
            cast_event(&line, us, 'm', label ? label : "", label ? strlen(label) : 0);
        }
        struct canvas *tmp = prev;
        prev = cv, cv = tmp;
        if (line.len > (1u << 16) || k == last) {
            fwrite(line.p, 1, line.len, f);
            line.len = 0;
        }
    }
    layout_free(lay);
    canvas_free(cv);
    canvas_free(prev);
    rbuf_free(&line);
    rbuf_free(&upd);
    if (ferror(f)) {
        int e = errno;
        if (strcmp(path, "-") == 0)
            snprintf(err, errsize, gv_msg("cannot write to standard output: %s"), strerror(e));
        else
            snprintf(err, errsize, gv_msg("cannot write %s: %s"), path, strerror(e));
        outfile_abort(of);
        rc = EX_IOERR;
    } else {
        rc = outfile_commit(of, err, errsize, &code);
    }
out:
    ui_data_free(d);
    tally_free(ty);
    return rc;
}
