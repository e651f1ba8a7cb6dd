/*
 * tally: see tally.h.  The running state is a handful of small arrays; a
 * snapshot is their bytes laid end to end in one fixed-size blob, so the
 * snapshots are one growable byte array.  K grows with the number of lanes
 * so that snapshots stay below about one byte per record.
 */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

#include "../timeline/codes.h"
#include "../util.h"

/* The running totals: everything a snapshot holds. */
struct totals {
    int8_t *thread_core;     /* nthreads: core of each thread, -1 none */
    int16_t *occ;            /* ncores: threads on the core (transiently 2) */
    gv_ns *since;            /* ncores: when occ went from 0 to 1 */
    gv_ns *busy;             /* ncores: closed busy time */
    int64_t *incr, *init;    /* nshared */
    int8_t *seen;            /* nshared: initial value recorded */
    uint64_t ctr[4];         /* switches, forced, drop requests, failed wake-ups */
};

struct tally {
    const struct timeline *tl;
    int nthreads, ncores, nshared, nlanes;
    int8_t *lane_kind;       /* per lane: enum tl_lane_kind */
    int32_t *shared_of;      /* per lane: shared index or -1 */
    uint64_t n;              /* records indexed */
    unsigned kshift;         /* snapshot every 1 << kshift records */
    size_t blob;             /* bytes per snapshot */
    unsigned char *snaps;    /* snapshot j at snaps + j * blob */
    size_t snaps_cap;
    struct totals run, tmp;  /* the running totals; scratch for tally_get */
    unsigned char *mem_run, *mem_tmp;
    gv_ns *busy_out;
};

/* Lay out the arrays of a totals struct over one blob of memory. */
static void totals_bind(struct totals *x, unsigned char *m, int nth, int ncores, int nshared)
{
    x->busy = (gv_ns *)(void *)m;
    x->since = x->busy + ncores;
    x->incr = (int64_t *)(x->since + ncores);
    x->init = x->incr + nshared;
    x->occ = (int16_t *)(void *)(x->init + nshared);
    x->thread_core = (int8_t *)(x->occ + ncores);
    x->seen = x->thread_core + nth;
}

/* Bytes of the arrays (the counters are copied separately). */
static size_t totals_bytes(int nth, int ncores, int nshared)
{
    return (size_t)ncores * 16 + (size_t)nshared * 16 + (size_t)ncores * 2 + (size_t)nth + (size_t)nshared;
}

struct tally *tally_new(const struct timeline *tl)
{
    struct tally *ty = gv_calloc(1, sizeof *ty);
    ty->tl = tl;
    ty->nlanes = timeline_nlanes(tl);
    ty->lane_kind = gv_calloc((size_t)ty->nlanes + 1, sizeof *ty->lane_kind);
    ty->shared_of = gv_calloc((size_t)ty->nlanes + 1, sizeof *ty->shared_of);
    for (int l = 0; l < ty->nlanes; l++) {
        const struct tl_lane *ln = timeline_lane(tl, l);
        ty->lane_kind[l] = (int8_t)ln->kind;
        ty->shared_of[l] = -1;
        if (ln->kind == LANE_THREAD)
            ty->nthreads = l + 1;   /* thread lanes come first */
        else if (ln->kind == LANE_CORE)
            ty->ncores++;
        else if (ln->kind == LANE_SHARED)
            ty->shared_of[l] = ty->nshared++;
    }
    size_t arrays = totals_bytes(ty->nthreads, ty->ncores, ty->nshared);
    ty->blob = (arrays + sizeof ty->run.ctr + 7) & ~(size_t)7;
    ty->kshift = 12;
    while (((size_t)1 << ty->kshift) < ty->blob * 2 && ty->kshift < 24)
        ty->kshift++;
    ty->mem_run = gv_calloc(ty->blob, 1);
    ty->mem_tmp = gv_calloc(ty->blob, 1);
    totals_bind(&ty->run, ty->mem_run, ty->nthreads, ty->ncores, ty->nshared);
    totals_bind(&ty->tmp, ty->mem_tmp, ty->nthreads, ty->ncores, ty->nshared);
    memset(ty->run.thread_core, -1, (size_t)ty->nthreads);
    ty->busy_out = gv_calloc((size_t)ty->ncores + 1, sizeof *ty->busy_out);
    return ty;
}

void tally_free(struct tally *ty)
{
    if (!ty)
        return;
    free(ty->lane_kind);
    free(ty->shared_of);
    free(ty->snaps);
    free(ty->mem_run);
    free(ty->mem_tmp);
    free(ty->busy_out);
    free(ty);
}

