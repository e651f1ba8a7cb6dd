/*
 * engine: the discrete-event simulation of CPython threads on an OS.
 *
 * Three layers of state, each driven only by events popped in total order:
 *
 *   cores + run queue   A thread that wants a core (READY) gets an idle one
 *                       at once, else waits FIFO.  Running threads lose their
 *                       core when their time slice ends and someone is
 *                       waiting.  Putting a different thread on a core costs
 *                       `context_switch` of kernel time (TS_OS).
 *
 *   the GIL             One per process.  The new GIL follows
 *                       Python/ceval_gil.c: a free GIL is taken at once; a
 *                       waiter sleeps at most `switch_interval`, and if it
 *                       timed out with no switch meanwhile it sets
 *                       drop_request; the holder notices at its next check
 *                       point, drops, signals one sleeping waiter (chosen by
 *                       the seeded RNG: the OS gives no order) and waits on
 *                       switch_cond until another thread took the GIL.  Every
 *                       wake-up (signal, timeout, I/O completion) reaches the
 *                       thread after `wakeup_latency` and then needs a core,
 *                       so a GIL that is free is not yet owned.  The old GIL
 *                       releases and re-takes every `check_interval` ticks,
 *                       paying `signal_cost` to wake a sleeping waiter, which
 *                       usually finds it taken again (a failed wake-up).
 *
 *   threads             Each runs a flat program (see scene.h).  Work steps
 *                       are segments on a core; a segment ends early only
 *                       at a check point the GIL asked for, or when the OS
 *                       preempts it.  Blocking steps drop the GIL
 *                       voluntarily (Py_BEGIN_ALLOW_THREADS).
 *
 * Events carry a generation number; bumping a thread's generation cancels
 * its pending segment end or wake-up without searching the heap.
 *
 * The engine writes a STATE record each time a thread's (state, cause, GIL,
 * core) changes, GIL and lock lane records when ownership changes, and
 * EVENT records for switches, drop requests, failed wake-ups and captions.
 */
#include "engine.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../timeline/codes.h"
#include "evq.h"
#include "rng.h"

/* Timer slots (see evq.h): thread i's main timer is slot i (the end of its
 * segment on a core, or its wake-up when blocked: never both), its GIL
 * timeout is slot nth + i, core c's time slice is 2 nth + c, and caption k
 * is 2 nth + ncores + k. */

/* Priorities at equal times: captions first, then wake-ups, then the rest. */
enum { PRIO_NOTE = 0, PRIO_WAKE = 1, PRIO_NORMAL = 2 };

/* What a thread does on its core: kernel work, its step's work, or a GIL
 * wait too short to sleep (the timed wait returns before the thread could be
 * put to sleep, so it loops on the CPU). */
enum seg_kind { SEG_NONE, SEG_OS, SEG_WORK, SEG_SPIN };

/* What a thread does when it next gets a core, before its program. */
enum pending { PEND_NONE, PEND_GIL, PEND_RETAKE, PEND_LOCK };

/* What a sleeping thread is waiting for (selects the wake-up action). */
enum wait_kind { W_NONE, W_GIL, W_SWITCH, W_IO, W_SLEEP, W_LOCK, W_JOIN };

struct loopframe {
    int32_t start;      /* index of the REPEAT step */
    int64_t left;       /* iterations left, including the current one */
};

struct sthread {
    int32_t id, pinst, group;
    const struct scene_step *prog;
    int32_t nprog, pc;
    struct loopframe *loops;  /* repeat stack, as deep as the program nests
                                 (kept out of line: the struct stays small) */
    int depth;

    bool started, done, has_gil;
    int core;                 /* -1 when on no core */
    uint8_t state;            /* current state, cause and flags */
    uint8_t flags;
    int32_t arg;
    gv_ns state_since;
    bool dirty;               /* changed during this event: flush a record */
    uint8_t out_state, out_flags; /* as last written to the timeline */
    int32_t out_arg;

    /* current segment on a core */
    enum seg_kind seg;
    gv_ns seg_start;
    gv_ns os_left;            /* kernel work owed before going on */
    gv_ns work_left;          /* work left in the current step (valid if in_step) */
    bool in_step;
    uint8_t work_state;       /* TS_PYTHON / TS_CCALL / TS_NOGIL of the step */
    bool work_checks;         /* the step has eval-breaker check points */
    gv_ns pywork;             /* Python work done in total: check points are multiples */
    enum pending pend;

    /* waiting */
    enum wait_kind wait;
    bool in_gil_loop;         /* inside take_gil's wait loop */
    bool gil_blocked;         /* asleep on the GIL condition (can be signalled) */
    int32_t blocked_pos;      /* index in its process's `blocked` array */
    bool gil_signalled;       /* woken by a signal, not by its timeout */
    bool gil_timed_out;
    uint64_t gil_snap;        /* switch_number when the current wait began */
    int32_t waits_lock;
    int64_t reg;              /* register for read/write of shared variables */
    gv_ns io_start;           /* for I/O latency; -1 when not measuring */
    int last_core;
};

struct sproc {
    int32_t scene_proc;
    bool locked;
    int32_t holder, last_holder;
    uint64_t switch_number;
    bool drop_request;
    bool last_drop_forced;
    size_t nwait;             /* threads in the GIL wait loop */
    int32_t *blocked;         /* of those, the ones asleep on the condition */
    size_t nblocked, capblocked;
    int32_t switch_waiter;    /* thread blocked on switch_cond, or -1 */
    uint16_t lane;
};

struct score {
    int32_t cur;              /* running thread or -1 */
    int32_t last;             /* last thread that ran here */
    bool armed;               /* its slice timer is queued */
    gv_ns slice_end;          /* when the running thread's slice ends */
    gv_ns busy_since;
};

struct slock {
    int32_t owner;
    int32_t *waiters;         /* FIFO */
    size_t nwait, capwait, head;
    uint16_t lane;
};

struct engine {
    const struct scene *sc;
    const struct scene_settings *set;
    struct timeline *tl;
    struct evq q;
    struct rng rng;
    gv_ns now;
    uint64_t max_events;

    struct sthread *th;  int32_t nth;
    struct sproc *pr;    int32_t npr;
    struct score *cores; int32_t ncores;
    struct slock *locks;
    int64_t *vars;
    uint16_t *var_lanes;
    uint16_t scene_lane;

    int32_t *runq;                 /* ring buffer of READY threads */
    size_t rq_head, rq_n, rq_cap;
    int32_t *kick;                 /* threads put on a core, to advance */
    size_t nkick, capkick;
    int32_t armed;                 /* cores with a queued slice timer */
    uint32_t firing;               /* slot of the timer being handled */
    struct loopframe *loopmem;     /* every thread's repeat stack */
    int32_t *dirty;                /* threads whose state changed in this event */
    size_t ndirty, capdirty;
    int32_t *group_first, *group_count; /* [pinst * ngroups + group] */
    int32_t ngroups;

    gv_ns *io_lat; size_t nio, capio;
    int32_t live;                  /* threads started and not done */
    int32_t unstarted;
    struct sim_stats st;
    bool failed, tl_full;
    char err[512];
};

/* ---- small helpers ------------------------------------------------------ */

static inline uint32_t slot_main(const struct engine *e, const struct sthread *t)
{
    (void)e;
    return (uint32_t)t->id;
}

