/*
 * timeline: append-only, chunked record store with checkpoints for seeking.
 *
 * Layout.  Records live in chunks of TL_CHUNK_RECS records; `dir` (allocated
 * once, TL_MAX_CHUNKS entries) points at them, so a record never moves.  Every
 * K records (K = max(TL_CHECKPOINT_EVERY, next power of two >= 4 * nlanes),
 * fixed at the first append) the writer copies its private `last[]` array (the
 * index of each lane's latest STATE/COUNTER record) into checkpoint j = n / K:
 * "the lane indices after applying records [0, j*K)".  Checkpoint 0 (all
 * TL_NO_RECORD) is written at the first append.  Checkpoints are grouped in
 * blocks of `cpb` (a power of two) that `cpdir` points at; a block never
 * moves either.  Checkpoint memory is nlanes * 4 / K <= 1 byte per record.
 * (With at most TL_MAX_LANES = 2^14 lanes, K <= TL_CHUNK_RECS.)
 * Lanes live in blocks of LANE_BLOCK that `lane_dir` (inside the struct)
 * points at, so a lane never moves.
 *
 * Seeking.  state_at(t): u = first published index with time > t (binary
 * search), copy checkpoint u / K, replay the < K records [u/K*K, u), then
 * read each lane's record: O(log n + K + nlanes).  prev/next binary-search
 * and then scan; prev filtered on one lane's STATE/COUNTER records hops from
 * checkpoint to checkpoint, but next (and EVENT filters) may scan far when the
 * lane is rare.
 *
 * Why this is race-free (one writer thread, any number of reader threads).
 *  1. Shared mutable words are only `nlanes`, `pub` (published count) and
 *     `done`, all C11 atomics.  The writer stores them with release; readers
 *     load them with acquire.  Everything else a reader touches is written by
 *     the writer exactly once, before a release store that makes it reachable,
 *     and is never written again while readers exist:
 *       - lane i (its struct, its name, lane_dir[i / LANE_BLOCK]) is written
 *         before the release store nlanes = i + 1; readers only look at lanes
 *         below an acquired nlanes;
 *       - record i and dir[i >> TL_CHUNK_SHIFT] are written before the
 *         release store of any pub > i; readers only look at records (and
 *         directory entries) below an acquired pub;
 *       - checkpoint j (and cpdir[j / cpb]) is written inside the append that
 *         makes the writer's count reach j*K (j = 0: the first append), hence
 *         before any release store of pub >= j*K; readers only read
 *         checkpoint u / K with u <= an acquired pub;
 *       - K, kshift, cpb, cp_nlanes are set by the first append, before any
 *         pub >= 1 is stored; readers read them only after acquiring pub >= 1;
 *       - end_t is written by timeline_finish before the release store of
 *         done = 1; readers read it only after acquiring done == 1.
 *     The acquire load synchronises with the release store it reads (or with
 *     a later one of the same writer: release sequences), so every such write
 *     happens-before the reader's plain read: no data race.
 *  2. Writes after publication go to different memory locations than any
 *     reader reads (records >= pub, later directory slots, later checkpoints,
 *     writer-private fields: w, cur, cap), so they do not
 *     conflict.  Nothing is ever realloc'ed or freed before timeline_free,
 *     which the caller runs after every reader has stopped.
 *  3. Lanes must all exist before the first record (asserted).  Once a
 *     reader has acquired pub >= 1, nlanes is final, so state_at loads pub
 *     first and nlanes second.  A reader must size its state_at() buffer from
 *     a timeline_nlanes() read after the lane set is final.
 *  4. The chunk allocated ahead is the writer's until it becomes a chunk;
 *     the prefaulter's helper only asks the kernel to map its pages, which
 *     changes no byte of it.
 */
#include "timeline.h"

#include "../prefault.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MASK (TL_CHUNK_RECS - 1u)
#define LANE_SHIFT 6
#define LANE_BLOCK (1u << LANE_SHIFT)
#define MAX_LANES TL_MAX_LANES
#define NONE UINT64_MAX
#define STATE_KINDS ((1u << TL_STATE) | (1u << TL_COUNTER))
#define CHUNK_BYTES ((size_t)TL_CHUNK_RECS * sizeof(struct tl_rec))

