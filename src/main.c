/*
 * main: the command line.  Turns arguments into one command (check, report,
 * log, play, frame, list) and maps every failure to a sysexits code:
 *   64 usage, 65 bad scene, 66 missing input, 70 internal, 73/74 output.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "out/eventlog.h"
#include "out/trace.h"
#include "out/report.h"
#include "scene/lecture.h"
#include "scene/scene.h"
#include "sim/engine.h"
#include "timeline/timeline.h"
#include "ui/render.h"
#include "ui/ui.h"
#include "out/outfile.h"
#include "util.h"
#include "i18n.h"

#ifndef GV_PKGDATADIR
#define GV_PKGDATADIR "/usr/local/share/gilviz"
#endif

static const char usage_text[] =
    "usage: gilviz [play] [OPTIONS] SCENE  simulate SCENE and play it in the terminal\n"
    "       gilviz check [--lang en|pt] SCENE...\n"
    "                                     validate scene files\n"
    "       gilviz report [--json] [--set KEY=VALUE]... [--compare KEY=V1,V2...] SCENE\n"
    "                                     simulate and print a summary\n"
    "       gilviz log [--from T] [--to T] [--lang en|pt] SCENE\n"
    "                                     simulate and print every event in words\n"
    "       gilviz frame [--at T] [--size COLSxROWS] [--format F] [-o FILE] [OPTIONS] SCENE\n"
    "                                     print one frame of the player (text, ansi, svg, html)\n"
    "       gilviz render [--from T] [--to T] [--speed T] [--size COLSxROWS] [OPTIONS] SCENE\n"
    "                     -o FILE.cast   record playing SCENE as an asciicast v2 file, headless\n"
    "       gilviz export [--set KEY=VALUE]... SCENE -o FILE.json\n"
    "                                     write the timeline for Perfetto / chrome://tracing\n"
    "       gilviz list [--lang en|pt]     list the built-in scenes, by topic, in lecture order\n"
    "       gilviz --help | --version\n"
    "\n"
    "SCENE is a path to a .scene file or the name of a built-in scene (convoy).\n"
    "\n"
    "options:\n"
    "  --json                 report: one JSON object instead of the table\n"
    "  --compare KEY=V1,V2... report: the scene once per value of a setting (e.g.\n"
    "                         cores=1,2,4 or python=3.12,3.13t), a row of figures each\n"
    "  --set KEY=VALUE        override a scene setting; repeatable.  Keys: cores, gil\n"
    "                         (new|old|none), python (2.7, 3.11, 3.13t...), switch_interval,\n"
    "                         check_interval, seed, bytecode, checkpoint, timeslice,\n"
    "                         context_switch, wakeup_latency, wakeup_jitter, signal_cost,\n"
    "                         nogil_overhead, rmw_cost, horizon, spawn_cost, fork_cost,\n"
    "                         pickle_per_mb\n"
    "  --from T, --to T       log: only events between these times (e.g. 0, 2ms, 1.5s);\n"
    "                         render: play from T to T (default: the whole scene)\n"
    "  --max-events N         stop the simulation after N events (default 200000000)\n"
    "  --max-memory SIZE      stop the simulation when its timeline would use more than\n"
    "                         SIZE of memory: 512M, 2G... (default 2G, at least 4M)\n"
    "  --horizon T            stop the simulation at simulated time T, at most 1 day\n"
    "                         (the same as --set horizon=T; the scene's default is 10min)\n"
    "  --at T                 play, frame: the time to show first (default 0)\n"
    "  --size COLSxROWS       frame, render: the size of the frame (default 100x30)\n"
    "  --format F             frame: text (default), ansi, svg or html\n"
    "  -o FILE                export, frame, render: the output file (written atomically;\n"
    "                         - for standard output)\n"
    "  --record FILE.cast     play: also record the session as an asciicast v2 file\n"
    "  --lang en|pt           the language of the messages on stderr, and of the texts,\n"
    "                         captions and event log of play, frame, render, log and list\n"
    "                         (default from LC_ALL, LC_MESSAGES, LANG and LANGUAGE: pt...\n"
    "                         is Portuguese; report and export write English)\n"
    "  --ascii                play, frame, render: ASCII instead of UTF-8 glyphs\n"
    "  --zoom T               play, frame, render: time span the lanes show (e.g. 20ms)\n"
    "  --speed T              play, render: simulated time per second of playback (e.g. 1ms;\n"
    "                         render's default: a 1-2-5 step that plays the range in 12-30 s,\n"
    "                         zoomed out to show at least 10 s of playback)\n"
    "  --select NAME          play, frame, render: the thread or task to explain\n"
    "  --paused               play: start paused\n"
    "  --no-color             play: no colours (also when NO_COLOR is set)\n"
    "  --no-mouse             play: leave the mouse to the terminal\n"
    "\n"
    "player keys: space play/pause, arrows step, ? help, q quit (see gilviz(1))\n"
    "\n"
    "exit status: 0 ok (also when the horizon, --max-events or --max-memory stopped the\n"
    "             simulation: a line on stderr says so), 64 usage, 65 bad scene, 66 missing\n"
    "             file, 70 internal error, 73 cannot create the output file, 74 output error\n";

/* Say "gilviz: " and the message fmt on stderr, in the process's message
 * language (gv_msg: run_command sets it from --lang or the environment
 * before anything is said; the messages are marked with N_ for the
 * catalogue). */
