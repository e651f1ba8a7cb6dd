/*
 * i18n: see i18n.h.  The catalogue is looked up once; gettext's own state
 * (the bound folder, LANGUAGE, LC_MESSAGES) is set before the first
 * Portuguese message and again whenever gv_i18n_prepare is called.
 */
#include "i18n.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene/scene.h"
#include "util.h"

#ifndef GV_LOCALEDIR
#define GV_LOCALEDIR "/usr/local/share/locale"
#endif

_Static_assert((int)GV_LANG_EN == (int)SCENE_LANG_EN && (int)GV_LANG_PT == (int)SCENE_LANG_PT,
               "one set of language codes");

#define MO_PATH "pt_BR/LC_MESSAGES/" GV_TEXTDOMAIN ".mo"

static char locale_dir[PATH_MAX + 32];
static int have_pt;
static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static pthread_once_t pt_once = PTHREAD_ONCE_INIT;
/* set by gv_i18n_prepare(PT): gv_tr then never touches the environment or
 * the locale itself, which other threads (the engine's) may be running */
static _Atomic int pt_ready;

/* LANGUAGE as the user set it, before gv_i18n_prepare replaced it */
static char *user_language;
static int language_replaced;

static int has_catalogue(const char *dir)
{
    char path[PATH_MAX + 64];
    size_t n = strlen(dir);
    if (n + 1 + sizeof MO_PATH > sizeof path)
        return 0;
    memcpy(path, dir, n);
    path[n] = '/';
    memcpy(path + n + 1, MO_PATH, sizeof MO_PATH);   /* with its NUL */
    return access(path, R_OK) == 0;
}

static void find_dir(void)
{
    char exe[PATH_MAX], cand[4][sizeof locale_dir];
    int n = 0;
    const char *env = getenv("GILVIZ_LOCALEDIR");
    if (env && *env)
        snprintf(cand[n++], sizeof cand[0], "%s", env);
    gv_exe_dir(exe, sizeof exe);
    if (exe[0]) {
        snprintf(cand[n++], sizeof cand[0], "%s/locale", exe);
        snprintf(cand[n++], sizeof cand[0], "%s/../share/locale", exe);
        snprintf(cand[n++], sizeof cand[0], "%s/../locale", exe);   /* build/tests/ */
    }
    snprintf(locale_dir, sizeof locale_dir, "%s", GV_LOCALEDIR);
    have_pt = has_catalogue(locale_dir);
    for (int i = 0; i < n; i++)
        if (has_catalogue(cand[i])) {
            memcpy(locale_dir, cand[i], sizeof locale_dir);   /* the same size */
            have_pt = 1;
            break;
        }
}

const char *gv_i18n_dir(void)
{
    pthread_once(&dir_once, find_dir);
    return locale_dir;
}

int gv_i18n_have_pt(void)
{
    pthread_once(&dir_once, find_dir);
    return have_pt;
}

/* Is this locale name C or POSIX (the only ones where gettext ignores
 * LANGUAGE)?  "C.UTF-8" is not. */
static int is_c_locale(const char *v)
{
    return strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0;
}

void gv_i18n_prepare(int lang)
{
    bindtextdomain(GV_TEXTDOMAIN, gv_i18n_dir());
    /* the canvas and every output are UTF-8, whatever LC_CTYPE says */
    bind_textdomain_codeset(GV_TEXTDOMAIN, "UTF-8");
    if (lang != GV_LANG_PT)
        return;
    /* the C library's own messages too (strerror: "Arquivo ou diretório
     * inexistente"), which it would otherwise turn into LC_CTYPE's
     * characters: ASCII, "diret?rio", where no locale is set */
    bind_textdomain_codeset("libc", "UTF-8");
    /* gettext ignores LANGUAGE in the "C" locale, and pt_BR.UTF-8 may not
     * be generated on this machine: C.UTF-8 (built into glibc 2.35+) is a
     * message locale that is not "C" and is always there; older systems
     * may have one of the others. */
    static const char *const not_c[] = { "C.UTF-8", "C.utf8", "pt_BR.UTF-8", "en_US.UTF-8" };
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (!cur || is_c_locale(cur))
        for (size_t k = 0; k < sizeof not_c / sizeof not_c[0] && !setlocale(LC_MESSAGES, not_c[k]); k++)
            ;
    if (!language_replaced) {
        const char *u = getenv("LANGUAGE");
        user_language = u ? gv_strdup(u) : NULL;
        language_replaced = 1;
    }
    setenv("LANGUAGE", "pt_BR:pt", 1);
    pt_ready = 1;
}

static void prepare_pt(void)
{
    gv_i18n_prepare(GV_LANG_PT);
}

static _Atomic int messages_lang = GV_LANG_EN;

void gv_i18n_set_messages(int lang)
{
    messages_lang = lang;
}

const char *gv_msg(const char *msgid)
{
    return gv_tr(messages_lang, msgid);
}

const char *gv_tr(int lang, const char *msgid)
{
    if (lang != GV_LANG_PT || !msgid || !*msgid)
        return msgid;   /* "" would fetch the catalogue's header */
    if (!pt_ready)
        pthread_once(&pt_once, prepare_pt);
    return dgettext(GV_TEXTDOMAIN, msgid);
}

static int lang_of_name(const char *v, size_t n)
{
    if (n >= 2 && strncmp(v, "pt", 2) == 0 && (n == 2 || v[2] == '_' || v[2] == '.' || v[2] == '@'))
        return GV_LANG_PT;
    if ((n >= 2 && strncmp(v, "en", 2) == 0 && (n == 2 || v[2] == '_' || v[2] == '.' || v[2] == '@')) ||
        (n == 1 && v[0] == 'C'))
        return GV_LANG_EN;
    return -1;
}

int gv_lang_from_env(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    const char *loc = NULL;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !loc; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            loc = v;
    }
    if (!loc || is_c_locale(loc))
        return GV_LANG_EN;
    const char *language = language_replaced ? user_language : getenv("LANGUAGE");
    if (language && *language) {
        for (const char *p = language; *p;) {
            size_t n = strcspn(p, ":");
            int l = lang_of_name(p, n);
            if (l >= 0)
                return l;
            p += n + (p[n] == ':');
        }
        return GV_LANG_EN;
    }
    return lang_of_name(loc, strlen(loc)) == GV_LANG_PT ? GV_LANG_PT : GV_LANG_EN;
}

int gv_lang_parse(const char *name)
{
    if (name && strcmp(name, "en") == 0)
        return GV_LANG_EN;
    if (name && strcmp(name, "pt") == 0)
        return GV_LANG_PT;
    return -1;
}
