/*
 * parse: the scene language (assets/scene-language.md) -> struct scene.
 *
 * Three passes over the text:
 *   1. lex: split into lines, check the bytes (NUL, UTF-8, control
 *      characters), measure the indentation and cut each line into tokens
 *      (words, "strings", '=' and ':').  A line with such an error is
 *      marked bad and later skipped together with its indented body.
 *   2. parse: a recursive walk over the indentation structure, one statement
 *      per line.  Every name may be used before it is defined, so uses are
 *      kept as pending references.
 *   3. resolve: pending references, start/join rules, which loop each
 *      task/callback/future belongs to, run rules, which threads and tasks
 *      ever run, python/gil mapping.
 * Every error is recorded with line:col and parsing goes on with the next
 * line; the body of a failed block is skipped so that one mistake gives one
 * error.  After SC_MAX_ERRORS errors the parser stops.
 *
 * Recursion depth is bounded: only thread, process, loop, task, callback,
 * repeat, with and map open blocks; thread/process and loop/task nest at
 * most two deep and repeat/with/map nesting is capped at SCENE_MAX_DEPTH
 * before recursing.  All numbers are range-checked before any arithmetic.
 * Everything after lexing is linear in the input (hash maps for names, one
 * pass over the references, breadth-first searches over compressed edge
 * lists).
 *
 * Programs: a thread, a task and a callback each own a flat step array.
 * While one is being filled, `ctx` says which kind it is and `cur` its
 * index (in scene.threads or scene.coros).
 *
 * scene_set() lives here too because it shares the setting validation.
 *
 * Messages: every diagnostic is written in English in the source and said
 * in the process's message language through gv_msg (i18n.h).  xgettext finds the formats given to sc_err and sc_err_raw and the
 * phrases given to sc_need, sc_need_str, sc_ref_step, sc_xcount and
 * sc_limit (the Makefile's --keyword list); any other message is marked
 * with N_ or given to gv_msg.  A message is a whole sentence wherever a
 * Portuguese word would have to agree with what is put in it (per kind:
 * "unknown lock '%.*s'", not "unknown %s '%.*s'").
 */
#include "scene.h"
#include "../i18n.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SC_MAX_ERRORS 50    /* then one "too many errors" and stop */
#define SC_MAX_NAME   64    /* characters in a name */
#define SC_SHOW       40    /* characters of a token quoted in a message */
#define SC_SRC_MAX    1024  /* bytes of a source line kept in a diagnostic */

/* ---------------------------------------------------------------- tokens */

enum sc_tk { TK_WORD, TK_STR, TK_EQ, TK_COLON };

struct sc_tok {
    enum sc_tk kind;
    const char *p;      /* source text (strings: with the quotes) */
    size_t len;         /* bytes */
    uint32_t col;       /* 1-based, in characters */
    char *str;          /* TK_STR: decoded text, owned */
};

struct sc_line {
    uint32_t no;        /* 1-based line number */
    int64_t indent;     /* leading spaces (a tab counts 1; that is an error) */
    size_t tok, ntok;   /* tokens, without a final ':' */
    bool bad;           /* lexical error: skip (with its body if it opens one) */
    bool colon;         /* ends with ':' */
    uint32_t colon_col;
    const char *raw;
    size_t rawlen;
};

/* ------------------------------------------------------------ name maps */

struct sc_ent {
    const char *k;
    size_t n;
    int32_t v;
};

struct sc_map {
    struct sc_ent *e;
    size_t cap, n;
};

/* ------------------------------------------------- pending references */

/* Kinds of the names in sc.names (value = index * 8 + kind) and of pending
 * references; NK_THREAD is only a pending kind (threads have their own map). */
enum sc_nk {
    NK_LOCK, NK_SHARED, NK_LOOP, NK_TASK, NK_CALLBACK, NK_FUTURE, NK_QUEUE, NK_POOL,
    NK_THREAD,
};

/* NK_PROCESS: only for messages (a name that is a process's). */
enum { NK_PROCESS = NK_THREAD + 1 };

/* Each kind with its article, for "'%.*s' is %s, not %s". */
static const char *const sc_kind_a[] = {
    /* TRANSLATORS: these fill "'NAME' is %s, not %s": a kind of named
     * thing with its article ("'net' is a thread, not a lock"). */
    N_("a lock"), N_("a shared variable"), N_("a loop"), N_("a task"), N_("a callback"),
    N_("a future"), N_("a queue"), N_("a pool"), N_("a thread"), N_("a process"),
};

/* "unknown KIND 'NAME'", one message per kind (its gender in Portuguese). */
static const char *const sc_kind_unknown[] = {
    N_("unknown lock '%.*s'"), N_("unknown shared variable '%.*s'"),
    N_("unknown loop '%.*s'"), N_("unknown task '%.*s'"), N_("unknown callback '%.*s'"),
    N_("unknown future '%.*s'"), N_("unknown queue '%.*s'"), N_("unknown pool '%.*s'"),
    N_("unknown thread '%.*s'"),
};

/* Where a program runs: a thread, a task or a callback (bits of `where`). */
enum sc_ctx { CX_THREAD = 1, CX_TASK = 2, CX_CALLBACK = 4, CX_MAP = 8 };

struct sc_pend {
    enum sc_nk kind;
    int32_t thread;     /* thread group or coro whose program holds the step */
    bool coro;          /* `thread` indexes scene.coros */
    bool second;        /* the name fills ref2, not ref (add_done_callback) */
    int32_t step;       /* index of the step in that program */
    int32_t step2;      /* `with`: the matching release, else -1 */
    size_t line, tok;   /* indices into sc.lines / sc.toks: the name */
    int mult;           /* START/RUN: 1, or 2 meaning "runs more than once" */
};

/* ----------------------------------------------------------- settings */

enum {
    S_CORES, S_GIL, S_PYTHON, S_SWITCH, S_CHECK, S_BYTECODE, S_CHECKPOINT,
    S_TIMESLICE, S_CTXSW, S_WAKEUP, S_JITTER, S_SIGNAL, S_OVERHEAD, S_RMW, S_HORIZON,
    S_SEED, S_SPAWN, S_FORK, S_PICKLE, S_COUNT,
    S_TITLE = S_COUNT, S_DESCRIPTION, S_ALL
};

static const char *const sc_setting_names[S_COUNT] = {
    "cores", "gil", "python", "switch_interval", "check_interval", "bytecode",
    "checkpoint", "timeslice", "context_switch", "wakeup_latency",
    "wakeup_jitter", "signal_cost", "nogil_overhead", "rmw_cost", "horizon", "seed",
    "spawn_cost", "fork_cost", "pickle_per_mb",
};

struct sc_py {
    int major, minor, t;
};

struct sc_val {
    int64_t i;          /* integers, durations, percent */
    uint64_t u;         /* seed */
    struct sc_py py;
    enum gil_model gil;
};

/* ------------------------------------------------------------- context */

struct sc {
    struct scene *s;
    struct scene_diags *d;
    int32_t first_diag;
    int nerr;
    bool stop;

    struct sc_tok *toks;
    size_t ntoks, ctoks;
    struct sc_line *lines;
    size_t nlines, clines;
    size_t i;                       /* next line to parse */

    struct sc_pend *pend;
    size_t npend, cpend;

    size_t cprocs, cthreads, clocks, cshared, clabels, cnotes;
    size_t cloops, ccoros, cfutures, cqueues, cpools;
    size_t *tcap;                   /* step capacity of each thread group */
    size_t ctcap;
    size_t *ocap;                   /* step capacity of each coro */
    size_t cocap;
    struct sc_map threads, procs, names, labels;
    char **label_keys;              /* the keys of `labels` (it borrows them) */
    size_t nlabel_keys, clabel_keys;

    uint32_t seen[S_ALL];           /* line of each setting, 0 if not seen */
    struct sc_py py;
    enum gil_model gil;

    enum sc_ctx ctx;                /* kind of program being filled */
    int32_t cur;                    /* its index: thread group or coro */
    int depth;                      /* repeat/with/map nesting */
    int mult;                       /* 2 if the current step may run twice */
    bool in_map;                    /* inside a map body */
    bool steps_full;
    int64_t total_threads, total_procs, total_tasks, total_callbacks;
    bool threads_over, procs_over, locks_over, shared_over, notes_over;
    bool loops_over, tasks_over, callbacks_over, futures_over, queues_over;
};

typedef void (*sc_fn)(struct sc *c, const struct sc_line *ln, void *arg);

static const char sc_steps_list[] =
    "cpu, ccall, nogil, io, sleep, acquire, release, with, incr, read, "
    "write, start, join, repeat, run, await, create_task, cancel, call_soon, "
    "call_later, call_soon_threadsafe, add_done_callback, set_result, put, get, map, "
    "setswitchinterval";

static const char sc_top_list[] =
    "scene, description, python, gil, cores, switch_interval, "
    "check_interval, bytecode, checkpoint, timeslice, context_switch, "
    "wakeup_latency, wakeup_jitter, signal_cost, nogil_overhead, rmw_cost, horizon, seed, "
    "spawn_cost, fork_cost, pickle_per_mb, "
    "lock, shared, note, thread, main, process, loop, queue, pool";

/* The steps, where each may appear (CX_* bits) and the op it becomes. */
enum {
    W_CPU, W_CCALL, W_NOGIL, W_IO, W_SLEEP, W_ACQ, W_REL, W_WITH, W_INCR, W_READ,
    W_WRITE, W_START, W_JOIN, W_REPEAT, W_RUN, W_AWAIT, W_CREATE, W_CANCEL, W_SOON,
    W_LATER, W_THREADSAFE, W_DONE, W_SETRES, W_PUT, W_GET, W_MAP, W_SETSWITCH,
};

static const char *const sc_step_words[] = {
    "cpu", "ccall", "nogil", "io", "sleep", "acquire", "release", "with", "incr", "read",
    "write", "start", "join", "repeat", "run", "await", "create_task", "cancel",
    "call_soon", "call_later", "call_soon_threadsafe", "add_done_callback", "set_result",
    "put", "get", "map", "setswitchinterval", NULL,
};

#define CX_ANY (CX_THREAD | CX_TASK | CX_CALLBACK)
#define CX_CORO (CX_TASK | CX_CALLBACK)
static const unsigned char sc_step_where[] = {
    CX_ANY | CX_MAP, CX_ANY | CX_MAP, CX_ANY | CX_MAP, CX_ANY | CX_MAP, CX_ANY | CX_MAP,
    CX_ANY, CX_ANY, CX_ANY, CX_ANY, CX_ANY,
    CX_ANY, CX_THREAD, CX_THREAD, CX_ANY | CX_MAP, CX_THREAD, CX_TASK, CX_CORO, CX_CORO,
    CX_CORO, CX_CORO, CX_THREAD, CX_CORO, CX_ANY,
    CX_THREAD | CX_TASK, CX_THREAD | CX_TASK, CX_THREAD | CX_TASK, CX_ANY,
};

/* Words that only make sense directly inside a loop block. */
static const char *const sc_loop_words[] = {
    "executor", "slow_callback", "task", "callback", "future", NULL,
};

/* ============================================================== helpers */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t sc_utf8_len(const unsigned char *p, size_t n)
{
    unsigned b = p[0];
    if (b < 0x80)
        return 1;
    size_t k;
    unsigned lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
        k = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        k = 3;
        if (b == 0xe0)
            lo = 0xa0;          /* no overlong forms */
        else if (b == 0xed)
            hi = 0x9f;          /* no surrogates */
    } else if (b >= 0xf0 && b <= 0xf4) {
        k = 4;
        if (b == 0xf0)
            lo = 0x90;
        else if (b == 0xf4)
            hi = 0x8f;          /* at most U+10FFFF */
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t j = 2; j < k; j++)
        if (p[j] < 0x80 || p[j] > 0xbf)
            return 0;
    return k;
}

/* Number of characters in n bytes of valid UTF-8 (saturating). */
static uint32_t sc_chars(const char *p, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xc0) != 0x80 && c < UINT32_MAX)
            c++;
    return c;
}

/* Copy p[0..n) into buf for a message: at most SC_SHOW characters, control
 * characters and invalid UTF-8 shown as '?' (the text may come from --set,
 * which no lexer has checked, and messages go to a terminal). */
static const char *sc_clip(const char *p, size_t n, char *buf, size_t size)
{
    size_t i = 0, o = 0, chars = 0;
    while (i < n && chars < SC_SHOW && o + 8 < size) {
        unsigned char b = (unsigned char)p[i];
        size_t k = b < 0x80 ? 1 : sc_utf8_len((const unsigned char *)p + i, n - i);
        if (k > 1) {
            memcpy(buf + o, p + i, k);
            o += k;
            i += k;
        } else {
            buf[o++] = b < 0x20 || b >= 0x7f ? '?' : (char)b;
            i++;
        }
        chars++;
    }
    if (i < n)
        memcpy(buf + o, "...", 4);
    else
        buf[o] = '\0';
    return buf;
}

