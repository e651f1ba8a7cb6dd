/*
 * test_trace: the Chrome trace export (src/out/trace.c) and the safe output
 * files it writes through (src/out/outfile.c).
 *
 * Every export is read back with a strict JSON parser written here (RFC
 * 8259: no trailing commas, no leading zeros, escapes and UTF-8 checked,
 * lone surrogates and duplicate keys refused), then checked:
 *  - every ts and dur has exactly three decimals, and slices have dur > 0;
 *  - slices ("X") never overlap within one (pid, tid) track;
 *  - every flow id has one "s" and one "f" (with "bp":"e"), s.ts <= f.ts,
 *    and each end lies within a slice of its own track, bounds included:
 *    slice.ts <= ts <= slice.ts + slice.dur, in integer nanoseconds (the
 *    convention of trace.h);
 *  - every track an event uses is named by metadata, and metadata comes
 *    first;
 *  - the totals in otherData match the events;
 * and, against the run itself: the slices of each thread add up to its
 * time per state in the engine's stats, core slices to each core's busy
 * time, one flow per matched FLOW_OUT/FLOW_IN pair and per GIL hand-over,
 * one instant per event record, one counter per counter record (the last
 * equal to the variable's final value), and the same bytes on every export.
 */
#include "sim_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "out/outfile.h"
#include "out/trace.h"
#include "util.h"

/* ---- a strict JSON parser --------------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
    enum jtype t;
    char *s;          /* J_STR: decoded text; J_NUM: the number as written */
    size_t len;
    int b;
    struct jv *v;     /* J_ARR items, J_OBJ values */
    char **k;         /* J_OBJ keys */
    size_t n, cap;
};

struct jp {
    const char *p, *end, *start;
    const char *err;
    size_t err_at;
    int depth;
};

static int jp_fail(struct jp *j, const char *msg)
{
    if (!j->err) {
        j->err = msg;
        j->err_at = (size_t)(j->p - j->start);
    }
    return -1;
}

static void jv_free(struct jv *x)
{
    free(x->s);
    for (size_t i = 0; i < x->n; i++) {
        jv_free(&x->v[i]);
        if (x->k)
            free(x->k[i]);
    }
    free(x->v);
    free(x->k);
    memset(x, 0, sizeof *x);
}

static void ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_u4(struct jp *j, unsigned *out)
{
    if (j->end - j->p < 4)
        return jp_fail(j, "short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(j->p[i]);
        if (h < 0)
            return jp_fail(j, "bad hex digit in \\u escape");
        v = v * 16 + (unsigned)h;
    }
    j->p += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the strictly valid UTF-8 sequence at p (no overlongs, no
 * surrogates, at most U+10FFFF), 0 if invalid. */
static size_t utf8_valid(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int parse_string(struct jp *j, char **out, size_t *outlen)
{
    if (j->p >= j->end || *j->p != '"')
        return jp_fail(j, "expected a string");
    j->p++;
    size_t cap = 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (j->p >= j->end) {
            free(buf);
            return jp_fail(j, "unterminated string");
        }
        if (cap - n < 8) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            break;
        }
        if (c < 0x20) {
            free(buf);
            return jp_fail(j, "control character in a string");
        }
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end) {
                free(buf);
                return jp_fail(j, "unterminated escape");
            }
            char e = *j->p++;
            switch (e) {
            case '"': buf[n++] = '"'; break;
            case '\\': buf[n++] = '\\'; break;
            case '/': buf[n++] = '/'; break;
            case 'b': buf[n++] = '\b'; break;
            case 'f': buf[n++] = '\f'; break;
            case 'n': buf[n++] = '\n'; break;
            case 'r': buf[n++] = '\r'; break;
            case 't': buf[n++] = '\t'; break;
            case 'u': {
                unsigned cp;
                if (read_u4(j, &cp)) {
                    free(buf);
                    return -1;
                }
                if (cp >= 0xdc00 && cp <= 0xdfff) {
                    free(buf);
                    return jp_fail(j, "lone low surrogate");
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    unsigned lo;
                    if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
                        free(buf);
                        return jp_fail(j, "lone high surrogate");
                    }
                    j->p += 2;
                    if (read_u4(j, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                        free(buf);
                        return jp_fail(j, "bad surrogate pair");
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                n += put_utf8(buf + n, cp);
                break;
            }
            default: free(buf); return jp_fail(j, "unknown escape");
            }
            continue;
        }
        size_t k = utf8_valid((const unsigned char *)j->p, (const unsigned char *)j->end);
        if (!k) {
            free(buf);
            return jp_fail(j, "invalid UTF-8 in a string");
        }
        memcpy(buf + n, j->p, k);
        n += k;
        j->p += k;
    }
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(struct jp *j, struct jv *out)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || !is_digit(*j->p))
        return jp_fail(j, "expected a digit");
    if (*j->p == '0') {
        j->p++;
        if (j->p < j->end && is_digit(*j->p))
            return jp_fail(j, "leading zero");
    } else {
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || !is_digit(*j->p))
            return jp_fail(j, "expected a digit after the point");
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || !is_digit(*j->p))
            return jp_fail(j, "expected an exponent");
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    out->t = J_NUM;
    out->len = (size_t)(j->p - s);
    out->s = gv_strndup(s, out->len);
    return 0;
}

static int literal(struct jp *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return jp_fail(j, "unexpected character");
    j->p += n;
    return 0;
}

static int parse_value(struct jp *j, struct jv *out);

static int parse_members(struct jp *j, struct jv *out)
{
    out->t = J_OBJ;
    j->p++; /* { */
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        char *key;
        size_t klen;
        if (parse_string(j, &key, &klen))
            return -1;
        for (size_t i = 0; i < out->n; i++)
            if (strcmp(out->k[i], key) == 0) {
                free(key);
                return jp_fail(j, "duplicate key");
            }
        ws(j);
        if (j->p >= j->end || *j->p != ':') {
            free(key);
            return jp_fail(j, "expected ':'");
        }
        j->p++;
        ws(j);
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 4;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
            out->k = realloc(out->k, out->cap * sizeof *out->k);
        }
        memset(&out->v[out->n], 0, sizeof out->v[0]);
        out->k[out->n] = key;
        out->n++;
        if (parse_value(j, &out->v[out->n - 1]))
            return -1;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        return jp_fail(j, "expected ',' or '}'");
    }
}

static int parse_items(struct jp *j, struct jv *out)
{
    out->t = J_ARR;
    j->p++; /* [ */
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 4;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
        }
        memset(&out->v[out->n], 0, sizeof out->v[0]);
        out->n++;
        if (parse_value(j, &out->v[out->n - 1]))
            return -1;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return 0;
        }
        return jp_fail(j, "expected ',' or ']'");
    }
}

static int parse_value(struct jp *j, struct jv *out)
{
    memset(out, 0, sizeof *out);
    if (j->p >= j->end)
        return jp_fail(j, "unexpected end");
    if (++j->depth > 64)
        return jp_fail(j, "nested too deeply");
    int rc;
    switch (*j->p) {
    case '{': rc = parse_members(j, out); break;
    case '[': rc = parse_items(j, out); break;
    case '"': out->t = J_STR; rc = parse_string(j, &out->s, &out->len); break;
    case 't': out->t = J_BOOL; out->b = 1; rc = literal(j, "true"); break;
    case 'f': out->t = J_BOOL; rc = literal(j, "false"); break;
    case 'n': out->t = J_NULL; rc = literal(j, "null"); break;
    default: rc = parse_number(j, out); break;
    }
    j->depth--;
    return rc;
}

typedef void (*event_fn)(void *ctx, const struct jv *ev);

/* The members of the top-level object; the items of its "traceEvents"
 * array are parsed one at a time, handed to fn and freed (a trace of a
 * million events never lives in memory as a tree). */
