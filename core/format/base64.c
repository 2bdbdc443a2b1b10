/* core/format/base64.c — RFC 4648 §4 base64 (see base64.h). */
#include "config.h"

#include <stdint.h>

#include "format/base64.h"

static const char b64_alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const void *in, size_t n, char *out)
{
    const unsigned char *s = in;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = b64_alphabet[v & 63];
    }
    /* RFC 4648 §4: a final group of 1 or 2 bytes is padded with '='. */
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
}

/* The 6-bit value of an alphabet character, or -1. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes one group of 4 characters, the last one possibly padded.
 * Returns the number of bytes (1-3), or -(1 + offset of the bad char). */
static int b64_group(const char *g, int last, unsigned char *out)
{
    int v[4];
    int pad = 0;
    if (last && g[3] == '=')
        pad = g[2] == '=' ? 2 : 1;
    for (int k = 0; k < 4 - pad; k++) {
        v[k] = b64_value((unsigned char)g[k]);
        if (v[k] < 0)
            return -(1 + k);
    }
    for (int k = 4 - pad; k < 4; k++)
        v[k] = 0;
    uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    /* RFC 4648 §3.5: pad bits must be zero, so that each byte string has
     * exactly one encoding. */
    if ((pad == 2 && (bits & 0xffff)) || (pad == 1 && (bits & 0xff)))
        return -(1 + (3 - pad));
    out[0] = (unsigned char)(bits >> 16);
    if (pad < 2)
        out[1] = (unsigned char)(bits >> 8);
    if (pad < 1)
        out[2] = (unsigned char)bits;
    return 3 - pad;
}

int base64_decode(const char *in, size_t n, void *out, size_t *out_len)
{
    unsigned char *o = out;
    size_t written = 0;
    if (n % 4 != 0) {
        *out_len = n - n % 4;
        return -1;
    }
    for (size_t i = 0; i < n; i += 4) {
        int r = b64_group(in + i, i + 4 == n, o + written);
        if (r < 0) {
            *out_len = i + (size_t)(-r - 1);
            return -1;
        }
        written += (size_t)r;
    }
    *out_len = written;
    return 0;
}
