/* plugins/aws/sigv4.c — AWS Signature Version 4: the canonical request
 * (canonical_request.c), the string to sign, the signing key and the
 * Authorization header.
 *
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
#include "config.h"

#include "sigv4.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "canonical_request.h"
#include "digest.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

/* "YYYYMMDDTHHMMSSZ" (ISO 8601 basic format, UTC), the X-Amz-Date value. */
static int format_amz_date(time_t t, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return -1;
    return strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 16 ? 0 : -1;
}

/* The headers that are signed: the caller's, then host, x-amz-date and, as
 * the flags and credentials say, x-amz-security-token and
 * x-amz-content-sha256 (canonical_request.c sorts them). */
static aws_sigv4_header *signed_header_list(const aws_sigv4_request *req,
                                            const aws_credentials *creds,
                                            const aws_sigv4_params *params,
                                            const aws_sigv4_signature *sig, size_t *n)
{
    aws_sigv4_header *h = malloc((req->n_headers + 4) * sizeof *h);
    if (!h)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < req->n_headers; i++)
        h[k++] = req->headers[i];
    if (req->host)
        h[k++] = (aws_sigv4_header){"host", req->host};
    h[k++] = (aws_sigv4_header){"x-amz-date", sig->amz_date};
    if (creds->session_token && !(params->flags & AWS_SIGV4_UNSIGNED_TOKEN))
        h[k++] = (aws_sigv4_header){"x-amz-security-token", creds->session_token};
    if (params->flags & AWS_SIGV4_PAYLOAD_HEADER)
        h[k++] = (aws_sigv4_header){"x-amz-content-sha256", sig->payload_hash};
    *n = k;
    return h;
}

/* Task 1: the canonical request; the signed-headers list goes to `signed_headers`. */
static char *build_canonical_request(const aws_sigv4_request *req, const aws_credentials *creds,
                                     const aws_sigv4_params *params,
                                     const aws_sigv4_signature *sig, aws_buf *signed_headers)
{
    size_t n = 0;
    aws_sigv4_header *headers = signed_header_list(req, creds, params, sig, &n);
    if (!headers)
        return NULL;
    aws_buf cr = AWS_BUF_INIT, canonical_headers = AWS_BUF_INIT;
    aws_buf_puts(&cr, req->method);
    aws_buf_putc(&cr, '\n');
    aws_canonical_uri(&cr, req->path, !(params->flags & AWS_SIGV4_NO_NORMALIZE));
    aws_buf_putc(&cr, '\n');
    int rc = aws_canonical_query(&cr, req->query);
    aws_buf_putc(&cr, '\n');
    if (rc == 0)
        rc = aws_canonical_headers(&canonical_headers, signed_headers, headers, n);
    free(headers);
    if (rc != 0) {
        aws_buf_free(&cr, true);
        aws_buf_free(&canonical_headers, true);
        return NULL;
    }
    aws_buf_append(&cr, canonical_headers.data, canonical_headers.len);
    aws_buf_putc(&cr, '\n');
    aws_buf_append(&cr, signed_headers->data, signed_headers->len);
    aws_buf_putc(&cr, '\n');
    aws_buf_puts(&cr, sig->payload_hash);
    /* The token is among the canonical headers: wipe the scratch copy. */
    aws_buf_free(&canonical_headers, true);
    return aws_buf_take(&cr);
}

/* "20150830/us-east-1/service/aws4_request" */
static void append_scope(aws_buf *b, const char *amz_date, const aws_sigv4_params *params)
{
    aws_buf_append(b, amz_date, 8);
    aws_buf_putc(b, '/');
    aws_buf_puts(b, params->region);
    aws_buf_putc(b, '/');
    aws_buf_puts(b, params->service);
    aws_buf_puts(b, "/aws4_request");
}

/* Task 2: algorithm, request date, credential scope, hashed canonical request. */
static char *build_string_to_sign(const char *canonical_request, const char *amz_date,
                                  const aws_sigv4_params *params)
{
    char hash[AWS_SHA256_HEX_LEN + 1];
    if (aws_sha256_hex(canonical_request, strlen(canonical_request), hash) != 0)
        return NULL;
    aws_buf b = AWS_BUF_INIT;
    aws_buf_puts(&b, ALGORITHM "\n");
    aws_buf_puts(&b, amz_date);
    aws_buf_putc(&b, '\n');
    append_scope(&b, amz_date, params);
    aws_buf_putc(&b, '\n');
    aws_buf_puts(&b, hash);
    return aws_buf_take(&b);
}