static int walk_object(struct jp *j, event_fn fn, void *ctx, struct jv *out)
{
    out->t = J_OBJ;
    j->p++; /* { */
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        char *key;
        size_t klen;
        if (parse_string(j, &key, &klen))
            return -1;
        for (size_t i = 0; i < out->n; i++)
            if (strcmp(out->k[i], key) == 0) {
                free(key);
                return jp_fail(j, "duplicate key");
            }
        ws(j);
        if (j->p >= j->end || *j->p != ':') {
            free(key);
            return jp_fail(j, "expected ':'");
        }
        j->p++;
        ws(j);
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 4;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
            out->k = realloc(out->k, out->cap * sizeof *out->k);
        }
        struct jv *val = &out->v[out->n];
        memset(val, 0, sizeof *val);
        out->k[out->n++] = key;
        if (strcmp(key, "traceEvents") == 0 && j->p < j->end && *j->p == '[') {
            val->t = J_ARR; /* streamed: left empty */
            j->p++;
            ws(j);
            if (j->p < j->end && *j->p == ']') {
                j->p++;
            } else {
                for (;;) {
                    ws(j);
                    struct jv ev;
                    int rc = parse_value(j, &ev);
                    if (!rc && fn)
                        fn(ctx, &ev);
                    jv_free(&ev);
                    if (rc)
                        return -1;
                    ws(j);
                    if (j->p < j->end && *j->p == ',') {
                        j->p++;
                        continue;
                    }
                    if (j->p < j->end && *j->p == ']') {
                        j->p++;
                        break;
                    }
                    return jp_fail(j, "expected ',' or ']'");
                }
            }
        } else if (parse_value(j, val)) {
            return -1;
        }
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        return jp_fail(j, "expected ',' or '}'");
    }
}

/* Parse a whole document strictly: one JSON value and only white space
 * around it.  Returns 0, or -1 with a reason in *err; `top` receives the
 * value (free it with jv_free either way). */
static int json_walk(const char *text, size_t len, event_fn fn, void *ctx, struct jv *top, const char **err)
{
    struct jp j = { text, text + len, text, NULL, 0, 0 };
    memset(top, 0, sizeof *top);
    ws(&j);
    int rc = j.p < j.end && *j.p == '{' ? walk_object(&j, fn, ctx, top) : parse_value(&j, top);
    if (!rc) {
        ws(&j);
        if (j.p != j.end)
            rc = jp_fail(&j, "text after the value");
    }
    *err = j.err;
    return rc;
}

static int json_check(const char *text, size_t len, const char **err)
{
    struct jv top;
    int rc = json_walk(text, len, NULL, NULL, &top, err);
    jv_free(&top);
    return rc;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
    if (!o || o->t != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->k[i], key) == 0)
            return &o->v[i];
    return NULL;
}

static const char *jstr(const struct jv *o, const char *key)
{
    const struct jv *v = jget(o, key);
    if (!v || v->t != J_STR)
        fail_msg("missing string \"%s\"", key);
    return v->s;
}

/* An integer member, written as one (no point, no exponent). */
static int64_t jint(const struct jv *o, const char *key)
{
    const struct jv *v = jget(o, key);
    if (!v || v->t != J_NUM)
        fail_msg("missing number \"%s\"", key);
    for (size_t i = v->s[0] == '-'; i < v->len; i++)
        if (!is_digit(v->s[i]))
            fail_msg("\"%s\" is not an integer: %s", key, v->s);
    return strtoll(v->s, NULL, 10);
}

/* A time member: microseconds with exactly three decimals, as ns. */
static gv_ns jtime(const struct jv *o, const char *key)
{
    const struct jv *v = jget(o, key);
    if (!v || v->t != J_NUM)
        fail_msg("missing time \"%s\"", key);
    const char *s = v->s;
    size_t n = v->len, i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == 0 || i + 4 != n || s[i] != '.' || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 3]))
        fail_msg("time \"%s\" is not microseconds with three decimals: %s", key, s);
    gv_ns us = strtoll(s, NULL, 10);
    return us * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
}

/* ---- reading a trace back ------------------------------------------------- */

enum { S_PYTHON, S_CCALL, S_NOGIL, S_GILWAIT, S_SWITCHWAIT, S_IO, S_OS, S_READY, S_TOTAL, NSUM };

struct slice {
    int64_t pid, tid;
    gv_ns ts, dur;
};

struct fend {
    int64_t pid, tid, id;
    gv_ns ts;
    char ph;
    int handover;
};

struct trk {
    int64_t pid;
    char *name;     /* thread_name, NULL if none */
    gv_ns sum[NSUM];
};

struct tally {
    char *name;
    uint64_t n;
    int64_t last;
};

struct trace {
    char *text;
    size_t len;
    struct slice *sl;
    size_t nsl, capsl;
    struct fend *fl;
    size_t nfl, capfl;
    struct trk *trk;   /* by tid */
    size_t ntrk;
    char **pname;      /* by pid */
    size_t npname;
    struct tally *inst, *ctr;
    size_t ninst, nctr;
    uint64_t nx, ni, nc, nm, nflow;
    int other_seen;    /* a non-metadata event was seen */
    struct jv other;   /* otherData */
};

static struct trk *track(struct trace *t, int64_t tid)
{
    if (tid < 0 || tid > 1000000)
        fail_msg("tid %lld out of range", (long long)tid);
    if ((size_t)tid >= t->ntrk) {
        size_t n = (size_t)tid + 1;
        t->trk = realloc(t->trk, n * sizeof *t->trk);
        memset(t->trk + t->ntrk, 0, (n - t->ntrk) * sizeof *t->trk);
        t->ntrk = n;
    }
    return &t->trk[tid];
}

static void tally_add(struct tally **v, size_t *n, const char *name, int64_t value)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, name) == 0) {
            (*v)[i].n++;
            (*v)[i].last = value;
            return;
        }
    *v = realloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].name = gv_strdup(name);
    (*v)[*n].n = 1;
    (*v)[*n].last = value;
    (*n)++;
}

static uint64_t tally_get(const struct tally *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return v[i].n;
    return 0;
}

/* The (pid, tid) of an event must be a named track of that pid. */
static void check_named(struct trace *t, int64_t pid, int64_t tid, const char *what)
{
    struct trk *k = track(t, tid);
    if (!k->name || k->pid != pid)
        fail_msg("%s on an unnamed track pid %lld tid %lld", what, (long long)pid, (long long)tid);
}

static int sum_class(const char *name)
{
    if (strcmp(name, "python") == 0)
        return S_PYTHON;
    if (strcmp(name, "c-holding-gil") == 0)
        return S_CCALL;
    if (strcmp(name, "c-released") == 0)
        return S_NOGIL;
    if (strcmp(name, "gil-wait") == 0)
        return S_GILWAIT;
    if (strcmp(name, "switch-wait") == 0)
        return S_SWITCHWAIT;
    if (strcmp(name, "io") == 0 || strncmp(name, "io ", 3) == 0)
        return S_IO;
    if (strcmp(name, "os") == 0)
        return S_OS;
    if (strcmp(name, "ready") == 0)
        return S_READY;
    return -1;
}

