/* plugins/aws/endpoint.c — see endpoint.h.  Parsing is curl's (CURLU), so
 * the URL is read the way the transfer will read it. */
#include "config.h"

#include "endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

void aws_endpoint_free(aws_endpoint *ep)
{
    free(ep->url);
    free(ep->scheme);
    free(ep->host);
    free(ep->host_header);
    free(ep->path);
    memset(ep, 0, sizeof *ep);
}

/* A copy of one URL part (NULL when absent), in malloc'd memory. */
static char *url_part(CURLU *u, CURLUPart part, unsigned flags)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, flags) != CURLUE_OK)
        return NULL;
    char *copy = strdup(v);
    curl_free(v);
    return copy;
}

static int fill_endpoint(CURLU *u, aws_endpoint *out, char *err, size_t err_len)
{
    char *user = url_part(u, CURLUPART_USER, 0), *query = url_part(u, CURLUPART_QUERY, 0),
         *fragment = url_part(u, CURLUPART_FRAGMENT, 0);
    int extra = user || query || fragment;
    free(user);
    free(query);
    free(fragment);
    if (extra) {
        snprintf(err, err_len, "an endpoint URL has no user, query or fragment");
        return -1;
    }
    out->scheme = url_part(u, CURLUPART_SCHEME, 0);
    out->host = url_part(u, CURLUPART_HOST, 0);
    out->path = url_part(u, CURLUPART_PATH, 0);
    char *port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    out->url = url_part(u, CURLUPART_URL, 0);
    if (!out->scheme || !out->host || !port || !out->url) {
        free(port);
        snprintf(err, err_len, "endpoint URL without a host");
        return -1;
    }
    if (strcasecmp(out->scheme, "https") != 0 && strcasecmp(out->scheme, "http") != 0) {
        free(port);
        snprintf(err, err_len, "endpoint URL scheme must be http or https");
        return -1;
    }
    out->port = strtol(port, NULL, 10);
    free(port);
    if (!out->path && !(out->path = strdup("/"))) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    long default_port = strcasecmp(out->scheme, "https") == 0 ? 443 : 80;
    size_t len = strlen(out->host) + 8;
    out->host_header = malloc(len);
    if (!out->host_header) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (out->port == default_port)
        snprintf(out->host_header, len, "%s", out->host);
    else
        snprintf(out->host_header, len, "%s:%ld", out->host, out->port);
    return 0;
}

int aws_endpoint_parse(const char *url, aws_endpoint *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    CURLU *u = curl_url();
    if (!u) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, CURLU_DEFAULT_SCHEME);
    int result = -1;
    if (rc != CURLUE_OK)
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80 */
        snprintf(err, err_len, "invalid endpoint URL: %s", curl_url_strerror(rc));
#else
        snprintf(err, err_len, "invalid endpoint URL (curl URL error %d)", (int)rc);
#endif
    else
        result = fill_endpoint(u, out, err, err_len);
    curl_url_cleanup(u);
    if (result != 0)
        aws_endpoint_free(out);
    return result;
}

char *aws_endpoint_resolve(const char *configured, const char *service_id, const char *region,
                           char *source, size_t source_len, char *err, size_t err_len)
{
    char variable[96], scratch[96];
    if (!source) {
        source = scratch;
        source_len = sizeof scratch;
    }
    char *url = NULL;
    if (configured && *configured) {
        snprintf(source, source_len, "the configuration");
        url = strdup(configured);
    } else {
        size_t n = (size_t)snprintf(variable, sizeof variable, "AWS_ENDPOINT_URL_%s", service_id);
        for (size_t i = strlen("AWS_ENDPOINT_URL_"); i < n && i < sizeof variable; i++)
            variable[i] = variable[i] == ' ' || variable[i] == '-'
                              ? '_'
                              : (char)toupper((unsigned char)variable[i]);
        const char *specific = getenv(variable), *general = getenv("AWS_ENDPOINT_URL");
        if (specific && *specific) {
            snprintf(source, source_len, "%s", variable);
            url = strdup(specific);
        } else if (general && *general) {
            snprintf(source, source_len, "AWS_ENDPOINT_URL");
            url = strdup(general);
        } else if (!region || !*region) {
            snprintf(err, err_len, "no region to build the %s endpoint from", service_id);
            return NULL;
        } else {
            snprintf(source, source_len, "the region");
            if (asprintf(&url, "https://%s.%s.amazonaws.com%s", service_id, region,
                         strncmp(region, "cn-", 3) == 0 ? ".cn" : "") < 0)
                url = NULL;
        }
    }
    if (!url)
        snprintf(err, err_len, "out of memory");
    return url;
}
