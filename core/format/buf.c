/* core/format/buf.c — growable byte buffer (sluice/format.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/buf_impl.h"

#define BUF_INITIAL 256u

static void buf_oom(size_t size)
{
    fprintf(stderr, "sluice: out of memory (buffer of %zu bytes)\n", size);
    abort();
}

SLUICE_API sluice_buf *sluice_buf_new(void)
{
    sluice_buf *buf = malloc(sizeof *buf);
    if (!buf)
        buf_oom(sizeof *buf);
    buf->data = malloc(BUF_INITIAL);
    if (!buf->data)
        buf_oom(BUF_INITIAL);
    buf->data[0] = '\0';
    buf->len = 0;
    buf->cap = BUF_INITIAL;
    return buf;
}

SLUICE_API void sluice_buf_free(sluice_buf *buf)
{
    if (!buf)
        return;
    free(buf->data);
    free(buf);
}

SLUICE_API const char *sluice_buf_data(const sluice_buf *buf)
{
    return buf->data;
}

SLUICE_API size_t sluice_buf_len(const sluice_buf *buf)
{
    return buf->len;
}

SLUICE_API void sluice_buf_reset(sluice_buf *buf)
{
    buf->len = 0;
    buf->data[0] = '\0';
}

/* Doubling keeps appends amortized O(1). */
void buf_grow(sluice_buf *buf, size_t more)
{
    if (more > SIZE_MAX / 2 - buf->len)
        buf_oom(more);
    size_t need = buf->len + more + 1;
    size_t cap = buf->cap;
    while (cap < need)
        cap *= 2;
    char *data = realloc(buf->data, cap);
    if (!data)
        buf_oom(cap);
    buf->data = data;
    buf->cap = cap;
}

SLUICE_API void sluice_buf_append(sluice_buf *buf, const void *data, size_t len)
{
    if (len)
        buf_put(buf, data, len);
}
