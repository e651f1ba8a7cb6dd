/*
 * fuzz_sim: libFuzzer harness for "parse, simulate a little, seek".
 *
 * Input: SCENE [NUL SETS [NUL SEEKS]].  SCENE is a scene file; SETS are
 * --set KEY=VALUE lines (one per line, refused ones are skipped); SEEKS are
 * bytes: the first picks the horizon (at most 25.6 ms), each next pair a
 * time to seek to (a fraction of the end, or just past it).  The run is
 * capped (FUZZ_MAX_EVENTS, FUZZ_MAX_LANES), so one input takes milliseconds.
 *
 * Properties: no crash, leak, hang or UB anywhere in engine_new, engine_run
 * and the timeline; a refused run has a readable message; records go
 * forward in time on existing lanes; the same scene runs to the same bytes
 * twice; at each seek time, seeking from the checkpoints equals replaying
 * from the start, seeking again (after another seek) gives the same state,
 * timeline_upper/prev/next agree with the records, at most one thread holds
 * each GIL (and the GIL lane names it), at most one thread runs on each core;
 * every thread's time buckets add up to its lifetime.  The report (text and
 * JSON), the event log and the Perfetto export are written too; the JSON
 * must have no raw control characters inside its strings.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "out/eventlog.h"
#include "out/report.h"
#include "out/trace.h"
#include "sim/engine.h"
#include "timeline/codes.h"
#include "timeline/timeline.h"

#define FUZZ_MAX_EVENTS 5000
#define FUZZ_MAX_SEEKS  16
/* Bigger scenes are parsed and checked but not run: thousands of lanes
 * make one run (and its outputs) take seconds under the sanitizers. */
#define FUZZ_MAX_LANES  512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sim {
    struct timeline *tl;
    struct engine *e;
    int rc;
    char err[512];
};

/* Build and run an engine for sc; sim.e is NULL if engine_new refused. */
static void sim_run(const struct scene *sc, struct sim *m)
{
    m->tl = timeline_new();
    m->err[0] = '\0';
    m->e = engine_new(sc, m->tl, m->err, sizeof m->err);
    m->rc = 0;
    if (!m->e) {
        FUZZ_CHECK(m->err[0] && fuzz_printable(m->err), "engine_new refused without a readable message");
        return;
    }
    engine_set_max_events(m->e, FUZZ_MAX_EVENTS);
    m->rc = engine_run(m->e, m->err, sizeof m->err);
    if (m->rc != 0)
        FUZZ_CHECK(m->err[0] && fuzz_printable(m->err), "engine_run failed without a readable message");
    FUZZ_CHECK(timeline_done(m->tl), "engine_run returned with an unfinished timeline");
}

static void sim_free(struct sim *m)
{
    engine_free(m->e);
    timeline_free(m->tl);
}

static int same_state(const struct tl_lane_state *a, const struct tl_lane_state *b, int nl)
{
    for (int i = 0; i < nl; i++)
        if (a[i].rec != b[i].rec || a[i].since != b[i].since || a[i].code != b[i].code ||
            a[i].flags != b[i].flags || a[i].arg != b[i].arg)
            return 0;
    return 1;
}

/* The model's rules in one seeked state. */
static void check_state(const struct scene *sc, const struct timeline *tl, const struct tl_lane_state *st,
                        gv_ns t, int *holders, int *holder_of, int *on_core)
{
    int nl = timeline_nlanes(tl);
    for (int i = 0; i < nl; i++)
        holders[i] = 0, holder_of[i] = -1;
    for (int c = 0; c < sc->set.cores; c++)
        on_core[c] = 0;
    for (int i = 0; i < nl; i++) {
        const struct tl_lane *ln = timeline_lane(tl, i);
        if (ln->kind != LANE_THREAD || st[i].rec == TL_NO_RECORD)
            continue;
        int core = (int)(st[i].flags & TL_FLAG_CORE_MASK) - 1;
        FUZZ_CHECK(core < sc->set.cores, "t=%" PRId64 ": %s on core %d of %d", t, ln->name, core, sc->set.cores);
        if (core >= 0)
            FUZZ_CHECK(++on_core[core] == 1, "t=%" PRId64 ": core %d runs two threads", t, core);
        if ((st[i].flags & TL_FLAG_GIL) && ln->proc >= 0 && ln->proc < nl) {
            holders[ln->proc]++;
            holder_of[ln->proc] = i;
        }
    }
    if (sc->set.gil == GIL_NONE)
        return;
    for (int g = 0; g < nl; g++) {
        const struct tl_lane *ln = timeline_lane(tl, g);
        if (ln->kind != LANE_GIL || ln->proc < 0 || ln->proc >= nl)
            continue;
        int p = ln->proc;
        FUZZ_CHECK(holders[p] <= 1, "t=%" PRId64 ": %d threads hold the GIL of %s", t, holders[p], ln->name);
        if (holders[p] == 1)
            FUZZ_CHECK(st[g].code == GIL_HELD && st[g].arg == holder_of[p],
                       "t=%" PRId64 ": the GIL lane of %s does not name its holder", t, ln->name);
        else
            FUZZ_CHECK(st[g].code != GIL_HELD, "t=%" PRId64 ": GIL of %s held by nobody", t, ln->name);
    }
}

