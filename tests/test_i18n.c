/*
 * test_i18n: the lecture plan's parser (src/scene/lecture.c), the language
 * the environment asks for, gettext's Portuguese (src/i18n.c) and a scene's
 * diagnostics and --set messages in Portuguese (cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"
#include "scene/lecture.h"
#include "scene/scene.h"

static struct lecture *parse(const char *text, char *warn, size_t size)
{
    FILE *w = fmemopen(warn, size, "w");
    assert_non_null(w);
    struct lecture *l = lecture_parse("plan.list", text, strlen(text), w);
    fclose(w);
    return l;
}

static void lecture_topics_and_scenes(void **state)
{
    (void)state;
    char warn[512] = "";
    struct lecture *l = parse("# comment\n"
                              "\n"
                              "topic \"First \\\"one\\\"\" pt \"Primeiro\"\n"
                              "    hello\n"
                              "\tcpu-threads   \n"
                              "topic \"Second\"\r\n"
                              "convoy\n",
                              warn, sizeof warn);
    assert_string_equal(warn, "");
    assert_int_equal(l->ntopics, 2);
    assert_string_equal(lecture_title(&l->topics[0], SCENE_LANG_EN), "First \"one\"");
    assert_string_equal(lecture_title(&l->topics[0], SCENE_LANG_PT), "Primeiro");
    assert_int_equal(l->topics[0].nscenes, 2);
    assert_string_equal(l->topics[0].scenes[0], "hello");
    assert_string_equal(l->topics[0].scenes[1], "cpu-threads");
    /* no Portuguese title: the English one */
    assert_string_equal(lecture_title(&l->topics[1], SCENE_LANG_PT), "Second");
    assert_int_equal(l->topics[1].nscenes, 1);
    assert_true(lecture_has(l, "convoy"));
    assert_false(lecture_has(l, "conv"));
    assert_false(lecture_has(NULL, "convoy"));
    lecture_free(l);
}

/* A topic title goes to the terminal as is: control bytes (an escape
 * sequence in a hostile lecture.list) come out as '?'. */
static void lecture_titles_carry_no_control_bytes(void **state)
{
    (void)state;
    char warn[512] = "";
    struct lecture *l = parse("topic \"a\033[2Jb\tc\" pt \"\x7f\"\n    hello\n", warn, sizeof warn);
    assert_non_null(l);
    assert_int_equal(l->ntopics, 1);
    assert_string_equal(lecture_title(&l->topics[0], SCENE_LANG_EN), "a?[2Jb?c");
    assert_string_equal(lecture_title(&l->topics[0], SCENE_LANG_PT), "?");
    lecture_free(l);
}

static void lecture_bad_lines_are_skipped(void **state)
{
    (void)state;
    char warn[1024] = "";
    struct lecture *l = parse("orphan\n"                         /* 1: before any topic */
                              "topic \"A\" pt\n"                 /* 2: pt without its text */
                              "topic \"B\"\n"                     /* 3 */
                              "two words\n"                       /* 4 */
                              "topic \"C\" extra\n"               /* 5 */
                              "topic \"unterminated\n"            /* 6 */
                              "ok-scene",                         /* 7: no final newline */
                              warn, sizeof warn);
    assert_non_null(strstr(warn, "plan.list:1: a scene before the first topic"));
    assert_non_null(strstr(warn, "plan.list:2: expected topic"));
    assert_non_null(strstr(warn, "plan.list:4: expected one scene name or a topic"));
    assert_non_null(strstr(warn, "plan.list:5: "));
    assert_non_null(strstr(warn, "plan.list:6: "));
    assert_int_equal(l->ntopics, 1);
    assert_string_equal(lecture_title(&l->topics[0], SCENE_LANG_EN), "B");
    assert_int_equal(l->topics[0].nscenes, 1);
    assert_string_equal(l->topics[0].scenes[0], "ok-scene");
    lecture_free(l);
    l = parse("", warn, sizeof warn);
    assert_int_equal(l->ntopics, 0);
    lecture_free(l);
}

