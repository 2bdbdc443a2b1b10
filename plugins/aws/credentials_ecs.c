/* plugins/aws/credentials_ecs.c — credentials of an ECS task role (and
 * EKS Pod Identity) from the container credentials endpoint.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 *
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: a path on http://169.254.170.2;
 * else AWS_CONTAINER_CREDENTIALS_FULL_URI: a whole URL, https anywhere or
 * http only to a loopback address or the ECS/EKS container hosts (what
 * the SDKs allow: plain http elsewhere would hand the credentials to
 * whoever is on the path).  The Authorization header's value comes from
 * the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read every time: it is
 * rotated), else AWS_CONTAINER_AUTHORIZATION_TOKEN.  Never through a
 * proxy; short timeouts. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "credentials_sources.h"
#include "endpoint.h"
#include "http.h"

#define ECS_HOST "http://169.254.170.2"
#define MAX_TOKEN 16384
#define ATTEMPTS 3

static const char *non_empty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

/* May a full URI be asked over plain http? */
static bool http_host_allowed(const char *host)
{
    static const char *const allowed[] = {
        "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", NULL,
    };
    for (size_t i = 0; allowed[i]; i++)
        if (strcasecmp(host, allowed[i]) == 0)
            return true;
    return strncmp(host, "127.", 4) == 0; /* 127.0.0.0/8 */
}

char *aws_credentials_ecs_url(char *err, size_t err_len)
{
    const char *relative = non_empty_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    char *url = NULL;
    if (relative) {
        if (asprintf(&url, "%s%s%s", ECS_HOST, relative[0] == '/' ? "" : "/", relative) < 0)
            url = NULL;
        if (!url)
            snprintf(err, err_len, "out of memory");
        return url;
    }
    const char *full = non_empty_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    aws_endpoint ep;
    char why[256];
    if (aws_endpoint_parse(full, &ep, why, sizeof why) != 0) {
        snprintf(err, err_len, "AWS_CONTAINER_CREDENTIALS_FULL_URI: %s", why);
        return NULL;
    }
    if (strcasecmp(ep.scheme, "http") == 0 && !http_host_allowed(ep.host))
        snprintf(err, err_len,
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http only to a loopback address "
                 "or the container credentials hosts, not %s",
                 ep.host);
    else if (!(url = strdup(full)))
        snprintf(err, err_len, "out of memory");
    aws_endpoint_free(&ep);
    return url;
}

/* The Authorization header line, NULL without a token (*failed set when
 * there is one that cannot be used). */
static char *authorization(bool *failed, char *err, size_t err_len)
{
    *failed = false;
    const char *file = non_empty_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    char *token = NULL;
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f) {
            snprintf(err, err_len, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s",
                     file, strerror(errno));
            *failed = true;
            return NULL;
        }
        token = calloc(1, MAX_TOKEN + 1);
        size_t n = token ? fread(token, 1, MAX_TOKEN, f) : 0;
        fclose(f);
        if (!token) {
            snprintf(err, err_len, "out of memory");
            *failed = true;
            return NULL;
        }
        token[n] = '\0';
        while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r' || token[n - 1] == ' '))
            token[--n] = '\0';
    } else {
        const char *v = non_empty_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        if (!v)
            return NULL;
        token = strdup(v);
    }
    char *line = NULL;
    if (token && strpbrk(token, "\r\n")) {
        snprintf(err, err_len, "the container authorization token holds a line break");
        *failed = true;
    } else if (!token || asprintf(&line, "Authorization: %s", token) < 0) {
        snprintf(err, err_len, "out of memory");
        *failed = true;
        line = NULL;
    }
    wipe_free(token);
    return line;
}

aws_creds_status aws_credentials_from_ecs(aws_credentials *out, char *source,
                                          size_t source_len, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (!non_empty_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
        !non_empty_env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        return AWS_CREDS_NOT_FOUND;
    char *url = aws_credentials_ecs_url(err, err_len);
    if (!url)
        return AWS_CREDS_ERROR;
    bool failed;
    char *auth = authorization(&failed, err, err_len);
    aws_http_options opts = {.connect_timeout_ms = 2000, .timeout_ms = 5000, .direct = true};
    aws_http_client *http = failed ? NULL : aws_http_client_new(&opts, err, err_len);
    aws_creds_status st = AWS_CREDS_ERROR;
    for (int i = 0; http && i < ATTEMPTS; i++) {
        const char *headers[1] = {auth};
        aws_http_response resp;
        char why[256] = "";
        aws_http_result r = aws_http_request(http, "GET", url, headers, auth ? 1 : 0, NULL, 0,
                                             &resp, why, sizeof why);
        if (r != AWS_HTTP_RESPONSE) {
            snprintf(err, err_len, "container credentials endpoint: %s", why);
            if (r == AWS_HTTP_TIMEOUT || r == AWS_HTTP_NETWORK)
                continue;
            break;
        }
        long status = resp.status;
        if (status == 200 &&
            aws_credentials_parse_json(resp.body, resp.body_len, time(NULL), out, why,
                                       sizeof why) == 0) {
            st = AWS_CREDS_FOUND;
        } else if (status == 200) {
            snprintf(err, err_len, "container credentials endpoint: %s", why);
        } else {
            snprintf(err, err_len, "container credentials endpoint: HTTP %ld", status);
        }
        OPENSSL_cleanse(resp.body, resp.body_len);
        aws_http_response_free(&resp);
        if (st == AWS_CREDS_FOUND || status < 500)
            break;
    }
    aws_http_client_free(http);
    wipe_free(auth);
    free(url);
    if (st == AWS_CREDS_FOUND)
        snprintf(source, source_len, "container credentials endpoint");
    return st;
}
