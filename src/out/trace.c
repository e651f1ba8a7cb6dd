/*
 * trace: see trace.h.  One pass over the records writes the slices (each
 * when its span ends), instants and counters, derives the cores' occupants
 * and the GIL hand-overs, and notes where every flow end lies; the flows
 * follow once every slice is out, and only those whose two ends fall
 * within a slice of their tracks.
 *
 * Flow ends and slices.  A flow end at time t on lane L is "covered" when
 * some written slice of L has start <= t <= end.  Spans of a lane are
 * contiguous, so only three can contain t: the span around t, one that ends
 * at t and one that starts at t.  ep_add() decides at once when it can (the
 * last written slice ended at t, or the current span is shown and started
 * before t); otherwise the end waits on its lane until a span finishes
 * after t (finish_span() settles it either way).
 */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "../i18n.h"
#include "../timeline/codes.h"
#include "eventlog.h"
#include "outfile.h"
#include "report.h"

/* ---- a buffered JSON writer --------------------------------------------- */

struct jw {
    FILE *f;
    size_t n;
    int failed;     /* a write failed: stop writing */
    int err;        /* its errno */
    char buf[1 << 16];
};

static void jw_flush(struct jw *w)
{
    if (w->n && !w->failed && fwrite(w->buf, 1, w->n, w->f) != w->n) {
        w->failed = 1;
        w->err = errno ? errno : EIO;
    }
    w->n = 0;
}

static void jw_mem(struct jw *w, const char *s, size_t n)
{
    while (n > 0) {
        if (w->n == sizeof w->buf)
            jw_flush(w);
        size_t k = sizeof w->buf - w->n;
        if (k > n)
            k = n;
        memcpy(w->buf + w->n, s, k);
        w->n += k;
        s += k;
        n -= k;
    }
}

static void jw_raw(struct jw *w, const char *s)
{
    jw_mem(w, s, strlen(s));
}

static void jw_ch(struct jw *w, char ch)
{
    if (w->n == sizeof w->buf)
        jw_flush(w);
    w->buf[w->n++] = ch;
}

static void jw_i64(struct jw *w, int64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    jw_mem(w, p, (size_t)(tmp + sizeof tmp - p));
}

size_t trace_fmt_time(gv_ns ns, char *buf)
{
    uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t whole = u / 1000, frac = u % 1000;
    char tmp[32];
    char *p = tmp + sizeof tmp;
    *--p = (char)('0' + frac % 10);
    *--p = (char)('0' + frac / 10 % 10);
    *--p = (char)('0' + frac / 100);
    *--p = '.';
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (ns < 0)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, len);
    buf[len] = '\0';
    return len;
}

static void jw_time(struct jw *w, gv_ns ns)
{
    char tmp[32];
    jw_mem(w, tmp, trace_fmt_time(ns, tmp));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
}

/* A JSON string: quotes, escapes, control characters as \u00XX, invalid
 * UTF-8 as U+FFFD. */
static void jw_str(struct jw *w, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    jw_ch(w, '"');
    while (*s) {
        const unsigned char *run = s;
        while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
            s++;
        jw_mem(w, (const char *)run, (size_t)(s - run));
        if (!*s)
            break;
        unsigned c = *s;
        if (c == '"' || c == '\\') {
            jw_ch(w, '\\');
            jw_ch(w, (char)c);
            s++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': jw_raw(w, "\\n"); break;
            case '\t': jw_raw(w, "\\t"); break;
            case '\r': jw_raw(w, "\\r"); break;
            case '\b': jw_raw(w, "\\b"); break;
            case '\f': jw_raw(w, "\\f"); break;
            default: {
                char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
                jw_mem(w, u, sizeof u);
            }
            }
            s++;
        } else {
            size_t k = utf8_len(s);
            if (k) {
                jw_mem(w, (const char *)s, k);
                s += k;
            } else {
                jw_raw(w, "\\ufffd");
                s++;
            }
        }
    }
    jw_ch(w, '"');
}

/* ,"key":"value" */
static void jw_kstr(struct jw *w, const char *key, const char *val)
{
    jw_ch(w, ',');
    jw_str(w, key);
    jw_ch(w, ':');
    jw_str(w, val);
}

static void jw_kint(struct jw *w, const char *key, int64_t v)
{
    jw_ch(w, ',');
    jw_str(w, key);
    jw_ch(w, ':');
    jw_i64(w, v);
}

/* ---- the export --------------------------------------------------------- */

