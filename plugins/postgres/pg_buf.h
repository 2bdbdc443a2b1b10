/* plugins/postgres/pg_buf.h — a growable byte buffer for statement text
 * and COPY data, kept by the connection and reused (pg_buf_reset) so that
 * building a statement or a COPY chunk allocates only while it grows.
 *
 * Allocation failures are sticky: appends after one do nothing and
 * `failed` stays set until pg_buf_reset, so callers check once per
 * statement. */
#ifndef SLUICE_PLUGINS_PG_BUF_H
#define SLUICE_PLUGINS_PG_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pg_buf {
    char *data; /* NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    bool failed;
} pg_buf;

/* Empties the buffer, keeping its memory; clears `failed`. */
void pg_buf_reset(pg_buf *b);
void pg_buf_append(pg_buf *b, const char *s, size_t n);
void pg_buf_puts(pg_buf *b, const char *s);
void pg_buf_putc(pg_buf *b, char c);
/* Appends the decimal form of n. */
void pg_buf_put_uint(pg_buf *b, size_t n);
/* Makes room for n more bytes and returns where they go (NULL after a
 * failure); the caller writes them and adds n to len. */
char *pg_buf_reserve(pg_buf *b, size_t n);
void pg_buf_free(pg_buf *b);

#endif
