/*
 * scene: defaults, freeing, diagnostics printing and small queries on a
 * parsed scene.  The parser and scene_set() are in parse.c.
 *
 * Diagnostics are printed like gcc's:
 *
 *   convoy.scene:4:9: error: a duration needs a unit (ns, us, ms, s)
 *       4 |     cpu 2 seconds
 *         |         ^
 *
 * Columns count UTF-8 characters and the stored source line has tabs
 * turned into spaces, so the caret lines up under the offending token.
 * The message and the word "error" are in the process's message language
 * (gv_msg: "erro" in Portuguese); the layout is the same in every language.
 */
#include "scene.h"
#include "../i18n.h"

#include <stdlib.h>
#include <string.h>

/* CPython 3.12 on a 4-core machine (see assets/scene-language.md). */
void scene_defaults(struct scene_settings *s)
{
    memset(s, 0, sizeof *s);
    s->gil = GIL_NEW;
    s->py_major = 3;
    s->py_minor = 12;
    s->per_bytecode_checks = 0;
    s->cores = 4;
    s->switch_interval = 5 * GV_NS_PER_MS;
    s->check_interval = 100;
    s->bytecode = 25;
    s->checkpoint = 100;
    s->timeslice = 4 * GV_NS_PER_MS;
    s->context_switch = 2 * GV_NS_PER_US;
    s->wakeup_latency = 5 * GV_NS_PER_US;
    s->wakeup_jitter = 5 * GV_NS_PER_US;
    s->signal_cost = 1 * GV_NS_PER_US;
    s->nogil_overhead_pct = 0;
    s->rmw_cost = 100;
    s->horizon = 600 * GV_NS_PER_S;
    s->seed = 1;
    s->nogil_overhead_explicit = 0;
    s->spawn_cost = 50 * GV_NS_PER_MS;
    s->fork_cost = 2 * GV_NS_PER_MS;
    s->pickle_per_mb = 4 * GV_NS_PER_MS;
}

/* Free the strings of a translated text. */
static void scene_text_free(struct scene_text *t)
{
    for (int i = 0; i < SCENE_NLANG; i++)
        free(t->text[i]);
}

/* Free a scene and everything it owns; NULL is fine. */
void scene_free(struct scene *s)
{
    if (!s)
        return;
    free(s->file);
    scene_text_free(&s->title);
    scene_text_free(&s->description);
    for (int32_t i = 0; i < s->nprocs; i++)
        free(s->procs[i].name);
    free(s->procs);
    for (int32_t i = 0; i < s->nthreads; i++) {
        free(s->threads[i].name);
        free(s->threads[i].steps);
    }
    free(s->threads);
    for (int32_t i = 0; i < s->nlocks; i++)
        free(s->locks[i].name);
    free(s->locks);
    for (int32_t i = 0; i < s->nshared; i++)
        free(s->shared[i].name);
    free(s->shared);
    for (int32_t i = 0; i < s->nlabels; i++)
        scene_text_free(&s->labels[i]);
    free(s->labels);
    for (int32_t i = 0; i < s->nnotes; i++)
        scene_text_free(&s->notes[i].text);
    free(s->notes);
    for (int32_t i = 0; i < s->nloops; i++)
        free(s->loops[i].name);
    free(s->loops);
    for (int32_t i = 0; i < s->ncoros; i++) {
        free(s->coros[i].name);
        free(s->coros[i].steps);
    }
    free(s->coros);
    for (int32_t i = 0; i < s->nfutures; i++)
        free(s->futures[i].name);
    free(s->futures);
    for (int32_t i = 0; i < s->nqueues; i++)
        free(s->queues[i].name);
    free(s->queues);
    for (int32_t i = 0; i < s->npools; i++)
        free(s->pools[i].name);
    free(s->pools);
    free(s);
}

/* FILE:LINE:COL: error: MSG, then the source line and a caret ("error" and
 * "<scene>" in the process's message language). */