static inline uint32_t slot_gil(const struct engine *e, const struct sthread *t)
{
    return (uint32_t)(e->nth + t->id);
}

static inline uint32_t slot_slice(const struct engine *e, int c)
{
    return (uint32_t)(2 * e->nth + c);
}

static void fail(struct engine *e, const struct scene_step *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a runtime error in the scene (first one wins) and stop the run. */
static void fail(struct engine *e, const struct scene_step *s, const char *fmt, ...)
{
    if (e->failed)
        return;
    e->failed = true;
    int n = snprintf(e->err, sizeof e->err, "%s:%u:%u: error: ", e->sc->file ? e->sc->file : "scene",
                     s ? s->line : 0, s ? s->col : 0);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof e->err)
        vsnprintf(e->err + n, sizeof e->err - (size_t)n, fmt, ap);
    va_end(ap);
}

static void rec(struct engine *e, uint16_t lane, uint8_t kind, uint8_t code, uint8_t flags,
                int32_t arg)
{
    if (timeline_append(e->tl, e->now, lane, kind, code, flags, arg) != 0)
        e->tl_full = true;
}

static inline struct sproc *proc_of(struct engine *e, struct sthread *t)
{
    return &e->pr[t->pinst];
}

static inline bool gil_model(const struct engine *e, enum gil_model m)
{
    return e->set->gil == m;
}

/* Duration of a work step as this build of CPython runs it. */
static gv_ns scaled(const struct engine *e, gv_ns d)
{
    if (gil_model(e, GIL_NONE) && e->set->nogil_overhead_pct > 0)
        return d + d / 100 * e->set->nogil_overhead_pct +
               d % 100 * e->set->nogil_overhead_pct / 100;
    return d;
}

/* Distance between check points in Python work, for the model in force. */
static gv_ns check_distance(const struct engine *e)
{
    if (gil_model(e, GIL_OLD))
        return e->set->bytecode * e->set->check_interval;
    return e->set->per_bytecode_checks ? e->set->bytecode : e->set->checkpoint;
}

/* ---- thread state and accounting --------------------------------------- */

/* Add the time since the last recorded state change to that state's bucket. */
static void account(struct engine *e, struct sthread *t)
{
    struct thread_stats *s = &e->st.threads[t->id];
    gv_ns d = e->now - t->state_since;
    switch (t->out_state) {
    case TS_PYTHON: s->python_ns += d; break;
    case TS_CCALL: s->ccall_ns += d; break;
    case TS_NOGIL: s->nogil_ns += d; break;
    case TS_OS: s->os_ns += d; break;
    case TS_READY: s->ready_ns += d; break;
    case TS_GIL_WAIT:
    case TS_SWITCH_WAIT: s->gil_wait_ns += d; break;
    case TS_IO: s->io_ns += d; break;
    case TS_SLEEP: s->sleep_ns += d; break;
    case TS_LOCK_WAIT: s->lock_wait_ns += d; break;
    case TS_JOIN_WAIT: s->join_wait_ns += d; break;
    default: break;
    }
    t->state_since = e->now;
}

/* Set a thread's state.  The record is written when the event is over
 * (flush_states), so the steps a thread passes through within one instant
 * do not show as zero-length states. */
static void set_state(struct engine *e, struct sthread *t, uint8_t code, int32_t arg)
{
    uint8_t flags = (uint8_t)((t->has_gil ? TL_FLAG_GIL : 0) | (t->core >= 0 ? t->core + 1 : 0));
    if (code == t->state && arg == t->arg && flags == t->flags)
        return;
    t->state = code;
    t->arg = arg;
    t->flags = flags;
    if (!t->dirty) {
        t->dirty = true;
        if (e->ndirty == e->capdirty) /* rare: the arrays only grow */
            e->dirty = gv_grow(e->dirty, &e->capdirty, e->ndirty + 1, sizeof *e->dirty);
        e->dirty[e->ndirty++] = t->id;
    }
}

/* Write one STATE record per thread whose visible state changed. */
static void flush_states(struct engine *e)
{
    for (size_t i = 0; i < e->ndirty; i++) {
        struct sthread *t = &e->th[e->dirty[i]];
        t->dirty = false;
        if (t->state == t->out_state && t->arg == t->out_arg && t->flags == t->out_flags)
            continue;
        account(e, t);
        t->out_state = t->state;
        t->out_arg = t->arg;
        t->out_flags = t->flags;
        rec(e, (uint16_t)t->id, TL_STATE, t->state, t->flags, t->arg);
    }
    e->ndirty = 0;
}

/* Re-emit the current state (after has_gil or core changed). */
static void refresh(struct engine *e, struct sthread *t)
{
    set_state(e, t, t->state, t->arg);
}

/* ---- cores and the OS run queue ---------------------------------------- */

static void dispatch(struct engine *e, int c, struct sthread *t);

static void rq_push(struct engine *e, int32_t id)
{
    if (e->rq_n == e->rq_cap) {
        size_t ncap = e->rq_cap ? e->rq_cap * 2 : 64;
        int32_t *nb = gv_malloc(ncap * sizeof *nb);
        for (size_t i = 0; i < e->rq_n; i++)
            nb[i] = e->runq[(e->rq_head + i) % e->rq_cap];
        free(e->runq);
        e->runq = nb;
        e->rq_cap = ncap;
        e->rq_head = 0;
    }
    e->runq[(e->rq_head + e->rq_n++) % e->rq_cap] = id;
}

static int32_t rq_pop(struct engine *e)
{
    if (e->rq_n == 0)
        return -1;
    int32_t id = e->runq[e->rq_head];
    e->rq_head = (e->rq_head + 1) % e->rq_cap;
    e->rq_n--;
    return id;
}

/* Cancel a timer, unless it is the one being handled: evq_retire() drops
 * that one afterwards if nobody re-armed it, so cancel-then-re-arm within
 * its own handler costs one move instead of a removal and an insertion. */
static void timer_cancel(struct engine *e, uint32_t slot)
{
    if (slot != e->firing)
        evq_cancel(&e->q, slot);
}

/* Make core c's time slice end matter: someone waits for a core.  The
 * timer is lazy: it is not moved when the core changes hands, so it may fire
 * before the current slice ends; on_slice() then sets it again. */
static void arm_slice(struct engine *e, int c)
{
    struct score *k = &e->cores[c];
    if (k->armed)
        return;
    k->armed = true;
    e->armed++;
    evq_set(&e->q, slot_slice(e, c), k->slice_end > e->now ? k->slice_end : e->now, PRIO_NORMAL);
}

/* A thread wants a core: take an idle one (its last core first) or queue. */
static void make_ready(struct engine *e, struct sthread *t, int32_t why)
{
    assert(t->core < 0);
    set_state(e, t, TS_READY, why);
    int c = -1;
    if (t->last_core >= 0 && e->cores[t->last_core].cur < 0)
        c = t->last_core;
    for (int i = 0; c < 0 && i < e->ncores; i++)
        if (e->cores[i].cur < 0)
            c = i;
    if (c >= 0) {
        dispatch(e, c, t);
        return;
    }
    rq_push(e, t->id);
    /* time slices now decide who runs: arm every busy core's slice end */
    for (int i = 0; e->armed < e->ncores && i < e->ncores; i++)
        if (e->cores[i].cur >= 0)
            arm_slice(e, i);
}