/* Task 3: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region),
 * service), "aws4_request").  The intermediate keys are wiped. */
static int derive_signing_key(const char *secret, const char *amz_date,
                              const aws_sigv4_params *params, unsigned char key[AWS_SHA256_LEN])
{
    aws_buf k_secret = AWS_BUF_INIT;
    aws_buf_puts(&k_secret, "AWS4");
    aws_buf_puts(&k_secret, secret);
    if (k_secret.failed) {
        aws_buf_free(&k_secret, true);
        return -1;
    }
    unsigned char k_date[AWS_SHA256_LEN], k_region[AWS_SHA256_LEN], k_service[AWS_SHA256_LEN];
    int rc = aws_hmac_sha256(k_secret.data, k_secret.len, amz_date, 8, k_date);
    if (rc == 0)
        rc = aws_hmac_sha256(k_date, sizeof k_date, params->region, strlen(params->region),
                             k_region);
    if (rc == 0)
        rc = aws_hmac_sha256(k_region, sizeof k_region, params->service,
                             strlen(params->service), k_service);
    if (rc == 0)
        rc = aws_hmac_sha256(k_service, sizeof k_service, "aws4_request", 12, key);
    aws_buf_free(&k_secret, true);
    OPENSSL_cleanse(k_date, sizeof k_date);
    OPENSSL_cleanse(k_region, sizeof k_region);
    OPENSSL_cleanse(k_service, sizeof k_service);
    return rc;
}

/* Task 4: the signature, in the Authorization header. */
static char *build_authorization(const aws_credentials *creds, const aws_sigv4_params *params,
                                 const aws_sigv4_signature *sig, const aws_buf *signed_headers)
{
    aws_buf b = AWS_BUF_INIT;
    aws_buf_puts(&b, ALGORITHM " Credential=");
    aws_buf_puts(&b, creds->access_key_id);
    aws_buf_putc(&b, '/');
    append_scope(&b, sig->amz_date, params);
    aws_buf_puts(&b, ", SignedHeaders=");
    aws_buf_append(&b, signed_headers->data, signed_headers->len);
    aws_buf_puts(&b, ", Signature=");
    aws_buf_puts(&b, sig->signature);
    return aws_buf_take(&b);
}

static bool request_complete(const aws_sigv4_request *req, const aws_credentials *creds,
                             const aws_sigv4_params *params)
{
    return req && req->method && *req->method && (req->headers || !req->n_headers) &&
           (req->payload || !req->payload_len) && creds && creds->access_key_id &&
           creds->secret_access_key && params && params->region && *params->region &&
           params->service && *params->service;
}

int aws_sigv4_sign(const aws_sigv4_request *req, const aws_credentials *creds,
                   const aws_sigv4_params *params, aws_sigv4_signature *out)
{
    memset(out, 0, sizeof *out);
    if (!request_complete(req, creds, params) || format_amz_date(params->time, out->amz_date) != 0 ||
        aws_sha256_hex(req->payload ? req->payload : "", req->payload_len, out->payload_hash) != 0)
        return -1;

    aws_buf signed_headers = AWS_BUF_INIT;
    unsigned char key[AWS_SHA256_LEN], mac[AWS_SHA256_LEN];
    int rc = -1;
    out->canonical_request = build_canonical_request(req, creds, params, out, &signed_headers);
    if (out->canonical_request)
        out->string_to_sign = build_string_to_sign(out->canonical_request, out->amz_date, params);
    if (out->string_to_sign &&
        derive_signing_key(creds->secret_access_key, out->amz_date, params, key) == 0) {
        rc = aws_hmac_sha256(key, sizeof key, out->string_to_sign, strlen(out->string_to_sign),
                             mac);
        OPENSSL_cleanse(key, sizeof key);
    }
    if (rc == 0) {
        aws_hex_encode(mac, sizeof mac, out->signature);
        out->authorization = build_authorization(creds, params, out, &signed_headers);
        if (!out->authorization)
            rc = -1;
    }
    aws_buf_free(&signed_headers, false);
    if (rc != 0)
        aws_sigv4_signature_free(out);
    return rc;
}

void aws_sigv4_signature_free(aws_sigv4_signature *sig)
{
    if (sig->canonical_request) {
        OPENSSL_cleanse(sig->canonical_request, strlen(sig->canonical_request));
        free(sig->canonical_request);
    }
    free(sig->string_to_sign);
    free(sig->authorization);
    memset(sig, 0, sizeof *sig);
}
