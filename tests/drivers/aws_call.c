/* tests/drivers/aws_call.c — a small driver for the AWS core's
 * integration tests (tests/integration/aws_*.sh): makes AWS JSON protocol
 * calls through plugins/aws (endpoint, SigV4, HTTP client, errors, retries)
 * and prints what happened, one line per call:
 *
 *   status=200 attempts=1 kind=none code= budget=500 body={...}
 *
 * usage: aws_call [options] OPERATION [JSON-BODY]
 *   --endpoint URL        the service (default: $KINESIS_ENDPOINT)
 *   --region R            (default us-east-1)
 *   --service NAME        signing name (default kinesis)
 *   --target-prefix P     (default Kinesis_20131202)
 *   --max-attempts N --base-ms N --throttled-base-ms N --cap-ms N
 *   --budget N            retry budget capacity (default 500)
 *   --timeout-ms N --connect-timeout-ms N
 *   --ca-file F --no-tls-verify
 *   --direct              never through a proxy (as for metadata endpoints)
 *   --repeat N            make the call N times on one client
 *   --sleep-ms N          wait N ms between repeated calls
 *   --chain               credentials from the credentials chain (a refreshing
 *                         provider, credentials.h); a line "source=..." follows
 *                         each call.  With it:
 *   --profile P --role-arn A --external-id E --role-session-name N
 *   --role-duration S --sts-endpoint URL --sts-region R
 *   --resolve-only        print "region=R (SOURCE) endpoint=URL (SOURCE)": the
 *                         region (region.h) from --region as the configured
 *                         one and --profile, the Kinesis endpoint
 *                         (aws_endpoint_resolve) from --endpoint as the
 *                         configured one; then exit
 *
 * Without --chain, credentials come from AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, read here directly.  Exit 0
 * when every call succeeded, 1 when one failed, 2 on a usage error. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/json_call.h"
#include "aws/region.h"
#include "aws/retry.h"

typedef struct driver_options {
    const char *endpoint, *region, *service, *target_prefix, *operation, *body, *ca_file;
    aws_retry_policy policy;
    unsigned budget;
    aws_http_options http;
    int repeat;
    long sleep_ms;
    bool chain, resolve_only;
    const char *configured_region;
    aws_credentials_config creds;
} driver_options;

static int usage(const char *why)
{
    fprintf(stderr, "aws_call: %s\nusage: aws_call [options] OPERATION [JSON-BODY]\n", why);
    return 2;
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 0 ? v : -1;
}

static int parse_options(int argc, char **argv, driver_options *o)
{
    static const aws_retry_policy standard = AWS_RETRY_POLICY_STANDARD;
    memset(o, 0, sizeof *o);
    o->endpoint = getenv("KINESIS_ENDPOINT");
    o->region = "us-east-1";
    o->service = "kinesis";
    o->target_prefix = "Kinesis_20131202";
    o->body = "{}";
    o->policy = standard;
    o->budget = AWS_RETRY_BUDGET_CAPACITY;
    o->repeat = 1;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *name = argv[i];
        if (strcmp(name, "--no-tls-verify") == 0) {
            o->http.tls_verify_off = true;
            continue;
        }
        if (strcmp(name, "--direct") == 0) {
            o->http.direct = true;
            continue;
        }
        if (strcmp(name, "--chain") == 0) {
            o->chain = true;
            continue;
        }
        if (strcmp(name, "--resolve-only") == 0) {
            o->resolve_only = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage("an option lacks its value");
        const char *v = argv[++i];
        long n = number(v);
        if (strcmp(name, "--endpoint") == 0)
            o->endpoint = v;
        else if (strcmp(name, "--region") == 0)
            o->region = o->configured_region = v;
        else if (strcmp(name, "--service") == 0)
            o->service = v;
        else if (strcmp(name, "--target-prefix") == 0)
            o->target_prefix = v;
        else if (strcmp(name, "--ca-file") == 0)
            o->http.ca_file = v;
        else if (strcmp(name, "--profile") == 0)
            o->creds.profile = v;
        else if (strcmp(name, "--role-arn") == 0)
            o->creds.role_arn = v;
        else if (strcmp(name, "--external-id") == 0)
            o->creds.external_id = v;
        else if (strcmp(name, "--role-session-name") == 0)
            o->creds.role_session_name = v;
        else if (strcmp(name, "--sts-endpoint") == 0)
            o->creds.sts_endpoint = v;
        else if (strcmp(name, "--sts-region") == 0)
            o->creds.region = v;
        else if (n < 0)
            return usage("not a number");
        else if (strcmp(name, "--max-attempts") == 0)
            o->policy.max_attempts = (int)n;
        else if (strcmp(name, "--base-ms") == 0)
            o->policy.base_ms = (uint32_t)n;
        else if (strcmp(name, "--throttled-base-ms") == 0)
            o->policy.throttled_base_ms = (uint32_t)n;
        else if (strcmp(name, "--cap-ms") == 0)
            o->policy.cap_ms = (uint32_t)n;
        else if (strcmp(name, "--budget") == 0)
            o->budget = (unsigned)n;
        else if (strcmp(name, "--timeout-ms") == 0)
            o->http.timeout_ms = n;
        else if (strcmp(name, "--connect-timeout-ms") == 0)
            o->http.connect_timeout_ms = n;
        else if (strcmp(name, "--repeat") == 0)
            o->repeat = (int)n;
        else if (strcmp(name, "--sleep-ms") == 0)
            o->sleep_ms = n;
        else if (strcmp(name, "--role-duration") == 0)
            o->creds.role_duration_seconds = (int)n;
        else
            return usage("unknown option");
    }
    if (o->resolve_only)
        return 0;
    if (i >= argc)
        return usage("no operation");
    o->operation = argv[i++];
    if (i < argc)
        o->body = argv[i++];
    if (i < argc || !o->endpoint)
        return usage(o->endpoint ? "too many arguments" : "no endpoint");
    return 0;
}

static aws_credentials_provider *env_credentials(const driver_options *o)
{
    if (o->chain)
        return aws_credentials_provider_chain(&o->creds);
    aws_credentials c;
    if (aws_credentials_set(&c, getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"),
                            getenv("AWS_SESSION_TOKEN"), 0) != 0)
        return NULL;
    aws_credentials_provider *p = aws_credentials_provider_static(&c);
    aws_credentials_clear(&c);
    return p;
}

static int run_calls(const driver_options *o, const aws_json_call *call)
{
    int failed = 0;
    for (int i = 0; i < o->repeat; i++) {
        if (i > 0 && o->sleep_ms > 0) {
            struct timespec ts = {o->sleep_ms / 1000, (o->sleep_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        aws_json_result res;
        int rc = aws_json_call_run(call, o->operation, o->body, strlen(o->body), &res);
        char *nl;
        while (res.body && (nl = strchr(res.body, '\n')))
            *nl = ' ';
        printf("status=%ld attempts=%d kind=%s code=%s budget=%u body=%s\n", res.status,
               res.attempts, aws_error_kind_name(res.error.kind), res.error.code,
               aws_retry_budget_available(call->budget), res.body ? res.body : "");
        if (rc != 0) {
            char msg[1024];
            aws_error_format(&res.error, msg, sizeof msg);
            printf("error=%s\n", msg);
            failed = 1;
        }
        aws_json_result_free(&res);
        if (o->chain) {
            char source[256];
            aws_credentials_provider_chain_source(call->credentials, source, sizeof source);
            printf("source=%s\n", source);
        }
        fflush(stdout);
    }
    return failed;
}

static int resolve_only(const driver_options *o)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char region[64], region_source[160], endpoint_source[96], err[512] = "";
    int rc = 1;
    if (aws_region_resolve(o->configured_region, o->creds.profile, region, sizeof region,
                           region_source, sizeof region_source, err, sizeof err) != 0) {
        printf("error=%s\n", err);
    } else {
        const char *configured = o->endpoint && o->endpoint != getenv("KINESIS_ENDPOINT")
                                     ? o->endpoint
                                     : NULL;
        char *url = aws_endpoint_resolve(configured, "kinesis", region, endpoint_source,
                                         sizeof endpoint_source, err, sizeof err);
        if (url) {
            printf("region=%s (%s) endpoint=%s (%s)\n", region, region_source, url,
                   endpoint_source);
            free(url);
            rc = 0;
        } else {
            printf("error=%s\n", err);
        }
    }
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    driver_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.resolve_only)
        return resolve_only(&o);
    aws_credentials_provider *creds = env_credentials(&o);
    if (!creds) {
        fprintf(stderr, "aws_call: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n");
        return 2;
    }
    /* The core's job in sluice (DESIGN §4); this program does it itself. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char err[256] = "";
    aws_endpoint ep;
    aws_http_client *http = NULL;
    rc = 1;
    if (aws_endpoint_parse(o.endpoint, &ep, err, sizeof err) != 0) {
        fprintf(stderr, "aws_call: %s\n", err);
    } else {
        http = aws_http_client_new(&o.http, err, sizeof err);
        if (!http)
            fprintf(stderr, "aws_call: %s\n", err);
    }
    if (http) {
        aws_json_service svc = {o.region, o.service, o.target_prefix,
                                "application/x-amz-json-1.1"};
        aws_retry_budget budget;
        aws_retry_budget_init(&budget, o.budget);
        uint64_t rng = aws_retry_rng_seed();
        aws_json_call call = {http, &ep, &svc, creds, &o.policy, &budget, &rng};
        rc = run_calls(&o, &call);
        aws_retry_budget_destroy(&budget);
        aws_http_client_free(http);
        aws_endpoint_free(&ep);
    }
    aws_credentials_provider_destroy(creds);
    curl_global_cleanup();
    return rc;
}