/* Sanitised copy of a source line for a diagnostic (tabs -> spaces). */
static char *sc_source_copy(const char *raw, size_t n)
{
    if (!raw)
        return NULL;
    size_t cap = n < SC_SRC_MAX ? n : SC_SRC_MAX;
    char *out = gv_malloc(cap + 1);
    size_t i = 0, o = 0;
    while (i < n && o < cap) {
        unsigned char b = (unsigned char)raw[i];
        if (b >= 0x80) {
            size_t k = sc_utf8_len((const unsigned char *)raw + i, n - i);
            if (k == 0) {
                out[o++] = '?';
                i++;
            } else {
                if (o + k > cap)
                    break;
                memcpy(out + o, raw + i, k);
                o += k;
                i += k;
            }
        } else {
            out[o++] = b == '\t' ? ' ' : (b < 0x20 || b == 0x7f) ? '?' : (char)b;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

/* Append one diagnostic to d (msg is copied). */
static void sc_diag_push(struct scene_diags *d, uint32_t line, uint32_t col,
                         const char *raw, size_t rawlen, const char *msg)
{
    d->v = gv_grow(d->v, &d->cap, (size_t)d->n + 1, sizeof *d->v);
    struct scene_diag *g = &d->v[d->n++];
    g->line = line;
    g->col = col;
    g->msg = gv_strdup(msg);
    g->source_line = sc_source_copy(raw, rawlen);
}

/* Record the error `msg` (already in its language) at line `no` (raw text
 * raw/rawlen), column col. */
static void sc_report(struct sc *c, uint32_t no, const char *raw, size_t rawlen,
                      uint32_t col, const char *msg)
{
    if (c->stop)
        return;
    if (c->nerr >= SC_MAX_ERRORS) {
        sc_diag_push(c->d, no, col, raw, rawlen,
                     gv_msg(N_("too many errors; stopping here")));
        c->nerr++;
        c->stop = true;
        return;
    }
    sc_diag_push(c->d, no, col, raw, rawlen, msg);
    c->nerr++;
}

/* Record an error at line `no`, column col: the format fmt (English, the
 * msgid) in the language of the diagnostics. */
static void sc_verr(struct sc *c, uint32_t no, const char *raw, size_t rawlen,
                    uint32_t col, const char *fmt, va_list ap)
{
    if (c->stop)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, gv_msg(fmt), ap);
    sc_report(c, no, raw, rawlen, col, msg);
}

/* Record an error on a raw line (used by the lexer). */
static void sc_err_raw(struct sc *c, uint32_t no, const char *raw, size_t rawlen,
                       uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void sc_err_raw(struct sc *c, uint32_t no, const char *raw, size_t rawlen,
                       uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sc_verr(c, no, raw, rawlen, col, fmt, ap);
    va_end(ap);
}

/* Record an error on a parsed line (ln may be NULL: no location). */
static void sc_err(struct sc *c, const struct sc_line *ln, uint32_t col,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void sc_err(struct sc *c, const struct sc_line *ln, uint32_t col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (ln)
        sc_verr(c, ln->no, ln->raw, ln->rawlen, col, fmt, ap);
    else
        sc_verr(c, 0, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

/* Record on a parsed line (or none) a message already in its language. */
static void sc_err_str(struct sc *c, const struct sc_line *ln, uint32_t col, const char *msg)
{
    if (ln)
        sc_report(c, ln->no, ln->raw, ln->rawlen, col, msg);
    else
        sc_report(c, 0, NULL, 0, 0, msg);
}

/* Record on a parsed line the message msgid (marked with N_ where it is
 * written, or a reason from util such as gv_parse_duration's), translated. */
static void sc_err_tr(struct sc *c, const struct sc_line *ln, uint32_t col, const char *msgid)
{
    sc_err_str(c, ln, col, gv_msg(msgid));
}

/* FNV-1a hash of a name. */
static uint64_t sc_hash(const char *k, size_t n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* Value stored for name k, or -1. */
static int32_t sc_map_get(const struct sc_map *m, const char *k, size_t n)
{
    if (!m->cap)
        return -1;
    size_t i = (size_t)sc_hash(k, n) & (m->cap - 1);
    while (m->e[i].k) {
        if (m->e[i].n == n && memcmp(m->e[i].k, k, n) == 0)
            return m->e[i].v;
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

/* Insert k (which must stay allocated and be absent) with value v. */
static void sc_map_put(struct sc_map *m, const char *k, size_t n, int32_t v)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        struct sc_ent *ne = gv_calloc(ncap, sizeof *ne);
        for (size_t j = 0; j < m->cap; j++) {
            if (!m->e[j].k)
                continue;
            size_t i = (size_t)sc_hash(m->e[j].k, m->e[j].n) & (ncap - 1);
            while (ne[i].k)
                i = (i + 1) & (ncap - 1);
            ne[i] = m->e[j];
        }
        free(m->e);
        m->e = ne;
        m->cap = ncap;
    }
    size_t i = (size_t)sc_hash(k, n) & (m->cap - 1);
    while (m->e[i].k)
        i = (i + 1) & (m->cap - 1);
    m->e[i].k = k;
    m->e[i].n = n;
    m->e[i].v = v;
    m->n++;
}

/* Parse decimal digits only.  0 ok, -1 not a number, -2 too large. */
static int sc_parse_u64(const char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned dgt = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return -2;
        v = v * 10 + dgt;
    }
    *out = v;
    return 0;
}

/* Parse an optionally negative decimal int64.  Same returns. */
static int sc_parse_i64(const char *p, size_t n, int64_t *out)
{
    bool neg = n > 0 && p[0] == '-';
    uint64_t u;
    int r = sc_parse_u64(p + neg, n - neg, &u);
    if (r)
        return r;
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1)
            return -2;
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return -2;
        *out = (int64_t)u;
    }
    return 0;
}

/* ================================================ settings and versions */

/* Parse "2.7", "3.12", "3.13t" ...; 0 ok, -1 unknown. */
static int sc_parse_python(const char *v, size_t n, struct sc_py *py)
{
    if (n < 3 || n > 5 || v[1] != '.' || (v[0] != '2' && v[0] != '3'))
        return -1;
    int major = v[0] - '0', minor = 0, digits = 0, t = 0;
    size_t i = 2;
    while (i < n && v[i] >= '0' && v[i] <= '9' && digits < 2) {
        minor = minor * 10 + (v[i++] - '0');
        digits++;
    }
    if (digits == 0 || (digits == 2 && v[2] == '0'))
        return -1;
    if (i < n && v[i] == 't') {
        t = 1;
        i++;
    }
    if (i != n || (major == 2 && minor > 7) || (major == 3 && minor > 14))
        return -1;
    if (t && !(major == 3 && (minor == 13 || minor == 14)))
        return -1;
    py->major = major;
    py->minor = minor;
    py->t = t;
    return 0;
}

/* Eval breaker checked at every bytecode: everything before 3.10. */
static int sc_py_checks(int major, int minor)
{
    return major < 3 || (major == 3 && minor < 10);
}

/* Set the model, version and per-bytecode checks a Python version implies. */
static void sc_apply_python(struct scene_settings *set, struct sc_py py)
{
    set->py_major = py.major;
    set->py_minor = py.minor;
    set->per_bytecode_checks = sc_py_checks(py.major, py.minor);
    if (py.t)
        set->gil = GIL_NONE;
    else if (py.major == 2 || (py.major == 3 && py.minor <= 1))
        set->gil = GIL_OLD;
    else
        set->gil = GIL_NEW;
    if (!set->nogil_overhead_explicit)
        set->nogil_overhead_pct = !py.t ? 0 : py.minor == 13 ? 40 : 10;
}

/* Set the GIL model; the old GIL always checks at every bytecode. */
static void sc_apply_gil(struct scene_settings *set, enum gil_model g)
{
    set->gil = g;
    set->per_bytecode_checks = g == GIL_OLD ||
        (set->py_major != 0 && sc_py_checks(set->py_major, set->py_minor));
}

/* Index of setting name k, or -1. */
static int sc_setting_index(const char *k, size_t n)
{
    for (int i = 0; i < S_COUNT; i++)
        if (strlen(sc_setting_names[i]) == n && memcmp(sc_setting_names[i], k, n) == 0)
            return i;
    return -1;
}

/* Check the value of setting `key`; 0 with *out, or -1 with a message. */
static int sc_setting_value(int key, const char *v, size_t n, struct sc_val *out,
                            char *err, size_t esz)
{
    const char *name = sc_setting_names[key];
    char show[256];
    uint64_t u = 0;
    int r;

    switch (key) {
    case S_GIL:
        if (n == 3 && memcmp(v, "new", 3) == 0)
            out->gil = GIL_NEW;
        else if (n == 3 && memcmp(v, "old", 3) == 0)
            out->gil = GIL_OLD;
        else if (n == 4 && memcmp(v, "none", 4) == 0)
            out->gil = GIL_NONE;
        else {
            snprintf(err, esz, gv_msg("unknown GIL model '%s' (use new, old or none)"),
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        return 0;
    case S_PYTHON:
        if (sc_parse_python(v, n, &out->py) == 0)
            return 0;
        snprintf(err, esz,
                 gv_msg("unknown Python version '%s' (use 2.7, 3.2 ... 3.14, 3.13t)"),
                 sc_clip(v, n, show, sizeof show));
        return -1;
    case S_CORES:
    case S_CHECK:
    case S_OVERHEAD: {
        int64_t lo = key == S_OVERHEAD ? 0 : 1;
        int64_t hi = key == S_CORES ? SCENE_MAX_CORES : key == S_CHECK ? 1000000 : 1000;
        size_t m = n;
        if (key == S_OVERHEAD && m > 0 && v[m - 1] == '%')
            m--;
        r = sc_parse_u64(v, m, &u);
        if (r == -1) {
            snprintf(err, esz, gv_msg("%s must be a whole number, not '%s'"), name,
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        if (r == -2 || u < (uint64_t)lo || u > (uint64_t)hi) {
            if (key == S_OVERHEAD)
                snprintf(err, esz, gv_msg("%s must be between %" PRId64 " and %" PRId64
                                         " (percent)"), name, lo, hi);
            else
                snprintf(err, esz, gv_msg("%s must be between %" PRId64 " and %" PRId64),
                         name, lo, hi);
            return -1;
        }
        out->i = (int64_t)u;
        return 0;
    }
    case S_SEED:
        r = sc_parse_u64(v, n, &u);
        if (r == -1) {
            snprintf(err, esz, gv_msg("seed must be a whole number, not '%s'"),
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        if (r == -2) {
            snprintf(err, esz, gv_msg("seed must be between 0 and %" PRIu64), UINT64_MAX);
            return -1;
        }
        out->u = u;
        return 0;
    default: {
        const char *why = NULL;
        gv_ns ns = 0;
        if (gv_parse_duration(v, n, &ns, &why) != 0) {
            snprintf(err, esz, "%s", gv_msg(why));
            return -1;
        }
        bool positive = key == S_SWITCH || key == S_BYTECODE || key == S_CHECKPOINT ||
                        key == S_TIMESLICE || key == S_HORIZON;
        if (positive && ns <= 0) {
            snprintf(err, esz, gv_msg("%s must be positive"), name);
            return -1;
        }
        out->i = ns;
        return 0;
    }
    }
}

/* Store a checked value (python and gil are applied by the callers). */
static void sc_setting_store(struct scene_settings *set, int key, const struct sc_val *v)
{
    switch (key) {
    case S_CORES:      set->cores = (int)v->i; break;
    case S_SWITCH:     set->switch_interval = v->i; break;
    case S_CHECK:      set->check_interval = v->i; break;
    case S_BYTECODE:   set->bytecode = v->i; break;
    case S_CHECKPOINT: set->checkpoint = v->i; break;
    case S_TIMESLICE:  set->timeslice = v->i; break;
    case S_CTXSW:      set->context_switch = v->i; break;
    case S_WAKEUP:     set->wakeup_latency = v->i; break;
    case S_JITTER:     set->wakeup_jitter = v->i; break;
    case S_SIGNAL:     set->signal_cost = v->i; break;
    case S_OVERHEAD:
        set->nogil_overhead_pct = (int)v->i;
        set->nogil_overhead_explicit = 1;
        break;
    case S_RMW:        set->rmw_cost = v->i; break;
    case S_HORIZON:    set->horizon = v->i; break;
    case S_SEED:       set->seed = v->u; break;
    case S_SPAWN:      set->spawn_cost = v->i; break;
    case S_FORK:       set->fork_cost = v->i; break;
    case S_PICKLE:     set->pickle_per_mb = v->i; break;
    case S_GIL:        sc_apply_gil(set, v->gil); break;
    case S_PYTHON:     sc_apply_python(set, v->py); break;
    default:           break;
    }
}

/* Apply one KEY=VALUE override, validated like the scene statement. */
int scene_set(struct scene *s, const char *kv, char *err, size_t errsize)
{
    char dummy[8];
    if (!err || errsize == 0) {
        err = dummy;
        errsize = sizeof dummy;
    }
    if (!s || !kv) {
        snprintf(err, errsize, "%s", gv_msg("no scene to change"));
        return -1;
    }
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errsize, "%s", gv_msg("expected KEY=VALUE, e.g. cores=4"));
        return -1;
    }
    size_t klen = (size_t)(eq - kv);
    int key = sc_setting_index(kv, klen);
    if (key < 0) {
        char show[256], known[512];
        size_t o = 0;
        for (int i = 0; i < S_COUNT; i++)
            o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "",
                                  sc_setting_names[i]);
        snprintf(err, errsize, gv_msg("unknown setting '%s' (known: %s)"),
                 sc_clip(kv, klen, show, sizeof show), known);
        return -1;
    }
    const char *v = eq + 1;
    if (*v == '\0') {
        snprintf(err, errsize, gv_msg("expected a value after '%s='"),
                 sc_setting_names[key]);
        return -1;
    }
    struct sc_val val;
    memset(&val, 0, sizeof val);
    if (sc_setting_value(key, v, strlen(v), &val, err, errsize) != 0)
        return -1;
    sc_setting_store(&s->set, key, &val);
    return 0;
}

/* ================================================================ lexer */

/* Add one token to the token array; returns it. */
static struct sc_tok *sc_tok_push(struct sc *c, enum sc_tk kind, const char *p,
                                  size_t len, uint32_t col)
{
    c->toks = gv_grow(c->toks, &c->ctoks, c->ntoks + 1, sizeof *c->toks);
    struct sc_tok *t = &c->toks[c->ntoks++];
    t->kind = kind;
    t->p = p;
    t->len = len;
    t->col = col;
    t->str = NULL;
    return t;
}

/* Drop the tokens pushed since index `from` (after an error on the line). */
static void sc_tok_drop(struct sc *c, size_t from)
{
    while (c->ntoks > from)
        free(c->toks[--c->ntoks].str);
}

/* Add a line record (tokens [tok, ntoks) ). */
static struct sc_line *sc_line_push(struct sc *c, uint32_t no, int64_t indent,
                                    const char *raw, size_t rawlen, size_t tok)
{
    c->lines = gv_grow(c->lines, &c->clines, c->nlines + 1, sizeof *c->lines);
    struct sc_line *ln = &c->lines[c->nlines++];
    memset(ln, 0, sizeof *ln);
    ln->no = no;
    ln->indent = indent;
    ln->raw = raw;
    ln->rawlen = rawlen;
    ln->tok = tok;
    return ln;
}

/* Mark line ln bad; guess whether it opens a block (a ':' followed only by
 * blanks or a comment) so that its body is skipped with it. */
static void sc_line_bad(struct sc_line *ln)
{
    const char *colon = NULL;
    for (size_t i = 0; i < ln->rawlen; i++)
        if (ln->raw[i] == ':')
            colon = ln->raw + i;
    bool opens = colon != NULL;
    for (const char *q = colon ? colon + 1 : NULL; opens && q < ln->raw + ln->rawlen; q++) {
        if (*q == '#')
            break;
        opens = *q == ' ' || *q == '\t';
    }
    ln->bad = true;
    ln->colon = opens;
}

/* Decode the string starting at p[i] == '"'.  Returns the index after the
 * closing quote, or 0 after reporting an error. */
static size_t sc_lex_string(struct sc *c, uint32_t no, const char *p, size_t n,
                            size_t i, uint32_t col, char **out)
{
    char *buf = gv_malloc(n - i + 1);
    size_t o = 0, j = i + 1;
    while (j < n && p[j] != '"') {
        if (p[j] != '\\') {
            buf[o++] = p[j++];
            continue;
        }
        if (j + 1 >= n)
            break;
        char e = p[j + 1];
        if (e == '"' || e == '\\' || e == 'n') {
            buf[o++] = e == 'n' ? '\n' : e;
            j += 2;
            continue;
        }
        size_t k = sc_utf8_len((const unsigned char *)p + j + 1, n - j - 1);
        char show[16]; /* a tab, the one control character a line may hold, as '?' */
        sc_err_raw(c, no, p, n, col + sc_chars(p + i, j - i),
                   "unknown escape '\\%s' in a string (use \\\", \\\\ or \\n)",
                   sc_clip(p + j + 1, k ? k : 1, show, sizeof show));
        free(buf);
        return 0;
    }
    if (j >= n || p[j] != '"') {
        sc_err_raw(c, no, p, n, col, "unterminated string (a string ends with \" "
                   "on the same line)");
        free(buf);
        return 0;
    }
    buf[o] = '\0';
    *out = buf;
    return j + 1;
}

/* Check, measure and tokenize one line p[0..n) (no newline). */
static void sc_lex_line(struct sc *c, uint32_t no, const char *p, size_t n)
{
    if (n > 0 && p[n - 1] == '\r')
        n--;
    size_t ind = 0;
    bool tab = false;
    while (ind < n && (p[ind] == ' ' || p[ind] == '\t')) {
        tab |= p[ind] == '\t';
        ind++;
    }
    bool blank = ind == n || p[ind] == '#';

    /* bytes: NUL, control characters, UTF-8 */
    uint32_t col = 1;
    for (size_t i = 0; i < n; col++) {
        unsigned char b = (unsigned char)p[i];
        const char *what = NULL;
        size_t k = 1;
        bool ctrl = false;
        if (b == 0)
            what = N_("NUL byte in the text (is this a binary file?)");
        else if (b == '\r')
            what = N_("a carriage return (\\r) inside a line: save the file with \\n or \\r\\n line endings");
        else if ((b < 0x20 && b != '\t') || b == 0x7f)
            ctrl = true;
        else if (b >= 0x80 && (k = sc_utf8_len((const unsigned char *)p + i, n - i)) == 0)
            what = N_("invalid UTF-8");
        else if (k == 3 && memcmp(p + i, "\xef\xbb\xbf", 3) == 0)
            what = N_("a byte-order mark (U+FEFF) is allowed only at the start of the file");
        if (what || ctrl) {
            if (ctrl)
                sc_err_raw(c, no, p, n, col, "invalid control character (byte 0x%02x)", b);
            else
                sc_report(c, no, p, n, col, gv_msg(what));
            if (!blank)
                sc_line_bad(sc_line_push(c, no, (int64_t)ind, p, n, c->ntoks));
            return;
        }
        i += k;
    }
    if (blank)
        return;
    if (tab) {
        size_t t = 0;
        while (p[t] != '\t')
            t++;
        sc_err_raw(c, no, p, n, (uint32_t)t + 1, "use spaces, not tabs, for indentation");
        sc_line_bad(sc_line_push(c, no, (int64_t)ind, p, n, c->ntoks));
        return;
    }

    size_t first = c->ntoks, i = ind;
    col = (uint32_t)(ind < UINT32_MAX ? ind + 1 : UINT32_MAX);
    while (i < n) {
        char b = p[i];
        if (b == ' ' || b == '\t') {
            i++;
            col += col < UINT32_MAX;
            continue;
        }
        if (b == '#')
            break;
        size_t j;
        if (b == '"') {
            char *str = NULL;
            j = sc_lex_string(c, no, p, n, i, col, &str);
            if (j == 0) {
                sc_tok_drop(c, first);
                sc_line_bad(sc_line_push(c, no, (int64_t)ind, p, n, first));
                return;
            }
            sc_tok_push(c, TK_STR, p + i, j - i, col)->str = str;
        } else if (b == '=' || b == ':') {
            j = i + 1;
            sc_tok_push(c, b == '=' ? TK_EQ : TK_COLON, p + i, 1, col);
        } else {
            j = i;
            while (j < n && !strchr(" \t\"#=:", p[j]))
                j++;
            sc_tok_push(c, TK_WORD, p + i, j - i, col);
        }
        uint32_t w = sc_chars(p + i, j - i);
        col = col > UINT32_MAX - w ? UINT32_MAX : col + w;
        i = j;
    }
    struct sc_line *ln = sc_line_push(c, no, (int64_t)ind, p, n, first);
    ln->ntok = c->ntoks - first;
    if (ln->ntok > 0 && c->toks[c->ntoks - 1].kind == TK_COLON) {
        ln->colon = true;
        ln->colon_col = c->toks[c->ntoks - 1].col;
        ln->ntok--;
    }
}

/* Split the text into lines and lex each. */
static void sc_lex(struct sc *c, const char *text, size_t len)
{
    size_t pos = 0;
    uint32_t no = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;                                /* UTF-8 byte order mark */
    while (pos < len && !c->stop) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        no += no < UINT32_MAX;
        sc_lex_line(c, no, text + pos, end - pos);
        pos = end + 1;
    }
}

/* ====================================================== parse helpers */

/* Column just after the last token of the line (before a final ':'). */
static uint32_t sc_eol_col(const struct sc *c, const struct sc_line *ln)
{
    size_t n = ln->ntok;
    if (n == 0)
        return (uint32_t)(ln->indent + 1);
    const struct sc_tok *t = &c->toks[ln->tok + n - 1];
    uint32_t w = sc_chars(t->p, t->len);
    return t->col > UINT32_MAX - w ? UINT32_MAX : t->col + w;
}

/* Token text for messages. */
static const char *sc_show(const struct sc_tok *t, char *buf, size_t size)
{
    return sc_clip(t->p, t->len, buf, size);
}

/* Does word token t spell s? */
static bool sc_is(const struct sc_tok *t, const char *s)
{
    return t->kind == TK_WORD && strlen(s) == t->len && memcmp(t->p, s, t->len) == 0;
}

/* Index of word token t in the NULL-terminated list, or -1. */
static int sc_which(const struct sc_tok *t, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (sc_is(t, list[i]))
            return i;
    return -1;
}

/* Skip the lines indented deeper than `indent` (a block body). */
static void sc_skip_body(struct sc *c, int64_t indent)
{
    while (c->i < c->nlines && c->lines[c->i].indent > indent)
        c->i++;
}

/* Walk the statements of a block whose header is indented `parent`; the
 * body's indentation is `body`, or that of its first line if body < 0. */
static void sc_walk(struct sc *c, int64_t parent, int64_t body, sc_fn fn, void *arg)
{
    while (!c->stop && c->i < c->nlines) {
        const struct sc_line *ln = &c->lines[c->i];
        if (ln->indent <= parent)
            break;
        c->i++;
        if (ln->bad) {          /* already reported; it sets no indentation */
            if (ln->colon)
                sc_skip_body(c, ln->indent);
            continue;
        }
        if (body < 0)
            body = ln->indent;
        if (ln->indent > body) {
            if (parent < 0)
                sc_err(c, ln, (uint32_t)ln->indent + 1,
                       "unexpected indentation: a top-level statement starts in column 1");
            else
                sc_err(c, ln, (uint32_t)ln->indent + 1, "unexpected indentation: only a "
                       "line ending in ':' opens an indented block");
            sc_skip_body(c, ln->indent);
        } else if (ln->indent < body) {
            sc_err(c, ln, (uint32_t)ln->indent + 1, "inconsistent indentation: this "
                   "line does not line up with any enclosing block");
            sc_skip_body(c, ln->indent);
        } else {
            fn(c, ln, arg);
        }
    }
}

/* The header line ln opens a block: check that a body follows. */
static bool sc_open_block(struct sc *c, const struct sc_line *ln)
{
    if (c->i < c->nlines && c->lines[c->i].indent > ln->indent)
        return true;
    sc_err(c, ln, ln->colon_col, "expected an indented block after ':'");
    return false;
}

/* Check that nothing follows token k of the line. */
static bool sc_no_more(struct sc *c, const struct sc_line *ln, size_t k)
{
    if (k >= ln->ntok)
        return true;
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];
    sc_err(c, ln, t[k].col, "unexpected '%s' after the '%.*s' statement",
           sc_show(&t[k], b, sizeof b), (int)t[0].len, t[0].p);
    return false;
}

/* Check that token k exists; else "expected WHAT after 'KW'" (WHAT is an
 * English phrase, translated here). */
static bool sc_need(struct sc *c, const struct sc_line *ln, size_t k, const char *what)
{
    if (k < ln->ntok)
        return true;
    const struct sc_tok *t = &c->toks[ln->tok];
    const struct sc_tok *prev = &t[k - 1];
    /* TRANSLATORS: %s is a phrase such as "a duration like 5ms" or "a
     * task name", '%.*s' the word the line ends with. */
    sc_err(c, ln, sc_eol_col(c, ln), "expected %s after '%.*s'", gv_msg(what),
           (int)(prev->len < 64 ? prev->len : 64), prev->p);
    return false;
}

/* Is p[0..n) an identifier: [A-Za-z_][A-Za-z0-9_-]* ? */
static bool sc_ident(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        bool more = (ch >= '0' && ch <= '9') || ch == '-';
        if (!alpha && (i == 0 || !more))
            return false;
    }
    return true;
}

/* Check a name token: an identifier of at most SC_MAX_NAME characters. */
static bool sc_name(struct sc *c, const struct sc_line *ln, const struct sc_tok *t)
{
    char b[256];
    if (t->kind != TK_WORD || !sc_ident(t->p, t->len)) {
        sc_err(c, ln, t->col, "'%s' is not a valid name (use letters, digits, _ and -, "
               "starting with a letter or _)", sc_show(t, b, sizeof b));
        return false;
    }
    if (t->len > SC_MAX_NAME) {
        sc_err(c, ln, t->col, "name is too long (at most %d characters)", SC_MAX_NAME);
        return false;
    }
    return true;
}

/* Parse a duration token; false after reporting gv_parse_duration's reason. */
static bool sc_dur(struct sc *c, const struct sc_line *ln, const struct sc_tok *t, gv_ns *out)
{
    const char *why = N_("expected a duration like 5ms");
    if (t->kind != TK_WORD || gv_parse_duration(t->p, t->len, out, &why) != 0) {
        sc_err_tr(c, ln, t->col, why);
        return false;
    }
    return true;
}

/* Parse a step duration that must be > 0. */
static bool sc_dur_pos(struct sc *c, const struct sc_line *ln, const struct sc_tok *t,
                       gv_ns *out)
{
    if (!sc_dur(c, ln, t, out))
        return false;
    if (*out <= 0) {
        sc_err(c, ln, t->col, "a duration must be positive here");
        return false;
    }
    return true;
}

/* Token k must be a string: "expected WHAT after 'X'" if the line ends
 * before it, "expected WHAT, not 'Y'" if it is something else. */
static bool sc_need_str(struct sc *c, const struct sc_line *ln, size_t k, const char *what)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];
    if (!sc_need(c, ln, k, what))
        return false;
    if (t[k].kind != TK_STR) {
        sc_err(c, ln, t[k].col, "expected %s, not '%s'", gv_msg(what),
               sc_show(&t[k], b, sizeof b));
        return false;
    }
    return true;
}

/* Parse "STRING [LANG STRING]..." from token k on into out. */
static bool sc_text(struct sc *c, const struct sc_line *ln, size_t k, struct scene_text *out)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    const char *tmp[SCENE_NLANG] = { NULL };
    char b[256];
    if (!sc_need_str(c, ln, k, "a string in double quotes"))
        return false;
    tmp[SCENE_LANG_EN] = t[k++].str;
    while (k < ln->ntok) {
        static const char *const langs[] = { "en", "pt", NULL };
        int lang = sc_which(&t[k], langs);
        if (t[k].kind != TK_WORD) {
            return sc_no_more(c, ln, k);
        } else if (lang < 0) {
            sc_err(c, ln, t[k].col, "unknown language '%s' (use en or pt)",
                   sc_show(&t[k], b, sizeof b));
            return false;
        } else if (tmp[lang]) {
            sc_err(c, ln, t[k].col, "duplicate translation '%s'", langs[lang]);
            return false;
        }
        if (!sc_need_str(c, ln, k + 1, "a string in double quotes"))
            return false;
        tmp[lang] = t[k + 1].str;
        k += 2;
    }
    for (int i = 0; i < SCENE_NLANG; i++)
        out->text[i] = tmp[i] ? gv_strdup(tmp[i]) : NULL;
    return true;
}

/* Parse an "xN" count token of `what` ("threads", "processes", "tasks",
 * translated here) with at most `max`; 0 if tok is not of that form, -1
 * after an error. */
static int64_t sc_xcount(struct sc *c, const struct sc_line *ln, const struct sc_tok *t,
                         const char *what, int64_t max)
{
    uint64_t u;
    if (t->kind != TK_WORD || t->len < 2 || t->p[0] != 'x')
        return 0;
    int r = sc_parse_u64(t->p + 1, t->len - 1, &u);
    if (r == -1)
        return 0;
    if (r == 0 && u == 0) {
        sc_err(c, ln, t->col, "a count must be at least 1 (x1)");
        return -1;
    }
    if (r == -2 || u > (uint64_t)max) {
        /* TRANSLATORS: %s is "threads", "processes" or "tasks". */
        sc_err(c, ln, t->col, "too many %s: %.*s (at most %" PRId64 ")",
               gv_msg(what), (int)(t->len - 1), t->p + 1, max);
        return -1;
    }
    return (int64_t)u;
}

/* Parse a size token: digits and a unit B, KB, MB or GB (powers of 1000).
 * 0 ok, -1 malformed, -2 over SCENE_MAX_BYTES. */
static int sc_parse_size(const struct sc_tok *t, int64_t *out)
{
    static const struct { const char *u; int64_t mult; } units[] = {
        { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
    };
    if (t->kind != TK_WORD)
        return -1;
    size_t d = 0;
    while (d < t->len && t->p[d] >= '0' && t->p[d] <= '9')
        d++;
    if (d == 0)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        size_t ul = strlen(units[i].u);
        if (t->len - d != ul || memcmp(t->p + d, units[i].u, ul) != 0)
            continue;
        uint64_t v;
        if (sc_parse_u64(t->p, d, &v) != 0 ||
            v > (uint64_t)(SCENE_MAX_BYTES / units[i].mult))
            return -2;
        *out = (int64_t)v * units[i].mult;
        return 0;
    }
    return -1;
}

/* Record a name use to resolve after parsing. */
static void sc_pending(struct sc *c, enum sc_nk kind, int32_t step, const struct sc_line *ln,
                       const struct sc_tok *t)
{
    if (step < 0)
        return;
    c->pend = gv_grow(c->pend, &c->cpend, c->npend + 1, sizeof *c->pend);
    struct sc_pend *p = &c->pend[c->npend++];
    p->kind = kind;
    p->thread = c->cur;
    p->coro = c->ctx != CX_THREAD;
    p->second = false;
    p->step = step;
    p->step2 = -1;
    p->line = (size_t)(ln - c->lines);
    p->tok = (size_t)(t - c->toks);
    p->mult = c->mult;
}

/* ================================================================ steps */

/* Append a step to the current program; its index, or -1 when full. */
static int32_t sc_step(struct sc *c, enum step_op op, const struct sc_line *ln,
                       const struct sc_tok *kw)
{
    struct scene_step **steps;
    int32_t *nsteps;
    size_t *cap;
    const char *full, *name;
    if (c->ctx == CX_THREAD) {
        struct scene_thread *th = &c->s->threads[c->cur];
        steps = &th->steps;
        nsteps = &th->nsteps;
        cap = &c->tcap[c->cur];
        full = N_("too many steps in thread '%s' (at most %d)");
        name = th->name;
    } else {
        struct scene_coro *co = &c->s->coros[c->cur];
        steps = &co->steps;
        nsteps = &co->nsteps;
        cap = &c->ocap[c->cur];
        full = co->is_callback ? N_("too many steps in callback '%s' (at most %d)")
                               : N_("too many steps in task '%s' (at most %d)");
        name = co->name;
    }
    if (*nsteps >= SCENE_MAX_STEPS) {
        if (!c->steps_full)
            sc_err(c, ln, kw->col, full, name, SCENE_MAX_STEPS);
        c->steps_full = true;
        return -1;
    }
    *steps = gv_grow(*steps, cap, (size_t)*nsteps + 1, sizeof **steps);
    struct scene_step *st = &(*steps)[*nsteps];
    memset(st, 0, sizeof *st);
    st->op = op;
    st->ref = -1;
    st->ref2 = -1;
    st->line = ln->no;
    st->col = kw->col;
    return (*nsteps)++;
}

/* The steps of a thread group or (coro) of a task/callback. */
static struct scene_step *sc_prog(const struct sc *c, bool coro, int32_t i)
{
    return coro ? c->s->coros[i].steps : c->s->threads[i].steps;
}

/* Number of steps of the current program. */
static int32_t sc_nsteps(const struct sc *c)
{
    return c->ctx == CX_THREAD ? c->s->threads[c->cur].nsteps : c->s->coros[c->cur].nsteps;
}

/* Pointer to step i of the current program. */
static struct scene_step *sc_at(struct sc *c, int32_t i)
{
    return &sc_prog(c, c->ctx != CX_THREAD, c->cur)[i];
}

/* Index of the label `en` [pt `pt`] (deduplicated: the same text in every
 * language is one label). */
static int32_t sc_label(struct sc *c, const char *en, const char *pt)
{
    /* the key: the English text, a unit separator, the Portuguese one */
    size_t ne = strlen(en), np = pt ? strlen(pt) : 0;
    char *key = gv_malloc(ne + np + 2);
    memcpy(key, en, ne);
    key[ne] = '\x1f';
    memcpy(key + ne + 1, pt ? pt : "", np + 1);
    int32_t v = sc_map_get(&c->labels, key, ne + np + 1);
    if (v >= 0) {
        free(key);
        return v;
    }
    struct scene *s = c->s;
    s->labels = gv_grow(s->labels, &c->clabels, (size_t)s->nlabels + 1, sizeof *s->labels);
    struct scene_text *l = &s->labels[s->nlabels];
    memset(l, 0, sizeof *l);
    l->text[SCENE_LANG_EN] = gv_strdup(en);
    l->text[SCENE_LANG_PT] = pt ? gv_strdup(pt) : NULL;
    sc_map_put(&c->labels, key, ne + np + 1, s->nlabels);
    c->label_keys = gv_grow(c->label_keys, &c->clabel_keys, c->nlabel_keys + 1, sizeof *c->label_keys);
    c->label_keys[c->nlabel_keys++] = key;
    return s->nlabels++;
}

static void sc_step_stmt(struct sc *c, const struct sc_line *ln, void *arg);

/* Open the body of a repeat/with step if nesting allows. */
static bool sc_nest(struct sc *c, const struct sc_line *ln, const struct sc_tok *kw)
{
    if (c->depth >= SCENE_MAX_DEPTH) {
        sc_err(c, ln, kw->col, "blocks nested too deeply (at most %d)", SCENE_MAX_DEPTH);
        return false;
    }
    return sc_open_block(c, ln);
}

/* Where a step may appear, for "'X' is only allowed ..." (CX_* bits; the
 * msgid, to translate). */
static const char *sc_where_only(unsigned where)
{
    switch (where & CX_ANY) {
    /* TRANSLATORS: ends "'STEP' is only allowed %s", as do "inside a task",
     * "in a thread or a task" and the like. */
    case CX_THREAD:            return N_("in a thread");
    case CX_TASK:              return N_("inside a task");
    case CX_CORO:              return N_("inside a task or a callback");
    case CX_THREAD | CX_TASK:  return N_("in a thread or a task");
    default:                   return N_("in a thread, a task or a callback");
    }
}

/* Where a step may appear, for "'X' must be inside ..." at the top level
 * (the msgid, to translate). */
static const char *sc_where_block(unsigned where)
{
    switch (where & CX_ANY) {
    /* TRANSLATORS: ends "'STEP' must be inside %s", as do "a task block",
     * "a thread or task block" and the like (thread, task and callback are
     * the scene's keywords). */
    case CX_THREAD:            return N_("a thread block");
    case CX_TASK:              return N_("a task block");
    case CX_CORO:              return N_("a task or callback block");
    case CX_THREAD | CX_TASK:  return N_("a thread or task block");
    default:                   return N_("a thread, task or callback block");
    }
}

/* Optional `"label" [pt "rótulo"]` at token k and nothing after it;
 * *label = index or -1. */
static bool sc_opt_label(struct sc *c, const struct sc_line *ln, size_t k, int32_t *label)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    *label = -1;
    if (k < ln->ntok && t[k].kind == TK_STR) {
        const char *pt = NULL;
        size_t end = k + 1;
        if (end < ln->ntok && sc_is(&t[end], "pt")) {
            if (!sc_need_str(c, ln, end + 1, "the Portuguese label in double quotes"))
                return false;
            pt = t[end + 1].str;
            end += 2;
        }
        if (!sc_no_more(c, ln, end))
            return false;
        *label = sc_label(c, t[k].str, pt);
        return true;
    }
    return sc_no_more(c, ln, k);
}

