/*
 * report: text and JSON summaries of a run.  The JSON keys are a contract
 * (tests and scripts read them); add keys, do not rename them.
 */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "../i18n.h"
#include "../timeline/codes.h"

/* Write s as a JSON string literal. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static const char *gil_name(enum gil_model g)
{
    return g == GIL_NEW ? "new" : g == GIL_OLD ? "old" : "none";
}

void report_model(const struct scene *sc, int lang, gv_ns interval, char *buf, size_t size)
{
    const struct scene_settings *s = &sc->set;
    char d[32], ver[16] = "";
    if (s->py_major)
        snprintf(ver, sizeof ver, "%d.%d%s", s->py_major, s->py_minor, s->gil == GIL_NONE ? "t" : "");
    if (s->gil == GIL_NEW) {
        snprintf(buf, size, "CPython %s · GIL %s", ver[0] ? ver : "3.x",
                 gv_fmt_duration(interval >= 0 ? interval : s->switch_interval, d, sizeof d));
    } else if (s->gil == GIL_OLD) {
        snprintf(d, sizeof d, "%" PRId64, s->check_interval);
        snprintf(buf, size, gv_tr(lang, "CPython %s · old GIL, every %s ticks"), ver[0] ? ver : "2.x", d);
    } else {
        snprintf(buf, size, gv_tr(lang, "CPython %s · free-threaded, no GIL"), ver[0] ? ver : "3.13t");
    }
}

/* "1 switch", "2 switches": the count and the right form of the noun. */
static const char *count_of(uint64_t n, const char *one, const char *many, char *buf, size_t size)
{
    snprintf(buf, size, "%" PRIu64 " %s", n, n == 1 ? one : many);
    return buf;
}

