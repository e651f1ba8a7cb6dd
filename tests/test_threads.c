/*
 * test_threads: the timeline's one-writer / many-readers hand-off, and the
 * prefaulter's helper thread (cmocka).
 *
 * A writer thread adds the lanes, appends 2 million records (publishing every
 * few thousand) and finishes; two reader threads meanwhile read the published
 * prefix and check its invariants.  Run plain and under ThreadSanitizer
 * (`make tsan`), which must report no race.  Reader threads never call cmocka
 * (its failure path is not thread-safe): they count errors and keep the first
 * message, and the main thread asserts after joining.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_NOHUGEPAGE, RUSAGE_THREAD */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefault.h"
#include "timeline/timeline.h"

#define NRECORDS 2000000u
#define NLANES 32
#define PUBLISH_EVERY 3000u
#define NREADERS 2
#define NONE UINT64_MAX
#define ALL_KINDS 7u

struct shared {
    struct timeline *tl;
    gv_ns end_t;             /* written by the writer before timeline_finish */
};

struct reader {
    struct shared *sh;
    uint64_t seed;
    unsigned long iterations, replays, errors;
    char first_error[200];
};

/* Deterministic xorshift64 generator. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Count an error, keeping the first message. */
static void fail_reader(struct reader *rd, const char *what, uint64_t a, uint64_t b)
{
    if (rd->errors++ == 0)
        snprintf(rd->first_error, sizeof rd->first_error, "%s (%llu, %llu)", what,
                 (unsigned long long)a, (unsigned long long)b);
}

/* Writer: lanes, then NRECORDS records published in batches, then finish. */
static void *writer_main(void *arg)
{
    struct shared *sh = arg;
    struct timeline *tl = sh->tl;
    for (int i = 0; i < NLANES; i++) {
        char name[32];
        snprintf(name, sizeof name, "thread-%d", i);
        timeline_add_lane(tl, i == 0 ? LANE_GIL : LANE_THREAD, name, 0, i);
    }
    uint64_t s = 0x1234567;
    gv_ns t = 0;
    for (uint32_t i = 0; i < NRECORDS; i++) {
        uint64_t r = rng_next(&s);
        t += (gv_ns)(r & 3);                    /* many equal times */
        unsigned k = (unsigned)((r >> 8) % 10);
        uint8_t kind = k < 7 ? TL_STATE : k < 9 ? TL_EVENT : TL_COUNTER;
        if (timeline_append(tl, t, (uint16_t)((r >> 16) % NLANES), kind,
                            (uint8_t)(r >> 24), (uint8_t)(r >> 32), (int32_t)(r >> 40)) != 0)
            return "append failed";
        if ((i + 1) % PUBLISH_EVERY == 0)
            timeline_publish(tl);
    }
    sh->end_t = t + 1000;
    timeline_finish(tl, sh->end_t);
    return NULL;
}

/* Check one state_at answer against the records it names. */
static void check_state(struct reader *rd, const struct timeline *tl, uint64_t n, gv_ns t,
                        const struct tl_lane_state *st)
{
    uint64_t u = timeline_upper(tl, t);
    for (int l = 0; l < NLANES; l++) {
        if (st[l].rec == TL_NO_RECORD) {
            if (st[l].since != 0 || st[l].code != 0 || st[l].arg != 0)
                fail_reader(rd, "empty lane state not zero", (uint64_t)l, (uint64_t)t);
            continue;
        }
        const struct tl_rec *r = timeline_get(tl, st[l].rec);
        if (st[l].rec >= u || st[l].rec >= n || !r)
            fail_reader(rd, "state record past t", st[l].rec, u);
        else if (r->lane != l || r->kind == TL_EVENT || r->t != st[l].since ||
                 r->code != st[l].code || r->flags != st[l].flags || r->arg != st[l].arg)
            fail_reader(rd, "state does not match its record", st[l].rec, (uint64_t)l);
    }
}

