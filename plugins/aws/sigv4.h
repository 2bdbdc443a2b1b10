/* plugins/aws/sigv4.h — AWS Signature Version 4, header signing.
 *
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Pure: the request pieces, the credentials and the time go in, the
 * headers to add come out; nothing is read from the clock or the
 * environment, so the official test vectors run as they are
 * (tests/unit/test_sigv4.c) and every retry is signed afresh by calling
 * aws_sigv4_sign() again with the new time.
 *
 * For the AWS JSON protocol (Kinesis) the caller passes the headers
 * Content-Type and X-Amz-Target and the host: the signed set is then
 * content-type;host;x-amz-date;x-amz-target, plus x-amz-security-token
 * with session credentials.  Thread-safe (no shared state). */
#ifndef SLUICE_AWS_SIGV4_H
#define SLUICE_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "credentials.h"

typedef struct aws_sigv4_header {
    const char *name;
    const char *value;
} aws_sigv4_header;

typedef struct aws_sigv4_request {
    const char *method;                /* "POST" */
    const char *host;                  /* the Host header's value (see aws_endpoint),
                                          or NULL when `headers` has one */
    const char *path;                  /* as sent on the wire, without the query */
    const char *query;                 /* after '?', as sent; NULL or "" for none */
    const aws_sigv4_header *headers;   /* every other header to sign, in the
                                          order sent; not X-Amz-Date, nor the token */
    size_t n_headers;
    const void *payload;
    size_t payload_len;
} aws_sigv4_request;

enum {
    /* Sign the path as it is ("." and ".." kept): S3's rule. */
    AWS_SIGV4_NO_NORMALIZE = 1u << 0,
    /* Sign (and send) x-amz-content-sha256, as S3 and some services want. */
    AWS_SIGV4_PAYLOAD_HEADER = 1u << 1,
    /* Send X-Amz-Security-Token without signing it (a few services add it
     * after signing); the default signs it. */
    AWS_SIGV4_UNSIGNED_TOKEN = 1u << 2,
};

typedef struct aws_sigv4_params {
    const char *region;  /* "us-east-1" */
    const char *service; /* the signing name: "kinesis" */
    time_t time;         /* the request's time (UTC) */
    unsigned flags;      /* AWS_SIGV4_* */
} aws_sigv4_params;

/* What the caller adds to the request it sends: the headers X-Amz-Date,
 * Authorization, X-Amz-Security-Token (the credentials' token, when there
 * is one) and, with AWS_SIGV4_PAYLOAD_HEADER, x-amz-content-sha256. */
typedef struct aws_sigv4_signature {
    char amz_date[17];     /* "20150830T123600Z" */
    char payload_hash[65]; /* hex SHA-256 of the payload */
    char signature[65];    /* hex */
    char *authorization;   /* the Authorization header's value */
    /* The intermediate texts, for tests and debugging.  They hold no secret
     * key, but the canonical request holds the session token: never log it. */
    char *canonical_request;
    char *string_to_sign;
} aws_sigv4_signature;

/* Signs `req`.  0 and `out` filled (free with aws_sigv4_signature_free), or
 * -1 (out of memory, an invalid header name, missing pieces, a time that
 * does not convert) with `out` left empty. */
int aws_sigv4_sign(const aws_sigv4_request *req, const aws_credentials *creds,
                   const aws_sigv4_params *params, aws_sigv4_signature *out);
void aws_sigv4_signature_free(aws_sigv4_signature *sig);

#endif