/* Put t on core c; it is advanced from the main loop (no recursion). */
static void dispatch(struct engine *e, int c, struct sthread *t)
{
    struct score *k = &e->cores[c];
    assert(k->cur < 0 && t->core < 0);
    k->cur = t->id;
    k->busy_since = e->now;
    t->core = c;
    if (k->last != t->id)
        t->os_left += e->set->context_switch;
    k->last = t->id;
    t->last_core = c;
    k->slice_end = e->now + e->set->timeslice;
    if (e->rq_n > 0)
        arm_slice(e, c);
    if (e->nkick == e->capkick) /* rare: the arrays only grow */
        e->kick = gv_grow(e->kick, &e->capkick, e->nkick + 1, sizeof *e->kick);
    e->kick[e->nkick++] = t->id;
}

/* Bring the running segment's bookkeeping up to now. */
static void seg_sync(struct engine *e, struct sthread *t)
{
    gv_ns d = e->now - t->seg_start;
    if (t->seg == SEG_OS) {
        t->os_left -= d;
    } else if (t->seg == SEG_WORK) {
        t->work_left -= d;
        if (t->work_state == TS_PYTHON)
            t->pywork += d;
    }
    assert(t->os_left >= 0 && t->work_left >= 0);
    t->seg_start = e->now;
}

/* Take t off its core (it blocks, ends or is preempted); refill the core. */
static void leave_core(struct engine *e, struct sthread *t)
{
    int c = t->core;
    assert(c >= 0);
    seg_sync(e, t);
    t->seg = SEG_NONE;
    timer_cancel(e, slot_main(e, t));
    struct score *k = &e->cores[c];
    e->st.core_busy_ns[c] += e->now - k->busy_since;
    k->cur = -1;
    t->core = -1;
    int32_t n = rq_pop(e);
    if (n >= 0)
        dispatch(e, c, &e->th[n]);
}

/* ---- the GIL ------------------------------------------------------------ */

static void start_segment(struct engine *e, struct sthread *t);
static void block(struct engine *e, struct sthread *t, enum wait_kind w, uint8_t state, int32_t arg);

/* t goes to sleep on the GIL condition: it can now be signalled. */
static void blocked_add(struct engine *e, struct sproc *p, struct sthread *t)
{
    assert(!t->gil_blocked);
    if (p->nblocked == p->capblocked) /* rare: the arrays only grow */
        p->blocked = gv_grow(p->blocked, &p->capblocked, p->nblocked + 1, sizeof *p->blocked);
    t->blocked_pos = (int32_t)p->nblocked;
    p->blocked[p->nblocked++] = t->id;
    t->gil_blocked = true;
    (void)e;
}

/* t is no longer asleep on the GIL condition (O(1) swap-remove). */
static void blocked_remove(struct engine *e, struct sproc *p, struct sthread *t)
{
    if (!t->gil_blocked)
        return;
    int32_t last = p->blocked[--p->nblocked];
    p->blocked[t->blocked_pos] = last;
    e->th[last].blocked_pos = t->blocked_pos;
    t->gil_blocked = false;
    timer_cancel(e, slot_gil(e, t));
}

/* How long the OS takes from a wake-up to the thread being runnable: the
 * latency plus a seeded random jitter (real wake-ups are never two alike,
 * and without jitter every wait would land in lockstep). */
static gv_ns wake_delay(struct engine *e)
{
    gv_ns j = e->set->wakeup_jitter;
    return e->set->wakeup_latency + (j > 0 ? (gv_ns)(rng_next(&e->rng) % (uint64_t)(j + 1)) : 0);
}

/* Wake `t` after the OS wake-up delay. */
static void wake_later(struct engine *e, struct sthread *t)
{
    evq_set(&e->q, slot_main(e, t), e->now + wake_delay(e), PRIO_WAKE);
}

/* Condition-variable signal: wake one thread asleep on the GIL, if any.
 * Which one is the OS's choice; we draw it from the seeded RNG. */
static bool gil_signal(struct engine *e, struct sproc *p)
{
    if (p->nblocked == 0)
        return false;
    struct sthread *w = &e->th[p->blocked[rng_below(&e->rng, (uint32_t)p->nblocked)]];
    blocked_remove(e, p, w);
    w->gil_signalled = true;
    wake_later(e, w);
    return true;
}

/* If the GIL holder is on a core inside interruptible Python code, make its
 * segment end at the next check point. */
static void holder_recheck(struct engine *e, struct sproc *p)
{
    if (p->holder < 0)
        return;
    struct sthread *h = &e->th[p->holder];
    if (h->core >= 0 && h->seg == SEG_WORK && h->work_checks) {
        seg_sync(e, h);
        if (h->work_left > 0) /* else its step ends now: that event is pending */
            start_segment(e, h);
    }
}

/* Does the holder have a reason to stop at its next check point? */
static bool gil_wants_check(const struct engine *e, const struct sproc *p)
{
    if (gil_model(e, GIL_NEW))
        return p->drop_request;
    if (gil_model(e, GIL_OLD))
        return p->nwait > 0;
    return false;
}

/* t is back in Python after an I/O: record the I/O's latency. */
static void io_resumed(struct engine *e, struct sthread *t)
{
    if (t->io_start < 0)
        return;
    if (e->nio == e->capio) /* rare: the arrays only grow */
        e->io_lat = gv_grow(e->io_lat, &e->capio, e->nio + 1, sizeof *e->io_lat);
    e->io_lat[e->nio++] = e->now - t->io_start;
    t->io_start = -1;
}

/* t takes the free GIL. */
static void gil_take(struct engine *e, struct sthread *t)
{
    struct sproc *p = proc_of(e, t);
    assert(!p->locked);
    p->locked = true;
    p->holder = t->id;
    t->has_gil = true;
    if (t->in_gil_loop) {
        t->in_gil_loop = false;
        p->nwait--;
    }
    blocked_remove(e, p, t);
    t->gil_signalled = t->gil_timed_out = false;
    timer_cancel(e, slot_gil(e, t));
    if (t->id != p->last_holder && p->last_holder >= 0) {
        p->switch_number++;
        e->st.procs[t->pinst].switches++;
        bool forced = p->last_drop_forced;
        if (forced)
            e->st.procs[t->pinst].forced_switches++;
        rec(e, p->lane, TL_EVENT, forced ? EV_FORCED_SWITCH : EV_SWITCH, 0, t->id);
    }
    p->last_holder = t->id;
    p->drop_request = false;
    rec(e, p->lane, TL_STATE, GIL_HELD, 0, t->id);
    /* FORCE_SWITCHING: the thread that was made to drop may go on.  take_gil
     * signals switch_cond before it returns, so the new holder pays for the
     * wake-up call before it runs any Python. */
    if (p->switch_waiter >= 0 && p->switch_waiter != t->id) {
        struct sthread *d = &e->th[p->switch_waiter];
        p->switch_waiter = -1;
        wake_later(e, d);
        t->os_left += e->set->signal_cost;
    }
    io_resumed(e, t);
    refresh(e, t);
    /* old GIL: if others already wait, the new holder must release at checks */
    if (gil_wants_check(e, p))
        holder_recheck(e, p);
}