/* Reader: check the published prefix over and over until done. */
static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    struct timeline *tl = rd->sh->tl;
    struct tl_lane_state st[NLANES], rp[NLANES];
    uint64_t s = rd->seed, last_n = 0;
    for (;;) {
        int done = timeline_done(tl);      /* read before the count: if done, n is final */
        uint64_t n = timeline_count(tl);
        if (n < last_n)
            fail_reader(rd, "count went backwards", n, last_n);
        last_n = n;
        if (n == 0) {
            if (done)
                break;
            continue;
        }
        rd->iterations++;
        if (timeline_nlanes(tl) != NLANES || !timeline_lane(tl, NLANES - 1))
            fail_reader(rd, "lanes not final once records exist", (uint64_t)timeline_nlanes(tl), n);
        /* a window of records: present and in time order */
        uint64_t i0 = rng_next(&s) % n;
        gv_ns prev_t = INT64_MIN;
        for (uint64_t i = i0; i < n && i < i0 + 64; i++) {
            const struct tl_rec *r = timeline_get(tl, i);
            if (!r || r->t < prev_t || r->lane >= NLANES) {
                fail_reader(rd, "bad record", i, n);
                break;
            }
            prev_t = r->t;
        }
        /* seek, mostly near the newest published records */
        gv_ns first = timeline_get(tl, 0)->t, lastt = timeline_get(tl, n - 1)->t;
        uint64_t r = rng_next(&s);
        gv_ns t = (r & 1) ? lastt - (gv_ns)((r >> 1) % 5000)
                          : first + (gv_ns)((r >> 1) % (uint64_t)(lastt - first + 1));
        timeline_state_at(tl, t, st);
        check_state(rd, tl, n, t, st);
        uint64_t x = timeline_next(tl, t, ALL_KINDS, -1);
        if (x != NONE && (timeline_get(tl, x)->t <= t || (x > 0 && timeline_get(tl, x - 1)->t > t)))
            fail_reader(rd, "next is not the first record after t", x, (uint64_t)t);
        uint64_t p = timeline_prev(tl, t, 1u << TL_STATE, (int)(r >> 40) % NLANES);
        if (p != NONE && (timeline_get(tl, p)->t >= t || timeline_get(tl, p)->kind != TL_STATE))
            fail_reader(rd, "prev is not before t", p, (uint64_t)t);
        if (!done && timeline_end(tl) < lastt)
            fail_reader(rd, "end before the last record", (uint64_t)timeline_end(tl), (uint64_t)lastt);
        /* now and then, the full replay on the same prefix: t < the newest
         * published time, so records published meanwhile cannot change it */
        if (rd->iterations % 97 == 0 && rd->replays < 8 && t < lastt) {
            timeline_state_replay(tl, t, rp);
            rd->replays++;
            for (int l = 0; l < NLANES; l++)
                if (rp[l].rec != st[l].rec || rp[l].since != st[l].since ||
                    rp[l].code != st[l].code || rp[l].flags != st[l].flags ||
                    rp[l].arg != st[l].arg)
                    fail_reader(rd, "state_at differs from replay", (uint64_t)l, (uint64_t)t);
        }
        (void)timeline_bytes(tl);
        if (done) {
            if (n != NRECORDS)
                fail_reader(rd, "done but count is not final", n, NRECORDS);
            if (timeline_end(tl) != rd->sh->end_t)
                fail_reader(rd, "done but end is wrong", (uint64_t)timeline_end(tl),
                            (uint64_t)rd->sh->end_t);
            break;
        }
    }
    return NULL;
}

/* Minor page faults of this thread so far. */
static long minor_faults(void)
{
    struct rusage u;
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_minflt;
}

/* Write one byte in every page of [p, p + len): the faults it took. */
static long touch_faults(unsigned char *p, size_t len, size_t page)
{
    long f0 = minor_faults();
    for (size_t i = 0; i < len; i += page)
        p[i] = (unsigned char)(i / page);
    return minor_faults() - f0;
}

