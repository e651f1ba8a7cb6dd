/*
 * parse: the scene language (assets/scene-language.md) -> struct scene.
 *
 * Three passes over the text:
 *   1. lex: split into lines, check the bytes (NUL, UTF-8, control
 *      characters), measure the indentation and cut each line into tokens
 *      (words, "strings", '=' and ':').  A line with such an error is
 *      marked bad and later skipped together with its indented body.
 *   2. parse: a recursive walk over the indentation structure, one statement
 *      per line.  Lock, variable and thread names may be used before they
 *      are defined, so uses are kept as pending references.
 *   3. resolve: pending references, start/join rules, python/gil mapping.
 * Every error is recorded with line:col and parsing goes on with the next
 * line; the body of a failed block is skipped so that one mistake gives one
 * error.  After SC_MAX_ERRORS errors the parser stops.
 *
 * Recursion depth is bounded: only thread, process, repeat and with open
 * blocks, and repeat/with nesting is capped at SCENE_MAX_DEPTH before
 * recursing.  All numbers are range-checked before any arithmetic.
 *
 * scene_set() lives here too because it shares the setting validation.
 */
#include "scene.h"

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

enum sc_pk { PK_LOCK, PK_SHARED, PK_THREAD };

struct sc_pend {
    enum sc_pk kind;
    int32_t thread;     /* group whose program holds the step */
    int32_t step;       /* index of the step in that program */
    int32_t step2;      /* `with`: the matching release, else -1 */
    size_t line, tok;   /* indices into sc.lines / sc.toks: the name */
    int mult;           /* START: 1, or 2 meaning "runs more than once" */
};

/* ----------------------------------------------------------- settings */

enum {
    S_CORES, S_GIL, S_PYTHON, S_SWITCH, S_CHECK, S_BYTECODE, S_CHECKPOINT,
    S_TIMESLICE, S_CTXSW, S_WAKEUP, S_JITTER, S_SIGNAL, S_OVERHEAD, S_RMW, S_HORIZON,
    S_SEED, S_COUNT,
    S_TITLE = S_COUNT, S_DESCRIPTION, S_ALL
};

static const char *const sc_setting_names[S_COUNT] = {
    "cores", "gil", "python", "switch_interval", "check_interval", "bytecode",
    "checkpoint", "timeslice", "context_switch", "wakeup_latency",
    "wakeup_jitter", "signal_cost", "nogil_overhead", "rmw_cost", "horizon", "seed",
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
    size_t *tcap;                   /* step capacity of each thread group */
    size_t ctcap;
    struct sc_map threads, procs, names, labels;

    uint32_t seen[S_ALL];           /* line of each setting, 0 if not seen */
    struct sc_py py;
    enum gil_model gil;

    int32_t cur;                    /* thread group being filled */
    int depth;                      /* repeat/with nesting */
    int mult;                       /* 2 if the current step may run twice */
    bool steps_full;
    int64_t total_threads, total_procs;
    bool threads_over, procs_over, locks_over, shared_over, notes_over;
};

typedef void (*sc_fn)(struct sc *c, const struct sc_line *ln, void *arg);

static const char sc_steps_list[] =
    "cpu, ccall, nogil, io, sleep, acquire, release, with, incr, read, "
    "write, start, join, repeat";

static const char sc_top_list[] =
    "scene, description, python, gil, cores, switch_interval, "
    "check_interval, bytecode, checkpoint, timeslice, context_switch, "
    "wakeup_latency, wakeup_jitter, signal_cost, nogil_overhead, rmw_cost, horizon, seed, "
    "lock, shared, note, thread, main, process";

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