static void on_event(void *ctx, const struct jv *ev)
{
    struct trace *t = ctx;
    if (ev->t != J_OBJ)
        fail_msg("an event is not an object");
    const char *ph = jstr(ev, "ph");
    const char *name = jstr(ev, "name");
    jstr(ev, "cat");
    int64_t pid = jint(ev, "pid"), tid = jint(ev, "tid");
    if (strlen(ph) != 1)
        fail_msg("phase \"%s\"", ph);
    if (pid <= 0 || tid <= 0)
        fail_msg("pid %lld tid %lld", (long long)pid, (long long)tid);
    const struct jv *args = jget(ev, "args");
    switch (ph[0]) {
    case 'M': {
        if (t->other_seen)
            fail_msg("metadata after other events");
        t->nm++;
        assert_non_null(args);
        if (strcmp(name, "thread_name") == 0) {
            struct trk *k = track(t, tid);
            if (k->name)
                fail_msg("tid %lld named twice", (long long)tid);
            k->name = gv_strdup(jstr(args, "name"));
            k->pid = pid;
        } else if (strcmp(name, "process_name") == 0) {
            if ((size_t)pid >= t->npname) {
                t->pname = realloc(t->pname, ((size_t)pid + 1) * sizeof *t->pname);
                memset(t->pname + t->npname, 0, ((size_t)pid + 1 - t->npname) * sizeof *t->pname);
                t->npname = (size_t)pid + 1;
            }
            if (t->pname[pid])
                fail_msg("pid %lld named twice", (long long)pid);
            t->pname[pid] = gv_strdup(jstr(args, "name"));
        } else if (strcmp(name, "thread_sort_index") == 0 || strcmp(name, "process_sort_index") == 0) {
            jint(args, "sort_index");
        } else {
            fail_msg("unknown metadata %s", name);
        }
        return;
    }
    case 'X': {
        gv_ns ts = jtime(ev, "ts"), dur = jtime(ev, "dur");
        check_named(t, pid, tid, "slice");
        if (dur <= 0)
            fail_msg("slice %s of length %lld", name, (long long)dur);
        assert_non_null(args);
        if (t->nsl == t->capsl) {
            t->capsl = t->capsl ? t->capsl * 2 : 1024;
            t->sl = realloc(t->sl, t->capsl * sizeof *t->sl);
        }
        t->sl[t->nsl++] = (struct slice){ pid, tid, ts, dur };
        struct trk *k = track(t, tid);
        int cls = sum_class(name);
        if (cls >= 0)
            k->sum[cls] += dur;
        k->sum[S_TOTAL] += dur;
        t->nx++;
        break;
    }
    case 'i':
        jtime(ev, "ts");
        check_named(t, pid, tid, "instant");
        if (strcmp(jstr(ev, "s"), "t") != 0)
            fail_msg("instant %s is not thread-scoped", name);
        jstr(args, "what");
        tally_add(&t->inst, &t->ninst, name, 0);
        t->ni++;
        break;
    case 'C': {
        jtime(ev, "ts");
        int64_t v = jint(args, "value");
        tally_add(&t->ctr, &t->nctr, name, v);
        t->nc++;
        break;
    }
    case 's':
    case 'f': {
        gv_ns ts = jtime(ev, "ts");
        check_named(t, pid, tid, "flow");
        if (ph[0] == 'f' && strcmp(jstr(ev, "bp"), "e") != 0)
            fail_msg("flow end without \"bp\":\"e\"");
        if (t->nfl == t->capfl) {
            t->capfl = t->capfl ? t->capfl * 2 : 256;
            t->fl = realloc(t->fl, t->capfl * sizeof *t->fl);
        }
        t->fl[t->nfl++] = (struct fend){ pid, tid, jint(ev, "id"), ts, ph[0], strcmp(name, "GIL hand-over") == 0 };
        t->nflow += ph[0] == 's';
        break;
    }
    default: fail_msg("unexpected phase %s", ph);
    }
    t->other_seen = 1;
}

static int cmp_slice(const void *a, const void *b)
{
    const struct slice *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    return (x->ts > y->ts) - (x->ts < y->ts);
}

static int cmp_fend(const void *a, const void *b)
{
    const struct fend *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->ph > y->ph) - (x->ph < y->ph); /* 'f' before 's' */
}

/* Is ts within a slice of track (pid, tid), bounds included?  The slices
 * are sorted and do not overlap, so the last one starting at or before ts
 * is the only candidate. */
static int covered(const struct trace *t, int64_t pid, int64_t tid, gv_ns ts)
{
    size_t lo = 0, hi = t->nsl;
    struct slice key = { pid, tid, ts, 0 };
    while (lo < hi) { /* first slice > key */
        size_t mid = (lo + hi) / 2;
        if (cmp_slice(&t->sl[mid], &key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const struct slice *s = &t->sl[lo - 1];
    return s->pid == pid && s->tid == tid && s->ts <= ts && ts <= s->ts + s->dur;
}

static int64_t other_int(const struct trace *t, const char *key)
{
    return jint(&t->other, key);
}

/* Parse `text` as a trace document and run the generic checks. */
static void trace_parse(struct trace *t, char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    t->text = text;
    t->len = len;
    const char *err;
    struct jv top;
    if (json_walk(text, len, on_event, t, &top, &err))
        fail_msg("invalid JSON: %s", err);
    assert_int_equal(top.t, J_OBJ);
    const struct jv *ev = jget(&top, "traceEvents"), *unit = jget(&top, "displayTimeUnit");
    const struct jv *other = jget(&top, "otherData");
    assert_true(ev && ev->t == J_ARR);
    assert_true(unit && unit->t == J_STR);
    assert_string_equal(unit->s, "ns");
    assert_true(other && other->t == J_OBJ);
    for (size_t i = 0; i < top.n; i++)
        if (strcmp(top.k[i], "otherData") == 0) { /* keep it, free the rest */
            t->other = top.v[i];
            memset(&top.v[i], 0, sizeof top.v[i]);
        }
    jv_free(&top);

    /* slices never overlap within a track */
    if (t->nsl)
        qsort(t->sl, t->nsl, sizeof *t->sl, cmp_slice);
    for (size_t i = 1; i < t->nsl; i++) {
        const struct slice *a = &t->sl[i - 1], *b = &t->sl[i];
        if (a->pid == b->pid && a->tid == b->tid && a->ts + a->dur > b->ts)
            fail_msg("slices overlap on pid %lld tid %lld at %lld ns", (long long)b->pid, (long long)b->tid,
                     (long long)b->ts);
    }
    /* flows: one s and one f per id, in order, each within a slice */
    if (t->nfl)
        qsort(t->fl, t->nfl, sizeof *t->fl, cmp_fend);
    if (t->nfl % 2)
        fail_msg("odd number of flow events");
    for (size_t i = 0; i < t->nfl; i += 2) {
        const struct fend *f = &t->fl[i], *s = &t->fl[i + 1];
        if (f->id != s->id || f->ph != 'f' || s->ph != 's' || (i + 2 < t->nfl && t->fl[i + 2].id == f->id))
            fail_msg("flow %lld does not have exactly one start and one end", (long long)f->id);
        if (s->ts > f->ts)
            fail_msg("flow %lld ends before it starts", (long long)f->id);
        if (!covered(t, s->pid, s->tid, s->ts))
            fail_msg("flow %lld starts outside any slice of its track (tid %lld, %lld ns)", (long long)s->id,
                     (long long)s->tid, (long long)s->ts);
        if (!covered(t, f->pid, f->tid, f->ts))
            fail_msg("flow %lld ends outside any slice of its track (tid %lld, %lld ns)", (long long)f->id,
                     (long long)f->tid, (long long)f->ts);
    }
    /* every pid that has tracks is named */
    for (size_t k = 0; k < t->ntrk; k++)
        if (t->trk[k].name && ((size_t)t->trk[k].pid >= t->npname || !t->pname[t->trk[k].pid]))
            fail_msg("process %lld has no name", (long long)t->trk[k].pid);
    /* the totals */
    assert_int_equal(other_int(t, "slices"), t->nx);
    assert_int_equal(other_int(t, "instants"), t->ni);
    assert_int_equal(other_int(t, "counters"), t->nc);
    assert_int_equal(other_int(t, "flows") + other_int(t, "gil_handovers"), t->nflow);
}

static void trace_free(struct trace *t)
{
    free(t->text);
    free(t->sl);
    free(t->fl);
    for (size_t k = 0; k < t->ntrk; k++)
        free(t->trk[k].name);
    free(t->trk);
    for (size_t p = 0; p < t->npname; p++)
        free(t->pname[p]);
    free(t->pname);
    for (size_t i = 0; i < t->ninst; i++)
        free(t->inst[i].name);
    free(t->inst);
    for (size_t i = 0; i < t->nctr; i++)
        free(t->ctr[i].name);
    free(t->ctr);
    jv_free(&t->other);
    memset(t, 0, sizeof *t);
}

/* Find the tid of the track named `name` in pid, or -1. */
static int64_t find_track(const struct trace *t, int64_t pid, const char *name)
{
    int64_t found = -1;
    for (size_t k = 0; k < t->ntrk; k++)
        if (t->trk[k].name && t->trk[k].pid == pid && strcmp(t->trk[k].name, name) == 0) {
            if (found >= 0)
                fail_msg("two tracks named %s in pid %lld", name, (long long)pid);
            found = (int64_t)k;
        }
    return found;
}

/* ---- the temporary directory ------------------------------------------------ */

static char tmpdir[256];

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                    continue;
                char sub[1024];
                snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
                rm_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gilviz-test-trace-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    rm_tree(tmpdir);
    return 0;
}

/* A fresh empty directory under tmpdir for one test. */
static void fresh_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
    rm_tree(out);
    assert_int_equal(mkdir(out, 0755), 0);
}

static char *slurp(const char *path, size_t *len)
{
    char *text = gv_read_file(path, len);
    if (!text)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    return text;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Number of entries in dir other than . and .. */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- exporting a run and checking it against the run ------------------------- */

/* Export r to a file and read it back. */
static char *export_run(const struct run *r, const char *name, size_t *len)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    int rc = trace_export_file(path, r->tl, r->sc, err, sizeof err);
    if (rc)
        fail_msg("export: %s", err);
    return slurp(path, len);
}

/* Flow pairs in the timeline (ids with a FLOW_OUT and a FLOW_IN), and GIL
 * hand-overs (a GIL taken by another thread than its last holder). */
static void count_flows(const struct timeline *tl, uint64_t *pairs, uint64_t *handovers)
{
    uint64_t n = timeline_count(tl);
    int nl = timeline_nlanes(tl);
    uint8_t *seen = calloc((size_t)n + 2, 1);
    int32_t *last = malloc((size_t)nl * sizeof *last);
    for (int l = 0; l < nl; l++)
        last[l] = -1;
    *pairs = *handovers = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *x = timeline_get(tl, i);
        if (x->kind == TL_EVENT && (x->code == EV_FLOW_OUT || x->code == EV_FLOW_IN) && x->arg > 0 &&
            (uint64_t)x->arg <= n) {
            seen[x->arg] |= x->code == EV_FLOW_OUT ? 1 : 2;
        } else if (x->kind == TL_STATE && timeline_lane(tl, x->lane)->kind == LANE_GIL) {
            if (x->code == GIL_HELD) {
                *handovers += last[x->lane] >= 0 && last[x->lane] != x->arg;
                last[x->lane] = x->arg;
            } else if (x->code == GIL_ABSENT) {
                last[x->lane] = -1;
            }
        }
    }
    for (uint64_t i = 1; i <= n; i++)
        *pairs += seen[i] == 3;
    free(seen);
    free(last);
}