/* Once a timeline has filled a quarter of its first chunk, the writer
 * allocates each chunk one chunk ahead and has the prefaulter (prefault.h)
 * fault its pages in while it fills the current one (and the rest of the
 * first chunk): a fresh chunk costs 256 page faults, which were a quarter of
 * the time to simulate 100,000 asyncio tasks.  No record changes.  At most
 * one chunk is allocated ahead, and none past the record cap;
 * timeline_bytes does not count it. */

struct timeline {
    /* --- written once, then read-only (see the argument above) --- */
    struct tl_rec **dir;      /* TL_MAX_CHUNKS record chunks */
    uint32_t **cpdir;         /* TL_MAX_CHUNKS + 1 checkpoint blocks */
    uint64_t kmask;           /* K - 1 */
    unsigned kshift;          /* log2 K */
    unsigned cpb_shift;       /* log2 checkpoints per block */
    int cp_nlanes;            /* lanes per checkpoint (== final nlanes) */
    gv_ns end_t;              /* valid once done */
    char pad0[64];
    /* --- shared atomics --- */
    _Atomic uint64_t pub;     /* published record count */
    _Atomic int nlanes;
    _Atomic int done;
    char pad1[64];
    /* --- writer-private --- */
    struct tl_writer w;       /* n, last[], wlanes, last_t and the fast path */
    uint64_t cap;             /* append refuses at this count */
    size_t max_bytes;         /* memory limit (0: none); turned into cap at the first record */
    int mem_capped;           /* cap comes from max_bytes */
    struct tl_rec *cur;       /* chunk holding record n (when n % CHUNK != 0) */
    struct tl_lane *lane_dir[MAX_LANES / LANE_BLOCK];
    struct tl_rec *ahead;     /* the next chunk, allocated ahead, or NULL */
    int no_ahead;             /* timeline_set_prepare(tl, false) */
    int quarter;              /* a quarter of the first chunk was reached */
    uint64_t prepared;        /* chunks allocated ahead (the last may go unused) */
};

/* Record i; i must be below an acquired published count. */
static inline const struct tl_rec *rec(const struct timeline *tl, uint64_t i)
{
    return &tl->dir[i >> TL_CHUNK_SHIFT][i & CHUNK_MASK];
}

/* Checkpoint j (nlanes entries); j*K must be <= an acquired published count. */
static inline const uint32_t *cp(const struct timeline *tl, uint64_t j)
{
    uint64_t per = (uint64_t)1 << tl->cpb_shift;
    return tl->cpdir[j >> tl->cpb_shift] + (size_t)(j & (per - 1)) * (size_t)tl->cp_nlanes;
}

/* Acquire the published count. */
static inline uint64_t pub_count(const struct timeline *tl)
{
    return atomic_load_explicit(&((struct timeline *)tl)->pub, memory_order_acquire);
}

/* Acquire the lane count. */
static inline int lane_count(const struct timeline *tl)
{
    return atomic_load_explicit(&((struct timeline *)tl)->nlanes, memory_order_acquire);
}

/* Create an empty timeline. */
struct timeline *timeline_new(void)
{
    struct timeline *tl = gv_calloc(1, sizeof *tl);
    tl->dir = gv_calloc(TL_MAX_CHUNKS, sizeof *tl->dir);
    tl->cpdir = gv_calloc(TL_MAX_CHUNKS + 1, sizeof *tl->cpdir);
    atomic_init(&tl->pub, 0);
    atomic_init(&tl->nlanes, 0);
    atomic_init(&tl->done, 0);
    tl->cap = TL_MAX_RECORDS;
    tl->w.last_t = INT64_MIN;
    return tl;
}

/* Free a timeline and everything it owns (no reader may still use it). */
void timeline_free(struct timeline *tl)
{
    if (!tl)
        return;
    free(tl->ahead);
    for (uint64_t c = 0; c < TL_MAX_CHUNKS && tl->dir[c]; c++)
        free(tl->dir[c]);
    for (uint64_t b = 0; b <= TL_MAX_CHUNKS && tl->cpdir[b]; b++)
        free(tl->cpdir[b]);
    int nl = tl->w.wlanes;
    for (int i = 0; i < nl; i++)
        free(tl->lane_dir[i >> LANE_SHIFT][i & (LANE_BLOCK - 1)].name);
    for (unsigned b = 0; b < MAX_LANES / LANE_BLOCK && tl->lane_dir[b]; b++)
        free(tl->lane_dir[b]);
    free(tl->dir);
    free(tl->cpdir);
    free(tl->w.last);
    free(tl);
}

