/*
 * eventlog: see eventlog.h.  One sentence per record; the wording names the
 * cause of every wait, because "why is this thread not running?" is the
 * question the log exists to answer.  Every sentence is a whole message in
 * the gettext catalogue (see src/i18n.h), so a translation can put its
 * words in its own order; `lang` selects English or Portuguese.
 */
#include "eventlog.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../i18n.h"
#include "../timeline/codes.h"

/* Name of lane `l`, or "?" */
static const char *lane_name(const struct timeline *tl, int l)
{
    if (l < 0 || l >= timeline_nlanes(tl))
        return "?";
    return timeline_lane(tl, l)->name;
}


/* Name of thread index `i` (thread lanes come first in every timeline). */
static const char *thread_name(const struct timeline *tl, int32_t i, int lang)
{
    if (i < 0 || i >= timeline_nlanes(tl) || timeline_lane(tl, i)->kind != LANE_THREAD)
        return gv_tr(lang, "nobody");
    return timeline_lane(tl, i)->name;
}

/* Sentence for a thread STATE record. */
static void thread_state(const struct timeline *tl, const struct scene *sc, const struct tl_rec *r, int lang,
                         char *buf, size_t size)
{
    const char *who = lane_name(tl, r->lane);
    int core = (int)(r->flags & TL_FLAG_CORE_MASK) - 1;
    int gil = (r->flags & TL_FLAG_GIL) != 0;
    const char *lbl;
    switch (r->code) {
    case TS_NEW: snprintf(buf, size, gv_tr(lang, "%s has not started"), who); break;
    case TS_READY:
        if (r->arg == READY_GIL)
            snprintf(buf, size,
                     gil ? gv_tr(lang, "%s is ready and waits for a core (to try for the GIL), holding the GIL")
                         : gv_tr(lang, "%s is ready and waits for a core (to try for the GIL)"),
                     who);
        else
            snprintf(buf, size,
                     gil ? gv_tr(lang, "%s is ready and waits for a core, holding the GIL")
                         : gv_tr(lang, "%s is ready and waits for a core"),
                     who);
        break;
    case TS_PYTHON: snprintf(buf, size, gv_tr(lang, "%s runs Python on core %d"), who, core); break;
    case TS_CCALL: snprintf(buf, size, gv_tr(lang, "%s runs C code holding the GIL on core %d"), who, core); break;
    case TS_NOGIL:
        snprintf(buf, size, gv_tr(lang, "%s runs C code with the GIL released on core %d"), who, core);
        break;
    case TS_GIL_WAIT:
        if (r->arg >= 0)
            snprintf(buf, size, gv_tr(lang, "%s waits for the GIL held by %s"), who, thread_name(tl, r->arg, lang));
        else
            snprintf(buf, size, gv_tr(lang, "%s waits for the GIL"), who);
        break;
    case TS_SWITCH_WAIT:
        snprintf(buf, size, gv_tr(lang, "%s dropped the GIL on request and waits until another thread takes it"),
                 who);
        break;
    case TS_IO:
        lbl = scene_label(sc, r->arg, lang);
        if (lbl)
            snprintf(buf, size, gv_tr(lang, "%s blocks in I/O \"%s\" (GIL released)"), who, lbl);
        else
            snprintf(buf, size, gv_tr(lang, "%s blocks in I/O (GIL released)"), who);
        break;
    case TS_SLEEP: snprintf(buf, size, gv_tr(lang, "%s sleeps (GIL released)"), who); break;
    case TS_LOCK_WAIT:
        snprintf(buf, size, gv_tr(lang, "%s waits for lock %s"), who,
                 sc && r->arg >= 0 && r->arg < sc->nlocks ? sc->locks[r->arg].name : "?");
        break;
    case TS_JOIN_WAIT:
        snprintf(buf, size, gv_tr(lang, "%s waits in join() for %s"), who, thread_name(tl, r->arg, lang));
        break;
    case TS_OS:
        snprintf(buf, size,
                 gil ? gv_tr(lang, "%s is in the kernel on core %d (switch or wake-up), holding the GIL")
                     : gv_tr(lang, "%s is in the kernel on core %d (switch or wake-up)"),
                 who, core);
        break;
    case TS_DONE: snprintf(buf, size, gv_tr(lang, "%s has finished"), who); break;
    case TS_SELECT:
        snprintf(buf, size, gv_tr(lang, "%s waits in select() for its event loop %s (GIL released)"), who,
                 sc && r->arg >= 0 && r->arg < sc->nloops ? sc->loops[r->arg].name : "");
        break;
    case TS_QUEUE_WAIT:
        snprintf(buf, size, gv_tr(lang, "%s waits on queue %s (GIL released)"), who,
                 sc && r->arg >= 0 && r->arg < sc->nqueues ? sc->queues[r->arg].name : "?");
        break;
    case TS_IDLE: snprintf(buf, size, gv_tr(lang, "%s is idle, waiting for work"), who); break;
    case TS_MAP_WAIT:
        snprintf(buf, size, gv_tr(lang, "%s waits in Pool.map for pool %s"), who,
                 sc && r->arg >= 0 && r->arg < sc->npools ? sc->pools[r->arg].name : "?");
        break;
    default: snprintf(buf, size, gv_tr(lang, "%s: state %d"), who, r->code); break;
    }
}

