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
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../i18n.h"
#include "../prefault.h"
#include "../timeline/codes.h"
#include "evq.h"
#include "rng.h"
#include "tq.h"

/* Timer slots (see evq.h): thread i's main timer is slot i (the end of its
 * segment on a core, or its wake-up when blocked: never both), its GIL
 * timeout is slot nth + i, core c's time slice is 2 nth + c, caption k
 * is 2 nth + ncores + k, and loop l's earliest pending task I/O is
 * 2 nth + ncores + nnotes + l (the rest wait in the loop's own queue). */

/* Priorities at equal times: captions first, then wake-ups, then the rest. */
enum { PRIO_NOTE = 0, PRIO_WAKE = 1, PRIO_NORMAL = 2 };

/* What a thread does on its core: kernel work, its step's work, or a GIL
 * wait too short to sleep (the timed wait returns before the thread could be
 * put to sleep, so it loops on the CPU). */
enum seg_kind { SEG_NONE, SEG_OS, SEG_WORK, SEG_SPIN };

/* What a thread does when it next gets a core, before its program. */
enum pending { PEND_NONE, PEND_GIL, PEND_RETAKE, PEND_LOCK };

/* What a sleeping thread is waiting for (selects the wake-up action). */
enum wait_kind { W_NONE, W_GIL, W_SWITCH, W_IO, W_SLEEP, W_LOCK, W_JOIN,
                 W_SELECT, W_QUEUE, W_IDLE, W_MAP };

/* What a thread is, beyond its own program. */
enum role {
    ROLE_PLAIN,     /* runs its program */
    ROLE_LOOP,      /* inside asyncio.run: runs the loop's callbacks */
    ROLE_EXECUTOR,  /* a run_in_executor worker thread */
    ROLE_WORKER,    /* the thread of a multiprocessing pool worker process */
};

/* Steps the engine makes up itself (never in a scene). */
#define OPX_MAP_DISPATCH ((enum step_op)62) /* hand a map's items to the pool */
#define OPX_MAP_WAIT     ((enum step_op)63) /* wait for them to be done */
_Static_assert(OP_SETSWITCHINTERVAL < OPX_MAP_DISPATCH && OPX_MAP_WAIT == OPX_MAP_DISPATCH + 1,
               "the made-up ops come after the scene's, and last");

/* Does a step of this op take the GIL first?  All but these (one test of a
 * mask: every op is below 64). */
#define NOGIL_OPS ((UINT64_C(1) << OP_NOGIL) | (UINT64_C(1) << OP_IO) | (UINT64_C(1) << OP_SLEEP) | \
                   (UINT64_C(1) << OPX_MAP_WAIT))
static inline bool needs_gil(enum step_op op)
{
    return !((NOGIL_OPS >> ((unsigned)op & 63)) & 1);
}

struct loopframe {
    int32_t start;      /* index of the first step of the body */
    int32_t end;        /* index of the step after the body */
    int64_t left;       /* iterations left, including the current one */
};

/* A program being executed and where it is: a thread's own program, a
 * task's coroutine, a callback, or an executor / pool work item. */
struct exec {
    const struct scene_step *prog;
    int32_t nprog, pc;
    struct loopframe *loops;  /* repeat stack, as deep as the program nests */
    int depth;
    int32_t lim;              /* the innermost frame's end, or nprog at depth 0: below
                                 it, prog[pc] is the next step unless it is a repeat
                                 (next_step's fast path) */
};

struct sthread {
    int32_t id, pinst, group;
    struct exec own;          /* the thread's program */
    struct exec *x;           /* what it executes now (own, a task, a callback, work) */

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
    uint8_t role;             /* enum role */
    int32_t role_ref;         /* the loop (ROLE_LOOP, ROLE_EXECUTOR) or pool (ROLE_WORKER) */
    int32_t cur_task;         /* ROLE_LOOP: task whose step runs, or -1 */
    int32_t cur_cb;           /* ROLE_LOOP: callback (coro) that runs, or -1 */
    int32_t work;             /* ROLE_EXECUTOR / ROLE_WORKER: current item, or -1 */
    int32_t waits_queue;      /* W_QUEUE: the queue */
    bool queue_put;           /* W_QUEUE: waiting to put (else to get) */
    struct exec sub;          /* a made-up program (map caller, work item) */
    struct exec *sub_ret;     /* where to go on when `sub` ends (map caller) */
    bool daemon;              /* executor / pool worker: idle is not alive */
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
    gv_ns interval;           /* gil->interval: switch_interval, changed at run time by
                                 setswitchinterval; read when a wait starts */
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

/* ---- asyncio, queues and pools: the state ------------------------------ */

enum hkind { H_TASK, H_CALLBACK, H_SETRESULT };

/* An entry of a loop's ready queue: a task step, a callback, or a
 * set_result sent from another thread. */
struct shandle {
    gv_ns ready_at;           /* when it became ready: scheduled, its timer due, its
                                 I/O ready (for the loop lag) */
    int32_t ref;              /* task, coro of the callback, or future */
    uint32_t wgen;            /* H_TASK: the task's wait generation it resumes */
    int32_t flow;             /* flow id linking it to its cause, or -1 */
    uint8_t kind;
};

struct stask {
    int32_t coro, loop;
    struct exec x;
    uint8_t state;            /* enum task_state */
    bool created, cancel;
    uint32_t wgen;            /* bumped by each wait: late completions are ignored */
    gv_ns since;              /* (when it was created and done: e->st.tasks[], cold) */
    gv_ns io_since;           /* when its await of I/O began, or -1: its I/O latency */
    gv_ns acc[3];             /* time SCHEDULED, RUNNING, PENDING: acc[state - TK_SCHEDULED] */
    int32_t lane;             /* its timeline lane, or -1 */
    int32_t awaits;           /* what its last await of a future (f >= 0) or a gather
                                 (-2 - group) suspended on, else -1: what it waits
                                 for while that is not done */
};

struct sfuture {
    bool done;
    bool cancelled;           /* done by Future.cancel(): a task awaiting it was cancelled */
    int32_t *waiters;         /* tasks awaiting it */
    size_t nwait, capwait;
    int32_t *cbs;             /* done callbacks (coro indexes) */
    size_t ncb, capcb;
};

struct swork {                /* run_in_executor work: the task waiting for it */
    int32_t task;
    uint32_t wgen;            /* the task's wait it completes */
    struct scene_step step;
};

struct sloop {
    int32_t thread;           /* the thread running it, or -1 */
    int32_t pinst;            /* its process instance */
    struct shandle *ready;    /* ring */
    size_t rhead, rn, rcap;
    size_t ntodo;             /* callbacks left in this pass */
    struct shandle *iodone;   /* I/O that became ready: seen at the next select */
    size_t nio, capio;
    struct shandle *ts;       /* sent by other threads (the self-pipe) */
    size_t nts, capts;
    struct tq timers;         /* call_later and sleeps: a = ref | kind << 31, b = wgen */
    uint64_t tseq;
    struct tq io;             /* the tasks' pending I/O: a = task, b = its wgen; the
                                 earliest is armed in the loop's evq slot */
    bool in_select, woken, after_select, rdirty;
    int32_t rlast;            /* ready-queue length last written */
    gv_ns wake_at;            /* when a woken select() returns */
    int32_t alive;            /* tasks created and not finished */
    uint32_t resv;            /* the items ready and iodone have room for from the start
                                 (gv_ring_grow_in): its tasks' number, as a power of two */
    gv_ns handle_start;
    gv_ns slow_callback;      /* the scene's, here: handle_end reads it once a handle */
    uint16_t lane, rlane;
    int32_t exec_first, exec_size, exec_started;
    struct swork *work;       /* ring of pending executor work */
    size_t whead, wn, wcap;
    struct swork *cur_work;   /* per executor thread: the item it runs */
    uint64_t iterations, slow;
    struct gv_samples lags;   /* of the handles run (its count: how many ran) */
};

struct squeue {
    int64_t len, cap;
    int32_t *waiters;         /* FIFO of blocked threads (putters when full, getters when empty) */
    size_t whead, wn, wcap;
    uint16_t lane;
};

struct smap {                 /* one Pool.map call in progress */
    int32_t caller;
    int64_t left, next, items;
    struct scene_step *prog;  /* a worker's program for one item */
    int32_t nprog;
};

struct spool {
    int32_t first;            /* first worker thread */
    int32_t size;
    bool started;
    struct smap *map;         /* the map in progress, or NULL */
};

struct engine {
    const struct scene *sc;
    const struct scene_settings *set;
    struct timeline *tl;
    struct tl_writer *tw;          /* its writer side (timeline_try_put) */
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
    void **arena;                  /* blocks owned by the engine (repeat stacks, ...) */
    size_t narena, caparena;
    int32_t *dirty;                /* threads whose state changed in this event */
    size_t ndirty, capdirty;
    int32_t *group_first, *group_count; /* [pinst * ngroups + group] */
    int32_t ngroups;

    struct gv_samples io_lat;
    struct sloop *loops;
    int32_t nloops;                    /* sc->nloops (flush_states reads it every event) */
    struct stask *tasks;  int32_t ntasks;
    int32_t *coro_first, *coro_left;   /* per scene coro: first task, tasks not finished */
    int32_t **gather_waiters;          /* per coro: tasks awaiting gather on it */
    size_t *ngather, *capgather;
    struct exec *cb_exec;              /* per callback coro */
    struct sfuture *futures;
    struct squeue *queues;
    struct spool *pools;
    struct swork *work_items;          /* per executor thread */
    int32_t flows;                     /* last flow id */
    uint32_t loop_slot0;               /* first evq slot of the loops' I/O timers */
    struct exec null_exec;             /* an empty program */
    gv_ns sequential_ns;               /* all work and waits, one after another */
    int32_t live;                  /* threads started and not done */
    struct sim_stats st;
    bool failed, tl_full;
    bool no_shortcut;              /* tests: no shortcut after an await and none of the inline
                                      paths (engine_set_await_shortcut).  Next to tl_full:
                                      the shortcut reads both at once */
    /* Steps that start at one simulated time: so many (instant_cap) mean a
     * loop that takes no time (see ENGINE_MAX_INSTANT_STEPS).  instant_left
     * counts down from instant_cap the steps started at instant_at. */
    gv_ns instant_at;
    int64_t instant_left;
    uint64_t instant_cap;
    atomic_bool cancel;            /* set by engine_cancel from another thread */
    char err[512];
};

/* ---- small helpers ------------------------------------------------------ */

/* Zeroed memory that lives as long as the engine.  A big block (the repeat
 * stacks of 100,000 tasks) that calloc maps fresh, rather than zeroing, is
 * faulted in on the prefaulter's thread: the run writes it. */
static void *arena_alloc(struct engine *e, size_t n)
{
    void *p = gv_calloc(1, n);
    gv_prefault(p, n);
    if (e->narena == e->caparena)
        e->arena = gv_grow(e->arena, &e->caparena, e->narena + 1, sizeof *e->arena);
    e->arena[e->narena++] = p;
    return p;
}

/* How deep the repeat blocks of a program nest (the parser allows at most
 * SCENE_MAX_DEPTH): the size of its repeat stack. */
static int32_t repeat_depth(const struct scene_step *prog, int32_t n)
{
    int32_t end[SCENE_MAX_DEPTH], depth = 0, max = 0;
    for (int32_t k = 0; k < n; k++) {
        while (depth > 0 && k >= end[depth - 1])
            depth--;
        if (prog[k].op == OP_REPEAT && depth < SCENE_MAX_DEPTH) {
            end[depth++] = k + 1 + prog[k].body;
            max = depth > max ? depth : max;
        }
    }
    return max;
}

/* Point x at a program, with `loops` (repeat_depth entries) as its repeat
 * stack. */
static void exec_set(struct exec *x, const struct scene_step *prog, int32_t n, struct loopframe *loops)
{
    x->prog = prog;
    x->nprog = n;
    x->pc = 0;
    x->depth = 0;
    x->lim = n;
    x->loops = loops;
}

/* Repeat blocks are written out when that takes at most UNROLL_MAX steps
 * each, and the program so written out at most UNROLL_PROG. */
#define UNROLL_MAX 64
#define UNROLL_PROG 4096

/* The steps of the block that starts at s: a repeat or a map with its body,
 * else s alone. */
static int32_t block_len(const struct scene_step *s)
{
    return s->op == OP_REPEAT || s->op == OP_MAP ? 1 + s->body : 1;
}

/* Whether the block at prog[k] is a repeat to write out: one at the top
 * level of its program (so no enclosing block's length changes), repeated at
 * least once, its body written out at most UNROLL_MAX steps in all. */
static bool unrollable(const struct scene_step *s)
{
    return s->op == OP_REPEAT && s->body > 0 && s->count >= 1 && s->count <= UNROLL_MAX / s->body;
}

/* `prog` with its small top-level repeat blocks written out: such a block
 * becomes its body `count` times over (copied whole, nested blocks and all:
 * their lengths are relative to themselves).  The steps are the same ones,
 * in the same order, so what runs does not change; next_step only has no
 * repeat to count for them, and the program no repeat stack to keep.
 * Returns prog itself when nothing is written out (or it would be too
 * long); *nout is the length. */
static const struct scene_step *unroll(struct engine *e, const struct scene_step *prog, int32_t n, int32_t *nout)
{
    int64_t m = 0;
    bool any = false;
    for (int32_t k = 0; k < n; k += block_len(&prog[k])) {
        const struct scene_step *s = &prog[k];
        any |= unrollable(s);
        m += unrollable(s) ? s->count * s->body : block_len(s);
    }
    *nout = n;
    if (!any || m > UNROLL_PROG)
        return prog;
    struct scene_step *out = arena_alloc(e, (size_t)m * sizeof *out), *o = out;
    for (int32_t k = 0; k < n; k += block_len(&prog[k])) {
        const struct scene_step *s = &prog[k];
        if (unrollable(s)) {
            for (int64_t r = 0; r < s->count; r++, o += s->body)
                memcpy(o, s + 1, (size_t)s->body * sizeof *o);
        } else {
            memcpy(o, s, (size_t)block_len(s) * sizeof *o);
            o += block_len(s);
        }
    }
    *nout = (int32_t)m;
    return out;
}

/* Point x at a program, with a repeat stack of its own. */
static void exec_init(struct engine *e, struct exec *x, const struct scene_step *prog, int32_t n)
{
    int32_t nrep = repeat_depth(prog, n);
    exec_set(x, prog, n, nrep ? arena_alloc(e, (size_t)nrep * sizeof *x->loops) : NULL);
}

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

/* Record a runtime error in the scene (first one wins) and stop the run:
 * as a scene file's diagnostics are printed, in the process's message
 * language (gv_msg; fmt, the English, is marked with N_ where it is
 * written). */
static void fail(struct engine *e, const struct scene_step *s, const char *fmt, ...)
{
    if (e->failed)
        return;
    e->failed = true;
    int n = snprintf(e->err, sizeof e->err, "%s:%u:%u: %s: ", e->sc->file ? e->sc->file : "scene",
                     s ? s->line : 0, s ? s->col : 0, gv_msg("error"));
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof e->err)
        vsnprintf(e->err + n, sizeof e->err - (size_t)n, gv_msg(fmt), ap);
    va_end(ap);
}