/* t drops the GIL; `forced` if because of a drop request (new GIL). */
static void gil_drop(struct engine *e, struct sthread *t, bool forced)
{
    struct sproc *p = proc_of(e, t);
    assert(p->locked && p->holder == t->id);
    p->locked = false;
    p->holder = -1;
    p->last_drop_forced = forced;
    t->has_gil = false;
    rec(e, p->lane, TL_STATE, GIL_FREE, 0, t->id);
    gil_signal(e, p);
    refresh(e, t);
}

/* Arm a GIL waiter's timed wait (new GIL only; the old one waits forever). */
static void gil_sleep(struct engine *e, struct sthread *t)
{
    struct sproc *p = proc_of(e, t);
    blocked_add(e, p, t);
    t->gil_signalled = t->gil_timed_out = false;
    t->gil_snap = p->switch_number;
    /* the timed wait expires after the interval; the thread then needs the
     * same wake-up as any other before it can look at the GIL */
    if (gil_model(e, GIL_NEW))
        evq_set(&e->q, slot_gil(e, t), e->now + e->set->switch_interval + wake_delay(e), PRIO_NORMAL);
}

/* t, on a core, wants the GIL: take it if free, else go to sleep waiting.
 * Returns true if t holds the GIL afterwards. */
static bool gil_attempt(struct engine *e, struct sthread *t)
{
    struct sproc *p = proc_of(e, t);
    if (t->has_gil || gil_model(e, GIL_NONE)) {
        io_resumed(e, t);
        return true;
    }
    if (!p->locked) {
        gil_take(e, t);
        return true;
    }
    bool in_loop = t->in_gil_loop;
    if (in_loop && t->gil_signalled) {
        e->st.procs[t->pinst].failed_wakeups++;
        e->st.threads[t->id].failed_wakeups++;
        rec(e, (uint16_t)t->id, TL_EVENT, EV_FAILED_WAKEUP, 0, p->holder);
    }
    if (in_loop && t->gil_timed_out && t->gil_snap == p->switch_number && !p->drop_request) {
        p->drop_request = true;
        e->st.procs[t->pinst].drop_requests++;
        rec(e, p->lane, TL_EVENT, EV_DROP_REQUEST, 0, t->id);
        holder_recheck(e, p);
    }
    if (!in_loop) {
        t->in_gil_loop = true;
        p->nwait++;
    }
    if (gil_model(e, GIL_NEW) && e->set->switch_interval < e->set->wakeup_latency) {
        /* COND_TIMED_WAIT with a deadline nearer than a sleep and a wake-up
         * take: the wait times out on the CPU, and the loop goes round again */
        t->gil_snap = p->switch_number;
        t->gil_timed_out = t->gil_signalled = false;
        t->pend = PEND_GIL;
        t->seg = SEG_SPIN;
        t->seg_start = e->now;
        set_state(e, t, TS_GIL_WAIT, p->holder);
        evq_set(&e->q, slot_main(e, t), e->now + e->set->switch_interval, PRIO_NORMAL);
        return false;
    }
    gil_sleep(e, t);
    block(e, t, W_GIL, TS_GIL_WAIT, p->holder);
    if (gil_model(e, GIL_OLD) && p->holder >= 0)
        holder_recheck(e, p);
    return false;
}

/* ---- threads ------------------------------------------------------------ */

/* t leaves its core and sleeps until woken. */
static void block(struct engine *e, struct sthread *t, enum wait_kind w, uint8_t state, int32_t arg)
{
    t->wait = w;
    if (t->core >= 0)
        leave_core(e, t);
    set_state(e, t, state, arg);
}

/* Start the next segment of a thread that is on a core. */
static void start_segment(struct engine *e, struct sthread *t)
{
    gv_ns len;
    t->seg_start = e->now;
    if (t->os_left > 0) {
        t->seg = SEG_OS;
        len = t->os_left;
        set_state(e, t, TS_OS, 0);
    } else {
        assert(t->in_step && t->work_left > 0);
        t->seg = SEG_WORK;
        len = t->work_left;
        if (t->work_checks && !gil_model(e, GIL_NONE) && gil_wants_check(e, proc_of(e, t))) {
            gv_ns c = check_distance(e);
            gv_ns to_check = c - t->pywork % c;
            if (to_check < len)
                len = to_check;
        }
        set_state(e, t, t->work_state, -1);
    }
    evq_set(&e->q, slot_main(e, t), e->now + len, PRIO_NORMAL);
}

/* Find the next step to run, unrolling repeat blocks; NULL at the end. */
static const struct scene_step *next_step(struct sthread *t)
{
    for (;;) {
        if (t->depth > 0) {
            struct loopframe *f = &t->loops[t->depth - 1];
            if (t->pc == f->start + 1 + t->prog[f->start].body) {
                if (--f->left > 0)
                    t->pc = f->start + 1;
                else
                    t->depth--;
                continue;
            }
        }
        if (t->pc >= t->nprog)
            return NULL;
        const struct scene_step *s = &t->prog[t->pc];
        if (s->op != OP_REPEAT)
            return s;

        t->loops[t->depth++] = (struct loopframe){ t->pc, s->count };
        t->pc++;
    }
}

static void thread_end(struct engine *e, struct sthread *t);
static void step_done(struct engine *e, struct sthread *t);

/* Threads of group g in t's process instance. */
static void group_range(const struct engine *e, const struct sthread *t, int32_t g, int32_t *first,
                        int32_t *count)
{
    size_t k = (size_t)t->pinst * (size_t)e->ngroups + (size_t)g;
    *first = e->group_first[k];
    *count = e->group_count[k];
}

static void thread_start(struct engine *e, struct sthread *t, int32_t by)
{
    t->started = true;
    e->live++;
    e->unstarted--;
    e->st.threads[t->id].start = e->now;
    t->state_since = e->now;
    rec(e, (uint16_t)t->id, TL_EVENT, EV_THREAD_START, 0, by);
    make_ready(e, t, READY_RUN);
}

/* Length of a lock chain ending back at t: deadlock detection. */
static bool lock_cycle(struct engine *e, struct sthread *t, int32_t lock)
{
    int32_t owner = e->locks[lock].owner;
    for (int32_t hops = 0; owner >= 0 && hops <= e->nth; hops++) {
        if (owner == t->id)
            return true;
        struct sthread *o = &e->th[owner];
        if (o->wait != W_LOCK)
            return false;
        owner = e->locks[o->waits_lock].owner;
    }
    return false;
}

/* Write the cycle of lock waits that starts and ends at t, e.g.
 * "t1 holds a and waits for b, held by t2; t2 holds b and waits for a". */
static void describe_cycle(struct engine *e, struct sthread *t)
{
    char *d = e->st.deadlock_desc;
    size_t n = 0, size = sizeof e->st.deadlock_desc;
    struct sthread *cur = t;
    for (int32_t hops = 0; hops <= e->nth && n + 1 < size; hops++) {
        int32_t want = cur->waits_lock;
        int32_t owner = e->locks[want].owner;
        int held = -1;
        for (int32_t k = 0; k < e->sc->nlocks && held < 0; k++)
            if (e->locks[k].owner == cur->id)
                held = (int)k;
        int w = snprintf(d + n, size - n, "%s%s holds %s and waits for %s, held by %s", n ? "; " : "",
                         e->st.threads[cur->id].name, held >= 0 ? e->sc->locks[held].name : "nothing",
                         e->sc->locks[want].name, e->st.threads[owner].name);
        if (w < 0)
            break;
        n += (size_t)w < size - n ? (size_t)w : size - n - 1;
        cur = &e->th[owner];
        if (cur == t)
            break;
    }
}