static void vsay(const char *fmt, va_list ap)
{
    fputs("gilviz: ", stderr);
    vfprintf(stderr, gv_msg(fmt), ap);
    fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

/* Say a usage error and exit 64. */
static void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", gv_msg("Try 'gilviz --help'."));
    exit(EX_USAGE);
}

/* Does the argument name a file rather than a built-in scene? */
static int looks_like_path(const char *a)
{
    size_t n = strlen(a);
    return strchr(a, '/') || (n > 6 && strcmp(a + n - 6, ".scene") == 0) || access(a, F_OK) == 0;
}

/* The folders searched for built-in scenes, in order: $GILVIZ_SCENES, the
 * source tree (./gilviz beside scenes/, or build/gilviz below it), the share
 * folder next to an installed binary (relocatable: bin/../share/gilviz),
 * and the share folder chosen at build time. */
struct scene_dirs {
    char buf[4][PATH_MAX + 32];
    const char *dir[5];
    int n;
};

static void scene_dirs(struct scene_dirs *d)
{
    char exe[PATH_MAX];
    const char *env = getenv("GILVIZ_SCENES");
    d->n = 0;
    if (env && *env)
        d->dir[d->n++] = env;
    gv_exe_dir(exe, sizeof exe);
    if (exe[0]) {
        static const char *const rel[] = { "scenes", "../scenes", "../share/gilviz/scenes" };
        for (int i = 0; i < 3; i++) {
            snprintf(d->buf[i], sizeof d->buf[i], "%s/%s", exe, rel[i]);
            d->dir[d->n++] = d->buf[i];
        }
    }
    d->dir[d->n++] = GV_PKGDATADIR "/scenes";
}

/* Resolve a built-in scene name to a path; returns 0 and fills buf. */
static int find_builtin(const char *name, char *buf, size_t size)
{
    struct scene_dirs d;
    scene_dirs(&d);
    for (int i = 0; i < d.n; i++) {
        snprintf(buf, size, "%s/%s.scene", d.dir[i], name);
        if (access(buf, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* Load and parse a scene; exits 65/66 on failure. */
static struct scene *load_scene(const char *arg)
{
    char path[PATH_MAX + 64];
    if (looks_like_path(arg)) {
        snprintf(path, sizeof path, "%s", arg);
    } else if (find_builtin(arg, path, sizeof path) != 0) {
        say(N_("no scene file or built-in scene named '%s' (see 'gilviz list')"), arg);
        exit(EX_NOINPUT);
    }
    size_t len;
    char *text = gv_read_file(path, &len);
    if (!text) {
        say("%s: %s", path, strerror(errno));
        exit(EX_NOINPUT);
    }
    struct scene_diags d = { 0 };
    struct scene *sc = scene_parse(path, text, len, &d);
    if (!sc) {
        d.file = path;
        scene_diags_print(&d, stderr);
        scene_diags_free(&d);
        free(text);
        exit(EX_DATAERR);
    }
    scene_diags_free(&d);
    free(text);
    return sc;
}

static int lang_arg(const char *v);

/* check: validate every file named; 65 if any has an error. */
static int cmd_check(int argc, char **argv)
{
    /* the options first: --lang (early_lang has read it already) */
    int files = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0)
            lang_arg(++i < argc ? argv[i] : NULL);
        else if (argv[i][0] == '-')
            usage_error(N_("unknown option '%s' for check"), argv[i]);
        else
            files++;
    }
    if (files == 0)
        usage_error(N_("check needs at least one scene file"));
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0) {
            i++;
            continue;
        }
        size_t len;
        char *text = gv_read_file(argv[i], &len);
        if (!text) {
            say("%s: %s", argv[i], strerror(errno));
            if (rc == 0)
                rc = EX_NOINPUT;
            continue;
        }
        struct scene_diags d = { 0 };
        struct scene *sc = scene_parse(argv[i], text, len, &d);
        if (!sc) {
            d.file = argv[i];
            scene_diags_print(&d, stderr);
            rc = EX_DATAERR;
        } else {
            int n = (int)scene_total_threads(sc);
            printf("%s: ok (%d thread%s)\n", argv[i], n, n == 1 ? "" : "s");
        }
        scene_free(sc);
        scene_diags_free(&d);
        free(text);
    }
    return rc;
}

