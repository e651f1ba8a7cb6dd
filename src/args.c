/*
 * args: see args.h.
 */
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int args_time(const char *v, gv_ns *out, const char **why)
{
    if (strcmp(v, "0") == 0) {
        *out = 0;
        return 0;
    }
    return gv_parse_duration(v, strlen(v), out, why);
}

/* The decimal digits at *p, from 1 to ARGS_MAX_SIDE; moves *p past them.
 * -1 if there are none or the number is out of range. */
static int args_side(const char **p)
{
    const char *s = *p;
    int v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        if (v > ARGS_MAX_SIDE)
            return -1;
    }
    *p = s;
    return v >= 1 ? v : -1;
}

/* Digits only (sscanf's %d took blanks and signs, and wrapped around on
 * overflow: 4294967396x30 was 100x30). */
int args_size(const char *v, int *cols, int *rows)
{
    const char *p = v;
    int w = args_side(&p);
    if (w < 0 || *p++ != 'x')
        return -1;
    int h = args_side(&p);
    if (h < 0 || *p)
        return -1;
    *cols = w;
    *rows = h;
    return 0;
}

int args_count(const char *v, uint64_t *out)
{
    char *end;
    /* digits only: strtoull would skip blanks and take a sign, and " -5"
     * would become 2^64 - 5 */
    if (v[0] < '0' || v[0] > '9')
        return -1;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n == 0)
        return -1;
    *out = n;
    return 0;
}