/* t now owns lock l. */
static void lock_own(struct engine *e, struct slock *l, struct sthread *t)
{
    l->owner = t->id;
    t->waits_lock = -1;
    rec(e, l->lane, TL_STATE, LOCK_HELD, 0, t->id);
}

/* t waits on lock l: at the back, or at the front when it lost a race after
 * being woken (the kernel wakes sleepers in about the order they came). */
static void lock_wait(struct engine *e, struct slock *l, struct sthread *t, bool front)
{
    (void)e;
    if (front && l->head > 0) {
        l->waiters[--l->head] = t->id;
        l->nwait++;
        return;
    }
    if (l->head + l->nwait == l->capwait)
        l->waiters = gv_grow(l->waiters, &l->capwait, l->head + l->nwait + 1, sizeof *l->waiters);
    if (front) {
        memmove(l->waiters + l->head + 1, l->waiters + l->head, l->nwait * sizeof *l->waiters);
        l->waiters[l->head] = t->id;
    } else {
        l->waiters[l->head + l->nwait] = t->id;
    }
    l->nwait++;
}

/* Interpret t's program until it must run a segment, blocks or ends.
 * t is on a core. */
static void advance(struct engine *e, struct sthread *t)
{
    struct sproc *p = proc_of(e, t);
    for (;;) {
        if (e->failed)
            return;
        if (t->os_left > 0) {
            start_segment(e, t);
            return;
        }
        if (t->pend == PEND_RETAKE) {
            /* old GIL: the re-take right after a release at a check */
            t->pend = PEND_NONE;
            if (!gil_attempt(e, t))
                return;
        }
        if (t->pend == PEND_GIL) {
            t->pend = PEND_NONE;
            if (!gil_attempt(e, t))
                return;
        }
        if (t->pend == PEND_LOCK) {
            /* woken in sem_wait: take the lock if nobody beat us to it */
            t->pend = PEND_NONE;
            struct slock *l = &e->locks[t->waits_lock];
            if (l->owner >= 0) {
                e->st.threads[t->id].failed_wakeups++;
                rec(e, (uint16_t)t->id, TL_EVENT, EV_FAILED_WAKEUP, 0, l->owner);
                lock_wait(e, l, t, true);
                block(e, t, W_LOCK, TS_LOCK_WAIT, t->waits_lock);
                return;
            }
            t->pc++;
            lock_own(e, l, t);
        }
        if (t->in_step) {
            if (t->work_left == 0) {
                /* preempted at the very instant its work ended */
                step_done(e, t);
                continue;
            }
            if (t->work_state != TS_NOGIL && !gil_attempt(e, t))
                return;
            start_segment(e, t);
            return;
        }
        /* a step boundary is a check point for a thread holding the GIL */
        if (t->has_gil && gil_model(e, GIL_NEW) && p->drop_request) {
            gil_drop(e, t, true);
            p->switch_waiter = t->id;
            block(e, t, W_SWITCH, TS_SWITCH_WAIT, -1);
            return;
        }
        const struct scene_step *s = next_step(t);
        if (!s) {
            thread_end(e, t);
            return;
        }
        bool needs_gil = s->op != OP_NOGIL && s->op != OP_IO && s->op != OP_SLEEP;
        if (needs_gil && !gil_attempt(e, t))
            return;
        switch (s->op) {
        case OP_CPU:
        case OP_CCALL:
        case OP_NOGIL:
        case OP_INCR:
        case OP_READ:
        case OP_WRITE: {
            gv_ns d = s->dur;
            if (d < 0)
                d = s->op == OP_INCR ? e->set->rmw_cost : e->set->bytecode;
            t->work_left = scaled(e, d);
            t->work_state = s->op == OP_CCALL ? TS_CCALL : s->op == OP_NOGIL ? TS_NOGIL : TS_PYTHON;
            t->work_checks = s->op == OP_CPU ||
                             (s->op != OP_CCALL && s->op != OP_NOGIL && (e->set->per_bytecode_checks || gil_model(e, GIL_OLD)));
            if (s->op == OP_NOGIL && t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            if (s->op == OP_INCR || s->op == OP_READ)
                t->reg = e->vars[s->ref];
            t->in_step = true;
            if (t->work_left == 0) {
                step_done(e, t);
                continue;
            }
            start_segment(e, t);
            return;
        }
        case OP_IO:
        case OP_SLEEP:
            if (t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            t->pc++;
            if (s->op == OP_IO) {
                t->io_start = e->now;
                e->st.threads[t->id].io_ops++;
                e->st.io_ops++;
            }
            block(e, t, s->op == OP_IO ? W_IO : W_SLEEP, s->op == OP_IO ? TS_IO : TS_SLEEP,
                  s->op == OP_IO ? s->ref : -1);
            evq_set(&e->q, slot_main(e, t), e->now + s->dur + wake_delay(e), PRIO_WAKE);
            return;
        case OP_ACQUIRE: {
            struct slock *l = &e->locks[s->ref];
            if (l->owner == t->id) {
                fail(e, s, "thread '%s' acquires lock '%s' it already holds: it would wait forever "
                     "(use an RLock)", e->st.threads[t->id].name, e->sc->locks[s->ref].name);
                return;
            }
            /* acquire() first tries without letting go of the GIL */
            if (l->owner < 0) {
                t->pc++;
                lock_own(e, l, t);
                continue;
            }
            /* then blocks in sem_wait with the GIL released */
            lock_wait(e, l, t, false);
            t->waits_lock = s->ref;
            if (t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            block(e, t, W_LOCK, TS_LOCK_WAIT, s->ref);
            if (lock_cycle(e, t, s->ref) && !e->st.deadlock) {
                e->st.deadlock = 1;
                describe_cycle(e, t);
                rec(e, l->lane, TL_EVENT, EV_DEADLOCK, 0, t->id);
            }
            return;
        }
        case OP_RELEASE: {
            struct slock *l = &e->locks[s->ref];
            if (l->owner != t->id) {
                fail(e, s, "thread '%s' releases lock '%s' it does not hold (Python raises RuntimeError)",
                     e->st.threads[t->id].name, e->sc->locks[s->ref].name);
                return;
            }
            t->pc++;
            /* sem_post: the lock is free at once (the releaser, or anyone,
             * may take it again before the woken waiter gets there) */
            l->owner = -1;
            rec(e, l->lane, TL_STATE, LOCK_FREE, 0, t->id);
            if (l->nwait > 0) {
                int32_t w = l->waiters[l->head++];
                l->nwait--;
                if (l->nwait == 0)
                    l->head = 0;
                e->th[w].pend = PEND_LOCK;
                wake_later(e, &e->th[w]);
                t->os_left += e->set->signal_cost; /* the futex wake of a sleeper */
            }
            continue;
        }
        case OP_START: {
            int32_t first, count;
            group_range(e, t, s->ref, &first, &count);
            t->pc++;
            for (int32_t i = 0; i < count; i++)
                if (!e->th[first + i].started)
                    thread_start(e, &e->th[first + i], t->id);
            continue;
        }
        case OP_JOIN: {
            int32_t first, count;
            group_range(e, t, s->ref, &first, &count);
            bool all = true;
            for (int32_t i = 0; i < count; i++)
                all &= e->th[first + i].done;
            t->pc++;
            if (all)
                continue;
            if (t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            block(e, t, W_JOIN, TS_JOIN_WAIT, first);
            return;
        }
        case OP_REPEAT:
            assert(0 && "next_step unrolls repeats");
            return;
        }
    }
}

/* The work of t's current step is finished. */
static void step_done(struct engine *e, struct sthread *t)
{
    const struct scene_step *s = &t->prog[t->pc];
    if (s->op == OP_INCR || s->op == OP_WRITE) {
        /* someone wrote since we read: our write loses their updates */
        if (e->vars[s->ref] != t->reg) {
            e->st.shared[s->ref].stale_writes++;
            rec(e, e->var_lanes[s->ref], TL_EVENT, EV_LOST_UPDATE, 0, t->id);
        }
        e->vars[s->ref] = t->reg + 1;
        e->st.shared[s->ref].expected++;
        rec(e, e->var_lanes[s->ref], TL_COUNTER, 0, 0, (int32_t)e->vars[s->ref]);
    }
    t->in_step = false;
    t->pc++;
}

/* t finished its program. */
static void thread_end(struct engine *e, struct sthread *t)
{
    if (t->has_gil && !gil_model(e, GIL_NONE))
        gil_drop(e, t, false);
    t->done = true;
    e->live--;
    e->st.threads[t->id].end = e->now;
    if (t->core >= 0)
        leave_core(e, t);
    set_state(e, t, TS_DONE, -1);
    rec(e, (uint16_t)t->id, TL_EVENT, EV_THREAD_END, 0, -1);
    if (e->now > e->st.wall_ns)
        e->st.wall_ns = e->now;
    /* wake joiners whose whole group is now done */
    for (int32_t i = 0; i < e->nth; i++) {
        struct sthread *j = &e->th[i];
        if (j->wait != W_JOIN || j->pinst != t->pinst)
            continue;
        int32_t first, count;
        const struct scene_step *js = &j->prog[j->pc - 1];
        group_range(e, j, js->ref, &first, &count);
        if (t->id < first || t->id >= first + count)
            continue;
        bool all = true;
        for (int32_t k = 0; k < count; k++)
            all &= e->th[first + k].done;
        if (all)
            wake_later(e, j);
    }
}

/* ---- event handlers ------------------------------------------------------ */

/* A segment ended: kernel work done, step done, or a check point reached. */
static void on_seg_end(struct engine *e, struct sthread *t)
{
    seg_sync(e, t);
    enum seg_kind k = t->seg;
    t->seg = SEG_NONE;
    if (k == SEG_OS) {
        advance(e, t);
        return;
    }
    if (k == SEG_SPIN) {
        t->gil_timed_out = true;
        advance(e, t);
        return;
    }
    if (t->work_left == 0) {
        step_done(e, t);
        advance(e, t);
        return;
    }
    /* a check point with a reason to stop */
    struct sproc *p = proc_of(e, t);
    if (gil_model(e, GIL_NEW) && p->drop_request && t->has_gil) {
        gil_drop(e, t, true);
        p->switch_waiter = t->id;
        block(e, t, W_SWITCH, TS_SWITCH_WAIT, -1);
        return;
    }
    if (gil_model(e, GIL_OLD) && t->has_gil && p->nwait > 0) {
        /* Python 2's lock: mutex_lock; locked = 0; mutex_unlock;
         * cond_signal; then acquire again.  While threads are in the wait
         * loop the signal is a system call (signal_cost), and the GIL is free
         * for exactly that long: a waiter that is awake on another core at
         * that moment can take it, one that is woken now arrives too late. */
        e->st.procs[t->pinst].release_checks++;
        rec(e, p->lane, TL_EVENT, EV_GIL_RELEASE_CHECK, 0, t->id);
        gil_drop(e, t, false);
        t->os_left += e->set->signal_cost;
        t->pend = PEND_RETAKE;
        advance(e, t);
        return;
    }
    advance(e, t);
}

/* A blocked thread's wait is over (after the wake-up latency). */
static void on_wake(struct engine *e, struct sthread *t)
{
    enum wait_kind w = t->wait;
    t->wait = W_NONE;
    switch (w) {
    case W_GIL:
        make_ready(e, t, READY_GIL);
        t->pend = PEND_GIL;
        break;
    case W_SWITCH:
        make_ready(e, t, READY_RUN);
        break;
    case W_IO:
        rec(e, (uint16_t)t->id, TL_EVENT, EV_IO_DONE, 0, t->prog[t->pc - 1].ref);
        make_ready(e, t, READY_RUN);
        break;
    case W_SLEEP:
    case W_LOCK:
    case W_JOIN:
        make_ready(e, t, READY_RUN);
        break;
    case W_NONE:
        assert(0 && "wake of a thread that does not wait");
        break;
    }
}

/* A new-GIL waiter's timed wait expired: it wakes to look at the GIL. */
static void on_gil_timeout(struct engine *e, struct sthread *t)
{
    if (!t->gil_blocked)
        return;
    blocked_remove(e, proc_of(e, t), t);
    t->gil_timed_out = true;
    t->wait = W_NONE;
    t->pend = PEND_GIL;
    make_ready(e, t, READY_GIL);
}

/* A core's time slice ended: rotate if someone is waiting for a core. */
static void on_slice(struct engine *e, int c)
{
    struct score *k = &e->cores[c];
    k->armed = false; /* its timer just fired */
    e->armed--;
    if (k->cur < 0 || e->rq_n == 0)
        return;   /* dispatch or rq_push arms it again when it matters */
    if (e->now < k->slice_end) {
        arm_slice(e, c); /* fired for an earlier thread's slice */
        return;
    }
    struct sthread *t = &e->th[k->cur];
    rec(e, (uint16_t)t->id, TL_EVENT, EV_PREEMPT, 0, c);
    leave_core(e, t);
    make_ready(e, t, READY_RUN);
}

/* ---- set-up ---------------------------------------------------------------- */

static char *inst_name(const char *base, int32_t i, int32_t count)
{
    char buf[256];
    if (count > 1)
        snprintf(buf, sizeof buf, "%s%d", base, (int)i + 1);
    else
        snprintf(buf, sizeof buf, "%s", base);
    return gv_strdup(buf);
}

struct engine *engine_new(const struct scene *sc, struct timeline *tl, char *err, size_t errsize)
{
    int64_t lanes = 1 + (int64_t)scene_total_threads(sc) + sc->nlocks + sc->nshared;
    int32_t npinst = 0;
    for (int32_t i = 0; i < sc->nprocs; i++)
        npinst += sc->procs[i].count;
    lanes += npinst + sc->set.cores;
    if (lanes > (int64_t)TL_MAX_LANES) {
        snprintf(err, errsize, "the scene needs %lld timeline lanes (at most %u)", (long long)lanes,
                 (unsigned)TL_MAX_LANES);
        return NULL;
    }
    struct engine *e = gv_calloc(1, sizeof *e);
    e->sc = sc;
    e->set = &sc->set;
    e->tl = tl;
    e->max_events = ENGINE_DEFAULT_MAX_EVENTS;
    rng_seed(&e->rng, sc->set.seed);


    /* process instances */
    e->npr = npinst;
    e->pr = gv_calloc((size_t)npinst, sizeof *e->pr);
    e->st.procs = gv_calloc((size_t)npinst, sizeof *e->st.procs);
    e->st.nprocs = npinst;
    for (int32_t i = 0, k = 0; i < sc->nprocs; i++)
        for (int32_t r = 0; r < sc->procs[i].count; r++, k++) {
            e->pr[k].scene_proc = i;
            e->pr[k].holder = e->pr[k].last_holder = e->pr[k].switch_waiter = -1;
            e->st.procs[k].name = inst_name(sc->procs[i].name, r, sc->procs[i].count);
        }

    /* threads: for each process instance, its groups in file order */
    e->ngroups = sc->nthreads;
    e->nth = scene_total_threads(sc);
    e->th = gv_calloc((size_t)e->nth, sizeof *e->th);
    e->st.threads = gv_calloc((size_t)e->nth, sizeof *e->st.threads);
    e->st.nthreads = e->nth;
    e->group_first = gv_calloc((size_t)npinst * (size_t)e->ngroups, sizeof *e->group_first);
    e->group_count = gv_calloc((size_t)npinst * (size_t)e->ngroups, sizeof *e->group_count);
    int32_t id = 0;
    for (int32_t pi = 0; pi < npinst; pi++) {
        for (int32_t g = 0; g < sc->nthreads; g++) {
            const struct scene_thread *sg = &sc->threads[g];
            if (sg->process != e->pr[pi].scene_proc)
                continue;
            e->group_first[(size_t)pi * e->ngroups + g] = id;
            e->group_count[(size_t)pi * e->ngroups + g] = sg->count;
            for (int32_t r = 0; r < sg->count; r++, id++) {
                struct sthread *t = &e->th[id];
                t->id = id;
                t->pinst = pi;
                t->group = g;
                t->prog = sg->steps;
                t->nprog = sg->nsteps;
                t->core = t->last_core = -1;
                t->io_start = -1;
                t->arg = -1;
                t->state = TS_NEW;
                t->waits_lock = -1;
                char *base = inst_name(sg->name, r, sg->count);
                if (npinst > 1 && sc->nprocs > 1) {
                    char buf[300];
                    snprintf(buf, sizeof buf, "%s/%s", e->st.procs[pi].name, base);
                    e->st.threads[id].name = gv_strdup(buf);
                    free(base);
                } else {
                    e->st.threads[id].name = base;
                }
                e->st.threads[id].proc = pi;
                e->st.threads[id].end = -1;
            }
        }
    }
    assert(id == e->nth);
    /* repeat stacks: each thread needs as many frames as its program has
     * REPEAT steps at most (an upper bound on the nesting) */
    size_t frames = 0;
    for (int32_t i = 0; i < e->nth; i++) {
        int32_t nrep = 0;
        for (int32_t k = 0; k < e->th[i].nprog; k++)
            nrep += e->th[i].prog[k].op == OP_REPEAT;
        frames += (size_t)(nrep < SCENE_MAX_DEPTH ? nrep : SCENE_MAX_DEPTH);
    }
    e->loopmem = gv_calloc(frames ? frames : 1, sizeof *e->loopmem);
    for (int32_t i = 0, at = 0; i < e->nth; i++) {
        int32_t nrep = 0;
        for (int32_t k = 0; k < e->th[i].nprog; k++)
            nrep += e->th[i].prog[k].op == OP_REPEAT;
        e->th[i].loops = e->loopmem + at;
        at += nrep < SCENE_MAX_DEPTH ? nrep : SCENE_MAX_DEPTH;
    }
    /* thread lanes come first, so a thread's lane number is its index */
    for (int32_t i = 0; i < e->nth; i++)
        timeline_add_lane(tl, LANE_THREAD, e->st.threads[i].name, e->th[i].pinst, i);
    e->scene_lane = (uint16_t)timeline_add_lane(tl, LANE_SCENE, sc->title.text[0] ? sc->title.text[0] : "scene", -1, 0);
    for (int32_t i = 0; i < npinst; i++)
        e->pr[i].lane = (uint16_t)timeline_add_lane(tl, LANE_GIL, e->st.procs[i].name, i, i);
    e->locks = gv_calloc((size_t)sc->nlocks, sizeof *e->locks);
    for (int32_t i = 0; i < sc->nlocks; i++) {
        e->locks[i].owner = -1;
        e->locks[i].lane = (uint16_t)timeline_add_lane(tl, LANE_LOCK, sc->locks[i].name, -1, i);
    }
    e->vars = gv_calloc((size_t)sc->nshared, sizeof *e->vars);
    e->var_lanes = gv_calloc((size_t)sc->nshared, sizeof *e->var_lanes);
    e->st.shared = gv_calloc((size_t)sc->nshared, sizeof *e->st.shared);
    e->st.nshared = sc->nshared;
    for (int32_t i = 0; i < sc->nshared; i++) {
        e->vars[i] = sc->shared[i].init;
        e->st.shared[i].name = gv_strdup(sc->shared[i].name);
        e->st.shared[i].expected = sc->shared[i].init;
        e->var_lanes[i] = (uint16_t)timeline_add_lane(tl, LANE_SHARED, sc->shared[i].name, -1, i);
    }
    e->ncores = sc->set.cores;
    evq_init(&e->q, (uint32_t)(2 * e->nth + e->ncores + sc->nnotes));
    e->cores = gv_calloc((size_t)e->ncores, sizeof *e->cores);
    e->st.core_busy_ns = gv_calloc((size_t)e->ncores, sizeof *e->st.core_busy_ns);
    e->st.ncores = e->ncores;
    for (int32_t i = 0; i < e->ncores; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "core %d", (int)i);
        e->cores[i].cur = e->cores[i].last = -1;
        timeline_add_lane(tl, LANE_CORE, buf, -1, i);
    }
    return e;
}

void engine_set_max_events(struct engine *e, uint64_t max_events)
{
    e->max_events = max_events;
}

/* Turn raw samples into the I/O latency figures. */
static void finish_stats(struct engine *e)
{
    struct sim_stats *s = &e->st;
    if (e->nio > 0) {
        __int128 sum = 0;
        gv_ns max = 0;
        for (size_t i = 0; i < e->nio; i++) {
            sum += e->io_lat[i];
            max = e->io_lat[i] > max ? e->io_lat[i] : max;
        }
        s->io_mean_ns = (gv_ns)(sum / (__int128)e->nio);
        s->io_max_ns = max;
        /* p99 first: selecting it leaves everything below it in front,
         * where p50 is then selected */
        size_t k99 = (size_t)((double)(e->nio - 1) * 0.99), k50 = (e->nio - 1) / 2;
        s->io_p99_ns = gv_select(e->io_lat, e->nio, k99);
        s->io_p50_ns = gv_select(e->io_lat, k99 + 1, k50);
    }
    for (int32_t i = 0; i < s->nprocs; i++) {
        s->switches += s->procs[i].switches;
        s->forced_switches += s->procs[i].forced_switches;
        s->drop_requests += s->procs[i].drop_requests;
        s->failed_wakeups += s->procs[i].failed_wakeups;
    }
    for (int32_t i = 0; i < s->nshared; i++) {
        s->shared[i].final = e->vars[i];
        if (s->shared[i].expected > s->shared[i].final)
            s->shared[i].lost_updates = (uint64_t)(s->shared[i].expected - s->shared[i].final);
    }
    for (int32_t i = 0; i < e->nth; i++) {
        struct sthread *t = &e->th[i];
        if (t->started && !t->done)
            account(e, t);
    }
    for (int32_t c = 0; c < e->ncores; c++)
        if (e->cores[c].cur >= 0)
            s->core_busy_ns[c] += e->now - e->cores[c].busy_since;
}

/* Describe the threads stuck forever when the queue ran dry. */
static void describe_stuck(struct engine *e)
{
    struct sim_stats *s = &e->st;
    if (s->deadlock)
        return;
    s->deadlock = 1;
    size_t n = 0;
    for (int32_t i = 0; i < e->nth && n + 1 < sizeof s->deadlock_desc; i++) {
        struct sthread *t = &e->th[i];
        if (!t->started || t->done)
            continue;
        const char *what = t->wait == W_LOCK ? "a lock" : t->wait == W_JOIN ? "a join" : "the GIL";
        int w = snprintf(s->deadlock_desc + n, sizeof s->deadlock_desc - n, "%s'%s' waits for %s",
                         n ? "; " : "", s->threads[i].name, what);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    rec(e, e->scene_lane, TL_EVENT, EV_DEADLOCK, 0, -1);
}

/* Advance the threads just put on a core (see dispatch). */
static void drain_kicks(struct engine *e)
{
    while (e->nkick > 0) {
        struct sthread *t = &e->th[e->kick[--e->nkick]];
        if (t->core >= 0 && t->seg == SEG_NONE)
            advance(e, t);
    }
}

int engine_run(struct engine *e, char *err, size_t errsize)
{
    const struct scene *sc = e->sc;
    for (int32_t i = 0; i < sc->nnotes; i++)
        evq_set(&e->q, (uint32_t)(2 * e->nth + e->ncores + i), sc->notes[i].at, PRIO_NOTE);
    for (int32_t i = 0; i < e->npr; i++)
        rec(e, e->pr[i].lane, TL_STATE, gil_model(e, GIL_NONE) ? GIL_ABSENT : GIL_FREE, 0, -1);
    for (int32_t i = 0; i < sc->nshared; i++)
        rec(e, e->var_lanes[i], TL_COUNTER, 0, 0, (int32_t)e->vars[i]);
    for (int32_t i = 0; i < sc->nlocks; i++)
        rec(e, e->locks[i].lane, TL_STATE, LOCK_FREE, 0, -1);
    for (int32_t i = 0; i < e->nth; i++) {
        rec(e, (uint16_t)i, TL_STATE, TS_NEW, 0, -1);
        e->th[i].out_state = TS_NEW;
        e->th[i].out_arg = -1;
    }
    e->unstarted = e->nth;
    for (int32_t i = 0; i < e->nth; i++)
        if (!sc->threads[e->th[i].group].deferred)
            thread_start(e, &e->th[i], -1);

    struct evq_item it;
    e->firing = EVQ_ABSENT;
    drain_kicks(e);
    for (;;) {
        flush_states(e);
        if (e->failed || e->tl_full)
            break;
        if (e->live == 0)
            break;  /* every started thread ended; later captions are not shown */
        if (!evq_peek(&e->q, &it)) {
            if (e->live > 0)
                describe_stuck(e);
            break;
        }
        if (it.t > sc->set.horizon) {
            e->now = sc->set.horizon;
            e->st.horizon_hit = 1;
            rec(e, e->scene_lane, TL_EVENT, EV_HORIZON, 0, 0);
            break;
        }
        if (e->st.events >= e->max_events) {
            e->st.event_cap_hit = 1;
            break;
        }
        assert(it.t >= e->now);
        e->now = it.t;
        uint32_t slot = e->firing = it.slot;
        if (slot < (uint32_t)e->nth) {
            struct sthread *t = &e->th[slot];
            if (t->core >= 0)
                on_seg_end(e, t);
            else
                on_wake(e, t);
        } else if (slot < 2 * (uint32_t)e->nth) {
            on_gil_timeout(e, &e->th[slot - (uint32_t)e->nth]);
        } else if (slot < 2 * (uint32_t)e->nth + (uint32_t)e->ncores) {
            on_slice(e, (int)(slot - 2 * (uint32_t)e->nth));
        } else {
            rec(e, e->scene_lane, TL_EVENT, EV_NOTE, 0, (int32_t)(slot - 2 * (uint32_t)e->nth - (uint32_t)e->ncores));
        }
        drain_kicks(e);
        e->firing = EVQ_ABSENT;
        evq_retire(&e->q, &it);
        e->st.events++;
        if ((e->st.events & 0x3fff) == 0)
            timeline_publish(e->tl);
    }
    if (e->live > 0 && e->st.wall_ns < e->now)
        e->st.wall_ns = e->now;
    flush_states(e);
    finish_stats(e);
    timeline_finish(e->tl, e->st.wall_ns > e->now ? e->st.wall_ns : e->now);
    if (e->failed) {
        snprintf(err, errsize, "%s", e->err);
        return -1;
    }
    if (e->tl_full) {
        snprintf(err, errsize, "%s: the timeline is full (%llu records): raise the limit or shorten the scene",
                 sc->file ? sc->file : "scene", (unsigned long long)timeline_count(e->tl));
        return -1;
    }
    return 0;
}

struct run_arg {
    struct engine *e;
    char err[512];
    int rc;
};

static void *run_thread(void *p)
{
    struct run_arg *a = p;
    a->rc = engine_run(a->e, a->err, sizeof a->err);
    return a;
}

int engine_start(struct engine *e, pthread_t *th)
{
    struct run_arg *a = gv_calloc(1, sizeof *a);
    a->e = e;
    if (pthread_create(th, NULL, run_thread, a) != 0) {
        free(a);
        return -1;
    }
    return 0;
}

int engine_join(struct engine *e, pthread_t th, char *err, size_t errsize)
{
    (void)e;
    void *res = NULL;
    if (pthread_join(th, &res) != 0 || !res)
        return -1;
    struct run_arg *a = res;
    int rc = a->rc;
    if (rc != 0)
        snprintf(err, errsize, "%s", a->err);
    free(a);
    return rc;
}

const struct sim_stats *engine_stats(const struct engine *e)
{
    return &e->st;
}

int32_t engine_nthreads(const struct engine *e)
{
    return e->nth;
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    for (int32_t i = 0; i < e->nth; i++)
        free(e->st.threads[i].name);
    for (int32_t i = 0; i < e->npr; i++) {
        free(e->st.procs[i].name);
        free(e->pr[i].blocked);
    }
    for (int32_t i = 0; i < e->sc->nlocks; i++)
        free(e->locks[i].waiters);
    for (int32_t i = 0; i < e->st.nshared; i++)
        free(e->st.shared[i].name);
    free(e->st.threads);
    free(e->st.procs);
    free(e->st.shared);
    free(e->st.core_busy_ns);
    free(e->th);
    free(e->pr);
    free(e->cores);
    free(e->locks);
    free(e->vars);
    free(e->var_lanes);
    free(e->runq);
    free(e->kick);
    free(e->loopmem);
    free(e->dirty);
    free(e->group_first);
    free(e->group_count);
    free(e->io_lat);
    evq_free(&e->q);
    free(e);
}
