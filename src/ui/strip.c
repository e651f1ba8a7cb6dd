/*
 * strip: see strip.h.  The walk keeps, for every lane, its current value,
 * when that value started (inside the current column) and the longest value
 * seen so far in the column; closing a column emits the longest one.  Cores
 * have no records: their value follows the thread records that name them.
 */
#include "strip.h"

#include <stdlib.h>
#include <string.h>

#include "../timeline/codes.h"
#include "../util.h"

struct strip {
    const struct timeline *tl;
    int nlanes, nthreads, ncores;
    int8_t *kind;                 /* per lane: enum tl_lane_kind */
    int32_t *core_index;          /* per lane: core number of a core lane, else -1 */
    int32_t *core_lane;           /* per core: its lane */
    int32_t *gil_of_thread;       /* per thread: its process's GIL lane, or -1 */
    struct tl_lane_state *st;     /* per lane: current record */
    uint32_t *val, *best_val;     /* per lane */
    gv_ns *seg, *best_len;        /* per lane */
    uint32_t *held_val;           /* per lane: the longest non-zero value in the column */
    gv_ns *held_len, *held_ns;    /* per lane: its length; total non-zero time */
    int32_t *row_of;              /* per lane: requested row or -1 */
    int16_t *occ_cnt;             /* per core */
    int32_t *occ_thr;             /* per core */
    /* output */
    int ncols, nrows, cap_cells;
    uint32_t *out;
    uint8_t *marks;
    gv_ns t0, span;
};

struct strip *strip_new(const struct timeline *tl)
{
    struct strip *s = gv_calloc(1, sizeof *s);
    s->tl = tl;
    int nl = s->nlanes = timeline_nlanes(tl);
    size_t n = (size_t)nl + 1;
    s->kind = gv_calloc(n, sizeof *s->kind);
    s->core_index = gv_calloc(n, sizeof *s->core_index);
    s->st = gv_calloc(n, sizeof *s->st);
    s->val = gv_calloc(n, sizeof *s->val);
    s->best_val = gv_calloc(n, sizeof *s->best_val);
    s->seg = gv_calloc(n, sizeof *s->seg);
    s->best_len = gv_calloc(n, sizeof *s->best_len);
    s->held_val = gv_calloc(n, sizeof *s->held_val);
    s->held_len = gv_calloc(n, sizeof *s->held_len);
    s->held_ns = gv_calloc(n, sizeof *s->held_ns);
    s->row_of = gv_calloc(n, sizeof *s->row_of);
    for (int l = 0; l < nl; l++) {
        const struct tl_lane *ln = timeline_lane(tl, l);
        s->kind[l] = (int8_t)ln->kind;
        s->core_index[l] = -1;
        s->row_of[l] = -1;
        if (ln->kind == LANE_THREAD)
            s->nthreads = l + 1;
        if (ln->kind == LANE_CORE)
            s->core_index[l] = s->ncores++;
    }
    s->core_lane = gv_calloc((size_t)s->ncores + 1, sizeof *s->core_lane);
    s->occ_cnt = gv_calloc((size_t)s->ncores + 1, sizeof *s->occ_cnt);
    s->occ_thr = gv_calloc((size_t)s->ncores + 1, sizeof *s->occ_thr);
    for (int l = 0; l < nl; l++)
        if (s->core_index[l] >= 0)
            s->core_lane[s->core_index[l]] = l;
    s->gil_of_thread = gv_calloc((size_t)s->nthreads + 1, sizeof *s->gil_of_thread);
    for (int i = 0; i < s->nthreads; i++) {
        s->gil_of_thread[i] = -1;
        int32_t proc = timeline_lane(tl, i)->proc;
        for (int l = 0; l < nl; l++) {
            const struct tl_lane *ln = timeline_lane(tl, l);
            if (ln->kind == LANE_GIL && ln->proc == proc) {
                s->gil_of_thread[i] = l;
                break;
            }
        }
    }
    return s;
}

void strip_free(struct strip *s)
{
    if (!s)
        return;
    free(s->kind);
    free(s->core_index);
    free(s->core_lane);
    free(s->gil_of_thread);
    free(s->st);
    free(s->val);
    free(s->best_val);
    free(s->seg);
    free(s->best_len);
    free(s->held_val);
    free(s->held_len);
    free(s->held_ns);
    free(s->row_of);
    free(s->occ_cnt);
    free(s->occ_thr);
    free(s->out);
    free(s->marks);
    free(s);
}

/* Core of a thread state (-1: none). */
static inline int core_of(const struct strip *s, uint8_t flags)
{
    int c = (int)(flags & TL_FLAG_CORE_MASK) - 1;
    return c < s->ncores ? c : -1;
}