void scene_diags_print(const struct scene_diags *d, FILE *f)
{
    /* TRANSLATORS: the name of a scene that came without a file name. */
    const char *file = d->file && *d->file ? d->file : gv_msg("<scene>");
    /* TRANSLATORS: the label of a scene file's diagnostic, as in
     * "convoy.scene:4:12: error: expected a duration like 5ms". */
    const char *label = gv_msg("error");
    for (int32_t i = 0; i < d->n; i++) {
        const struct scene_diag *g = &d->v[i];
        if (g->line == 0) {
            fprintf(f, "%s: %s: %s\n", file, label, g->msg);
            continue;
        }
        fprintf(f, "%s:%u:%u: %s: %s\n", file, (unsigned)g->line, (unsigned)g->col,
                label, g->msg);
        if (!g->source_line)
            continue;
        fprintf(f, "%5u | %s\n", (unsigned)g->line, g->source_line);
        /* the caret, if the column is inside the kept part of the line */
        uint32_t chars = 0;
        for (const char *p = g->source_line; *p; p++)
            chars += ((unsigned char)*p & 0xc0) != 0x80;
        if (g->col >= 1 && g->col <= chars + 1) {
            fputs("      | ", f);
            for (uint32_t c = 1; c < g->col; c++)
                fputc(' ', f);
            fputs("^\n", f);
        }
    }
}

/* Free the diagnostics and empty the list (d->file is kept). */
void scene_diags_free(struct scene_diags *d)
{
    if (!d)
        return;
    for (int32_t i = 0; i < d->n; i++) {
        free(d->v[i].msg);
        free(d->v[i].source_line);
    }
    free(d->v);
    d->v = NULL;
    d->n = 0;
    d->cap = 0;
}

/* Sum of count x process count over the thread groups. */
int32_t scene_total_threads(const struct scene *s)
{
    int64_t total = 0;
    for (int32_t i = 0; i < s->nthreads; i++) {
        const struct scene_thread *t = &s->threads[i];
        int64_t pc = t->process >= 0 && t->process < s->nprocs ? s->procs[t->process].count : 1;
        total += (int64_t)t->count * pc;
        if (total > INT32_MAX)
            return INT32_MAX;
    }
    return (int32_t)total;
}

/* The loop's `executor N`, or min(32, cores + 4) when it gave none (0). */
int32_t scene_loop_executor(const struct scene *s, int32_t loop)
{
    if (!s || loop < 0 || loop >= s->nloops)
        return 0;
    if (s->loops[loop].executor > 0)
        return s->loops[loop].executor;
    int32_t d = (int32_t)s->set.cores + 4;
    return d < 32 ? d : 32;
}

/* Text in `lang`, else English, else "". */
const char *scene_text_get(const struct scene_text *t, int lang)
{
    if (lang >= 0 && lang < SCENE_NLANG && t->text[lang])
        return t->text[lang];
    return t->text[SCENE_LANG_EN] ? t->text[SCENE_LANG_EN] : "";
}

const char *scene_label(const struct scene *s, int32_t i, int lang)
{
    return s && i >= 0 && i < s->nlabels ? scene_text_get(&s->labels[i], lang) : NULL;
}

void scene_instance_name(const char *base, int32_t i, int32_t count, char *buf, size_t size)
{
    size_t n = strlen(base);
    if (count <= 1)
        snprintf(buf, size, "%s", base);
    else if (n > 0 && base[n - 1] >= '0' && base[n - 1] <= '9')
        snprintf(buf, size, "%s-%d", base, (int)i + 1); /* tick2-1, not tick21 */
    else
        snprintf(buf, size, "%s%d", base, (int)i + 1);
}

int32_t scene_task_group(const struct scene *sc, int32_t k, int32_t *inst)
{
    int32_t left = k;
    for (int32_t c = 0; sc && left >= 0 && c < sc->ncoros; c++) {
        const struct scene_coro *co = &sc->coros[c];
        if (co->is_callback)
            continue;
        if (left < co->count) {
            if (inst)
                *inst = left;
            return c;
        }
        left -= co->count;
    }
    return -1;
}

void scene_task_name(const struct scene *sc, int32_t k, char *buf, size_t size)
{
    int32_t inst, c = scene_task_group(sc, k, &inst);
    if (c >= 0)
        scene_instance_name(sc->coros[c].name, inst, sc->coros[c].count, buf, size);
    else
        snprintf(buf, size, "#%d", (int)k);
}

int scene_note_upto(const struct scene *sc, gv_ns t)
{
    int lo = 0, hi = sc->nnotes;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (sc->notes[mid].at <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
