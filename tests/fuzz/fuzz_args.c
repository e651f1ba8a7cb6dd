/*
 * fuzz_args: libFuzzer harness for the parsers of command-line values:
 * gv_parse_duration (also the scene's durations), args_time (--at, --zoom,
 * --speed, --from, --to), args_size (--size), args_count (--max-events),
 * gv_parse_bytes (--max-memory) and scene_set (--set KEY=VALUE).
 *
 * The first byte picks the parser, the rest is the argument (cut at the
 * first NUL, as argv would be; gv_parse_duration also gets the raw bytes).
 * Besides "no crash, no UB", an accepted value must be what the text says:
 * durations within [0, GV_NS_MAX] and printable back, sizes and counts
 * written as plain digits with exactly that value, settings in their range.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fuzz_common.h"
#include "sim/engine.h"
#include "timeline/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value of the digits p[0..n) if they are only digits and fit in
 * uint64, else -1 (returned through ok). */
static uint64_t plain_digits(const char *p, size_t n, int *ok)
{
    uint64_t v = 0;
    *ok = n > 0;
    for (size_t i = 0; i < n && *ok; i++) {
        unsigned dg = (unsigned)(p[i] - '0');
        if (dg > 9 || v > (UINT64_MAX - dg) / 10)
            *ok = 0;
        else
            v = v * 10 + dg;
    }
    return v;
}

/* A parsed duration is in range, and its text form reads back to about it
 * (gv_fmt_duration keeps 4 significant digits). */
static void check_duration(gv_ns v)
{
    FUZZ_CHECK(v >= 0 && v <= GV_NS_MAX, "duration %" PRId64 " out of range", v);
    char buf[64], squeezed[64];
    gv_fmt_duration(v, buf, sizeof buf);
    size_t k = 0;
    for (const char *p = buf; *p; p++)
        if (*p != ' ')
            squeezed[k++] = *p;
    squeezed[k] = '\0';
    gv_ns back = -1;
    const char *why = NULL;
    FUZZ_CHECK(gv_parse_duration(squeezed, k, &back, &why) == 0, "'%s' (%" PRId64 " ns) does not read back: %s",
               squeezed, v, why);
    gv_ns diff = back > v ? back - v : v - back;
    FUZZ_CHECK(diff <= v / 1000 + 1, "%" PRId64 " ns printed as '%s' reads back as %" PRId64, v, buf, back);
}

static void check_settings(const struct scene_settings *s)
{
    FUZZ_CHECK(s->cores >= 1 && s->cores <= SCENE_MAX_CORES, "cores %d", s->cores);
    FUZZ_CHECK(s->check_interval >= 1, "check_interval %" PRId64, s->check_interval);
    FUZZ_CHECK(s->nogil_overhead_pct >= 0 && s->nogil_overhead_pct <= 1000, "overhead %d", s->nogil_overhead_pct);
    const gv_ns pos[] = { s->switch_interval, s->bytecode, s->checkpoint, s->timeslice, s->horizon };
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++)
        FUZZ_CHECK(pos[i] >= 1 && pos[i] <= GV_NS_MAX, "positive setting %zu is %" PRId64, i, pos[i]);
    const gv_ns any[] = { s->context_switch, s->wakeup_latency, s->wakeup_jitter, s->signal_cost,
                          s->rmw_cost, s->spawn_cost, s->fork_cost, s->pickle_per_mb };
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++)
        FUZZ_CHECK(any[i] >= 0 && any[i] <= GV_NS_MAX, "setting %zu is %" PRId64, i, any[i]);
}

/* --set lines applied in order to a small scene, as main.c does; the
 * engine must accept whatever the overrides allowed. */