struct run_opts {
    int json;
    gv_ns from, to;
    struct ui_opts ui;
    uint64_t max_events;
    uint64_t max_memory;  /* bytes of timeline (records + checkpoints) */
    const char *scene;
    const char *output;   /* export, frame, render: -o FILE */
    const char *sets[64];
    int nsets;
    char horizon_set[96];  /* --horizon T, as "horizon=T" in sets */
    const char *compare;   /* report --compare KEY=V1,V2,... */
};

/* A time option's value ("0" needs no unit); exits 64 if it is not a time. */
static gv_ns time_arg(const char *opt, const char *v)
{
    gv_ns t;
    const char *why;
    if (!v)
        usage_error(N_("%s needs a time like 5ms"), opt);
    if (args_time(v, &t, &why) != 0) {
        usage_error(N_("%s: bad time '%s': %s"), opt, v, gv_msg(why));
    }
    return t;
}

/* The value of --lang; exits 64 unless it is en or pt. */
static int lang_arg(const char *v)
{
    int lang = gv_lang_parse(v);
    if (lang < 0)
        usage_error(N_("--lang needs 'en' or 'pt', not '%s'"), v ? v : "");
    return lang;
}

/* The language of a command: --lang (lang >= 0) or the environment's.  For
 * Portuguese, gettext is made ready here, before any thread starts, and a
 * missing catalogue is said once (the texts then stay in English). */
static int resolve_lang(int lang)
{
    if (lang < 0)
        lang = gv_lang_from_env();
    gv_i18n_prepare(lang);
    if (lang == GV_LANG_PT && !gv_i18n_have_pt())
        say("no Portuguese catalogue (%s/pt_BR/LC_MESSAGES/%s.mo): texts stay in English", gv_i18n_dir(),
            GV_TEXTDOMAIN);
    return lang;
}

/* Options of play and frame; returns 1 if argv[*i] was one (and consumes
 * its value). */
enum { K_PLAY, K_FRAME, K_RENDER };

static int parse_ui_opt(int argc, char **argv, int *i, struct ui_opts *u, int kind)
{
    int play = kind == K_PLAY;
    const char *a = argv[*i];
    const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strcmp(a, "--ascii") == 0) {
        u->ascii = 1;
    } else if (strcmp(a, "--lang") == 0) {
        u->lang = lang_arg(next);
        (*i)++;
    } else if (strcmp(a, "--at") == 0 && kind != K_RENDER) {
        u->at = time_arg(a, next);
        (*i)++;
    } else if (strcmp(a, "--zoom") == 0) {
        u->zoom = time_arg(a, next);
        if (u->zoom < 100)
            usage_error(N_("--zoom: '%s' is too small (at least 100ns)"), next);
        (*i)++;
    } else if (strcmp(a, "--select") == 0) {
        if (!next)
            usage_error(N_("--select needs a thread name"));
        u->select = next;
        (*i)++;
    } else if (strcmp(a, "--size") == 0 && !play) {
        int w, h;
        if (!next || args_size(next, &w, &h) != 0)
            usage_error(N_("--size needs COLSxROWS, like 100x30 (at most 1000x1000), not '%s'"), next ? next : "");
        u->w = w;
        u->h = h;
        (*i)++;
    } else if (kind != K_FRAME && strcmp(a, "--speed") == 0) {
        u->speed = time_arg(a, next);
        if (u->speed < 1)
            usage_error(N_("--speed: '%s' is too slow (at least 1ns per second)"), next);
        (*i)++;
    } else if (kind == K_FRAME && strcmp(a, "--format") == 0) {
        if (!next || (u->format = render_format_parse(next)) < 0)
            usage_error(N_("--format needs text, ansi, svg or html, not '%s'"), next ? next : "");
        (*i)++;
    } else if (play && strcmp(a, "--record") == 0) {
        if (!next || !*next || strcmp(next, "-") == 0)
            usage_error(N_("--record needs a file name (FILE.cast; standard output is the terminal)"));
        u->record = next;
        (*i)++;
    } else if (play && strcmp(a, "--no-color") == 0) {
        u->no_color = 1;
    } else if (play && strcmp(a, "--no-mouse") == 0) {
        u->no_mouse = 1;
    } else if (play && strcmp(a, "--paused") == 0) {
        u->paused = 1;
    } else {
        return 0;
    }
    return 1;
}