/* The body of a block step (with, repeat, map), one level deeper. */
static void sc_body(struct sc *c, const struct sc_line *ln)
{
    c->depth++;
    sc_walk(c, ln->indent, -1, sc_step_stmt, NULL);
    c->depth--;
}

/* `KW NAME`: one step naming one thing of kind `kind`. */
static bool sc_ref_step(struct sc *c, const struct sc_line *ln, enum step_op op,
                        enum sc_nk kind, const char *what)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    if (!sc_need(c, ln, 1, what) || !sc_name(c, ln, &t[1]) || !sc_no_more(c, ln, 2))
        return false;
    int32_t k = sc_step(c, op, ln, &t[0]);
    sc_pending(c, kind, k, ln, &t[1]);
    return true;
}

/* `await io DUR ["l"]`, `await sleep DUR`, `await gather TASK`,
 * `await executor KIND DUR ["l"]` or `await FUTURE`. */
static bool sc_await_step(struct sc *c, const struct sc_line *ln)
{
    static const char *const forms[] = { "io", "sleep", "gather", "executor", NULL };
    static const char *const kinds[] = { "cpu", "nogil", "io", "sleep", NULL };
    static const enum step_op subs[] = { OP_CPU, OP_NOGIL, OP_IO, OP_SLEEP };
    const struct sc_tok *t = &c->toks[ln->tok];
    gv_ns dur = 0;
    int32_t k, label = -1;
    char b[256];

    if (!sc_need(c, ln, 1, "io, sleep, gather, executor or a future"))
        return false;
    switch (sc_which(&t[1], forms)) {
    case 0:
        if (!sc_need(c, ln, 2, "a duration like 5ms") || !sc_dur_pos(c, ln, &t[2], &dur) ||
            !sc_opt_label(c, ln, 3, &label))
            return false;
        k = sc_step(c, OP_AWAIT_IO, ln, &t[0]);
        if (k >= 0) {
            sc_at(c, k)->dur = dur;
            sc_at(c, k)->ref = label;
        }
        return true;
    case 1:
        if (!sc_need(c, ln, 2, "a duration like 5ms") || !sc_dur(c, ln, &t[2], &dur) ||
            !sc_no_more(c, ln, 3))
            return false;
        k = sc_step(c, OP_AWAIT_SLEEP, ln, &t[0]);
        if (k >= 0)
            sc_at(c, k)->dur = dur;
        return true;
    case 2:
        if (!sc_need(c, ln, 2, "a task name") || !sc_name(c, ln, &t[2]) ||
            !sc_no_more(c, ln, 3))
            return false;
        k = sc_step(c, OP_AWAIT_GATHER, ln, &t[0]);
        sc_pending(c, NK_TASK, k, ln, &t[2]);
        return true;
    case 3: {
        if (!sc_need(c, ln, 2, "cpu, nogil, io or sleep"))
            return false;
        int f = sc_which(&t[2], kinds);
        if (f < 0) {
            sc_err(c, ln, t[2].col, "expected cpu, nogil, io or sleep after 'executor', "
                   "not '%s'", sc_show(&t[2], b, sizeof b));
            return false;
        }
        if (!sc_need(c, ln, 3, "a duration like 5ms"))
            return false;
        if (subs[f] == OP_SLEEP ? !sc_dur(c, ln, &t[3], &dur) : !sc_dur_pos(c, ln, &t[3], &dur))
            return false;
        if (!sc_opt_label(c, ln, 4, &label))
            return false;
        k = sc_step(c, OP_AWAIT_EXECUTOR, ln, &t[0]);
        if (k >= 0) {
            sc_at(c, k)->dur = dur;
            sc_at(c, k)->ref = label;
            sc_at(c, k)->sub = (int32_t)subs[f];
        }
        return true;
    }
    default:
        if (!sc_name(c, ln, &t[1]) || !sc_no_more(c, ln, 2))
            return false;
        k = sc_step(c, OP_AWAIT_FUTURE, ln, &t[0]);
        sc_pending(c, NK_FUTURE, k, ln, &t[1]);
        return true;
    }
}

