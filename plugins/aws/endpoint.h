/* plugins/aws/endpoint.h — a service endpoint URL taken apart once: the
 * URL requests go to and the Host header value that is both sent and signed.
 *
 * SigV4 signs the Host header, so it must be exactly what goes on the wire:
 * the host, with ":port" only when the port is not the scheme's default
 * (443 for https, 80 for http), as RFC 9110 section 7.2 and curl write it.
 * Any URL is accepted (AWS, emulators on 127.0.0.1, VPC endpoints). */
#ifndef SLUICE_AWS_ENDPOINT_H
#define SLUICE_AWS_ENDPOINT_H

#include <stddef.h>

typedef struct aws_endpoint {
    char *url;         /* scheme://host[:port]path, what curl is given */
    char *scheme;      /* "https" or "http" */
    char *host;        /* "kinesis.eu-west-1.amazonaws.com", "127.0.0.1", "[::1]" */
    long port;         /* the port connected to (the default filled in) */
    char *host_header; /* host, or host:port when the port is not the default */
    char *path;        /* "/" when the URL has none */
} aws_endpoint;

/* Parses `url` (http:// or https://; a URL without a scheme is https).
 * 0, or -1 with a reason in err and `out` left empty.  The URL must not hold
 * a query, a fragment or user:password. */
int aws_endpoint_parse(const char *url, aws_endpoint *out, char *err, size_t err_len);
void aws_endpoint_free(aws_endpoint *ep);

/* The URL of service `service_id` ("kinesis"), the way the SDKs choose it:
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 *   1. `configured` (the stage's endpoint: emulators, VPC endpoints);
 *   2. AWS_ENDPOINT_URL_<SERVICE> (the id upper-cased, spaces and dashes
 *      as '_': AWS_ENDPOINT_URL_KINESIS);
 *   3. AWS_ENDPOINT_URL;
 *   4. https://<service_id>.<region>.amazonaws.com (amazonaws.com.cn for
 *      the cn- regions).
 * malloc'd, or NULL with a reason in err (no region for step 4, out of
 * memory).  `source` (may be NULL) gets where it came from. */
char *aws_endpoint_resolve(const char *configured, const char *service_id, const char *region,
                           char *source, size_t source_len, char *err, size_t err_len);

#endif