/* Parse options shared by report, log, play and frame. */
static void parse_run_opts(int argc, char **argv, struct run_opts *o, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->max_events = ENGINE_DEFAULT_MAX_EVENTS;
    o->max_memory = TL_DEFAULT_MAX_BYTES;
    o->to = GV_NS_MAX;
    ui_opts_init(&o->ui);
    int play = strcmp(cmd, "play") == 0, frame = strcmp(cmd, "frame") == 0, render = strcmp(cmd, "render") == 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strncmp(a, "--set=", 6) == 0)
            val = a + 6;
        else if (strcmp(a, "--set") == 0) {
            if (i + 1 >= argc)
                usage_error(N_("--set needs KEY=VALUE"));
            val = argv[++i];
        }
        if (val) {
            if (o->nsets == (int)(sizeof o->sets / sizeof o->sets[0]))
                usage_error(N_("too many --set options"));
            o->sets[o->nsets++] = val;
            continue;
        }
        if (strcmp(a, "--json") == 0 && strcmp(cmd, "report") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--compare") == 0 && strcmp(cmd, "report") == 0) {
            if (i + 1 >= argc)
                usage_error(N_("--compare needs KEY=VALUE,VALUE..., e.g. cores=1,2,4"));
            o->compare = argv[++i];
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) &&
                   (strcmp(cmd, "export") == 0 || frame || render)) {
            if (i + 1 >= argc)
                usage_error(N_("%s needs a file name (or - for standard output)"), a);
            o->output = argv[++i];
        } else if (strcmp(a, "--lang") == 0 && !play && !frame && !render) {
            /* log's words; report's and export's messages only (early_lang) */
            o->ui.lang = lang_arg(i + 1 < argc ? argv[i + 1] : NULL);
            i++;
        } else if ((strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) && (strcmp(cmd, "log") == 0 || render)) {
            const char *why;
            gv_ns *dst = a[2] == 'f' ? &o->from : &o->to;
            if (i + 1 >= argc)
                usage_error(N_("%s needs a time like 5ms"), a);
            if (args_time(argv[i + 1], dst, &why) != 0)
                usage_error(N_("%s: bad time '%s': %s"), a, argv[i + 1], gv_msg(why));
            i++;
        } else if ((play || frame || render) &&
                   parse_ui_opt(argc, argv, &i, &o->ui, play ? K_PLAY : frame ? K_FRAME : K_RENDER)) {
            continue;
        } else if (strcmp(a, "--max-events") == 0 || strncmp(a, "--max-events=", 13) == 0) {
            const char *v = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                usage_error(N_("--max-events needs a number"));
            if (args_count(v, &o->max_events) != 0)
                usage_error(N_("--max-events: '%s' is not a positive number"), v);
        } else if (strcmp(a, "--max-memory") == 0 || strncmp(a, "--max-memory=", 13) == 0) {
            const char *v = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
            const char *why;
            if (!v)
                usage_error(N_("--max-memory needs a size like 512M or 2G"));
            if (gv_parse_bytes(v, &o->max_memory, &why) != 0)
                usage_error(N_("--max-memory: bad size '%s': %s"), v, gv_msg(why));
            if (o->max_memory < (UINT64_C(4) << 20))
                usage_error(N_("--max-memory: '%s' is too small (at least 4M)"), v);
            if (o->max_memory > SIZE_MAX)
                o->max_memory = SIZE_MAX;
        } else if (strcmp(a, "--horizon") == 0 || strncmp(a, "--horizon=", 10) == 0) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            gv_ns h = time_arg("--horizon", v); /* exits 64 unless it is a time */
            if (h <= 0)
                usage_error(N_("--horizon must be positive, not '%s'"), v);
            if (o->nsets == (int)(sizeof o->sets / sizeof o->sets[0]))
                usage_error(N_("too many --set options"));
            /* the parsed value in ns: no cut copy of what was typed */
            snprintf(o->horizon_set, sizeof o->horizon_set, "horizon=%" PRId64 "ns", h);
            o->sets[o->nsets++] = o->horizon_set;
        } else if (a[0] == '-' && a[1]) {
            usage_error(N_("unknown option '%s'"), a);
        } else if (!o->scene) {
            o->scene = a;
        } else {
            usage_error(N_("unexpected argument '%s' (one scene at a time)"), a);
        }
    }
    if (!o->scene)
        usage_error(N_("%s needs a scene"), cmd);
    if (strcmp(cmd, "export") == 0 && !o->output)
        usage_error(N_("export needs -o FILE.json (or -o - for standard output)"));
    if (render && !o->output)
        usage_error(N_("render needs -o FILE.cast (or -o - for standard output)"));
    if (o->from > o->to)
        usage_error(N_("--from must not be later than --to"));
}

