/* plugins/aws/buf.c — see buf.h. */
#include "config.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static bool reserve(aws_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void aws_buf_append(aws_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void aws_buf_puts(aws_buf *b, const char *s)
{
    aws_buf_append(b, s, strlen(s));
}

void aws_buf_putc(aws_buf *b, char c)
{
    aws_buf_append(b, &c, 1);
}

void aws_buf_put_pct(aws_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
    aws_buf_append(b, enc, 3);
}

char *aws_buf_take(aws_buf *b)
{
    if (b->failed) {
        aws_buf_free(b, false);
        return NULL;
    }
    if (!b->data)
        aws_buf_append(b, "", 0);
    char *s = b->failed ? NULL : b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void aws_buf_free(aws_buf *b, bool wipe)
{
    if (b->data && wipe)
        OPENSSL_cleanse(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}
