/*
 * util: see util.h.  Nothing here knows about scenes or the terminal.
 */
#define _POSIX_C_SOURCE 200809L
#include "util.h"
#include "i18n.h"
#include "prefault.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "gilviz: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *gv_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *gv_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *gv_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *gv_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            oom(SIZE_MAX);
        c *= 2;
    }
    p = gv_realloc(p, c * size);
    gv_prefault_next((char *)p + *cap * size, (c - *cap) * size);
    *cap = c;
    return p;
}

void *gv_ring_grow(void *p, size_t *cap, size_t head, size_t size, size_t first_cap)
{
    size_t old = *cap;
    if (old > SIZE_MAX / 2 / size)
        oom(SIZE_MAX);
    size_t c = old ? old * 2 : first_cap;
    p = gv_realloc(p, c * size);
    gv_prefault_next((char *)p + old * size, (c - old) * size);
    if (old && head > 0)
        memcpy((char *)p + old * size, p, head * size);
    *cap = c;
    return p;
}

void *gv_ring_grow_in(void *p, size_t *cap, size_t head, size_t size, size_t resv)
{
    size_t old = *cap;
    if (old > resv / 2)
        return gv_ring_grow(p, cap, head, size, resv);
    /* the new half [old, 2 old) was asked for at the last doubling; ask
     * again (pages in already cost little) with the one after it */
    size_t ahead = old * 4 < resv ? old * 4 : resv;
    gv_prefault_next((char *)p + old * size, (ahead - old) * size);
    if (head > 0)
        memcpy((char *)p + old * size, p, head * size);
    *cap = old * 2;
    return p;
}

char *gv_strdup(const char *s)
{
    return gv_strndup(s, strlen(s));
}