/* Load, override, simulate; returns the scene, timeline and engine. */
static int simulate(const struct run_opts *o, struct scene **psc, struct timeline **ptl,
                    struct engine **pe)
{
    struct scene *sc = load_scene(o->scene);
    for (int i = 0; i < o->nsets; i++) {
        char err[512];
        if (scene_set(sc, o->sets[i], err, sizeof err) != 0) {
            say("--set %s: %s", o->sets[i], err);
            scene_free(sc);
            exit(EX_USAGE);
        }
    }
    struct timeline *tl = timeline_new();
    timeline_set_max_bytes(tl, (size_t)o->max_memory);
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    if (!e) {
        say("%s", err);
        timeline_free(tl);
        scene_free(sc);
        exit(EX_DATAERR);
    }
    engine_set_max_events(e, o->max_events);
    int rc = engine_run(e, err, sizeof err);
    *psc = sc;
    *ptl = tl;
    *pe = e;
    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
        return EX_DATAERR;
    }
    return 0;
}

/* Say on stderr why a simulation stopped before every thread ended, if a
 * limit stopped it: the horizon, --max-events or --max-memory.  The
 * output covers what was simulated; the exit status stays 0. */
static void stop_note(const struct scene *sc, const struct sim_stats *st, const struct timeline *tl,
                      uint64_t max_memory)
{
    char t[32], h[32], m[32];
    gv_fmt_duration(st->wall_ns, t, sizeof t);
    if (st->horizon_hit) {
        gv_ns horizon = sc->set.horizon;
        if (horizon >= GV_NS_MAX)
            say(N_("stopped at the horizon, %s of simulated time, with work left "
                   "(1 day is the longest horizon)"), t);
        else
            say(N_("stopped at the horizon, %s of simulated time, with work left; "
                   "raise it with --horizon %s"), t,
                gv_fmt_duration_arg(horizon < GV_NS_MAX / 2 ? 2 * horizon : GV_NS_MAX, h, sizeof h));
    }
    if (st->event_cap_hit)
        say(N_("stopped after %llu events, at %s of simulated time; raise --max-events to go on"),
            (unsigned long long)st->events, t);
    if (st->mem_cap_hit)
        say(N_("stopped at %s of simulated time: the timeline reached --max-memory "
               "(%s, %llu records); raise it to go on"),
            t, gv_fmt_bytes(max_memory, m, sizeof m), (unsigned long long)timeline_count(tl));
}

/* The output of a headless command, once the simulation has run. */
static int emit(const char *cmd, struct run_opts *o, struct scene *sc, struct timeline *tl, struct engine *e)
{
    char err[512] = "";
    int rc = 0;
    if (strcmp(cmd, "report") == 0 || strcmp(cmd, "log") == 0) {
        const struct sim_stats *st = engine_stats(e);
        if (strcmp(cmd, "log") == 0)
            eventlog_print(stdout, tl, sc, o->from, o->to, o->ui.lang);
        else if (o->json)
            report_json(stdout, sc, st);
        else
            report_text(stdout, sc, st);
        stop_note(sc, st, tl, o->max_memory);
        return 0;
    }
    if (strcmp(cmd, "export") == 0) {
        /* Chrome Trace Event Format, through a temporary file renamed into place */
        rc = trace_export_file(o->output, tl, sc, err, sizeof err);
    } else if (strcmp(cmd, "frame") == 0) {
        int code = 0;
        struct outfile *of = o->output ? outfile_open(o->output, err, sizeof err, &code) : NULL;
        if (o->output && !of) {
            rc = code ? code : EX_CANTCREAT;
        } else {
            rc = ui_frame(of ? outfile_fp(of) : stdout, sc, tl, &o->ui, err, sizeof err);
            if (of && rc == 0)
                rc = outfile_commit(of, err, sizeof err, &code);
            else
                outfile_abort(of);
        }
    } else { /* render: a headless asciicast of playing it */
        o->ui.from = o->from;
        o->ui.to = o->to == GV_NS_MAX ? -1 : o->to;
        rc = ui_render(o->output, sc, tl, &o->ui, err, sizeof err);
    }
    if (rc != 0)
        say("%s", err);
    else
        stop_note(sc, engine_stats(e), tl, o->max_memory);
    return rc;
}