static void fuzz_sets(const char *arg)
{
    static const char text[] = "thread a:\n    cpu 1ms\nthread b x2:\n    io 1ms\n";
    struct scene_diags d;
    memset(&d, 0, sizeof d);
    struct scene *sc = scene_parse("args.scene", text, sizeof text - 1, &d);
    FUZZ_CHECK(sc != NULL, "the built-in scene does not parse");
    scene_diags_free(&d);
    char *copy = strdup(arg);
    FUZZ_CHECK(copy != NULL, "out of memory");
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char err[512] = ""; /* as in main.c */
        if (scene_set(sc, line, err, sizeof err) != 0) {
            FUZZ_CHECK(err[0] != '\0', "--set '%s' refused without a message", line);
            FUZZ_CHECK(strlen(err) < sizeof err - 1, "--set message cut at %zu bytes: %s", sizeof err, err);
            FUZZ_CHECK(fuzz_printable(err), "--set message is not printable: %s", err);
        }
        check_settings(&sc->set);
    }
    struct timeline *tl = timeline_new();
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    FUZZ_CHECK(e != NULL, "engine_new refused valid settings: %s", err);
    engine_free(e);
    timeline_free(tl);
    scene_free(sc);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] % 6;
    const char *raw = (const char *)data + 1;
    size_t rawlen = size - 1;
    char *arg = malloc(rawlen + 1);
    if (!arg)
        return 0;
    memcpy(arg, raw, rawlen);
    arg[rawlen] = '\0';
    size_t len = strlen(arg);
    const char *why = NULL;
    gv_ns t = -1;
    int ok;

    switch (which) {
    case 0: /* raw bytes, NULs included: the length is what counts */
        if (gv_parse_duration(raw, rawlen, &t, &why) == 0)
            check_duration(t);
        else
            FUZZ_CHECK(why && *why && fuzz_printable(why), "duration refused without a reason");
        break;
    case 1:
        if (args_time(arg, &t, &why) == 0)
            check_duration(t);
        else
            FUZZ_CHECK(why && *why && fuzz_printable(why), "time refused without a reason");
        break;
    case 2: {
        int w = -1, h = -1;
        if (args_size(arg, &w, &h) == 0) {
            const char *x = strchr(arg, 'x');
            FUZZ_CHECK(x != NULL, "size '%s' accepted without an x", arg);
            uint64_t cw = plain_digits(arg, (size_t)(x - arg), &ok);
            FUZZ_CHECK(ok && cw == (uint64_t)w, "size '%s' accepted as width %d", arg, w);
            uint64_t ch = plain_digits(x + 1, strlen(x + 1), &ok);
            FUZZ_CHECK(ok && ch == (uint64_t)h, "size '%s' accepted as height %d", arg, h);
            FUZZ_CHECK(w >= 1 && h >= 1 && w <= ARGS_MAX_SIDE && h <= ARGS_MAX_SIDE, "size %dx%d", w, h);
        }
        break;
    }
    case 3: {
        uint64_t n = 0;
        if (args_count(arg, &n) == 0) {
            uint64_t want = plain_digits(arg, len, &ok);
            FUZZ_CHECK(ok && want == n && n > 0, "count '%s' accepted as %" PRIu64, arg, n);
        }
        break;
    }
    case 5: { /* --max-memory */
        uint64_t n = 0;
        if (gv_parse_bytes(arg, &n, &why) == 0) {
            size_t d = 0;
            while (arg[d] >= '0' && arg[d] <= '9')
                d++;
            uint64_t digits = plain_digits(arg, d, &ok);
            int shift = arg[d] == 'K' ? 10 : arg[d] == 'M' ? 20 : arg[d] == 'G' ? 30 : arg[d] == 'T' ? 40 : 0;
            FUZZ_CHECK(ok && d > 0, "size '%s' accepted without digits first", arg);
            FUZZ_CHECK(shift == 0 || digits <= (UINT64_MAX >> shift), "size '%s' overflowed", arg);
            FUZZ_CHECK(n == digits << shift, "size '%s' accepted as %" PRIu64, arg, n);
        } else {
            FUZZ_CHECK(why && *why && fuzz_printable(why), "size refused without a reason");
        }
        break;
    }
    default:
        fuzz_sets(arg);
        break;
    }
    free(arg);
    return 0;
}
