/*
 * codes: what the `code` and `arg` of a timeline record mean, per lane kind.
 * Shared by the engine (writer) and every reader; the numbers are part of
 * the timeline's byte format, so append new codes, never renumber.
 */
#ifndef GV_CODES_H
#define GV_CODES_H

/* Thread lane STATE codes.  flags carry GIL ownership and the core (see
 * timeline.h); `arg` is the cause of a wait. */
enum thread_state {
    TS_NEW = 0,      /* not started yet */
    TS_READY,        /* runnable, waiting for a core (arg: what it will do, see ready_why) */
    TS_PYTHON,       /* running Python bytecode, holding the GIL */
    TS_CCALL,        /* running C code that holds the GIL */
    TS_NOGIL,        /* running C code with the GIL released */
    TS_GIL_WAIT,     /* waiting for the GIL; arg = holder thread (-1: free, wake-up pending) */
    TS_SWITCH_WAIT,  /* forced to drop: waiting until another thread takes the GIL; arg = thread woken */
    TS_IO,           /* blocked in I/O; arg = label (-1 none) */
    TS_SLEEP,        /* time.sleep */
    TS_LOCK_WAIT,    /* waiting on a lock; arg = lock index (owner in the lock lane) */
    TS_JOIN_WAIT,    /* waiting for a thread group to end; arg = first thread of the group */
    TS_OS,           /* on a core doing kernel work: context switch, futex wake, failed wake-up */
    TS_DONE,
    TS_COUNT_
};

/* Why a READY thread wants a core (arg of TS_READY). */
enum ready_why {
    READY_RUN = 0,   /* continue its work (preempted, or woken after a wait) */
    READY_GIL = 1,   /* woken to try to take the GIL */
};

/* GIL lane STATE codes: arg = holder thread for GIL_HELD. */
enum gil_state {
    GIL_FREE = 0,
    GIL_HELD = 1,
    GIL_ABSENT = 2,  /* free-threaded build: no GIL at all */
};

/* Lock lane STATE codes: arg = owner thread for LOCK_HELD. */
enum lock_state {
    LOCK_FREE = 0,
    LOCK_HELD = 1,
};

/* EVENT codes (any lane; the lane says where it happened). */
enum tl_event {
    EV_NOTE = 0,          /* scene lane: caption arg starts showing */
    EV_DROP_REQUEST,      /* GIL lane: arg = the waiter whose timeout set it */
    EV_SWITCH,            /* GIL lane: arg = new holder; voluntary (previous holder released) */
    EV_FORCED_SWITCH,     /* GIL lane: arg = new holder, after a drop request */
    EV_FAILED_WAKEUP,     /* thread lane: woken for the GIL, found it taken; arg = holder */
    EV_GIL_RELEASE_CHECK, /* GIL lane (old GIL): holder released and re-took at a check; arg = holder */
    EV_THREAD_START,      /* thread lane: arg = starter thread (-1: at time 0) */
    EV_THREAD_END,        /* thread lane */
    EV_IO_DONE,           /* thread lane: arg = label */
    EV_LOST_UPDATE,       /* shared lane: arg = thread whose write overwrote a newer value */
    EV_DEADLOCK,          /* lock lane: arg = a thread in the cycle */
    EV_HORIZON,           /* scene lane: simulation stopped at the horizon */
    EV_PREEMPT,           /* thread lane: the OS took its core away; arg = core */
    EV_LOCK_ACQUIRED,     /* lock lane: arg = thread */
    EV_COUNT_
};

const char *thread_state_name(int code);   /* "python", "gil-wait", ... */
const char *tl_event_name(int code);       /* "drop-request", ... */

#endif