char *gv_strndup(const char *s, size_t n)
{
    char *d = gv_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void gv_fatal(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("gilviz: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

int gv_parse_duration(const char *s, size_t len, gv_ns *out, const char **why)
{
    size_t i = 0;
    int64_t whole = 0, frac = 0, fscale = 1;
    int digits = 0;

    if (len > 0 && s[0] == '-') {
        *why = N_("a duration cannot be negative");
        return -1;
    }
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (whole > INT64_MAX / 10 - 10) {
            *why = N_("duration is too large (at most 1 day)");
            return -1;
        }
        whole = whole * 10 + (s[i++] - '0');
        digits++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (fscale < INT64_C(1000000000)) {
                frac = frac * 10 + (s[i] - '0');
                fscale *= 10;
            }
            i++;
            digits++;
        }
    }
    if (digits == 0) {
        *why = N_("expected a duration like 5ms");
        return -1;
    }
    const char *u = s + i;
    size_t ulen = len - i;
    int64_t mult;
    if (ulen == 2 && memcmp(u, "ns", 2) == 0)
        mult = 1;
    else if (ulen == 2 && (memcmp(u, "us", 2) == 0))
        mult = GV_NS_PER_US;
    else if (ulen == 3 && memcmp(u, "\xc2\xb5s", 3) == 0) /* µs */
        mult = GV_NS_PER_US;
    else if (ulen == 2 && memcmp(u, "ms", 2) == 0)
        mult = GV_NS_PER_MS;
    else if (ulen == 1 && u[0] == 's')
        mult = GV_NS_PER_S;
    else if (ulen == 3 && memcmp(u, "min", 3) == 0)
        mult = 60 * GV_NS_PER_S;
    else {
        *why = ulen == 0 ? N_("a duration needs a unit (ns, us, ms, s)")
                         : N_("unknown time unit (use ns, us, ms, s or min)");
        return -1;
    }
    if (whole > GV_NS_MAX / mult) {
        *why = N_("duration is too large (at most 1 day)");
        return -1;
    }
    /* frac/fscale of one unit, rounded to the nearest nanosecond */
    int64_t fr = (int64_t)(((__int128)frac * mult + fscale / 2) / fscale);
    int64_t v = whole * mult + fr;
    if (v > GV_NS_MAX) {
        *why = N_("duration is too large (at most 1 day)");
        return -1;
    }
    *out = v;
    return 0;
}

char *gv_fmt_duration(gv_ns ns, char *buf, size_t size)
{
    const char *sign = "";
    uint64_t a;
    if (ns < 0) {
        sign = "-";
        a = (uint64_t)(-(ns + 1)) + 1;
    } else {
        a = (uint64_t)ns;
    }
    static const struct { uint64_t div; const char *unit; } units[] = {
        { 1000000000u, "s" }, { 1000000u, "ms" }, { 1000u, "us" }, { 1u, "ns" },
    };
    size_t k = 3;
    for (size_t j = 0; j < 3; j++)
        if (a >= units[j].div) {
            k = j;
            break;
        }
    if (units[k].div == 1 || a % units[k].div == 0) {
        snprintf(buf, size, "%s%" PRIu64 " %s", sign, a / units[k].div, units[k].unit);
        return buf;
    }
    double v = (double)a / (double)units[k].div;
    int prec = v >= 100 ? 1 : v >= 10 ? 2 : 3;
    snprintf(buf, size, "%s%.*f %s", sign, prec, v, units[k].unit);
    /* trim trailing zeros of the fraction: "1.500 ms" -> "1.5 ms" */
    char *sp = strchr(buf, ' ');
    char *dot = strchr(buf, '.');
    if (sp && dot && dot < sp) {
        char *e = sp;
        while (e > dot + 1 && e[-1] == '0')
            e--;
        if (e == dot + 1)
            e = dot;
        memmove(e, sp, strlen(sp) + 1);
    }
    return buf;
}

int gv_parse_bytes(const char *s, uint64_t *out, const char **why)
{
    static const char *const suffix[][2] = { { "", "B" }, { "K", "KiB" }, { "M", "MiB" },
                                             { "G", "GiB" }, { "T", "TiB" } };
    uint64_t v = 0;
    size_t i = 0;
    *why = N_("expected a size like 512M or 2G");
    if (!s || s[0] < '0' || s[0] > '9')
        return -1;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10) {
            *why = N_("size is too large");
            return -1;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    for (int k = 0; k < 5; k++) {
        if (strcmp(s + i, suffix[k][0]) != 0 && strcmp(s + i, suffix[k][1]) != 0)
            continue;
        if (v > UINT64_MAX >> (10 * k)) {
            *why = N_("size is too large");
            return -1;
        }
        *out = v << (10 * k);
        return 0;
    }
    *why = N_("unknown size unit (use K, M, G or T: 1M = 1024K)");
    return -1;
}

char *gv_fmt_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int k = 0;
    while (k < 4 && bytes >= (UINT64_C(1024) << (10 * k)))
        k++;
    uint64_t div = UINT64_C(1) << (10 * k);
    if (bytes % div == 0)
        snprintf(buf, size, "%" PRIu64 " %s", bytes / div, unit[k]);
    else
        snprintf(buf, size, "%.1f %s", (double)bytes / (double)div, unit[k]);
    return buf;
}

char *gv_fmt_duration_arg(gv_ns ns, char *buf, size_t size)
{
    static const struct { gv_ns div; const char *unit; } units[] = {
        { 60 * GV_NS_PER_S, "min" }, { GV_NS_PER_S, "s" }, { GV_NS_PER_MS, "ms" }, { GV_NS_PER_US, "us" },
    };
    for (size_t k = 0; k < 4; k++)
        if (ns != 0 && ns % units[k].div == 0) {
            snprintf(buf, size, "%" PRId64 "%s", ns / units[k].div, units[k].unit);
            return buf;
        }
    snprintf(buf, size, "%" PRId64 "ns", ns);
    return buf;
}