/* Sentence for a task STATE record. */
static void task_state(const struct scene *sc, const struct tl_rec *r, const char *who, int lang, char *buf,
                       size_t size)
{
    /* what a pending task awaits (TW_*), without and with a detail */
    static const char *const awaits[][2] = {
        { N_("task %s awaits I/O"), N_("task %s awaits I/O \"%s\"") },
        { N_("task %s awaits asyncio.sleep"), N_("task %s awaits asyncio.sleep \"%s\"") },
        { N_("task %s awaits future"), N_("task %s awaits future \"%s\"") },
        { N_("task %s awaits gather"), N_("task %s awaits gather \"%s\"") },
        { N_("task %s awaits the executor"), N_("task %s awaits the executor \"%s\"") },
    };
    if (r->code == TK_PENDING) {
        const char *detail = "", *lbl = scene_label(sc, r->arg, lang);
        if ((r->flags == TW_IO || r->flags == TW_EXECUTOR) && lbl)
            detail = lbl;
        else if (r->flags == TW_FUTURE && sc && r->arg >= 0 && r->arg < sc->nfutures)
            detail = sc->futures[r->arg].name;
        else if (r->flags == TW_GATHER && sc && r->arg >= 0 && r->arg < sc->ncoros)
            detail = sc->coros[r->arg].name;
        char len[32];
        if (r->flags >= sizeof awaits / sizeof awaits[0])
            snprintf(buf, size, gv_tr(lang, "task %s awaits something"), who);
        else if (r->flags == TW_SLEEP && r->arg >= 0 && r->arg < INT32_MAX)
            snprintf(buf, size, gv_tr(lang, "task %s awaits asyncio.sleep(%s)"), who,
                     gv_fmt_duration((gv_ns)r->arg * GV_NS_PER_US, len, sizeof len));
        else
            snprintf(buf, size, gv_tr(lang, awaits[r->flags][*detail != 0]), who, detail);
        return;
    }
    switch (r->code) {
    case TK_NEW: snprintf(buf, size, gv_tr(lang, "task %s is new"), who); break;
    case TK_SCHEDULED: snprintf(buf, size, gv_tr(lang, "task %s is scheduled"), who); break;
    case TK_RUNNING: snprintf(buf, size, gv_tr(lang, "task %s is running"), who); break;
    case TK_DONE: snprintf(buf, size, gv_tr(lang, "task %s is done"), who); break;
    case TK_CANCELLED: snprintf(buf, size, gv_tr(lang, "task %s is cancelled"), who); break;
    default: snprintf(buf, size, gv_tr(lang, "task %s is %s"), who, task_state_name(r->code)); break;
    }
}

/* A deadlock among locks, in words: from the thread that closed the cycle,
 * each waits for a lock held by the next, back to the first (the state of
 * every lane at the deadlock's instant says who holds and who waits). */
static void lock_cycle(const struct timeline *tl, const struct tl_rec *r, int lang, char *buf, size_t size)
{
    int nl = timeline_nlanes(tl);
    struct tl_lane_state *st = gv_calloc((size_t)nl + 1, sizeof *st);
    timeline_state_at(tl, r->t, st);
    size_t n = (size_t)snprintf(buf, size, "%s", gv_tr(lang, "deadlock:"));
    int th = r->arg, lane = r->lane;
    for (int hops = 0; hops < nl && n < size; hops++) {
        int holder = st[lane].code == LOCK_HELD ? st[lane].arg : -1;
        int w = snprintf(buf + n, size - n, gv_tr(lang, "%s %s waits for lock %s, held by %s"), hops ? ";" : "",
                         thread_name(tl, th, lang), timeline_lane(tl, lane)->name, thread_name(tl, holder, lang));
        if (w < 0)
            break;
        n += (size_t)w;
        if (holder < 0 || holder == r->arg || holder >= nl || st[holder].code != TS_LOCK_WAIT)
            break;
        /* the holder waits too: for which lock (its state's argument is the lock's index) */
        int next = -1;
        for (int l = 0; l < nl && next < 0; l++)
            if (timeline_lane(tl, l)->kind == LANE_LOCK && timeline_lane(tl, l)->index == st[holder].arg)
                next = l;
        if (next < 0)
            break;
        th = holder;
        lane = next;
    }
    free(st);
}

