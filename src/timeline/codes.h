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
    TS_SELECT,       /* an event loop's thread blocked in select(); arg = loop */
    TS_QUEUE_WAIT,   /* blocked in queue.Queue put (full) or get (empty); arg = queue */
    TS_IDLE,         /* an executor or pool worker with no work; arg = -1 */
    TS_MAP_WAIT,     /* waiting in Pool.map for the workers; arg = pool */
    TS_COUNT_
};

/* Task lane STATE codes (asyncio); arg = the cause of a wait (see task_wait). */
enum task_state {
    TK_NEW = 0,      /* not created yet */
    TK_SCHEDULED,    /* in the loop's ready queue */
    TK_RUNNING,      /* its step is running on the loop's thread */
    TK_PENDING,      /* suspended in an await; flags = task_wait, arg = what */
    TK_DONE,
    TK_CANCELLED,
    TK_COUNT_
};

/* What a pending task awaits (flags of TK_PENDING). */
enum task_wait {
    TW_IO = 0,       /* arg = label (-1 none) */
    TW_SLEEP,        /* arg = its length in us, rounded up (INT32_MAX: that or more) */
    TW_FUTURE,       /* arg = future */
    TW_GATHER,       /* arg = task group (scene coro index) */
    TW_EXECUTOR,     /* arg = label (-1 none) */
};

/* Event loop lane STATE codes; arg = task index for LOOP_TASK, callback
 * (scene coro index) for LOOP_CALLBACK, timeout in us (-1: none) for
 * LOOP_SELECT. */
enum loop_state {
    LOOP_IDLE = 0,   /* not running (before asyncio.run or after it returned) */
    LOOP_SELECT,     /* waiting in select() */
    LOOP_TASK,       /* running a task's step */
    LOOP_CALLBACK,   /* running a callback */
    LOOP_EVENTS,     /* between select and the callbacks: processing events */
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
    EV_TASK_CREATED,      /* task lane (or loop lane for tasks without a lane): arg = task */
    EV_FUTURE_DONE,       /* loop lane: arg = future, flags = 1 if it was cancelled */
    EV_CALLBACK_SCHEDULED,/* loop lane: arg = scene coro of the callback, or -1 - task */
    EV_SLOW_CALLBACK,     /* loop lane: arg = how long it ran, in microseconds */
    EV_FLOW_OUT,          /* cause of a notification: arg = flow id, flags = flow kind */
    EV_FLOW_IN,           /* its effect, on the lane that was notified: same flow id */
    EV_LOOP_ITERATION,    /* loop lane: a new _run_once pass; arg = ready callbacks */
    EV_SWITCH_INTERVAL,   /* GIL lane: sys.setswitchinterval; arg = the new interval in us */
    EV_COUNT_
};

/* Kinds of notification (flags of EV_FLOW_OUT / EV_FLOW_IN). */
enum flow_kind {
    FLOW_IO = 0,          /* I/O readiness -> the awaiting task's step */
    FLOW_TIMER,           /* a timer -> its callback or task */
    FLOW_RESULT,          /* set_result / a task ending -> a done callback or waiter */
    FLOW_THREADSAFE,      /* call_soon_threadsafe (or an executor) -> the loop's thread */
    FLOW_SCHEDULE,        /* call_soon / create_task -> the callback or task */
};

const char *thread_state_name(int code);   /* "python", "gil-wait", ... */
const char *task_state_name(int code);     /* "scheduled", "pending", ... */
const char *tl_event_name(int code);       /* "drop-request", ... */

#endif