/* Store the running totals as snapshot j. */
static void snapshot(struct tally *ty, uint64_t j)
{
    ty->snaps = gv_grow(ty->snaps, &ty->snaps_cap, (size_t)(j + 1) * ty->blob, 1);
    unsigned char *dst = ty->snaps + j * ty->blob;
    size_t arrays = totals_bytes(ty->nthreads, ty->ncores, ty->nshared);
    memcpy(dst, ty->mem_run, arrays);
    memcpy(dst + arrays, ty->run.ctr, sizeof ty->run.ctr);
}

/* Apply one record to a set of totals. */
static void apply(const struct tally *ty, struct totals *x, const struct tl_rec *r)
{
    int l = r->lane;
    int kind = ty->lane_kind[l];
    if (r->kind == TL_STATE && kind == LANE_THREAD) {
        int nc = (int)(r->flags & TL_FLAG_CORE_MASK) - 1, oc = x->thread_core[l];
        if (nc >= ty->ncores)
            nc = -1;
        if (nc == oc)
            return;
        if (oc >= 0 && --x->occ[oc] == 0)
            x->busy[oc] += r->t - x->since[oc];
        if (nc >= 0 && x->occ[nc]++ == 0)
            x->since[nc] = r->t;
        x->thread_core[l] = (int8_t)nc;
    } else if (r->kind == TL_EVENT) {
        switch (r->code) {
        case EV_SWITCH: x->ctr[0]++; break;
        case EV_FORCED_SWITCH: x->ctr[0]++, x->ctr[1]++; break;
        case EV_DROP_REQUEST: x->ctr[2]++; break;
        case EV_FAILED_WAKEUP: x->ctr[3]++; break;
        default: break;
        }
    } else if (r->kind == TL_COUNTER && ty->shared_of[l] >= 0) {
        int s = ty->shared_of[l];
        if (!x->seen[s])
            x->seen[s] = 1, x->init[s] = r->arg;
        else
            x->incr[s]++;
    }
}

uint64_t tally_advance(struct tally *ty, uint64_t budget)
{
    uint64_t pub = timeline_count(ty->tl);
    uint64_t end = pub - ty->n > budget ? ty->n + budget : pub;
    uint64_t kmask = ((uint64_t)1 << ty->kshift) - 1, start = ty->n;
    for (uint64_t i = ty->n; i < end; i++) {
        if ((i & kmask) == 0)
            snapshot(ty, i >> ty->kshift);
        apply(ty, &ty->run, timeline_get(ty->tl, i));
    }
    ty->n = end;
    return end - start;
}

uint64_t tally_count(const struct tally *ty)
{
    return ty->n;
}

int tally_complete(const struct tally *ty)
{
    return timeline_done(ty->tl) && ty->n == timeline_count(ty->tl);
}

gv_ns tally_horizon(const struct tally *ty)
{
    if (ty->n == 0)
        return timeline_done(ty->tl) ? timeline_end(ty->tl) : -1;
    if (tally_complete(ty))
        return timeline_end(ty->tl);
    gv_ns last = timeline_get(ty->tl, ty->n - 1)->t;
    return last - 1;
}

int tally_ncores(const struct tally *ty)
{
    return ty->ncores;
}

int tally_nshared(const struct tally *ty)
{
    return ty->nshared;
}

int tally_get(struct tally *ty, gv_ns t, struct tally_at *out)
{
    if (t > tally_horizon(ty) && !(ty->n == 0 && t <= 0))
        return -1;
    uint64_t u = timeline_upper(ty->tl, t);
    if (u > ty->n)
        u = ty->n;
    uint64_t j = u >> ty->kshift;
    size_t arrays = totals_bytes(ty->nthreads, ty->ncores, ty->nshared);
    if (u == ty->n) {   /* the running totals are exactly what is asked */
        memcpy(ty->mem_tmp, ty->mem_run, arrays);
        memcpy(ty->tmp.ctr, ty->run.ctr, sizeof ty->tmp.ctr);
        j = u >> ty->kshift;
        u = j << ty->kshift;   /* nothing to replay */
    } else {
        const unsigned char *src = ty->snaps + j * ty->blob;
        memcpy(ty->mem_tmp, src, arrays);
        memcpy(ty->tmp.ctr, src + arrays, sizeof ty->tmp.ctr);
    }
    for (uint64_t i = j << ty->kshift; i < u; i++)
        apply(ty, &ty->tmp, timeline_get(ty->tl, i));
    for (int c = 0; c < ty->ncores; c++)
        ty->busy_out[c] = ty->tmp.busy[c] + (ty->tmp.occ[c] > 0 ? t - ty->tmp.since[c] : 0);
    out->t = t;
    out->core_busy = ty->busy_out;
    out->switches = ty->tmp.ctr[0];
    out->forced = ty->tmp.ctr[1];
    out->drop_requests = ty->tmp.ctr[2];
    out->failed_wakeups = ty->tmp.ctr[3];
    out->increments = ty->tmp.incr;
    out->initial = ty->tmp.init;
    return 0;
}