gv_ns gv_select(gv_ns *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        /* median of three as the pivot keeps sorted input linear */
        size_t mid = lo + (hi - lo) / 2;
        gv_ns a = v[lo], b = v[mid], c = v[hi];
        gv_ns pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                gv_ns t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        /* now v[lo..j] <= pivot <= v[i..hi], and v[j+1..i-1] == pivot */
        if (k <= j && j != (size_t)-1 && j >= lo)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* The number of values block b holds when full. */
static size_t block_size(size_t b)
{
    return b < 8 && (size_t)GV_SAMPLES_FIRST << b < GV_SAMPLES_BLOCK ? (size_t)GV_SAMPLES_FIRST << b
                                                                     : GV_SAMPLES_BLOCK;
}

/* A block has one slot past its values (past s->end, where no add writes):
 * the largest of its values tallied so far, 0 until then (values are >= 0).
 * A rank skips the blocks whose largest is below the bucket it wants. */
void gv_samples_grow(struct gv_samples *s)
{
    size_t size = block_size(s->nblk);
    if (s->nblk == s->capblk)
        s->blk = gv_grow(s->blk, &s->capblk, s->nblk + 1, sizeof *s->blk);
    s->at = s->blk[s->nblk++] = gv_malloc((size + 1) * sizeof **s->blk);
    gv_prefault(s->at, (size + 1) * sizeof **s->blk);
    s->end = s->at + size;
    *s->end = 0;
}

size_t gv_samples_count(const struct gv_samples *s)
{
    if (s->nblk == 0)
        return 0;
    size_t n = (size_t)(s->at - s->blk[s->nblk - 1]);
    for (size_t j = 0; j + 1 < s->nblk; j++)
        n += block_size(j);
    return n;
}

/* The histogram bucket of v >= 0: the exponent and the first GV_SAMPLES_SUB
 * bits of mantissa of the float v, read from its bits (a conversion and a
 * shift, against some ten instructions with integers).  0 is 0.0f, bucket
 * 0; any other v has a biased exponent of 127 at least, so buckets 1 to
 * (127 << SUB) - 1 stay empty: 32 KB of zeros that a rank's walk passes
 * over.  Converting v + 1 instead, to start the exponent at 0, costs an
 * instruction a value (1.6 M at the end of make bench-insn's asyncio
 * scene); a double's bias of 1023 would leave 256 KB empty.  v below
 * 2^(SUB+1) is exact in SUB bits: each is a bucket of its own.  Rounding
 * (past 2^24) may move a value into a neighbouring bucket, but an int to
 * float conversion rounds monotonically (in any rounding mode), so the
 * buckets still grow with v and each holds a range of values, which
 * bucket_floor finds by search, not by formula.  v = INT64_MAX makes 2^63:
 * bucket 190 << SUB, the last. */
#define BUCKETS ((190u << GV_SAMPLES_SUB) + 1)
static inline size_t bucket(gv_ns v)
{
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits >> (23 - GV_SAMPLES_SUB);
}

/* The smallest value v >= 0 of bucket b or after it (b <= bucket(INT64_MAX)):
 * a binary search, the buckets being in value order. */
static gv_ns bucket_floor(size_t b)
{
    gv_ns lo = 0, hi = INT64_MAX;
    while (lo < hi) {
        gv_ns mid = lo + (hi - lo) / 2;
        if (bucket(mid) >= b)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Fold the values added since the last tally into the sum, max (each
 * block's, and of them all) and histogram: one pass over them, in registers
 * (the engine's adds only store them), eight at a time (four left half the
 * loop's own instructions to pay per value), some 9.5 instructions a value.
 * A block's max costs nothing more than the max of them all: the running
 * max starts each block at what its slot holds (0, or the max of the part
 * of it an earlier tally read), and is folded in at its end. */
static void tally(struct gv_samples *s)
{
    size_t n = gv_samples_count(s);
    if (s->tallied == n)
        return;
    if (!s->hist)
        s->hist = gv_calloc(BUCKETS, sizeof *s->hist);
    uint64_t *hist = s->hist, lo = s->sum_lo, hi = s->sum_hi;
    gv_ns all_max = s->max;
    size_t base = 0; /* how many values the blocks before blk[j] hold */
    for (size_t j = 0; j < s->nblk; base += block_size(j++)) {
        const gv_ns *v = s->blk[j], *end = j + 1 < s->nblk ? v + block_size(j) : s->at;
        if (base + (size_t)(end - v) <= s->tallied)
            continue; /* tallied already */
        gv_ns *slot = s->blk[j] + block_size(j), max = *slot;
        if (s->tallied > base)
            v += s->tallied - base;
        /* The sum of the block's values (one at least) in 64 bits, with no
         * carry to count: it cannot have wrapped if max (at least their
         * largest) times their number fits, else they are summed again with
         * the carries (in a full block, only with a value past 2^48 ns, 3 days). */
        const gv_ns *start = v;
        uint64_t bsum = 0;
#define TALLY(x) \
    do { \
        bsum += (uint64_t)(x); \
        max = (x) > max ? (x) : max; \
        hist[bucket(x)]++; \
    } while (0)
        for (const gv_ns *stop = v + (end - v) / 8 * 8; v < stop; v += 8) {
            gv_ns x0 = v[0], x1 = v[1], x2 = v[2], x3 = v[3], x4 = v[4], x5 = v[5], x6 = v[6], x7 = v[7];
            TALLY(x0);
            TALLY(x1);
            TALLY(x2);
            TALLY(x3);
            TALLY(x4);
            TALLY(x5);
            TALLY(x6);
            TALLY(x7);
        }
        for (; v < end; v++)
            TALLY(*v);
#undef TALLY
        if ((uint64_t)max <= UINT64_MAX / (uint64_t)(end - start))
            hi += __builtin_add_overflow(lo, bsum, &lo);
        else
            for (v = start; v < end; v++)
                hi += __builtin_add_overflow(lo, (uint64_t)*v, &lo);
        *slot = max;
        all_max = max > all_max ? max : all_max;
    }
    s->sum_lo = lo;
    s->sum_hi = hi;
    s->max = all_max;
    s->tallied = n;
}

gv_ns gv_samples_mean(struct gv_samples *s)
{
    tally(s);
    unsigned __int128 sum = (unsigned __int128)s->sum_hi << 64 | s->sum_lo;
    return s->tallied ? (gv_ns)(sum / s->tallied) : 0;
}

gv_ns gv_samples_max(struct gv_samples *s)
{
    tally(s);
    return s->max;
}

gv_ns gv_samples_rank(struct gv_samples *s, size_t k)
{
    tally(s);
    /* the bucket that holds rank k, and how many values come before it */
    size_t below = 0;
    size_t b = 0;
    while (below + s->hist[b] <= k)
        below += s->hist[b++];
    /* its values, [lo, hi], then the (k - below)-th of them */
    gv_ns lo = bucket_floor(b), hi = b < bucket(INT64_MAX) ? bucket_floor(b + 1) - 1 : INT64_MAX;
    if (lo == hi)
        return lo; /* a bucket of one value */
    /* Branch-free: every value is stored at w[m] and kept (m counts it) if
     * in [lo, hi]; no more than `want` are, so w[want] is the last store.
     * The scan stops at the first chunk boundary after the last of them, and
     * passes over the blocks whose max is below lo: values that come in
     * ramps (lags that grow while a loop is behind, then fall) put a high
     * rank's bucket in a few blocks. */
    enum { RANK_CHUNK = 512 };
    uint64_t span = (uint64_t)(hi - lo);
    size_t m = 0, want = s->hist[b];
    gv_ns *w = gv_malloc((want + 1) * sizeof *w);
    for (size_t j = 0; j < s->nblk && m < want; j++) {
        const gv_ns *v = s->blk[j], *end = j + 1 < s->nblk ? v + block_size(j) : s->at;
        if (v[block_size(j)] < lo)
            continue;
        while (v < end && m < want) {
            const gv_ns *stop = end - v > RANK_CHUNK ? v + RANK_CHUNK : end;
            for (; v + 4 <= stop; v += 4) {
                gv_ns x0 = v[0], x1 = v[1], x2 = v[2], x3 = v[3];
                w[m] = x0;
                m += (uint64_t)(x0 - lo) <= span;
                w[m] = x1;
                m += (uint64_t)(x1 - lo) <= span;
                w[m] = x2;
                m += (uint64_t)(x2 - lo) <= span;
                w[m] = x3;
                m += (uint64_t)(x3 - lo) <= span;
            }
            for (; v < stop; v++) {
                gv_ns x = *v;
                w[m] = x;
                m += (uint64_t)(x - lo) <= span;
            }
        }
    }
    gv_ns r = gv_select(w, m, k - below);
    free(w);
    return r;
}

void gv_samples_free(struct gv_samples *s)
{
    for (size_t k = 0; k < s->nblk; k++)
        free(s->blk[k]);
    free(s->blk);
    free(s->hist);
    memset(s, 0, sizeof *s);
}

char *gv_read_file(const char *path, size_t *len)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = gv_malloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = gv_realloc(buf, cap *= 2);
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int64_t gv_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * GV_NS_PER_S + ts.tv_nsec;
}

void gv_exe_dir(char *buf, size_t size)
{
    ssize_t n = size > 1 ? readlink("/proc/self/exe", buf, size - 1) : -1;
    if (n <= 0) {
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
}
