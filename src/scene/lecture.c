/*
 * lecture: see lecture.h.  A line is a topic, a scene name, a comment or
 * blank; nothing spans lines.
 */
#include "lecture.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "scene.h"

/* Read a "quoted string" at *p (\" and \\ escape); NULL if there is none. */
static char *quoted(const char **p, const char *end)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= end || *s != '"')
        return NULL;
    s++;
    char *out = gv_malloc((size_t)(end - s) + 1);
    size_t n = 0;
    for (; s < end && *s != '"'; s++) {
        if (*s == '\\' && s + 1 < end)
            s++;
        /* printed to the terminal as is: no control bytes (escape sequences) */
        out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    }
    if (s >= end) {   /* no closing quote */
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *p = s + 1;
    return out;
}

/* Is [s, end) only blanks? */
static int blank(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    return s == end;
}

/* Parse `topic "title" pt "título"` after the keyword; 0 on success. */
static int parse_topic(struct lecture_topic *t, const char *s, const char *end)
{
    memset(t, 0, sizeof *t);
    if (!(t->title[SCENE_LANG_EN] = quoted(&s, end)))
        return -1;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (end - s >= 2 && strncmp(s, "pt", 2) == 0) {
        s += 2;
        if (!(t->title[SCENE_LANG_PT] = quoted(&s, end)))
            return -1;
    }
    return blank(s, end) ? 0 : -1;
}

static void warn_at(FILE *warn, const char *path, int line, const char *what)
{
    if (warn)
        fprintf(warn, "gilviz: %s:%d: %s (line skipped)\n", path, line, what);
}

struct lecture *lecture_parse(const char *path, const char *text, size_t len, FILE *warn)
{
    struct lecture *l = gv_calloc(1, sizeof *l);
    size_t cap = 0;
    const char *p = text, *stop = text + len;
    for (int line = 1; p < stop; line++) {
        const char *eol = memchr(p, '\n', (size_t)(stop - p));
        const char *end = eol ? eol : stop;
        const char *s = p;
        p = eol ? eol + 1 : stop;
        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        if (blank(s, end) || *s == '#')
            continue;
        const char *w = s;
        while (w < end && !isspace((unsigned char)*w))
            w++;
        if (w - s == 5 && strncmp(s, "topic", 5) == 0) {
            struct lecture_topic t;
            if (parse_topic(&t, w, end) != 0) {
                free(t.title[0]);
                free(t.title[1]);
                warn_at(warn, path, line, "expected topic \"English title\" pt \"título\"");
                continue;
            }
            l->topics = gv_grow(l->topics, &cap, (size_t)l->ntopics + 1, sizeof *l->topics);
            l->topics[l->ntopics++] = t;
            continue;
        }
        if (!blank(w, end)) {
            warn_at(warn, path, line, "expected one scene name or a topic");
            continue;
        }
        if (l->ntopics == 0) {
            warn_at(warn, path, line, "a scene before the first topic");
            continue;
        }
        struct lecture_topic *t = &l->topics[l->ntopics - 1];
        t->scenes = gv_realloc(t->scenes, sizeof *t->scenes * (size_t)(t->nscenes + 1));
        t->scenes[t->nscenes++] = gv_strndup(s, (size_t)(w - s));
    }
    return l;
}

const char *lecture_title(const struct lecture_topic *t, int lang)
{
    if (lang == SCENE_LANG_PT && t->title[SCENE_LANG_PT])
        return t->title[SCENE_LANG_PT];
    return t->title[SCENE_LANG_EN];
}

int lecture_has(const struct lecture *l, const char *name)
{
    for (int i = 0; l && i < l->ntopics; i++)
        for (int k = 0; k < l->topics[i].nscenes; k++)
            if (strcmp(l->topics[i].scenes[k], name) == 0)
                return 1;
    return 0;
}

void lecture_free(struct lecture *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->ntopics; i++) {
        free(l->topics[i].title[0]);
        free(l->topics[i].title[1]);
        for (int k = 0; k < l->topics[i].nscenes; k++)
            free(l->topics[i].scenes[k]);
        free(l->topics[i].scenes);
    }
    free(l->topics);
    free(l);
}