static uint64_t count_counters(const struct timeline *tl)
{
    uint64_t n = 0, cnt = timeline_count(tl);
    for (uint64_t i = 0; i < cnt; i++)
        n += timeline_get(tl, i)->kind == TL_COUNTER;
    return n;
}

/* Everything the export of a run must agree with. */
static void check_against_run(const struct trace *t, const struct run *r)
{
    const struct sim_stats *st = r->st;
    uint64_t pairs, handovers;
    count_flows(r->tl, &pairs, &handovers);
    assert_int_equal(other_int(t, "flows_dropped"), 0);
    assert_int_equal(other_int(t, "flows"), pairs);
    assert_int_equal(other_int(t, "gil_handovers"), handovers);
    uint64_t ho = 0;
    for (size_t i = 0; i < t->nfl; i++)
        ho += t->fl[i].handover && t->fl[i].ph == 's';
    assert_int_equal(ho, handovers);
    assert_int_equal(other_int(t, "records"), timeline_count(r->tl));
    assert_int_equal(other_int(t, "end_ns"), timeline_end(r->tl));
    assert_string_equal(jstr(&t->other, "title"), scene_text_get(&r->sc->title, SCENE_LANG_EN));

    /* instants: one per event record of each kind */
    static const struct {
        int code;
        const char *name;
    } inst[] = {
        { EV_DROP_REQUEST, "drop request" },      { EV_SWITCH, "GIL switch" },
        { EV_FORCED_SWITCH, "forced GIL switch" }, { EV_FAILED_WAKEUP, "failed wake-up" },
        { EV_LOST_UPDATE, "lost update" },        { EV_DEADLOCK, "deadlock" },
        { EV_SLOW_CALLBACK, "slow callback" },    { EV_FUTURE_DONE, "future done" },
        { EV_CALLBACK_SCHEDULED, "callback scheduled" }, { EV_SWITCH_INTERVAL, "setswitchinterval" },
    };
    uint64_t total = 0;
    for (size_t i = 0; i < sizeof inst / sizeof inst[0]; i++) {
        uint64_t want = count_events(r->tl, inst[i].code);
        if (tally_get(t->inst, t->ninst, inst[i].name) != want)
            fail_msg("%s: %llu instants, %llu records", inst[i].name,
                     (unsigned long long)tally_get(t->inst, t->ninst, inst[i].name), (unsigned long long)want);
        total += want;
    }
    /* captions: named by their English text */
    uint64_t notes = count_events(r->tl, EV_NOTE);
    uint64_t named = 0;
    for (int32_t i = 0; i < r->sc->nnotes; i++)
        named += tally_get(t->inst, t->ninst, scene_text_get(&r->sc->notes[i].text, SCENE_LANG_EN)) > 0;
    assert_true(named <= notes);
    assert_int_equal(t->ni, total + notes + count_events(r->tl, EV_HORIZON));
    if (notes)
        assert_true(named > 0);

    /* counters: one per record; a shared variable's last value is final */
    assert_int_equal(t->nc, count_counters(r->tl));
    for (int32_t i = 0; i < st->nshared; i++) {
        int found = 0;
        for (size_t k = 0; k < t->nctr; k++)
            if (strcmp(t->ctr[k].name, st->shared[i].name) == 0) {
                assert_int_equal(t->ctr[k].last, st->shared[i].final);
                found = 1;
            }
        assert_true(found);
    }

    /* each thread's slices add up to its time per state */
    for (int32_t i = 0; i < st->nthreads; i++) {
        const struct thread_stats *th = &st->threads[i];
        int64_t tid = find_track(t, th->proc + 1, th->name);
        if (tid < 0)
            fail_msg("no track for thread %s", th->name);
        const gv_ns *s = t->trk[tid].sum;
        if (s[S_PYTHON] != th->python_ns || s[S_CCALL] != th->ccall_ns || s[S_NOGIL] != th->nogil_ns ||
            s[S_GILWAIT] + s[S_SWITCHWAIT] != th->gil_wait_ns || s[S_IO] != th->io_ns || s[S_OS] != th->os_ns ||
            s[S_READY] != th->ready_ns)
            fail_msg("thread %s: slices python %lld ccall %lld nogil %lld gil %lld io %lld os %lld ready %lld; "
                     "stats %lld %lld %lld %lld %lld %lld %lld",
                     th->name, (long long)s[S_PYTHON], (long long)s[S_CCALL], (long long)s[S_NOGIL],
                     (long long)(s[S_GILWAIT] + s[S_SWITCHWAIT]), (long long)s[S_IO], (long long)s[S_OS],
                     (long long)s[S_READY], (long long)th->python_ns, (long long)th->ccall_ns,
                     (long long)th->nogil_ns, (long long)th->gil_wait_ns, (long long)th->io_ns,
                     (long long)th->os_ns, (long long)th->ready_ns);
    }
    /* each core's slices add up to its busy time */
    int64_t machine = -1;
    for (size_t p = 0; p < t->npname; p++)
        if (t->pname[p] && strncmp(t->pname[p], "machine", 7) == 0)
            machine = (int64_t)p;
    assert_true(machine > 0);
    for (int32_t c = 0; c < st->ncores; c++) {
        char name[32];
        snprintf(name, sizeof name, "core %d", (int)c);
        int64_t tid = find_track(t, machine, name);
        assert_true(tid > 0);
        if (t->trk[tid].sum[S_TOTAL] != st->core_busy_ns[c])
            fail_msg("core %d: slices %lld ns, busy %lld ns", (int)c, (long long)t->trk[tid].sum[S_TOTAL],
                     (long long)st->core_busy_ns[c]);
    }
    /* the Python processes are pids 1..N, named */
    for (int32_t p = 0; p < st->nprocs; p++) {
        assert_true((size_t)p + 1 < t->npname && t->pname[p + 1]);
        assert_string_equal(t->pname[p + 1], st->procs[p].name);
    }
}

