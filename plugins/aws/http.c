/* plugins/aws/http.c — see http.h. */
#include "config.h"

#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "buf.h"

/* The EC2 instance metadata service (IPv4 and IPv6) and the ECS container
 * credentials endpoint: credentials come from there, and a proxy must never
 * see that traffic (the AWS SDKs exclude them too). */
#define METADATA_HOSTS "169.254.169.254,fd00:ec2::254,169.254.170.2"

struct aws_http_client {
    CURL *curl;
    long connect_timeout_ms;
    long timeout_ms;
    char *ca_file;
    bool tls_verify_off;
    bool direct;
    char *no_proxy; /* the environment's list plus METADATA_HOSTS */
    char curl_error[CURL_ERROR_SIZE];
};

/* CURLOPT_NOPROXY replaces the no_proxy variable, so the metadata hosts are
 * added to the environment's list rather than set alone. */
char *aws_http_no_proxy_list(const char *env)
{
    if (env && strcmp(env, "*") == 0)
        return strdup("*");
    aws_buf b = AWS_BUF_INIT;
    if (env && *env) {
        aws_buf_puts(&b, env);
        aws_buf_putc(&b, ',');
    }
    aws_buf_puts(&b, METADATA_HOSTS);
    return aws_buf_take(&b);
}

static const char *env_no_proxy(void)
{
    const char *env = getenv("no_proxy");
    return env && *env ? env : getenv("NO_PROXY");
}

aws_http_client *aws_http_client_new(const aws_http_options *opts, char *err, size_t err_len)
{
    aws_http_client *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    c->connect_timeout_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
    c->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
    c->tls_verify_off = opts && opts->tls_verify_off;
    c->direct = opts && opts->direct;
    const char *ca = opts && opts->ca_file && *opts->ca_file ? opts->ca_file : getenv("AWS_CA_BUNDLE");
    bool ok = true;
    if (ca && *ca)
        ok = (c->ca_file = strdup(ca)) != NULL;
    c->no_proxy = aws_http_no_proxy_list(env_no_proxy());
    c->curl = curl_easy_init();
    if (!ok || !c->no_proxy || !c->curl) {
        snprintf(err, err_len, c->curl ? "out of memory" : "curl_easy_init failed");
        aws_http_client_free(c);
        return NULL;
    }
    return c;
}

void aws_http_client_free(aws_http_client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->ca_file);
    free(c->no_proxy);
    free(c);
}

void aws_http_response_free(aws_http_response *resp)
{
    free(resp->body);
    free(resp->request_id);
    free(resp->error_type);
    memset(resp, 0, sizeof *resp);
}

/* ---- receiving ---------------------------------------------------------- */

typedef struct transfer {
    aws_buf body;
    aws_http_response *resp;
    bool too_large;
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (t->body.len + n > AWS_HTTP_MAX_BODY) {
        t->too_large = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    aws_buf_append(&t->body, data, n);
    return t->body.failed ? 0 : n;
}

/* The value of header line `line` if its name is `name`, trimmed, copied. */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t name_len = strlen(name);
    if (len <= name_len || line[name_len] != ':' || strncasecmp(line, name, name_len) != 0)
        return NULL;
    const char *v = line + name_len + 1, *end = line + len;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    return strndup(v, (size_t)(end - v));
}

static void keep_header(char **slot, char *value)
{
    if (value) {
        free(*slot);
        *slot = value;
    }
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a proxy's CONNECT answer, say): start over. */
        free(t->resp->request_id);
        free(t->resp->error_type);
        t->resp->request_id = t->resp->error_type = NULL;
        return n;
    }
    keep_header(&t->resp->request_id, header_value(data, n, "x-amzn-RequestId"));
    keep_header(&t->resp->error_type, header_value(data, n, "X-Amzn-ErrorType"));
    return n;
}

/* ---- sending ---------------------------------------------------------- */

static void apply_client_options(aws_http_client *c)
{
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string form replaces the bitmask */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_error);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "sluice/" PACKAGE_VERSION);
    if (c->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->tls_verify_off ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->tls_verify_off ? 0L : 2L);
    if (c->direct)
        curl_easy_setopt(h, CURLOPT_PROXY, ""); /* "" disables every proxy */
    else
        curl_easy_setopt(h, CURLOPT_NOPROXY, c->no_proxy);
}

static void apply_method(CURL *h, const char *method, const void *body, size_t body_len)
{
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        return;
    }
    /* POSTFIELDS with an explicit size sends the body as it is (binary
     * safe, no copy); any other method rides on it with CUSTOMREQUEST. */
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body_len ? body : "");
    if (strcmp(method, "POST") != 0)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
}

static aws_http_result classify_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return AWS_HTTP_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return AWS_HTTP_NETWORK;
    default:
        return AWS_HTTP_FAILED;
    }
}

static struct curl_slist *build_headers(const char *const *headers, size_t n)
{
    /* An empty "Expect:" keeps curl from sending "Expect: 100-continue". */
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; list && i < n; i++) {
        struct curl_slist *next = curl_slist_append(list, headers[i]);
        if (!next) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = next;
    }
    return list;
}

aws_http_result aws_http_request(aws_http_client *c, const char *method, const char *url,
                                 const char *const *headers, size_t n_headers,
                                 const void *body, size_t body_len,
                                 aws_http_response *resp, char *err, size_t err_len)
{
    memset(resp, 0, sizeof *resp);
    struct curl_slist *list = build_headers(headers, n_headers);
    if (!list) {
        snprintf(err, err_len, "out of memory");
        return AWS_HTTP_FAILED;
    }
    transfer t = {AWS_BUF_INIT, resp, false};
    /* reset keeps the connection cache: the next request reuses the
     * connection; options are set afresh so one request's never leak into
     * the next. */
    curl_easy_reset(c->curl);
    apply_client_options(c);
    c->curl_error[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, list);
    apply_method(c->curl, method, body, body_len);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &t);

    CURLcode rc = curl_easy_perform(c->curl);
    curl_slist_free_all(list);
    bool out_of_memory = t.body.failed;
    if (rc == CURLE_OK && !out_of_memory) {
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->body_len = t.body.len;
        resp->body = aws_buf_take(&t.body);
        if (resp->body)
            return AWS_HTTP_RESPONSE;
        out_of_memory = true;
    }
    aws_buf_free(&t.body, false);
    aws_http_response_free(resp);
    if (t.too_large) {
        snprintf(err, err_len, "response larger than %u bytes", AWS_HTTP_MAX_BODY);
        return AWS_HTTP_FAILED;
    }
    if (out_of_memory) {
        snprintf(err, err_len, "out of memory");
        return AWS_HTTP_FAILED;
    }
    snprintf(err, err_len, "%s", c->curl_error[0] ? c->curl_error : curl_easy_strerror(rc));
    return classify_curl(rc);
}
