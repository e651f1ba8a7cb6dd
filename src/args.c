/*
 * args: see args.h.
 */
#include "args.h"

#include <errno.h>
#include <stdio.h>
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

int args_size(const char *v, int *cols, int *rows)
{
    int w, h, n = 0;
    if (sscanf(v, "%dx%d%n", &w, &h, &n) != 2 || v[n] || w < 1 || h < 1 || w > ARGS_MAX_SIDE ||
        h > ARGS_MAX_SIDE)
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