static double pct(gv_ns part, gv_ns whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static gv_ns cpu_of(const struct thread_stats *t)
{
    return t->python_ns + t->ccall_ns + t->nogil_ns;
}

void report_text(FILE *f, const struct scene *sc, const struct sim_stats *st)
{
    char a[32], b[32], c[32], d[32], e[32], g[32], model[96];
    report_model(sc, GV_LANG_EN, -1, model, sizeof model);
    const char *title = scene_text_get(&sc->title, SCENE_LANG_EN);
    fprintf(f, "%s\n", title && *title ? title : sc->file);
    fprintf(f, "%s, %d core%s, seed %" PRIu64 "\n", model, sc->set.cores, sc->set.cores == 1 ? "" : "s",
            sc->set.seed);
    fprintf(f, "wall time %s, %" PRIu64 " events%s%s%s\n\n", gv_fmt_duration(st->wall_ns, a, sizeof a),
            st->events, st->horizon_hit ? " (stopped at the horizon)" : "",
            st->event_cap_hit ? " (stopped at the event cap)" : "",
            st->mem_cap_hit ? " (stopped at the memory limit)" : "");

    int w = 6;
    for (int32_t i = 0; i < st->nthreads; i++) {
        int l = (int)strlen(st->threads[i].name);
        if (l > w)
            w = l < 24 ? l : 24;
    }
    fprintf(f, "%-*s  %10s %10s %10s %10s %10s %10s\n", w, "thread", "cpu", "gil wait", "io",
            "ready", "lock wait", "ended");
    for (int32_t i = 0; i < st->nthreads; i++) {
        const struct thread_stats *t = &st->threads[i];
        if (t->daemon && t->start == 0 && t->end < 0 && cpu_of(t) + t->os_ns + t->idle_ns == 0)
            continue; /* a pool thread that was never needed */
        fprintf(f, "%-*.*s  %10s %10s %10s %10s %10s %10s\n", w, w, t->name,
                gv_fmt_duration(cpu_of(t), a, sizeof a), gv_fmt_duration(t->gil_wait_ns, b, sizeof b),
                gv_fmt_duration(t->io_ns, c, sizeof c), gv_fmt_duration(t->ready_ns, d, sizeof d),
                gv_fmt_duration(t->lock_wait_ns, e, sizeof e),
                t->end >= 0 ? gv_fmt_duration(t->end, g, sizeof g) : t->daemon ? "(idle)" : "never");
    }
    fputc('\n', f);
    if (sc->set.gil == GIL_NONE)
        fprintf(f, "GIL      none (free-threaded)\n");
    else
        fprintf(f, "GIL      %s (%" PRIu64 " forced), %s, %s\n",
                count_of(st->switches, "switch", "switches", a, sizeof a), st->forced_switches,
                count_of(st->drop_requests, "drop request", "drop requests", b, sizeof b),
                count_of(st->failed_wakeups, "failed wake-up", "failed wake-ups", c, sizeof c));
    fprintf(f, "cores   ");
    for (int32_t i = 0; i < st->ncores; i++)
        fprintf(f, " %d:%.0f%%", (int)i, pct(st->core_busy_ns[i], st->wall_ns));
    fputc('\n', f);
    if (st->io_ops)
        fprintf(f, "I/O      %s, latency mean %s, p50 %s, p99 %s, max %s\n",
                count_of(st->io_ops, "op", "ops", e, sizeof e), gv_fmt_duration(st->io_mean_ns, a, sizeof a), gv_fmt_duration(st->io_p50_ns, b, sizeof b),
                gv_fmt_duration(st->io_p99_ns, c, sizeof c), gv_fmt_duration(st->io_max_ns, d, sizeof d));
    for (int32_t i = 0; i < st->nshared; i++) {
        const struct shared_stats *s = &st->shared[i];
        fprintf(f, "shared   %s = %" PRId64 " (expected %" PRId64 "%s", s->name, s->final, s->expected,
                s->final == s->expected ? ")\n" : "");
        if (s->final != s->expected)
            fprintf(f, ": %" PRIu64 " updates lost, overwritten by %" PRIu64 " writes based on stale reads)\n",
                    s->lost_updates, s->stale_writes);
    }
    for (int32_t l = 0; l < st->nloops; l++) {
        const struct loop_stats *ls = &st->loops[l];
        char it[48], cb[48], slow[48];
        fprintf(f, "loop     %s: %s, %s, lag mean %s, p99 %s, max %s, %s\n", ls->name,
                count_of(ls->iterations, "iteration", "iterations", it, sizeof it),
                count_of(ls->handles, "callback", "callbacks", cb, sizeof cb),
                gv_fmt_duration(ls->lag_mean_ns, a, sizeof a), gv_fmt_duration(ls->lag_p99_ns, b, sizeof b),
                gv_fmt_duration(ls->lag_max_ns, c, sizeof c),
                count_of(ls->slow_callbacks, "slow callback", "slow callbacks", slow, sizeof slow));
        if (ls->executor_threads > 0)
            fprintf(f, "executor %s: %d threads, busy %.0f%%\n", ls->name, (int)ls->executor_threads,
                    100.0 * ls->executor_utilisation);
    }
    if (st->ntasks > 0) {
        fprintf(f, "\n%-*s  %10s %10s %10s %10s %10s\n", w, "task", "created", "ended", "awaiting", "in queue",
                "running");
        int shown = 0;
        for (int32_t k = 0; k < st->ntasks; k++) {
            const struct task_stats *t = &st->tasks[k];
            if (t->created < 0)
                continue;
            if (++shown > 20) {
                fprintf(f, "... and %d more tasks (see --json)\n", (int)(st->ntasks - k));
                break;
            }
            fprintf(f, "%-*.*s  %10s %10s %10s %10s %10s%s\n", w, w, t->name, gv_fmt_duration(t->created, a, sizeof a),
                    t->done >= 0 ? gv_fmt_duration(t->done, b, sizeof b) : "never",
                    gv_fmt_duration(t->pending_ns, c, sizeof c), gv_fmt_duration(t->scheduled_ns, d, sizeof d),
                    gv_fmt_duration(t->running_ns, e, sizeof e), t->cancelled ? "  cancelled" : "");
        }
    }
    /* a run cut short (deadlock, horizon, a cap) did not do all its work:
     * no speedup to speak of */
    if (st->sequential_ns > 0 && !st->deadlock && !st->horizon_hit && !st->event_cap_hit && !st->mem_cap_hit)
        fprintf(f, "speedup  %.2fx over doing the same work and waits one after another (%s)\n", st->speedup,
                gv_fmt_duration(st->sequential_ns, a, sizeof a));
    if (st->deadlock)
        fprintf(f, "DEADLOCK %s\n", st->deadlock_desc);
}

void report_compare_head(FILE *f, const struct scene *sc, const char *key, int width)
{
    const char *title = scene_text_get(&sc->title, SCENE_LANG_EN);
    fprintf(f, "%s\n", title && *title ? title : sc->file);
    fprintf(f, "the same scene with %s changed, seed %" PRIu64 "\n\n", key, sc->set.seed);
    fprintf(f, "%-*s  %10s %8s %11s %10s %18s%s\n", width, key, "wall time", "speedup", "cores busy",
            "gil wait", "switches (forced)", sc->nloops > 0 ? "   lag p99" : "");
}

void report_compare_row(FILE *f, const char *value, int width, const struct scene *sc, const struct sim_stats *st)
{
    char wall[32], wait[32], sw[48], lag[48], speed[16];
    gv_ns busy = 0, gil_wait = 0;
    for (int32_t i = 0; i < st->ncores; i++)
        busy += st->core_busy_ns[i];
    for (int32_t i = 0; i < st->nthreads; i++)
        gil_wait += st->threads[i].gil_wait_ns;
    bool cut = st->deadlock || st->horizon_hit || st->event_cap_hit || st->mem_cap_hit;
    if (st->sequential_ns > 0 && !cut)
        snprintf(speed, sizeof speed, "%.2fx", st->speedup);
    else
        snprintf(speed, sizeof speed, "-");
    if (sc->set.gil == GIL_NONE)
        snprintf(sw, sizeof sw, "no GIL");
    else
        snprintf(sw, sizeof sw, "%" PRIu64 " (%" PRIu64 ")", st->switches, st->forced_switches);
    lag[0] = '\0';
    if (st->nloops > 0) {   /* the first loop's (the column is there when the scene has one) */
        char d[32];
        snprintf(lag, sizeof lag, " %9s", gv_fmt_duration(st->loops[0].lag_p99_ns, d, sizeof d));
    }
    fprintf(f, "%-*s  %10s %8s %11.2f %10s %18s%s%s\n", width, value,
            gv_fmt_duration(st->wall_ns, wall, sizeof wall), speed,
            st->wall_ns > 0 ? (double)busy / (double)st->wall_ns : 0.0, gv_fmt_duration(gil_wait, wait, sizeof wait),
            sw, lag,
            st->deadlock ? "  deadlock" : st->horizon_hit ? "  stopped at the horizon"
                                        : st->event_cap_hit ? "  stopped at the event cap"
                                        : st->mem_cap_hit ? "  stopped at the memory limit" : "");
}

void report_json(FILE *f, const struct scene *sc, const struct sim_stats *st)
{
    const struct scene_settings *s = &sc->set;
    fputs("{\"scene\":", f);
    json_str(f, scene_text_get(&sc->title, SCENE_LANG_EN));
    fprintf(f, ",\"model\":{\"gil\":\"%s\",\"python\":\"%d.%d%s\",\"cores\":%d,\"switch_interval_ns\":%" PRId64
               ",\"check_interval\":%" PRId64 ",\"seed\":%" PRIu64 "}",
            gil_name(s->gil), s->py_major, s->py_minor, s->gil == GIL_NONE ? "t" : "", s->cores,
            s->switch_interval, s->check_interval, s->seed);
    fprintf(f, ",\"wall_ns\":%" PRId64 ",\"events\":%" PRIu64 ",\"horizon_hit\":%s,\"event_cap_hit\":%s"
               ",\"mem_cap_hit\":%s",
            st->wall_ns, st->events, st->horizon_hit ? "true" : "false", st->event_cap_hit ? "true" : "false",
            st->mem_cap_hit ? "true" : "false");
    fputs(",\"threads\":[", f);
    for (int32_t i = 0; i < st->nthreads; i++) {
        const struct thread_stats *t = &st->threads[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, t->name);
        fprintf(f, ",\"process\":%d,\"start_ns\":%" PRId64 ",\"end_ns\":%" PRId64 ",\"cpu_ns\":%" PRId64
                   ",\"python_ns\":%" PRId64 ",\"ccall_ns\":%" PRId64 ",\"nogil_ns\":%" PRId64
                   ",\"os_ns\":%" PRId64 ",\"gil_wait_ns\":%" PRId64 ",\"io_ns\":%" PRId64 ",\"sleep_ns\":%" PRId64
                   ",\"ready_ns\":%" PRId64 ",\"lock_wait_ns\":%" PRId64 ",\"join_wait_ns\":%" PRId64
                   ",\"select_ns\":%" PRId64 ",\"queue_wait_ns\":%" PRId64 ",\"idle_ns\":%" PRId64
                   ",\"map_wait_ns\":%" PRId64 ",\"io_ops\":%" PRIu64 ",\"failed_wakeups\":%" PRIu64 "}",
                (int)t->proc, t->start, t->end, cpu_of(t), t->python_ns, t->ccall_ns, t->nogil_ns, t->os_ns,
                t->gil_wait_ns, t->io_ns, t->sleep_ns, t->ready_ns, t->lock_wait_ns, t->join_wait_ns,
                t->select_ns, t->queue_wait_ns, t->idle_ns, t->map_wait_ns, t->io_ops, t->failed_wakeups);
    }
    fprintf(f, "],\"gil\":{\"switches\":%" PRIu64 ",\"forced_switches\":%" PRIu64 ",\"drop_requests\":%" PRIu64
               ",\"failed_wakeups\":%" PRIu64 "}",
            st->switches, st->forced_switches, st->drop_requests, st->failed_wakeups);
    fputs(",\"processes\":[", f);
    for (int32_t i = 0; i < st->nprocs; i++) {
        const struct proc_stats *p = &st->procs[i];
        gv_ns cpu = 0;
        for (int32_t k = 0; k < st->nthreads; k++)
            if (st->threads[k].proc == i)
                cpu += cpu_of(&st->threads[k]);
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, p->name);
        fprintf(f, ",\"cpu_ns\":%" PRId64 ",\"switches\":%" PRIu64 ",\"forced_switches\":%" PRIu64
                   ",\"drop_requests\":%" PRIu64 ",\"failed_wakeups\":%" PRIu64 ",\"release_checks\":%" PRIu64 "}",
                cpu, p->switches, p->forced_switches, p->drop_requests, p->failed_wakeups, p->release_checks);
    }
    fputs("],\"cores\":[", f);
    for (int32_t i = 0; i < st->ncores; i++)
        fprintf(f, "%s{\"busy_ns\":%" PRId64 "}", i ? "," : "", st->core_busy_ns[i]);
    fprintf(f, "],\"io\":{\"ops\":%" PRIu64 ",\"latency_ns\":{\"mean\":%" PRId64 ",\"p50\":%" PRId64
               ",\"p99\":%" PRId64 ",\"max\":%" PRId64 "}}",
            st->io_ops, st->io_mean_ns, st->io_p50_ns, st->io_p99_ns, st->io_max_ns);
    fputs(",\"shared\":{", f);
    for (int32_t i = 0; i < st->nshared; i++) {
        const struct shared_stats *v = &st->shared[i];
        if (i)
            fputc(',', f);
        json_str(f, v->name);
        fprintf(f, ":{\"final\":%" PRId64 ",\"expected\":%" PRId64 ",\"lost_updates\":%" PRIu64
                   ",\"stale_writes\":%" PRIu64 "}",
                v->final, v->expected, v->lost_updates, v->stale_writes);
    }
    fputs("},\"loop\":", f);
    /* the first loop at top level (most scenes have one), all of them in "loops" */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            fputs(",\"loops\":[", f);
        for (int32_t l = 0; l < st->nloops && (pass == 1 || l == 0); l++) {
            const struct loop_stats *ls = &st->loops[l];
            if (pass == 1 && l)
                fputc(',', f);
            fputs("{\"name\":", f);
            json_str(f, ls->name);
            fprintf(f, ",\"iterations\":%" PRIu64 ",\"callbacks\":%" PRIu64 ",\"lag_ns\":{\"mean\":%" PRId64
                       ",\"p99\":%" PRId64 ",\"max\":%" PRId64 "},\"slow_callbacks\":%" PRIu64
                       ",\"executor\":{\"threads\":%d,\"busy_ns\":%" PRId64 ",\"utilisation\":%.4f}}",
                    ls->iterations, ls->handles, ls->lag_mean_ns, ls->lag_p99_ns, ls->lag_max_ns, ls->slow_callbacks,
                    (int)ls->executor_threads, ls->executor_busy_ns, ls->executor_utilisation);
        }
        if (pass == 0 && st->nloops == 0)
            fputs("null", f);
        if (pass == 1)
            fputc(']', f);
    }
    fputs(",\"tasks\":[", f);
    for (int32_t k = 0; k < st->ntasks; k++) {
        const struct task_stats *t = &st->tasks[k];
        fputs(k ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, t->name);
        fprintf(f, ",\"loop\":%d,\"created_ns\":%" PRId64 ",\"done_ns\":%" PRId64 ",\"wall_ns\":%" PRId64
                   ",\"pending_ns\":%" PRId64 ",\"scheduled_ns\":%" PRId64 ",\"running_ns\":%" PRId64
                   ",\"cancelled\":%s}",
                (int)t->loop, t->created, t->done, t->done >= 0 && t->created >= 0 ? t->done - t->created : -1,
                t->pending_ns, t->scheduled_ns, t->running_ns, t->cancelled ? "true" : "false");
    }
    fprintf(f, "],\"sequential_ns\":%" PRId64 ",\"speedup\":%.4f", st->sequential_ns, st->speedup);
    fprintf(f, ",\"deadlock\":%s", st->deadlock ? "true" : "false");
    if (st->deadlock) {
        fputs(",\"deadlock_detail\":", f);
        json_str(f, st->deadlock_desc);
    }
    fputs("}\n", f);
}
