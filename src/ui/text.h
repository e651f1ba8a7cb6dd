/*
 * text: every word the player shows.  One list (TEXT_LIST) gives each
 * message an id and its English text, marked with N_() for xgettext; the
 * Portuguese is in the gettext catalogue (assets/po/pt_BR.po), which a test
 * keeps complete.  A translation takes the same printf arguments in the same
 * order (msgfmt --check verifies it).  The event log's sentences come from
 * src/out/eventlog.c, in the same catalogue.
 */
#ifndef GV_TEXT_H
#define GV_TEXT_H

#include "../i18n.h"

#define TEXT_LIST(X)                                                                                                \
    X(T_PLAYING, N_("playing"))                                                                                     \
    X(T_PAUSED, N_("paused"))                                                                                       \
    X(T_END, N_("end"))                                                                                             \
    X(T_END_DEADLOCK, N_("deadlock"))                                                                               \
    X(T_SIMULATING, N_("simulating %c %s so far"))                                                                  \
    X(T_CORES, N_("cores"))                                                                                         \
    X(T_CORE1, N_("1 core"))                                                                                        \
    X(T_NCORES, N_("%d cores"))                                                                                     \
    X(T_CORE_N, N_("core %d"))                                                                                      \
    X(T_EVENTS, N_("events"))                                                                                       \
    X(T_EVENTS_HINT, N_("newest last"))                                                                             \
    X(T_TIME, N_("time"))                                                                                           \
    X(T_IDLE, N_("idle"))                                                                                           \
    X(T_FREE, N_("free"))                                                                                           \
    X(T_HELD_BY, N_("held by %s"))                                                                                  \
    X(T_NO_GIL, N_("no GIL: free-threaded, threads run in parallel"))                                               \
    X(T_WAITING, N_("waiting:"))                                                                                    \
    X(T_NOBODY_WAITS, N_("nobody waits"))                                                                           \
    X(T_N_WAITING, N_("%d waiting"))                                                                                \
    X(T_VIEW, N_("view %s"))                                                                                        \
    X(T_LOCK, N_("lock %s"))                                                                                        \
    /* thread states, short (lane status column and legend) */                                                      \
    X(T_S_NEW, N_("not started"))                                                                                   \
    X(T_S_READY, N_("ready, no core"))                                                                              \
    X(T_S_PYTHON, N_("Python"))                                                                                     \
    X(T_S_CCALL, N_("C holding GIL"))                                                                               \
    X(T_S_NOGIL, N_("C, GIL released"))                                                                             \
    X(T_S_GIL_WAIT, N_("GIL wait"))                                                                                 \
    X(T_S_SWITCH_WAIT, N_("switch wait"))                                                                           \
    X(T_S_IO, N_("I/O"))                                                                                            \
    X(T_S_SLEEP, N_("sleep"))                                                                                       \
    X(T_S_LOCK_WAIT, N_("lock wait"))                                                                               \
    X(T_S_JOIN_WAIT, N_("join wait"))                                                                               \
    X(T_S_OS, N_("kernel"))                                                                                         \
    X(T_S_DONE, N_("done"))                                                                                         \
    X(T_S_SELECT, N_("select()"))                                                                                   \
    X(T_S_QUEUE_WAIT, N_("queue wait"))                                                                             \
    X(T_S_IDLE, N_("idle worker"))                                                                                  \
    X(T_S_MAP_WAIT, N_("Pool.map wait"))                                                                            \
    /* asyncio */                                                                                                   \
    X(T_LOOP, N_("loop %s"))                                                                                        \
    X(T_L_IDLE, N_("not running"))                                                                                  \
    X(T_L_SELECT, N_("select()"))                                                                                   \
    X(T_L_TASK, N_("runs %s"))                                                                                      \
    X(T_L_CALLBACK, N_("callback %s"))                                                                              \
    X(T_L_EVENTS, N_("queues ready callbacks"))                                                                     \
    X(T_L_READY, N_(" · %d ready"))                                                                                 \
    X(T_L_TIMER, N_(" · max %s"))                                                                                   \
    X(T_K_NEW, N_("not created"))                                                                                   \
    X(T_K_SCHEDULED, N_("scheduled"))                                                                               \
    X(T_K_RUNNING, N_("running"))                                                                                   \
    X(T_K_DONE, N_("done"))                                                                                         \
    X(T_K_CANCELLED, N_("cancelled"))                                                                               \
    X(T_K_AWAIT_IO, N_("awaits I/O"))                                                                               \
    X(T_K_AWAITS, N_("awaits"))                                                                                     \
    X(T_K_AWAIT_SLEEP, N_("awaits sleep"))                                                                          \
    X(T_K_OVERDUE, N_("overdue"))   /* its sleep is over, the loop has not run it */                                 \
    X(T_K_AWAIT_FUTURE, N_("awaits future"))                                                                        \
    X(T_K_AWAIT_GATHER, N_("awaits gather"))                                                                        \
    X(T_K_AWAIT_EXECUTOR, N_("awaits executor"))                                                                    \
    /* marks */                                                                                                     \
    X(T_M_DROP, N_("drop_request"))                                                                                 \
    X(T_M_SWITCH, N_("switch"))                                                                                     \
    X(T_M_FORCED, N_("forced switch"))                                                                              \
    X(T_M_FAIL, N_("failed wake-up"))                                                                               \
    X(T_M_CHECK, N_("check: drop and re-take"))                                                                     \
    /* why the selected thread is (not) running: name, details, since, so far */                                    \
    X(T_W_PYTHON, N_("%s runs Python on core %d, holding the GIL, for %s"))                                         \
    X(T_W_PYTHON_FT, N_("%s runs Python on core %d (no GIL to hold), for %s"))                                      \
    X(T_W_CCALL, N_("%s runs C code that keeps the GIL on core %d, for %s"))                                        \
    X(T_W_NOGIL, N_("%s runs C code with the GIL released on core %d, for %s"))                                     \
    X(T_W_GIL_WAIT, N_("%s is waiting for the GIL held by %s since %s (%s so far)"))                                \
    X(T_W_GIL_FREE, N_("%s waits for the free GIL: a wake-up is on its way, since %s (%s so far)"))                 \
    X(T_W_GIL_WAIT_S, N_("%s is waiting for the GIL held by %s (%s so far)"))                                       \
    X(T_W_GIL_FREE_S, N_("%s waits for the free GIL: a wake-up is on its way (%s so far)"))                         \
    X(T_W_LOCK_S, N_("%s is waiting for lock %s held by %s (%s so far)"))                                           \
    X(T_W_READY_S, N_("%s is ready: waiting for a core (%s so far)"))                                               \
    X(T_W_READY_GIL_S, N_("%s is ready: waiting for a core to try for the GIL (%s so far)"))                        \
    X(T_W_SWITCH_WAIT, N_("%s dropped the GIL on request and waits for %s to take it (%s so far)"))                 \
    X(T_W_SWITCH_WAIT_ANY, N_("%s dropped the GIL on request and waits until another thread takes it (%s so far)")) \
    X(T_W_IO, N_("%s is blocked in I/O \"%s\" for %s (GIL released)"))                                              \
    X(T_W_IO_S, N_("%s is blocked in I/O \"%s\" for %s"))                                                            \
    X(T_W_SLEEP, N_("%s sleeps (GIL released), for %s"))                                                            \
    X(T_W_LOCK, N_("%s is waiting for lock %s held by %s since %s (%s so far)"))                                    \
    X(T_W_JOIN, N_("%s is waiting in join() for %s since %s"))                                                      \
    X(T_W_READY, N_("%s is ready: waiting for a core since %s (%s so far)"))                                        \
    X(T_W_READY_GIL, N_("%s is ready: waiting for a core to try for the GIL since %s (%s so far)"))                 \
    X(T_W_OS, N_("%s is in the kernel on core %d (context switch or wake-up), for %s"))                             \
    X(T_W_DONE, N_("%s has finished, at %s"))                                                                       \
    X(T_W_SELECT, N_("%s waits in select() for its event loop %s (GIL released), for %s"))                          \
    X(T_W_SELECT_S, N_("%s waits in select() for loop %s, for %s"))                                                 \
    X(T_W_QUEUE_S, N_("%s is blocked on queue %s, for %s"))                                                         \
    X(T_W_QUEUE, N_("%s is blocked on queue %s (GIL released), for %s"))                                            \
    X(T_W_IDLE, N_("%s is an idle worker, waiting for work, for %s"))                                               \
    X(T_W_MAP, N_("%s waits in Pool.map for the workers of %s, for %s"))                                            \
    X(T_W_NEW, N_("%s has not started yet"))                                                                        \
    X(T_WK_NEW, N_("task %s has not been created yet"))                                                             \
    X(T_WK_RUNNING, N_("task %s runs on the loop's thread (%s so far)"))                                            \
    X(T_WK_RUNNING_ON, N_("task %s runs on the loop's thread %s: %s (%s so far)"))                                  \
    X(T_WK_READY, N_("task %s is ready: it runs when the loop gets to it (%s so far)"))                             \
    X(T_WK_READY_S, N_("task %s is ready"))                                                                         \
    X(T_WK_IO, N_("task %s awaits I/O \"%s\" (%s so far)"))                                                         \
    X(T_WK_SLEEP, N_("task %s awaits asyncio.sleep(%s): %s left"))                                                  \
    X(T_WK_OVERDUE, N_("task %s: its sleep ended %s ago, and the loop has not run it yet"))                         \
    X(T_WK_OVERDUE_S, N_("task %s is overdue by %s"))                                                               \
    X(T_WK_FUTURE, N_("task %s awaits future %s (%s so far)"))                                                      \
    X(T_WK_GATHER, N_("task %s awaits gather of %s (%s so far)"))                                                   \
    X(T_WK_EXECUTOR, N_("task %s awaits run_in_executor \"%s\" (%s so far)"))                                       \
    X(T_WK_DONE, N_("task %s is done, at %s"))                                                                      \
    X(T_WK_CANCELLED, N_("task %s was cancelled, at %s"))                                                           \
    X(T_WK_LOOP_TASK, N_("the loop runs %s first"))                                                                 \
    X(T_WK_LOOP_CB, N_("the loop runs callback %s first"))                                                          \
    X(T_WK_LOOP_GIL, N_("the loop's thread %s waits for the GIL held by %s"))                                       \
    X(T_WK_LOOP_GIL_S, N_("%s waits for the GIL, %s has it"))                                                       \
    /* stats */                                                                                                     \
    X(T_BUSY, N_("busy"))                                                                                           \
    X(T_SWITCHES, N_("GIL switches %llu (%llu forced)"))                                                            \
    X(T_DROPS, N_("drop requests %llu"))                                                                            \
    X(T_FAILS, N_("failed wake-ups %llu"))                                                                          \
    X(T_SHARED, N_("%s = %lld after %lld increments"))                                                              \
    X(T_SHARED_SHORT, N_("%s = %lld of %lld"))                                                                      \
    X(T_LOST, N_("%lld lost"))                                                                                      \
    X(T_COUNTING, N_("counting..."))                                                                                \
    /* the key line and the prompts */                                                                              \
    X(T_KEYS, N_("space play/pause  ←→ step  n N switch/note  [ ] speed  +- zoom  Tab panel  ? help  q quit"))      \
    X(T_KEYS_SHORT, N_("space play  ←→ step  [ ] speed  +- zoom  ? help  q quit"))                                  \
    X(T_PROMPT_SPEED, N_("speed, simulated time per second (e.g. 1ms, 50us): "))                                    \
    X(T_PROMPT_TIME, N_("go to time (e.g. 12ms, 1.5s): "))                                                          \
    X(T_PROMPT_FIND, N_("find a thread or task (part of its name): "))                                              \
    X(T_FIND_NONE, N_("no thread or task is named like '%s'"))                                                      \
    X(T_PROMPT_HINT, N_("Enter: ok  Esc: cancel"))                                                                  \
    X(T_BAD_TIME, N_("not a time: %s (%s)"))                                                                        \
    X(T_SMALL, N_("enlarge the terminal (need %dx%d, have %dx%d)"))                                                 \
    X(T_SMALL_KEYS, N_("q quits"))                                                                                  \
    X(T_SIM_STOPPED, N_("simulation stopped on an error"))                                                          \
    X(T_STOP_HORIZON, N_("horizon reached"))                                                                        \
    X(T_STOP_EVENTS, N_("event cap"))                                                                               \
    X(T_STOP_MEMORY, N_("memory cap"))                                                                              \
    /* help overlay */                                                                                              \
    X(T_HELP_TITLE, N_("gilviz keys"))                                                                              \
    X(T_H_PLAY, N_("play / pause"))                                                                                 \
    X(T_H_STEP, N_("next / previous event (exact)"))                                                                \
    X(T_H_BIGSTEP, N_("a bigger step: a tenth of the view"))                                                        \
    X(T_H_SWITCH, N_("next / previous GIL switch or note; c C: notes only"))                                        \
    X(T_H_SPEED, N_("slower / faster"))                                                                             \
    X(T_H_TYPE, N_("type a speed (1ms: 1 ms per second) / a time"))                                                 \
    X(T_H_FIND, N_("find a thread or task by name (again: the next one)"))                                          \
    X(T_H_ENDS, N_("go to the start / the end"))                                                                    \
    X(T_H_ZOOM, N_("zoom in / out (time span shown)"))                                                              \
    X(T_H_TAB, N_("next panel: threads, tasks, cores, GIL, events"))                                                \
    X(T_H_SELECT, N_("select a thread or task (or scroll the panel)"))                                              \
    X(T_H_MOUSE, N_("click a lane: go to that time; wheel: zoom"))                                                  \
    X(T_H_HELP, N_("this help (any key closes it) / quit"))                                                         \
    X(T_H_MARKER, N_("add a marker to the recording (--record)"))                                                    \
    X(T_H_LEGEND, N_("lanes"))                                                                                      \
    X(T_H_MARKS, N_("GIL marks"))

enum text_id {
#define TEXT_ENUM(id, en) id,
    TEXT_LIST(TEXT_ENUM)
#undef TEXT_ENUM
    T_COUNT_
};

/* Message `id` in language `lang` (SCENE_LANG_EN / SCENE_LANG_PT). */
const char *text_get(int lang, enum text_id id);
/* Short name of a thread state, "GIL wait"... */
const char *text_state(int lang, int code);
/* Short name of a task state (and what a pending task awaits). */
const char *text_task(int lang, int code, int wait);

#endif