/* Run `text`, export twice and through a memory stream (same bytes), check
 * everything; returns the parsed trace (free with trace_free). */
static void export_and_check(const char *text, const char *name, struct trace *t, struct run *r)
{
    run_scene(r, text);
    if (r->rc)
        fail_msg("%s: %s", name, r->err);
    size_t len, len2;
    char *a = export_run(r, name, &len);
    char *b = export_run(r, name, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(a, b, len);
    free(b);
    char *mem = NULL;
    size_t mlen = 0;
    FILE *f = open_memstream(&mem, &mlen);
    assert_non_null(f);
    assert_int_equal(trace_write(f, r->tl, r->sc), 0);
    fclose(f);
    assert_int_equal(mlen, len);
    assert_memory_equal(mem, a, len);
    free(mem);
    trace_parse(t, a, len);
    check_against_run(t, r);
}

/* ---- scenes ------------------------------------------------------------------- */

static const char gil_scene[] =
    "scene \"Threads and the GIL\" pt \"Threads e a GIL\"\n"
    "python 3.11\ncores 2\n"
    "thread cruncher:\n    cpu 30ms \"sum of squares\"\n"
    "thread net:\n    repeat 10:\n        io 500us \"recv()\"\n        cpu 20us \"handle\"\n"
    "note 1ms \"recv() returned, but the GIL is busy.\" pt \"recv() retornou, mas a GIL está ocupada.\"\n";

static const char lock_scene[] =
    "scene \"A lock\" pt \"Uma trava\"\ncores 2\nlock guard\n"
    "thread worker x3:\n    repeat 3:\n        with guard:\n            cpu 8ms \"critical\"\n"
    "        io 1ms \"wait\"\n";

static const char race_scene[] =
    "scene \"A race\" pt \"Uma corrida\"\npython 3.9\ncores 2\nswitch_interval 100us\nshared n = 0\n"
    "thread racer x2:\n    repeat 3000:\n        incr n\n        cpu 100ns \"loop\"\n";

static const char asyncio_scene[] =
    "scene \"asyncio\" pt \"asyncio\"\ncores 2\n"
    "loop app:\n"
    "    future answer\n"
    "    task fetch x3:\n        await io 5ms \"GET\"\n        cpu 200us \"parse\"\n"
    "    task waiter:\n        await answer\n        call_soon log\n        cpu 100us \"use\"\n"
    "    task offload:\n        await executor sleep 3ms\n        cpu 50us \"after\"\n"
    "    callback deliver:\n        cpu 20us \"unpack\"\n        set_result answer\n"
    "    callback log:\n        cpu 10us \"log\"\n"
    "main:\n    start worker\n    run app\n"
    "thread worker:\n    sleep 2ms\n    nogil 4ms \"compute\"\n    call_soon_threadsafe deliver\n"
    "note 2ms \"The worker computes in C.\" pt \"A worker calcula em C.\"\n";

static const char queue_scene[] =
    "scene \"A queue\" pt \"Uma fila\"\ncores 2\nqueue jobs size 2\n"
    "thread producer:\n    repeat 6:\n        cpu 1ms \"make\"\n        put jobs\n"
    "thread consumer x2:\n    repeat 3:\n        get jobs\n        io 2ms \"handle\"\n";

static const char pool_scene[] =
    "scene \"A pool\" pt \"Um pool\"\ncores 4\npool workers x2 fork\n"
    "main:\n    map workers 4 send 1MB recv 10KB:\n        cpu 5ms \"crunch\"\n";

/* Two process copies, UTF-8 and escapes in the title, a label, a caption. */
static const char utf8_scene[] =
    "scene \"Concorrência em Python\" pt \"Concorrência em Python\"\ncores 2\n"
    "process worker x2:\n    thread compute:\n        cpu 12ms \"cálculo\"\n"
    "        io 1ms \"leitura \\\"ação\\\" \\\\ fim\"\n"
    "main:\n    cpu 6ms \"principal\"\n"
    "note 1ms \"Duas cópias do processo, cada uma com a sua GIL.\\nSegunda linha\" pt \"Duas cópias.\"\n";

static void threads_and_gil_switches(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(gil_scene, "gil", &t, &r);
    assert_true(other_int(&t, "gil_handovers") > 10);
    assert_true(tally_get(t.inst, t.ninst, "drop request") > 0);
    assert_true(tally_get(t.inst, t.ninst, "forced GIL switch") > 0);
    assert_true(tally_get(t.inst, t.ninst, "recv() returned, but the GIL is busy.") == 1);
    /* a gil-wait slice names the holder */
    assert_non_null(strstr(t.text, "\"name\":\"gil-wait\""));
    assert_non_null(strstr(t.text, "\"what\":\"net waits for the GIL held by cruncher\""));
    assert_non_null(strstr(t.text, "\"name\":\"io recv()\""));
    assert_non_null(strstr(t.text, "\"name\":\"held by cruncher\""));
    assert_non_null(strstr(t.text, "\"pt\":\"recv() retornou, mas a GIL está ocupada.\""));
    /* tracks: machine first (captions, cores), then the process with its GIL first */
    int64_t gil = find_track(&t, 1, "GIL"), cr = find_track(&t, 1, "cruncher"), net = find_track(&t, 1, "net");
    assert_true(gil > 0 && cr > gil && net > cr);
    assert_true(find_track(&t, 2, "captions") > 0 && find_track(&t, 2, "captions") < gil);
    assert_true(find_track(&t, 2, "core 1") > 0);
    trace_free(&t);
    run_free(&r);
}

static void a_lock(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(lock_scene, "lock", &t, &r);
    int64_t lk = find_track(&t, 1, "lock guard");
    assert_true(lk > 0);
    assert_true(t.trk[lk].sum[S_TOTAL] >= 3 * 3 * 8 * GV_NS_PER_MS); /* held 9 x 8 ms */
    assert_non_null(strstr(t.text, "\"name\":\"lock-wait\""));
    assert_non_null(strstr(t.text, "\"name\":\"held by worker2\""));
    trace_free(&t);
    run_free(&r);
}

static void a_shared_counter_race(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(race_scene, "race", &t, &r);
    assert_true(r.st->shared[0].lost_updates > 0);
    assert_true(tally_get(t.inst, t.ninst, "lost update") > 0);
    assert_true(tally_get(t.ctr, t.nctr, "n") > 1000);
    assert_true(find_track(&t, 1, "shared n") > 0);
    trace_free(&t);
    run_free(&r);
}

static void an_event_loop(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(asyncio_scene, "asyncio", &t, &r);
    assert_true(other_int(&t, "flows") >= 6);
    assert_non_null(strstr(t.text, "\"name\":\"call_soon_threadsafe\",\"cat\":\"flow\",\"ph\":\"s\""));
    assert_non_null(strstr(t.text, "\"name\":\"call_soon_threadsafe\",\"cat\":\"flow\",\"ph\":\"f\""));
    assert_non_null(strstr(t.text, "\"name\":\"I/O ready\",\"cat\":\"flow\""));
    assert_non_null(strstr(t.text, "\"name\":\"result\",\"cat\":\"flow\""));
    assert_non_null(strstr(t.text, "\"name\":\"await future answer\""));
    assert_non_null(strstr(t.text, "\"name\":\"await I/O GET\""));
    assert_non_null(strstr(t.text, "\"name\":\"callback deliver\""));
    assert_non_null(strstr(t.text, "\"name\":\"step of waiter\""));
    assert_true(tally_get(t.inst, t.ninst, "future done") == 1);
    assert_true(tally_get(t.ctr, t.nctr, "app ready") > 0);
    /* the loop's tracks come after the threads, the tasks after the loop */
    int64_t loop = find_track(&t, 1, "loop app"), main = find_track(&t, 1, "main");
    int64_t task = find_track(&t, 1, "task waiter");
    assert_true(main > 0 && loop > main && task > loop);
    /* a flow from the worker thread to the loop */
    int64_t worker = find_track(&t, 1, "worker");
    int found = 0;
    for (size_t i = 0; i + 1 < t.nfl; i += 2)
        found |= t.fl[i + 1].tid == worker && t.fl[i].tid == loop;
    assert_true(found);
    trace_free(&t);
    run_free(&r);
}

static void a_queue(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(queue_scene, "queue", &t, &r);
    assert_true(tally_get(t.ctr, t.nctr, "queue jobs") > 0);
    assert_non_null(strstr(t.text, "\"name\":\"queue-wait\""));
    trace_free(&t);
    run_free(&r);
}

static void a_pool(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(pool_scene, "pool", &t, &r);
    assert_true(r.st->nprocs == 3);
    assert_true(t.npname >= 5); /* pids 1..3 and the machine (4) */
    assert_non_null(strstr(t.text, "\"name\":\"map-wait\""));
    trace_free(&t);
    run_free(&r);
}

static void utf8_and_escapes_survive(void **state)
{
    (void)state;
    struct trace t;
    struct run r;
    export_and_check(utf8_scene, "utf8", &t, &r);
    /* raw UTF-8 in the file, decoded back unchanged */
    assert_non_null(strstr(t.text, "\"title\":\"Concorrência em Python\""));
    assert_string_equal(jstr(&t.other, "title"), "Concorrência em Python");
    assert_non_null(strstr(t.text, "\"name\":\"io leitura \\\"ação\\\" \\\\ fim\""));
    assert_non_null(strstr(t.text, "\"label\":\"leitura \\\"ação\\\" \\\\ fim\""));
    assert_true(tally_get(t.inst, t.ninst, "Duas cópias do processo, cada uma com a sua GIL.\nSegunda linha") == 1);
    assert_non_null(strstr(t.text, "GIL.\\nSegunda linha"));
    /* two worker processes with their own GIL and thread */
    assert_int_equal(r.st->nprocs, 3);
    for (int p = 2; p <= 3; p++) {
        assert_true(find_track(&t, p, "GIL") > 0);
        assert_true(t.pname[p] != NULL);
    }
    trace_free(&t);
    run_free(&r);
}

static void every_builtin_scene(void **state)
{
    (void)state;
    char *names[512];
    int n = builtin_scene_paths(names, 512);
    assert_true(n >= 6);
    for (int i = 0; i < n; i++) {
        const char *path = names[i], *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        size_t len;
        char *text = slurp(path, &len);
        struct trace t;
        struct run r;
        int64_t t0 = gv_now_ns();
        export_and_check(text, base, &t, &r);
        printf("    %-32s %9llu records, %10zu bytes, %4llu flows, ok (%.2f s)\n", base,
               (unsigned long long)timeline_count(r.tl), t.len,
               (unsigned long long)(other_int(&t, "flows") + other_int(&t, "gil_handovers")),
               (double)(gv_now_ns() - t0) / 1e9);
        /* a second run of the scene exports the same bytes (the big ones:
         * their timelines' equality is test_scenes' business) */
        if (timeline_count(r.tl) < 100000) {
            struct run r2;
            run_scene(&r2, text);
            size_t len2;
            char *again = export_run(&r2, base, &len2);
            assert_int_equal(len2, t.len);
            assert_memory_equal(again, t.text, len2);
            free(again);
            run_free(&r2);
        }
        trace_free(&t);
        run_free(&r);
        free(text);
        free(names[i]);
    }
}

/* ---- hand-made timelines: the edges --------------------------------------------- */

#define REC(t, lane, kind, code, flags, arg) assert_int_equal(timeline_append(tl, t, lane, kind, code, flags, arg), 0)

/* Export a hand-made timeline with no scene into memory and parse it. */
static void export_mem(const struct timeline *tl, struct trace *t)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_non_null(f);
    assert_int_equal(trace_write(f, tl, NULL), 0);
    fclose(f);
    trace_parse(t, mem, len);
}