void eventlog_describe(const struct timeline *tl, const struct scene *sc, uint64_t i, int lang, char *buf,
                       size_t size)
{
    const struct tl_rec *r = timeline_get(tl, i);
    const struct tl_lane *l = timeline_lane(tl, r->lane);
    const char *who = l->name;
    if (r->kind == TL_STATE) {
        switch (l->kind) {
        case LANE_THREAD: thread_state(tl, sc, r, lang, buf, size); return;
        case LANE_GIL:
            if (r->code == GIL_HELD)
                snprintf(buf, size, gv_tr(lang, "GIL of process %s: taken by %s"), who, thread_name(tl, r->arg, lang));
            else if (r->code == GIL_FREE)
                snprintf(buf, size, gv_tr(lang, "GIL of process %s: free"), who);
            else
                snprintf(buf, size, gv_tr(lang, "%s has no GIL (free-threaded)"), who);
            return;
        case LANE_LOCK:
            if (r->code == LOCK_HELD)
                snprintf(buf, size, gv_tr(lang, "lock %s: held by %s"), who, thread_name(tl, r->arg, lang));
            else
                snprintf(buf, size, gv_tr(lang, "lock %s: free"), who);
            return;
        case LANE_TASK: task_state(sc, r, who, lang, buf, size); return;
        case LANE_LOOP:
            switch (r->code) {
            case LOOP_SELECT:
                if (r->arg < 0)
                    snprintf(buf, size, gv_tr(lang, "loop %s waits in select() until an event comes"), who);
                else
                    snprintf(buf, size, gv_tr(lang, "loop %s waits in select() for at most %d us"), who, r->arg);
                break;
            case LOOP_TASK: {
                char tn[160];
                snprintf(buf, size, gv_tr(lang, "loop %s runs a step of task %s"), who,
                         (scene_task_name(sc, r->arg, tn, sizeof tn), tn));
                break;
            }
            case LOOP_CALLBACK:
                snprintf(buf, size, gv_tr(lang, "loop %s runs callback %s"), who,
                         sc && r->arg >= 0 && r->arg < sc->ncoros ? sc->coros[r->arg].name : "?");
                break;
            case LOOP_EVENTS:
                snprintf(buf, size, gv_tr(lang, "loop %s: select returned, it queues the ready callbacks"), who);
                break;
            default: snprintf(buf, size, gv_tr(lang, "loop %s is not running"), who); break;
            }
            return;
        default: snprintf(buf, size, gv_tr(lang, "%s: state %d"), who, r->code); return;
        }
    }
    if (r->kind == TL_COUNTER) {
        if (l->kind == LANE_COUNTER) {
            /* a loop's ready queue ("app ready") or a queue.Queue */
            const char *loop = sc && l->index >= 0 && l->index < sc->nloops ? sc->loops[l->index].name : NULL;
            size_t ln = loop ? strlen(loop) : 0;
            if (loop && strncmp(who, loop, ln) == 0 && strcmp(who + ln, " ready") == 0)
                snprintf(buf, size, gv_tr(lang, "loop %s: %d in the ready queue"), loop, (int)r->arg);
            else
                snprintf(buf, size, gv_tr(lang, "queue %s: length %d"), who, (int)r->arg);
        } else
            snprintf(buf, size, "%s = %" PRId32, who, r->arg);
        return;
    }
    switch (r->code) {
    case EV_NOTE:
        if (sc && r->arg >= 0 && r->arg < sc->nnotes)
            snprintf(buf, size, gv_tr(lang, "note: %s"), scene_text_get(&sc->notes[r->arg].text, lang));
        else
            snprintf(buf, size, gv_tr(lang, "note %d"), r->arg);
        break;
    case EV_DROP_REQUEST:
        snprintf(buf, size, gv_tr(lang, "%s waited a whole switch interval: it sets drop_request"),
                 thread_name(tl, r->arg, lang));
        break;
    case EV_SWITCH: snprintf(buf, size, gv_tr(lang, "GIL switch to %s"), thread_name(tl, r->arg, lang)); break;
    case EV_FORCED_SWITCH:
        snprintf(buf, size, gv_tr(lang, "forced GIL switch to %s"), thread_name(tl, r->arg, lang));
        break;
    case EV_FAILED_WAKEUP:
        snprintf(buf, size, gv_tr(lang, "%s woke up for the GIL, but %s had it again: failed wake-up"), who,
                 thread_name(tl, r->arg, lang));
        break;
    case EV_GIL_RELEASE_CHECK:
        snprintf(buf, size, gv_tr(lang, "%s releases the GIL after its check interval and takes it back"),
                 thread_name(tl, r->arg, lang));
        break;
    case EV_THREAD_START:
        if (r->arg >= 0)
            snprintf(buf, size, gv_tr(lang, "%s starts %s"), thread_name(tl, r->arg, lang), who);
        else
            snprintf(buf, size, gv_tr(lang, "%s starts"), who);
        break;
    case EV_THREAD_END: snprintf(buf, size, gv_tr(lang, "%s ends"), who); break;
    case EV_IO_DONE: {
        const char *lbl = scene_label(sc, r->arg, lang);
        if (lbl)
            snprintf(buf, size, gv_tr(lang, "%s: I/O \"%s\" completed"), who, lbl);
        else
            snprintf(buf, size, gv_tr(lang, "%s: I/O completed"), who);
        break;
    }
    case EV_LOST_UPDATE:
        snprintf(buf, size, gv_tr(lang, "%s writes %s from a stale read: an update is lost"),
                 thread_name(tl, r->arg, lang), who);
        break;
    case EV_DEADLOCK:
        if (l->kind == LANE_LOCK && r->arg >= 0)
            lock_cycle(tl, r, lang, buf, size);
        else
            snprintf(buf, size, "%s", gv_tr(lang, "deadlock: threads wait for each other forever"));
        break;
    case EV_HORIZON: snprintf(buf, size, "%s", gv_tr(lang, "the simulation stops at its horizon")); break;
    case EV_SWITCH_INTERVAL: {
        char d[32];
        snprintf(buf, size, gv_tr(lang, "sys.setswitchinterval: a GIL waiter in process %s now asks for a drop after %s"),
                 who, gv_fmt_duration((gv_ns)r->arg * GV_NS_PER_US, d, sizeof d));
        break;
    }
    case EV_PREEMPT:
        snprintf(buf, size, gv_tr(lang, "the OS preempts %s: its time slice on core %d is over"), who, r->arg);
        break;
    case EV_LOCK_ACQUIRED:
        snprintf(buf, size, gv_tr(lang, "%s acquires lock %s"), thread_name(tl, r->arg, lang), who);
        break;
    case EV_TASK_CREATED: snprintf(buf, size, gv_tr(lang, "task %s is created"), who); break;
    case EV_FUTURE_DONE:
        snprintf(buf, size,
                 r->flags ? gv_tr(lang, "future %s is cancelled: its waiters (CancelledError) and callbacks are scheduled")
                          : gv_tr(lang, "future %s is done: its waiters and callbacks are scheduled"),
                 sc && r->arg >= 0 && r->arg < sc->nfutures ? sc->futures[r->arg].name : "?");
        break;
    case EV_CALLBACK_SCHEDULED:
        snprintf(buf, size, gv_tr(lang, "callback %s is scheduled on loop %s"),
                 sc && r->arg >= 0 && r->arg < sc->ncoros ? sc->coros[r->arg].name : "?", who);
        break;
    case EV_SLOW_CALLBACK:
        snprintf(buf, size, gv_tr(lang, "loop %s: a callback ran %d us (asyncio debug mode would warn)"), who,
                 r->arg);
        break;
    case EV_FLOW_OUT: {
        /* what the notification is: the cause of the flow (TF_*) */
        static const char *const kind[] = { N_("I/O is ready"), N_("a timer fires"), N_("a result is set"),
                                            N_("call_soon_threadsafe"), N_("call_soon") };
        snprintf(buf, size, gv_tr(lang, "%s: %s (notification #%d)"), who,
                 r->flags < 5 ? gv_tr(lang, kind[r->flags]) : "?", r->arg);
        break;
    }
    case EV_FLOW_IN: snprintf(buf, size, gv_tr(lang, "%s: resumed by notification #%d"), who, r->arg); break;
    case EV_LOOP_ITERATION:
        snprintf(buf, size, gv_tr(lang, "loop %s: a new pass, %d callbacks ready"), who, r->arg);
        break;
    default: snprintf(buf, size, gv_tr(lang, "%s: event %d"), who, r->code); break;
    }
}

void eventlog_print(FILE *f, const struct timeline *tl, const struct scene *sc, gv_ns from, gv_ns to, int lang)
{
    uint64_t n = timeline_count(tl);
    uint64_t i = from > 0 ? timeline_upper(tl, from - 1) : 0;
    char text[512];
    for (; i < n; i++) {
        const struct tl_rec *r = timeline_get(tl, i);
        if (r->t > to)
            break;
        eventlog_describe(tl, sc, i, lang, text, sizeof text);
        fprintf(f, "%14.3f us  %s\n", (double)r->t / 1e3, text);
    }
}
