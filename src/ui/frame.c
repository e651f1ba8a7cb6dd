/*
 * frame: `gilviz frame` — one frame of the player as text, for golden tests
 * and documentation.  The simulation has already run to the end; the frame
 * is drawn by the same layout code as the player's, at a fixed size, paused.
 */
#include <string.h>

#include "../util.h"
#include "canvas.h"
#include "layout.h"
#include "render.h"
#include "tally.h"
#include "text.h"
#include "ui.h"

void ui_opts_init(struct ui_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = -1;
    o->at = -1;
    o->w = 100;
    o->h = 30;
    o->to = -1;
}

int ui_frame(FILE *out, const struct scene *sc, const struct timeline *tl, const struct ui_opts *o, char *err,
             size_t errsize)
{
    struct tally *ty = tally_new(tl);
    while (tally_advance(ty, UINT64_MAX) > 0)
        ;
    struct ui_data *d = ui_data_new(tl, sc, ty);
    struct ui_view v;
    /* colour formats get the player's colours; text stays what it was */
    ui_view_defaults(&v, d, o->lang >= 0 ? o->lang : gv_lang_from_env(), o->ascii, o->format != RF_TEXT);
    int rc = 0;
    if (o->select && ui_view_select(d, &v, o->select) != 0) {
        snprintf(err, errsize, gv_tr(o->lang, "--select: no thread or task named '%s'"), o->select);
        rc = EX_USAGE;
    } else {
        if (o->zoom > 0)
            v.span = o->zoom;
        if (o->speed > 0)
            v.speed = o->speed;
        gv_ns end = timeline_end(tl);
        v.t = o->at < 0 ? 0 : o->at > end ? end : o->at;
        v.playing = 0;
        struct canvas *cv = canvas_new(o->w, o->h);
        struct layout *l = layout_new(d);
        layout_draw(l, cv, &v, NULL);
        if (render_canvas(cv, o->format, scene_text_get(&sc->title, v.lang), out) != 0) {
            snprintf(err, errsize, "%s", gv_msg("writing the frame failed"));
            rc = EX_IOERR;
        }
        layout_free(l);
        canvas_free(cv);
    }
    ui_data_free(d);
    tally_free(ty);
    return rc;
}
