/* core/format/buf_impl.h — the layout behind sluice_buf, and inline
 * appends for writers inside libsluice that emit a byte at a time. */
#ifndef SLUICE_CORE_FORMAT_BUF_IMPL_H
#define SLUICE_CORE_FORMAT_BUF_IMPL_H

#include <stddef.h>
#include <string.h>

#include <sluice/format.h>

struct sluice_buf {
    char *data; /* malloc'd; data[len] == '\0' always */
    size_t len;
    size_t cap; /* bytes allocated, the NUL included */
};

/* Makes room for `more` bytes past len (and the NUL); aborts when malloc
 * fails, like the arena. */
void buf_grow(sluice_buf *buf, size_t more);

/* A pointer where `more` bytes may be written; buf_commit() then counts the
 * bytes actually written and puts the NUL back. */
static inline char *buf_reserve(sluice_buf *buf, size_t more)
{
    if (buf->cap - buf->len <= more)
        buf_grow(buf, more);
    return buf->data + buf->len;
}

static inline void buf_commit(sluice_buf *buf, size_t written)
{
    buf->len += written;
    buf->data[buf->len] = '\0';
}

static inline void buf_putc(sluice_buf *buf, char c)
{
    char *p = buf_reserve(buf, 1);
    p[0] = c;
    buf_commit(buf, 1);
}

static inline void buf_put(sluice_buf *buf, const void *data, size_t len)
{
    char *p = buf_reserve(buf, len);
    memcpy(p, data, len);
    buf_commit(buf, len);
}

#endif
