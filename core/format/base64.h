/* core/format/base64.h — base64 with the standard alphabet and padding
 * (RFC 4648 §4), as the JSON form writes BYTES and as AWS APIs carry data.
 * Internal to libsluice. */
#ifndef SLUICE_CORE_FORMAT_BASE64_H
#define SLUICE_CORE_FORMAT_BASE64_H

#include <stddef.h>

/* Length of the encoding of n bytes: 4 characters per 3 bytes, padded. */
static inline size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

/* Upper bound of the bytes decoded from n characters. */
static inline size_t base64_decoded_max(size_t n)
{
    return n / 4 * 3;
}

/* Writes base64_encoded_len(n) characters (no NUL) to out. */
void base64_encode(const void *in, size_t n, char *out);

/* Decodes n characters into out (base64_decoded_max(n) bytes of room) and
 * sets *out_len.  Strict, as RFC 4648 §3.3 and §3.5 allow: the length must
 * be a multiple of 4, '=' only as final padding, no character outside the
 * alphabet (no line breaks) and zero pad bits.  Returns 0, or -1 with
 * *out_len set to the offset of the first bad character. */
int base64_decode(const char *in, size_t n, void *out, size_t *out_len);

#endif