#define NO_REC UINT64_MAX

enum { EP_PENDING = 0, EP_COVERED, EP_UNCOVERED };

struct endpoint {
    gv_ns t;
    int32_t lane;
    int32_t state;   /* EP_* */
};

struct track {
    int32_t pid, tid;
    int32_t order;   /* thread_sort_index */
};

struct lanecur {
    uint64_t rec;          /* the STATE record of the current span, NO_REC before any */
    gv_ns start;           /* its time */
    gv_ns last_end;        /* end of the last slice written on this lane, -1 none */
    uint32_t *pend;        /* flow ends waiting for a span that contains them */
    size_t npend, cappend;
};

struct flowpair {
    uint32_t out, in;      /* endpoint + 1, 0 = not seen */
    uint8_t kind;
};

struct handover {
    uint32_t drop, take;   /* endpoints */
};

struct ctx {
    struct jw *w;
    const struct timeline *tl;
    const struct scene *sc;
    int nlanes;
    struct track *tr;
    struct lanecur *cur;
    int nevents;           /* events written so far (for the separators) */
    /* cores */
    int ncores;
    int32_t *core_lane;    /* core index -> its lane, -1 */
    int32_t *core_occ;     /* core -> thread lane on it, -1 */
    gv_ns *core_since;
    int32_t *thread_core;  /* lane -> core it occupies (threads), -1 */
    /* GILs, per lane */
    int32_t *gil_holder, *gil_last;
    int64_t *gil_drop;     /* endpoint of the last holder's drop, -1 */
    int32_t *gil_of_proc;  /* process instance -> GIL lane, -1 */
    int32_t nprocs;
    /* tasks: index -> lane */
    int32_t *task_lane;
    int32_t ntask_idx;
    /* flows */
    struct endpoint *ep;
    size_t nep, capep;
    struct flowpair *flows;
    size_t capflows;
    int64_t maxid;
    struct handover *ho;
    size_t nho, capho;
    /* totals for otherData */
    uint64_t slices, instants, counters, flows_out, handovers_out, dropped, unmatched;
};

static const struct tl_lane *lane_of(const struct ctx *c, int l)
{
    return timeline_lane(c->tl, l);
}

static int is_thread_lane(const struct ctx *c, int32_t l)
{
    return l >= 0 && l < c->nlanes && lane_of(c, l)->kind == LANE_THREAD;
}

static const char *thread_name(const struct ctx *c, int32_t l)
{
    return is_thread_lane(c, l) ? lane_of(c, l)->name : "nobody";
}

static const char *label_text(const struct ctx *c, int32_t i)
{
    return scene_label(c->sc, i, SCENE_LANG_EN);
}

static const char *coro_name(const struct ctx *c, int32_t i)
{
    return c->sc && i >= 0 && i < c->sc->ncoros ? c->sc->coros[i].name : NULL;
}

static const char *process_name(const struct ctx *c, int32_t proc)
{
    if (proc >= 0 && proc < c->nprocs && c->gil_of_proc[proc] >= 0)
        return lane_of(c, c->gil_of_proc[proc])->name;
    return "main";
}

/* Start an event: separator, name, category, phase, time, pid, tid. */
static void ev_head(struct ctx *c, const char *name, const char *cat, const char *ph, gv_ns ts, int lane)
{
    struct jw *w = c->w;
    jw_raw(w, c->nevents++ ? ",\n{\"name\":" : "\n{\"name\":");
    jw_str(w, name);
    jw_kstr(w, "cat", cat);
    jw_kstr(w, "ph", ph);
    if (ts >= 0) {
        jw_raw(w, ",\"ts\":");
        jw_time(w, ts);
    }
    jw_kint(w, "pid", c->tr[lane].pid);
    jw_kint(w, "tid", c->tr[lane].tid);
}

/* A metadata event on lane's track with args {key: value}. */
static void meta(struct ctx *c, const char *name, int lane, const char *key, const char *sval, int64_t ival)
{
    struct jw *w = c->w;
    ev_head(c, name, "__metadata", "M", -1, lane);
    jw_raw(w, ",\"args\":{");
    jw_str(w, key);
    jw_ch(w, ':');
    if (sval)
        jw_str(w, sval);
    else
        jw_i64(w, ival);
    jw_raw(w, "}}");
}

/* ---- lanes and tracks ---------------------------------------------------- */

/* Sort key of a lane: its process group (0 = machine) then its kind. */
struct lanekey {
    int32_t group, rank, lane;
};