static void env_language(void **state)
{
    (void)state;
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    unsetenv("LANGUAGE");
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    setenv("LANG", "pt_BR.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_PT);
    setenv("LANG", "pt", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_PT);
    setenv("LANG", "ptx", 1);   /* not a Portuguese locale name */
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    setenv("LANG", "pt_BR.UTF-8", 1);
    setenv("LC_MESSAGES", "C", 1);   /* the C locale: English, LANGUAGE ignored */
    setenv("LANGUAGE", "pt_BR", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    setenv("LC_MESSAGES", "C.UTF-8", 1);   /* not C: LANGUAGE counts */
    assert_int_equal(gv_lang_from_env(), GV_LANG_PT);
    setenv("LANGUAGE", "fr:de", 1);   /* no catalogue for any: English */
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    setenv("LANGUAGE", "fr:pt_PT:en", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_PT);
    setenv("LANGUAGE", "en_GB:pt", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    setenv("LANGUAGE", "", 1);   /* empty: the locale decides */
    setenv("LC_ALL", "pt_BR.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_PT);
    setenv("LC_ALL", "POSIX", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANGUAGE");
    unsetenv("LANG");
    assert_int_equal(gv_lang_parse("en"), GV_LANG_EN);
    assert_int_equal(gv_lang_parse("pt"), GV_LANG_PT);
    assert_int_equal(gv_lang_parse("pt_BR"), -1);
    assert_int_equal(gv_lang_parse(NULL), -1);
}

/* Portuguese from the catalogue, in a process whose locale is "C" (gettext
 * would ignore LANGUAGE there) and without the pt_BR locale. */
static void gettext_portuguese(void **state)
{
    (void)state;
    if (!gv_i18n_have_pt())
        fail_msg("no catalogue in %s (make builds it; GILVIZ_LOCALEDIR points to it)", gv_i18n_dir());
    assert_string_equal(gv_tr(GV_LANG_EN, "paused"), "paused");
    assert_string_equal(gv_tr(GV_LANG_PT, "paused"), "pausado");
    assert_string_equal(gv_tr(GV_LANG_PT, "forced GIL switch to %s"), "troca forçada de GIL para %s");
    assert_string_equal(gv_tr(GV_LANG_PT, "a message nobody wrote"), "a message nobody wrote");
    assert_string_equal(gv_tr(GV_LANG_PT, ""), "");
    assert_string_equal(gv_tr(GV_LANG_EN, "paused"), "paused");   /* English after Portuguese */
    /* the LANGUAGE given to gettext is not taken for the user's */
    setenv("LANG", "C.UTF-8", 1);
    assert_int_equal(gv_lang_from_env(), GV_LANG_EN);
    unsetenv("LANG");
}

/* The scene parser's diagnostics in the process's message language: the
 * message, the "error" label and "<scene>"; English again when the
 * messages are; scene_set's messages the same. */
static void scene_diags_portuguese(void **state)
{
    (void)state;
    if (!gv_i18n_have_pt())
        fail_msg("no catalogue in %s", gv_i18n_dir());
    static const char text[] = "thread a x5000:\n    cpu 2\n    join a\n";
    struct scene_diags d;
    memset(&d, 0, sizeof d);
    gv_i18n_set_messages(GV_LANG_PT);
    assert_null(scene_parse("t.scene", text, strlen(text), &d));
    d.file = NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    scene_diags_print(&d, f);
    fclose(f);
    assert_string_equal(out,
        "<cena>:1:10: erro: threads demais: 5000 (no máximo 4096)\n"
        "    1 | thread a x5000:\n"
        "      |          ^\n"
        "<cena>:2:9: erro: uma duração precisa de uma unidade (ns, us, ms, s)\n"
        "    2 |     cpu 2\n"
        "      |         ^\n"
        "<cena>:3:10: erro: uma thread não pode fazer join em si mesma\n"
        "    3 |     join a\n"
        "      |          ^\n");
    free(out);
    scene_diags_free(&d);

    /* English again once the messages are, after Portuguese */
    gv_i18n_set_messages(GV_LANG_EN);
    memset(&d, 0, sizeof d);
    assert_null(scene_parse("t.scene", text, strlen(text), &d));
    assert_int_equal(d.n, 3);
    assert_string_equal(d.v[0].msg, "too many threads: 5000 (at most 4096)");
    assert_string_equal(d.v[2].msg, "a thread cannot join itself");
    scene_diags_free(&d);

    /* --set: in Portuguese, then in English */
    static const char ok[] = "thread a:\n    cpu 1ms\n";
    memset(&d, 0, sizeof d);
    struct scene *s = scene_parse("t.scene", ok, strlen(ok), &d);
    assert_non_null(s);
    char err[512];
    gv_i18n_set_messages(GV_LANG_PT);
    assert_int_equal(scene_set(s, "gil=x", err, sizeof err), -1);
    assert_string_equal(err, "modelo de GIL desconhecido 'x' (use new, old ou none)");
    assert_int_equal(scene_set(s, "seed=99999999999999999999", err, sizeof err), -1);
    assert_string_equal(err, "seed precisa estar entre 0 e 18446744073709551615");
    assert_int_equal(scene_set(s, "horizon=5", err, sizeof err), -1);
    assert_string_equal(err, "uma duração precisa de uma unidade (ns, us, ms, s)");
    gv_i18n_set_messages(GV_LANG_EN);
    assert_int_equal(scene_set(s, "gil=x", err, sizeof err), -1);
    assert_string_equal(err, "unknown GIL model 'x' (use new, old or none)");
    scene_free(s);
    scene_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lecture_topics_and_scenes),
        cmocka_unit_test(lecture_bad_lines_are_skipped),
        cmocka_unit_test(lecture_titles_carry_no_control_bytes),
        cmocka_unit_test(env_language),
        cmocka_unit_test(gettext_portuguese),
        cmocka_unit_test(scene_diags_portuguese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
