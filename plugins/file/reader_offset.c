/* plugins/file/reader_offset.c — file:reader's offset text. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_offset.h"

size_t reader_offset_format(char *buf, size_t size, const char *path, uint64_t inode, uint64_t position)
{
    int n = snprintf(buf, size, "%s:%" PRIu64 ":%" PRIu64, path, inode, position);
    return n < 0 ? 0 : (size_t)n;
}

/* The decimal number in [s, end): 0, or -1. */
static int parse_u64(const char *s, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    if (s == end)
        return -1;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

int reader_offset_parse(const char *text, reader_offset *out)
{
    const char *end = text + strlen(text);
    const char *c2 = memrchr(text, ':', (size_t)(end - text));
    if (!c2 || c2 == text)
        return -1;
    const char *c1 = memrchr(text, ':', (size_t)(c2 - text));
    if (!c1 || c1 == text)
        return -1;
    if (parse_u64(c1 + 1, c2, &out->inode) != 0 || parse_u64(c2 + 1, end, &out->position) != 0)
        return -1;
    out->path = strndup(text, (size_t)(c1 - text));
    return out->path ? 0 : -1;
}

void reader_offset_clear(reader_offset *offset)
{
    free(offset->path);
    offset->path = NULL;
}
