/* plugins/aws/http.h — the HTTP client every AWS call goes through, on a
 * libcurl easy handle.
 *
 * Concurrency: one client per thread.  A client is never used by two
 * threads at once; it keeps its easy handle, hence its connections (HTTP/1.1
 * keep-alive), between requests.  The library never calls
 * curl_global_init(): the core does, once, before any thread starts
 * (DESIGN §4; a test's main() does it itself).
 *
 * What every request gets: HTTP/1.1; connect and total timeouts; TLS peer
 * and host verification unless tls_verify is turned off explicitly; the CA
 * file from the options, else AWS_CA_BUNDLE, else the system's; proxies
 * from the environment (curl reads http_proxy, https_proxy, no_proxy) but
 * never for the instance-metadata addresses, and never at all with
 * `direct`; no "Expect: 100-continue" (an extra round trip AWS does not
 * need); CURLOPT_NOSIGNAL, so no SIGALRM or SIGPIPE reaches the process
 * from curl; no redirects; http and https only. */
#ifndef SLUICE_AWS_HTTP_H
#define SLUICE_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aws_http_options {
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* the whole request; 0: 30 s */
    const char *ca_file;     /* NULL: AWS_CA_BUNDLE, else the system's store */
    bool tls_verify_off;     /* the operator's explicit tls_verify: false */
    bool direct;             /* never use a proxy (metadata endpoints) */
} aws_http_options;

/* How a request ended. */
typedef enum aws_http_result {
    AWS_HTTP_RESPONSE = 0, /* a response came back, whatever its status */
    AWS_HTTP_TIMEOUT,      /* connect or total timeout: worth retrying */
    AWS_HTTP_NETWORK,      /* refused, reset, closed without an answer, DNS: worth retrying */
    AWS_HTTP_FAILED,       /* a certificate that does not verify, a bad URL, out of
                              memory, a response too large: retrying will not help */
} aws_http_result;

typedef struct aws_http_response {
    long status;
    char *body;        /* NUL-terminated (body_len excludes the NUL); never NULL after a response */
    size_t body_len;
    char *request_id;  /* x-amzn-RequestId, or NULL */
    char *error_type;  /* X-Amzn-ErrorType (the AWS JSON protocol's error code), or NULL */
} aws_http_response;

typedef struct aws_http_client aws_http_client;

/* A new client (reads AWS_CA_BUNDLE and no_proxy now).  NULL with a reason
 * in err when out of memory or curl is unusable. */
aws_http_client *aws_http_client_new(const aws_http_options *opts, char *err, size_t err_len);
void aws_http_client_free(aws_http_client *c);

/* One request.  `headers` are whole lines ("Name: value").  `method` is
 * GET, POST, PUT...; body may be NULL when body_len is 0.  On
 * AWS_HTTP_RESPONSE `resp` is filled (free it with aws_http_response_free);
 * otherwise it is left empty and err says why (curl's words, no header
 * values, so never a secret). */
aws_http_result aws_http_request(aws_http_client *c, const char *method, const char *url,
                                 const char *const *headers, size_t n_headers,
                                 const void *body, size_t body_len,
                                 aws_http_response *resp, char *err, size_t err_len);
void aws_http_response_free(aws_http_response *resp);

/* The value given to CURLOPT_NOPROXY: `env_no_proxy` (the no_proxy or
 * NO_PROXY variable, may be NULL) with the instance-metadata hosts added;
 * "*" stays "*".  Exposed for the unit tests; malloc'd, NULL when out of
 * memory. */
char *aws_http_no_proxy_list(const char *env_no_proxy);

/* The largest response body accepted (a Kinesis GetRecords answer is at
 * most 10 MiB of data, base64 in JSON). */
#define AWS_HTTP_MAX_BODY (64u * 1024 * 1024)

#endif
