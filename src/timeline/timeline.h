/*
 * timeline: the append-only record of what the simulation did, and the
 * seekable view every reader (report, player, exporters, tests) uses.
 *
 * Model.  A timeline has lanes (threads, GILs, locks, shared variables, the
 * scene itself).  Each record is 16 bytes and is one of
 *   - a STATE record: from time t on, lane `lane` is in state `code` (until
 *     the next STATE record of that lane); `flags` and `arg` qualify it;
 *   - an EVENT record: something happened at t (a drop request, a switch, a
 *     caption...);
 *   - a COUNTER record: lane `lane` (a counter lane) has value `arg` from t.
 * Records are appended in non-decreasing time order; within one time, in the
 * order the engine produced them (the engine's total order).
 *
 * Seeking.  Every TL_CHECKPOINT_EVERY records the writer stores, per lane, the
 * index of that lane's latest STATE/COUNTER record.  state_at(t) binary-
 * searches the record index for t, starts from the checkpoint before it and
 * replays at most TL_CHECKPOINT_EVERY records.  It never replays from 0.
 *
 * Threads.  One writer (the engine thread) and any number of readers.  Records
 * live in fixed-size chunks that never move; the chunk directory is allocated
 * once at full size.  The writer fills records, then publishes the new count
 * with a release store; readers load it with acquire and only look at records
 * below it (and checkpoints below it).  `done` is published the same way
 * after the last record.  No locks; see timeline.c for the argument.
 */
#ifndef GV_TIMELINE_H
#define GV_TIMELINE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util.h"

#define TL_CHUNK_SHIFT 16                       /* 65536 records per chunk */
#define TL_CHUNK_RECS  (1u << TL_CHUNK_SHIFT)
#define TL_MAX_CHUNKS  (1u << 14)               /* up to 2^30 records */
#define TL_MAX_RECORDS ((uint64_t)TL_MAX_CHUNKS * TL_CHUNK_RECS)
#define TL_CHECKPOINT_EVERY 1024u
#define TL_NO_RECORD UINT32_MAX

enum tl_kind { TL_STATE = 0, TL_EVENT = 1, TL_COUNTER = 2 };

/* At most TL_MAX_LANES lanes: the lane index shares 16 bits with the kind so
 * that a record is 16 bytes with no padding (every byte is defined, so the
 * hash of the records is deterministic). */
#define TL_MAX_LANES (1u << 14)

struct tl_rec {
    gv_ns t;
    uint16_t lane : 14;  /* < TL_MAX_LANES */
    uint16_t kind : 2;   /* enum tl_kind */
    uint8_t code;     /* state or event code, meaning depends on the lane kind */
    /* flags: for thread STATE records, bit 7 = holds its process's GIL,
     * bits 0..6 = core number + 1 (0 = on no core). */
    uint8_t flags;
    int32_t arg;      /* cause: a thread, lock, label, value... (see sim/states.h) */
};
_Static_assert(sizeof(struct tl_rec) == 16, "timeline records are 16 bytes");

#define TL_FLAG_GIL 0x80u
#define TL_FLAG_CORE_MASK 0x7fu

enum tl_lane_kind {
    LANE_SCENE,    /* captions and scene-wide events */
    LANE_THREAD,
    LANE_GIL,      /* one per process */
    LANE_LOCK,
    LANE_SHARED,   /* a counter lane: the shared variable's value */
    LANE_CORE,     /* derived: no records; a core's state comes from thread records */
    LANE_LOOP,     /* an asyncio event loop (see codes.h loop_state) */
    LANE_TASK,     /* an asyncio task (task_state) */
    LANE_COUNTER,  /* a counter: a loop's ready-queue length, a queue.Queue's length */
};

struct tl_lane {
    enum tl_lane_kind kind;
    char *name;       /* owned */
    int32_t proc;     /* owning process index, or -1 */
    int32_t index;    /* thread / lock / shared / core index within its kind */
};

/* The state of one lane at a time t, as seek reconstructs it. */
struct tl_lane_state {
    uint32_t rec;     /* index of the record that set it, TL_NO_RECORD if none yet */
    gv_ns since;      /* its time (0 if none) */
    uint8_t code, flags;
    int32_t arg;
};

struct timeline;

/* Create an empty timeline; lanes are added before the first record. */
struct timeline *timeline_new(void);
void timeline_free(struct timeline *tl);

/* Writer side (single thread). */
/* Add a lane; returns its index, or -1 past TL_MAX_LANES lanes. */
int timeline_add_lane(struct timeline *tl, enum tl_lane_kind kind, const char *name,
                      int32_t proc, int32_t index);
/* Append a record (t must not go backwards).  Returns 0, or -1 when the
 * timeline is full (TL_MAX_RECORDS or the record cap set below). */