/* report --compare KEY=V1,V2,...: the scene once per value (after the
 * --set options, so the value wins), a row of the comparison each (or, with
 * --json, each run's report in an array). */
#define COMPARE_MAX 16
static int cmd_compare(const struct run_opts *o)
{
    const char *spec = o->compare, *eq = strchr(spec, '=');
    char key[64], vals[COMPARE_MAX][64];
    int n = 0;
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof key)
        usage_error(N_("--compare needs KEY=VALUE,VALUE..., e.g. cores=1,2,4"));
    snprintf(key, sizeof key, "%.*s", (int)(eq - spec), spec);
    for (const char *p = eq + 1;; p++) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == 0 || len >= sizeof vals[0])
            usage_error(N_("--compare: '%s' needs values between its commas, e.g. cores=1,2,4"), spec);
        if (n == COMPARE_MAX)
            usage_error(N_("--compare: at most %d values"), COMPARE_MAX);
        snprintf(vals[n++], sizeof vals[0], "%.*s", (int)len, p);
        if (!q)
            break;
        p = q;
    }
    if (n < 2)
        usage_error(N_("--compare needs at least two values to compare, e.g. cores=1,2,4"));
    if (o->nsets == (int)(sizeof o->sets / sizeof o->sets[0]))
        usage_error(N_("too many --set options"));
    int width = (int)strlen(key);
    for (int i = 0; i < n; i++)
        width = (int)strlen(vals[i]) > width ? (int)strlen(vals[i]) : width;
    /* the JSON is written out only once every run has worked: a run that
     * fails leaves no half object on the output */
    char *json = NULL;
    size_t json_len = 0;
    FILE *js = o->json ? open_memstream(&json, &json_len) : NULL;
    if (o->json && !js) {
        say("%s", strerror(errno));
        return EX_OSERR;
    }
    for (int i = 0; i < n; i++) {
        struct run_opts r = *o;
        char set[160];
        snprintf(set, sizeof set, "%.63s=%.63s", key, vals[i]);   /* (each fits its 64 bytes) */
        r.sets[r.nsets++] = set;
        struct scene *sc;
        struct timeline *tl;
        struct engine *e;
        int rc = simulate(&r, &sc, &tl, &e);   /* (exits on a bad value, naming it as --set does) */
        if (rc == 0) {
            const struct sim_stats *st = engine_stats(e);
            if (js) {
                if (i == 0)   /* (the first run has shown the key is a setting's name: a plain word) */
                    fprintf(js, "{\"compare\":\"%s\",\"runs\":[", key);
                fprintf(js, "%s{\"value\":\"", i ? "," : "");
                for (const char *c = vals[i]; *c; c++)
                    fprintf(js, *c == '"' || *c == '\\' ? "\\%c" : (unsigned char)*c < 0x20 ? "?" : "%c", *c);
                fputs("\",\"report\":", js);
                report_json(js, sc, st);
                fputc('}', js);
            } else {
                if (i == 0)
                    report_compare_head(stdout, sc, key, width);
                report_compare_row(stdout, vals[i], width, sc, st);
            }
        }
        engine_free(e);
        timeline_free(tl);
        scene_free(sc);
        if (rc != 0) {
            if (js)
                fclose(js);
            free(json);
            return rc;
        }
    }
    if (js) {
        fputs("]}\n", js);
        fclose(js);
        fwrite(json, 1, json_len, stdout);
        free(json);
    }
    return 0;
}

/* report, log, export, frame, render: simulate to the end, then write. */
static int cmd_headless(int argc, char **argv, const char *cmd)
{
    struct run_opts o;
    parse_run_opts(argc, argv, &o, cmd);
    if (o.compare)
        return cmd_compare(&o);
    if (strcmp(cmd, "log") == 0 || strcmp(cmd, "frame") == 0 || strcmp(cmd, "render") == 0)
        o.ui.lang = resolve_lang(o.ui.lang);
    struct scene *sc;
    struct timeline *tl;
    struct engine *e;
    int rc = simulate(&o, &sc, &tl, &e);
    if (rc == 0)
        rc = emit(cmd, &o, sc, tl, e);
    engine_free(e);
    timeline_free(tl);
    scene_free(sc);
    return rc;
}

/* play: the interactive player.  Every error about the scene or the command
 * line is printed before the terminal is touched. */
