/* plugins/postgres/pg_buf.c — the growable buffer of pg_buf.h. */
#include "pg_buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pg_buf_reset(pg_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

char *pg_buf_reserve(pg_buf *b, size_t n)
{
    if (b->failed)
        return NULL;
    /* +1: the NUL kept after the content. */
    if (n >= SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return NULL;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = true;
            return NULL;
        }
        b->data = p;
        b->cap = cap;
    }
    return b->data + b->len;
}

void pg_buf_append(pg_buf *b, const char *s, size_t n)
{
    char *p = pg_buf_reserve(b, n);
    if (!p)
        return;
    memcpy(p, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pg_buf_puts(pg_buf *b, const char *s)
{
    pg_buf_append(b, s, strlen(s));
}

void pg_buf_putc(pg_buf *b, char c)
{
    pg_buf_append(b, &c, 1);
}

void pg_buf_put_uint(pg_buf *b, size_t n)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    pg_buf_append(b, digits + i, sizeof digits - i);
}

void pg_buf_free(pg_buf *b)
{
    free(b->data);
    *b = (pg_buf){0};
}