/* The prefaulter changes no byte, even of memory being written while it
 * runs; once it is done, first writes take no faults (where the kernel can
 * populate memory: else it does nothing); small ranges are not asked for;
 * its thread ends when idle and comes back when asked.
 * Pages are the system's and not huge ones, so that each first write is one
 * fault. */
static void test_prefault(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)16 << 20, pages = len / page;
    unsigned char *m = mmap(NULL, 3 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    madvise(m, 3 * len, MADV_NOHUGEPAGE);
    unsigned char *busy = m, *fresh = m + len, *control = m + 2 * len;
    uint64_t asked = gv_prefault_asked();
    gv_prefault(busy, len);
    for (size_t i = 0; i < len; i++) /* written while the helper works on it */
        busy[i] = (unsigned char)(i * 7 + 3);
    gv_prefault(fresh, len);
    gv_prefault_sync();
    bool populated = gv_prefault_supported();
    assert_true(gv_prefault_asked() - asked == 2 * len);
    for (size_t i = 0; i < len; i++)
        if (busy[i] != (unsigned char)(i * 7 + 3))
            fail_msg("byte %zu changed", i);
    for (size_t i = 0; i < len; i++)
        if (fresh[i] != 0)
            fail_msg("fresh byte %zu is not 0", i);
    long control_faults = touch_faults(control, len, page);
    long fresh_faults = touch_faults(fresh, len, page);
    printf("first writes to %zu pages: %ld faults, %ld after prefaulting (populated: %s)\n", pages,
           control_faults, fresh_faults, populated ? "yes" : "no: old kernel");
    assert_true(control_faults >= (long)pages * 9 / 10); /* the measure sees faults */
    if (populated)
        assert_true(fresh_faults <= (long)pages / 10);
    asked = gv_prefault_asked();
    gv_prefault(control, GV_PREFAULT_MIN - page);
    assert_true(gv_prefault_asked() == asked);
    /* idle, the helper ends; the next range starts it again */
    struct timespec pause = { GV_PREFAULT_IDLE_S, 500 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    assert_false(gv_prefault_running());
    madvise(control, len, MADV_DONTNEED); /* fresh pages again */
    gv_prefault(control, len);
    assert_true(gv_prefault_running() == populated);
    gv_prefault_sync();
    long again = touch_faults(control, len, page);
    if (populated)
        assert_true(again <= (long)pages / 10);
    munmap(m, 3 * len);
}

/* One writer and two readers; no reader finds anything wrong. */
static void test_writer_readers(void **state)
{
    (void)state;
    struct shared sh = { .tl = timeline_new() };
    struct reader rd[NREADERS];
    pthread_t w, r[NREADERS];
    for (int i = 0; i < NREADERS; i++) {
        rd[i] = (struct reader){ .sh = &sh, .seed = 0x9e3779b97f4a7c15u * (uint64_t)(i + 1) };
        assert_int_equal(pthread_create(&r[i], NULL, reader_main, &rd[i]), 0);
    }
    assert_int_equal(pthread_create(&w, NULL, writer_main, &sh), 0);
    void *wres = NULL;
    assert_int_equal(pthread_join(w, &wres), 0);
    for (int i = 0; i < NREADERS; i++)
        assert_int_equal(pthread_join(r[i], NULL), 0);
    assert_null(wres);
    for (int i = 0; i < NREADERS; i++) {
        if (rd[i].errors)
            fail_msg("reader %d: %lu errors, first: %s", i, rd[i].errors, rd[i].first_error);
        assert_true(rd[i].iterations > 0);
    }
    assert_true(timeline_done(sh.tl));
    assert_int_equal(timeline_count(sh.tl), NRECORDS);
    assert_int_equal(timeline_end(sh.tl), sh.end_t);
    print_message("readers: %lu and %lu iterations, %lu and %lu replays\n", rd[0].iterations,
                  rd[1].iterations, rd[0].replays, rd[1].replays);
    timeline_free(sh.tl);
}

/* Run the test. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_readers),
        cmocka_unit_test(test_prefault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