/* The list of slices of track tid as "ts+dur name;" (in file order). */
static void slices_of(const struct trace *t, int64_t tid, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < t->nsl; i++)
        if (t->sl[i].tid == tid) {
            size_t l = strlen(out);
            snprintf(out + l, size - l, "%lld+%lld;", (long long)t->sl[i].ts, (long long)t->sl[i].dur);
        }
}

static void flow_ends_on_boundaries(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    /* a name with a quote, a control character and an invalid byte */
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "A\"\x01\xff", 0, 0), 0);
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "B", 0, 1), 1);
    assert_int_equal(timeline_add_lane(tl, LANE_SCENE, "scene", -1, 0), 2);
    assert_int_equal(timeline_add_lane(tl, LANE_GIL, "main", 0, 0), 3);
    assert_int_equal(timeline_add_lane(tl, LANE_CORE, "core 0", -1, 0), 4);
    assert_int_equal(timeline_add_lane(tl, LANE_CORE, "core 1", -1, 1), 5);
    const uint8_t gil_c0 = TL_FLAG_GIL | 1, gil_c1 = TL_FLAG_GIL | 2;
    REC(0, 0, TL_STATE, TS_PYTHON, gil_c0, -1);
    REC(0, 3, TL_STATE, GIL_HELD, 0, 0);
    REC(0, 1, TL_STATE, TS_GIL_WAIT, 0, 0);
    REC(100, 0, TL_EVENT, EV_FLOW_OUT, FLOW_SCHEDULE, 1); /* at the end of A's slice */
    REC(100, 0, TL_STATE, TS_DONE, 0, -1);               /* A's next span has no slice */
    REC(100, 3, TL_STATE, GIL_FREE, 0, -1);              /* A's drop, after its slice ended */
    REC(100, 3, TL_STATE, GIL_HELD, 0, 1);               /* B's take: a hand-over */
    REC(100, 1, TL_EVENT, EV_FLOW_IN, 0, 1);             /* before B's slice starts */
    REC(100, 1, TL_STATE, TS_PYTHON, gil_c0, -1);
    REC(120, 1, TL_STATE, TS_OS, gil_c1, 0);             /* zero length: no slice */
    REC(120, 1, TL_EVENT, EV_FLOW_OUT, FLOW_RESULT, 2);  /* in the zero-length span */
    REC(120, 1, TL_STATE, TS_PYTHON, gil_c1, -1);
    REC(200, 1, TL_STATE, TS_DONE, 0, -1);
    REC(250, 0, TL_EVENT, EV_FLOW_IN, 0, 2);             /* A is done: no slice, dropped */
    REC(260, 1, TL_EVENT, EV_FLOW_OUT, FLOW_IO, 3);      /* never arrives */
    timeline_finish(tl, 300);

    struct trace t;
    export_mem(tl, &t);
    char buf[512];
    int64_t a = find_track(&t, 1, "A\"\x01\xef\xbf\xbd"), b = find_track(&t, 1, "B");
    int64_t gil = find_track(&t, 1, "GIL"), c0 = find_track(&t, 2, "core 0"), c1 = find_track(&t, 2, "core 1");
    assert_true(a > 0 && b > 0 && gil > 0 && c0 > 0 && c1 > 0);
    assert_non_null(strstr(t.text, "\"A\\\"\\u0001\\ufffd\""));
    slices_of(&t, a, buf, sizeof buf);
    assert_string_equal(buf, "0+100;");
    slices_of(&t, b, buf, sizeof buf);
    assert_string_equal(buf, "0+100;100+20;120+80;");
    slices_of(&t, gil, buf, sizeof buf);
    assert_string_equal(buf, "0+100;100+200;");
    slices_of(&t, c0, buf, sizeof buf);
    assert_string_equal(buf, "0+100;100+20;");
    slices_of(&t, c1, buf, sizeof buf);
    assert_string_equal(buf, "120+80;");
    assert_int_equal(other_int(&t, "flows"), 1);          /* #1 */
    assert_int_equal(other_int(&t, "gil_handovers"), 1);
    assert_int_equal(other_int(&t, "flows_dropped"), 1);  /* #2: covered at B's end, not at A's */
    assert_int_equal(other_int(&t, "flows_unmatched"), 1);
    assert_null(jget(&t.other, "title"));
    trace_free(&t);
    timeline_free(tl);
}