/* Append a record at the current time (rec); the way that is not a plain
 * store into the current chunk. */
static __attribute__((noinline)) void rec_append(struct engine *e, uint16_t lane, uint8_t kind,
                                                 uint8_t code, uint8_t flags, int32_t arg)
{
    if (timeline_append(e->tl, e->now, lane, kind, code, flags, arg) != 0)
        e->tl_full = true;
}

static inline void rec(struct engine *e, uint16_t lane, uint8_t kind, uint8_t code, uint8_t flags,
                       int32_t arg)
{
    if (!timeline_try_put(e->tw, e->now, lane, kind, code, flags, arg))
        rec_append(e, lane, kind, code, flags, arg);
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
    case TS_SELECT: s->select_ns += d; break;
    case TS_QUEUE_WAIT: s->queue_wait_ns += d; break;
    case TS_IDLE: s->idle_ns += d; break;
    case TS_MAP_WAIT: s->map_wait_ns += d; break;
    default: break;
    }
    t->state_since = e->now;
}

/* Set a thread's state.  The record is written when the event is over
 * (flush_states), so the steps a thread passes through within one instant
 * do not show as zero-length states. */
static inline void set_state(struct engine *e, struct sthread *t, uint8_t code, int32_t arg)
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

/* Write one STATE record per thread whose visible state changed, and the
 * ready-queue lengths that changed. */
static inline __attribute__((always_inline)) void flush_states(struct engine *e)
{
    for (int32_t l = 0; l < e->nloops; l++) {
        struct sloop *L = &e->loops[l];
        if (L->rdirty && (int32_t)L->rn != L->rlast) {
            L->rlast = (int32_t)L->rn;
            rec(e, L->rlane, TL_COUNTER, 0, 0, L->rlast);
        }
        L->rdirty = false;
    }
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
    if (e->rq_n == e->rq_cap)
        e->runq = gv_ring_grow(e->runq, &e->rq_cap, e->rq_head, sizeof *e->runq, 64);
    e->runq[(e->rq_head + e->rq_n++) & (e->rq_cap - 1)] = id;
}

static int32_t rq_pop(struct engine *e)
{
    if (e->rq_n == 0)
        return -1;
    int32_t id = e->runq[e->rq_head];
    e->rq_head = (e->rq_head + 1) & (e->rq_cap - 1);
    e->rq_n--;
    return id;
}

/* Cancel a timer, unless it is the one being handled: evq_retire() drops
 * that one afterwards if nobody re-armed it, so cancel-then-re-arm within
 * its own handler costs one move instead of a removal and an insertion. */
