/* plugins/aws/json_call.h — one call of an AWS JSON protocol operation
 * (Kinesis's awsJson1_1), with retries: every attempt takes the current
 * credentials, is signed afresh with the current time (a retried request
 * is never replayed with an old signature: its X-Amz-Date would drift and
 * an expired token would be sent again), sent, and its outcome classified.
 *
 *   POST / HTTP/1.1
 *   Content-Type: application/x-amz-json-1.1
 *   X-Amz-Target: Kinesis_20131202.PutRecords
 *   (Host, X-Amz-Date, X-Amz-Security-Token, Authorization from SigV4)
 *
 *   https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 *
 * Concurrency: as the http client, one thread at a time per client; the
 * retry budget and the credentials provider may be shared. */
#ifndef SLUICE_AWS_JSON_CALL_H
#define SLUICE_AWS_JSON_CALL_H

#include <stddef.h>

#include "aws_error.h"
#include "credentials.h"
#include "endpoint.h"
#include "http.h"
#include "retry.h"

typedef struct aws_json_service {
    const char *region;        /* "eu-west-1" */
    const char *signing_name;  /* "kinesis" */
    const char *target_prefix; /* "Kinesis_20131202" */
    const char *content_type;  /* "application/x-amz-json-1.1" */
} aws_json_service;

typedef struct aws_json_call {
    aws_http_client *http;
    const aws_endpoint *endpoint;
    const aws_json_service *service;
    aws_credentials_provider *credentials;
    const aws_retry_policy *policy;
    aws_retry_budget *budget; /* NULL: no budget */
    uint64_t *rng;            /* the thread's jitter state */
} aws_json_call;

typedef struct aws_json_result {
    long status;     /* the last attempt's HTTP status, 0 when none came */
    char *body;      /* a 2xx answer's body (NUL-terminated), else NULL */
    size_t body_len;
    aws_error error; /* why the call failed (kind NONE on success) */
    int attempts;    /* attempts made */
} aws_json_result;

/* Calls `operation` (e.g. "PutRecords") with the JSON `body`.  0 when the
 * service answered 2xx (res->body holds the answer), -1 otherwise with
 * res->error saying why; either way free `res` with aws_json_result_free.
 * Sleeps between attempts. */
int aws_json_call_run(const aws_json_call *call, const char *operation, const char *body,
                      size_t body_len, aws_json_result *res);
void aws_json_result_free(aws_json_result *res);

#endif