/* The value a lane shows given the current states. */
static uint32_t lane_value(const struct strip *s, int l)
{
    const struct tl_lane_state *x = &s->st[l];
    switch (s->kind[l]) {
    case LANE_THREAD:
        if (x->rec == TL_NO_RECORD)
            return TS_NEW;
        /* I/O keeps its label, so a lane can name what it waits for */
        return x->code == TS_IO && x->arg >= 0 ? TS_IO | ((uint32_t)x->arg + 1) << 8 : x->code;
    case LANE_GIL:
        if (x->rec != TL_NO_RECORD && x->code == GIL_ABSENT)
            return STRIP_ABSENT;
        /* fall through */
    case LANE_LOCK:
        return x->rec != TL_NO_RECORD && x->code == 1 && x->arg >= 0 ? (uint32_t)x->arg + 1 : 0;
    case LANE_LOOP:
        if (x->rec == TL_NO_RECORD)
            return 0;
        if (x->code == LOOP_TASK && x->arg >= 0)
            return ((uint32_t)x->code << 24) | ((uint32_t)x->arg + 1);
        if (x->code == LOOP_CALLBACK && x->arg >= 0)
            return ((uint32_t)x->code << 24) | ((uint32_t)x->arg + 1) | STRIP_CALLBACK;
        return (uint32_t)x->code << 24;
    case LANE_TASK: return x->rec == TL_NO_RECORD ? TK_NEW : x->code | (uint32_t)(x->code == TK_PENDING ? x->flags : 0) << 8;
    case LANE_CORE: {
        int c = s->core_index[l];
        if (s->occ_cnt[c] <= 0)
            return 0;
        int th = s->occ_thr[c];
        return ((uint32_t)th + 1) | ((uint32_t)s->st[th].code << 24);
    }
    default: return 0;
    }
}

/* Account for lane l's current value lasting `len` in this column. */
static inline void close_segment(struct strip *s, int l, gv_ns len)
{
    uint32_t v = s->val[l];
    if (len > s->best_len[l]) {
        s->best_len[l] = len;
        s->best_val[l] = v;
    }
    if (v != 0 && v != STRIP_ABSENT) {
        s->held_ns[l] += len;
        if (len > s->held_len[l]) {
            s->held_len[l] = len;
            s->held_val[l] = v;
        }
    }
}

/* Lane l's value becomes v at time t: close its current segment. */
static inline void set_value(struct strip *s, int l, uint32_t v, gv_ns t)
{
    if (v == s->val[l])
        return;
    close_segment(s, l, t - s->seg[l]);
    s->val[l] = v;
    s->seg[l] = t;
}

/* Rebuild the core occupancy from the thread states. */
static void rebuild_cores(struct strip *s)
{
    for (int c = 0; c < s->ncores; c++)
        s->occ_cnt[c] = 0, s->occ_thr[c] = -1;
    for (int i = 0; i < s->nthreads; i++) {
        if (s->st[i].rec == TL_NO_RECORD)
            continue;
        int c = core_of(s, s->st[i].flags);
        if (c >= 0)
            s->occ_cnt[c]++, s->occ_thr[c] = i;
    }
}

/* Apply record i (time t) to the walk state; `col` is the current column. */
static void apply(struct strip *s, uint64_t i, int col)
{
    const struct tl_rec *r = timeline_get(s->tl, i);
    int l = r->lane;
    if (r->kind == TL_EVENT) {
        int gl = -1;
        uint8_t bit = 0;
        switch (r->code) {
        case EV_DROP_REQUEST: bit = MARK_DROP, gl = l; break;
        case EV_SWITCH: bit = MARK_SWITCH, gl = l; break;
        case EV_FORCED_SWITCH: bit = MARK_FORCED, gl = l; break;
        case EV_GIL_RELEASE_CHECK: bit = MARK_CHECK, gl = l; break;
        case EV_FAILED_WAKEUP:
            bit = MARK_FAIL;
            gl = l < s->nthreads ? s->gil_of_thread[l] : -1;
            if (s->row_of[l] >= 0)
                s->marks[(size_t)s->row_of[l] * (size_t)s->ncols + (size_t)col] |= bit;
            break;
        default: break;
        }
        if (gl >= 0 && s->row_of[gl] >= 0)
            s->marks[(size_t)s->row_of[gl] * (size_t)s->ncols + (size_t)col] |= bit;
        return;
    }
    struct tl_lane_state *x = &s->st[l];
    if (s->kind[l] == LANE_THREAD && r->kind == TL_STATE) {
        int oc = x->rec == TL_NO_RECORD ? -1 : core_of(s, x->flags), nc = core_of(s, r->flags);
        *x = (struct tl_lane_state){ .rec = (uint32_t)i, .since = r->t, .code = r->code, .flags = r->flags,
                                     .arg = r->arg };
        if (oc != nc && oc >= 0) {
            if (--s->occ_cnt[oc] > 0 && s->occ_thr[oc] == l) {
                for (int k = 0; k < s->nthreads; k++)   /* rare: two threads overlapped for an instant */
                    if (k != l && s->st[k].rec != TL_NO_RECORD && core_of(s, s->st[k].flags) == oc)
                        s->occ_thr[oc] = k;
            }
        }
        if (oc != nc && nc >= 0)
            s->occ_cnt[nc]++, s->occ_thr[nc] = l;
        if (oc >= 0)
            set_value(s, s->core_lane[oc], lane_value(s, s->core_lane[oc]), r->t);
        if (nc >= 0 && nc != oc)
            set_value(s, s->core_lane[nc], lane_value(s, s->core_lane[nc]), r->t);
        set_value(s, l, lane_value(s, l), r->t);
        return;
    }
    *x = (struct tl_lane_state){ .rec = (uint32_t)i, .since = r->t, .code = r->code, .flags = r->flags,
                                 .arg = r->arg };
    set_value(s, l, lane_value(s, l), r->t);
}

