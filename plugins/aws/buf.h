/* plugins/aws/buf.h — a growable NUL-terminated string for building the
 * canonical request, the string to sign and HTTP header lines.
 *
 * Allocation failures are sticky: appends after a failure do nothing and
 * aws_buf_take() returns NULL, so callers check once at the end. */
#ifndef SLUICE_AWS_BUF_H
#define SLUICE_AWS_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aws_buf {
    char *data;  /* NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the content is incomplete */
} aws_buf;

#define AWS_BUF_INIT {NULL, 0, 0, false}

void aws_buf_append(aws_buf *b, const char *s, size_t n);
void aws_buf_puts(aws_buf *b, const char *s);
void aws_buf_putc(aws_buf *b, char c);
/* Appends `%XX` (uppercase hex, as SigV4 requires) for byte c. */
void aws_buf_put_pct(aws_buf *b, unsigned char c);

/* The string, now owned by the caller (free()), or NULL after a failure
 * (the buffer is released either way and left empty). */
char *aws_buf_take(aws_buf *b);
/* Releases the memory; when `wipe`, the bytes are cleared first (buffers
 * that held a secret). */
void aws_buf_free(aws_buf *b, bool wipe);

#endif