static int cmp_key(const void *a, const void *b)
{
    const struct lanekey *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->lane > y->lane) - (x->lane < y->lane);
}

static void lane_key(const struct ctx *c, int l, struct lanekey *k)
{
    const struct tl_lane *ln = lane_of(c, l);
    int has_proc = ln->proc >= 0 && ln->proc < c->nprocs;
    k->lane = l;
    k->group = has_proc ? ln->proc + 1 : 1;
    switch (ln->kind) {
    case LANE_SCENE: k->group = 0; k->rank = 0; break;
    case LANE_CORE: k->group = 0; k->rank = 1; break;
    case LANE_GIL: k->rank = 2; break;
    case LANE_THREAD: k->rank = 3; break;
    case LANE_LOOP: k->rank = 4; break;
    case LANE_TASK: k->rank = 6; break;
    case LANE_LOCK: k->rank = 7; break;
    case LANE_SHARED: k->rank = 8; break;
    case LANE_COUNTER: k->rank = has_proc ? 5 : 9; break;
    default: k->rank = 10; break;
    }
}

/* An array length for n items (n may be 0). */
static size_t atleast1(int32_t n)
{
    return n > 0 ? (size_t)n : 1;
}

/* Assign pids and tids, build the lookup tables, write the metadata. */
static void setup_tracks(struct ctx *c)
{
    int n = c->nlanes;
    c->nprocs = 0;
    c->ncores = 0;
    c->ntask_idx = 0;
    for (int l = 0; l < n; l++) {
        const struct tl_lane *ln = lane_of(c, l);
        if (ln->kind == LANE_GIL && ln->proc >= c->nprocs)
            c->nprocs = ln->proc + 1;
        if (ln->kind == LANE_CORE && ln->index >= c->ncores)
            c->ncores = ln->index + 1;
        if (ln->kind == LANE_TASK && ln->index >= c->ntask_idx)
            c->ntask_idx = ln->index + 1;
    }
    c->gil_of_proc = gv_malloc(atleast1(c->nprocs) * sizeof *c->gil_of_proc);
    for (int32_t p = 0; p < c->nprocs; p++)
        c->gil_of_proc[p] = -1;
    c->core_lane = gv_malloc(atleast1(c->ncores) * sizeof *c->core_lane);
    c->core_occ = gv_malloc(atleast1(c->ncores) * sizeof *c->core_occ);
    c->core_since = gv_calloc(atleast1(c->ncores), sizeof *c->core_since);
    for (int k = 0; k < c->ncores; k++)
        c->core_lane[k] = c->core_occ[k] = -1;
    c->task_lane = gv_malloc(atleast1(c->ntask_idx) * sizeof *c->task_lane);
    for (int32_t k = 0; k < c->ntask_idx; k++)
        c->task_lane[k] = -1;
    for (int l = 0; l < n; l++) {
        const struct tl_lane *ln = lane_of(c, l);
        if (ln->kind == LANE_GIL && ln->proc >= 0 && c->gil_of_proc[ln->proc] < 0)
            c->gil_of_proc[ln->proc] = l;
        if (ln->kind == LANE_CORE && ln->index >= 0 && c->core_lane[ln->index] < 0)
            c->core_lane[ln->index] = l;
        if (ln->kind == LANE_TASK && ln->index >= 0 && c->task_lane[ln->index] < 0)
            c->task_lane[ln->index] = l;
    }

    /* pids: Python process p is p + 1 (at least pid 1 exists), the machine
     * comes after them; tids follow the pids, in display order */
    int32_t npy = c->nprocs > 0 ? c->nprocs : 1;
    int32_t machine_pid = npy + 1;
    struct lanekey *keys = gv_malloc(atleast1(n) * sizeof *keys);
    for (int l = 0; l < n; l++)
        lane_key(c, l, &keys[l]);
    qsort(keys, (size_t)n, sizeof *keys, cmp_key);
    for (int i = 0; i < n; i++) {
        struct track *t = &c->tr[keys[i].lane];
        t->pid = keys[i].group == 0 ? machine_pid : keys[i].group;
        t->tid = machine_pid + 1 + i;
        t->order = i;
    }

    /* processes: names and order (the machine first), named from the first
     * track of each */
    int32_t last_group = -1;
    for (int i = 0; i < n; i++) {
        if (keys[i].group == last_group)
            continue;
        last_group = keys[i].group;
        int l = keys[i].lane;
        char name[320];
        if (keys[i].group == 0)
            snprintf(name, sizeof name, "machine: %d core%s", c->ncores, c->ncores == 1 ? "" : "s");
        else
            snprintf(name, sizeof name, "%s", process_name(c, keys[i].group - 1));
        meta(c, "process_name", l, "name", name, 0);
        meta(c, "process_sort_index", l, "sort_index", NULL, keys[i].group);
    }
    /* tracks */
    for (int i = 0; i < n; i++) {
        int l = keys[i].lane;
        const struct tl_lane *ln = lane_of(c, l);
        char name[320];
        switch (ln->kind) {
        case LANE_SCENE: snprintf(name, sizeof name, "captions"); break;
        case LANE_GIL: snprintf(name, sizeof name, "GIL"); break;
        case LANE_LOOP: snprintf(name, sizeof name, "loop %s", ln->name); break;
        case LANE_TASK: snprintf(name, sizeof name, "task %s", ln->name); break;
        case LANE_LOCK: snprintf(name, sizeof name, "lock %s", ln->name); break;
        case LANE_SHARED: snprintf(name, sizeof name, "shared %s", ln->name); break;
        case LANE_COUNTER: continue; /* counters only: no thread track */
        default: snprintf(name, sizeof name, "%s", ln->name); break;
        }
        meta(c, "thread_name", l, "name", name, 0);
        meta(c, "thread_sort_index", l, "sort_index", NULL, c->tr[l].order);
    }
    free(keys);
}

