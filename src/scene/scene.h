/*
 * scene: the plain data a scene file describes, and the parser that builds it.
 *
 * A scene is text written by a lecturer (see assets/scene-language.md).  The
 * parser turns it into a `struct scene`: settings, processes, threads with
 * flattened programs, locks, shared variables and captions.  The simulation
 * engine reads this structure and never the text.  Nothing here knows about
 * the simulation or the terminal.
 *
 * Ownership: scene_parse() returns a scene that owns every string and array
 * in it; scene_free() releases all of it.  Errors are collected in a
 * `struct scene_diag` list, each with file:line:col, so that a whole file's
 * problems are reported in one pass.
 */
#ifndef GV_SCENE_H
#define GV_SCENE_H

#include <stdint.h>
#include <stdio.h>

#include "../util.h"

/* Limits checked by the validator (each has its own error message). */
#define SCENE_MAX_THREADS   4096   /* threads after xN replication, all processes */
#define SCENE_MAX_PROCESSES 256
#define SCENE_MAX_CORES     128
#define SCENE_MAX_DEPTH     16     /* nesting of repeat/with blocks */
#define SCENE_MAX_REPEAT    1000000000
#define SCENE_MAX_STEPS     100000 /* steps in one thread's program */
#define SCENE_MAX_LOCKS     1024
#define SCENE_MAX_SHARED    1024
#define SCENE_MAX_NOTES     4096
/* asyncio, queues and pools (added with the asyncio constructs) */
#define SCENE_MAX_LOOPS     1024
#define SCENE_MAX_TASKS     100000 /* tasks after xN replication, all loops */
#define SCENE_MAX_CALLBACKS 4096
#define SCENE_MAX_FUTURES   4096
#define SCENE_MAX_QUEUES    1024
#define SCENE_MAX_EXECUTOR  1024   /* `executor N` of one loop */
#define SCENE_MAX_ITEMS     1000000000 /* `map` items; `queue ... size N` */
#define SCENE_MAX_BYTES     INT64_C(1000000000000) /* `send`/`recv` sizes: 1 TB */

enum gil_model {
    GIL_NEW,   /* CPython 3.2+: switch interval, drop_request, forced switching */
    GIL_OLD,   /* CPython 2.x / 3.0 / 3.1: release and re-take every N ticks */
    GIL_NONE,  /* free-threaded 3.13t / 3.14t */
};

enum step_op {
    OP_CPU,      /* pure-Python bytecode: holds the GIL, interruptible at check points */
    OP_CCALL,    /* C code that holds the GIL: not interruptible */
    OP_NOGIL,    /* C code inside Py_BEGIN_ALLOW_THREADS: needs a core, not the GIL */
    OP_IO,       /* blocking I/O: releases the GIL, occupies no core */
    OP_SLEEP,    /* time.sleep: releases the GIL, occupies no core */
    OP_ACQUIRE,  /* lock.acquire(): blocking, releases the GIL while blocked */
    OP_RELEASE,  /* lock.release() */
    OP_INCR,     /* x += 1 on a shared variable: read, modify, write */
    OP_READ,     /* read a shared variable into the thread's register */
    OP_WRITE,    /* write register + 1 back to the shared variable */
    OP_START,    /* threading.Thread(...).start() of another thread (group) */
    OP_JOIN,     /* thread.join() of another thread (group) */
    OP_REPEAT,   /* repeat `count` times the next `body` steps */

    /* asyncio, inside the body of a task (and, for the non-await ones, of a
     * callback).  `ref` names what is awaited or scheduled. */
    OP_AWAIT_IO,          /* await non-blocking I/O: dur, ref = label or -1 */
    OP_AWAIT_SLEEP,       /* await asyncio.sleep(dur) */
    OP_AWAIT_FUTURE,      /* await fut: ref = future */
    OP_AWAIT_GATHER,      /* await asyncio.gather(*group): ref = task group; creates
                             the group's tasks now if they were not created yet */
    OP_AWAIT_EXECUTOR,    /* await loop.run_in_executor(None, f): f is `sub` (OP_CPU,
                             OP_NOGIL, OP_IO or OP_SLEEP) of `dur`, ref = label or -1 */
    OP_CREATE_TASK,       /* asyncio.create_task(...): ref = task group */
    OP_CANCEL,            /* task.cancel() for every task of group ref */
    OP_CALL_SOON,         /* loop.call_soon(cb): ref = callback */
    OP_CALL_LATER,        /* loop.call_later(dur, cb): ref = callback */
    OP_ADD_DONE_CALLBACK, /* fut.add_done_callback(cb): ref = future, ref2 = callback */
    OP_SET_RESULT,        /* fut.set_result(...): ref = future.  In a thread that is not
                             the loop's, it goes through call_soon_threadsafe */

