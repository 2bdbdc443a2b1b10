/* plugins/aws/digest.c — see digest.h.  EVP for the digest; HMAC() is the
 * one-shot that OpenSSL 3 keeps undeprecated (the HMAC_CTX API is not). */
#include "config.h"

#include "digest.h"

#include <limits.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

void aws_hex_encode(const unsigned char *bytes, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * n] = '\0';
}

int aws_sha256_hex(const void *data, size_t len, char hex[AWS_SHA256_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != AWS_SHA256_LEN)
        return -1;
    aws_hex_encode(md, AWS_SHA256_LEN, hex);
    return 0;
}

int aws_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[AWS_SHA256_LEN])
{
    unsigned int out_len = 0;
    if (key_len > (size_t)INT_MAX)
        return -1;
    if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len) ||
        out_len != AWS_SHA256_LEN)
        return -1;
    return 0;
}