static int cmd_play(int argc, char **argv)
{
    struct run_opts o;
    parse_run_opts(argc, argv, &o, "play");
    o.ui.lang = resolve_lang(o.ui.lang);
    struct scene *sc = load_scene(o.scene);
    for (int i = 0; i < o.nsets; i++) {
        char err[512];
        if (scene_set(sc, o.sets[i], err, sizeof err) != 0) {
            say("--set %s: %s", o.sets[i], err);
            scene_free(sc);
            return EX_USAGE;
        }
    }
    if (!isatty(STDOUT_FILENO)) {
        say(N_("the player needs a terminal, and the output is not one.\n"
               "Without a terminal, try 'gilviz report %s', 'gilviz log %s' or\n"
               "'gilviz frame --at 5ms --size 100x30 %s'."),
            o.scene, o.scene, o.scene);
        scene_free(sc);
        return EX_USAGE;
    }
    struct timeline *tl = timeline_new();
    timeline_set_max_bytes(tl, (size_t)o.max_memory);
    char err[512];
    struct engine *e = engine_new(sc, tl, err, sizeof err);
    if (!e) {
        say("%s", err);
        timeline_free(tl);
        scene_free(sc);
        return EX_DATAERR;
    }
    engine_set_max_events(e, o.max_events);
    int rc = ui_play(sc, e, tl, &o.ui);
    if (rc == 0 && timeline_done(tl))
        stop_note(sc, engine_stats(e), tl, o.max_memory);
    engine_free(e);
    timeline_free(tl);
    scene_free(sc);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `gilviz list` is 80 columns wide: "  NAME               summary...", the
 * summary wrapped at spaces (a word longer than the line is cut between two
 * characters).  A column is a character: UTF-8 continuation bytes take none
 * (the scenes' Latin texts have no double-width characters). */
#define LIST_WIDTH 80
#define LIST_NAME 18
#define LIST_INDENT (2 + LIST_NAME + 1)

static void print_wrapped(const char *s, int indent, int width)
{
    int first = 1;
    while (*s == ' ' || *s == '\n')
        s++;
    while (*s) {
        const char *p = s, *cut = NULL;
        for (int cols = 0; *p; cols++) {
            if (*p == ' ' || *p == '\n')
                cut = p;
            if (cols == width)
                break;
            p++;
            while ((*p & 0xC0) == 0x80)
                p++;
        }
        const char *end = p;
        if (*p && *p != ' ' && *p != '\n' && cut && cut > s)
            end = cut;   /* break at the last space that fits */
        if (!first)
            printf("%*s", indent, "");
        for (const char *c = s; c < end; c++)
            putchar(*c == '\n' ? ' ' : *c);
        putchar('\n');
        first = 0;
        for (s = end; *s == ' ' || *s == '\n'; s++)
            ;
    }
    if (first)
        putchar('\n');
}

/* One scene of the list: its name and its description (its title if it has
 * none) in `lang`. */
static void list_scene(const char *name, int lang)
{
    char path[PATH_MAX + 64];
    const char *summary = "";
    struct scene *sc = NULL;
    size_t len;
    char *text = NULL;
    if (find_builtin(name, path, sizeof path) == 0 && (text = gv_read_file(path, &len))) {
        struct scene_diags diags = { 0 };
        sc = scene_parse(path, text, len, &diags);
        scene_diags_free(&diags);
        if (sc) {
            summary = scene_text_get(&sc->description, lang);
            if (!*summary)
                summary = scene_text_get(&sc->title, lang);
        } else {
            summary = gv_tr(lang, "(has errors: see gilviz check)");
        }
    }
    if ((int)strlen(name) <= LIST_NAME)
        printf("  %-*s ", LIST_NAME, name);
    else
        printf("  %s\n%*s", name, LIST_INDENT, "");
    print_wrapped(summary, LIST_INDENT, LIST_WIDTH - LIST_INDENT);
    scene_free(sc);
    free(text);
}

/* The lecture plan: lecture.list in the first folder of built-in scenes that
 * has one; NULL if none does. */
static struct lecture *load_lecture(const struct scene_dirs *d)
{
    for (int i = 0; i < d->n; i++) {
        char path[PATH_MAX + 64];
        size_t len;
        snprintf(path, sizeof path, "%s/lecture.list", d->dir[i]);
        char *text = gv_read_file(path, &len);
        if (!text)
            continue;
        struct lecture *l = lecture_parse(path, text, len, stderr);
        free(text);
        return l;
    }
    return NULL;
}

/* list: every built-in scene (the first folder that has a name wins) with
 * its description, grouped by the topics of lecture.list in its order; the
 * scenes it does not name come last, under "Other scenes". */
static int cmd_list(int argc, char **argv)
{
    int lang = -1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0) {
            lang = lang_arg(i + 1 < argc ? argv[i + 1] : NULL);
            i++;
        } else if (argv[i][0] == '-') {
            usage_error(N_("unknown option '%s' for list"), argv[i]);
        } else {
            usage_error(N_("unexpected argument '%s' for list"), argv[i]);
        }
    }
    lang = resolve_lang(lang);
    struct scene_dirs d;
    scene_dirs(&d);
    char *names[1024];
    int n = 0;
    for (int i = 0; i < d.n; i++) {
        DIR *dir = opendir(d.dir[i]);
        struct dirent *de;
        while (dir && (de = readdir(dir)) && n < 1024) {
            size_t l = strlen(de->d_name);
            if (l <= 6 || strcmp(de->d_name + l - 6, ".scene") != 0)
                continue;
            char *name = gv_strndup(de->d_name, l - 6);
            int dup = 0;
            for (int k = 0; k < n && !dup; k++)
                dup = strcmp(names[k], name) == 0;
            if (dup)
                free(name);
            else
                names[n++] = name;
        }
        if (dir)
            closedir(dir);
    }
    if (n == 0) {
        say(N_("no built-in scenes found (looked in %s)"), d.dir[d.n - 1]);
        return EX_NOINPUT;
    }
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    struct lecture *lec = load_lecture(&d);
    int groups = 0;
    for (int t = 0; lec && t < lec->ntopics; t++) {
        const struct lecture_topic *tp = &lec->topics[t];
        int shown = 0;
        for (int k = 0; k < tp->nscenes; k++) {
            int found = 0;
            for (int i = 0; i < n && !found; i++)
                found = strcmp(names[i], tp->scenes[k]) == 0;
            if (!found)
                continue;   /* listed, but not (yet) a file: skipped */
            if (!shown++)
                printf("%s%s\n", groups++ ? "\n" : "", lecture_title(tp, lang));
            list_scene(tp->scenes[k], lang);
        }
    }
    int others = 0;
    for (int i = 0; i < n; i++) {
        if (!lecture_has(lec, names[i])) {
            if (!others++ && lec)
                printf("%s%s\n", groups++ ? "\n" : "", gv_tr(lang, "Other scenes"));
            list_scene(names[i], lang);
        }
        free(names[i]);
    }
    lecture_free(lec);
    return 0;
}