/* Add a lane (before the first record); returns its index or -1. */
int timeline_add_lane(struct timeline *tl, enum tl_lane_kind kind, const char *name,
                      int32_t proc, int32_t index)
{
    assert(tl->w.n == 0 && "lanes must be added before the first record");
    if (tl->w.n != 0 || (unsigned)tl->w.wlanes >= MAX_LANES)
        return -1;
    int i = tl->w.wlanes;
    struct tl_lane **blk = &tl->lane_dir[i >> LANE_SHIFT];
    if (!*blk)
        *blk = gv_calloc(LANE_BLOCK, sizeof **blk);
    struct tl_lane *l = &(*blk)[i & (LANE_BLOCK - 1)];
    l->kind = kind;
    l->name = gv_strdup(name ? name : "");
    l->proc = proc;
    l->index = index;
    tl->w.wlanes = i + 1;
    atomic_store_explicit(&tl->nlanes, i + 1, memory_order_release);
    return i;
}

/* Store checkpoint j (the writer's last[] array); allocates its block. */
static void put_checkpoint(struct timeline *tl, uint64_t j)
{
    uint64_t per = (uint64_t)1 << tl->cpb_shift;
    uint64_t b = j >> tl->cpb_shift;
    size_t nl = (size_t)tl->cp_nlanes;
    if (!tl->cpdir[b])
        tl->cpdir[b] = gv_malloc((size_t)per * nl * sizeof(uint32_t));
    memcpy(tl->cpdir[b] + (size_t)(j & (per - 1)) * nl, tl->w.last, nl * sizeof(uint32_t));
}