/* Seek to t in every way and compare. */
static void check_seek(const struct scene *sc, const struct timeline *tl, gv_ns t, gv_ns other,
                       struct tl_lane_state *a, struct tl_lane_state *b, int *scratch)
{
    int nl = timeline_nlanes(tl);
    uint64_t n = timeline_count(tl);
    timeline_state_at(tl, t, a);
    timeline_state_replay(tl, t, b);
    FUZZ_CHECK(same_state(a, b, nl), "t=%" PRId64 ": seek and replay disagree", t);
    timeline_state_at(tl, other, b);
    timeline_state_at(tl, t, b);
    FUZZ_CHECK(same_state(a, b, nl), "t=%" PRId64 ": seeking twice gives two states", t);
    for (int i = 0; i < nl; i++)
        if (a[i].rec != TL_NO_RECORD) {
            FUZZ_CHECK(a[i].rec < n, "lane %d: record %u of %" PRIu64, i, a[i].rec, n);
            const struct tl_rec *r = timeline_get(tl, a[i].rec);
            FUZZ_CHECK(r->lane == i && r->kind != TL_EVENT && r->t <= t && a[i].since == r->t,
                       "t=%" PRId64 ": lane %d's state comes from the wrong record", t, i);
        }
    uint64_t u = timeline_upper(tl, t);
    FUZZ_CHECK(u <= n, "upper %" PRIu64 " of %" PRIu64, u, n);
    FUZZ_CHECK(u == n || timeline_get(tl, u)->t > t, "t=%" PRId64 ": upper points at an earlier record", t);
    FUZZ_CHECK(u == 0 || timeline_get(tl, u - 1)->t <= t, "t=%" PRId64 ": upper skips a record", t);
    int lane = nl ? (int)((uint64_t)t % (uint64_t)(nl + 1)) - 1 : -1;
    uint64_t p = timeline_prev(tl, t, 7u, lane), q = timeline_next(tl, t, 7u, lane);
    if (p != UINT64_MAX)
        FUZZ_CHECK(p < n && timeline_get(tl, p)->t < t && (lane < 0 || timeline_get(tl, p)->lane == lane),
                   "t=%" PRId64 ": prev is not before", t);
    if (q != UINT64_MAX)
        FUZZ_CHECK(q < n && timeline_get(tl, q)->t > t && (lane < 0 || timeline_get(tl, q)->lane == lane),
                   "t=%" PRId64 ": next is not after", t);
    check_state(sc, tl, a, t, scratch, scratch + nl, scratch + 2 * nl);
}

/* Inside the JSON strings of buf[0..n): no raw control characters, and
 * every string ends. */
static void check_json_strings(const char *buf, size_t n, const char *what)
{
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (!in) {
            in = b == '"';
            continue;
        }
        FUZZ_CHECK(b >= 0x20, "%s: raw byte 0x%02x inside a string at %zu", what, b, i);
        if (b == '\\')
            i++;
        else if (b == '"')
            in = 0;
    }
    FUZZ_CHECK(!in, "%s: a string does not end", what);
}

/* Every writer of the outputs, over this run. */
static void check_outputs(const struct scene *sc, const struct sim *m, int lang)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    FUZZ_CHECK(f != NULL, "open_memstream");
    report_json(f, sc, engine_stats(m->e));
    fflush(f);
    check_json_strings(buf, n, "report --json");
    rewind(f);
    FUZZ_CHECK(trace_write(f, m->tl, sc) == 0, "trace_write failed");
    fflush(f);
    check_json_strings(buf, n, "export");
    fclose(f);
    free(buf);
    report_text(fuzz_devnull(), sc, engine_stats(m->e));
    eventlog_print(fuzz_devnull(), m->tl, sc, 0, GV_NS_MAX, lang);
}

