/* plugins/aws/aws_error.c — see aws_error.h. */
#include "config.h"

#include "aws_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

/* The SDKs' throttling codes (standard retry mode's list, plus Kinesis's
 * own: ProvisionedThroughputExceededException on a shard's limits,
 * LimitExceededException on the control plane's, KMSThrottlingException
 * on encrypted streams). */
static const char *const throttling_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", "KMSThrottlingException", NULL,
};

/* Codes the SDKs treat as transient whatever the status. */
static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
    "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException", NULL,
};

/* Temporary credentials that ran out: the SDKs refresh and try again. */
static const char *const expired_codes[] = {
    "ExpiredToken", "ExpiredTokenException", NULL,
};

static bool in_list(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return true;
    return false;
}

aws_error_kind aws_error_classify(long status, const char *code)
{
    if (status >= 200 && status < 300)
        return AWS_ERROR_NONE;
    if (code && *code) {
        if (in_list(code, throttling_codes))
            return AWS_ERROR_THROTTLING;
        if (in_list(code, expired_codes))
            return AWS_ERROR_EXPIRED_TOKEN;
        if (in_list(code, transient_codes))
            return AWS_ERROR_TRANSIENT;
    }
    if (status == 429)
        return AWS_ERROR_THROTTLING;
    if (status == 500 || status == 502 || status == 503 || status == 504)
        return AWS_ERROR_TRANSIENT;
    return AWS_ERROR_CLIENT;
}

/* "com.amazonaws.kinesis.v20131202#ResourceNotFoundException" and the
 * header form "ResourceNotFoundException:http://internal.amazon.com/..."
 * both give "ResourceNotFoundException". */
static void copy_code(char *dst, size_t dst_len, const char *code)
{
    const char *hash = strrchr(code, '#');
    if (hash)
        code = hash + 1;
    size_t n = strcspn(code, ":");
    if (n >= dst_len)
        n = dst_len - 1;
    memcpy(dst, code, n);
    dst[n] = '\0';
}

/* The first line only: a service's long explanation (a signature error's
 * "canonical string" may echo request headers, the session token among
 * them) is never kept. */
static void copy_message(char *dst, size_t dst_len, const char *msg, size_t len)
{
    size_t n = 0;
    while (n < len && msg[n] != '\n' && msg[n] != '\r')
        n++;
    if (n >= dst_len)
        n = dst_len - 1;
    memcpy(dst, msg, n);
    dst[n] = '\0';
}

static const char *json_string_member(json_object *o, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

void aws_error_from_response(aws_error *e, long status, const char *body, size_t body_len,
                             const char *error_type_header, const char *request_id)
{
    memset(e, 0, sizeof *e);
    e->status = status;
    if (request_id)
        snprintf(e->request_id, sizeof e->request_id, "%s", request_id);
    json_object *root = NULL;
    if (body && body_len) {
        json_tokener *tok = json_tokener_new();
        if (tok) {
            root = json_tokener_parse_ex(tok, body, (int)(body_len > 1 << 20 ? 1 << 20 : body_len));
            json_tokener_free(tok);
        }
    }
    if (root && json_object_is_type(root, json_type_object)) {
        const char *type = json_string_member(root, "__type");
        if (!type)
            type = json_string_member(root, "code");
        if (type)
            copy_code(e->code, sizeof e->code, type);
        const char *msg = json_string_member(root, "message");
        if (!msg)
            msg = json_string_member(root, "Message");
        if (msg)
            copy_message(e->message, sizeof e->message, msg, strlen(msg));
    }
    json_object_put(root);
    if (!e->code[0] && error_type_header && *error_type_header)
        copy_code(e->code, sizeof e->code, error_type_header);
    e->kind = aws_error_classify(status, e->code);
}

void aws_error_set(aws_error *e, aws_error_kind kind, const char *fmt, ...)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

bool aws_error_retryable(const aws_error *e)
{
    return e->kind == AWS_ERROR_THROTTLING || e->kind == AWS_ERROR_TRANSIENT ||
           e->kind == AWS_ERROR_TIMEOUT || e->kind == AWS_ERROR_EXPIRED_TOKEN;
}

const char *aws_error_kind_name(aws_error_kind kind)
{
    switch (kind) {
    case AWS_ERROR_NONE:
        return "none";
    case AWS_ERROR_THROTTLING:
        return "throttling";
    case AWS_ERROR_TRANSIENT:
        return "transient";
    case AWS_ERROR_TIMEOUT:
        return "timeout";
    case AWS_ERROR_EXPIRED_TOKEN:
        return "expired-token";
    case AWS_ERROR_CLIENT:
        return "client";
    case AWS_ERROR_LOCAL:
        return "local";
    }
    return "unknown";
}

void aws_error_format(const aws_error *e, char *buf, size_t len)
{
    char status[32] = "";
    if (e->status)
        snprintf(status, sizeof status, " (HTTP %ld)", e->status);
    char rid[160] = "";
    if (e->request_id[0])
        snprintf(rid, sizeof rid, " [request id %s]", e->request_id);
    snprintf(buf, len, "%s%s%s%s%s", e->code[0] ? e->code : aws_error_kind_name(e->kind), status,
             e->message[0] ? ": " : "", e->message, rid);
}