/* Fix K and the checkpoint geometry; runs at the first append. */
static void first_record(struct timeline *tl)
{
    size_t nl = (size_t)tl->w.wlanes;
    uint64_t k = TL_CHECKPOINT_EVERY;
    while (k < 4 * (uint64_t)nl)
        k <<= 1;
    unsigned ks = 0;
    while (((uint64_t)1 << ks) < k)
        ks++;
    tl->kshift = ks;
    tl->kmask = k - 1;
    tl->cpb_shift = ks < TL_CHUNK_SHIFT ? TL_CHUNK_SHIFT - ks : 0;
    tl->cp_nlanes = (int)nl;
    tl->w.last = gv_malloc((nl ? nl : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < nl; i++)
        tl->w.last[i] = TL_NO_RECORD;
    put_checkpoint(tl, 0);
    if (tl->max_bytes) {
        /* Whole chunks that fit: each is TL_CHUNK_RECS records plus the
         * checkpoints taken in it (one block per chunk, or one per
         * checkpoint when K >= a chunk), after what exists already. */
        uint64_t per = (uint64_t)1 << tl->cpb_shift;
        uint64_t cps = TL_CHUNK_RECS >> (ks < TL_CHUNK_SHIFT ? ks : TL_CHUNK_SHIFT);
        uint64_t cp_bytes = (cps > per ? cps : per) * nl * sizeof(uint32_t);
        uint64_t chunk = (uint64_t)TL_CHUNK_RECS * sizeof(struct tl_rec) + cp_bytes;
        uint64_t used = timeline_bytes(tl) + (per + 1) * nl * sizeof(uint32_t); /* + block 0, last[] */
        uint64_t chunks = tl->max_bytes > used ? (tl->max_bytes - used) / chunk : 0;
        uint64_t recs = chunks < TL_MAX_CHUNKS ? chunks * TL_CHUNK_RECS : TL_MAX_RECORDS;
        if (recs < tl->cap) {
            tl->cap = recs;
            tl->mem_capped = 1;
        }
    }
}

void timeline_set_prepare(struct timeline *tl, bool on)
{
    tl->no_ahead = !on;
}

uint64_t timeline_prepared(const struct timeline *tl)
{
    return tl->prepared;
}

/* Allocate the chunk after the current one ahead, and have its pages
 * faulted in, unless it would start at or past the cap. */
static void allocate_ahead(struct timeline *tl)
{
    uint64_t next = (tl->w.n | CHUNK_MASK) + 1;
    if (tl->no_ahead || tl->ahead || next >= tl->cap)
        return;
    tl->ahead = gv_malloc(CHUNK_BYTES);
    tl->prepared++;
    gv_prefault(tl->ahead, CHUNK_BYTES);
}

/* Start the chunk that record n goes to (and set up on the first record). */
static void new_chunk(struct timeline *tl)
{
    if (tl->w.n == 0)
        first_record(tl);
    struct tl_rec *c = tl->ahead;
    tl->ahead = NULL;
    if (!c)
        c = gv_malloc(CHUNK_BYTES);
    tl->dir[tl->w.n >> TL_CHUNK_SHIFT] = c;
    tl->cur = c;
    if (tl->w.n > 0)
        allocate_ahead(tl);
}

/* Open timeline_try_put's fast path for the records that need nothing but a
 * store: those of the current chunk before the next checkpoint and the cap.
 * The record that completes a checkpoint, or starts a chunk, comes here. */
static void set_window(struct timeline *tl)
{
    uint64_t n = tl->w.n;
    if ((n & CHUNK_MASK) == 0 || n >= tl->cap) {
        tl->w.at = tl->w.stop = NULL;
        return;
    }
    if (n < TL_CHUNK_RECS && n >= TL_CHUNK_RECS / 4 && !tl->no_ahead && !tl->quarter) {
        /* a quarter of the first chunk is full: a small timeline is no
         * more; fault in the rest of this chunk, and the next (once) */
        tl->quarter = 1;
        gv_prefault(tl->cur + n, (TL_CHUNK_RECS - n) * sizeof *tl->cur);
        allocate_ahead(tl);
    }
    uint64_t stop = n | tl->kmask; /* after this one comes a checkpoint */
    if (stop > tl->cap)
        stop = tl->cap;
    tl->w.at = tl->cur + (n & CHUNK_MASK);
    tl->w.stop = tl->w.at + (stop - n);
}

struct tl_writer *timeline_writer(struct timeline *tl)
{
    return &tl->w;
}

/* Append one record: a store into the current chunk, every K a checkpoint. */
int timeline_append(struct timeline *tl, gv_ns t, uint16_t lane, uint8_t kind,
                    uint8_t code, uint8_t flags, int32_t arg)
{
    uint64_t n = tl->w.n;
    if (n >= tl->cap)
        return -1;
    assert(t >= tl->w.last_t && "timeline time must not go backwards");
    assert(lane < tl->w.wlanes && "no such lane");
    assert(kind <= TL_COUNTER && "bad record kind");
    if (lane >= tl->w.wlanes || kind > TL_COUNTER)
        return -1; /* release builds: refuse rather than corrupt memory */
    if ((n & CHUNK_MASK) == 0) {
        new_chunk(tl);
        if (n >= tl->cap)
            return -1; /* the first record turned a memory limit into cap: it may be 0 */
    }
    struct tl_rec *r = &tl->cur[n & CHUNK_MASK];
    *r = (struct tl_rec){ .t = t, .lane = lane, .kind = kind, .code = code,
                          .flags = flags, .arg = arg };
    if (kind != TL_EVENT)
        tl->w.last[lane] = (uint32_t)n;
    tl->w.last_t = t;
    tl->w.n = ++n;
    if ((n & tl->kmask) == 0)
        put_checkpoint(tl, n >> tl->kshift);
    set_window(tl);
    return 0;
}

/* Make everything appended so far visible to readers (release). */
void timeline_publish(struct timeline *tl)
{
    atomic_store_explicit(&tl->pub, tl->w.n, memory_order_release);
}

/* Publish, record the end time, then set `done` (release). */
void timeline_finish(struct timeline *tl, gv_ns end_t)
{
    assert(!atomic_load_explicit(&tl->done, memory_order_relaxed) && "finished twice");
    free(tl->ahead);
    tl->ahead = NULL;
    timeline_publish(tl);
    tl->end_t = end_t;
    atomic_store_explicit(&tl->done, 1, memory_order_release);
}

/* Limit the number of records append accepts. */
void timeline_set_cap(struct timeline *tl, uint64_t max_records)
{
    tl->cap = max_records < TL_MAX_RECORDS ? max_records : TL_MAX_RECORDS;
    set_window(tl);
}

/* Limit the memory of records and checkpoints (applied at the first record,
 * when the number of lanes is known). */
void timeline_set_max_bytes(struct timeline *tl, size_t max_bytes)
{
    tl->max_bytes = max_bytes;
}

/* Did append refuse a record because of the memory limit? (writer side) */
int timeline_mem_full(const struct timeline *tl)
{
    return tl->mem_capped && tl->w.n >= tl->cap;
}

/* Number of lanes. */
int timeline_nlanes(const struct timeline *tl)
{
    return lane_count(tl);
}

/* Lane `lane`, or NULL if there is no such lane. */
const struct tl_lane *timeline_lane(const struct timeline *tl, int lane)
{
    if (lane < 0 || lane >= lane_count(tl))
        return NULL;
    return &tl->lane_dir[lane >> LANE_SHIFT][lane & (LANE_BLOCK - 1)];
}

/* Number of published records. */
uint64_t timeline_count(const struct timeline *tl)
{
    return pub_count(tl);
}

/* 1 once timeline_finish has run. */
int timeline_done(const struct timeline *tl)
{
    return atomic_load_explicit(&((struct timeline *)tl)->done, memory_order_acquire);
}

/* End time if done, else the last published record's time (0 if none). */
gv_ns timeline_end(const struct timeline *tl)
{
    if (timeline_done(tl))
        return tl->end_t;
    uint64_t n = pub_count(tl);
    return n ? rec(tl, n - 1)->t : 0;
}

/* Published record i, or NULL. */
const struct tl_rec *timeline_get(const struct timeline *tl, uint64_t i)
{
    return i < pub_count(tl) ? rec(tl, i) : NULL;
}

/* First index in [0, n) whose time is > t (strict) or >= t (!strict). */
static uint64_t search(const struct timeline *tl, uint64_t n, gv_ns t, int strict)
{
    uint64_t lo = 0, len = n;
    while (len > 0) {
        uint64_t half = len >> 1;
        gv_ns m = rec(tl, lo + half)->t;
        if (m < t || (strict && m == t)) {
            lo += half + 1;
            len -= half + 1;
        } else {
            len = half;
        }
    }
    return lo;
}

/* Index of the first published record with time > t. */
uint64_t timeline_upper(const struct timeline *tl, gv_ns t)
{
    return search(tl, pub_count(tl), t, 1);
}

/* Fill lane states from out[i].rec (already holding record indices). */
static void fill_states(const struct timeline *tl, int nl, struct tl_lane_state *out)
{
    for (int i = 0; i < nl; i++) {
        uint32_t ri = out[i].rec;
        if (ri == TL_NO_RECORD) {
            out[i] = (struct tl_lane_state){ .rec = TL_NO_RECORD };
        } else {
            const struct tl_rec *r = rec(tl, ri);
            out[i] = (struct tl_lane_state){ .rec = ri, .since = r->t, .code = r->code,
                                             .flags = r->flags, .arg = r->arg };
        }
    }
}

/* State of every lane at t: checkpoint before upper(t), replay < K records. */
void timeline_state_at(const struct timeline *tl, gv_ns t, struct tl_lane_state *out)
{
    uint64_t n = pub_count(tl);  /* first: once n >= 1, nlanes is final */
    int nl = lane_count(tl);
    if (n == 0) {
        for (int i = 0; i < nl; i++)
            out[i] = (struct tl_lane_state){ .rec = TL_NO_RECORD };
        return;
    }
    uint64_t u = search(tl, n, t, 1);
    uint64_t j = u >> tl->kshift;
    const uint32_t *c = cp(tl, j);
    for (int i = 0; i < nl; i++)
        out[i].rec = c[i];
    for (uint64_t i = j << tl->kshift; i < u; i++) {
        const struct tl_rec *r = rec(tl, i);
        if (r->kind != TL_EVENT)
            out[r->lane].rec = (uint32_t)i;
    }
    fill_states(tl, nl, out);
}

/* State of every lane at t by replaying all records from 0 (for tests). */
void timeline_state_replay(const struct timeline *tl, gv_ns t, struct tl_lane_state *out)
{
    uint64_t n = pub_count(tl);
    int nl = lane_count(tl);
    for (int i = 0; i < nl; i++)
        out[i].rec = TL_NO_RECORD;
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *r = rec(tl, i);
        if (r->t > t)
            break;
        if (r->kind != TL_EVENT)
            out[r->lane].rec = (uint32_t)i;
    }
    fill_states(tl, nl, out);
}

