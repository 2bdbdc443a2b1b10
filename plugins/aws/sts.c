/* plugins/aws/sts.c — see sts.h. */
#include "config.h"

#include "sts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "aws_error.h"
#include "buf.h"
#include "endpoint.h"
#include "http.h"
#include "region.h"
#include "sigv4.h"
#include "sts_xml.h"

#define STS_VERSION "2011-06-15"
#define CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define ATTEMPTS 3

static const char *non_empty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

char *aws_sts_endpoint_url(const aws_sts_options *opts, char *region_out, size_t region_len)
{
    const char *region = opts && opts->region && *opts->region ? opts->region : NULL;
    if (!region)
        region = non_empty_env("AWS_REGION");
    if (!region)
        region = non_empty_env("AWS_DEFAULT_REGION");
    /* The region becomes part of a host name. */
    if (region && !aws_region_valid(region))
        region = NULL;
    snprintf(region_out, region_len, "%s", region ? region : "us-east-1");
    char err[128];
    char *url = aws_endpoint_resolve(opts ? opts->endpoint : NULL, "sts", region, NULL, 0, err,
                                     sizeof err);
    /* No region: the global endpoint, signed for us-east-1. */
    if (!url && !region)
        url = strdup("https://sts.amazonaws.com");
    return url;
}

/* application/x-www-form-urlencoded, the way the SDKs write Query
 * requests: RFC 3986 unreserved characters as they are, every other byte
 * %XX. */
static void put_form(aws_buf *b, const char *name, const char *value)
{
    if (b->len)
        aws_buf_putc(b, '&');
    aws_buf_puts(b, name);
    aws_buf_putc(b, '=');
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~')
            aws_buf_putc(b, (char)*p);
        else
            aws_buf_put_pct(b, *p);
    }
}

static char *form_body(const aws_sts_role *role, const char *session_name)
{
    aws_buf b = AWS_BUF_INIT;
    put_form(&b, "Action", role->source ? "AssumeRole" : "AssumeRoleWithWebIdentity");
    put_form(&b, "Version", STS_VERSION);
    put_form(&b, "RoleArn", role->role_arn);
    put_form(&b, "RoleSessionName", session_name);
    if (role->duration_seconds > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", role->duration_seconds);
        put_form(&b, "DurationSeconds", d);
    }
    if (role->source && role->external_id && *role->external_id)
        put_form(&b, "ExternalId", role->external_id);
    if (!role->source)
        put_form(&b, "WebIdentityToken", role->web_identity_token);
    char *s = aws_buf_take(&b);
    return s;
}

/* "Name: value" lines; they may hold the session token: wiped on free. */
typedef struct lines {
    char *line[6];
    size_t n;
    bool failed;
} lines;

static void add_line(lines *h, const char *name, const char *value)
{
    char *line = NULL;
    if (asprintf(&line, "%s: %s", name, value) < 0) {
        h->failed = true;
        return;
    }
    h->line[h->n++] = line;
}

static void free_lines(lines *h)
{
    for (size_t i = 0; i < h->n; i++) {
        OPENSSL_cleanse(h->line[i], strlen(h->line[i]));
        free(h->line[i]);
    }
    h->n = 0;
}