/* ---- slices ---------------------------------------------------------------- */

/* Does this STATE record's span get a slice? */
static int span_shown(const struct ctx *c, int lane, uint64_t rec)
{
    const struct tl_rec *r = timeline_get(c->tl, rec);
    switch (lane_of(c, lane)->kind) {
    case LANE_THREAD: return r->code != TS_NEW && r->code != TS_DONE;
    case LANE_GIL: return 1;
    case LANE_LOCK: return r->code == LOCK_HELD;
    case LANE_TASK: return r->code == TK_SCHEDULED || r->code == TK_RUNNING || r->code == TK_PENDING;
    case LANE_LOOP: return r->code != LOOP_IDLE;
    default: return 0;
    }
}

static void slice_head(struct ctx *c, const char *name, const char *cat, gv_ns start, gv_ns end, int lane)
{
    ev_head(c, name, cat, "X", start, lane);
    jw_raw(c->w, ",\"dur\":");
    jw_time(c->w, end - start);
    c->slices++;
}

/* Write the slice of the span [start, end) that record `rec` began. */
static void emit_span(struct ctx *c, int lane, uint64_t rec, gv_ns start, gv_ns end)
{
    static const char *const await_what[] = { "I/O", "asyncio.sleep", "future", "gather", "the executor" };
    const struct tl_rec *r = timeline_get(c->tl, rec);
    const struct tl_lane *ln = lane_of(c, lane);
    struct jw *w = c->w;
    char name[600], what[512];
    const char *cat = "state", *lbl = NULL;
    eventlog_describe(c->tl, c->sc, rec, SCENE_LANG_EN, what, sizeof what);
    switch (ln->kind) {
    case LANE_THREAD:
        cat = "thread";
        lbl = r->code == TS_IO ? label_text(c, r->arg) : NULL;
        if (lbl)
            snprintf(name, sizeof name, "io %s", lbl);
        else
            snprintf(name, sizeof name, "%s", thread_state_name(r->code));
        break;
    case LANE_GIL:
        cat = "gil";
        if (r->code == GIL_HELD)
            snprintf(name, sizeof name, "held by %s", thread_name(c, r->arg));
        else
            snprintf(name, sizeof name, "%s", r->code == GIL_FREE ? "free" : "no GIL");
        break;
    case LANE_LOCK:
        cat = "lock";
        snprintf(name, sizeof name, "held by %s", thread_name(c, r->arg));
        break;
    case LANE_TASK:
        cat = "task";
        if (r->code == TK_PENDING) {
            const char *detail = NULL;
            char len[32];
            if (r->flags == TW_IO || r->flags == TW_EXECUTOR)
                detail = label_text(c, r->arg);
            else if (r->flags == TW_FUTURE && c->sc && r->arg >= 0 && r->arg < c->sc->nfutures)
                detail = c->sc->futures[r->arg].name;
            else if (r->flags == TW_GATHER)
                detail = coro_name(c, r->arg);
            else if (r->flags == TW_SLEEP && r->arg >= 0 && r->arg < INT32_MAX)
                detail = gv_fmt_duration((gv_ns)r->arg * GV_NS_PER_US, len, sizeof len);
            snprintf(name, sizeof name, "await %s%s%s", r->flags < 5 ? await_what[r->flags] : "?",
                     detail ? " " : "", detail ? detail : "");
        } else {
            snprintf(name, sizeof name, "%s", task_state_name(r->code));
        }
        break;
    case LANE_LOOP:
        cat = "loop";
        switch (r->code) {
        case LOOP_SELECT: snprintf(name, sizeof name, "select"); break;
        case LOOP_TASK:
            if (r->arg >= 0 && r->arg < c->ntask_idx && c->task_lane[r->arg] >= 0)
                snprintf(name, sizeof name, "step of %s", lane_of(c, c->task_lane[r->arg])->name);
            else
                snprintf(name, sizeof name, "step of task %d", (int)r->arg);
            break;
        case LOOP_CALLBACK: {
            const char *cb = coro_name(c, r->arg);
            if (cb)
                snprintf(name, sizeof name, "callback %s", cb);
            else
                snprintf(name, sizeof name, "callback %d", (int)r->arg);
            break;
        }
        case LOOP_EVENTS: snprintf(name, sizeof name, "process events"); break;
        default: snprintf(name, sizeof name, "state %d", r->code); break;
        }
        break;
    default: snprintf(name, sizeof name, "state %d", r->code); break;
    }
    slice_head(c, name, cat, start, end, lane);
    jw_raw(w, ",\"args\":{\"what\":");
    jw_str(w, what);
    if (ln->kind == LANE_THREAD) {
        int core = (int)(r->flags & TL_FLAG_CORE_MASK) - 1;
        jw_kstr(w, "gil", (r->flags & TL_FLAG_GIL) ? "yes" : "no");
        if (core >= 0)
            jw_kint(w, "core", core);
        if (lbl)
            jw_kstr(w, "label", lbl);
    }
    jw_raw(w, "}}");
}