/* `map POOL N [send SIZE] [recv SIZE]:` and its body. */
static bool sc_map_step(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    uint64_t items = 0;
    int64_t size[2] = { 0, 0 };
    bool seen[2] = { false, false };

    if (!sc_need(c, ln, 1, "a pool name") || !sc_name(c, ln, &t[1]) ||
        !sc_need(c, ln, 2, "a number of items"))
        return false;
    if (t[2].kind != TK_WORD || sc_parse_u64(t[2].p, t[2].len, &items) != 0 || items < 1 ||
        items > SCENE_MAX_ITEMS) {
        sc_err(c, ln, t[2].col, "map item count must be a whole number between 1 and %d",
               SCENE_MAX_ITEMS);
        return false;
    }
    for (size_t k = 3; k < ln->ntok; k += 2) {
        int which = sc_is(&t[k], "send") ? 0 : sc_is(&t[k], "recv") ? 1 : -1;
        if (which < 0)
            return sc_no_more(c, ln, k);
        if (seen[which]) {
            sc_err(c, ln, t[k].col, "duplicate '%s'", which ? "recv" : "send");
            return false;
        }
        seen[which] = true;
        if (!sc_need(c, ln, k + 1, "a size like 10KB"))
            return false;
        int r = sc_parse_size(&t[k + 1], &size[which]);
        if (r != 0) {
            if (r == -1)
                sc_err(c, ln, t[k + 1].col, "expected a size like 10KB");
            else
                sc_err(c, ln, t[k + 1].col, "a size must be at most 1000GB (1 TB)");
            return false;
        }
    }
    if (!sc_nest(c, ln, &t[0]))
        return false;
    int32_t k = sc_step(c, OP_MAP, ln, &t[0]);
    if (k >= 0) {
        sc_at(c, k)->count = (int64_t)items;
        sc_at(c, k)->send = size[0];
        sc_at(c, k)->recv = size[1];
    }
    sc_pending(c, NK_POOL, k, ln, &t[1]);
    bool saved = c->in_map;
    c->in_map = true;
    sc_body(c, ln);
    c->in_map = saved;
    if (k >= 0)
        sc_at(c, k)->body = sc_nsteps(c) - k - 1;
    return true;
}