    /* ordinary threads */
    OP_RUN,               /* asyncio.run(...): ref = loop; runs the loop on this thread
                             until every task of the loop has finished */
    OP_CALL_SOON_THREADSAFE, /* loop.call_soon_threadsafe(cb): ref = callback */
    OP_PUT,               /* queue.Queue.put(): ref = queue; blocks while it is full */
    OP_GET,               /* queue.Queue.get(): ref = queue; blocks while it is empty */
    OP_MAP,               /* multiprocessing Pool.map(): ref = pool, count = items; the
                             next `body` steps are one item's work in a worker process;
                             send / recv = bytes pickled per item each way */
    OP_SETSWITCHINTERVAL, /* sys.setswitchinterval(dur): the new GIL's interval of this
                             thread's process, from the next GIL wait on (CPython keeps
                             it in whole microseconds, at least 1) */
};

/* One step of a thread's program.  Programs are flat arrays: a REPEAT step is
 * followed by its body, `body` steps long (nested repeats included). */
struct scene_step {
    enum step_op op;
    gv_ns dur;        /* CPU/NOGIL/CCALL/IO/SLEEP: duration; INCR/READ/WRITE: cost of the
                         bytecode, or -1 for the default (set.rmw_cost for INCR,
                         set.bytecode for READ/WRITE), resolved by the engine */
    int32_t ref;      /* IO/CPU/NOGIL/CCALL: label index or -1; ACQUIRE/RELEASE: lock;
                         INCR/READ/WRITE: shared variable; START/JOIN: thread group */
    int64_t count;    /* REPEAT: iterations; MAP: items */
    int32_t body;     /* REPEAT, MAP: number of steps in the body */
    int32_t ref2;     /* ADD_DONE_CALLBACK: the callback; else -1 */
    int32_t sub;      /* AWAIT_EXECUTOR: the op run in the executor; else 0 */
    int64_t send, recv; /* MAP: bytes pickled per item, to the worker and back */
    uint32_t line, col;
};

/* `loop NAME:` — an asyncio event loop, run by the thread that executes
 * `run NAME`. */
struct scene_loop {
    char *name;
    int32_t executor;       /* run_in_executor thread pool size (default: min(32, cores + 4)) */
    gv_ns slow_callback;    /* loop.slow_callback_duration (default 100 ms) */
    uint32_t line, col;
};

/* `task NAME [xN]:` or `callback NAME:` inside a loop block. */
struct scene_coro {
    char *name;
    int32_t loop;           /* index into scene.loops */
    int32_t count;          /* tasks: xN (named name1..nameN when N > 1); callbacks: 1 */
    int is_callback;
    int deferred;           /* tasks: created by create_task / gather, not at loop start */
    struct scene_step *steps;
    int32_t nsteps;
    uint32_t line, col;
};

/* `future NAME` inside a loop block. */
struct scene_future {
    char *name;
    int32_t loop;
    uint32_t line, col;
};

/* `queue NAME [size N]` — a queue.Queue; capacity 0 means unbounded. */
struct scene_queue {
    char *name;
    int64_t capacity;
    uint32_t line, col;
};

/* `pool NAME xN [fork|spawn]` — a multiprocessing.Pool of N worker processes. */
struct scene_pool {
    char *name;
    int32_t size;
    int spawn;              /* 1: spawn start method, 0: fork */
    uint32_t line, col;
};

/* A caption; text[i] is the text in language i (see scene_lang_*), NULL if
 * absent.  English is always present. */
#define SCENE_NLANG 2
enum { SCENE_LANG_EN = 0, SCENE_LANG_PT = 1 };

struct scene_text {
    char *text[SCENE_NLANG];
};

struct scene_note {
    gv_ns at;
    struct scene_text text;
    uint32_t line;
};

/* A thread group as written (`thread net x3:`); replicated into `count`
 * threads by the engine, named name1..nameN when count > 1. */
struct scene_thread {
    char *name;
    int32_t process;    /* index into scene.procs */
    int32_t count;      /* xN */
    int deferred;       /* started by a `start` step rather than at time 0 */
    struct scene_step *steps;
    int32_t nsteps;
    uint32_t line, col;
};

struct scene_process {
    char *name;
    int32_t count;      /* xN: replicated processes, each with its own GIL */
    uint32_t line, col;
};

struct scene_named {
    char *name;
    int64_t init;       /* shared variables: initial value */
    uint32_t line, col;
};