/* Each thread's buckets cover its life exactly (as tests/sim_helpers.h). */
static void check_accounting(const struct sim *m)
{
    const struct sim_stats *st = engine_stats(m->e);
    for (int32_t i = 0; i < st->nthreads; i++) {
        const struct thread_stats *t = &st->threads[i];
        gv_ns end = t->end >= 0 ? t->end : timeline_end(m->tl);
        if (t->end < 0 && t->start == 0 && t->python_ns + t->ready_ns + t->os_ns == 0)
            continue; /* never started */
        gv_ns sum = t->python_ns + t->ccall_ns + t->nogil_ns + t->os_ns + t->ready_ns + t->gil_wait_ns +
                    t->io_ns + t->sleep_ns + t->lock_wait_ns + t->join_wait_ns + t->select_ns +
                    t->queue_wait_ns + t->idle_ns + t->map_wait_ns;
        FUZZ_CHECK(sum == end - t->start, "thread %s: buckets add to %" PRId64 " ns, lifetime %" PRId64 " ns",
                   t->name, sum, end - t->start);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* SCENE NUL SETS NUL SEEKS */
    const uint8_t *nul = memchr(data, 0, size);
    size_t scene_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *rest = nul ? nul + 1 : data + size;
    size_t rest_len = size - (size_t)(rest - data);
    const uint8_t *nul2 = memchr(rest, 0, rest_len);
    size_t sets_len = nul2 ? (size_t)(nul2 - rest) : rest_len;
    const uint8_t *seeks = nul2 ? nul2 + 1 : rest + rest_len;
    size_t nseeks = size - (size_t)(seeks - data);

    char *text = malloc(scene_len + 1 + sets_len + 1);
    if (!text)
        return 0;
    memcpy(text, data, scene_len);
    text[scene_len] = '\0';
    char *sets = text + scene_len + 1;
    memcpy(sets, rest, sets_len);
    sets[sets_len] = '\0';

    struct scene_diags d;
    memset(&d, 0, sizeof d);
    struct scene *sc = scene_parse("fuzz.scene", text, scene_len, &d);
    scene_diags_free(&d);
    if (!sc) {
        free(text);
        return 0;
    }
    for (char *line = sets, *next; *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        else
            next = line + strlen(line);
        char err[256];
        scene_set(sc, line, err, sizeof err);
    }
    gv_ns cap = (gv_ns)((nseeks ? seeks[0] : 99) + 1) * 100 * GV_NS_PER_US;
    if (sc->set.horizon > cap)
        sc->set.horizon = cap;
    fuzz_check_scene(sc);
    int64_t lanes = scene_total_threads(sc);
    for (int32_t i = 0; i < sc->ncoros; i++)
        lanes += sc->coros[i].count;
    if (lanes > FUZZ_MAX_LANES) {
        scene_free(sc);
        free(text);
        return 0;
    }

    struct sim m, m2;
    sim_run(sc, &m);
    if (!m.e) {
        sim_free(&m);
        scene_free(sc);
        free(text);
        return 0;
    }
    const struct timeline *tl = m.tl;
    int nl = timeline_nlanes(tl);
    uint64_t n = timeline_count(tl);
    gv_ns end = timeline_end(tl);
    gv_ns last = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct tl_rec *r = timeline_get(tl, i);
        FUZZ_CHECK(r->t >= last && r->t <= end, "record %" PRIu64 " at %" PRId64 " (last %" PRId64 ", end %" PRId64 ")",
                   i, r->t, last, end);
        FUZZ_CHECK(r->lane < nl && r->kind <= TL_COUNTER, "record %" PRIu64 ": lane %d kind %d", i, r->lane, r->kind);
        last = r->t;
    }

    /* the same scene, the same bytes */
    sim_run(sc, &m2);
    FUZZ_CHECK(m2.e && m2.rc == m.rc && timeline_count(m2.tl) == n && timeline_hash(m2.tl) == timeline_hash(tl),
               "two runs of one scene differ");
    sim_free(&m2);

    struct tl_lane_state *a = calloc((size_t)nl + 1, sizeof *a), *b = calloc((size_t)nl + 1, sizeof *b);
    int *scratch = calloc(3 * (size_t)nl + (size_t)sc->set.cores + 1, sizeof *scratch);
    FUZZ_CHECK(a && b && scratch, "out of memory");
    gv_ns times[FUZZ_MAX_SEEKS + 3];
    size_t nt = 0;
    times[nt++] = 0;
    times[nt++] = end;
    times[nt++] = end / 2;
    for (size_t i = 1; i + 1 < nseeks && nt < sizeof times / sizeof times[0]; i += 2) {
        unsigned v = (unsigned)seeks[i] << 8 | seeks[i + 1];
        /* 0..65534: a fraction of the run; 65535: past the end */
        times[nt++] = v == 0xffff ? end + 1 + (gv_ns)seeks[i] : (gv_ns)((__int128)end * v / 0xfffe);
    }
    for (size_t i = 0; i < nt; i++)
        check_seek(sc, tl, times[i], times[(i + 1) % nt], a, b, scratch);
    if (m.rc == 0)
        check_accounting(&m);
    check_outputs(sc, &m, nseeks > 1 ? seeks[1] & 1 : SCENE_LANG_EN);

    free(a);
    free(b);
    free(scratch);
    sim_free(&m);
    scene_free(sc);
    free(text);
    return 0;
}