/* One step line inside a thread, task or callback (or a block step). */
static void sc_step_stmt(struct sc *c, const struct sc_line *ln, void *arg)
{
    static const char *const top[] = {
        "scene", "title", "description", "lock", "shared", "note", "process", "loop",
        "queue", "pool", NULL,
    };
    static const enum step_op ops[] = {
        OP_CPU, OP_CCALL, OP_NOGIL, OP_IO, OP_SLEEP, OP_ACQUIRE, OP_RELEASE, OP_ACQUIRE,
        OP_INCR, OP_READ, OP_WRITE, OP_START, OP_JOIN, OP_REPEAT, OP_RUN, OP_AWAIT_IO,
        OP_CREATE_TASK, OP_CANCEL, OP_CALL_SOON, OP_CALL_LATER, OP_CALL_SOON_THREADSAFE,
        OP_ADD_DONE_CALLBACK, OP_SET_RESULT, OP_PUT, OP_GET, OP_MAP, OP_SETSWITCHINTERVAL,
    };
    const struct sc_tok *t = &c->toks[ln->tok];
    size_t n = ln->ntok;
    char b[256];
    (void)arg;

    if (n == 0) {
        sc_err(c, ln, ln->colon_col, "unexpected ':'");
        sc_skip_body(c, ln->indent);
        return;
    }
    int w = sc_which(&t[0], sc_step_words);
    if (w < 0) {
        if (sc_is(&t[0], "thread") || sc_is(&t[0], "main"))
            sc_err(c, ln, t[0].col, "a thread block cannot be inside another block "
                   "(use 'start' to start one thread from another)");
        else if (sc_which(&t[0], sc_loop_words) >= 0)
            sc_err(c, ln, t[0].col, "'%.*s' must be directly inside a loop block",
                   (int)t[0].len, t[0].p);
        else if (sc_which(&t[0], top) >= 0 ||
                 (t[0].kind == TK_WORD && sc_setting_index(t[0].p, t[0].len) >= 0))
            sc_err(c, ln, t[0].col, "'%.*s' must be at the top level (not indented)",
                   (int)t[0].len, t[0].p);
        else
            sc_err(c, ln, t[0].col, "unknown step '%s' (expected %s)",
                   sc_show(&t[0], b, sizeof b), sc_steps_list);
        sc_skip_body(c, ln->indent);
        return;
    }
    unsigned where = sc_step_where[w];
    if (c->in_map && !(where & CX_MAP)) {
        sc_err(c, ln, t[0].col, "'%s' is not allowed in a map body (only cpu, ccall, "
               "nogil, io, sleep and repeat)", sc_step_words[w]);
        sc_skip_body(c, ln->indent);
        return;
    }
    if (!(where & (unsigned)c->ctx)) {
        sc_err(c, ln, t[0].col, "'%s' is only allowed %s", sc_step_words[w],
               gv_msg(sc_where_only(where)));
        sc_skip_body(c, ln->indent);
        return;
    }
    bool block = w == W_WITH || w == W_REPEAT || w == W_MAP;
    if (block && !ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the '%s' line",
               sc_step_words[w]);
        sc_skip_body(c, ln->indent);
        return;
    }
    if (!block && ln->colon) {
        sc_err(c, ln, ln->colon_col, "'%s' does not open a block (remove the ':')",
               sc_step_words[w]);
        sc_skip_body(c, ln->indent);
        return;
    }

    gv_ns dur = 0;
    int32_t k, label = -1;

    switch (w) {
    case W_CPU:
    case W_CCALL:
    case W_NOGIL:
    case W_IO:
    case W_SLEEP:
        if (!sc_need(c, ln, 1, "a duration like 5ms"))
            break;
        if (w == W_SLEEP ? !sc_dur(c, ln, &t[1], &dur) : !sc_dur_pos(c, ln, &t[1], &dur))
            break;
        if (w == W_SLEEP ? !sc_no_more(c, ln, 2) : !sc_opt_label(c, ln, 2, &label))
            break;
        k = sc_step(c, ops[w], ln, &t[0]);
        if (k >= 0) {
            sc_at(c, k)->dur = dur;
            sc_at(c, k)->ref = label;
        }
        return;
    case W_ACQ:
    case W_REL:
    case W_START:
    case W_JOIN:
        if (sc_ref_step(c, ln, ops[w], w == W_ACQ || w == W_REL ? NK_LOCK : NK_THREAD,
                        "a name"))
            return;
        break;
    case W_INCR:
    case W_READ:
    case W_WRITE:
        dur = -1;
        if (!sc_need(c, ln, 1, "a shared variable") || !sc_name(c, ln, &t[1]))
            break;
        if (n >= 3 && sc_is(&t[2], "cost")) {
            if (!sc_need(c, ln, 3, "a duration like 5ms") || !sc_dur_pos(c, ln, &t[3], &dur) ||
                !sc_no_more(c, ln, 4))
                break;
        } else if (!sc_no_more(c, ln, 2)) {
            break;
        }
        k = sc_step(c, ops[w], ln, &t[0]);
        if (k >= 0)
            sc_at(c, k)->dur = dur;
        sc_pending(c, NK_SHARED, k, ln, &t[1]);
        return;
    case W_WITH: {
        if (!sc_need(c, ln, 1, "a lock name") || !sc_name(c, ln, &t[1]) ||
            !sc_no_more(c, ln, 2) || !sc_nest(c, ln, &t[0]))
            break;
        k = sc_step(c, OP_ACQUIRE, ln, &t[0]);
        size_t pi = c->npend;
        sc_pending(c, NK_LOCK, k, ln, &t[1]);
        sc_body(c, ln);
        int32_t r = sc_step(c, OP_RELEASE, ln, &t[0]);
        if (k >= 0 && pi < c->npend)
            c->pend[pi].step2 = r;
        return;
    }
    case W_REPEAT: {
        uint64_t u = 0;
        if (!sc_need(c, ln, 1, "a number"))
            break;
        if (t[1].kind != TK_WORD || sc_parse_u64(t[1].p, t[1].len, &u) != 0 || u < 1 ||
            u > SCENE_MAX_REPEAT) {
            sc_err(c, ln, t[1].col, "repeat count must be a whole number between 1 and %d",
                   SCENE_MAX_REPEAT);
            break;
        }
        if (!sc_no_more(c, ln, 2) || !sc_nest(c, ln, &t[0]))
            break;
        k = sc_step(c, OP_REPEAT, ln, &t[0]);
        if (k >= 0)
            sc_at(c, k)->count = (int64_t)u;
        int saved = c->mult;
        if (u > 1)
            c->mult = 2;
        sc_body(c, ln);
        c->mult = saved;
        if (k >= 0)
            sc_at(c, k)->body = sc_nsteps(c) - k - 1;
        return;
    }
    case W_RUN:
        if (sc_ref_step(c, ln, OP_RUN, NK_LOOP, "a loop name"))
            return;
        break;
    case W_AWAIT:
        if (sc_await_step(c, ln))
            return;
        break;
    case W_CREATE:
    case W_CANCEL:
        if (sc_ref_step(c, ln, ops[w], NK_TASK, "a task name"))
            return;
        break;
    case W_SOON:
    case W_THREADSAFE:
        if (sc_ref_step(c, ln, ops[w], NK_CALLBACK, "a callback name"))
            return;
        break;
    case W_LATER:
        if (!sc_need(c, ln, 1, "a duration like 5ms") || !sc_dur(c, ln, &t[1], &dur) ||
            !sc_need(c, ln, 2, "a callback name") || !sc_name(c, ln, &t[2]) ||
            !sc_no_more(c, ln, 3))
            break;
        k = sc_step(c, OP_CALL_LATER, ln, &t[0]);
        if (k >= 0)
            sc_at(c, k)->dur = dur;
        sc_pending(c, NK_CALLBACK, k, ln, &t[2]);
        return;
    case W_DONE:
        if (!sc_need(c, ln, 1, "a future name") || !sc_name(c, ln, &t[1]) ||
            !sc_need(c, ln, 2, "a callback name") || !sc_name(c, ln, &t[2]) ||
            !sc_no_more(c, ln, 3))
            break;
        k = sc_step(c, OP_ADD_DONE_CALLBACK, ln, &t[0]);
        sc_pending(c, NK_FUTURE, k, ln, &t[1]);
        sc_pending(c, NK_CALLBACK, k, ln, &t[2]);
        if (k >= 0)
            c->pend[c->npend - 1].second = true;
        return;
    case W_SETRES:
        if (sc_ref_step(c, ln, OP_SET_RESULT, NK_FUTURE, "a future name"))
            return;
        break;
    case W_PUT:
    case W_GET:
        if (sc_ref_step(c, ln, ops[w], NK_QUEUE, "a queue name"))
            return;
        break;
    case W_MAP:
        if (sc_map_step(c, ln))
            return;
        break;
    case W_SETSWITCH:
        /* sys.setswitchinterval(seconds): Python raises ValueError for
         * anything not strictly positive */
        if (!sc_need(c, ln, 1, "a duration like 1ms"))
            break;
        if (t[1].kind == TK_WORD && t[1].len > 0 && t[1].p[0] == '-') {
            sc_err(c, ln, t[1].col, "the switch interval must be strictly positive "
                   "(Python raises ValueError)");
            break;
        }
        if (!sc_dur(c, ln, &t[1], &dur))
            break;
        if (dur <= 0) {
            sc_err(c, ln, t[1].col, "the switch interval must be strictly positive "
                   "(Python raises ValueError)");
            break;
        }
        if (!sc_no_more(c, ln, 2))
            break;
        k = sc_step(c, OP_SETSWITCHINTERVAL, ln, &t[0]);
        if (k >= 0)
            sc_at(c, k)->dur = dur;
        return;
    default:
        break;
    }
    sc_skip_body(c, ln->indent);
}

/* ================================================= top-level statements */

/* Line where the thing with sc.names value v was defined. */
static uint32_t sc_name_line(const struct sc *c, int32_t v)
{
    const struct scene *s = c->s;
    int32_t i = v >> 3;
    switch ((enum sc_nk)(v & 7)) {
    case NK_LOCK:     return s->locks[i].line;
    case NK_SHARED:   return s->shared[i].line;
    case NK_LOOP:     return s->loops[i].line;
    case NK_TASK:
    case NK_CALLBACK: return s->coros[i].line;
    case NK_FUTURE:   return s->futures[i].line;
    case NK_QUEUE:    return s->queues[i].line;
    default:          return s->pools[i].line;
    }
}

/* A loop, task, callback, future, queue or pool name must differ from every
 * other name (threads and processes included); false after reporting. */
static bool sc_fresh(struct sc *c, const struct sc_line *ln, const struct sc_tok *t)
{
    uint32_t line = 0;
    int32_t v = sc_map_get(&c->names, t->p, t->len);
    if (v >= 0)
        line = sc_name_line(c, v);
    else if ((v = sc_map_get(&c->threads, t->p, t->len)) >= 0)
        line = c->s->threads[v].line;
    else if ((v = sc_map_get(&c->procs, t->p, t->len)) >= 0)
        line = c->s->procs[v].line;
    else
        return true;
    sc_err(c, ln, t->col, "duplicate name '%.*s' (first defined at line %" PRIu32 ")",
           (int)t->len, t->p, line);
    return false;
}

/* A thread or process name taken by a loop, task, ...: report it. */
static bool sc_taken_by_new(struct sc *c, const struct sc_line *ln, const char *name,
                            size_t n, uint32_t col)
{
    int32_t v = sc_map_get(&c->names, name, n);
    if (v < 0 || (v & 7) < NK_LOOP)
        return false;
    sc_err(c, ln, col, "duplicate name '%.*s' (first defined at line %" PRIu32 ")",
           (int)n, name, sc_name_line(c, v));
    return true;
}