/* Copy p[0..n) into buf for a message: at most SC_SHOW characters. */
static const char *sc_clip(const char *p, size_t n, char *buf, size_t size)
{
    size_t i = 0, chars = 0;
    while (i < n && chars < SC_SHOW && i + 8 < size) {
        i++;
        while (i < n && ((unsigned char)p[i] & 0xc0) == 0x80 && i + 8 < size)
            i++;
        chars++;
    }
    memcpy(buf, p, i);
    if (i < n)
        memcpy(buf + i, "...", 4);
    else
        buf[i] = '\0';
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

/* Record an error at line `no` (raw text raw/rawlen), column col. */
static void sc_verr(struct sc *c, uint32_t no, const char *raw, size_t rawlen,
                    uint32_t col, const char *fmt, va_list ap)
{
    if (c->stop)
        return;
    if (c->nerr >= SC_MAX_ERRORS) {
        sc_diag_push(c->d, no, col, raw, rawlen,
                     "too many errors; stopping here");
        c->nerr++;
        c->stop = true;
        return;
    }
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    sc_diag_push(c->d, no, col, raw, rawlen, msg);
    c->nerr++;
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
            snprintf(err, esz, "unknown GIL model '%s' (use new, old or none)",
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        return 0;
    case S_PYTHON:
        if (sc_parse_python(v, n, &out->py) == 0)
            return 0;
        snprintf(err, esz, "unknown Python version '%s' (use 2.7, 3.2 ... 3.14, 3.13t)",
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
            snprintf(err, esz, "%s must be a whole number, not '%s'", name,
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        if (r == -2 || u < (uint64_t)lo || u > (uint64_t)hi) {
            snprintf(err, esz, "%s must be between %" PRId64 " and %" PRId64 "%s",
                     name, lo, hi, key == S_OVERHEAD ? " (percent)" : "");
            return -1;
        }
        out->i = (int64_t)u;
        return 0;
    }
    case S_SEED:
        r = sc_parse_u64(v, n, &u);
        if (r == -1) {
            snprintf(err, esz, "seed must be a whole number, not '%s'",
                     sc_clip(v, n, show, sizeof show));
            return -1;
        }
        if (r == -2) {
            snprintf(err, esz, "seed must be between 0 and %" PRIu64, UINT64_MAX);
            return -1;
        }
        out->u = u;
        return 0;
    default: {
        const char *why = NULL;
        gv_ns ns = 0;
        if (gv_parse_duration(v, n, &ns, &why) != 0) {
            snprintf(err, esz, "%s", why);
            return -1;
        }
        bool positive = key == S_SWITCH || key == S_BYTECODE || key == S_CHECKPOINT ||
                        key == S_TIMESLICE || key == S_HORIZON;
        if (positive && ns <= 0) {
            snprintf(err, esz, "%s must be positive", name);
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
        snprintf(err, errsize, "no scene to change");
        return -1;
    }
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errsize, "expected KEY=VALUE, e.g. cores=4");
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
        snprintf(err, errsize, "unknown setting '%s' (known: %s)",
                 sc_clip(kv, klen, show, sizeof show), known);
        return -1;
    }
    const char *v = eq + 1;
    if (*v == '\0') {
        snprintf(err, errsize, "expected a value after '%s='", sc_setting_names[key]);
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
        sc_err_raw(c, no, p, n, col + sc_chars(p + i, j - i),
                   "unknown escape '\\%.*s' in a string (use \\\", \\\\ or \\n)",
                   (int)(k ? k : 1), p + j + 1);
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
        if (b == 0)
            what = "NUL byte in the text (is this a binary file?)";
        else if ((b < 0x20 && b != '\t') || b == 0x7f)
            what = "invalid control character";
        else if (b >= 0x80 && (k = sc_utf8_len((const unsigned char *)p + i, n - i)) == 0)
            what = "invalid UTF-8";
        if (what) {
            if (b != 0 && b < 0x80)
                sc_err_raw(c, no, p, n, col, "%s (byte 0x%02x)", what, b);
            else
                sc_err_raw(c, no, p, n, col, "%s", what);
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
            sc_err(c, ln, (uint32_t)ln->indent + 1, "unexpected indentation");
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

/* Check that token k exists; else "expected WHAT after 'KW'". */
static bool sc_need(struct sc *c, const struct sc_line *ln, size_t k, const char *what)
{
    if (k < ln->ntok)
        return true;
    const struct sc_tok *t = &c->toks[ln->tok];
    const struct sc_tok *prev = &t[k - 1];
    sc_err(c, ln, sc_eol_col(c, ln), "expected %s after '%.*s'", what,
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
    const char *why = "expected a duration like 5ms";
    if (t->kind != TK_WORD || gv_parse_duration(t->p, t->len, out, &why) != 0) {
        sc_err(c, ln, t->col, "%s", why);
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

/* Parse "STRING [LANG STRING]..." from token k on into out. */
static bool sc_text(struct sc *c, const struct sc_line *ln, size_t k, struct scene_text *out)
{
    const struct sc_tok *t = &c->toks[ln->tok];
    const char *tmp[SCENE_NLANG] = { NULL };
    char b[256];
    if (!sc_need(c, ln, k, "a string in double quotes"))
        return false;
    if (t[k].kind != TK_STR) {
        sc_err(c, ln, t[k].col, "expected a string in double quotes, not '%s'",
               sc_show(&t[k], b, sizeof b));
        return false;
    }
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
        if (!sc_need(c, ln, k + 1, "a string in double quotes"))
            return false;
        if (t[k + 1].kind != TK_STR) {
            sc_err(c, ln, t[k + 1].col, "expected a string in double quotes, not '%s'",
                   sc_show(&t[k + 1], b, sizeof b));
            return false;
        }
        tmp[lang] = t[k + 1].str;
        k += 2;
    }
    for (int i = 0; i < SCENE_NLANG; i++)
        out->text[i] = tmp[i] ? gv_strdup(tmp[i]) : NULL;
    return true;
}

/* Parse an "xN" count token; 0 if tok is not of that form. */
static int64_t sc_xcount(struct sc *c, const struct sc_line *ln, const struct sc_tok *t,
                         bool process)
{
    uint64_t u;
    if (t->kind != TK_WORD || t->len < 2 || t->p[0] != 'x')
        return 0;
    int r = sc_parse_u64(t->p + 1, t->len - 1, &u);
    if (r == -1)
        return 0;
    int64_t max = process ? SCENE_MAX_PROCESSES : SCENE_MAX_THREADS;
    if (r == 0 && u == 0) {
        sc_err(c, ln, t->col, "a count must be at least 1 (x1)");
        return -1;
    }
    if (r == -2 || u > (uint64_t)max) {
        sc_err(c, ln, t->col, "too many %s: %.*s (at most %" PRId64 ")",
               process ? "processes" : "threads", (int)(t->len - 1), t->p + 1, max);
        return -1;
    }
    return (int64_t)u;
}

/* Record a name use to resolve after parsing. */
static void sc_pending(struct sc *c, enum sc_pk kind, int32_t step, const struct sc_line *ln,
                       const struct sc_tok *t)
{
    if (step < 0)
        return;
    c->pend = gv_grow(c->pend, &c->cpend, c->npend + 1, sizeof *c->pend);
    struct sc_pend *p = &c->pend[c->npend++];
    p->kind = kind;
    p->thread = c->cur;
    p->step = step;
    p->step2 = -1;
    p->line = (size_t)(ln - c->lines);
    p->tok = (size_t)(t - c->toks);
    p->mult = c->mult;
}

/* ================================================================ steps */

/* Append a step to the current thread; its index, or -1 when full. */
static int32_t sc_step(struct sc *c, enum step_op op, const struct sc_line *ln,
                       const struct sc_tok *kw)
{
    struct scene_thread *th = &c->s->threads[c->cur];
    if (th->nsteps >= SCENE_MAX_STEPS) {
        if (!c->steps_full)
            sc_err(c, ln, kw->col, "too many steps in thread '%s' (at most %d)",
                   th->name, SCENE_MAX_STEPS);
        c->steps_full = true;
        return -1;
    }
    th->steps = gv_grow(th->steps, &c->tcap[c->cur], (size_t)th->nsteps + 1,
                        sizeof *th->steps);
    struct scene_step *st = &th->steps[th->nsteps];
    memset(st, 0, sizeof *st);
    st->op = op;
    st->ref = -1;
    st->line = ln->no;
    st->col = kw->col;
    return th->nsteps++;
}

/* Pointer to step i of the current thread. */
static struct scene_step *sc_at(struct sc *c, int32_t i)
{
    return &c->s->threads[c->cur].steps[i];
}

/* Index of label str (deduplicated). */
static int32_t sc_label(struct sc *c, const char *str)
{
    size_t n = strlen(str);
    int32_t v = sc_map_get(&c->labels, str, n);
    if (v >= 0)
        return v;
    struct scene *s = c->s;
    s->labels = gv_grow(s->labels, &c->clabels, (size_t)s->nlabels + 1, sizeof *s->labels);
    s->labels[s->nlabels] = gv_strdup(str);
    sc_map_put(&c->labels, s->labels[s->nlabels], n, s->nlabels);
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

/* One step line inside a thread (or repeat/with) block. */
static void sc_step_stmt(struct sc *c, const struct sc_line *ln, void *arg)
{
    static const char *const steps[] = {
        "cpu", "ccall", "nogil", "io", "sleep", "acquire", "release", "with",
        "incr", "read", "write", "start", "join", "repeat", NULL,
    };
    enum { W_CPU, W_CCALL, W_NOGIL, W_IO, W_SLEEP, W_ACQ, W_REL, W_WITH,
           W_INCR, W_READ, W_WRITE, W_START, W_JOIN, W_REPEAT };
    static const char *const top[] = {
        "scene", "title", "description", "python", "gil", "cores", "switch_interval",
        "check_interval", "bytecode", "checkpoint", "timeslice", "context_switch",
        "wakeup_latency", "wakeup_jitter", "signal_cost", "nogil_overhead", "rmw_cost", "horizon",
        "seed", "lock", "shared", "note", "process", NULL,
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
    int w = sc_which(&t[0], steps);
    if (w < 0) {
        if (sc_is(&t[0], "thread") || sc_is(&t[0], "main"))
            sc_err(c, ln, t[0].col, "a thread block cannot be inside another block "
                   "(use 'start' to start one thread from another)");
        else if (sc_which(&t[0], top) >= 0)
            sc_err(c, ln, t[0].col, "'%.*s' must be at the top level (not indented)",
                   (int)t[0].len, t[0].p);
        else
            sc_err(c, ln, t[0].col, "unknown step '%s' (expected %s)",
                   sc_show(&t[0], b, sizeof b), sc_steps_list);
        sc_skip_body(c, ln->indent);
        return;
    }
    bool block = w == W_WITH || w == W_REPEAT;
    if (block && !ln->colon) {
        sc_err(c, ln, sc_eol_col(c, ln), "expected ':' at the end of the '%s' line",
               steps[w]);
        sc_skip_body(c, ln->indent);
        return;
    }
    if (!block && ln->colon) {
        sc_err(c, ln, ln->colon_col, "'%s' does not open a block (remove the ':')",
               steps[w]);
        sc_skip_body(c, ln->indent);
        return;
    }

    static const enum step_op ops[] = {
        OP_CPU, OP_CCALL, OP_NOGIL, OP_IO, OP_SLEEP, OP_ACQUIRE, OP_RELEASE, OP_ACQUIRE,
        OP_INCR, OP_READ, OP_WRITE, OP_START, OP_JOIN, OP_REPEAT,
    };
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
        if (w != W_SLEEP && n >= 3 && t[2].kind == TK_STR) {
            if (!sc_no_more(c, ln, 3))
                break;
            label = sc_label(c, t[2].str);
        } else if (!sc_no_more(c, ln, 2)) {
            break;
        }
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
        if (!sc_need(c, ln, 1, "a name") || !sc_name(c, ln, &t[1]) || !sc_no_more(c, ln, 2))
            break;
        k = sc_step(c, ops[w], ln, &t[0]);
        sc_pending(c, w == W_ACQ || w == W_REL ? PK_LOCK : PK_THREAD, k, ln, &t[1]);
        return;
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
        sc_pending(c, PK_SHARED, k, ln, &t[1]);
        return;
    case W_WITH: {
        if (!sc_need(c, ln, 1, "a lock name") || !sc_name(c, ln, &t[1]) ||
            !sc_no_more(c, ln, 2) || !sc_nest(c, ln, &t[0]))
            break;
        k = sc_step(c, OP_ACQUIRE, ln, &t[0]);
        size_t pi = c->npend;
        sc_pending(c, PK_LOCK, k, ln, &t[1]);
        c->depth++;
        sc_walk(c, ln->indent, -1, sc_step_stmt, NULL);
        c->depth--;
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
        c->depth++;
        sc_walk(c, ln->indent, -1, sc_step_stmt, NULL);
        c->depth--;
        c->mult = saved;
        if (k >= 0)
            sc_at(c, k)->body = c->s->threads[c->cur].nsteps - k - 1;
        return;
    }
    default:
        break;
    }
    sc_skip_body(c, ln->indent);
}

/* ================================================= top-level statements */

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
            count = sc_xcount(c, ln, &t[2], false);
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
    c->cur = s->nthreads++;
    c->depth = 0;
    c->mult = count > 1 ? 2 : 1;
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
        count = sc_xcount(c, ln, &t[2], true);
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
        const struct scene_named *pn = prev & 1 ? &s->shared[prev >> 1] : &s->locks[prev >> 1];
        sc_err(c, ln, t[1].col, "duplicate name '%.*s' (first defined at line %" PRIu32 ")",
               (int)t[1].len, t[1].p, pn->line);
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
    sc_map_put(&c->names, nm->name, t[1].len, idx * 2 + shared);
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
        sc_err(c, ln, t[1].col, "%s", err);
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
    static const char *const steps[] = {
        "cpu", "ccall", "nogil", "io", "sleep", "acquire", "release", "with",
        "incr", "read", "write", "start", "join", "repeat", NULL,
    };
    const struct sc_tok *t = &c->toks[ln->tok];
    char b[256];
    (void)arg;

    if (ln->ntok == 0) {
        sc_err(c, ln, ln->colon_col, "unexpected ':'");
        sc_skip_body(c, ln->indent);
        return;
    }
    bool block = sc_is(&t[0], "thread") || sc_is(&t[0], "main") || sc_is(&t[0], "process");
    if (block) {
        if (sc_is(&t[0], "process"))
            sc_process_stmt(c, ln);
        else
            sc_thread_stmt(c, ln, 0);
        return;
    }
    int key = t[0].kind == TK_WORD ? sc_setting_index(t[0].p, t[0].len) : -1;
    bool title = sc_is(&t[0], "scene") || sc_is(&t[0], "title");
    bool known = key >= 0 || title || sc_is(&t[0], "description") || sc_is(&t[0], "lock") ||
                 sc_is(&t[0], "shared") || sc_is(&t[0], "note");
    if (!known) {
        if (sc_which(&t[0], steps) >= 0)
            sc_err(c, ln, t[0].col, "'%.*s' must be inside a thread block",
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
    } else {
        sc_named_stmt(c, ln, sc_is(&t[0], "shared"));
    }
}

/* ============================================================== resolve */

/* Resolve names used by steps; check start/join rules. */
static void sc_resolve(struct sc *c)
{
    struct scene *s = c->s;
    int32_t ng = s->nthreads;
    int *started = gv_calloc((size_t)ng + 1, sizeof *started);
    size_t *deg = gv_calloc((size_t)ng + 2, sizeof *deg);
    int32_t *edge = gv_calloc(c->npend + 1, sizeof *edge);
    int32_t *queue = gv_calloc((size_t)ng + 1, sizeof *queue);
    bool *live = gv_calloc((size_t)ng + 1, sizeof *live);
    bool *reported = gv_calloc((size_t)ng + 1, sizeof *reported);

    for (size_t i = 0; i < c->npend && !c->stop; i++) {
        struct sc_pend *p = &c->pend[i];
        const struct sc_line *ln = &c->lines[p->line];
        const struct sc_tok *t = &c->toks[p->tok];
        struct scene_step *st = &s->threads[p->thread].steps[p->step];
        int n = (int)t->len;
        if (p->kind == PK_LOCK || p->kind == PK_SHARED) {
            int32_t v = sc_map_get(&c->names, t->p, t->len);
            int want = p->kind == PK_SHARED;
            if (v < 0)
                sc_err(c, ln, t->col, "unknown %s '%.*s'", want ? "shared variable" : "lock",
                       n, t->p);
            else if ((v & 1) != want)
                sc_err(c, ln, t->col, "'%.*s' is a %s, not a %s", n, t->p,
                       want ? "lock" : "shared variable", want ? "shared variable" : "lock");
            else {
                st->ref = v >> 1;
                if (p->step2 >= 0)
                    s->threads[p->thread].steps[p->step2].ref = v >> 1;
            }
            continue;
        }
        int32_t g = sc_map_get(&c->threads, t->p, t->len);
        const char *verb = st->op == OP_START ? "start" : "join";
        if (g < 0) {
            sc_err(c, ln, t->col, "unknown thread '%.*s'", n, t->p);
        } else if (g == p->thread) {
            sc_err(c, ln, t->col, "a thread cannot %s itself", verb);
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
    }
    if (c->stop)
        goto out;

    /* which groups ever run: from the groups that start at time 0 along
     * `start` edges (compressed adjacency: deg -> offsets) */
    size_t sum = 0;
    for (int32_t g = 0; g <= ng; g++) {
        size_t d = deg[g];
        deg[g] = sum;
        sum += d;
    }
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        struct scene_step *st = &s->threads[p->thread].steps[p->step];
        if (p->kind == PK_THREAD && st->op == OP_START && st->ref >= 0)
            edge[deg[p->thread]++] = st->ref;
    }
    /* deg[g] is now the end of g's edges; g's start is deg[g-1] (0 for g=0) */
    size_t qh = 0, qt = 0;
    for (int32_t g = 0; g < ng; g++)
        if (!s->threads[g].deferred) {
            live[g] = true;
            queue[qt++] = g;
        }
    while (qh < qt) {
        int32_t g = queue[qh++];
        for (size_t e = g ? deg[g - 1] : 0; e < deg[g]; e++)
            if (!live[edge[e]]) {
                live[edge[e]] = true;
                queue[qt++] = edge[e];
            }
    }
    for (int32_t g = 0; g < ng; g++)
        if (!live[g]) {
            struct scene_thread *th = &s->threads[g];
            /* lines are in file order: binary search for the header */
            size_t lo = 0, hi = c->nlines;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (c->lines[mid].no < th->line)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            const struct sc_line *hdr = lo < c->nlines ? &c->lines[lo] : NULL;
            sc_err(c, hdr, th->col, "thread '%s' never starts: only threads that "
                   "never start start it", th->name);
        }
    for (size_t i = 0; i < c->npend; i++) {
        struct sc_pend *p = &c->pend[i];
        struct scene_step *st = &s->threads[p->thread].steps[p->step];
        if (p->kind == PK_THREAD && st->op == OP_JOIN && st->ref >= 0 && !live[st->ref])
            sc_err(c, &c->lines[p->line], c->toks[p->tok].col, "thread '%s' never starts, "
                   "so joining it would wait forever", s->threads[st->ref].name);
    }
out:
    free(started);
    free(deg);
    free(edge);
    free(queue);
    free(live);
    free(reported);
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
    if (!c.stop && c.nerr == 0 && s->nthreads == 0)
        sc_err(&c, NULL, 0, "the scene has no threads");

    if (c.seen[S_PYTHON])
        sc_apply_python(&s->set, c.py);
    if (c.seen[S_GIL]) {
        if (!c.seen[S_PYTHON])
            s->set.py_major = s->set.py_minor = 0;
        sc_apply_gil(&s->set, c.gil);
    }
    if (s->nnotes > 1)
        qsort(s->notes, (size_t)s->nnotes, sizeof *s->notes, sc_note_cmp);
    sc_sort_diags(&c);

    for (size_t i = 0; i < c.ntoks; i++)
        free(c.toks[i].str);
    free(c.toks);
    free(c.lines);
    free(c.pend);
    free(c.tcap);
    free(c.threads.e);
    free(c.procs.e);
    free(c.names.e);
    free(c.labels.e);

    if (c.nerr) {
        scene_free(s);
        s = NULL;
    }
    if (d == &local)
        scene_diags_free(&local);
    return s;
}
