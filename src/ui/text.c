/*
 * text: the English table built from TEXT_LIST, translated through gettext.
 */
#include "text.h"

#include "../scene/scene.h"
#include "../timeline/codes.h"

static const char *const text_en[T_COUNT_] = {
#define TEXT_EN(id, en) [id] = en,
    TEXT_LIST(TEXT_EN)
#undef TEXT_EN
};

const char *text_get(int lang, enum text_id id)
{
    if ((int)id < 0 || id >= T_COUNT_)
        return "?";
    return gv_tr(lang, text_en[id]);
}

const char *text_state(int lang, int code)
{
    /* id + 1, so that 0 marks a state newer than this table */
    static const int ids[TS_COUNT_] = {
        [TS_NEW] = T_S_NEW + 1,         [TS_READY] = T_S_READY + 1,   [TS_PYTHON] = T_S_PYTHON + 1,
        [TS_CCALL] = T_S_CCALL + 1,     [TS_NOGIL] = T_S_NOGIL + 1,   [TS_GIL_WAIT] = T_S_GIL_WAIT + 1,
        [TS_SWITCH_WAIT] = T_S_SWITCH_WAIT + 1, [TS_IO] = T_S_IO + 1, [TS_SLEEP] = T_S_SLEEP + 1,
        [TS_LOCK_WAIT] = T_S_LOCK_WAIT + 1, [TS_JOIN_WAIT] = T_S_JOIN_WAIT + 1, [TS_OS] = T_S_OS + 1,
        [TS_DONE] = T_S_DONE + 1,       [TS_SELECT] = T_S_SELECT + 1, [TS_QUEUE_WAIT] = T_S_QUEUE_WAIT + 1,
        [TS_IDLE] = T_S_IDLE + 1,       [TS_MAP_WAIT] = T_S_MAP_WAIT + 1,
    };
    if (code >= 0 && code < TS_COUNT_ && ids[code])
        return text_get(lang, (enum text_id)(ids[code] - 1));
    return thread_state_name(code);
}

const char *text_task(int lang, int code, int wait)
{
    static const enum text_id awaits[] = { T_K_AWAIT_IO, T_K_AWAIT_SLEEP, T_K_AWAIT_FUTURE, T_K_AWAIT_GATHER,
                                           T_K_AWAIT_EXECUTOR };
    switch (code) {
    case TK_NEW: return text_get(lang, T_K_NEW);
    case TK_SCHEDULED: return text_get(lang, T_K_SCHEDULED);
    case TK_RUNNING: return text_get(lang, T_K_RUNNING);
    case TK_PENDING:
        return wait >= 0 && wait < (int)(sizeof awaits / sizeof awaits[0]) ? text_get(lang, awaits[wait])
                                                                          : task_state_name(code);
    case TK_DONE: return text_get(lang, T_K_DONE);
    case TK_CANCELLED: return text_get(lang, T_K_CANCELLED);
    default: return task_state_name(code);
    }
}