/* The span of `lane` that began at its current record ends at `end`:
 * write its slice if it has one, and settle the flow ends waiting on it. */
static void finish_span(struct ctx *c, int lane, gv_ns end)
{
    struct lanecur *lc = &c->cur[lane];
    gv_ns s = lc->start;
    int written = 0;
    if (lc->rec != NO_REC && end > s && span_shown(c, lane, lc->rec)) {
        emit_span(c, lane, lc->rec, s, end);
        lc->last_end = end;
        written = 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < lc->npend; i++) {
        struct endpoint *p = &c->ep[lc->pend[i]];
        if (written && s <= p->t && p->t <= end)
            p->state = EP_COVERED;
        else if (end > p->t)
            p->state = EP_UNCOVERED;
        else
            lc->pend[k++] = lc->pend[i]; /* ends at t: the next span may start at t */
    }
    lc->npend = k;
}

/* A flow end at time t on lane: returns its endpoint index. */
static uint32_t ep_add(struct ctx *c, int lane, gv_ns t)
{
    if (c->nep == c->capep)
        c->ep = gv_grow(c->ep, &c->capep, c->nep + 1, sizeof *c->ep);
    uint32_t i = (uint32_t)c->nep++;
    struct endpoint *p = &c->ep[i];
    struct lanecur *lc = &c->cur[lane];
    p->t = t;
    p->lane = lane;
    p->state = EP_PENDING;
    if (lc->last_end == t || (lc->rec != NO_REC && lc->start < t && span_shown(c, lane, lc->rec))) {
        p->state = EP_COVERED;
    } else {
        if (lc->npend == lc->cappend)
            lc->pend = gv_grow(lc->pend, &lc->cappend, lc->npend + 1, sizeof *lc->pend);
        lc->pend[lc->npend++] = i;
    }
    return i;
}

/* ---- cores ---------------------------------------------------------------- */

static void core_close(struct ctx *c, int core, gv_ns t)
{
    int32_t th = c->core_occ[core];
    if (th >= 0 && t > c->core_since[core]) {
        const struct tl_lane *ln = lane_of(c, th);
        slice_head(c, ln->name, "core", c->core_since[core], t, c->core_lane[core]);
        jw_raw(c->w, ",\"args\":{\"thread\":");
        jw_str(c->w, ln->name);
        jw_kstr(c->w, "process", process_name(c, ln->proc));
        jw_raw(c->w, "}}");
    }
    c->core_occ[core] = -1;
}

