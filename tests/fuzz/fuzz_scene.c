/*
 * fuzz_scene: libFuzzer harness for the scene parser and validator.
 *
 * The input is a scene file.  Properties: the parser never crashes, leaks
 * or hangs; it either returns a scene that fuzz_check_scene() accepts and no
 * diagnostics, or NULL and at least one readable diagnostic; parsing the
 * same bytes twice gives the same diagnostics; printing them works.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* scene_parse wants a NUL-terminated text of len bytes (NULs inside
     * are the parser's problem) */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t nlines = 1;
    for (size_t i = 0; i < size; i++)
        nlines += text[i] == '\n' || text[i] == '\r';

    struct scene_diags d, d2;
    memset(&d, 0, sizeof d);
    memset(&d2, 0, sizeof d2);
    struct scene *s = scene_parse("fuzz.scene", text, size, &d);
    if (s) {
        FUZZ_CHECK(d.n == 0, "a scene was accepted with %d diagnostics", (int)d.n);
        fuzz_check_scene(s);
    } else {
        fuzz_check_diags(&d, nlines);
        scene_diags_print(&d, fuzz_devnull());
        /* the same bytes, the same messages */
        struct scene *s2 = scene_parse("fuzz.scene", text, size, &d2);
        FUZZ_CHECK(s2 == NULL, "second parse accepted what the first refused");
        FUZZ_CHECK(d2.n == d.n, "second parse: %d diagnostics, first: %d", (int)d2.n, (int)d.n);
        for (int32_t i = 0; i < d.n; i++)
            FUZZ_CHECK(d.v[i].line == d2.v[i].line && d.v[i].col == d2.v[i].col &&
                           strcmp(d.v[i].msg, d2.v[i].msg) == 0,
                       "diagnostic %d differs between two parses", (int)i);
    }
    scene_diags_free(&d);
    scene_diags_free(&d2);
    scene_free(s);
    free(text);
    return 0;
}