/* `thread NAME [xN]:` or `main:` inside process `proc`. */
static void sc_thread_stmt(struct sc *c, const struct sc_line *ln, int32_t proc)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    const char *name = "main";
    size_t nlen = 4, k = 1;
    int64_t count = 1;

    if (!ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the '%.*s' line",
               (int)t[0].len, t[0].p);
        goto fail;
    }
    if (sc_is(&t[0], "thread")) {
        if (!sc_need(c, ln, 1, "a thread name") || !sc_name(c, ln, &t[1]))
            goto fail;
        name = t[1].p;
        nlen = t[1].len;
        k = 2;
        if (ln->ntok > 2) {
            count = sc_xcount(c, ln, &t[2], "threads", SCENE_MAX_THREADS);
            if (count != 0)
                k = 3;
            if (count <= 0)
                count = 1;      /* after an error: go on, so the name is known */
        }
    }
    if (!sc_no_more(c, ln, k))
        goto fail;
    int32_t prev = sc_map_get(&c->threads, name, nlen);
    if (prev >= 0) {
        sc_err(c, ln, t[k - 1].col, "duplicate thread '%.*s' (first defined at line %" PRIu32 ")",
               (int)nlen, name, s->threads[prev].line);
        goto fail;
    }
    if (sc_taken_by_new(c, ln, name, nlen, t[k - 1].col))
        goto fail;
    if (!sc_open_block(c, ln))
        goto fail;

    int64_t replicas = count * s->procs[proc].count;
    c->total_threads += replicas;
    if (c->total_threads > SCENE_MAX_THREADS && !c->threads_over) {
        sc_err(c, ln, t[0].col, "too many threads: %" PRId64 " (at most %d)",
               c->total_threads, SCENE_MAX_THREADS);
        c->threads_over = true;
    }
    s->threads = gv_grow(s->threads, &c->cthreads, (size_t)s->nthreads + 1, sizeof *s->threads);
    c->tcap = gv_grow(c->tcap, &c->ctcap, (size_t)s->nthreads + 1, sizeof *c->tcap);
    struct scene_thread *th = &s->threads[s->nthreads];
    memset(th, 0, sizeof *th);
    th->name = gv_strndup(name, nlen);
    th->process = proc;
    th->count = (int32_t)count;
    th->line = ln->no;
    th->col = t[0].col;
    c->tcap[s->nthreads] = 0;
    sc_map_put(&c->threads, th->name, nlen, s->nthreads);
    c->ctx = CX_THREAD;
    c->cur = s->nthreads++;
    c->depth = 0;
    c->mult = count > 1 ? 2 : 1;
    c->in_map = false;
    c->steps_full = false;
    sc_walk(c, ln->indent, -1, sc_step_stmt, NULL);
    return;
fail:
    sc_skip_body(c, ln->indent);
}

/* A statement inside a `process` block: only thread/main. */
static void sc_proc_stmt(struct sc *c, const struct sc_line *ln, void *arg)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];
    if (ln->ntok > 0 && (sc_is(&t[0], "thread") || sc_is(&t[0], "main"))) {
        sc_thread_stmt(c, ln, *(int32_t *)arg);
        return;
    }
    if (ln->ntok == 0)
        sc_err(c, ln, ln->colon_col, "unexpected ':'");
    else
        sc_err(c, ln, t[0].col, "only 'thread' and 'main' blocks can be inside a "
               "process, not '%s'", sc_show(&t[0], b, sizeof b));
    sc_skip_body(c, ln->indent);
}

/* `process NAME [xN]:` */
static void sc_process_stmt(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    int64_t count = 1;
    size_t k = 2;

    if (!ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the 'process' line");
        goto fail;
    }
    if (!sc_need(c, ln, 1, "a process name") || !sc_name(c, ln, &t[1]))
        goto fail;
    if (ln->ntok > 2) {
        count = sc_xcount(c, ln, &t[2], "processes", SCENE_MAX_PROCESSES);
        if (count != 0)
            k = 3;
        if (count <= 0)
            count = 1;          /* after an error: go on checking the body */
    }
    if (!sc_no_more(c, ln, k))
        goto fail;
    if (sc_is(&t[1], "main")) {
        sc_err(c, ln, t[1].col, "'main' is the implicit main process; choose another name");
        goto fail;
    }
    int32_t prev = sc_map_get(&c->procs, t[1].p, t[1].len);
    if (prev >= 0) {
        sc_err(c, ln, t[1].col, "duplicate process '%.*s' (first defined at line %" PRIu32 ")",
               (int)t[1].len, t[1].p, s->procs[prev].line);
        goto fail;
    }
    if (sc_taken_by_new(c, ln, t[1].p, t[1].len, t[1].col))
        goto fail;
    if (!sc_open_block(c, ln))
        goto fail;
    c->total_procs += count;
    if (c->total_procs > SCENE_MAX_PROCESSES && !c->procs_over) {
        sc_err(c, ln, t[0].col, "too many processes: %" PRId64 " (at most %d, the main "
               "process included)", c->total_procs, SCENE_MAX_PROCESSES);
        c->procs_over = true;
    }
    s->procs = gv_grow(s->procs, &c->cprocs, (size_t)s->nprocs + 1, sizeof *s->procs);
    struct scene_process *p = &s->procs[s->nprocs];
    p->name = gv_strndup(t[1].p, t[1].len);
    p->count = (int32_t)count;
    p->line = ln->no;
    p->col = t[0].col;
    sc_map_put(&c->procs, p->name, t[1].len, s->nprocs);
    int32_t idx = s->nprocs++;
    int32_t before = s->nthreads;
    sc_walk(c, ln->indent, -1, sc_proc_stmt, &idx);
    if (s->nthreads == before)
        sc_err(c, ln, t[0].col, "process '%s' has no threads", s->procs[idx].name);
    return;
fail:
    sc_skip_body(c, ln->indent);
}

/* `lock NAME` or `shared NAME [= INTEGER]` */
static void sc_named_stmt(struct sc *c, const struct sc_line *ln, bool shared)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    int64_t init = 0;
    char b[256];

    if (!sc_need(c, ln, 1, "a name") || !sc_name(c, ln, &t[1]))
        return;
    if (shared && ln->ntok > 2 && t[2].kind == TK_EQ) {
        if (!sc_need(c, ln, 3, "a whole number"))
            return;
        int r = t[3].kind == TK_WORD ? sc_parse_i64(t[3].p, t[3].len, &init) : -1;
        if (r == -1) {
            sc_err(c, ln, t[3].col, "initial value must be a whole number, not '%s'",
                   sc_show(&t[3], b, sizeof b));
            return;
        }
        if (r == -2) {
            sc_err(c, ln, t[3].col, "initial value '%s' does not fit in 64 bits",
                   sc_show(&t[3], b, sizeof b));
            return;
        }
        if (!sc_no_more(c, ln, 4))
            return;
    } else if (!sc_no_more(c, ln, 2)) {
        return;
    }
    int32_t prev = sc_map_get(&c->names, t[1].p, t[1].len);
    if (prev >= 0) {
        sc_err(c, ln, t[1].col, "duplicate name '%.*s' (first defined at line %" PRIu32 ")",
               (int)t[1].len, t[1].p, sc_name_line(c, prev));
        return;
    }
    struct scene_named *nm;
    int32_t idx;
    if (shared) {
        if (s->nshared >= SCENE_MAX_SHARED && !c->shared_over) {
            sc_err(c, ln, t[0].col, "too many shared variables (at most %d)", SCENE_MAX_SHARED);
            c->shared_over = true;
        }
        s->shared = gv_grow(s->shared, &c->cshared, (size_t)s->nshared + 1, sizeof *s->shared);
        idx = s->nshared++;
        nm = &s->shared[idx];
    } else {
        if (s->nlocks >= SCENE_MAX_LOCKS && !c->locks_over) {
            sc_err(c, ln, t[0].col, "too many locks (at most %d)", SCENE_MAX_LOCKS);
            c->locks_over = true;
        }
        s->locks = gv_grow(s->locks, &c->clocks, (size_t)s->nlocks + 1, sizeof *s->locks);
        idx = s->nlocks++;
        nm = &s->locks[idx];
    }
    nm->name = gv_strndup(t[1].p, t[1].len);
    nm->init = init;
    nm->line = ln->no;
    nm->col = t[1].col;
    sc_map_put(&c->names, nm->name, t[1].len, idx * 8 + (shared ? NK_SHARED : NK_LOCK));
}

/* Count one more of something limited to `max` (`what`, translated here);
 * report once when over. */
static void sc_limit(struct sc *c, const struct sc_line *ln, int64_t count, int64_t max,
                     bool *over, const char *what)
{
    if (count > max && !*over) {
        /* TRANSLATORS: %s is "queues", "callbacks", "futures" or "loops". */
        sc_err(c, ln, c->toks[ln->tok].col, "too many %s (at most %" PRId64 ")",
               gv_msg(what), max);
        *over = true;
    }
}

/* `queue NAME [size N]` */
static void sc_queue_stmt(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    uint64_t cap = 0;

    if (!sc_need(c, ln, 1, "a queue name") || !sc_name(c, ln, &t[1]))
        return;
    if (ln->ntok > 2 && sc_is(&t[2], "size")) {
        if (!sc_need(c, ln, 3, "a number"))
            return;
        if (t[3].kind != TK_WORD || sc_parse_u64(t[3].p, t[3].len, &cap) != 0 || cap < 1 ||
            cap > SCENE_MAX_ITEMS) {
            sc_err(c, ln, t[3].col, "queue size must be a whole number between 1 and %d",
                   SCENE_MAX_ITEMS);
            return;
        }
        if (!sc_no_more(c, ln, 4))
            return;
    } else if (!sc_no_more(c, ln, 2)) {
        return;
    }
    if (!sc_fresh(c, ln, &t[1]))
        return;
    sc_limit(c, ln, (int64_t)s->nqueues + 1, SCENE_MAX_QUEUES, &c->queues_over, "queues");
    s->queues = gv_grow(s->queues, &c->cqueues, (size_t)s->nqueues + 1, sizeof *s->queues);
    struct scene_queue *q = &s->queues[s->nqueues];
    q->name = gv_strndup(t[1].p, t[1].len);
    q->capacity = (int64_t)cap;
    q->line = ln->no;
    q->col = t[1].col;
    sc_map_put(&c->names, q->name, t[1].len, s->nqueues++ * 8 + NK_QUEUE);
}

/* `pool NAME xN [fork|spawn]` */
static void sc_pool_stmt(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    int spawn = 1;
    size_t k = 3;
    char b[256];

    if (!sc_need(c, ln, 1, "a pool name") || !sc_name(c, ln, &t[1]) ||
        !sc_need(c, ln, 2, "a worker count like x4"))
        return;
    int64_t count = sc_xcount(c, ln, &t[2], "processes", SCENE_MAX_PROCESSES);
    if (count == 0) {
        sc_err(c, ln, t[2].col, "expected a worker count like x4, not '%s'",
               sc_show(&t[2], b, sizeof b));
        return;
    }
    if (count < 0)
        count = 1;  /* reported; keep the name so that its uses are not "unknown pool" too */
    if (ln->ntok > 3 && (sc_is(&t[3], "fork") || sc_is(&t[3], "spawn"))) {
        spawn = sc_is(&t[3], "spawn");
        k = 4;
    } else if (ln->ntok > 3 && t[3].kind == TK_WORD) {
        sc_err(c, ln, t[3].col, "unknown start method '%s' (use fork or spawn)",
               sc_show(&t[3], b, sizeof b));
        return;
    }
    if (!sc_no_more(c, ln, k) || !sc_fresh(c, ln, &t[1]))
        return;
    c->total_procs += count;
    if (c->total_procs > SCENE_MAX_PROCESSES && !c->procs_over) {
        sc_err(c, ln, t[0].col, "too many processes: %" PRId64 " (at most %d, the main "
               "process included)", c->total_procs, SCENE_MAX_PROCESSES);
        c->procs_over = true;
    }
    s->pools = gv_grow(s->pools, &c->cpools, (size_t)s->npools + 1, sizeof *s->pools);
    struct scene_pool *pl = &s->pools[s->npools];
    pl->name = gv_strndup(t[1].p, t[1].len);
    pl->size = (int32_t)count;
    pl->spawn = spawn;
    pl->line = ln->no;
    pl->col = t[1].col;
    sc_map_put(&c->names, pl->name, t[1].len, s->npools++ * 8 + NK_POOL);
}

/* What a loop block has seen so far. */
struct sc_loopctx {
    int32_t loop;
    uint32_t seen_executor, seen_slow;
    int32_t ntasks;
};

/* `task NAME [xN]:` or `callback NAME:` inside loop lc, and its steps. */
static void sc_coro_stmt(struct sc *c, const struct sc_line *ln, struct sc_loopctx *lc,
                         bool callback)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    const char *kw = callback ? "callback" : "task";
    int64_t count = 1;
    size_t k = 2;

    if (!ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the '%s' line", kw);
        goto fail;
    }
    if (!sc_need(c, ln, 1, callback ? N_("a callback name") : N_("a task name")) ||
        !sc_name(c, ln, &t[1]))
        goto fail;
    if (!callback && ln->ntok > 2) {
        count = sc_xcount(c, ln, &t[2], "tasks", SCENE_MAX_TASKS);
        if (count != 0)
            k = 3;
        if (count <= 0)
            count = 1;          /* after an error: go on, so the name is known */
    }
    if (!sc_no_more(c, ln, k) || !sc_fresh(c, ln, &t[1]) || !sc_open_block(c, ln))
        goto fail;
    if (callback) {
        sc_limit(c, ln, ++c->total_callbacks, SCENE_MAX_CALLBACKS, &c->callbacks_over,
                 "callbacks");
    } else {
        c->total_tasks += count;
        if (c->total_tasks > SCENE_MAX_TASKS && !c->tasks_over) {
            sc_err(c, ln, t[0].col, "too many tasks: %" PRId64 " (at most %d)",
                   c->total_tasks, SCENE_MAX_TASKS);
            c->tasks_over = true;
        }
    }
    s->coros = gv_grow(s->coros, &c->ccoros, (size_t)s->ncoros + 1, sizeof *s->coros);
    c->ocap = gv_grow(c->ocap, &c->cocap, (size_t)s->ncoros + 1, sizeof *c->ocap);
    struct scene_coro *co = &s->coros[s->ncoros];
    memset(co, 0, sizeof *co);
    co->name = gv_strndup(t[1].p, t[1].len);
    co->loop = lc->loop;
    co->count = (int32_t)count;
    co->is_callback = callback;
    co->line = ln->no;
    co->col = t[0].col;
    c->ocap[s->ncoros] = 0;
    sc_map_put(&c->names, co->name, t[1].len,
               s->ncoros * 8 + (callback ? NK_CALLBACK : NK_TASK));
    c->ctx = callback ? CX_CALLBACK : CX_TASK;
    c->cur = s->ncoros++;
    c->depth = 0;
    c->mult = 1;
    c->in_map = false;
    c->steps_full = false;
    sc_walk(c, ln->indent, -1, sc_step_stmt, NULL);
    return;