/* Jump the walk state to "everything <= t", as if the changes happened at tw
 * (a dense column shows the state at its end). */
static void resync(struct strip *s, gv_ns t, gv_ns tw)
{
    timeline_state_at(s->tl, t, s->st);
    rebuild_cores(s);
    for (int l = 0; l < s->nlanes; l++)
        set_value(s, l, lane_value(s, l), tw);
}

void strip_compute(struct strip *s, gv_ns t0, gv_ns span, gv_ns now, int ncols, const int *lanes, int n)
{
    if (ncols < 1)
        ncols = 1;
    if (span < ncols)
        span = ncols;
    if ((size_t)ncols * (size_t)n > (size_t)s->cap_cells) {
        s->cap_cells = ncols * n;
        free(s->out);
        free(s->marks);
        s->out = gv_malloc((size_t)s->cap_cells * sizeof *s->out + 1);
        s->marks = gv_malloc((size_t)s->cap_cells + 1);
    }
    s->ncols = ncols;
    s->nrows = n;
    s->t0 = t0;
    s->span = span;
    for (int l = 0; l < s->nlanes; l++)
        s->row_of[l] = -1;
    for (int k = 0; k < n; k++)
        if (lanes[k] >= 0 && lanes[k] < s->nlanes)
            s->row_of[lanes[k]] = k;
    memset(s->marks, 0, (size_t)ncols * (size_t)n);

    timeline_state_at(s->tl, t0, s->st);
    rebuild_cores(s);
    for (int l = 0; l < s->nlanes; l++) {
        s->val[l] = lane_value(s, l);
        s->seg[l] = t0;
        s->best_len[l] = -1;
        s->best_val[l] = s->val[l];
        s->held_len[l] = -1;
        s->held_ns[l] = 0;
    }
    uint64_t count = timeline_count(s->tl);
    uint64_t i = timeline_upper(s->tl, t0);
    for (int c = 0; c < ncols; c++) {
        gv_ns cs = strip_col_start(s, c), ce = strip_col_start(s, c + 1);
        if (cs > now || now < 0) {
            for (int k = 0; k < n; k++)
                s->out[(size_t)k * (size_t)ncols + (size_t)c] = STRIP_FUTURE;
            continue;
        }
        if (ce > now + 1)
            ce = now + 1;
        if (i + STRIP_COLUMN_BUDGET < count && timeline_get(s->tl, i + STRIP_COLUMN_BUDGET)->t < ce) {
            /* too dense to walk: jump to the column's end */
            resync(s, ce - 1, cs);
            i = timeline_upper(s->tl, ce - 1);
        } else {
            for (; i < count; i++) {
                const struct tl_rec *r = timeline_get(s->tl, i);
                if (r->t >= ce)
                    break;
                apply(s, i, c);
            }
        }
        for (int k = 0; k < n; k++) {
            int l = lanes[k];
            uint32_t v = 0;
            if (l >= 0 && l < s->nlanes) {
                close_segment(s, l, ce - s->seg[l]);
                v = s->best_val[l];
                /* a core, GIL or lock held at least half the column shows its
                 * holder even when the longest single stretch was idle */
                if (v == 0 && s->kind[l] != LANE_THREAD && s->kind[l] != LANE_TASK && s->held_len[l] >= 0 &&
                    2 * s->held_ns[l] >= ce - cs)
                    v = s->held_val[l];
                s->seg[l] = ce;
                s->best_len[l] = -1;
                s->held_len[l] = -1;
                s->held_ns[l] = 0;
            }
            s->out[(size_t)k * (size_t)ncols + (size_t)c] = v;
        }
    }
}

const uint32_t *strip_values(const struct strip *s, int k)
{
    return s->out + (size_t)k * (size_t)s->ncols;
}

const uint8_t *strip_marks(const struct strip *s, int k)
{
    return s->marks + (size_t)k * (size_t)s->ncols;
}

gv_ns strip_col_start(const struct strip *s, int c)
{
    return s->t0 + (gv_ns)((__int128)s->span * c / s->ncols);
}