static void uncovered_flow_ends_are_dropped(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "A", 0, 0), 0);
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "B", 0, 1), 1);
    assert_int_equal(timeline_add_lane(tl, LANE_GIL, "main", 0, 0), 2);
    REC(0, 0, TL_STATE, TS_PYTHON, TL_FLAG_GIL, -1);
    REC(0, 2, TL_STATE, GIL_HELD, 0, 0);
    REC(50, 0, TL_EVENT, EV_FLOW_OUT, FLOW_SCHEDULE, 1);
    REC(60, 1, TL_EVENT, EV_FLOW_IN, 0, 1);             /* B has no state yet */
    REC(70, 1, TL_STATE, TS_NEW, 0, -1);
    REC(80, 1, TL_EVENT, EV_FLOW_IN, 0, 2);             /* in a span without a slice */
    REC(80, 0, TL_EVENT, EV_FLOW_OUT, FLOW_SCHEDULE, 2);
    REC(90, 0, TL_STATE, TS_DONE, 0, -1);
    REC(90, 2, TL_STATE, GIL_FREE, 0, -1);
    timeline_finish(tl, 90);
    struct trace t;
    export_mem(tl, &t);
    assert_int_equal(other_int(&t, "flows"), 0);
    assert_int_equal(other_int(&t, "flows_dropped"), 2);
    assert_int_equal(t.nfl, 0);
    trace_free(&t);
    timeline_free(tl);
}

static void a_core_taken_over(void **state)
{
    (void)state;
    struct timeline *tl = timeline_new();
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "X", 0, 0), 0);
    assert_int_equal(timeline_add_lane(tl, LANE_THREAD, "Y", 0, 1), 1);
    assert_int_equal(timeline_add_lane(tl, LANE_GIL, "main", 0, 0), 2);
    assert_int_equal(timeline_add_lane(tl, LANE_CORE, "core 0", -1, 0), 3);
    REC(0, 0, TL_STATE, TS_NOGIL, 1, -1);
    REC(50, 1, TL_STATE, TS_NOGIL, 1, -1);  /* Y on core 0 while X's record still says core 0 */
    REC(60, 0, TL_STATE, TS_READY, 0, 0);   /* X leaves: Y stays */
    REC(70, 0, TL_STATE, TS_NOGIL, 1, -1);  /* X back on core 0 */
    REC(90, 1, TL_STATE, TS_DONE, 0, -1);   /* Y's record: it was not on core 0 any more */
    timeline_finish(tl, 100);
    struct trace t;
    export_mem(tl, &t);
    char buf[256];
    slices_of(&t, find_track(&t, 2, "core 0"), buf, sizeof buf);
    assert_string_equal(buf, "0+50;50+20;70+30;");
    assert_non_null(strstr(t.text, "\"name\":\"Y\",\"cat\":\"core\",\"ph\":\"X\",\"ts\":0.050,"));
    trace_free(&t);
    timeline_free(tl);
}

static void times_have_three_decimals(void **state)
{
    (void)state;
    char buf[32];
    static const struct {
        gv_ns ns;
        const char *s;
    } cases[] = {
        { 0, "0.000" },          { 1, "0.001" },           { 999, "0.999" },
        { 1000, "1.000" },       { 1234567, "1234.567" }, { 1000000001, "1000000.001" },
        { -5, "-0.005" },        { -1234567, "-1234.567" },
        { INT64_MAX, "9223372036854775.807" }, { INT64_MIN, "-9223372036854775.808" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = trace_fmt_time(cases[i].ns, buf);
        assert_string_equal(buf, cases[i].s);
        assert_int_equal(n, strlen(cases[i].s));
    }
}

/* The validator refuses what it must (so the checks above can fail). */
static void the_json_checker_is_strict(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"a\":1,}", "[1,2,]", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":\"\x01\"}",
        "{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\x\"}",
        "{\"a\":1,\"a\":2}", "{\"a\":1} x", "{'a':1}", "{\"a\":tru}", "", "{\"a\":-}", "[\"\xed\xa0\x80\"]",
        "{\"traceEvents\":[{},]}", "{\"traceEvents\":[{} {}]}", "{\"traceEvents\":[],\"traceEvents\":[]}",
        "{\"traceEvents\":[{\"a\":1,\"a\":1}]}", "{\"traceEvents\":[]} {}", "{\"traceEvents\":[1}",
    };
    static const char *const good[] = {
        "{}", "[]", "{\"a\":[1,-0.5,2e10,true,false,null,\"\\u00e7\\ud83d\\ude00\"]}", " {\"é\":\"ção\"} ",
        "{\"traceEvents\":[{\"a\":1},{\"b\":[]}],\"x\":{}}", "{\"traceEvents\":[]}",
    };
    const char *err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (json_check(bad[i], strlen(bad[i]), &err) == 0)
            fail_msg("accepted %s", bad[i]);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (json_check(good[i], strlen(good[i]), &err) != 0)
            fail_msg("refused %s: %s", good[i], err);
}

/* ---- outfile ------------------------------------------------------------------ */