/* Does record r match the kind mask and lane filter? */
static inline int matches(const struct tl_rec *r, unsigned kind_mask, int lane)
{
    return (kind_mask & (1u << r->kind)) && (lane < 0 || r->lane == lane);
}

/* Last record with time < t matching the filter.  Scans backwards from the
 * binary-searched position; for a lane filter on STATE/COUNTER records only,
 * it jumps between checkpoints, so it costs O(log n + K) per jump instead
 * of scanning every record of other lanes. */
uint64_t timeline_prev(const struct timeline *tl, gv_ns t, unsigned kind_mask, int lane)
{
    uint64_t n = pub_count(tl);
    if (n == 0 || lane >= lane_count(tl) || !(kind_mask & 7u))
        return NONE;
    int jump = lane >= 0 && (kind_mask & ~STATE_KINDS & 7u) == 0;
    uint64_t i = search(tl, n, t, 0);   /* candidates are [0, i) */
    while (i > 0) {
        uint64_t seg = (i - 1) & ~tl->kmask;
        for (uint64_t k = i; k > seg;) {
            k--;
            if (matches(rec(tl, k), kind_mask, lane))
                return k;
        }
        if (!jump) {
            i = seg;
            continue;
        }
        /* latest STATE/COUNTER record of `lane` before seg */
        uint32_t c = cp(tl, seg >> tl->kshift)[lane];
        if (c == TL_NO_RECORD)
            return NONE;
        if (kind_mask & (1u << rec(tl, c)->kind))
            return c;
        i = c;
    }
    return NONE;
}

