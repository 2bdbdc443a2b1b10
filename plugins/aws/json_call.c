/* plugins/aws/json_call.c — see json_call.h. */
#include "config.h"

#include "json_call.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sigv4.h"

void aws_json_result_free(aws_json_result *res)
{
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
}

static void sleep_ms(uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* "Name: value" lines for curl; freed by free_lines. */
typedef struct header_lines {
    char *line[6];
    size_t n;
} header_lines;

static void add_line(header_lines *h, const char *name, const char *value, bool *ok)
{
    aws_buf b = AWS_BUF_INIT;
    aws_buf_puts(&b, name);
    aws_buf_puts(&b, ": ");
    aws_buf_puts(&b, value);
    char *line = aws_buf_take(&b);
    if (!line)
        *ok = false;
    h->line[h->n++] = line;
}

static void free_lines(header_lines *h)
{
    for (size_t i = 0; i < h->n; i++) {
        if (h->line[i]) {
            /* One of them holds the session token. */
            memset(h->line[i], 0, strlen(h->line[i]));
            free(h->line[i]);
        }
    }
    h->n = 0;
}

/* One attempt: sign with `creds` at the current time, send, classify.
 * 0 on a 2xx answer (body moved to res), -1 with res->error set. */
static int attempt_once(const aws_json_call *call, const aws_credentials *creds,
                        const char *target, const char *body, size_t body_len,
                        aws_json_result *res)
{
    const aws_json_service *svc = call->service;
    const aws_sigv4_header signed_headers[] = {
        {"Content-Type", svc->content_type},
        {"X-Amz-Target", target},
    };
    aws_sigv4_request req = {
        .method = "POST",
        .host = call->endpoint->host_header,
        .path = call->endpoint->path,
        .query = NULL,
        .headers = signed_headers,
        .n_headers = 2,
        .payload = body,
        .payload_len = body_len,
    };
    aws_sigv4_params params = {svc->region, svc->signing_name, time(NULL), 0};
    aws_sigv4_signature sig;
    if (aws_sigv4_sign(&req, creds, &params, &sig) != 0) {
        aws_error_set(&res->error, AWS_ERROR_LOCAL, "could not sign the request");
        return -1;
    }
    header_lines lines = {{NULL}, 0};
    bool ok = true;
    add_line(&lines, "Host", call->endpoint->host_header, &ok);
    add_line(&lines, "Content-Type", svc->content_type, &ok);
    add_line(&lines, "X-Amz-Target", target, &ok);
    add_line(&lines, "X-Amz-Date", sig.amz_date, &ok);
    if (creds->session_token)
        add_line(&lines, "X-Amz-Security-Token", creds->session_token, &ok);
    add_line(&lines, "Authorization", sig.authorization, &ok);
    aws_sigv4_signature_free(&sig);
    if (!ok) {
        free_lines(&lines);
        aws_error_set(&res->error, AWS_ERROR_LOCAL, "out of memory");
        return -1;
    }

    aws_http_response resp;
    char err[256] = "";
    aws_http_result r = aws_http_request(call->http, "POST", call->endpoint->url,
                                         (const char *const *)lines.line, lines.n, body,
                                         body_len, &resp, err, sizeof err);
    free_lines(&lines);
    if (r != AWS_HTTP_RESPONSE) {
        res->status = 0;
        aws_error_set(&res->error,
                      r == AWS_HTTP_TIMEOUT   ? AWS_ERROR_TIMEOUT
                      : r == AWS_HTTP_NETWORK ? AWS_ERROR_TRANSIENT
                                              : AWS_ERROR_LOCAL,
                      "%s", err);
        return -1;
    }
    res->status = resp.status;
    if (resp.status >= 200 && resp.status < 300) {
        memset(&res->error, 0, sizeof res->error);
        res->body = resp.body;
        res->body_len = resp.body_len;
        resp.body = NULL;
        aws_http_response_free(&resp);
        return 0;
    }
    aws_error_from_response(&res->error, resp.status, resp.body, resp.body_len, resp.error_type,
                            resp.request_id);
    aws_http_response_free(&resp);
    return -1;
}

int aws_json_call_run(const aws_json_call *call, const char *operation, const char *body,
                      size_t body_len, aws_json_result *res)
{
    memset(res, 0, sizeof *res);
    char target[256];
    snprintf(target, sizeof target, "%s.%s", call->service->target_prefix, operation);
    aws_retry_state retry = {call->policy, call->budget, call->rng, 0, 0};
    bool refreshed = false;
    for (;;) {
        aws_credentials creds;
        char err[256] = "";
        if (call->credentials->get(call->credentials, &creds, err, sizeof err) != 0) {
            aws_error_set(&res->error, AWS_ERROR_LOCAL, "no credentials: %s", err);
            return -1;
        }
        retry.attempts++;
        res->attempts = retry.attempts;
        int rc = attempt_once(call, &creds, target, body, body_len, res);
        aws_credentials_clear(&creds);
        if (rc == 0) {
            aws_retry_succeeded(&retry);
            return 0;
        }
        if (res->error.kind == AWS_ERROR_EXPIRED_TOKEN) {
            /* Refresh once; a provider that cannot refresh, or new
             * credentials that are expired too, end the call. */
            if (refreshed || !call->credentials->invalidate)
                return -1;
            call->credentials->invalidate(call->credentials);
            refreshed = true;
        }
        uint32_t delay;
        const char *why;
        if (!aws_retry_should_retry(&retry, &res->error, &delay, &why))
            return -1;
        sleep_ms(delay);
    }
}