fail:
    sc_skip_body(c, ln->indent);
}

/* A statement inside a `loop` block. */
static void sc_loop_stmt(struct sc *c, const struct sc_line *ln, void *arg)
{
    enum { L_EXECUTOR, L_SLOW, L_TASK, L_CALLBACK, L_FUTURE };
    struct sc_loopctx *lc = arg;
    struct scene *s = c->s;
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];

    if (ln->ntok == 0) {
        sc_err(c, ln, ln->colon_col, "unexpected ':'");
        sc_skip_body(c, ln->indent);
        return;
    }
    int w = sc_which(&t[0], sc_loop_words);
    if (w < 0) {
        sc_err(c, ln, t[0].col, "only 'task', 'callback', 'future', 'executor' and "
               "'slow_callback' can be inside a loop, not '%s'", sc_show(&t[0], b, sizeof b));
        sc_skip_body(c, ln->indent);
        return;
    }
    if (w == L_TASK || w == L_CALLBACK) {
        lc->ntasks += w == L_TASK;      /* even a bad one: one mistake, one error */
        sc_coro_stmt(c, ln, lc, w == L_CALLBACK);
        return;
    }
    if (ln->colon) {
        sc_err(c, ln, ln->colon_col, "'%s' does not open a block (remove the ':')",
               sc_loop_words[w]);
        sc_skip_body(c, ln->indent);
        return;
    }
    struct scene_loop *lp = &s->loops[lc->loop];
    if (w == L_EXECUTOR || w == L_SLOW) {
        uint32_t *seen = w == L_EXECUTOR ? &lc->seen_executor : &lc->seen_slow;
        if (*seen) {
            sc_err(c, ln, t[0].col, "duplicate setting '%s'", sc_loop_words[w]);
            return;
        }
        *seen = ln->no;
        if (!sc_need(c, ln, 1, w == L_EXECUTOR ? N_("a number") : N_("a duration like 5ms")))
            return;
        if (w == L_EXECUTOR) {
            uint64_t u = 0;
            int r = t[1].kind == TK_WORD ? sc_parse_u64(t[1].p, t[1].len, &u) : -1;
            if (r == -1) {
                sc_err(c, ln, t[1].col, "executor must be a whole number, not '%s'",
                       sc_show(&t[1], b, sizeof b));
                return;
            }
            if (r == -2 || u < 1 || u > SCENE_MAX_EXECUTOR) {
                sc_err(c, ln, t[1].col, "executor must be between 1 and %d",
                       SCENE_MAX_EXECUTOR);
                return;
            }
            if (!sc_no_more(c, ln, 2))
                return;
            lp->executor = (int32_t)u;
        } else {
            gv_ns d = 0;
            if (!sc_dur(c, ln, &t[1], &d))
                return;
            if (d <= 0) {
                sc_err(c, ln, t[1].col, "slow_callback must be positive");
                return;
            }
            if (!sc_no_more(c, ln, 2))
                return;
            lp->slow_callback = d;
        }
        return;
    }
    /* future NAME */
    static const char *const reserved[] = { "io", "sleep", "gather", "executor", NULL };
    if (!sc_need(c, ln, 1, "a future name") || !sc_name(c, ln, &t[1]) || !sc_no_more(c, ln, 2))
        return;
    if (sc_which(&t[1], reserved) >= 0) {
        sc_err(c, ln, t[1].col, "a future cannot be called '%.*s' ('await %.*s' means "
               "something else)", (int)t[1].len, t[1].p, (int)t[1].len, t[1].p);
        return;
    }
    if (!sc_fresh(c, ln, &t[1]))
        return;
    sc_limit(c, ln, (int64_t)s->nfutures + 1, SCENE_MAX_FUTURES, &c->futures_over, "futures");
    s->futures = gv_grow(s->futures, &c->cfutures, (size_t)s->nfutures + 1, sizeof *s->futures);
    struct scene_future *f = &s->futures[s->nfutures];
    f->name = gv_strndup(t[1].p, t[1].len);
    f->loop = lc->loop;
    f->line = ln->no;
    f->col = t[1].col;
    sc_map_put(&c->names, f->name, t[1].len, s->nfutures++ * 8 + NK_FUTURE);
}

/* `loop NAME:` and its block. */
static void sc_loop_block(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;

    if (!ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the 'loop' line");
        goto fail;
    }
    if (!sc_need(c, ln, 1, "a loop name") || !sc_name(c, ln, &t[1]) || !sc_no_more(c, ln, 2) ||
        !sc_fresh(c, ln, &t[1]) || !sc_open_block(c, ln))
        goto fail;
    sc_limit(c, ln, (int64_t)s->nloops + 1, SCENE_MAX_LOOPS, &c->loops_over, "loops");
    s->loops = gv_grow(s->loops, &c->cloops, (size_t)s->nloops + 1, sizeof *s->loops);
    struct scene_loop *lp = &s->loops[s->nloops];
    lp->name = gv_strndup(t[1].p, t[1].len);
    lp->executor = 0;                       /* the default: see scene_loop_executor() */
    lp->slow_callback = 100 * GV_NS_PER_MS;
    lp->line = ln->no;
    lp->col = t[0].col;
    sc_map_put(&c->names, lp->name, t[1].len, s->nloops * 8 + NK_LOOP);
    struct sc_loopctx lc = { s->nloops++, 0, 0, 0 };
    sc_walk(c, ln->indent, -1, sc_loop_stmt, &lc);
    if (lc.ntasks == 0)
        sc_err(c, ln, t[0].col, "loop '%s' has no tasks", s->loops[lc.loop].name);
    return;
fail:
    sc_skip_body(c, ln->indent);
}

/* `note TIME "text" [pt "texto"]` */
static void sc_note_stmt(struct sc *c, const struct sc_line *ln)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    struct scene *s = c->s;
    gv_ns at;
    struct scene_text txt;

    if (!sc_need(c, ln, 1, "a time like 1.5s") || !sc_dur(c, ln, &t[1], &at) ||
        !sc_text(c, ln, 2, &txt))
        return;
    if (s->nnotes >= SCENE_MAX_NOTES && !c->notes_over) {
        sc_err(c, ln, t[0].col, "too many notes (at most %d)", SCENE_MAX_NOTES);
        c->notes_over = true;
    }
    s->notes = gv_grow(s->notes, &c->cnotes, (size_t)s->nnotes + 1, sizeof *s->notes);
    s->notes[s->nnotes].at = at;
    s->notes[s->nnotes].text = txt;
    s->notes[s->nnotes].line = ln->no;
    s->nnotes++;
}

/* A settings line: `cores 4`, `python 3.12`, ... */
static void sc_setting_stmt(struct sc *c, const struct sc_line *ln, int key)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    char err[512];
    struct sc_val v;

    memset(&v, 0, sizeof v);
    if (c->seen[key]) {
        sc_err(c, ln, t[0].col, "duplicate setting '%s'", sc_setting_names[key]);
        return;
    }
    c->seen[key] = ln->no;
    if (!sc_need(c, ln, 1, "a value"))
        return;
    if (sc_setting_value(key, t[1].p, t[1].len, &v, err, sizeof err) != 0) {
        sc_err_str(c, ln, t[1].col, err);
        return;
    }
    if (!sc_no_more(c, ln, 2))
        return;
    if (key == S_PYTHON)
        c->py = v.py;
    else if (key == S_GIL)
        c->gil = v.gil;
    else
        sc_setting_store(&c->s->set, key, &v);
}

/* One top-level line. */
static void sc_top_stmt(struct sc *c, const struct sc_line *ln, void *arg)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];
    (void)arg;

    if (ln->ntok == 0) {
        sc_err(c, ln, ln->colon_col, "unexpected ':'");
        sc_skip_body(c, ln->indent);
        return;
    }
    bool block = sc_is(&t[0], "thread") || sc_is(&t[0], "main") || sc_is(&t[0], "process") ||
                 sc_is(&t[0], "loop");
    if (block) {
        if (sc_is(&t[0], "process"))
            sc_process_stmt(c, ln);
        else if (sc_is(&t[0], "loop"))
            sc_loop_block(c, ln);
        else
            sc_thread_stmt(c, ln, 0);
        return;
    }
    int key = t[0].kind == TK_WORD ? sc_setting_index(t[0].p, t[0].len) : -1;
    bool title = sc_is(&t[0], "scene") || sc_is(&t[0], "title");
    bool known = key >= 0 || title || sc_is(&t[0], "description") || sc_is(&t[0], "lock") ||
                 sc_is(&t[0], "shared") || sc_is(&t[0], "note") || sc_is(&t[0], "queue") ||
                 sc_is(&t[0], "pool");
    if (!known) {
        int w = sc_which(&t[0], sc_step_words);
        if (w >= 0)
            sc_err(c, ln, t[0].col, "'%.*s' must be inside %s", (int)t[0].len, t[0].p,
                   gv_msg(sc_where_block(sc_step_where[w])));
        else if (sc_which(&t[0], sc_loop_words) >= 0)
            sc_err(c, ln, t[0].col, "'%.*s' must be directly inside a loop block",
                   (int)t[0].len, t[0].p);
        else
            sc_err(c, ln, t[0].col, "unknown statement '%s' (expected %s)",
                   sc_show(&t[0], b, sizeof b), sc_top_list);
        sc_skip_body(c, ln->indent);
        return;
    }
    if (ln->colon) {
        sc_err(c, ln, ln->colon_col, "'%.*s' does not open a block (remove the ':')",
               (int)t[0].len, t[0].p);
        sc_skip_body(c, ln->indent);
        return;
    }
    if (key >= 0) {
        sc_setting_stmt(c, ln, key);
    } else if (title || sc_is(&t[0], "description")) {
        int slot = title ? S_TITLE : S_DESCRIPTION;
        struct scene_text *dst = title ? &c->s->title : &c->s->description;
        if (c->seen[slot]) {
            sc_err(c, ln, t[0].col, "duplicate setting '%.*s'", (int)t[0].len, t[0].p);
            return;
        }
        c->seen[slot] = ln->no;
        sc_text(c, ln, 1, dst);
    } else if (sc_is(&t[0], "note")) {
        sc_note_stmt(c, ln);
    } else if (sc_is(&t[0], "queue")) {
        sc_queue_stmt(c, ln);
    } else if (sc_is(&t[0], "pool")) {
        sc_pool_stmt(c, ln);
    } else {
        sc_named_stmt(c, ln, sc_is(&t[0], "shared"));
    }
}

/* ============================================================== resolve */

/* The line record of line number `no` (lines are in file order). */
static const struct sc_line *sc_line_at(const struct sc *c, uint32_t no)
{
    size_t lo = 0, hi = c->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->lines[mid].no < no)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nlines ? &c->lines[lo] : NULL;
}

/* Report name t, which should be a `want`: unknown, or something else. */
static void sc_wrong_kind(struct sc *c, const struct sc_line *ln, const struct sc_tok *t,
                          enum sc_nk want, int32_t v)
{
    int n = (int)t->len;
    int other = v >= 0 ? v & 7
        : want != NK_THREAD && sc_map_get(&c->threads, t->p, t->len) >= 0 ? NK_THREAD
        : sc_map_get(&c->procs, t->p, t->len) >= 0 ? NK_PROCESS : -1;
    if (other >= 0)
        sc_err(c, ln, t->col, "'%.*s' is %s, not %s", n, t->p, gv_msg(sc_kind_a[other]),
               gv_msg(sc_kind_a[want]));
    else
        sc_err(c, ln, t->col, sc_kind_unknown[want], n, t->p);
}

/* The step holding pending reference p. */
static struct scene_step *sc_pstep(const struct sc *c, const struct sc_pend *p)
{
    return &sc_prog(c, p->coro, p->thread)[p->step];
}

/* If p is a resolved edge from a coro to the coro it creates (create_task,
 * gather) or schedules (call_soon, call_later, add_done_callback): the
 * target, else -1. */
static int32_t sc_coro_edge(const struct sc *c, const struct sc_pend *p)
{
    if (!p->coro)
        return -1;
    const struct scene_step *st = sc_pstep(c, p);
    if (p->kind == NK_TASK && (st->op == OP_CREATE_TASK || st->op == OP_AWAIT_GATHER))
        return st->ref;
    if (p->kind == NK_CALLBACK)
        return p->second ? st->ref2 : st->ref;
    return -1;
}

/* Breadth-first search from the marked nodes of live[0..n) along the edges
 * (compressed: node g's edges are edge[end[g-1] .. end[g]), end[-1] = 0). */
static void sc_reach(bool *live, int32_t n, const size_t *end, const int32_t *edge,
                     int32_t *queue)
{
    size_t qh = 0, qt = 0;
    for (int32_t g = 0; g < n; g++)
        if (live[g])
            queue[qt++] = g;
    while (qh < qt) {
        int32_t g = queue[qh++];
        for (size_t e = g ? end[g - 1] : 0; e < end[g]; e++)
            if (!live[edge[e]]) {
                live[edge[e]] = true;
                queue[qt++] = edge[e];
            }
    }
}

/* Turn counts per node into end offsets (exclusive prefix sums); the fill
 * pass then advances them to the end of each node's edges. */
static void sc_offsets(size_t *deg, int32_t n)
{
    size_t sum = 0;
    for (int32_t g = 0; g <= n; g++) {
        size_t d = deg[g];
        deg[g] = sum;
        sum += d;
    }
}

/* Resolve names used by steps; check start/join, run and loop rules; find
 * the threads that never start and the tasks that are never created. */