/* First record with time > t matching the filter.  Scans forwards from the
 * binary-searched position: a filter on a rare lane may scan far. */
uint64_t timeline_next(const struct timeline *tl, gv_ns t, unsigned kind_mask, int lane)
{
    uint64_t n = pub_count(tl);
    if (n == 0 || lane >= lane_count(tl) || !(kind_mask & 7u))
        return NONE;
    for (uint64_t i = search(tl, n, t, 1); i < n; i++)
        if (matches(rec(tl, i), kind_mask, lane))
            return i;
    return NONE;
}

/* Memory for the published records, checkpoints, directories and lanes. */
size_t timeline_bytes(const struct timeline *tl)
{
    uint64_t n = pub_count(tl);
    int nl = lane_count(tl);
    size_t b = sizeof *tl + TL_MAX_CHUNKS * sizeof *tl->dir
             + (TL_MAX_CHUNKS + 1) * sizeof *tl->cpdir;
    b += (size_t)((n + CHUNK_MASK) >> TL_CHUNK_SHIFT) * TL_CHUNK_RECS * sizeof(struct tl_rec);
    if (n > 0) {
        uint64_t ncp = (n >> tl->kshift) + 1;
        uint64_t per = (uint64_t)1 << tl->cpb_shift;
        uint64_t blocks = (ncp + per - 1) >> tl->cpb_shift;
        b += (size_t)(blocks * per) * (size_t)tl->cp_nlanes * sizeof(uint32_t);
        b += (size_t)tl->cp_nlanes * sizeof(uint32_t);  /* the writer's last[] */
    }
    b += (size_t)((nl + LANE_BLOCK - 1) / LANE_BLOCK) * LANE_BLOCK * sizeof(struct tl_lane);
    for (int i = 0; i < nl; i++)
        b += strlen(tl->lane_dir[i >> LANE_SHIFT][i & (LANE_BLOCK - 1)].name) + 1;
    return b;
}

/* FNV-1a 64 over the bytes of the published records. */
uint64_t timeline_hash(const struct timeline *tl)
{
    uint64_t n = pub_count(tl);
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (uint64_t c = 0; c << TL_CHUNK_SHIFT < n; c++) {
        uint64_t m = n - (c << TL_CHUNK_SHIFT);
        if (m > TL_CHUNK_RECS)
            m = TL_CHUNK_RECS;
        const unsigned char *p = (const unsigned char *)tl->dir[c];
        for (size_t k = 0; k < (size_t)m * sizeof(struct tl_rec); k++) {
            h ^= p[k];
            h *= UINT64_C(0x100000001b3);
        }
    }
    return h;
}