/* Thread lane `th` has a new STATE record r: update the cores' occupants. */
static void core_update(struct ctx *c, int32_t th, const struct tl_rec *r)
{
    int nc = (int)(r->flags & TL_FLAG_CORE_MASK) - 1;
    int old = c->thread_core[th];
    if (nc >= c->ncores || (nc >= 0 && c->core_lane[nc] < 0))
        nc = -1; /* a core without a lane: not shown */
    if (old >= 0 && old != nc) {
        if (c->core_occ[old] == th)
            core_close(c, old, r->t);
        c->thread_core[th] = -1;
    }
    if (nc >= 0 && c->core_occ[nc] != th) {
        int32_t other = c->core_occ[nc];
        if (other >= 0) {
            core_close(c, nc, r->t);
            c->thread_core[other] = -1;
        }
        c->core_occ[nc] = th;
        c->core_since[nc] = r->t;
        c->thread_core[th] = nc;
    }
}

/* ---- GIL hand-overs and flows ------------------------------------------- */

static void gil_update(struct ctx *c, int g, const struct tl_rec *r)
{
    if (r->code == GIL_HELD && is_thread_lane(c, r->arg)) {
        int32_t y = r->arg;
        int32_t x = c->gil_holder[g];
        int64_t drop = -1;
        if (x >= 0 && x != y) /* taken over without a free state in between */
            drop = ep_add(c, x, r->t);
        else if (x < 0) {
            x = c->gil_last[g];
            drop = c->gil_drop[g];
        }
        if (x >= 0 && x != y && drop >= 0) {
            if (c->nho == c->capho)
                c->ho = gv_grow(c->ho, &c->capho, c->nho + 1, sizeof *c->ho);
            c->ho[c->nho].drop = (uint32_t)drop;
            c->ho[c->nho].take = ep_add(c, y, r->t);
            c->nho++;
        }
        c->gil_holder[g] = y;
        c->gil_last[g] = -1;
        c->gil_drop[g] = -1;
    } else if (r->code == GIL_FREE) {
        if (c->gil_holder[g] >= 0) {
            c->gil_last[g] = c->gil_holder[g];
            c->gil_drop[g] = ep_add(c, c->gil_holder[g], r->t);
        }
        c->gil_holder[g] = -1;
    } else {
        c->gil_holder[g] = c->gil_last[g] = -1;
        c->gil_drop[g] = -1;
    }
}

static void flow_end(struct ctx *c, const struct tl_rec *r, uint64_t nrec)
{
    int64_t id = r->arg;
    if (id <= 0 || (uint64_t)id > nrec) /* engine ids count up from 1 */
        return;
    if ((size_t)id >= c->capflows) {
        size_t old = c->capflows;
        c->flows = gv_grow(c->flows, &c->capflows, (size_t)id + 1, sizeof *c->flows);
        memset(c->flows + old, 0, (c->capflows - old) * sizeof *c->flows);
    }
    struct flowpair *f = &c->flows[id];
    if (r->code == EV_FLOW_OUT && !f->out) {
        f->out = ep_add(c, r->lane, r->t) + 1;
        f->kind = r->flags;
    } else if (r->code == EV_FLOW_IN && !f->in) {
        f->in = ep_add(c, r->lane, r->t) + 1;
    }
    if (id > c->maxid)
        c->maxid = id;
}

static void emit_flow(struct ctx *c, const char *name, const char *cat, int64_t id, const struct endpoint *a,
                      const struct endpoint *b)
{
    ev_head(c, name, cat, "s", a->t, a->lane);
    jw_kint(c->w, "id", id);
    jw_ch(c->w, '}');
    ev_head(c, name, cat, "f", b->t, b->lane);
    jw_kint(c->w, "id", id);
    jw_raw(c->w, ",\"bp\":\"e\"}");
}

