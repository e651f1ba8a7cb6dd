/*
 * i18n: the program's own words in the reader's language, through GNU
 * gettext (glibc's libintl, text domain "gilviz").
 *
 * Every message is written in English in the source, marked so that
 * xgettext finds it (`make pot` writes assets/po/gilviz.pot):
 *   N_("...")            a message in a table, translated where it is used;
 *   gv_tr(lang, "...")   a message translated now, into `lang`.
 * English is the msgid itself and never goes through gettext; Portuguese
 * comes from the pt_BR catalogue (assets/po/pt_BR.po, compiled to
 * locale/pt_BR/LC_MESSAGES/gilviz.mo).
 *
 * The language is a per-call argument (GV_LANG_EN, GV_LANG_PT: the same
 * values as SCENE_LANG_*), so one process can draw both languages, and a
 * Portuguese frame does not depend on the pt_BR locale being installed:
 * gettext is pointed at the catalogue with LANGUAGE=pt_BR:pt and, when the
 * message locale is "C" (where gettext ignores LANGUAGE), LC_MESSAGES=C.UTF-8.
 * Only LC_MESSAGES changes: numbers and the character type are untouched.
 */
#ifndef GV_I18N_H
#define GV_I18N_H

#define GV_TEXTDOMAIN "gilviz"

enum { GV_LANG_EN = 0, GV_LANG_PT = 1 };

/* Mark a message for xgettext without translating it (tables). */
#define N_(s) s

/* `msgid` in language `lang`: msgid itself for English, the catalogue's
 * translation (or msgid if it has none) for Portuguese.  Thread-safe once
 * gv_i18n_prepare(GV_LANG_PT) has run; the first Portuguese call prepares
 * gettext if nobody did. */
const char *gv_tr(int lang, const char *msgid);

/* Make gettext ready to translate into `lang`: bind the text domain to the
 * catalogue found (see gv_i18n_dir) in UTF-8, and for Portuguese set
 * LANGUAGE and, if needed, LC_MESSAGES.  Call it before starting threads,
 * and again after any setlocale(LC_ALL, ...). */
void gv_i18n_prepare(int lang);

/* The folder bound to the text domain: the first of $GILVIZ_LOCALEDIR, the
 * `locale` folder beside the executable (the build tree), ../share/locale
 * beside it (an installed, relocated binary), ../locale (the test programs
 * in $(BUILD)/tests) and the compiled-in
 * GV_LOCALEDIR that holds pt_BR/LC_MESSAGES/gilviz.mo; the compiled-in one
 * if none does. */
const char *gv_i18n_dir(void);

/* Is the Portuguese catalogue there? */
int gv_i18n_have_pt(void);

/* The language the environment asks for, as gettext reads it: the message
 * locale is the first non-empty of LC_ALL, LC_MESSAGES, LANG; if it is
 * unset, "C" or "POSIX" the answer is English (gettext ignores LANGUAGE
 * then).  Otherwise the first entry of LANGUAGE (a colon-separated list)
 * that is English ("en...", "C") or Portuguese ("pt...") decides, and if
 * none is, English (there is no other catalogue); without LANGUAGE, the
 * message locale does: "pt..." is Portuguese, the rest English. */
int gv_lang_from_env(void);

/* Language code from a name: "en" -> GV_LANG_EN, "pt" -> GV_LANG_PT, else -1. */
int gv_lang_parse(const char *name);

/* The language of the process's error messages (the program sets it once,
 * before any thread starts; English until then), and `msgid` in it: for
 * main's own messages and for the layers that write an error for the
 * caller to print (a scene file's diagnostics, a bad --set, a mistake the
 * engine finds while simulating, an output file that cannot be created, a
 * terminal that cannot be used). */
void gv_i18n_set_messages(int lang);
const char *gv_msg(const char *msgid);

#endif
