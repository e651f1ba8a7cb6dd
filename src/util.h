/*
 * util: allocation that never returns NULL, fatal errors, and the one place
 * where durations are turned into text and back.
 *
 * Everything in gilviz measures time as int64_t nanoseconds (gv_ns).  Parsing
 * rejects anything that would overflow, so arithmetic on parsed values can
 * rely on the limits below.
 */
#ifndef GV_UTIL_H
#define GV_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

typedef int64_t gv_ns;

#define GV_NS_PER_US INT64_C(1000)
#define GV_NS_PER_MS INT64_C(1000000)
#define GV_NS_PER_S  INT64_C(1000000000)
/* Largest duration a scene may name: about 292 years would overflow int64;
 * we stop at one day so that sums of many durations stay far from overflow. */
#define GV_NS_MAX    (INT64_C(86400) * GV_NS_PER_S)

#ifndef GV_VERSION
#define GV_VERSION "0.1.0"
#endif

/* Allocation: abort with a message on exhaustion; never return NULL. */
void *gv_malloc(size_t n);
void *gv_calloc(size_t n, size_t size);
void *gv_realloc(void *p, size_t n);
/* Grow an array of `size`-byte items to hold at least `need` items. */
void *gv_grow(void *p, size_t *cap, size_t need, size_t size);
/* Double a FULL ring buffer of `size`-byte items whose capacity *cap is a
 * power of two (or 0: it becomes first_cap, a power of two).  Items stay at
 * (head + i) & (*cap - 1): the wrapped part moves after the old end. */
void *gv_ring_grow(void *p, size_t *cap, size_t head, size_t size, size_t first_cap);
/* gv_ring_grow for a ring (or, with head 0, an array) whose storage was
 * allocated for `resv` items up front, resv a power of two, while *cap (not
 * 0), its capacity in use, may be less: while 2 * *cap <= resv it doubles in place
 * (no copy but the wrapped part, no realloc) and hands the prefaulter the
 * pages of the next doubling as well, a doubling before they are written;
 * past resv it is gv_ring_grow.  The storage is virtual memory until used:
 * a ring never touches more of it than gv_ring_grow's would. */
void *gv_ring_grow_in(void *p, size_t *cap, size_t head, size_t size, size_t resv);
char *gv_strdup(const char *s);
char *gv_strndup(const char *s, size_t n);

/* Print "gilviz: message" to stderr and exit with `code` (a sysexits value). */
void gv_fatal(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Parse a duration such as "5ms", "1.5s", "250us", "40ns".
 * Returns 0 and stores nanoseconds, or -1 with a static reason in *why
 * (English, marked for the catalogue: gv_tr translates it). */
int gv_parse_duration(const char *s, size_t len, gv_ns *out, const char **why);

/* Parse an amount of memory for an option: a whole number of bytes with an
 * optional binary suffix K, M, G or T (also KiB, MiB, GiB, TiB; 1M = 1024K),
 * e.g. "512M", "2G".  Returns 0, or -1 with a static reason in *why. */
int gv_parse_bytes(const char *s, uint64_t *out, const char **why);

/* Format bytes for people: "512 MiB", "2 GiB", "1.5 GiB", "300 B". */
char *gv_fmt_bytes(uint64_t bytes, char *buf, size_t size);

/* Format a duration so that gv_parse_duration reads it back exactly, in
 * the largest unit that divides it: "20min", "90s", "1500us". */
char *gv_fmt_duration_arg(gv_ns ns, char *buf, size_t size);

/* Format a duration for people: "5 ms", "1.25 s", "340 ns" (at most 4
 * significant digits).  Returns buf. */
char *gv_fmt_duration(gv_ns ns, char *buf, size_t size);

/* Reorder v[0..n) so that v[k] is the value a sort would put there, with
 * nothing larger before it and nothing smaller after it (quickselect,
 * expected O(n)); returns v[k].  k < n. */
gv_ns gv_select(gv_ns *v, size_t n, size_t k);

/* A set of durations >= 0 (latencies, lags) to take the count, mean,
 * maximum and exact ranks of.  Adding only stores the value (O(1)): the
 * engine adds one or two a handle and reads the figures once, at the end.
 * Reading a figure first tallies the values added since the last tally, in
 * one pass: their sum, max and a histogram of GV_SAMPLES_SUB buckets per
 * power of two.  A rank is then one pass that picks out the values of the
 * one bucket it falls in, then a selection over those alone (not over all
 * of them).
 * The values are kept in blocks (the first of GV_SAMPLES_FIRST, each next
 * twice as big up to GV_SAMPLES_BLOCK) that never move: a million lags are
 * never copied to a bigger array.  The tally also keeps each block's max
 * (in a slot past its values), and a rank's pass skips the blocks whose max
 * is below its bucket. */
#define GV_SAMPLES_SUB 5
#define GV_SAMPLES_FIRST 256
#define GV_SAMPLES_BLOCK 65536
struct gv_samples {
    gv_ns **blk;              /* the blocks of values */
    size_t nblk, capblk;
    gv_ns *at, *end;          /* where the next value goes, in the last block */
    /* No count: gv_samples_count finds it from the blocks.  The engine's
     * struct sloop holds one of these, and 8 bytes more there cost it 5
     * instructions an event (make bench-insn) in indexing its loops. */
    /* the tally of the first `tallied` values */
    size_t tallied;
    gv_ns max;
    uint64_t sum_lo, sum_hi;  /* the sum, 128 bits */
    uint64_t *hist;           /* counts by bucket (see util.c), allocated at the first tally */
};

void gv_samples_grow(struct gv_samples *s);

/* Add v (a negative one as 0).  gv_samples_add_inline is always inline, for
 * a caller so big that gcc would call it there (the engine adds two samples
 * a handle). */
static inline __attribute__((always_inline)) void gv_samples_add_inline(struct gv_samples *s, gv_ns v)
{
    if (s->at == s->end)
        gv_samples_grow(s);
    *s->at++ = v < 0 ? 0 : v;
}

static inline void gv_samples_add(struct gv_samples *s, gv_ns v)
{
    gv_samples_add_inline(s, v);
}

/* How many values there are (no tally: cheap at any time). */
size_t gv_samples_count(const struct gv_samples *s);

/* The figures tally the values added since they were last read, and so
 * take s as writable.  The mean (rounded down), 0 with no values. */
gv_ns gv_samples_mean(struct gv_samples *s);
/* The largest value, 0 with no values. */
gv_ns gv_samples_max(struct gv_samples *s);
/* The k-th smallest value (k < count, 0-based), as a sort would give. */
gv_ns gv_samples_rank(struct gv_samples *s, size_t k);
void gv_samples_free(struct gv_samples *s);

/* Read a whole file into a NUL-terminated buffer.  Returns NULL with errno
 * set on failure. */
char *gv_read_file(const char *path, size_t *len);

/* The folder holding the running executable (from /proc/self/exe), or ""
 * if it cannot be known. */
void gv_exe_dir(char *buf, size_t size);

/* Monotonic wall clock for benchmarks and the player; never used by the
 * simulation. */
int64_t gv_now_ns(void);

#endif
