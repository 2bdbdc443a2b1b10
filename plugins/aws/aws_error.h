/* plugins/aws/aws_error.h — what went wrong with an AWS call, and whether
 * trying again can help.
 *
 * The AWS JSON protocol (awsJson1_0 / awsJson1_1, Kinesis's) answers an
 * error with a 4xx/5xx status and a body like
 *   {"__type": "com.amazonaws.kinesis.v20131202#ResourceNotFoundException",
 *    "message": "Stream s under account 123 not found."}
 * where __type may or may not carry the "namespace#" prefix, the message key
 * may be "message" or "Message", and the code may come in the
 * X-Amzn-ErrorType header instead ("Code:http://internal..." form).
 *   https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
 *
 * Classes follow the AWS SDKs' standard retry mode:
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html */
#ifndef SLUICE_AWS_ERROR_H
#define SLUICE_AWS_ERROR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum aws_error_kind {
    AWS_ERROR_NONE = 0,
    AWS_ERROR_THROTTLING,    /* throttling codes, HTTP 429: retry after a backoff */
    AWS_ERROR_TRANSIENT,     /* HTTP 500/502/503/504, transient codes, a dropped
                                connection or refused connect: retry */
    AWS_ERROR_TIMEOUT,       /* no answer in time: retry (costs more retry budget) */
    AWS_ERROR_EXPIRED_TOKEN, /* the credentials expired: refresh them, then retry */
    AWS_ERROR_CLIENT,        /* the request is wrong (validation, not found, access
                                denied, bad signature): never retried */
    AWS_ERROR_LOCAL,         /* failed on our side (credentials, signing, TLS setup,
                                out of memory): never retried */
} aws_error_kind;

typedef struct aws_error {
    aws_error_kind kind;
    long status;          /* HTTP status, 0 when no response came */
    char code[128];       /* "ThrottlingException" (namespace stripped), or "" */
    char message[512];    /* the service's message (first line only), or the
                             transport's reason */
    char request_id[128]; /* x-amzn-RequestId, or "" */
} aws_error;

/* Decodes a non-2xx response: code from __type (else X-Amzn-ErrorType),
 * message from message/Message, and classifies it.  `body` need not be
 * JSON (a proxy's HTML error page is classified by status alone). */
void aws_error_from_response(aws_error *e, long status, const char *body, size_t body_len,
                             const char *error_type_header, const char *request_id);

/* The class of an error code and status alone (exposed for the tests). */
aws_error_kind aws_error_classify(long status, const char *code);

/* An error without a response: `kind` (TRANSIENT, TIMEOUT or LOCAL) and a
 * reason (must hold no secret). */
void aws_error_set(aws_error *e, aws_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool aws_error_retryable(const aws_error *e);
const char *aws_error_kind_name(aws_error_kind kind);

/* "ThrottlingException (HTTP 400): Rate exceeded [request id ...]" */
void aws_error_format(const aws_error *e, char *buf, size_t len);

#endif