static void timer_cancel(struct engine *e, uint32_t slot)
{
    if (slot != evq_handled(&e->q))
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
static inline void seg_sync(struct engine *e, struct sthread *t)
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
static inline gv_ns wake_delay_of(struct rng *g, gv_ns latency, gv_ns jitter)
{
    return latency + (jitter > 0 ? (gv_ns)(rng_next(g) % (uint64_t)(jitter + 1)) : 0);
}

/* The generator as n calls of wake_delay_of would leave it, for delays that
 * are not looked at. */
static inline void wake_delays_skip(struct rng *g, gv_ns jitter, size_t n)
{
    if (jitter > 0)
        rng_skip(g, n);
}

static inline gv_ns wake_delay(struct engine *e)
{
    return wake_delay_of(&e->rng, e->set->wakeup_latency, e->set->wakeup_jitter);
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
static inline bool gil_wants_check(const struct engine *e, const struct sproc *p)
{
    if (!p->drop_request && p->nwait == 0) /* no reason in any model: two loads, where the model takes two more */
        return false;
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
    gv_samples_add(&e->io_lat, e->now - t->io_start);
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
        evq_set(&e->q, slot_gil(e, t), e->now + p->interval + wake_delay(e), PRIO_NORMAL);
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
    if (gil_model(e, GIL_NEW) && p->interval < e->set->wakeup_latency) {
        /* COND_TIMED_WAIT with a deadline nearer than a sleep and a wake-up
         * take: the wait times out on the CPU, and the loop goes round again */
        t->gil_snap = p->switch_number;
        t->gil_timed_out = t->gil_signalled = false;
        t->pend = PEND_GIL;
        t->seg = SEG_SPIN;
        t->seg_start = e->now;
        set_state(e, t, TS_GIL_WAIT, p->holder);
        evq_set(&e->q, slot_main(e, t), e->now + p->interval, PRIO_NORMAL);
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
        if (t->work_checks && gil_wants_check(e, proc_of(e, t))) {
            gv_ns c = check_distance(e);
            gv_ns to_check = c - t->pywork % c;
            if (to_check < len)
                len = to_check;
        }
        set_state(e, t, t->work_state, -1);
    }
    evq_set(&e->q, slot_main(e, t), e->now + len, PRIO_NORMAL);
}

/* start_segment's common case, inline where a step's work starts: no
 * kernel work is owed and the segment runs to the end of the step (no check
 * point the GIL wants).  The same stores in the same order; false, having
 * done nothing, in any other case. */
static inline __attribute__((always_inline)) bool start_work_inline(struct engine *e, struct sthread *t,
                                                                     struct sproc *p)
{
    if (e->no_shortcut || t->os_left > 0 ||
        (t->work_checks && gil_wants_check(e, p))) /* (false with GIL_NONE) */
        return false;
    t->seg_start = e->now;
    t->seg = SEG_WORK;
    set_state(e, t, t->work_state, -1);
    evq_set(&e->q, slot_main(e, t), e->now + t->work_left, PRIO_NORMAL);
    return true;
}

/* Find the next step to run, unrolling repeat blocks; NULL at the end.
 * Below t->lim no repeat frame ends and the program goes on: the step at pc
 * is the next one unless it starts a repeat (then the loop below). */
static inline const struct scene_step *next_step(struct exec *t)
{
    if (t->pc < t->lim) {
        const struct scene_step *s = &t->prog[t->pc];
        if (s->op != OP_REPEAT)
            return s;
    }
    for (;;) {
        if (t->depth > 0) {
            struct loopframe *f = &t->loops[t->depth - 1];
            if (t->pc == f->end) {
                if (--f->left > 0) {
                    t->pc = f->start;
                } else {
                    t->depth--;
                    t->lim = t->depth > 0 ? t->loops[t->depth - 1].end : t->nprog;
                }
                continue;
            }
        }
        if (t->pc >= t->nprog)
            return NULL;
        const struct scene_step *s = &t->prog[t->pc];
        if (s->op != OP_REPEAT)
            return s;

        t->pc++;
        t->loops[t->depth++] = (struct loopframe){ t->pc, t->pc + s->body, s->count };
        t->lim = t->pc + s->body;
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

/* ---- asyncio ----------------------------------------------------------------
 *
 * A loop runs on the thread that executed `run`.  While it runs, that
 * thread's program is the loop itself (BaseEventLoop._run_once):
 *
 *   1. select(timeout): 0 if callbacks are ready, else until the next timer,
 *      else forever.  select() releases the GIL (Py_BEGIN_ALLOW_THREADS), so
 *      even a select(0) gives other threads a chance to take it;
 *   2. I/O that became ready, and handles sent by other threads through the
 *      self-pipe, go to the ready queue; then the due timers;
 *   3. exactly the handles that are ready at this point run, FIFO: ones
 *      scheduled meanwhile wait for the next pass.
 *
 * A handle is a task step (the coroutine runs until its next await), a
 * callback, or a set_result sent from another thread.  Steps of tasks and
 * callbacks run on the loop's thread like any thread's steps, holding the
 * GIL, so a CPU-bound thread beside the loop delays every callback.
 */

/* Charge the time since the task's last change to its state's bucket. */
static inline void task_account(struct engine *e, struct stask *k)
{
    _Static_assert(TK_RUNNING == TK_SCHEDULED + 1 && TK_PENDING == TK_SCHEDULED + 2, "task states in acc[] order");
    unsigned i = (unsigned)k->state - TK_SCHEDULED;
    if (i < 3)
        k->acc[i] += e->now - k->since;
    k->since = e->now;
}

/* Always inline: with loop_pop_inline in advance, gcc would call it. */
static inline __attribute__((always_inline)) void task_state(struct engine *e, struct stask *k, uint8_t state,
                                                             uint8_t why, int32_t arg)
{
    task_account(e, k);
    k->state = state;
    if (k->lane >= 0)
        rec(e, (uint16_t)k->lane, TL_STATE, state, why, arg);
}

/* A new flow id: its EV_FLOW_OUT goes on the cause's lane now, its
 * EV_FLOW_IN on the effect's lane when the effect happens.  Only between
 * lanes that exist (tasks beyond TASK_LANES_MAX have none): -1 otherwise. */
static inline int32_t flow_out(struct engine *e, int cause, int effect, uint8_t kind)
{
    if (cause < 0 || effect < 0)
        return -1;
    int32_t id = ++e->flows;
    rec(e, (uint16_t)cause, TL_EVENT, EV_FLOW_OUT, kind, id);
    return id;
}

/* The ready queue's length changed: written once per event (flush_states). */
static inline void ready_count(struct engine *e, struct sloop *L)
{
    (void)e;
    L->rdirty = true;
}

/* Fill in a handle.  (Handles are passed as their fields, not as structs
 * built on the stack: a struct written field by field and then copied
 * whole stalls the CPU on every call.) */
static inline void handle_set(struct shandle *d, uint8_t kind, int32_t ref, uint32_t wgen, gv_ns ready_at,
                              int32_t flow)
{
    d->ready_at = ready_at;
    d->ref = ref;
    d->wgen = wgen;
    d->flow = flow;
    d->kind = kind;
}

/* Long ready queues touch one task after another, each far from the last
 * in memory: ask for a task's state a few handles before it is needed. */
#define PREFETCH_AHEAD 8

static inline void prefetch_task(const struct engine *e, const struct shandle *h)
{
    if (h->kind == H_TASK) {
        const struct stask *k = &e->tasks[h->ref];
        __builtin_prefetch(k, 1);
        __builtin_prefetch((const char *)k + sizeof *k - 1, 1);
        __builtin_prefetch(k->x.loops, 1);
    }
}

/* Does a handle of task k for its wait `wgen` wake it?  Only if the task is
 * new (its first step) or suspended in that very wait: a wake-up left over
 * from a wait that cancel() ended (its I/O, timer or executor work
 * finishing later), or one that reaches a task already done, changes
 * nothing -- the pop skips it. */
static inline bool task_wakes(const struct stask *k, uint32_t wgen)
{
    return (k->state == TK_PENDING || k->state == TK_NEW) && wgen == k->wgen;
}

/* call_soon: append a handle to the loop's ready queue, ready since
 * `ready_at`. */
static inline void loop_ready(struct engine *e, struct sloop *L, uint8_t kind, int32_t ref, uint32_t wgen,
                              gv_ns ready_at, int32_t flow)
{
    if (L->rn == L->rcap)
        L->ready = gv_ring_grow_in(L->ready, &L->rcap, L->rhead, sizeof *L->ready, L->resv);
    handle_set(&L->ready[(L->rhead + L->rn++) & (L->rcap - 1)], kind, ref, wgen, ready_at, flow);
    if (kind == H_TASK && task_wakes(&e->tasks[ref], wgen))
        task_state(e, &e->tasks[ref], TK_SCHEDULED, 0, -1);
    ready_count(e, L);
}

/* call_soon of a task's next step, or of a callback, ready now. */
static void loop_ready_task(struct engine *e, struct sloop *L, int32_t task, int32_t flow)
{
    loop_ready(e, L, H_TASK, task, e->tasks[task].wgen, e->now, flow);
}

static void loop_ready_cb(struct engine *e, struct sloop *L, int32_t coro, int32_t flow)
{
    loop_ready(e, L, H_CALLBACK, coro, 0, e->now, flow);
}

/* Append a handle to an array; returns it, to be filled in. */
static struct shandle *handles_add(struct shandle **v, size_t *n, size_t *cap)
{
    if (*n == *cap)
        *v = gv_grow(*v, cap, *n + 1, sizeof **v);
    return &(*v)[(*n)++];
}

/* The loop's thread is asleep in select: wake it, unless it already wakes
 * up sooner (its timeout, or an earlier event). */
static inline void loop_wake(struct engine *e, struct sloop *L)
{
    if (!L->in_select)
        return;
    gv_ns at = e->now + wake_delay(e);
    if (L->woken && L->wake_at <= at)
        return;
    L->woken = true;
    L->wake_at = at;
    evq_set(&e->q, slot_main(e, &e->th[L->thread]), at, PRIO_WAKE);
}

/* call_later / sleep: a timer of the loop's, due `delay` from now, for a
 * task (its wait generation `wgen`) or a callback. */
static inline void timer_push(struct engine *e, struct sloop *L, gv_ns delay, uint8_t kind, int32_t ref, uint32_t wgen)
{
    tq_push(&L->timers, e->now + delay, delay, L->tseq++, (uint32_t)ref | (uint32_t)kind << 31, wgen);
}

/* await of I/O by task `id` of loop l, done in `dur`.  It is stamped now, so
 * it fires in the order a timer of its own set now would. */
static inline void io_push(struct engine *e, int32_t l, int32_t id, gv_ns dur)
{
    struct sloop *L = &e->loops[l];
    uint64_t seq = evq_stamp(&e->q);
    if (tq_push(&L->io, e->now + dur, dur, seq, (uint32_t)id, e->tasks[id].wgen))
        evq_set_stamped(&e->q, e->loop_slot0 + (uint32_t)l, e->now + dur, PRIO_WAKE, seq);
}

/* The earliest timer is due by `now`. */
static inline bool timer_due(const struct sloop *L, gv_ns now)
{
    const struct tq_ent *m = tq_peek(&L->timers);
    return m && m->when <= now;
}

/* asyncio.create_task for every task of group `coro` not created yet. */
static void tasks_create(struct engine *e, int32_t coro, int cause_lane)
{
    struct sloop *L = &e->loops[e->sc->coros[coro].loop];
    for (int32_t i = 0; i < e->sc->coros[coro].count; i++) {
        struct stask *k = &e->tasks[e->coro_first[coro] + i];
        if (k->created)
            continue;
        k->created = true;
        k->since = e->st.tasks[e->coro_first[coro] + i].created = e->now;
        L->alive++;
        int32_t id = e->coro_first[coro] + i;
        rec(e, k->lane >= 0 ? (uint16_t)k->lane : L->lane, TL_EVENT, EV_TASK_CREATED, 0, id);
        loop_ready_task(e, L, id, flow_out(e, cause_lane, k->lane, FLOW_SCHEDULE));
    }
}

/* Suspend the task that runs on t in an await; t goes back to the loop.
 * The task is TK_RUNNING: task_resumes made it so, and nothing changes the
 * state of a running task but its own step (task_cancel only marks it,
 * future_done and a gather's end wake TK_PENDING tasks only), so its time
 * goes to acc[TK_RUNNING] without task_account's test of the state. */
static inline void task_suspend(struct engine *e, struct sthread *t, uint8_t why, int32_t arg)
{
    struct stask *k = &e->tasks[t->cur_task];
    assert(k->state == TK_RUNNING);
    k->wgen++;
    k->acc[TK_RUNNING - TK_SCHEDULED] += e->now - k->since;
    k->since = e->now;
    k->state = TK_PENDING;
    if (k->lane >= 0)
        rec(e, (uint16_t)k->lane, TL_STATE, TK_PENDING, why, arg);
    t->x = &e->null_exec;
}

/* A future is done (its result set, or `cancelled`): its waiters and done
 * callbacks are scheduled.  Awaiting a cancelled future raises
 * CancelledError: its waiters wake up cancelled. */
static void future_done(struct engine *e, int32_t f, int cause_lane, bool cancelled)
{
    struct sfuture *F = &e->futures[f];
    struct sloop *L = &e->loops[e->sc->futures[f].loop];
    F->done = true;
    F->cancelled = cancelled;
    rec(e, L->lane, TL_EVENT, EV_FUTURE_DONE, cancelled, f);
    for (size_t i = 0; i < F->nwait; i++) {
        struct stask *k = &e->tasks[F->waiters[i]];
        if (k->state != TK_PENDING)
            continue; /* cancelled meanwhile: no longer a waiter */
        k->cancel |= cancelled;
        loop_ready_task(e, L, F->waiters[i], flow_out(e, cause_lane, k->lane, FLOW_RESULT));
    }
    for (size_t i = 0; i < F->ncb; i++) {
        rec(e, L->lane, TL_EVENT, EV_CALLBACK_SCHEDULED, 0, F->cbs[i]);
        loop_ready_cb(e, L, F->cbs[i], flow_out(e, cause_lane, L->lane, FLOW_RESULT));
    }
    F->nwait = F->ncb = 0;
}

/* Task.cancel() on task `id` (not the one running), from lane `cause`: a
 * task suspended in an await wakes up with CancelledError, when the loop
 * runs it; one already scheduled ends when the loop comes to it.  As in
 * asyncio, the cancel goes to what it awaits: a future is cancelled, which
 * wakes every task awaiting it with CancelledError; a gather cancels the
 * tasks it gathers, and the task wakes (cancelled) when they have ended. */
static void task_cancel(struct engine *e, int32_t id, int cause)
{
    struct stask *c = &e->tasks[id];
    if (c->state == TK_DONE || c->state == TK_CANCELLED || c->cancel)
        return; /* (cancelled already: a gather of gathers cancels each task once) */
    c->cancel = true;
    if (c->state != TK_PENDING)
        return;
    if (c->awaits >= 0 && !e->futures[c->awaits].done) {
        future_done(e, c->awaits, cause, true);
    } else if (c->awaits <= -2 && e->coro_left[-2 - c->awaits] > 0) {
        int32_t g = -2 - c->awaits;
        for (int32_t i = 0; i < e->sc->coros[g].count; i++)
            task_cancel(e, e->coro_first[g] + i, cause);
    } else {
        /* An await of sleep or I/O cut short: the sequential time counted
         * all of it when it began (advance); only what was waited counts. */
        const struct scene_step *s = c->x.pc > 0 ? &c->x.prog[c->x.pc - 1] : NULL;
        if (s && !s->sub && s->dur > 0 && (s->op == OP_AWAIT_SLEEP || s->op == OP_AWAIT_IO) &&
            c->since + s->dur > e->now)
            e->sequential_ns -= c->since + s->dur - e->now;
        c->wgen++;
        loop_ready_task(e, &e->loops[c->loop], id, flow_out(e, cause, c->lane, FLOW_SCHEDULE));
    }
}

/* A task returned (or was cancelled): wake whoever gathers its group. */
static void task_finish(struct engine *e, struct stask *k, bool cancelled)
{
    struct sloop *L = &e->loops[k->loop];
    task_state(e, k, cancelled ? TK_CANCELLED : TK_DONE, 0, -1);
    e->st.tasks[k - e->tasks].done = e->now;
    L->alive--;
    if (--e->coro_left[k->coro] == 0) {
        for (size_t i = 0; i < e->ngather[k->coro]; i++) {
            int32_t w = e->gather_waiters[k->coro][i];
            if (e->tasks[w].state == TK_PENDING) /* still waiting: not cancelled meanwhile */
                loop_ready_task(e, L, w, flow_out(e, k->lane, e->tasks[w].lane, FLOW_RESULT));
        }
        e->ngather[k->coro] = 0;
    }
}

/* set_result from a task or callback of the loop's own thread. */
static void future_set(struct engine *e, const struct scene_step *s, int32_t f, int lane)
{
    if (e->futures[f].done) {
        if (e->futures[f].cancelled)
            fail(e, s, N_("set_result on future '%s' that is already cancelled: cancelling a task that awaits a "
                          "future cancels the future (asyncio raises InvalidStateError)"),
                 e->sc->futures[f].name);
        else
            fail(e, s, N_("set_result on future '%s' that is already done (asyncio raises InvalidStateError)"),
                 e->sc->futures[f].name);
        return;
    }
    future_done(e, f, lane, false);
}

/* Hand a handle to a loop from another thread: loop.call_soon_threadsafe
 * writes to the self-pipe, which wakes a loop asleep in select. */
static void loop_threadsafe(struct engine *e, struct sthread *from, struct sloop *L, uint8_t kind, int32_t ref,
                            uint32_t wgen)
{
    int32_t flow = flow_out(e, from->id, kind == H_TASK ? e->tasks[ref].lane : L->lane, FLOW_THREADSAFE);
    handle_set(handles_add(&L->ts, &L->nts, &L->capts), kind, ref, wgen, e->now, flow);
    from->os_left += e->set->signal_cost; /* the write() to the self-pipe */
    loop_wake(e, L);
}

/* loop_events' view of the end of the ready ring, where it appends the
 * handles of plain wake-ups (plain_wake): in locals, since through L the
 * compiler would load the ring's fields again after every store to a task
 * or a handle.  Closed (written back) around each general loop_ready. */
struct ready_tail {
    struct shandle *v;
    size_t at, mask, room, added;
};

static inline void ready_tail_open(struct ready_tail *r, const struct sloop *L)
{
    r->v = L->ready;
    r->at = L->rhead + L->rn;
    r->mask = L->rcap - 1;
    r->room = L->rcap - L->rn;
    r->added = 0;
}

static inline void ready_tail_close(struct engine *e, struct ready_tail *r, struct sloop *L)
{
    L->rn += r->added;
    if (r->added > 0)
        ready_count(e, L);
}

/* A handle loop_ready can take without its checks (given room in the
 * ring): one that wakes a task (task_wakes) with no lane, so that
 * task_state writes no record (such a handle has no flow either). */
static inline bool plain_wake(const struct stask *k, uint32_t wgen)
{
    return k->lane < 0 && k->state == TK_PENDING && wgen == k->wgen; /* task_wakes: a new task's comes by loop_ready */
}

/* task_state(TK_SCHEDULED) of a task with no lane. */
static inline void task_scheduled(struct stask *k, gv_ns now)
{
    unsigned i = (unsigned)k->state - TK_SCHEDULED;
    if (i < 3)
        k->acc[i] += now - k->since;
    k->since = now;
    k->state = TK_SCHEDULED;
}

/* loop_events' move of the plain tasks' I/O handles io[i..] (plain_wake),
 * up to the first other one or nio, to the ready ring at d (room for them
 * all: the ring's rest from base to dend, d wrapping at its end).  Returns
 * how many it moved.  A function of its own: in loop_events, with the rest
 * of the pass live, gcc kept this loop's pointers on the stack. */
static __attribute__((noinline)) size_t move_plain_io(const struct engine *e, struct stask *tasks,
                                                      const struct shandle *io, size_t i, size_t nio,
                                                      struct shandle *d, struct shandle *base,
                                                      struct shandle *dend, gv_ns now)
{
    const size_t i0 = i;
    for (; i < nio; i++) {
        const struct shandle *h = &io[i];
        if (i + PREFETCH_AHEAD < nio)
            prefetch_task(e, h + PREFETCH_AHEAD);
        struct stask *k = &tasks[h->ref];
        /* on_loop_io's: a task's, with a flow iff the task has a lane */
        assert(h->kind == H_TASK && (h->flow >= 0) == (k->lane >= 0));
        if (!plain_wake(k, h->wgen))
            break;
        *d = *h;
        if (++d == dend)
            d = base;
        task_scheduled(k, now);
    }
    return i - i0;
}

/* loop_events' take of the due plain tasks' timers (plain_wake) at the
 * head of r, the timer queue's sole run, in place, as many as nr (the
 * ready ring's room) at most: appended to the ready ring at d (base to
 * dend, d wrapping at its end) while x walks the run (wrapping at its
 * end).  Returns how many it took; the caller drops them from the run.  Out
 * of line for the reason move_plain_io is. */
static __attribute__((noinline)) size_t take_plain_timers(struct stask *tasks, const struct tq_run *r, size_t nr,
                                                          struct shandle *d, struct shandle *base,
                                                          struct shandle *dend, gv_ns now)
{
    const struct tq_ent *x = &r->v[r->head], *const v = r->v, *const vend = r->end;
    size_t j = 0;
    for (; j < nr; j++) {
        if (x->when > now || x->a >> 31)
            break;
        struct stask *k = &tasks[x->a];
        if (!plain_wake(k, x->b))
            break;
        const struct tq_ent *nx = x + 1 == vend ? v : x + 1;
        if (j + 1 < nr && !(nx->a >> 31)) /* the next timer's task, if it is a task's */
            __builtin_prefetch(&tasks[nx->a], 1);
        handle_set(d, H_TASK, (int32_t)x->a, x->b, x->when, -1);
        if (++d == dend)
            d = base;
        task_scheduled(k, now);
        x = nx;
    }
    return j;
}

/* Move what select() reported, and the due timers, to the ready queue.
 * Most are plain tasks' handles (plain_wake): those are appended
 * without loop_ready's checks, and due timers that are all in one run of
 * the timer queue are read in place (tq_sole_run). */
static void loop_events(struct engine *e, struct sloop *L)
{
    const bool fast = !e->no_shortcut;
    struct stask *tasks = e->tasks;
    const gv_ns now = e->now;
    struct ready_tail rt;
    const struct shandle *io = L->iodone;
    size_t nio = L->nio;
    if (fast) /* room for them all: the ring's room is not checked per handle below */
        while (L->rcap - L->rn < nio)
            L->ready = gv_ring_grow_in(L->ready, &L->rcap, L->rhead, sizeof *L->ready, L->resv);
    ready_tail_open(&rt, L);
    for (size_t i = 0; i < nio; i++) {
        if (fast) {
            /* the plain handles from i on, in a loop of their own (few
             * registers live: none spilled) */
            assert(rt.room - rt.added >= nio - i);
            size_t n = move_plain_io(e, tasks, io, i, nio, &rt.v[(rt.at + rt.added) & rt.mask], rt.v,
                                     rt.v + rt.mask + 1, now);
            rt.added += n;
            i += n;
            if (i == nio)
                break;
        } else if (i + PREFETCH_AHEAD < nio) {
            prefetch_task(e, &io[i + PREFETCH_AHEAD]);
        }
        const struct shandle *h = &io[i];
        /* on_loop_io's: a task's, with a flow iff the task has a lane */
        assert(h->kind == H_TASK && (h->flow >= 0) == (tasks[h->ref].lane >= 0));
        ready_tail_close(e, &rt, L);
        loop_ready(e, L, h->kind, h->ref, h->wgen, h->ready_at, h->flow);
        ready_tail_open(&rt, L);
    }
    L->nio = 0;
    if (L->nts > 0) {
        ready_tail_close(e, &rt, L);
        for (size_t t = 0; t < L->nts; t++) {
            const struct shandle *h = &L->ts[t];
            loop_ready(e, L, h->kind, h->ref, h->wgen, h->ready_at, h->flow);
        }
        L->nts = 0;
        ready_tail_open(&rt, L);
    }
    while (timer_due(L, now)) {
        struct tq_run *r = fast ? tq_sole_run(&L->timers) : NULL;
        if (r && rt.room > rt.added) {
            /* take the plain tasks' timers that are due, in place, as many as
             * the ring has room for (plain_wake): x walks the run, d the
             * ready ring, each wrapping at its end */
            size_t nr = tq_run_len(r);
            if (nr > rt.room - rt.added)
                nr = rt.room - rt.added;
            size_t j = take_plain_timers(tasks, r, nr, &rt.v[(rt.at + rt.added) & rt.mask], rt.v,
                                         rt.v + rt.mask + 1, now);
            rt.added += j;
            if (j > 0) {
                tq_drop(&L->timers, r, j);
                continue;
            }
        }
        ready_tail_close(e, &rt, L);
        struct tq_ent x;
        tq_pop(&L->timers, &x);
        const struct tq_ent *next = tq_peek(&L->timers);
        if (next && !(next->a >> 31)) /* the next timer's task, if it is a task's */
            __builtin_prefetch(&e->tasks[next->a & INT32_MAX], 1);
        uint8_t kind = (uint8_t)(x.a >> 31);
        int32_t ref = (int32_t)(x.a & INT32_MAX);
        int32_t flow = flow_out(e, L->lane, kind == H_TASK ? e->tasks[ref].lane : L->lane, FLOW_TIMER);
        loop_ready(e, L, kind, ref, x.b, x.when, flow); /* lag counts from when it was due */
        ready_tail_open(&rt, L);
    }
    ready_tail_close(e, &rt, L);
    L->ntodo = L->rn;
    L->after_select = false;
}

/* The step of the running handle ended: was it a slow callback? */
static inline void handle_slow(struct engine *e, struct sloop *L)
{
    gv_ns ran = e->now - L->handle_start;
    int32_t slow_us = (int32_t)(ran / GV_NS_PER_US);
    if (ran >= L->slow_callback) {
        L->slow++;
        rec(e, L->lane, TL_EVENT, EV_SLOW_CALLBACK, 0, slow_us);
    }
}

/* The step of the running handle ended (returned or awaited). */
static inline void handle_end(struct engine *e, struct sthread *t, struct sloop *L)
{
    handle_slow(e, L);
    if (t->cur_task >= 0) {
        struct stask *k = &e->tasks[t->cur_task];
        if (t->x == &k->x) /* it ran off the end of its coroutine */
            task_finish(e, k, false);
        else if (k->cancel && k->state == TK_RUNNING) /* CancelledError at an await that did not suspend */
            task_finish(e, k, true);
    }
    t->cur_task = t->cur_cb = -1;
    t->x = &e->null_exec;
}

/* asyncio.run returned: back to the thread's own program. */
static void loop_leave(struct engine *e, struct sthread *t, struct sloop *L)
{
    rec(e, L->lane, TL_STATE, LOOP_IDLE, 0, -1);
    t->role = ROLE_PLAIN;
    t->x = &t->own;
}

/* Task k's step runs on t, the loop's thread: the end of its wait. */
static inline __attribute__((always_inline)) void task_resumes(struct engine *e, struct sthread *t, struct stask *k)
{
    if (k->io_since >= 0) { /* back from an await of I/O: as a thread back in Python */
        gv_samples_add_inline(&e->io_lat, e->now - k->io_since);
        k->io_since = -1;
    }
    task_state(e, k, TK_RUNNING, 0, -1);
    t->x = &k->x;
}

/* Run the next of the handles that were ready when this pass began: t->x is
 * its program.  Returns false when none is left.  (The general case of
 * loop_pop below.) */
static __attribute__((noinline)) bool loop_pop_any(struct engine *e, struct sthread *t, struct sloop *L)
{
    while (L->ntodo > 0) {
        struct shandle h = L->ready[L->rhead];
        if (L->rn > PREFETCH_AHEAD) /* the queue is long: fetch a coming task's state early */
            prefetch_task(e, &L->ready[(L->rhead + PREFETCH_AHEAD) & (L->rcap - 1)]);
        L->rhead = (L->rhead + 1) & (L->rcap - 1);
        L->rn--;
        L->ntodo--;
        ready_count(e, L);
        if (h.kind == H_SETRESULT) {
            future_set(e, NULL, h.ref, L->lane);
            continue;
        }
        if (h.kind == H_TASK) {
            struct stask *k = &e->tasks[h.ref];
            if (k->state == TK_DONE || k->state == TK_CANCELLED || h.wgen != k->wgen)
                continue; /* a stale wake-up (cancelled or resumed already) */
        }
        gv_samples_add(&L->lags, e->now - h.ready_at);
        L->handle_start = e->now;
        if (h.kind == H_CALLBACK) {
            t->cur_cb = h.ref;
            if (h.flow >= 0)
                rec(e, L->lane, TL_EVENT, EV_FLOW_IN, 0, h.flow);
            rec(e, L->lane, TL_STATE, LOOP_CALLBACK, 0, h.ref);
            struct exec *x = &e->cb_exec[h.ref];
            x->pc = 0;
            x->depth = 0;
            x->lim = x->nprog;
            t->x = x;
            return true;
        }
        struct stask *k = &e->tasks[h.ref];
        t->cur_task = h.ref;
        if (h.flow >= 0)
            rec(e, k->lane >= 0 ? (uint16_t)k->lane : L->lane, TL_EVENT, EV_FLOW_IN, 0, h.flow);
        rec(e, L->lane, TL_STATE, LOOP_TASK, 0, h.ref);
        if (k->cancel) { /* CancelledError raised at its await */
            task_finish(e, k, true);
            t->cur_task = -1;
            continue;
        }
        task_resumes(e, t, k);
        return true;
    }
    return false;
}

/* loop_pop_inline's guard: the task of the first handle, if it is the
 * common case (see loop_pop_inline), else NULL. */
static inline __attribute__((always_inline)) struct stask *loop_pop_plain(struct engine *e, struct sloop *L)
{
    const struct shandle *hp = &L->ready[L->rhead];
    if (hp->kind != H_TASK || hp->flow >= 0)
        return NULL;
    struct stask *k = &e->tasks[hp->ref];
    const struct tl_writer *w = e->tw;
    if (k->state != TK_SCHEDULED || hp->wgen != k->wgen || k->cancel || k->lane >= 0 ||
        L->lags.at == L->lags.end || (k->io_since >= 0 && e->io_lat.at == e->io_lat.end) || w->at == w->stop ||
        L->lane >= w->wlanes)
        return NULL;
    return k;
}

/* Pop the handle loop_pop_plain found, whose task is k, and run it. */
static inline __attribute__((always_inline)) void loop_pop_take(struct engine *e, struct sthread *t, struct sloop *L,
                                                                struct stask *k)
{
    const struct shandle *hp = &L->ready[L->rhead];
    int32_t ref = hp->ref;
    gv_ns ready_at = hp->ready_at;
    L->rhead = (L->rhead + 1) & (L->rcap - 1);
    L->rn--;
    L->ntodo--;
    ready_count(e, L);
    gv_samples_add_inline(&L->lags, e->now - ready_at);
    L->handle_start = e->now;
    t->cur_task = ref;
    (void)timeline_try_put(e->tw, e->now, L->lane, TL_STATE, LOOP_TASK, 0, ref); /* room: seen by loop_pop_plain */
    /* task_resumes of a task that is scheduled and has no lane (seen by
     * loop_pop_plain): task_state's stores, its time in acc[TK_SCHEDULED -
     * TK_SCHEDULED] */
    if (k->io_since >= 0) {
        gv_samples_add_inline(&e->io_lat, e->now - k->io_since);
        k->io_since = -1;
    }
    k->acc[0] += e->now - k->since;
    k->since = e->now;
    k->state = TK_RUNNING;
    t->x = &k->x;
}

/* loop_pop.  Inline: the common handle, a task's step that is due (the
 * task is scheduled: not done, cancelled or running), runs
 * with no lane of its own and no flow, and needs no call (its records and
 * samples go where there is room: loop_pop_plain checks all that); the same
 * stores in the same order as loop_pop_any (loop_pop_take), without the
 * calls that make that one save registers.  It does not prefetch a coming
 * task as loop_pop_any does: gcc dropped that prefetch here when this was
 * an inline function of its own, and with it the path costs 10
 * instructions a handle more.  Its callers have seen that the fast paths
 * are on (!e->no_shortcut). */
static inline __attribute__((always_inline)) bool loop_pop_inline(struct engine *e, struct sthread *t,
                                                                   struct sloop *L)
{
    if (L->ntodo == 0)
        return false;
    struct stask *k = loop_pop_plain(e, L);
    if (!k)
        return loop_pop_any(e, t, L);
    loop_pop_take(e, t, L, k);
    return true;
}

/* loop_pop_inline out of line, for loop_next.  advance's shortcut, where
 * most handles are popped, has it inline: there it works in advance's
 * registers, with no call that saves and restores them. */
static bool loop_pop(struct engine *e, struct sthread *t, struct sloop *L)
{
    if (e->no_shortcut)
        return loop_pop_any(e, t, L);
    return loop_pop_inline(e, t, L);
}

/* Choose what the loop's thread does next.  Returns true if t->x has a
 * program to go on with, false if t blocked. */
static bool loop_next(struct engine *e, struct sthread *t)
{
    struct sloop *L = &e->loops[t->role_ref];
    if (t->cur_task >= 0 || t->cur_cb >= 0)
        handle_end(e, t, L);
    if (L->after_select) {
        if (!gil_attempt(e, t)) /* select returned; Python again needs the GIL */
            return false;
        rec(e, L->lane, TL_STATE, LOOP_EVENTS, 0, -1);
        loop_events(e, L);
    }
    if (loop_pop(e, t, L))
        return true;
    if (e->failed) /* a set_result on a done future failed the run: no next pass */
        return false;
    if (L->alive == 0) {
        loop_leave(e, t, L);
        return true;
    }
    /* the next pass: select() with the GIL released */
    L->iterations++;
    rec(e, L->lane, TL_EVENT, EV_LOOP_ITERATION, 0, (int32_t)L->rn);
    if (t->has_gil && !gil_model(e, GIL_NONE))
        gil_drop(e, t, false);
    L->after_select = true;
    bool at_once = L->rn > 0 || L->nio > 0 || L->nts > 0 || timer_due(L, e->now);
    if (at_once) {
        rec(e, L->lane, TL_STATE, LOOP_SELECT, 0, 0);
        return loop_next(e, t); /* select(0) returns at once */
    }
    const struct tq_ent *next = tq_peek(&L->timers);
    gv_ns timeout = next ? next->when - e->now : -1;
    rec(e, L->lane, TL_STATE, LOOP_SELECT, 0, timeout < 0 ? -1 : (int32_t)(timeout / GV_NS_PER_US));
    L->in_select = true;
    L->woken = false;
    block(e, t, W_SELECT, TS_SELECT, t->role_ref);
    if (timeout >= 0) {
        L->woken = true; /* the timeout is its wake-up; I/O may bring it forward */
        L->wake_at = e->now + timeout + wake_delay(e);
        evq_set(&e->q, slot_main(e, t), L->wake_at, PRIO_WAKE);
    }
    return false;
}

/* ---- run_in_executor --------------------------------------------------------- */

/* Submit work for task `task`: wake an idle worker or start a new one. */
static void executor_submit(struct engine *e, struct sloop *L, int32_t task, const struct scene_step *s)
{
    if (L->wn == L->wcap)
        L->work = gv_ring_grow(L->work, &L->wcap, L->whead, sizeof *L->work, 16);
    struct scene_step st = *s;
    st.op = (enum step_op)s->sub;
    st.sub = 0;
    L->work[(L->whead + L->wn++) & (L->wcap - 1)] = (struct swork){ task, e->tasks[task].wgen, st };
    for (int32_t i = 0; i < L->exec_started; i++) {
        struct sthread *w = &e->th[L->exec_first + i];
        if (w->wait == W_IDLE) {
            wake_later(e, w);
            return;
        }
    }
    if (L->exec_started < L->exec_size) {
        struct sthread *w = &e->th[L->exec_first + L->exec_started++];
        thread_start(e, w, e->th[L->thread].id);
    }
}

/* An executor thread looks for work; false if it went idle. */
static bool executor_next(struct engine *e, struct sthread *w)
{
    struct sloop *L = &e->loops[w->role_ref];
    struct swork *cur = &e->work_items[w->id - L->exec_first];
    if (w->work >= 0) {
        /* done: the future completes through call_soon_threadsafe */
        loop_threadsafe(e, w, L, H_TASK, cur->task, cur->wgen);
        w->work = -1;
    }
    if (L->wn == 0) {
        /* the worker waits in its queue's get(), which lets go of the GIL */
        if (w->has_gil && !gil_model(e, GIL_NONE))
            gil_drop(e, w, false);
        block(e, w, W_IDLE, TS_IDLE, -1);
        e->live--; /* an idle pool thread keeps nothing alive */
        return false;
    }
    *cur = L->work[L->whead];
    L->whead = (L->whead + 1) & (L->wcap - 1);
    L->wn--;
    w->work = cur->task;
    exec_init(e, &w->sub, &cur->step, 1);
    w->x = &w->sub;
    return true;
}

/* ---- multiprocessing pools ------------------------------------------------------- */

/* A worker process looks for the next item of the map; false if idle. */
static bool worker_next(struct engine *e, struct sthread *w)
{
    struct spool *P = &e->pools[w->role_ref];
    struct smap *m = P->map;
    if (w->work >= 0 && m) {
        w->work = -1;
        if (--m->left == 0) {
            struct sthread *c = &e->th[m->caller];
            if (c->wait == W_MAP)
                wake_later(e, c);
        }
    }
    w->work = -1;
    if (!m || m->next == m->items) {
        /* the worker waits for its next task on a pipe, without the GIL */
        if (w->has_gil && !gil_model(e, GIL_NONE))
            gil_drop(e, w, false);
        block(e, w, W_IDLE, TS_IDLE, -1);
        e->live--; /* an idle worker process keeps nothing alive */
        return false;
    }
    w->work = (int32_t)m->next++;
    exec_init(e, &w->sub, m->prog, m->nprog);
    w->x = &w->sub;
    return true;
}

/* `count` items of `bytes` each -> the time to pickle, pipe and unpickle
 * them.  Up to 10^9 items of 1000 GB at a day per MB is far beyond int64
 * nanoseconds: the product is taken in 128 bits and capped at two days,
 * longer than any horizon, so such a step simply never ends. */
static gv_ns pickle_time(const struct engine *e, int64_t bytes, int64_t count)
{
    __int128 t = (__int128)bytes * count * e->set->pickle_per_mb / 1000000;
    return t > 2 * GV_NS_MAX ? 2 * GV_NS_MAX : (gv_ns)t;
}

/* A made-up `cpu` step (sub = 1 marks it: it is overhead, not the scene's
 * work, so it does not count in the sequential time). */
static struct scene_step cpu_step(gv_ns d)
{
    struct scene_step s;
    memset(&s, 0, sizeof s);
    s.op = OP_CPU;
    s.dur = d;
    s.ref = s.ref2 = -1;
    s.sub = 1;
    return s;
}

/* Pool.map on thread t: start the workers the first time, then run the
 * made-up program: pickle the arguments, hand out the items, wait, unpickle
 * the results. */
static void map_begin(struct engine *e, struct sthread *t, const struct scene_step *s)
{
    struct spool *P = &e->pools[s->ref];
    const struct scene_pool *sp = &e->sc->pools[s->ref];
    if (P->map) {
        fail(e, s, N_("pool '%s' is already running a map from another thread"), sp->name);
        return;
    }
    struct smap *m = arena_alloc(e, sizeof *m);
    m->caller = t->id;
    m->items = m->left = s->count;
    /* a worker's program: unpickle the arguments, the body, pickle the result */
    m->nprog = s->body + 2;
    m->prog = arena_alloc(e, (size_t)m->nprog * sizeof *m->prog);
    m->prog[0] = cpu_step(pickle_time(e, s->send, 1));
    memcpy(m->prog + 1, s + 1, (size_t)s->body * sizeof *s);
    m->prog[m->nprog - 1] = cpu_step(pickle_time(e, s->recv, 1));
    P->map = m;
    struct scene_step *caller = arena_alloc(e, 4 * sizeof *caller);
    caller[0] = cpu_step(pickle_time(e, s->send, s->count));
    caller[1] = cpu_step(0);
    caller[1].op = OPX_MAP_DISPATCH;
    caller[1].ref = s->ref;
    caller[2] = cpu_step(0);
    caller[2].op = OPX_MAP_WAIT;
    caller[2].ref = s->ref;
    caller[3] = cpu_step(pickle_time(e, s->recv, s->count));
    exec_init(e, &t->sub, caller, 4);
    t->sub_ret = t->x; /* its pc is already past the map step and its body */
    t->x = &t->sub;
    if (!P->started) {
        /* each worker boots an interpreter (spawn) or copies the parent (fork) */
        P->started = true;
        gv_ns boot = sp->spawn ? e->set->spawn_cost : e->set->fork_cost;
        struct scene_step *b = arena_alloc(e, sizeof *b);
        *b = cpu_step(boot);
        for (int32_t i = 0; i < P->size; i++) {
            struct sthread *w = &e->th[P->first + i];
            exec_init(e, &w->sub, b, 1);
            w->x = &w->sub;
            w->work = -1;
            thread_start(e, w, t->id);
        }
    }
}

/* ---- queue.Queue --------------------------------------------------------------------- */

static void queue_count(struct engine *e, struct squeue *Q)
{
    rec(e, Q->lane, TL_COUNTER, 0, 0, (int32_t)(Q->len > INT32_MAX ? INT32_MAX : Q->len));
}

static void queue_wait(struct squeue *Q, int32_t id)
{
    if (Q->wn == Q->wcap)
        Q->waiters = gv_ring_grow(Q->waiters, &Q->wcap, Q->whead, sizeof *Q->waiters, 16);
    Q->waiters[(Q->whead + Q->wn++) & (Q->wcap - 1)] = id;
}

/* put or get on t; returns false if t blocked.  A blocked thread is woken
 * to try again (the queue's Condition: notify, then re-check). */
static bool queue_op(struct engine *e, struct sthread *t, int32_t q, bool put)
{
    struct squeue *Q = &e->queues[q];
    bool full = Q->cap > 0 && Q->len >= Q->cap;
    if (put ? full : Q->len == 0) {
        t->waits_queue = q;
        t->queue_put = put;
        queue_wait(Q, t->id);
        if (t->has_gil && !gil_model(e, GIL_NONE))
            gil_drop(e, t, false);
        block(e, t, W_QUEUE, TS_QUEUE_WAIT, q);
        return false;
    }
    Q->len += put ? 1 : -1;
    queue_count(e, Q);
    /* notify one waiter of the other kind (all waiters are of one kind) */
    if (Q->wn > 0) {
        struct sthread *w = &e->th[Q->waiters[Q->whead]];
        if (w->queue_put != put) {
            Q->whead = (Q->whead + 1) & (Q->wcap - 1);
            Q->wn--;
            wake_later(e, w); /* it runs its put/get again */
            t->os_left += e->set->signal_cost;
        }
    }
    return true;
}

/* t's current program ended: what next, for its role?  1: go on with
 * t->x, 0: t blocked, -1: the thread ends. */
static int role_next(struct engine *e, struct sthread *t)
{
    if (t->x == &t->sub && t->sub_ret) {
        t->x = t->sub_ret;
        t->sub_ret = NULL;
        return 1;
    }
    switch (t->role) {
    case ROLE_LOOP: return loop_next(e, t) ? 1 : 0;
    case ROLE_EXECUTOR: return executor_next(e, t) ? 1 : 0;
    case ROLE_WORKER: return worker_next(e, t) ? 1 : 0;
    default: return -1;
    }
}

/* asyncio.run(): t becomes the loop's thread. */
static void loop_start(struct engine *e, struct sthread *t, int32_t l)
{
    struct sloop *L = &e->loops[l];
    L->thread = t->id;
    t->role = ROLE_LOOP;
    t->role_ref = l;
    t->cur_task = t->cur_cb = -1;
    for (int32_t c = 0; c < e->sc->ncoros; c++) {
        const struct scene_coro *sc = &e->sc->coros[c];
        if (sc->loop == l && !sc->is_callback && !sc->deferred)
            tasks_create(e, c, t->id);
    }
    t->x = &e->null_exec;
}

/* The lane where things that t's current code does show: its task's lane
 * when it runs a task, else its thread's. */
static int cur_lane(const struct engine *e, const struct sthread *t)
{
    if (t->role == ROLE_LOOP && t->cur_task >= 0 && e->tasks[t->cur_task].lane >= 0)
        return e->tasks[t->cur_task].lane;
    return t->id;
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

/* A step of work (op is s->op: cpu, ccall, nogil, incr, read or write)
 * begins on t, which is on a core and holds the GIL if the op needs it.
 * Returns true if the step is already done (no work: advance goes on), false
 * when its segment runs.  Always inline, so that advance's case for OP_CPU,
 * the common work step, has the op as a constant and none of the other ops'
 * tests. */
static inline __attribute__((always_inline)) bool work_step(struct engine *e, struct sthread *t, struct sproc *p,
                                                            const struct scene_step *s, enum step_op op)
{
    gv_ns d = s->dur;
    if (d < 0)
        d = op == OP_INCR ? e->set->rmw_cost : e->set->bytecode;
    if (!s->sub && (op <= OP_NOGIL ? s->dur > 0 : s->dur < 0))
        e->sequential_ns += d;
    t->work_left = scaled(e, d);
    t->work_state = op == OP_CCALL ? TS_CCALL : op == OP_NOGIL ? TS_NOGIL : TS_PYTHON;
    t->work_checks = op == OP_CPU ||
                     (op != OP_CCALL && op != OP_NOGIL && (e->set->per_bytecode_checks || gil_model(e, GIL_OLD)));
    if (op == OP_NOGIL && t->has_gil && !gil_model(e, GIL_NONE))
        gil_drop(e, t, false);
    if (op == OP_INCR || op == OP_READ)
        t->reg = e->vars[s->ref];
    t->in_step = true;
    if (t->work_left == 0) {
        step_done(e, t);
        return true;
    }
    if (!start_work_inline(e, t, p))
        start_segment(e, t);
    return false;
}

/* Interpret t's program until it must run a segment, blocks or ends.
 * t is on a core. */
static void advance(struct engine *e, struct sthread *t)
{
    struct sproc *p = proc_of(e, t);
    /* gil_attempt ran since the checks below: they may have work again (see
     * the shortcut at `suspended`) */
    bool took_gil;
    for (;;) {
        took_gil = false;
        if (e->failed || e->tl_full)
            return;
        if (t->os_left > 0) {
            start_segment(e, t);
            return;
        }
        /* (one test when nothing is pending, the common case) */
        if (t->pend != PEND_NONE) {
            if (t->pend == PEND_RETAKE) {
                /* old GIL: the re-take right after a release at a check */
                t->pend = PEND_NONE;
                took_gil = true;
                if (!gil_attempt(e, t))
                    return;
            }
            if (t->pend == PEND_GIL) {
                t->pend = PEND_NONE;
                took_gil = true;
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
                t->x->pc++;
                lock_own(e, l, t);
            }
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
        /* a step boundary is a check point for a thread holding the GIL
         * (drop_request, mostly false, is read before the model: one load) */
        if (t->has_gil && p->drop_request && gil_model(e, GIL_NEW)) {
            gil_drop(e, t, true);
            p->switch_waiter = t->id;
            block(e, t, W_SWITCH, TS_SWITCH_WAIT, -1);
            return;
        }
        /* The steps that start at one simulated time are counted down from
         * instant_cap (below).  Time does not pass while a thread advances:
         * the shortcut at `suspended`, which comes after a step, need not
         * look at the time again. */
        if (e->now != e->instant_at) {
            e->instant_at = e->now;
            e->instant_left = (int64_t)e->instant_cap;
        }
    step:;
        const struct scene_step *s = next_step(t->x);
        if (!s) {
            int r = role_next(e, t);
            if (r > 0)
                continue;
            /* returning from the last call (an I/O, a sleep, C code that
             * released the GIL) is Python again: the thread takes the GIL
             * back before its function returns and the thread exits */
            if (r < 0 && !gil_model(e, GIL_NONE) && (!t->has_gil || t->io_start >= 0) && !gil_attempt(e, t))
                return;
            if (r < 0)
                thread_end(e, t);
            return;
        }
        if (--e->instant_left < 0) {
            /* a repeat of steps that take no time would never let time pass */
            char at[32];
            fail(e, s, N_("%llu steps ran at %s without simulated time passing: steps that take no time (join, put, "
                          "acquire, call_soon, await sleep 0s...) repeated this often are taken for a loop that never "
                          "ends; give the loop some work (cpu 1us)"),
                 (unsigned long long)e->instant_cap, gv_fmt_duration(e->now, at, sizeof at));
            return;
        }
        if ((!t->has_gil || t->io_start >= 0) && needs_gil(s->op)) {
            if (!gil_attempt(e, t))
                return;
            took_gil = true;
        }
        /* The work and waits, one after another, add up to sequential_ns:
         * each case below adds its step's (made-up steps, s->sub, do not
         * count).  In a loop's task, t->cur_task is the running task. */
        /* (the made-up ops are the default case: the pragma keeps
         * -Wswitch's check that every op of a scene has a case) */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch-enum"
        switch (s->op) {
#pragma GCC diagnostic pop
        case OP_CPU: /* the common one: work_step with the op a constant */
            if (work_step(e, t, p, s, OP_CPU))
                continue;
            return;
        case OP_CCALL:
        case OP_NOGIL:
        case OP_INCR:
        case OP_READ:
        case OP_WRITE:
            if (work_step(e, t, p, s, s->op))
                continue;
            return;
        case OP_IO:
        case OP_SLEEP:
            if (!s->sub && s->dur > 0)
                e->sequential_ns += s->dur;
            if (t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            t->x->pc++;
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
                fail(e, s, N_("thread '%s' acquires lock '%s' it already holds: it would wait forever "
                              "(use an RLock)"), e->st.threads[t->id].name, e->sc->locks[s->ref].name);
                return;
            }
            /* acquire() first tries without letting go of the GIL */
            if (l->owner < 0) {
                t->x->pc++;
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
                fail(e, s, N_("thread '%s' releases lock '%s' it does not hold (Python raises RuntimeError)"),
                     e->st.threads[t->id].name, e->sc->locks[s->ref].name);
                return;
            }
            t->x->pc++;
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
            t->x->pc++;
            for (int32_t i = 0; i < count; i++)
                if (!e->th[first + i].started)
                    thread_start(e, &e->th[first + i], t->id);
            continue;
        }
        case OP_JOIN: {
            int32_t first, count;
            group_range(e, t, s->ref, &first, &count);
            bool all = true;
            for (int32_t i = 0; i < count; i++) {
                if (!e->th[first + i].started) {
                    fail(e, s, N_("thread '%s' joins thread '%s' before it is started (Python raises RuntimeError)"),
                         e->st.threads[t->id].name, e->st.threads[first + i].name);
                    return;
                }
                all &= e->th[first + i].done;
            }
            t->x->pc++;
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
        default: { /* the made-up ops (the last two): every op of a scene has its
                      case (-Wswitch-enum, above) */
            assert(s->op == OPX_MAP_DISPATCH || s->op == OPX_MAP_WAIT);
            struct spool *P = &e->pools[s->ref];
            if (s->op == OPX_MAP_DISPATCH) {
                t->x->pc++;
                int32_t n = 0;
                for (int32_t i = 0; i < P->size && n < P->map->items; i++) {
                    struct sthread *w = &e->th[P->first + i];
                    if (w->wait == W_IDLE) {
                        wake_later(e, w);
                        n++;
                    }
                }
                continue;
            }
            if (P->map->left == 0) { /* OPX_MAP_WAIT */
                P->map = NULL;
                t->x->pc++;
                continue;
            }
            if (t->has_gil && !gil_model(e, GIL_NONE))
                gil_drop(e, t, false);
            block(e, t, W_MAP, TS_MAP_WAIT, s->ref);
            return;
        }
        case OP_AWAIT_IO:
        case OP_AWAIT_SLEEP: {
            assert(t->cur_task >= 0);
            if (!s->sub && s->dur > 0)
                e->sequential_ns += s->dur;
            t->x->pc++;
            int32_t id = t->cur_task;
            struct stask *k = &e->tasks[id];
            if (s->op == OP_AWAIT_IO) {
                task_suspend(e, t, TW_IO, s->ref);
                e->st.io_ops++;
                k->io_since = e->now;
                io_push(e, k->loop, id, s->dur);
            } else {
                /* the record (tasks with a lane have one) says how long, in
                 * whole microseconds rounded up, so that a reader can tell a
                 * timer that is due but not run yet */
                int32_t us = -1;
                if (k->lane >= 0) {
                    gv_ns r = (s->dur + GV_NS_PER_US - 1) / GV_NS_PER_US;
                    us = r < INT32_MAX ? (int32_t)r : INT32_MAX;
                }
                task_suspend(e, t, TW_SLEEP, us);
                timer_push(e, &e->loops[k->loop], s->dur, H_TASK, id, k->wgen);
            }
            goto suspended;
        }
        case OP_AWAIT_FUTURE: {
            assert(t->cur_task >= 0);
            t->x->pc++;
            struct sfuture *F = &e->futures[s->ref];
            if (F->done) {
                /* awaiting a done future does not suspend; a cancelled one
                 * raises CancelledError: the task ends here (handle_end) */
                if (F->cancelled) {
                    e->tasks[t->cur_task].cancel = true;
                    t->x = &e->null_exec;
                }
                continue;
            }
            if (F->nwait == F->capwait)
                F->waiters = gv_grow(F->waiters, &F->capwait, F->nwait + 1, sizeof *F->waiters);
            F->waiters[F->nwait++] = t->cur_task;
            e->tasks[t->cur_task].awaits = s->ref;
            task_suspend(e, t, TW_FUTURE, s->ref);
            continue;
        }
        case OP_AWAIT_GATHER: {
            assert(t->cur_task >= 0);
            t->x->pc++;
            tasks_create(e, s->ref, cur_lane(e, t));
            if (e->coro_left[s->ref] == 0)
                continue;
            int32_t g = s->ref;
            if (e->ngather[g] == e->capgather[g])
                e->gather_waiters[g] = gv_grow(e->gather_waiters[g], &e->capgather[g], e->ngather[g] + 1,
                                               sizeof *e->gather_waiters[g]);
            e->gather_waiters[g][e->ngather[g]++] = t->cur_task;
            e->tasks[t->cur_task].awaits = -2 - g;
            task_suspend(e, t, TW_GATHER, g);
            continue;
        }
        case OP_AWAIT_EXECUTOR: {
            assert(t->cur_task >= 0);
            t->x->pc++;
            int32_t id = t->cur_task;
            task_suspend(e, t, TW_EXECUTOR, s->ref);
            executor_submit(e, &e->loops[e->tasks[id].loop], id, s);
            continue;
        }
        case OP_CREATE_TASK:
            t->x->pc++;
            tasks_create(e, s->ref, cur_lane(e, t));
            continue;
        case OP_CANCEL: {
            t->x->pc++;
            for (int32_t i = 0; i < e->sc->coros[s->ref].count; i++)
                if (e->coro_first[s->ref] + i != t->cur_task)
                    task_cancel(e, e->coro_first[s->ref] + i, cur_lane(e, t));
            continue;
        }
        case OP_CALL_SOON: {
            t->x->pc++;
            struct sloop *L = &e->loops[e->sc->coros[s->ref].loop];
            rec(e, L->lane, TL_EVENT, EV_CALLBACK_SCHEDULED, 0, s->ref);
            loop_ready_cb(e, L, s->ref, flow_out(e, cur_lane(e, t), L->lane, FLOW_SCHEDULE));
            continue;
        }
        case OP_CALL_LATER:
            t->x->pc++;
            timer_push(e, &e->loops[e->sc->coros[s->ref].loop], s->dur, H_CALLBACK, s->ref, 0);
            continue;
        case OP_ADD_DONE_CALLBACK: {
            t->x->pc++;
            struct sfuture *F = &e->futures[s->ref];
            if (F->done) {
                struct sloop *L = &e->loops[e->sc->futures[s->ref].loop];
                loop_ready_cb(e, L, s->ref2, flow_out(e, cur_lane(e, t), L->lane, FLOW_RESULT));
                continue;
            }
            if (F->ncb == F->capcb)
                F->cbs = gv_grow(F->cbs, &F->capcb, F->ncb + 1, sizeof *F->cbs);
            F->cbs[F->ncb++] = s->ref2;
            continue;
        }
        case OP_SET_RESULT: {
            t->x->pc++;
            int32_t l = e->sc->futures[s->ref].loop;
            if (t->role == ROLE_LOOP && t->role_ref == l)
                future_set(e, s, s->ref, cur_lane(e, t));
            else /* another thread: through call_soon_threadsafe */
                loop_threadsafe(e, t, &e->loops[l], H_SETRESULT, s->ref, 0);
            continue;
        }
        case OP_RUN:
            t->x->pc++;
            if (e->loops[s->ref].thread >= 0) {
                fail(e, s, N_("loop '%s' is already running (asyncio.run cannot run a loop twice)"),
                     e->sc->loops[s->ref].name);
                return;
            }
            loop_start(e, t, s->ref);
            continue;
        case OP_CALL_SOON_THREADSAFE:
            t->x->pc++;
            loop_threadsafe(e, t, &e->loops[e->sc->coros[s->ref].loop], H_CALLBACK, s->ref, 0);
            continue;
        case OP_PUT:
        case OP_GET:
            if (!queue_op(e, t, s->ref, s->op == OP_PUT))
                return;
            t->x->pc++;
            continue;
        case OP_MAP:
            t->x->pc += 1 + s->body;
            map_begin(e, t, s);
            continue;
        case OP_SETSWITCHINTERVAL: {
            /* sys.setswitchinterval: gil->interval in whole microseconds
             * (at least 1, as take_gil reads it); waits that already sleep
             * keep their deadline, the next wait uses the new value */
            if (gil_model(e, GIL_OLD)) {
                fail(e, s, N_("setswitchinterval needs the new GIL (Python 3.2+); the old GIL "
                              "releases every check_interval ticks (sys.setcheckinterval)"));
                return;
            }
            t->x->pc++;
            gv_ns us = s->dur / GV_NS_PER_US;
            if (us < 1)
                us = 1;
            p->interval = us * GV_NS_PER_US;
            rec(e, p->lane, TL_EVENT, EV_SWITCH_INTERVAL, 0, us > INT32_MAX ? INT32_MAX : (int32_t)us);
            continue;
        }
        }
        continue; /* (every case leaves the loop iteration itself) */
    suspended:
        /* A task awaits.  What the loop does at this step boundary is what
         * loop_next does: end the handle and run the next one.  When none
         * of the checks at the top of this loop has anything to do (the run
         * goes on, no kernel work is owed -- taking the GIL for the await
         * can add some --, nothing is pending, no drop request), do that
         * here and go on with the next handle's program at once; else go
         * round the loop as any step boundary does. */
        /* Reached from the top of the loop (or the shortcut itself), where
         * those checks found nothing to do: only gil_attempt (took_gil), and
         * a record that filled the timeline, can have changed that since. */
        if (!(e->tl_full | e->no_shortcut) &&
            (!took_gil || (!e->failed && t->os_left == 0 && t->pend == PEND_NONE && !t->in_step &&
                           !(t->has_gil && gil_model(e, GIL_NEW) && p->drop_request)))) {
            struct sloop *L = &e->loops[t->role_ref];
            handle_slow(e, L);
            struct stask *k = L->ntodo > 0 ? loop_pop_plain(e, L) : NULL;
            if (k) {
                /* handle_end of a step that ended in an await (the task did
                 * not run off its end): handle_slow and the stores, but for
                 * those loop_pop_take makes again; e->failed is false (the
                 * checks above, and neither does anything that fails the run) */
                t->cur_cb = -1;
                loop_pop_take(e, t, L, k);
                if (!e->tl_full) {
                    took_gil = false;
                    goto step;
                }
            } else {
                t->cur_task = t->cur_cb = -1;
                t->x = &e->null_exec;
                if (L->ntodo > 0 && loop_pop_any(e, t, L) && !e->failed && !e->tl_full) {
                    took_gil = false;
                    goto step;
                }
            }
        }
    }
}

/* The write of an INCR or WRITE step that is finished. */
static __attribute__((noinline)) void step_write(struct engine *e, struct sthread *t, const struct scene_step *s)
{
    /* someone wrote since we read: our write loses their updates */
    if (e->vars[s->ref] != t->reg) {
        e->st.shared[s->ref].stale_writes++;
        rec(e, e->var_lanes[s->ref], TL_EVENT, EV_LOST_UPDATE, 0, t->id);
    }
    e->vars[s->ref] = t->reg + 1;
    e->st.shared[s->ref].expected++;
    rec(e, e->var_lanes[s->ref], TL_COUNTER, 0, 0, (int32_t)e->vars[s->ref]);
}

/* The work of t's current step is finished. */
static inline __attribute__((always_inline)) void step_done_inline(struct engine *e, struct sthread *t)
{
    const struct scene_step *s = &t->x->prog[t->x->pc];
    if (s->op == OP_INCR || s->op == OP_WRITE)
        step_write(e, t, s);
    t->in_step = false;
    t->x->pc++;
}

static void step_done(struct engine *e, struct sthread *t)
{
    step_done_inline(e, t);
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
        const struct scene_step *js = &j->x->prog[j->x->pc - 1];
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
        step_done_inline(e, t);
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
        rec(e, (uint16_t)t->id, TL_EVENT, EV_IO_DONE, 0, t->x->prog[t->x->pc - 1].ref);
        make_ready(e, t, READY_RUN);
        break;
    case W_SLEEP:
    case W_LOCK:
    case W_JOIN:
    case W_QUEUE:
    case W_MAP:
        make_ready(e, t, READY_RUN);
        break;
    case W_SELECT: /* timeout, I/O or the self-pipe: select returns */
        e->loops[t->role_ref].in_select = false;
        make_ready(e, t, READY_RUN);
        break;
    case W_IDLE:
        e->live++; /* a daemon worker has work again */
        make_ready(e, t, READY_RUN);
        break;
    case W_NONE:
        assert(0 && "wake of a thread that does not wait");
        break;
    }
}

/* The I/O a task awaits is ready: select() will report it. */
/* The earliest pending I/O of loop l completed: the task's handle waits for
 * the loop's next select(); the loop's slot is re-armed for the next one. */
static void on_loop_io(struct engine *e, int32_t l)
{
    struct sloop *L = &e->loops[l];
    const struct tq_ent *x = tq_peek(&L->io);
    uint32_t id = x->a, wgen = x->b;
    tq_pop_top(&L->io);
    const struct tq_ent *next = tq_peek(&L->io);
    if (next) {
        evq_set_stamped(&e->q, e->loop_slot0 + (uint32_t)l, next->when, PRIO_WAKE, next->seq);
        __builtin_prefetch(&e->tasks[next->a], 1); /* its task is looked at next time */
    }
    struct stask *k = &e->tasks[id];
    if (k->state != TK_PENDING || wgen != k->wgen)
        return; /* cancelled meanwhile */
    int32_t flow = flow_out(e, k->lane, k->lane, FLOW_IO);
    if (L->nio == L->capio)
        L->iodone = gv_ring_grow_in(L->iodone, &L->capio, 0, sizeof *L->iodone, L->resv);
    handle_set(&L->iodone[L->nio++], H_TASK, (int32_t)id, wgen, e->now, flow);
    loop_wake(e, L);
}

/* engine_run's burst of I/O completions, the fast path (not with
 * e->no_shortcut).  `it`, the event being handled, is loop l's earliest I/O,
 * first in the evq.  While the loop's pending I/O is one run of its tq
 * (tq_sole_run), read in place, the completions that come before every
 * other timer (the evq root's children, which do not change meanwhile) and
 * the horizon, as many as the event budget `last` allows (see engine_run),
 * are each an event handled here as on_loop_io handles it.  The evq is not
 * touched meanwhile: its root stays the timer being handled, and the slot
 * is re-armed once, when the burst ends (the evq orders by (time, key)
 * alone, so where a timer sits in the heap meanwhile changes no outcome).
 * Nothing the burst does changes in_select, woken or wake_at but the wake-up
 * that brings select forward; that one is set after the re-arm, as
 * on_loop_io does, and ends the burst.  A completion whose task has a lane
 * (a flow record) is left to on_loop_io: returns 0 if it is the current
 * one, else -1 when it has become the handled timer, first in the evq,
 * re-armed as the general burst loop has it (engine_run's `it` is then
 * q->heap[0]).  Returns 1 when the burst is over: engine_run then retires
 * `it` (the slot's timer, set or not since) and counts the last event. */
static inline int loop_io_burst(struct engine *e, uint32_t slot, uint64_t it_key, uint64_t last, gv_ns horizon)
{
    struct sloop *L = &e->loops[slot - e->loop_slot0];
    struct tq_run *r = tq_sole_run(&L->io);
    if (!r)
        return 0;
    struct evq *q = &e->q;
    assert(q->pos[slot] == 0 && q->heap[0].key == it_key && e->st.events < last);
    (void)it_key;
    /* the bound: the earliest other timer, or the horizon (a timer at the
     * horizon is handled, any later one is not) */
    gv_ns bt = horizon;
    uint64_t bk = UINT64_MAX;
    for (uint32_t c = 1; c <= 2 && c < q->n; c++)
        if (q->heap[c].t < bt || (q->heap[c].t == bt && q->heap[c].key < bk)) {
            bt = q->heap[c].t;
            bk = q->heap[c].key;
        }
    const struct tq_ent *const v = r->v, *const vend = r->end;
    const struct tq_ent *x = &v[r->head];
    /* m: the most events the burst may take, the current one first */
    size_t m = tq_run_len(r);
    if (m > last - e->st.events)
        m = (size_t)(last - e->st.events);
    struct shandle *h = &L->iodone[L->nio], *hend = &L->iodone[L->capio];
    struct stask *tasks = e->tasks;
    /* loop_wake, hoisted: a completion's wake-up sets a timer if it comes
     * before the one set; if none is, the first one does (on_loop_io's) */
    const bool sel = L->in_select;
    if (sel && !L->woken)
        return 0;
    const gv_ns woken_at = L->wake_at;
    const gv_ns lat = e->set->wakeup_latency, jit = e->set->wakeup_jitter;
    /* A completion's wake-up, x->when + lat + a draw in [0, jit], comes
     * before the one set only if x->when < wake_lo; one at or after it
     * still draws, but the draw is not looked at.  Those draws are counted
     * (the handles since `drawn`) and made at once, without their values
     * (wake_delays_skip), before the next draw that is looked at and before
     * the generator is written back: the same draws in the same order.  A
     * run's times only grow, so in a long burst all but the first few are
     * skipped.  Out of select there is no wake-up: wake_lo is below every
     * time, and no draw is owed. */
    const gv_ns wake_lo = sel ? woken_at - lat : INT64_MIN;
    const struct shandle *drawn = h;
    gv_ns at = 0;
    bool wake = false;
    /* the wake-ups' draws, from a copy of the generator in locals (through
     * e the compiler would load and store its state at every draw, since a
     * handle's store might alias it); written back before any return below */
    struct rng g = e->rng;
    /* x walks the run in pieces that end at the ring's end or after the
     * m-th timer (two at most), so that a step is x++ and one compare; j
     * counts the timers of the pieces before this one.  The task of the
     * timer PREFETCH_AHEAD ahead is prefetched while that timer is in the
     * piece (a wrap of the ring loses a few prefetches, and no prefetch
     * looks past the run). */
    size_t j = 0;
    const struct tq_ent *piece;
    for (;;) {
        piece = x;
        size_t n = (size_t)(vend - x);
        if (n > m - j)
            n = m - j;
        const struct tq_ent *const end = x + n, *const pfend = n > PREFETCH_AHEAD ? end - PREFETCH_AHEAD : x;
        for (; x != end; x++) {
            if (x < pfend)
                __builtin_prefetch(&tasks[x[PREFETCH_AHEAD].a], 1);
            /* the bound (the first timer, the evq's root, is within it) */
            if (!(x->when < bt || (x->when == bt && evq_key(PRIO_WAKE, x->seq) < bk)))
                goto over;
            struct stask *k = &tasks[x->a];
            if (k->state != TK_PENDING || x->b != k->wgen)
                continue;
            if (k->lane >= 0 || h == hend) { /* on_loop_io's: make it the handled timer, as the general loop has it */
                size_t i = j + (size_t)(x - piece); /* the completions before it */
                L->nio = (size_t)(h - L->iodone);
                if (sel)
                    wake_delays_skip(&g, jit, (size_t)(h - drawn));
                e->rng = g;
                if (i > 0) {
                    tq_drop(&L->io, r, i);
                    e->now = x->when;
                    e->st.events += i;
                    evq_set_stamped(q, slot, x->when, PRIO_WAKE, x->seq);
                    assert(q->pos[slot] == 0);
                    evq_handle(q, &q->heap[0]);
                    return -1;
                }
                return 0;
            }
            handle_set(h++, H_TASK, (int32_t)x->a, x->b, x->when, -1);
            if (x->when < wake_lo) {
                wake_delays_skip(&g, jit, (size_t)(h - 1 - drawn));
                drawn = h;
                at = x->when + wake_delay_of(&g, lat, jit);
                if (woken_at > at) {
                    wake = true;
                    x++;
                    goto over;
                }
            }
        }
        if (j + n == m)
            break;
        j += n;
        x = v;
    }
over:
    /* j completions handled, the last one (before x, wrapping) now */
    j += (size_t)(x - piece);
    assert(j > 0);
    x = (x == v ? vend : x) - 1;
    if (sel)
        wake_delays_skip(&g, jit, (size_t)(h - drawn));
    e->rng = g;
    L->nio = (size_t)(h - L->iodone);
    e->now = x->when;
    e->st.events += j - 1;
    tq_drop(&L->io, r, j);
    const struct tq_ent *next = tq_peek(&L->io);
    if (next) {
        evq_set_stamped(q, slot, next->when, PRIO_WAKE, next->seq);
        __builtin_prefetch(&tasks[next->a], 1);
    }
    if (wake) {
        L->woken = true;
        L->wake_at = at;
        evq_set(q, slot_main(e, &e->th[L->thread]), at, PRIO_WAKE);
    }
    return 1;
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
    scene_instance_name(base, i, count, buf, sizeof buf);
    return gv_strdup(buf);
}

/* The loop run by the scene's `run` step: the thread group and process. */
static int32_t loop_runner_proc(const struct scene *sc, int32_t l)
{
    for (int32_t g = 0; g < sc->nthreads; g++)
        for (int32_t k = 0; k < sc->threads[g].nsteps; k++)
            if (sc->threads[g].steps[k].op == OP_RUN && sc->threads[g].steps[k].ref == l)
                return sc->threads[g].process;
    return 0;
}

/* run_in_executor's pool size: the scene's, or ThreadPoolExecutor's default. */
static int32_t executor_size(const struct scene *sc, int32_t l)
{
    int32_t n = sc->loops[l].executor;
    if (n <= 0)
        n = sc->set.cores + 4 < 32 ? sc->set.cores + 4 : 32;
    return n;
}

#define TASK_LANES_MAX 1024 /* tasks after these have no lane of their own */

/* Set up one engine thread. */
static void thread_init(struct engine *e, int32_t id, int32_t pinst, int32_t group, char *name)
{
    struct sthread *t = &e->th[id];
    t->id = id;
    t->pinst = pinst;
    t->group = group;
    t->x = &t->own;
    t->core = t->last_core = -1;
    t->io_start = -1;
    t->arg = -1;
    t->state = TS_NEW;
    t->waits_lock = -1;
    t->cur_task = t->cur_cb = t->work = -1;
    e->st.threads[id].name = name;
    e->st.threads[id].proc = pinst;
    e->st.threads[id].end = -1;
}

struct engine *engine_new(const struct scene *sc, struct timeline *tl, char *err, size_t errsize)
{
    int32_t npinst = 0, nworkers = 0, nexec = 0, ntasks = 0;
    for (int32_t i = 0; i < sc->nprocs; i++)
        npinst += sc->procs[i].count;
    for (int32_t i = 0; i < sc->npools; i++)
        nworkers += sc->pools[i].size;
    for (int32_t i = 0; i < sc->nloops; i++)
        nexec += executor_size(sc, i);
    for (int32_t i = 0; i < sc->ncoros; i++)
        if (!sc->coros[i].is_callback)
            ntasks += sc->coros[i].count;
    int32_t nscene = scene_total_threads(sc);
    int64_t lanes = 1 + (int64_t)nscene + nexec + nworkers + npinst + nworkers + sc->nlocks + sc->nshared +
                    sc->set.cores + 2 * (int64_t)sc->nloops + (ntasks < TASK_LANES_MAX ? ntasks : TASK_LANES_MAX) +
                    sc->nqueues;
    if (lanes > (int64_t)TL_MAX_LANES) {
        snprintf(err, errsize, "the scene needs %lld timeline lanes (at most %u)", (long long)lanes,
                 (unsigned)TL_MAX_LANES);
        return NULL;
    }
    struct engine *e = gv_calloc(1, sizeof *e);
    e->sc = sc;
    e->set = &sc->set;
    e->tl = tl;
    e->tw = timeline_writer(tl);
    e->max_events = ENGINE_DEFAULT_MAX_EVENTS;
    rng_seed(&e->rng, sc->set.seed);

    /* process instances: the scene's, then one per pool worker */
    e->npr = npinst + nworkers;
    e->pr = gv_calloc((size_t)e->npr, sizeof *e->pr);
    e->st.procs = gv_calloc((size_t)e->npr, sizeof *e->st.procs);
    e->st.nprocs = e->npr;
    for (int32_t i = 0, k = 0; i < sc->nprocs; i++)
        for (int32_t r = 0; r < sc->procs[i].count; r++, k++) {
            e->pr[k].scene_proc = i;
            e->st.procs[k].name = inst_name(sc->procs[i].name, r, sc->procs[i].count);
        }
    for (int32_t i = 0, k = npinst; i < sc->npools; i++)
        for (int32_t r = 0; r < sc->pools[i].size; r++, k++) {
            e->pr[k].scene_proc = -1;
            e->st.procs[k].name = inst_name(sc->pools[i].name, r, sc->pools[i].size);
        }
    for (int32_t k = 0; k < e->npr; k++) {
        e->pr[k].holder = e->pr[k].last_holder = e->pr[k].switch_waiter = -1;
        e->pr[k].interval = e->set->switch_interval;
    }

    /* threads: the scene's (each process instance, its groups in file
     * order), then the executors of each loop, then the pool workers */
    e->ngroups = sc->nthreads;
    e->nth = nscene + nexec + nworkers;
    e->th = gv_calloc((size_t)e->nth, sizeof *e->th);
    e->st.threads = gv_calloc((size_t)e->nth, sizeof *e->st.threads);
    e->st.nthreads = e->nth;
    e->group_first = gv_calloc((size_t)npinst * (size_t)e->ngroups, sizeof *e->group_first);
    e->group_count = gv_calloc((size_t)npinst * (size_t)e->ngroups, sizeof *e->group_count);
    int32_t id = 0;
    uint64_t nsteps = 0; /* the steps of every program, as the scene has them */
    for (int32_t pi = 0; pi < npinst; pi++) {
        for (int32_t g = 0; g < sc->nthreads; g++) {
            const struct scene_thread *sg = &sc->threads[g];
            if (sg->process != e->pr[pi].scene_proc)
                continue;
            int32_t nprog;
            const struct scene_step *prog = unroll(e, sg->steps, sg->nsteps, &nprog);
            e->group_first[(size_t)pi * e->ngroups + g] = id;
            e->group_count[(size_t)pi * e->ngroups + g] = sg->count;
            for (int32_t r = 0; r < sg->count; r++, id++) {
                char *name = inst_name(sg->name, r, sg->count);
                if (npinst > 1 && sc->nprocs > 1) {
                    char buf[300];
                    snprintf(buf, sizeof buf, "%s/%s", e->st.procs[pi].name, name);
                    free(name);
                    name = gv_strdup(buf);
                }
                thread_init(e, id, pi, g, name);
                exec_init(e, &e->th[id].own, prog, nprog);
                nsteps += (uint64_t)sg->nsteps;
            }
        }
    }
    assert(id == nscene);
    e->loops = gv_calloc((size_t)(sc->nloops ? sc->nloops : 1), sizeof *e->loops);
    e->nloops = sc->nloops;
    e->work_items = gv_calloc((size_t)(nexec ? nexec : 1), sizeof *e->work_items);
    for (int32_t l = 0; l < sc->nloops; l++) {
        struct sloop *L = &e->loops[l];
        int32_t proc = loop_runner_proc(sc, l);
        tq_init(&L->timers);
        tq_init(&L->io);
        /* Room for as many handles and timers as the loop has tasks, in
         * virtual memory (a ring's room grows in it: gv_ring_grow_in), so
         * that growing never moves them: all of its tasks are ready at
         * once when it starts, and a task's sleeps or I/O can all be
         * pending at once. */
        size_t lt = 0;
        for (int32_t c = 0; c < sc->ncoros; c++)
            if (sc->coros[c].loop == l && !sc->coros[c].is_callback)
                lt += (size_t)sc->coros[c].count;
        L->resv = 64;
        while (L->resv < lt) /* SCENE_MAX_TASKS at most */
            L->resv *= 2;
        L->ready = gv_malloc(L->resv * sizeof *L->ready);
        L->rcap = 64;
        L->iodone = gv_malloc(L->resv * sizeof *L->iodone);
        L->capio = 64;
        tq_reserve(&L->timers, L->resv);
        tq_reserve(&L->io, L->resv);
        L->slow_callback = sc->loops[l].slow_callback;
        L->thread = -1;
        L->pinst = 0;
        for (int32_t k = 0; k < npinst; k++)
            if (e->pr[k].scene_proc == proc) {
                L->pinst = k;
                break;
            }
        L->exec_first = id;
        L->exec_size = executor_size(sc, l);
        for (int32_t r = 0; r < L->exec_size; r++, id++) {
            char buf[300];
            snprintf(buf, sizeof buf, "%s-executor%d", sc->loops[l].name, (int)r + 1);
            thread_init(e, id, L->pinst, -1, gv_strdup(buf));
            e->th[id].role = ROLE_EXECUTOR;
            e->th[id].role_ref = l;
            e->th[id].daemon = true;
            e->st.threads[id].daemon = 1;
        }
    }
    e->pools = gv_calloc((size_t)(sc->npools ? sc->npools : 1), sizeof *e->pools);
    for (int32_t p = 0, pk = npinst; p < sc->npools; p++) {
        e->pools[p].first = id;
        e->pools[p].size = sc->pools[p].size;
        for (int32_t r = 0; r < sc->pools[p].size; r++, id++, pk++) {
            thread_init(e, id, pk, -1, gv_strdup(e->st.procs[pk].name));
            e->th[id].role = ROLE_WORKER;
            e->th[id].role_ref = p;
            e->th[id].daemon = true;
            e->st.threads[id].daemon = 1;
        }
    }
    assert(id == e->nth);

    /* tasks, callbacks, futures, queues */
    e->ntasks = ntasks;
    e->tasks = gv_calloc((size_t)(ntasks ? ntasks : 1), sizeof *e->tasks);
    int32_t nc = sc->ncoros ? sc->ncoros : 1;
    e->coro_first = gv_calloc((size_t)nc, sizeof *e->coro_first);
    e->coro_left = gv_calloc((size_t)nc, sizeof *e->coro_left);
    e->gather_waiters = gv_calloc((size_t)nc, sizeof *e->gather_waiters);
    e->ngather = gv_calloc((size_t)nc, sizeof *e->ngather);
    e->capgather = gv_calloc((size_t)nc, sizeof *e->capgather);
    e->cb_exec = gv_calloc((size_t)nc, sizeof *e->cb_exec);
    e->st.tasks = gv_calloc((size_t)(ntasks ? ntasks : 1), sizeof *e->st.tasks);
    e->st.ntasks = ntasks;
    for (int32_t c = 0, k = 0; c < sc->ncoros; c++) {
        const struct scene_coro *co = &sc->coros[c];
        int32_t nprog;
        const struct scene_step *prog = unroll(e, co->steps, co->nsteps, &nprog);
        if (co->is_callback) {
            exec_init(e, &e->cb_exec[c], prog, nprog);
            continue;
        }
        e->coro_first[c] = k;
        e->coro_left[c] = co->count;
        nsteps += (uint64_t)co->count * (uint64_t)co->nsteps;
        /* the tasks' repeat stacks side by side, in the order they run */
        int32_t nrep = repeat_depth(prog, nprog);
        struct loopframe *frames = nrep ? arena_alloc(e, (size_t)co->count * (size_t)nrep * sizeof *frames) : NULL;
        for (int32_t r = 0; r < co->count; r++, k++) {
            struct stask *t = &e->tasks[k];
            t->coro = c;
            t->loop = co->loop;
            t->lane = -1;
            t->io_since = -1;
            t->awaits = -1;
            exec_set(&t->x, prog, nprog, frames ? frames + (size_t)r * (size_t)nrep : NULL);
            e->st.tasks[k].name = inst_name(co->name, r, co->count);
            e->st.tasks[k].loop = co->loop;
            e->st.tasks[k].done = -1;
        }
    }
    e->futures = gv_calloc((size_t)(sc->nfutures ? sc->nfutures : 1), sizeof *e->futures);
    e->queues = gv_calloc((size_t)(sc->nqueues ? sc->nqueues : 1), sizeof *e->queues);
    for (int32_t q = 0; q < sc->nqueues; q++)
        e->queues[q].cap = sc->queues[q].capacity;
    exec_init(e, &e->null_exec, NULL, 0);

    /* thread lanes come first, so a thread's lane number is its index */
    for (int32_t i = 0; i < e->nth; i++)
        timeline_add_lane(tl, LANE_THREAD, e->st.threads[i].name, e->th[i].pinst, i);
    e->scene_lane = (uint16_t)timeline_add_lane(tl, LANE_SCENE, sc->title.text[0] ? sc->title.text[0] : "scene", -1, 0);
    for (int32_t i = 0; i < e->npr; i++)
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
    e->cores = gv_calloc((size_t)e->ncores, sizeof *e->cores);
    e->st.core_busy_ns = gv_calloc((size_t)e->ncores, sizeof *e->st.core_busy_ns);
    e->st.ncores = e->ncores;
    for (int32_t i = 0; i < e->ncores; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "core %d", (int)i);
        e->cores[i].cur = e->cores[i].last = -1;
        timeline_add_lane(tl, LANE_CORE, buf, -1, i);
    }
    e->st.loops = gv_calloc((size_t)(sc->nloops ? sc->nloops : 1), sizeof *e->st.loops);
    e->st.nloops = sc->nloops;
    for (int32_t l = 0; l < sc->nloops; l++) {
        char buf[300];
        e->st.loops[l].name = gv_strdup(sc->loops[l].name);
        e->loops[l].lane = (uint16_t)timeline_add_lane(tl, LANE_LOOP, sc->loops[l].name, e->loops[l].pinst, l);
        snprintf(buf, sizeof buf, "%s ready", sc->loops[l].name);
        e->loops[l].rlane = (uint16_t)timeline_add_lane(tl, LANE_COUNTER, buf, e->loops[l].pinst, l);
    }
    for (int32_t k = 0; k < ntasks && k < TASK_LANES_MAX; k++)
        e->tasks[k].lane = timeline_add_lane(tl, LANE_TASK, e->st.tasks[k].name, e->loops[e->tasks[k].loop].pinst, k);
    for (int32_t q = 0; q < sc->nqueues; q++)
        e->queues[q].lane = (uint16_t)timeline_add_lane(tl, LANE_COUNTER, sc->queues[q].name, -1, q);

    /* every program run through several times at one instant is still a
     * scene (100,000 tasks each putting to a queue at start); far more is a
     * loop that never lets time pass */
    e->instant_cap = 8 * nsteps > ENGINE_MAX_INSTANT_STEPS ? 8 * nsteps : ENGINE_MAX_INSTANT_STEPS;
    e->instant_left = (int64_t)e->instant_cap; /* at time 0 (instant_at) */
    e->loop_slot0 = (uint32_t)(2 * e->nth + e->ncores + sc->nnotes);
    evq_init(&e->q, e->loop_slot0 + (uint32_t)sc->nloops);
    return e;
}

void engine_set_max_events(struct engine *e, uint64_t max_events)
{
    e->max_events = max_events;
}

void engine_set_await_shortcut(struct engine *e, bool on)
{
    e->no_shortcut = !on;
}

/* The 99th percentile of n > 0 values by nearest rank: the smallest value
 * with at least 99% of them at or below it (0-based index into the sorted
 * values).  With fewer than 100 values that is the largest. */
static size_t rank99(size_t n)
{
    return (n / 100) * 99 + ((n % 100) * 99 + 99) / 100 - 1;
}

/* Mean, max and p99 of a set of samples (n > 0). */
static void sample_figures(struct gv_samples *v, gv_ns *mean, gv_ns *max, gv_ns *p99)
{
    *mean = gv_samples_mean(v);
    *max = gv_samples_max(v);
    *p99 = gv_samples_rank(v, rank99(gv_samples_count(v)));
}

/* Turn raw samples into the figures of the report. */
static void finish_stats(struct engine *e)
{
    struct sim_stats *s = &e->st;
    size_t nio = gv_samples_count(&e->io_lat);
    if (nio > 0) {
        sample_figures(&e->io_lat, &s->io_mean_ns, &s->io_max_ns, &s->io_p99_ns);
        s->io_p50_ns = gv_samples_rank(&e->io_lat, (nio - 1) / 2);
    }
    for (int32_t i = 0; i < s->nprocs; i++) {
        s->switches += s->procs[i].switches;
        s->forced_switches += s->procs[i].forced_switches;
        s->drop_requests += s->procs[i].drop_requests;
        s->failed_wakeups += s->procs[i].failed_wakeups;
    }
    for (int32_t k = 0; k < e->ntasks; k++) {
        struct stask *t = &e->tasks[k];
        struct task_stats *ts = &s->tasks[k];
        if (t->created && t->state != TK_DONE && t->state != TK_CANCELLED)
            task_account(e, t); /* close the open interval */
        if (!t->created)
            ts->created = -1;
        if (t->state != TK_DONE && t->state != TK_CANCELLED)
            ts->done = -1;
        ts->pending_ns = t->acc[TK_PENDING - TK_SCHEDULED];
        ts->scheduled_ns = t->acc[TK_SCHEDULED - TK_SCHEDULED];
        ts->running_ns = t->acc[TK_RUNNING - TK_SCHEDULED];
        ts->cancelled = t->state == TK_CANCELLED;
    }
    for (int32_t l = 0; l < s->nloops; l++) {
        struct sloop *L = &e->loops[l];
        struct loop_stats *ls = &s->loops[l];
        ls->iterations = L->iterations;
        ls->handles = gv_samples_count(&L->lags);
        ls->slow_callbacks = L->slow;
        if (ls->handles > 0)
            sample_figures(&L->lags, &ls->lag_mean_ns, &ls->lag_max_ns, &ls->lag_p99_ns);
        ls->executor_threads = L->exec_started;
        gv_ns life = 0;
        for (int32_t i = 0; i < L->exec_started; i++) {
            struct sthread *w = &e->th[L->exec_first + i];
            struct thread_stats *ws = &s->threads[w->id];
            gv_ns end = ws->end >= 0 ? ws->end : e->now;
            life += end - ws->start;
            ls->executor_busy_ns += end - ws->start - ws->idle_ns;
        }
        ls->executor_utilisation = life > 0 ? (double)ls->executor_busy_ns / (double)life : 0.0;
    }
    s->sequential_ns = e->sequential_ns;
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
        const char *what = t->wait == W_LOCK ? "a lock" : t->wait == W_JOIN ? "a join"
                         : t->wait == W_SELECT ? "events in select() (a task awaits something that never comes)"
                         : t->wait == W_QUEUE ? (t->queue_put ? "room in a queue" : "an item from a queue")
                         : t->wait == W_MAP ? "a pool" : "the GIL";
        char named[160]; /* the same, with the names when the state's argument gives them */
        if (t->wait == W_LOCK && t->arg >= 0 && t->arg < e->sc->nlocks) {
            int32_t o = e->locks[t->arg].owner;
            snprintf(named, sizeof named, "lock '%s'%s%s%s%s", e->sc->locks[t->arg].name,
                     o >= 0 ? ", held by '" : "", o >= 0 ? s->threads[o].name : "", o >= 0 ? "'" : "",
                     o >= 0 && e->th[o].done ? ", which ended without releasing it" : "");
            what = named;
        } else if (t->wait == W_JOIN && t->arg >= 0 && t->arg < e->nth) {
            snprintf(named, sizeof named, "'%s' to end", s->threads[t->arg].name);
            what = named;
        } else if (t->wait == W_QUEUE && t->arg >= 0 && t->arg < e->sc->nqueues) {
            snprintf(named, sizeof named, "%s queue '%s'", t->queue_put ? "room in" : "an item from",
                     e->sc->queues[t->arg].name);
            what = named;
        }
        int w = snprintf(s->deadlock_desc + n, sizeof s->deadlock_desc - n, "%s'%s' waits for %s",
                         n ? "; " : "", s->threads[i].name, what);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    rec(e, e->scene_lane, TL_EVENT, EV_DEADLOCK, 0, -1);
}

/* engine_run's event of slot, a loop's I/O, whose timer (key) is first in
 * the evq and handled.  A burst of I/O completions while the loop sits in
 * select: as long as the next timer is this loop's I/O slot again
 * (re-armed by on_loop_io, so its key changed), the rest of this loop has
 * nothing to do.  on_loop_io sets no thread state or ready count
 * (flush_states would write nothing), puts no thread on a core and ends
 * none; so the next completion is handled here, after the checks that can
 * still stop the run.  Each one is still an event.  `last` is the first
 * event number the burst leaves to engine_run: the event cap, or the next
 * publish.  Returns the key of the timer engine_run is to retire (the
 * slot's, handled last), which counts the last event.  Out of line: in
 * engine_run, this loop made gcc inline less of the rest. */
static __attribute__((noinline)) uint64_t loop_io_events(struct engine *e, uint32_t slot, uint64_t key,
                                                         gv_ns horizon)
{
    uint64_t last = (e->st.events | 0x3fff) + 1;
    if (e->max_events < last)
        last = e->max_events;
    if (e->no_shortcut)
        last = 0;
    for (;;) {
        if (last > 0) {
            int b = loop_io_burst(e, slot, key, last, horizon);
            if (b > 0)
                return key;
            if (b < 0)
                key = e->q.heap[0].key; /* a later completion, handled (evq_handle) */
        }
        on_loop_io(e, (int32_t)(slot - e->loop_slot0));
        assert(e->nkick == 0 && e->ndirty == 0);
        const struct evq_item *nx = &e->q.heap[0];
        if (e->st.events + 1 >= last || nx->slot != slot || nx->key == key || e->failed || e->tl_full ||
            nx->t > horizon)
            return key;
        e->st.events++;
        assert(nx->t >= e->now);
        e->now = nx->t;
        key = nx->key;
        evq_handle(&e->q, nx);
    }
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
    for (int32_t l = 0; l < sc->nloops; l++) {
        rec(e, e->loops[l].lane, TL_STATE, LOOP_IDLE, 0, -1);
        rec(e, e->loops[l].rlane, TL_COUNTER, 0, 0, 0);
    }
    for (int32_t k = 0; k < e->ntasks; k++)
        if (e->tasks[k].lane >= 0)
            rec(e, (uint16_t)e->tasks[k].lane, TL_STATE, TK_NEW, 0, -1);
    for (int32_t q = 0; q < sc->nqueues; q++)
        rec(e, e->queues[q].lane, TL_COUNTER, 0, 0, 0);
    for (int32_t i = 0; i < e->nth; i++)
        if (e->th[i].group >= 0 && !sc->threads[e->th[i].group].deferred)
            thread_start(e, &e->th[i], -1);

    const gv_ns horizon = sc->set.horizon;
    struct evq_item it;
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
        if (it.t > horizon) {
            e->now = horizon;
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
        evq_handle(&e->q, &it);
        uint32_t slot = it.slot;
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
        } else if (slot >= e->loop_slot0) {
            it.key = loop_io_events(e, slot, it.key, horizon);
        } else {
            rec(e, e->scene_lane, TL_EVENT, EV_NOTE, 0, (int32_t)(slot - 2 * (uint32_t)e->nth - (uint32_t)e->ncores));
        }
        if (e->nkick > 0)
            drain_kicks(e);
        evq_retire(&e->q, &it);
        e->st.events++;
        if ((e->st.events & 0x3fff) == 0) {
            timeline_publish(e->tl);
            if (atomic_load_explicit(&e->cancel, memory_order_relaxed))
                break;
        }
    }
    if (e->live > 0 && e->st.wall_ns < e->now)
        e->st.wall_ns = e->now;
    flush_states(e);
    finish_stats(e);
    e->st.speedup = e->st.wall_ns > 0 ? (double)e->st.sequential_ns / (double)e->st.wall_ns : 0.0;
    timeline_finish(e->tl, e->st.wall_ns > e->now ? e->st.wall_ns : e->now);
    if (e->failed) {
        snprintf(err, errsize, "%s", e->err);
        return -1;
    }
    if (e->tl_full && timeline_mem_full(e->tl)) {
        e->st.mem_cap_hit = 1;  /* a resource cap, like max_events: not an error */
        return 0;
    }
    if (e->tl_full) {
        snprintf(err, errsize,
                 gv_msg("%s: the timeline is full (%llu records): raise the limit or shorten the scene"),
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

void engine_cancel(struct engine *e)
{
    atomic_store_explicit(&e->cancel, true, memory_order_relaxed);
}

const struct sim_stats *engine_stats(const struct engine *e)
{
    return &e->st;
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
    for (int32_t l = 0; l < e->sc->nloops; l++) {
        struct sloop *L = &e->loops[l];
        free(L->ready);
        free(L->iodone);
        free(L->ts);
        tq_free(&L->timers);
        tq_free(&L->io);
        free(L->work);
        gv_samples_free(&L->lags);
        free(e->st.loops[l].name);
    }
    for (int32_t k = 0; k < e->ntasks; k++)
        free(e->st.tasks[k].name);
    for (int32_t c = 0; c < e->sc->ncoros; c++)
        free(e->gather_waiters[c]);
    for (int32_t f = 0; f < e->sc->nfutures; f++) {
        free(e->futures[f].waiters);
        free(e->futures[f].cbs);
    }
    for (int32_t q = 0; q < e->sc->nqueues; q++)
        free(e->queues[q].waiters);
    free(e->loops);
    free(e->tasks);
    free(e->coro_first);
    free(e->coro_left);
    free(e->gather_waiters);
    free(e->ngather);
    free(e->capgather);
    free(e->cb_exec);
    free(e->futures);
    free(e->queues);
    free(e->pools);
    free(e->work_items);
    free(e->st.tasks);
    free(e->st.loops);
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
    for (size_t i = 0; i < e->narena; i++)
        free(e->arena[i]);
    free(e->arena);
    free(e->dirty);
    free(e->group_first);
    free(e->group_count);
    gv_samples_free(&e->io_lat);
    evq_free(&e->q);
    free(e);
}
