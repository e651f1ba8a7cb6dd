/*
 * engine: runs a scene under a CPython model and writes what happens into a
 * timeline.
 *
 * The engine is a discrete-event simulation in integer nanoseconds.  It owns
 * the cores and the OS run queue, one GIL per process (new, old or none),
 * locks, shared variables and the threads' programs.  It is deterministic:
 * events are ordered by (time, priority, sequence) and the only randomness is
 * one seeded generator (which GIL waiter a signal wakes).  The engine never
 * looks at the wall clock or at the terminal.
 *
 * Ownership: engine_new() borrows the scene and the timeline; both must
 * outlive the engine.  The engine adds the lanes and appends every record.
 */
#ifndef GV_ENGINE_H
#define GV_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../scene/scene.h"
#include "../timeline/timeline.h"

#define ENGINE_DEFAULT_MAX_EVENTS UINT64_C(200000000)
/* Steps all threads may start at one simulated instant (or 8 per step of
 * every thread's and task's program, if that is more): past it, a loop of
 * steps that take no time (which no horizon or event cap would stop) is a
 * scene error. */
#define ENGINE_MAX_INSTANT_STEPS (UINT64_C(1) << 22)

/* Per-thread totals.  Every nanosecond of a thread's life between its start
 * and its end (or the end of the run) lands in exactly one bucket. */
struct thread_stats {
    char *name;
    int32_t proc;            /* process instance */
    gv_ns start, end;        /* end = -1 if it never finished */
    gv_ns python_ns, ccall_ns, nogil_ns; /* on a core doing work */
    gv_ns os_ns;             /* on a core in kernel work (switches, wake-ups) */
    gv_ns ready_ns;          /* runnable, no core */
    gv_ns gil_wait_ns;       /* waiting for the GIL, incl. the forced switch wait */
    gv_ns io_ns, sleep_ns, lock_wait_ns, join_wait_ns;
    gv_ns select_ns;         /* an event loop's thread waiting in select() */
    gv_ns queue_wait_ns;     /* blocked in queue.Queue put/get */
    gv_ns idle_ns;           /* an executor or pool worker without work */
    gv_ns map_wait_ns;       /* waiting in Pool.map */
    int daemon;              /* an executor thread or a pool worker (never "ends") */
    uint64_t io_ops;
    uint64_t failed_wakeups;
};

struct proc_stats {
    char *name;
    uint64_t switches, forced_switches, drop_requests, failed_wakeups, release_checks;
};

struct shared_stats {
    char *name;
    int64_t final, expected;  /* expected: initial value + one per increment */
    uint64_t lost_updates;    /* expected - final, for increment-only variables */
    uint64_t stale_writes;    /* writes based on a read another write had outdated */
};

struct task_stats {
    char *name;
    int32_t loop;
    gv_ns created, done;     /* done = -1 if it never finished */
    gv_ns pending_ns;        /* suspended in an await */
    gv_ns scheduled_ns;      /* in the ready queue, waiting for the loop */
    gv_ns running_ns;        /* its steps running on the loop's thread */
    int cancelled;
};

struct loop_stats {
    char *name;
    uint64_t iterations;     /* _run_once passes */
    uint64_t handles;        /* callbacks and task steps run */
    gv_ns lag_mean_ns, lag_p99_ns, lag_max_ns; /* ready -> running */
    uint64_t slow_callbacks; /* ran at least slow_callback */
    int32_t executor_threads;   /* started */
    gv_ns executor_busy_ns;  /* their time on a core or in work */
    double executor_utilisation; /* busy / (threads * their lifetime) */
};

struct sim_stats {
    gv_ns wall_ns;           /* time the last thread ended (or the stop time) */
    uint64_t events;         /* simulation events processed */
    int32_t nthreads, nprocs, ncores, nshared;
    struct thread_stats *threads;
    struct proc_stats *procs;
    gv_ns *core_busy_ns;     /* per core */
    struct shared_stats *shared;
    uint64_t switches, forced_switches, drop_requests, failed_wakeups; /* all processes */
    uint64_t io_ops;
    gv_ns io_mean_ns, io_p50_ns, io_p99_ns, io_max_ns;
    struct task_stats *tasks;  int32_t ntasks;
    struct loop_stats *loops;  int32_t nloops;
    gv_ns sequential_ns;     /* the same work and waits done one after another */
    double speedup;          /* sequential_ns / wall_ns */
    int deadlock;            /* some threads wait forever on each other */
    char deadlock_desc[256]; /* "T1 waits for lock a held by T2; ..." */
    int horizon_hit;         /* stopped at the horizon with work left */
    int event_cap_hit;       /* stopped by the event cap */
    int mem_cap_hit;         /* stopped by the timeline's memory limit (timeline_set_max_bytes) */
};

struct engine;

/* Build an engine for `sc` writing into `tl`.  Returns NULL with a message in
 * err if the scene cannot be run (e.g. too many lanes). */
struct engine *engine_new(const struct scene *sc, struct timeline *tl,
                          char *err, size_t errsize);
void engine_free(struct engine *e);
void engine_set_max_events(struct engine *e, uint64_t max_events);
/* For tests: with `on` false, a loop's thread goes round its step loop after
 * every await, as before the shortcut to the next ready handle existed, and
 * the engine takes none of its inline paths (a plain task's handle into and
 * out of the ready queue, a CPU step's segment): the general code does it
 * all.  The timeline and the figures must come out the same either way. */
void engine_set_await_shortcut(struct engine *e, bool on);

/* Run to the end (all threads done, deadlock, horizon, event cap or the
 * timeline's memory limit).
 * Publishes the timeline regularly and finishes it.  Returns 0, or -1 on a
 * runtime error in the scene (e.g. releasing a lock one does not hold), with
 * "file:line:col: message" in err. */
int engine_run(struct engine *e, char *err, size_t errsize);

/* Run engine_run on a new pthread; engine_join waits for it. */
int engine_start(struct engine *e, pthread_t *th);
int engine_join(struct engine *e, pthread_t th, char *err, size_t errsize);

/* Ask a running engine to stop soon (from any thread): engine_run then
 * finishes the timeline where it is and returns 0. */
void engine_cancel(struct engine *e);

/* Totals; valid after engine_run returned. */
const struct sim_stats *engine_stats(const struct engine *e);


#endif