static void emit_flows(struct ctx *c)
{
    static const char *const kind[] = { "I/O ready", "timer", "result", "call_soon_threadsafe", "call_soon" };
    for (int64_t id = 1; id <= c->maxid; id++) {
        const struct flowpair *f = &c->flows[id];
        if (!f->out || !f->in) {
            c->unmatched += f->out || f->in;
            continue;
        }
        const struct endpoint *a = &c->ep[f->out - 1], *b = &c->ep[f->in - 1];
        if (a->state != EP_COVERED || b->state != EP_COVERED || b->t < a->t) {
            c->dropped++;
            continue;
        }
        emit_flow(c, f->kind < 5 ? kind[f->kind] : "notification", "flow", id, a, b);
        c->flows_out++;
    }
    for (size_t k = 0; k < c->nho; k++) {
        const struct endpoint *a = &c->ep[c->ho[k].drop], *b = &c->ep[c->ho[k].take];
        if (a->state != EP_COVERED || b->state != EP_COVERED) {
            c->dropped++;
            continue;
        }
        emit_flow(c, "GIL hand-over", "gil", c->maxid + 1 + (int64_t)k, a, b);
        c->handovers_out++;
    }
}

/* ---- instants and counters ----------------------------------------------- */

static void emit_instant(struct ctx *c, uint64_t i, const struct tl_rec *r)
{
    const char *name;
    switch (r->code) {
    case EV_DROP_REQUEST: name = "drop request"; break;
    case EV_SWITCH: name = "GIL switch"; break;
    case EV_FORCED_SWITCH: name = "forced GIL switch"; break;
    case EV_FAILED_WAKEUP: name = "failed wake-up"; break;
    case EV_LOST_UPDATE: name = "lost update"; break;
    case EV_DEADLOCK: name = "deadlock"; break;
    case EV_HORIZON: name = "horizon"; break;
    case EV_SWITCH_INTERVAL: name = "setswitchinterval"; break;
    case EV_SLOW_CALLBACK: name = "slow callback"; break;
    case EV_FUTURE_DONE: name = r->flags ? "future cancelled" : "future done"; break;
    case EV_CALLBACK_SCHEDULED: name = "callback scheduled"; break;
    case EV_NOTE: name = "caption"; break;
    default: return;
    }
    const struct scene_note *note = NULL;
    if (r->code == EV_NOTE && c->sc && r->arg >= 0 && r->arg < c->sc->nnotes) {
        note = &c->sc->notes[r->arg];
        name = scene_text_get(&note->text, SCENE_LANG_EN);
    }
    char what[512];
    eventlog_describe(c->tl, c->sc, i, SCENE_LANG_EN, what, sizeof what);
    ev_head(c, name, "event", "i", r->t, r->lane);
    jw_raw(c->w, ",\"s\":\"t\",\"args\":{\"what\":");
    jw_str(c->w, what);
    if (note && note->text.text[SCENE_LANG_PT])
        jw_kstr(c->w, "pt", note->text.text[SCENE_LANG_PT]);
    jw_raw(c->w, "}}");
    c->instants++;
}

static void emit_counter(struct ctx *c, const struct tl_rec *r)
{
    const struct tl_lane *ln = lane_of(c, r->lane);
    char name[320];
    if (ln->kind == LANE_COUNTER && ln->proc < 0)
        snprintf(name, sizeof name, "queue %s", ln->name);
    else
        snprintf(name, sizeof name, "%s", ln->name);
    ev_head(c, name, "counter", "C", r->t, r->lane);
    jw_raw(c->w, ",\"args\":{\"value\":");
    jw_i64(c->w, r->arg);
    jw_raw(c->w, "}}");
    c->counters++;
}

/* ---- the whole file ------------------------------------------------------ */

static void other_data(struct ctx *c, gv_ns end_t, uint64_t nrec)
{
    struct jw *w = c->w;
    jw_raw(w, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"generator\":");
    jw_str(w, "gilviz " GV_VERSION);
    if (c->sc) {
        char model[256];
        jw_kstr(w, "title", scene_text_get(&c->sc->title, SCENE_LANG_EN));
        if (c->sc->title.text[SCENE_LANG_PT])
            jw_kstr(w, "title_pt", c->sc->title.text[SCENE_LANG_PT]);
        if (c->sc->file)
            jw_kstr(w, "scene", c->sc->file);
        report_model(c->sc, GV_LANG_EN, -1, model, sizeof model);
        jw_kstr(w, "model", model);
        jw_kint(w, "seed", (int64_t)(c->sc->set.seed & INT64_MAX));
    }
    jw_kint(w, "cores", c->ncores);
    jw_kint(w, "end_ns", end_t);
    jw_kint(w, "records", (int64_t)nrec);
    jw_kint(w, "slices", (int64_t)c->slices);
    jw_kint(w, "instants", (int64_t)c->instants);
    jw_kint(w, "counters", (int64_t)c->counters);
    jw_kint(w, "flows", (int64_t)c->flows_out);
    jw_kint(w, "gil_handovers", (int64_t)c->handovers_out);
    jw_kint(w, "flows_dropped", (int64_t)c->dropped);
    jw_kint(w, "flows_unmatched", (int64_t)c->unmatched);
    jw_raw(w, "}}\n");
}