static void sc_resolve(struct sc *c)
{
    struct scene *s = c->s;
    int32_t ng = s->nthreads, nl = s->nloops, nco = s->ncoros;
    int32_t nq = ng > nco ? ng : nco;
    int *started = gv_calloc((size_t)ng + 1, sizeof *started);
    size_t *deg = gv_calloc((size_t)ng + 2, sizeof *deg);
    size_t *cdeg = gv_calloc((size_t)nco + 2, sizeof *cdeg);
    int32_t *edge = gv_calloc(c->npend + 1, sizeof *edge);
    int32_t *queue = gv_calloc((size_t)nq + 1, sizeof *queue);
    bool *live = gv_calloc((size_t)ng + 1, sizeof *live);
    bool *clive = gv_calloc((size_t)nco + 1, sizeof *clive);
    bool *by_cb = gv_calloc((size_t)nco + 1, sizeof *by_cb);
    bool *reported = gv_calloc((size_t)ng + 1, sizeof *reported);
    int32_t *run_by = gv_calloc((size_t)nl + 1, sizeof *run_by);
    bool *run_reported = gv_calloc((size_t)nl + 1, sizeof *run_reported);
    bool *has_task = gv_calloc((size_t)nl + 1, sizeof *has_task);
    bool *has_start = gv_calloc((size_t)nl + 1, sizeof *has_start);

    for (int32_t l = 0; l < nl; l++)
        run_by[l] = -1;

    for (size_t i = 0; i < c->npend && !c->stop; i++) {
        struct sc_pend *p = &c->pend[i];
        const struct sc_line *ln = &c->lines[p->line];
        const struct sc_tok *t = &c->toks[p->tok];
        struct scene_step *st = sc_pstep(c, p);
        int n = (int)t->len;
        if (p->kind == NK_THREAD) {
            int32_t g = sc_map_get(&c->threads, t->p, t->len);
            if (g < 0) {
                sc_wrong_kind(c, ln, t, NK_THREAD, sc_map_get(&c->names, t->p, t->len));
            } else if (g == p->thread) {
                if (st->op == OP_START)
                    sc_err(c, ln, t->col, "a thread cannot start itself");
                else
                    sc_err(c, ln, t->col, "a thread cannot join itself");
            } else if (s->threads[g].process != s->threads[p->thread].process) {
                sc_err(c, ln, t->col, "thread '%.*s' belongs to another process", n, t->p);
            } else {
                st->ref = g;
                if (st->op == OP_START) {
                    s->threads[g].deferred = 1;
                    started[g] += p->mult;
                    if (started[g] > 1 && !reported[g]) {
                        sc_err(c, ln, t->col, "thread '%.*s' is started more than once "
                               "(Python raises RuntimeError)", n, t->p);
                        reported[g] = true;
                    }
                    deg[p->thread]++;
                }
            }
            continue;
        }
        int32_t v = sc_map_get(&c->names, t->p, t->len);
        if (v < 0 || (enum sc_nk)(v & 7) != p->kind) {
            sc_wrong_kind(c, ln, t, p->kind, v);
            continue;
        }
        int32_t idx = v >> 3;
        switch (p->kind) {
        case NK_LOCK:
        case NK_SHARED:
            st->ref = idx;
            if (p->step2 >= 0)
                sc_prog(c, p->coro, p->thread)[p->step2].ref = idx;
            break;
        case NK_LOOP: {
            st->ref = idx;
            bool twice = p->mult > 1 || s->procs[s->threads[p->thread].process].count > 1;
            if (run_by[idx] < 0) {
                run_by[idx] = p->thread;
            } else if (!run_reported[idx] && run_by[idx] != p->thread) {
                sc_err(c, ln, t->col, "loop '%.*s' is run by more than one thread", n, t->p);
                run_reported[idx] = true;
            } else {
                twice = true;
            }
            if (twice && !run_reported[idx]) {
                sc_err(c, ln, t->col, "loop '%.*s' is run more than once (a loop block "
                       "is one asyncio.run: declare another loop)", n, t->p);
                run_reported[idx] = true;
            }
            break;
        }
        case NK_TASK:
        case NK_CALLBACK:
        case NK_FUTURE: {
            int32_t tl = p->kind == NK_FUTURE ? s->futures[idx].loop : s->coros[idx].loop;
            int32_t ol = p->coro ? s->coros[p->thread].loop : tl;
            if (tl != ol) {
                const char *fmt = p->kind == NK_TASK
                    ? N_("task '%.*s' belongs to loop '%s', not '%s'")
                    : p->kind == NK_CALLBACK
                    ? N_("callback '%.*s' belongs to loop '%s', not '%s'")
                    : N_("future '%.*s' belongs to loop '%s', not '%s'");
                sc_err(c, ln, t->col, fmt, n, t->p, s->loops[tl].name, s->loops[ol].name);
                break;
            }
            if (p->second)
                st->ref2 = idx;
            else
                st->ref = idx;
            if (p->kind == NK_TASK && (st->op == OP_CREATE_TASK || st->op == OP_AWAIT_GATHER))
                s->coros[idx].deferred = 1;
            break;
        }
        default:
            st->ref = idx;
            break;
        }
    }
    if (c->stop)
        goto out;

    /* a thread may name any loop's callback or future, but not across processes */
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        if (p->coro || (p->kind != NK_CALLBACK && p->kind != NK_FUTURE))
            continue;
        int32_t idx = sc_pstep(c, p)->ref;
        if (idx < 0)
            continue;
        int32_t l = p->kind == NK_FUTURE ? s->futures[idx].loop : s->coros[idx].loop;
        if (run_by[l] >= 0 &&
            s->threads[run_by[l]].process != s->threads[p->thread].process) {
            const struct sc_tok *t = &c->toks[p->tok];
            const char *fmt = p->kind == NK_CALLBACK
                ? N_("callback '%.*s' belongs to loop '%s', which runs in another process")
                : N_("future '%.*s' belongs to loop '%s', which runs in another process");
            sc_err(c, &c->lines[p->line], t->col, fmt, (int)t->len, t->p, s->loops[l].name);
        }
    }

    /* every loop is run once and has a task to start with */
    for (int32_t i = 0; i < nco; i++)
        if (!s->coros[i].is_callback) {
            has_task[s->coros[i].loop] = true;
            has_start[s->coros[i].loop] |= !s->coros[i].deferred;
        }
    for (int32_t l = 0; l < nl; l++) {
        const struct scene_loop *lp = &s->loops[l];
        if (run_by[l] < 0)
            sc_err(c, sc_line_at(c, lp->line), lp->col, "loop '%s' is never run", lp->name);
        else if (has_task[l] && !has_start[l])
            sc_err(c, sc_line_at(c, lp->line), lp->col, "loop '%s' has no task to start "
                   "with: every task is created by create_task or gather", lp->name);
    }

    /* which thread groups ever run: from the groups that start at time 0
     * along `start` edges */
    sc_offsets(deg, ng);
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        struct scene_step *st = sc_pstep(c, p);
        if (p->kind == NK_THREAD && st->op == OP_START && st->ref >= 0)
            edge[deg[p->thread]++] = st->ref;
    }
    for (int32_t g = 0; g < ng; g++)
        live[g] = !s->threads[g].deferred;
    sc_reach(live, ng, deg, edge, queue);
    for (int32_t g = 0; g < ng; g++)
        if (!live[g]) {
            struct scene_thread *th = &s->threads[g];
            sc_err(c, sc_line_at(c, th->line), th->col, "thread '%s' never starts: only "
                   "threads that never start start it", th->name);
        }
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        struct scene_step *st = sc_pstep(c, p);
        if (p->kind == NK_THREAD && st->op == OP_JOIN && st->ref >= 0 && !live[st->ref])
            sc_err(c, &c->lines[p->line], c->toks[p->tok].col, "thread '%s' never starts, "
                   "so joining it would wait forever", s->threads[st->ref].name);
    }

    /* which tasks and callbacks ever run: from the tasks that start with
     * their loop and the callbacks that running threads schedule, along
     * create_task / gather / call_soon / call_later / add_done_callback */
    for (size_t i = 0; i < c->npend; i++)
        if (sc_coro_edge(c, &c->pend[i]) >= 0)
            cdeg[c->pend[i].thread]++;
    sc_offsets(cdeg, nco);
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        int32_t to = sc_coro_edge(c, p);
        if (to < 0)
            continue;
        edge[cdeg[p->thread]++] = to;
        if (s->coros[p->thread].is_callback && !s->coros[to].is_callback)
            by_cb[to] = true;
    }
    for (int32_t i = 0; i < nco; i++)
        clive[i] = !s->coros[i].is_callback && !s->coros[i].deferred;
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        struct scene_step *st = sc_pstep(c, p);
        if (!p->coro && st->op == OP_CALL_SOON_THREADSAFE && st->ref >= 0 && live[p->thread])
            clive[st->ref] = true;
    }
    sc_reach(clive, nco, cdeg, edge, queue);
    for (int32_t i = 0; i < nco; i++) {
        const struct scene_coro *co = &s->coros[i];
        if (co->is_callback || clive[i] || run_by[co->loop] < 0 || !has_start[co->loop])
            continue;
        if (by_cb[i])
            sc_err(c, sc_line_at(c, co->line), co->col, "task '%s' is never created: only "
                   "tasks and callbacks that never run create it", co->name);
        else
            sc_err(c, sc_line_at(c, co->line), co->col, "task '%s' is never created: only "
                   "tasks that are never created create it", co->name);
    }
out:
    free(started);
    free(deg);
    free(cdeg);
    free(edge);
    free(queue);
    free(live);
    free(clive);
    free(by_cb);
    free(reported);
    free(run_by);
    free(run_reported);
    free(has_task);
    free(has_start);
}

/* Order notes by time, then by line (= file order): stable. */
static int sc_note_cmp(const void *a, const void *b)
{
    const struct scene_note *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort this parse's diagnostics by line and column (stable, few items);
 * a final "too many errors" stays last. */
static void sc_sort_diags(struct sc *c)
{
    struct scene_diags *d = c->d;
    int32_t end = d->n - (c->stop ? 1 : 0);
    for (int32_t i = c->first_diag + 1; i < end; i++) {
        struct scene_diag x = d->v[i];
        int32_t j = i;
        while (j > c->first_diag &&
               (d->v[j - 1].line > x.line ||
                (d->v[j - 1].line == x.line && d->v[j - 1].col > x.col))) {
            d->v[j] = d->v[j - 1];
            j--;
        }
        d->v[j] = x;
    }
}

/* Lex, parse and resolve; NULL if any diagnostic was added. */
/* Under the old GIL, every setswitchinterval step is an error. */
static void sc_check_setswitch_steps(struct sc *c, const struct scene_step *st, int32_t n)
{
    for (int32_t k = 0; k < n; k++)
        if (st[k].op == OP_SETSWITCHINTERVAL)
            sc_err(c, sc_line_at(c, st[k].line), st[k].col, "setswitchinterval needs the new "
                   "GIL (Python 3.2+); the old GIL releases every check_interval ticks "
                   "(sys.setcheckinterval): set check_interval instead");
}

static void sc_check_setswitch(struct sc *c)
{
    const struct scene *s = c->s;
    for (int32_t i = 0; i < s->nthreads; i++)
        sc_check_setswitch_steps(c, s->threads[i].steps, s->threads[i].nsteps);
    for (int32_t i = 0; i < s->ncoros; i++)
        sc_check_setswitch_steps(c, s->coros[i].steps, s->coros[i].nsteps);
}

struct scene *scene_parse(const char *file, const char *text, size_t len,
                          struct scene_diags *d)
{
    struct scene_diags local;
    memset(&local, 0, sizeof local);
    if (!d)
        d = &local;
    d->file = file;

    struct sc c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.first_diag = d->n;

    struct scene *s = gv_calloc(1, sizeof *s);
    c.s = s;
    s->file = gv_strdup(file ? file : "");
    scene_defaults(&s->set);
    s->procs = gv_grow(NULL, &c.cprocs, 1, sizeof *s->procs);
    s->procs[0].name = gv_strdup("main");
    s->procs[0].count = 1;
    s->procs[0].line = 0;
    s->procs[0].col = 0;
    s->nprocs = 1;
    c.total_procs = 1;

    if (text)
        sc_lex(&c, text, len);
    if (!c.stop)
        sc_walk(&c, -1, 0, sc_top_stmt, NULL);
    if (!c.stop)
        sc_resolve(&c);
    if (!c.stop && c.nerr == 0 && s->nthreads == 0) {
        if (c.nlines == 0)
            sc_err(&c, NULL, 0, "the scene is empty: it needs at least one 'thread NAME:' "
                   "or 'main:' block");
        else
            sc_err(&c, NULL, 0, "the scene has no threads: add a 'thread NAME:' or 'main:' "
                   "block");
    }

    if (c.seen[S_PYTHON])
        sc_apply_python(&s->set, c.py);
    if (c.seen[S_GIL]) {
        if (!c.seen[S_PYTHON])
            s->set.py_major = s->set.py_minor = 0;
        sc_apply_gil(&s->set, c.gil);
    }
    /* the old GIL has no switch interval (Python 2 has sys.setcheckinterval
     * instead); --set gil=old on a valid scene is caught by the engine */
    if (!c.stop && s->set.gil == GIL_OLD)
        sc_check_setswitch(&c);
    if (s->nnotes > 1)
        qsort(s->notes, (size_t)s->nnotes, sizeof *s->notes, sc_note_cmp);
    sc_sort_diags(&c);

    for (size_t i = 0; i < c.ntoks; i++)
        free(c.toks[i].str);
    free(c.toks);
    free(c.lines);
    free(c.pend);
    free(c.tcap);
    free(c.ocap);
    free(c.threads.e);
    free(c.procs.e);
    free(c.names.e);
    free(c.labels.e);
    for (size_t i = 0; i < c.nlabel_keys; i++)
        free(c.label_keys[i]);
    free(c.label_keys);

    if (c.nerr) {
        scene_free(s);
        s = NULL;
    }
    if (d == &local)
        scene_diags_free(&local);
    return s;
}
