/*
 * lecture: the lecture plan of the built-in scenes (scenes/lecture.list):
 * topics, each with an English and a Portuguese title, and the names of
 * their scenes in the order a lecture shows them.  The file's format is
 * described in the file itself.
 */
#ifndef GV_LECTURE_H
#define GV_LECTURE_H

#include <stddef.h>
#include <stdio.h>

struct lecture_topic {
    char *title[2];    /* SCENE_LANG_EN, SCENE_LANG_PT (NULL: the English one) */
    char **scenes;
    int nscenes;
};

struct lecture {
    struct lecture_topic *topics;
    int ntopics;
};

/* Parse the text of a lecture.list.  Lines it cannot read are skipped with
 * a warning "path:line: ..." on `warn` (if not NULL).  Never fails. */
struct lecture *lecture_parse(const char *path, const char *text, size_t len, FILE *warn);

/* The title of topic t in `lang` (English if there is no translation). */
const char *lecture_title(const struct lecture_topic *t, int lang);

/* Does the plan list scene `name`? */
int lecture_has(const struct lecture *l, const char *name);

void lecture_free(struct lecture *l);

#endif