static void outfile_replaces_atomically(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    int code = -1;
    fresh_dir(dir, sizeof dir, "atomic");
    snprintf(path, sizeof path, "%s/out.json", dir);
    spit(path, "old content\n");
    assert_int_equal(chmod(path, 0640), 0);
    struct outfile *o = outfile_open(path, err, sizeof err, &code);
    assert_non_null(o);
    assert_int_equal(code, 0);
    assert_string_equal(outfile_path(o), path);
    fputs("new", outfile_fp(o));
    fflush(outfile_fp(o));
    /* until the commit the old file is intact, the new one is a temporary */
    size_t len;
    char *text = slurp(path, &len);
    assert_string_equal(text, "old content\n");
    free(text);
    assert_int_equal(dir_entries(dir), 2);
    fputs(" content\n", outfile_fp(o));
    assert_int_equal(outfile_commit(o, err, sizeof err, &code), 0);
    assert_int_equal(code, 0);
    text = slurp(path, &len);
    assert_string_equal(text, "new content\n");
    free(text);
    assert_int_equal(dir_entries(dir), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* the replaced file's mode is kept */
    /* a new file: 0666 minus the umask */
    mode_t old = umask(022);
    snprintf(path, sizeof path, "%s/new.json", dir);
    o = outfile_open(path, err, sizeof err, &code);
    assert_non_null(o);
    fputs("x", outfile_fp(o));
    assert_int_equal(outfile_commit(o, err, sizeof err, &code), 0);
    umask(old);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
}

static void outfile_abort_leaves_nothing(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    int code;
    fresh_dir(dir, sizeof dir, "abort");
    snprintf(path, sizeof path, "%s/out.json", dir);
    struct outfile *o = outfile_open(path, err, sizeof err, &code);
    assert_non_null(o);
    fputs("half", outfile_fp(o));
    assert_int_equal(dir_entries(dir), 1); /* the temporary */
    outfile_abort(o);
    assert_int_equal(dir_entries(dir), 0);
    /* an existing file survives an abort untouched */
    spit(path, "keep\n");
    o = outfile_open(path, err, sizeof err, &code);
    assert_non_null(o);
    fputs("half", outfile_fp(o));
    outfile_abort(o);
    size_t len;
    char *text = slurp(path, &len);
    assert_string_equal(text, "keep\n");
    free(text);
    assert_int_equal(dir_entries(dir), 1);
    outfile_abort(NULL);
}

static void outfile_cannot_create(void **state)
{
    (void)state;
    char dir[512], path[700], want[900], err[512];
    int code = 0;
    fresh_dir(dir, sizeof dir, "create");
    /* a missing directory */
    snprintf(path, sizeof path, "%s/missing/x.json", dir);
    assert_null(outfile_open(path, err, sizeof err, &code));
    assert_int_equal(code, EX_CANTCREAT);
    snprintf(want, sizeof want, "cannot create %s: No such file or directory", path);
    assert_string_equal(err, want);
    /* the path is a directory */
    code = 0;
    assert_null(outfile_open(dir, err, sizeof err, &code));
    assert_int_equal(code, EX_CANTCREAT);
    snprintf(want, sizeof want, "cannot create %s: Is a directory", dir);
    assert_string_equal(err, want);
    /* a file where a directory should be */
    snprintf(path, sizeof path, "%s/file", dir);
    spit(path, "x");
    snprintf(path, sizeof path, "%s/file/x.json", dir);
    code = 0;
    assert_null(outfile_open(path, err, sizeof err, &code));
    assert_int_equal(code, EX_CANTCREAT);
    snprintf(want, sizeof want, "cannot create %s: Not a directory", path);
    assert_string_equal(err, want);
    /* no path */
    code = 0;
    assert_null(outfile_open("", err, sizeof err, &code));
    assert_int_equal(code, EX_CANTCREAT);
    /* through trace_export_file: the same code and message, nothing left */
    struct timeline *tl = timeline_new();
    timeline_finish(tl, 0);
    snprintf(path, sizeof path, "%s/missing/x.json", dir);
    assert_int_equal(trace_export_file(path, tl, NULL, err, sizeof err), EX_CANTCREAT);
    snprintf(want, sizeof want, "cannot create %s: No such file or directory", path);
    assert_string_equal(err, want);
    timeline_free(tl);
    assert_int_equal(dir_entries(dir), 1);
}

static void outfile_unwritable_directory(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        printf("    (running as root: permissions are not enforced, skipped)\n");
        skip();
    }
    char dir[512], path[700], want[900], err[512];
    int code = 0;
    fresh_dir(dir, sizeof dir, "readonly");
    assert_int_equal(chmod(dir, 0555), 0);
    snprintf(path, sizeof path, "%s/x.json", dir);
    assert_null(outfile_open(path, err, sizeof err, &code));
    assert_int_equal(code, EX_CANTCREAT);
    snprintf(want, sizeof want, "cannot create %s: Permission denied", path);
    assert_string_equal(err, want);
    chmod(dir, 0755);
}

static void outfile_write_errors(void **state)
{
    (void)state;
    char dir[512], path[600], want[800], err[512];
    int code = 0;
    /* /dev/full is written in place (never renamed over) and fails */
    struct outfile *o = outfile_open("/dev/full", err, sizeof err, &code);
    if (o) {
        fputs("x", outfile_fp(o));
        assert_int_equal(outfile_commit(o, err, sizeof err, &code), EX_IOERR);
        assert_int_equal(code, EX_IOERR);
        assert_string_equal(err, "cannot write /dev/full: No space left on device");
        /* and through the exporter, with a whole trace */
        struct run r;
        run_scene(&r, gil_scene);
        assert_int_equal(trace_export_file("/dev/full", r.tl, r.sc, err, sizeof err), EX_IOERR);
        assert_string_equal(err, "cannot write /dev/full: No space left on device");
        run_free(&r);
    }
    /* the rename fails: the target became a directory meanwhile */
    fresh_dir(dir, sizeof dir, "rename");
    snprintf(path, sizeof path, "%s/out.json", dir);
    o = outfile_open(path, err, sizeof err, &code);
    assert_non_null(o);
    fputs("data", outfile_fp(o));
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(outfile_commit(o, err, sizeof err, &code), EX_IOERR);
    assert_int_equal(code, EX_IOERR);
    snprintf(want, sizeof want, "cannot replace %s: Is a directory", path);
    assert_string_equal(err, want);
    assert_int_equal(dir_entries(dir), 1); /* the temporary is gone */
    /* /dev/null is written in place and stays a device */
    o = outfile_open("/dev/null", err, sizeof err, &code);
    assert_non_null(o);
    fputs("x", outfile_fp(o));
    assert_int_equal(outfile_commit(o, err, sizeof err, &code), 0);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

static void outfile_follows_a_symlink(void **state)
{
    (void)state;
    char dir[512], file[600], link[600], err[512];
    int code;
    fresh_dir(dir, sizeof dir, "symlink");
    snprintf(file, sizeof file, "%s/real.json", dir);
    snprintf(link, sizeof link, "%s/link.json", dir);
    spit(file, "old");
    assert_int_equal(symlink("real.json", link), 0);
    struct outfile *o = outfile_open(link, err, sizeof err, &code);
    assert_non_null(o);
    fputs("new", outfile_fp(o));
    assert_int_equal(outfile_commit(o, err, sizeof err, &code), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    size_t len;
    char *text = slurp(file, &len);
    assert_string_equal(text, "new");
    free(text);
    assert_int_equal(dir_entries(dir), 2);
}

/* "-" is standard output: capture fd 1 in a file meanwhile. */
static void outfile_stdout(void **state)
{
    (void)state;
    char path[600], err[512];
    int code = -1;
    snprintf(path, sizeof path, "%s/stdout.txt", tmpdir);
    fflush(stdout);
    int saved = dup(1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    struct outfile *o = outfile_open("-", err, sizeof err, &code);
    int is_stdout = o && outfile_fp(o) == stdout;
    if (o) {
        fputs("hello\n", outfile_fp(o));
        code = outfile_commit(o, err, sizeof err, &code);
    }
    struct run r;
    run_scene(&r, lock_scene);
    int rc = trace_export_file("-", r.tl, r.sc, err, sizeof err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_true(is_stdout);
    assert_int_equal(code, 0);
    assert_int_equal(rc, 0);
    size_t len;
    char *text = slurp(path, &len);
    assert_true(len > 6 && memcmp(text, "hello\n", 6) == 0);
    /* the rest is the trace */
    struct trace t;
    char *json = gv_strndup(text + 6, len - 6);
    free(text);
    trace_parse(&t, json, len - 6);
    check_against_run(&t, &r);
    trace_free(&t);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(times_have_three_decimals),
        cmocka_unit_test(the_json_checker_is_strict),
        cmocka_unit_test(flow_ends_on_boundaries),
        cmocka_unit_test(uncovered_flow_ends_are_dropped),
        cmocka_unit_test(a_core_taken_over),
        cmocka_unit_test(threads_and_gil_switches),
        cmocka_unit_test(a_lock),
        cmocka_unit_test(a_shared_counter_race),
        cmocka_unit_test(an_event_loop),
        cmocka_unit_test(a_queue),
        cmocka_unit_test(a_pool),
        cmocka_unit_test(utf8_and_escapes_survive),
        cmocka_unit_test(every_builtin_scene),
        cmocka_unit_test(outfile_replaces_atomically),
        cmocka_unit_test(outfile_abort_leaves_nothing),
        cmocka_unit_test(outfile_cannot_create),
        cmocka_unit_test(outfile_unwritable_directory),
        cmocka_unit_test(outfile_write_errors),
        cmocka_unit_test(outfile_follows_a_symlink),
        cmocka_unit_test(outfile_stdout),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
