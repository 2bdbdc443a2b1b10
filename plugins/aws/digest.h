/* plugins/aws/digest.h — the two primitives SigV4 is built from, on OpenSSL:
 * SHA-256 (hex-encoded, for the payload hash and the hashed canonical
 * request) and HMAC-SHA-256 (raw, for the signing key chain). */
#ifndef SLUICE_AWS_DIGEST_H
#define SLUICE_AWS_DIGEST_H

#include <stddef.h>

#define AWS_SHA256_LEN 32
#define AWS_SHA256_HEX_LEN 64

/* Writes the lowercase hex SHA-256 of data[0..len) to hex (65 bytes, NUL
 * terminated).  0, or -1 when OpenSSL fails. */
int aws_sha256_hex(const void *data, size_t len, char hex[AWS_SHA256_HEX_LEN + 1]);

/* out = HMAC-SHA-256(key, data).  0, or -1 when OpenSSL fails. */
int aws_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[AWS_SHA256_LEN]);

/* Lowercase hex of bytes[0..n) into hex (2n + 1 bytes). */
void aws_hex_encode(const unsigned char *bytes, size_t n, char *hex);

#endif
