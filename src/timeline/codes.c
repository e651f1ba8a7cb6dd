/*
 * codes: names of timeline codes, used by report, the JSON output and tests.
 */
#include "codes.h"

static const char *const thread_names[TS_COUNT_] = {
    [TS_NEW] = "new",          [TS_READY] = "ready",
    [TS_PYTHON] = "python",    [TS_CCALL] = "c-holding-gil",
    [TS_NOGIL] = "c-released", [TS_GIL_WAIT] = "gil-wait",
    [TS_SWITCH_WAIT] = "switch-wait", [TS_IO] = "io",
    [TS_SLEEP] = "sleep",      [TS_LOCK_WAIT] = "lock-wait",
    [TS_JOIN_WAIT] = "join-wait", [TS_OS] = "os",
    [TS_DONE] = "done",        [TS_SELECT] = "select",
    [TS_QUEUE_WAIT] = "queue-wait", [TS_IDLE] = "idle",
    [TS_MAP_WAIT] = "map-wait",
};

static const char *const task_names[TK_COUNT_] = {
    [TK_NEW] = "new", [TK_SCHEDULED] = "scheduled", [TK_RUNNING] = "running",
    [TK_PENDING] = "pending", [TK_DONE] = "done", [TK_CANCELLED] = "cancelled",
};

static const char *const event_names[EV_COUNT_] = {
    [EV_NOTE] = "note",                 [EV_DROP_REQUEST] = "drop-request",
    [EV_SWITCH] = "switch",             [EV_FORCED_SWITCH] = "forced-switch",
    [EV_FAILED_WAKEUP] = "failed-wakeup", [EV_GIL_RELEASE_CHECK] = "release-check",
    [EV_THREAD_START] = "thread-start", [EV_THREAD_END] = "thread-end",
    [EV_IO_DONE] = "io-done",           [EV_LOST_UPDATE] = "lost-update",
    [EV_DEADLOCK] = "deadlock",         [EV_HORIZON] = "horizon",
    [EV_PREEMPT] = "preempt",           [EV_LOCK_ACQUIRED] = "lock-acquired",
    [EV_TASK_CREATED] = "task-created", [EV_FUTURE_DONE] = "future-done",
    [EV_CALLBACK_SCHEDULED] = "callback-scheduled", [EV_SLOW_CALLBACK] = "slow-callback",
    [EV_FLOW_OUT] = "flow-out",         [EV_FLOW_IN] = "flow-in",
    [EV_LOOP_ITERATION] = "loop-iteration", [EV_SWITCH_INTERVAL] = "switch-interval",
};

const char *thread_state_name(int code)
{
    return code >= 0 && code < TS_COUNT_ ? thread_names[code] : "?";
}

const char *task_state_name(int code)
{
    return code >= 0 && code < TK_COUNT_ ? task_names[code] : "?";
}

const char *tl_event_name(int code)
{
    return code >= 0 && code < EV_COUNT_ ? event_names[code] : "?";
}
