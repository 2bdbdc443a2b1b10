/* core/read_file.c — a whole (small) file in memory. */
#include "read_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

char *read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        return NULL;
    size_t limit = max < SIZE_MAX ? max + 1 : SIZE_MAX; /* bytes wanted at most */
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t want = cap - n - 1; /* one byte kept for the '\0' */
        if (want > limit - n)
            want = limit - n;
        n += fread(buf + n, 1, want, f);
        if (n >= limit || ferror(f) || feof(f))
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = !buf || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