struct scene_settings {
    enum gil_model gil;
    int py_major, py_minor; /* python version named, or 0.0 if only `gil` was set */
    int per_bytecode_checks; /* eval breaker checked at (almost) every bytecode: < 3.10 */
    int cores;
    gv_ns switch_interval;  /* new GIL: sys.setswitchinterval, default 5 ms */
    int64_t check_interval; /* old GIL: ticks between releases, default 100 */
    gv_ns bytecode;         /* time of one bytecode instruction (one tick) */
    gv_ns checkpoint;       /* 3.10+: Python work between eval-breaker check points */
    gv_ns timeslice;        /* OS scheduler time slice */
    gv_ns context_switch;   /* OS cost of putting a thread on a core */
    gv_ns wakeup_latency;   /* from a wake-up (signal, I/O done, timer) to runnable */
    gv_ns wakeup_jitter;    /* each wake-up takes wakeup_latency + uniform [0, jitter] */
    gv_ns signal_cost;      /* CPU the signalling thread spends waking a sleeper */
    int nogil_overhead_pct; /* free-threaded single-thread slowdown, percent */
    gv_ns rmw_cost;         /* default cost of `incr` (load, add, store bytecodes) */
    gv_ns horizon;          /* simulation stops here at the latest */
    uint64_t seed;
    int nogil_overhead_explicit; /* nogil_overhead given (scene or --set): `python` keeps it */
    gv_ns spawn_cost;       /* starting a worker process with the spawn method (default 50 ms) */
    gv_ns fork_cost;        /* ... with fork (default 2 ms) */
    gv_ns pickle_per_mb;    /* pickling, piping and unpickling one megabyte (default 4 ms) */
};

struct scene {
    char *file;                 /* as given on the command line */
    struct scene_text title;
    struct scene_text description;
    struct scene_settings set;

    struct scene_process *procs;  int32_t nprocs;   /* procs[0] is the implicit main process */
    struct scene_thread *threads; int32_t nthreads; /* thread groups, in file order */
    struct scene_named *locks;    int32_t nlocks;
    struct scene_named *shared;   int32_t nshared;
    struct scene_text *labels;    int32_t nlabels;  /* steps' labels (each language), deduplicated */
    struct scene_note *notes;     int32_t nnotes;   /* sorted by time (stable) */
    struct scene_loop *loops;     int32_t nloops;
    struct scene_coro *coros;     int32_t ncoros;   /* tasks and callbacks, in file order */
    struct scene_future *futures; int32_t nfutures;
    struct scene_queue *queues;   int32_t nqueues;
    struct scene_pool *pools;     int32_t npools;
};

/* One diagnostic: "file:line:col: message" plus the offending source line. */
struct scene_diag {
    uint32_t line, col;
    char *msg;
    char *source_line;
};

struct scene_diags {
    struct scene_diag *v;
    int32_t n;
    size_t cap;
    const char *file;
};

/* Fill `s` with defaults (CPython 3.12-like: new GIL, 5 ms, 4 cores, ...). */
void scene_defaults(struct scene_settings *s);

/* Parse and validate `text` (len bytes, NUL-terminated).  Returns a scene, or
 * NULL when any error was found (all of them are appended to `d`). */
struct scene *scene_parse(const char *file, const char *text, size_t len,
                          struct scene_diags *d);
void scene_free(struct scene *s);

/* Apply a `--set KEY=VALUE` override ("cores=4", "gil=old",
 * "switch_interval=1ms", "check_interval=100", "seed=7", "python=2.7", ...).
 * Returns 0, or -1 with a message in err, in the process's message language
 * (gv_msg, i18n.h). */
int scene_set(struct scene *s, const char *kv, char *err, size_t errsize);

/* Print all diagnostics gcc-style, with the source line and a caret; the
 * words ("error") in the process's message language, as the messages. */
void scene_diags_print(const struct scene_diags *d, FILE *f);
void scene_diags_free(struct scene_diags *d);

/* Number of threads after replication of threads and processes. */
int32_t scene_total_threads(const struct scene *s);

/* The executor size of loop `loop`: loops[loop].executor when the scene gave
 * `executor N`, else 0 is stored there and this returns the default
 * min(32, set.cores + 4) for the current settings (so --set cores applies). */
int32_t scene_loop_executor(const struct scene *s, int32_t loop);

/* Text in language `lang`, falling back to English ("" when there is none). */
const char *scene_text_get(const struct scene_text *t, int lang);
/* Step label i in `lang` (else English), or NULL if there is no label i. */
const char *scene_label(const struct scene *s, int32_t i, int lang);

/* How many notes are at or before t (notes are sorted by time): the latest
 * one is notes[n - 1], the next one notes[n]. */
int scene_note_upto(const struct scene *sc, gv_ns t);

/* The name of instance i (0-based) of something replicated xN: "name" alone,
 * or name1..nameN when count > 1 (threads, processes, tasks, workers);
 * name-1..name-N when the name ends in a digit. */
void scene_instance_name(const char *base, int32_t i, int32_t count, char *buf, size_t size);
/* The task group (coro index) of task k, numbered through the task groups
 * in file order as the engine numbers them (callbacks are not tasks), and
 * in *inst (if not NULL) its instance within the group; -1 if none. */
int32_t scene_task_group(const struct scene *sc, int32_t k, int32_t *inst);
/* The name of task k (see scene_task_group); "#k" if there is no such task. */
void scene_task_name(const struct scene *sc, int32_t k, char *buf, size_t size);

#endif