/* The language of the messages: the last valid --lang on the command line,
 * as the options themselves take the last (a bad one is said in the
 * environment's), else the environment's.  Portuguese makes gettext ready
 * now, before any thread starts. */
static int early_lang(int argc, char **argv)
{
    int lang = -1;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--lang") == 0 && gv_lang_parse(argv[i + 1]) >= 0)
            lang = gv_lang_parse(argv[i + 1]);
    if (lang < 0)
        lang = gv_lang_from_env();
    if (lang == GV_LANG_PT)
        gv_i18n_prepare(lang);
    return lang;
}

/* Run one command. */
static int run_command(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EX_USAGE;
    }
    gv_i18n_set_messages(early_lang(argc, argv));
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("gilviz %s\n", GV_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return cmd_headless(argc - 2, argv + 2, "report");
    if (strcmp(cmd, "log") == 0)
        return cmd_headless(argc - 2, argv + 2, "log");
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 2, argv + 2);
    if (strcmp(cmd, "frame") == 0)
        return cmd_headless(argc - 2, argv + 2, "frame");
    if (strcmp(cmd, "render") == 0)
        return cmd_headless(argc - 2, argv + 2, "render");
    if (strcmp(cmd, "export") == 0)
        return cmd_headless(argc - 2, argv + 2, "export");
    if (strcmp(cmd, "play") == 0)
        return cmd_play(argc - 2, argv + 2);
    /* `gilviz [OPTIONS] SCENE` is play; an unknown option is reported there.
     * A first word that is neither a scene nor an option, with more words
     * after it, is most likely a misspelt command. */
    char path[PATH_MAX + 64];
    if (argc > 2 && cmd[0] != '-' && !looks_like_path(cmd) && find_builtin(cmd, path, sizeof path) != 0)
        usage_error(N_("'%s' is neither a command (play, check, report, log, frame, render, export, list) "
                    "nor a scene (see 'gilviz list')"), cmd);
    return cmd_play(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    int rc = run_command(argc, argv);
    /* every command's output must have reached its destination (said once:
     * a command that failed has already explained why) */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (rc != 0)
            return rc;
        say(N_("writing the output failed: %s"), strerror(errno ? errno : EIO));
        return EX_IOERR;
    }
    return rc;
}