int trace_write(FILE *f, const struct timeline *tl, const struct scene *sc)
{
    struct jw *w = gv_calloc(1, sizeof *w);
    struct ctx ctx, *c = &ctx;
    memset(c, 0, sizeof *c);
    w->f = f;
    c->w = w;
    c->tl = tl;
    c->sc = sc;
    c->nlanes = timeline_nlanes(tl);
    size_t nl = atleast1(c->nlanes);
    c->tr = gv_calloc(nl, sizeof *c->tr);
    c->cur = gv_calloc(nl, sizeof *c->cur);
    c->thread_core = gv_malloc(nl * sizeof *c->thread_core);
    c->gil_holder = gv_malloc(nl * sizeof *c->gil_holder);
    c->gil_last = gv_malloc(nl * sizeof *c->gil_last);
    c->gil_drop = gv_malloc(nl * sizeof *c->gil_drop);
    for (int l = 0; l < c->nlanes; l++) {
        c->cur[l].rec = NO_REC;
        c->cur[l].last_end = -1;
        c->thread_core[l] = c->gil_holder[l] = c->gil_last[l] = -1;
        c->gil_drop[l] = -1;
    }

    jw_raw(w, "{\"traceEvents\":[");
    setup_tracks(c);

    uint64_t n = timeline_count(tl);
    gv_ns end_t = timeline_end(tl);
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *r = timeline_get(tl, i);
        int lane = r->lane;
        if (lane >= c->nlanes)
            continue;
        if (r->t > end_t)
            end_t = r->t;
        switch (r->kind) {
        case TL_STATE: {
            finish_span(c, lane, r->t);
            c->cur[lane].rec = i;
            c->cur[lane].start = r->t;
            enum tl_lane_kind k = lane_of(c, lane)->kind;
            if (k == LANE_THREAD)
                core_update(c, lane, r);
            else if (k == LANE_GIL)
                gil_update(c, lane, r);
            break;
        }
        case TL_EVENT:
            if (r->code == EV_FLOW_OUT || r->code == EV_FLOW_IN)
                flow_end(c, r, n);
            else
                emit_instant(c, i, r);
            break;
        case TL_COUNTER: emit_counter(c, r); break;
        default: break;
        }
    }
    for (int l = 0; l < c->nlanes; l++)
        finish_span(c, l, end_t);
    for (int k = 0; k < c->ncores; k++)
        if (c->core_occ[k] >= 0)
            core_close(c, k, end_t);
    emit_flows(c);
    other_data(c, end_t, n);
    jw_flush(w);

    int failed = w->failed, err = w->err;
    if (!failed) {
        errno = 0;
        if (fflush(f) != 0 || ferror(f)) {
            failed = 1;
            err = errno ? errno : EIO;
        }
    }
    for (int l = 0; l < c->nlanes; l++)
        free(c->cur[l].pend);
    free(c->cur);
    free(c->tr);
    free(c->thread_core);
    free(c->gil_holder);
    free(c->gil_last);
    free(c->gil_drop);
    free(c->gil_of_proc);
    free(c->core_lane);
    free(c->core_occ);
    free(c->core_since);
    free(c->task_lane);
    free(c->ep);
    free(c->flows);
    free(c->ho);
    free(w);
    if (failed) {
        errno = err;
        return -1;
    }
    return 0;
}

int trace_export_file(const char *path, const struct timeline *tl, const struct scene *sc, char *err,
                      size_t errsize)
{
    int code = 0;
    struct outfile *o = outfile_open(path, err, errsize, &code);
    if (!o)
        return code ? code : EX_CANTCREAT;
    if (trace_write(outfile_fp(o), tl, sc) != 0) {
        int e = errno;
        if (err && errsize > 0) {
            if (strcmp(path, "-") == 0)
                snprintf(err, errsize, gv_msg("cannot write to standard output: %s"), strerror(e));
            else
                snprintf(err, errsize, gv_msg("cannot write %s: %s"), path, strerror(e));
        }
        outfile_abort(o);
        return EX_IOERR;
    }
    return outfile_commit(o, err, errsize, &code);
}