int timeline_append(struct timeline *tl, gv_ns t, uint16_t lane, uint8_t kind,
                    uint8_t code, uint8_t flags, int32_t arg);
/* The writer's own state, with a fast path for appending: timeline_try_put
 * stores a record straight into the current chunk while `at` is short of
 * `stop` (no new chunk, checkpoint or cap is due).  Only the writer may
 * touch it. */
struct tl_writer {
    struct tl_rec *at;        /* where the next record goes... */
    struct tl_rec *stop;      /* ...on the fast path, which ends here */
    uint32_t *last;           /* latest STATE/COUNTER record of each lane */
    uint64_t n;               /* records appended */
    gv_ns last_t;             /* time of the latest record (for the asserts) */
    int wlanes;               /* lanes (the writer's copy of their count) */
};
struct tl_writer *timeline_writer(struct timeline *tl);

/* Append a record if that is a plain store, for the writer w of a
 * timeline (timeline_writer).  Returns false if the record must go through
 * timeline_append instead.  Always inline: the engine's big hot function
 * calls it where it is a few stores, and gcc, out of inlining budget there,
 * would otherwise make it a call (some 30 instructions a handle). */
static inline __attribute__((always_inline)) bool timeline_try_put(struct tl_writer *w, gv_ns t, uint16_t lane,
                                                                   uint8_t kind, uint8_t code, uint8_t flags,
                                                                   int32_t arg)
{
    if (w->at == w->stop || lane >= w->wlanes || kind > TL_COUNTER)
        return false;
    assert(t >= w->last_t && "timeline time must not go backwards");
    *w->at++ = (struct tl_rec){ .t = t, .lane = lane, .kind = kind, .code = code,
                                .flags = flags, .arg = arg };
    if (kind != TL_EVENT)
        w->last[lane] = (uint32_t)w->n;
#ifndef NDEBUG
    w->last_t = t; /* only the asserts read it */
#endif
    w->n++;
    return true;
}
/* Make everything appended so far visible to readers. */
void timeline_publish(struct timeline *tl);
/* Publish and mark the timeline complete; end_t is the simulated end time. */
void timeline_finish(struct timeline *tl, gv_ns end_t);
void timeline_set_cap(struct timeline *tl, uint64_t max_records);
/* Limit the bytes of records and checkpoints (timeline_bytes) to about
 * max_bytes (0: no limit); set it before the first record.  Append then
 * refuses past the last whole chunk that fits, and timeline_mem_full says
 * that this is why. */
#define TL_DEFAULT_MAX_BYTES ((size_t)2 << 30)   /* gilviz --max-memory: 2 GiB */
void timeline_set_max_bytes(struct timeline *tl, size_t max_bytes);
int timeline_mem_full(const struct timeline *tl);
/* Once a timeline fills a quarter of its first chunk, each chunk is
 * allocated one chunk ahead, and its pages are faulted in on a helper thread
 * (prefault.h) while the writer fills the current one.  It changes no
 * record, only where the page faults are paid.  timeline_set_prepare(tl,
 * false), before the first record, turns it off; timeline_prepared says how
 * many chunks were allocated ahead (the last one may never be used). */
void timeline_set_prepare(struct timeline *tl, bool on);
uint64_t timeline_prepared(const struct timeline *tl);

/* Reader side (any thread; lanes are immutable once records exist). */
int timeline_nlanes(const struct timeline *tl);
const struct tl_lane *timeline_lane(const struct timeline *tl, int lane);
uint64_t timeline_count(const struct timeline *tl);      /* published records */
int timeline_done(const struct timeline *tl);            /* finished? */
gv_ns timeline_end(const struct timeline *tl);           /* end time if done, else last published t */
const struct tl_rec *timeline_get(const struct timeline *tl, uint64_t i);
/* Index of the first published record with time > t (== count if none). */
uint64_t timeline_upper(const struct timeline *tl, gv_ns t);
/* State of every lane at time t (records with time <= t applied).  `out`
 * has timeline_nlanes() entries. */
void timeline_state_at(const struct timeline *tl, gv_ns t, struct tl_lane_state *out);
/* The same, by replaying every record from the start (slow; for tests). */
void timeline_state_replay(const struct timeline *tl, gv_ns t, struct tl_lane_state *out);
/* The last record with time < t / the first with time > t that matches
 * `kind_mask` (bit 1<<kind) and, if lane >= 0, that lane.  Returns the
 * index or UINT64_MAX. */
uint64_t timeline_prev(const struct timeline *tl, gv_ns t, unsigned kind_mask, int lane);
uint64_t timeline_next(const struct timeline *tl, gv_ns t, unsigned kind_mask, int lane);
/* Bytes of memory the records and checkpoints use (for the benchmark). */
size_t timeline_bytes(const struct timeline *tl);
/* FNV-1a hash of all published records (determinism tests). */
uint64_t timeline_hash(const struct timeline *tl);

#endif
