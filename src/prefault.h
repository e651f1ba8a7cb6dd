/*
 * prefault: fault memory in before it is first written, on a helper thread.
 *
 * Fresh memory costs a page fault per 4 KB page at its first write: 1-4 us
 * each (most on a virtual machine).  A big simulation writes tens of
 * megabytes of fresh memory (its timeline, its ready queues, its samples),
 * and those faults were a quarter of its time.  gv_prefault hands a range to
 * a helper thread, which asks the kernel to map its pages
 * (madvise MADV_POPULATE_WRITE, Linux 5.14 and later).  That never changes
 * what the memory holds, so the caller may already be writing the range, or
 * even free it, meanwhile: the faults it would have taken are simply gone
 * when it gets there, or it takes them itself if the helper is late.  Where
 * the kernel cannot do it (asked once, on a page of gilviz's own), nothing
 * happens.  A range unmapped or remapped meanwhile fails alone.
 *
 * One helper for the process, started at the first range asked for; it ends
 * after GV_PREFAULT_IDLE_S seconds without work (the next range starts it
 * again), so a finished simulation leaves no thread behind.  Ranges are
 * queued (up to GV_PREFAULT_QUEUE; more are dropped) and done in order.
 * Populating memory the caller then never uses, or has freed, only raises
 * its resident size early.
 */
#ifndef GV_PREFAULT_H
#define GV_PREFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GV_PREFAULT_MIN ((size_t)64 << 10) /* smaller ranges are not worth a hand-off */
#define GV_PREFAULT_QUEUE 64
#define GV_PREFAULT_IDLE_S 1

/* Fault in the whole pages of [p, p + len) soon.  Returns at once. */
void gv_prefault(void *p, size_t len);

/* The same for the part an array just grew by, which may never be used in
 * full: only its first GV_PREFAULT_NEXT bytes, so that a doubled array
 * takes at most that much memory before it uses it. */
#define GV_PREFAULT_NEXT ((size_t)4 << 20)
static inline void gv_prefault_next(void *p, size_t len)
{
    gv_prefault(p, len < GV_PREFAULT_NEXT ? len : GV_PREFAULT_NEXT);
}

/* Whether this kernel can populate memory (asked once): if not,
 * gv_prefault does nothing. */
bool gv_prefault_supported(void);

/* For tests and benchmarks: wait until every range queued is done. */
void gv_prefault_sync(void);

/* For tests: whether the helper thread exists now. */
bool gv_prefault_running(void);

/* For tests and benchmarks: bytes asked for so far, and the ranges not
 * faulted in (the queue was full, or no helper). */
uint64_t gv_prefault_asked(void);
uint64_t gv_prefault_dropped(void);

#endif