static int build_headers(const aws_endpoint *ep, const aws_sts_role *role, const char *region,
                         const char *body, lines *h, char *err, size_t err_len)
{
    memset(h, 0, sizeof *h);
    add_line(h, "Host", ep->host_header);
    add_line(h, "Content-Type", CONTENT_TYPE);
    if (role->source) {
        const aws_sigv4_header signed_headers[] = {{"Content-Type", CONTENT_TYPE}};
        aws_sigv4_request req = {
            .method = "POST", .host = ep->host_header, .path = ep->path, .query = NULL,
            .headers = signed_headers, .n_headers = 1,
            .payload = body, .payload_len = strlen(body),
        };
        aws_sigv4_params params = {region, "sts", time(NULL), 0};
        aws_sigv4_signature sig;
        if (aws_sigv4_sign(&req, role->source, &params, &sig) != 0) {
            free_lines(h);
            snprintf(err, err_len, "could not sign the STS request");
            return -1;
        }
        add_line(h, "X-Amz-Date", sig.amz_date);
        if (role->source->session_token)
            add_line(h, "X-Amz-Security-Token", role->source->session_token);
        add_line(h, "Authorization", sig.authorization);
        aws_sigv4_signature_free(&sig);
    }
    if (h->failed) {
        free_lines(h);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    return 0;
}

/* One attempt.  0 on success; -1 with err set and *retry saying whether
 * another attempt may help. */
static int attempt(aws_http_client *http, const aws_endpoint *ep, const aws_sts_role *role,
                   const char *region, const char *action, const char *body,
                   aws_credentials *out, bool *retry, char *err, size_t err_len)
{
    *retry = false;
    lines h;
    if (build_headers(ep, role, region, body, &h, err, err_len) != 0)
        return -1;
    aws_http_response resp;
    char why[256] = "";
    aws_http_result r = aws_http_request(http, "POST", ep->url, (const char *const *)h.line,
                                         h.n, body, strlen(body), &resp, why, sizeof why);
    free_lines(&h);
    if (r != AWS_HTTP_RESPONSE) {
        *retry = r == AWS_HTTP_TIMEOUT || r == AWS_HTTP_NETWORK;
        snprintf(err, err_len, "STS %s %s: %s", action, role->role_arn, why);
        return -1;
    }
    int rc = -1;
    if (resp.status >= 200 && resp.status < 300) {
        char perr[256] = "";
        rc = aws_sts_parse_credentials(resp.body, resp.body_len, out, perr, sizeof perr);
        if (rc != 0)
            snprintf(err, err_len, "STS %s %s: %s", action, role->role_arn, perr);
    } else {
        char code[128], message[512];
        aws_sts_parse_error(resp.body, resp.body_len, code, sizeof code, message,
                            sizeof message);
        aws_error_kind kind = aws_error_classify(resp.status, code);
        *retry = kind == AWS_ERROR_THROTTLING || kind == AWS_ERROR_TRANSIENT;
        snprintf(err, err_len, "STS %s %s: %s (HTTP %ld)%s%s", action, role->role_arn,
                 *code ? code : "error", resp.status, *message ? ": " : "", message);
    }
    /* The body held the secret key and the token. */
    OPENSSL_cleanse(resp.body, resp.body_len);
    aws_http_response_free(&resp);
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int aws_sts_assume_role(const aws_sts_options *opts, const aws_sts_role *role,
                        aws_credentials *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *action = role->source ? "AssumeRole" : "AssumeRoleWithWebIdentity";
    if (!role->role_arn || !*role->role_arn || (!role->source == !role->web_identity_token)) {
        snprintf(err, err_len, "STS %s: a role ARN and %s are needed", action,
                 role->source ? "source credentials" : "a web identity token");
        return -1;
    }
    char region[64];
    char *url = aws_sts_endpoint_url(opts, region, sizeof region);
    if (!url) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    aws_endpoint ep;
    char why[256] = "";
    int rc = aws_endpoint_parse(url, &ep, why, sizeof why);
    free(url);
    if (rc != 0) {
        snprintf(err, err_len, "STS endpoint: %s", why);
        return -1;
    }
    char session[64];
    const char *session_name =
        role->session_name && *role->session_name ? role->session_name : NULL;
    if (!session_name) {
        /* The SDKs name a session after themselves and the time. */
        snprintf(session, sizeof session, "sluice-%lld", (long long)time(NULL));
        session_name = session;
    }
    aws_http_options http_opts = {
        .connect_timeout_ms = 5000,
        .timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 10000,
    };
    aws_http_client *http = aws_http_client_new(&http_opts, why, sizeof why);
    char *body = form_body(role, session_name);
    rc = -1;
    if (!http || !body) {
        snprintf(err, err_len, "STS: %s", http ? "out of memory" : why);
    } else {
        for (int i = 0; i < ATTEMPTS; i++) {
            bool retry;
            if (i > 0)
                sleep_ms(100L << i);
            rc = attempt(http, &ep, role, region, action, body, out, &retry, err, err_len);
            if (rc == 0 || !retry)
                break;
        }
    }
    if (body) {
        /* It holds the web identity token. */
        OPENSSL_cleanse(body, strlen(body));
        free(body);
    }
    aws_http_client_free(http);
    aws_endpoint_free(&ep);
    return rc;
}
