/* plugins/aws/imds.c — see imds.h. */
#include "config.h"

#include "imds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "http.h"

/* The token's lifetime: the SDKs ask for six hours; one fetch uses it for
 * a few requests only. */
#define TOKEN_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 21600"

static const char *non_empty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

bool aws_imds_disabled(void)
{
    const char *v = non_empty_env("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}

const char *aws_imds_endpoint(void)
{
    const char *v = non_empty_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (v)
        return v;
    const char *mode = non_empty_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    return mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
                                                 : "http://169.254.169.254";
}

static long env_long(const char *name, long fallback, long max)
{
    const char *v = non_empty_env(name);
    if (!v)
        return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end || n < 1 ? fallback : n > max ? max : n;
}

/* One request: the status of the answer (body in *body), or 0 when none
 * came (err says why). */
static long request(aws_http_client *http, const char *method, const char *base,
                    const char *path, const char *header, char **body, char *err,
                    size_t err_len)
{
    char *url = NULL;
    /* The endpoint may end in '/'; the paths all start with one. */
    size_t n = strlen(base);
    if (asprintf(&url, "%.*s%s", (int)(n && base[n - 1] == '/' ? n - 1 : n), base, path) < 0) {
        snprintf(err, err_len, "out of memory");
        return 0;
    }
    const char *headers[1] = {header};
    aws_http_response resp;
    aws_http_result r = aws_http_request(http, method, url, headers, 1, NULL, 0, &resp, err,
                                         err_len);
    free(url);
    if (r != AWS_HTTP_RESPONSE)
        return 0;
    *body = resp.body;
    resp.body = NULL;
    long status = resp.status;
    aws_http_response_free(&resp);
    return status;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

aws_imds_status aws_imds_get(const char *path, char **body, char *err, size_t err_len)
{
    *body = NULL;
    if (aws_imds_disabled()) {
        snprintf(err, err_len, "the instance metadata service is disabled "
                               "(AWS_EC2_METADATA_DISABLED)");
        return AWS_IMDS_UNREACHABLE;
    }
    long timeout_ms = env_long("AWS_METADATA_SERVICE_TIMEOUT", 1, 60) * 1000;
    long attempts = env_long("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1, 10);
    aws_http_options opts = {.connect_timeout_ms = timeout_ms, .timeout_ms = timeout_ms,
                             .direct = true};
    aws_http_client *http = aws_http_client_new(&opts, err, err_len);
    if (!http)
        return AWS_IMDS_ERROR;
    const char *base = aws_imds_endpoint();
    aws_imds_status st = AWS_IMDS_UNREACHABLE;
    char why[256] = "";
    for (long i = 0; i < attempts && st == AWS_IMDS_UNREACHABLE; i++) {
        char *token = NULL;
        long status = request(http, "PUT", base, "/latest/api/token", TOKEN_TTL_HEADER, &token,
                              why, sizeof why);
        if (status == 0) {
            snprintf(err, err_len, "instance metadata service at %s: %s", base, why);
            continue; /* unreachable: maybe the next attempt */
        }
        if (status != 200 || !*token) {
            snprintf(err, err_len, "instance metadata service at %s: token request: HTTP %ld",
                     base, status);
            wipe_free(token);
            st = status >= 500 ? AWS_IMDS_UNREACHABLE : AWS_IMDS_ERROR;
            continue;
        }
        /* One line; a token with a CR or LF would end the header early. */
        token[strcspn(token, "\r\n")] = '\0';
        char *header = NULL;
        if (asprintf(&header, "X-aws-ec2-metadata-token: %s", token) < 0)
            header = NULL;
        wipe_free(token);
        if (!header) {
            snprintf(err, err_len, "out of memory");
            st = AWS_IMDS_ERROR;
            break;
        }
        status = request(http, "GET", base, path, header, body, why, sizeof why);
        wipe_free(header);
        if (status == 200) {
            st = AWS_IMDS_OK;
        } else {
            if (status == 0)
                snprintf(err, err_len, "instance metadata service at %s: %s", base, why);
            else
                snprintf(err, err_len, "instance metadata %s: HTTP %ld", path, status);
            st = status == 404 ? AWS_IMDS_NOT_FOUND
                 : status == 0 || status >= 500 ? AWS_IMDS_UNREACHABLE
                                                : AWS_IMDS_ERROR;
            wipe_free(*body);
            *body = NULL;
        }
    }
    aws_http_client_free(http);
    return st;
}
