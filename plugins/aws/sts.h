/* plugins/aws/sts.h — the two AWS STS calls the credentials chain makes:
 * AssumeRole (signed with the source credentials) and
 * AssumeRoleWithWebIdentity (unsigned: the web identity token is the
 * proof).  The AWS Query protocol: a form-encoded POST, an XML answer
 * (sts_xml.h).
 *
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 *   https://docs.aws.amazon.com/STS/latest/APIReference/CommonParameters.html
 *
 * The endpoint: the caller's (configuration), else AWS_ENDPOINT_URL_STS,
 * else AWS_ENDPOINT_URL (the SDKs' service-specific endpoint variables,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html),
 * else the regional endpoint https://sts.REGION.amazonaws.com, else (no
 * region, or one that is not a region name) the global
 * https://sts.amazonaws.com signed for us-east-1.
 *
 * Needs curl_global_init() done (the core's job).  Blocking; thread-safe
 * (a client per call).  Nothing secret (keys, token, the web identity
 * token) ever goes into err. */
#ifndef SLUICE_AWS_STS_H
#define SLUICE_AWS_STS_H

#include <stddef.h>

#include "credentials.h"

typedef struct aws_sts_options {
    const char *endpoint; /* NULL: see above */
    const char *region;   /* NULL or "": AWS_REGION, AWS_DEFAULT_REGION, none */
    long timeout_ms;      /* the whole request; 0: 10 s */
} aws_sts_options;

typedef struct aws_sts_role {
    const char *role_arn;           /* required */
    const char *session_name;       /* NULL: "sluice-<unix time>" */
    const char *external_id;        /* AssumeRole only; NULL: none */
    int duration_seconds;           /* 0: STS's default (one hour) */
    /* Exactly one of: */
    const aws_credentials *source;  /* AssumeRole, signed with these */
    const char *web_identity_token; /* AssumeRoleWithWebIdentity */
} aws_sts_role;

/* Assumes the role: 0 with `out` holding the temporary credentials (with
 * their expiration), or -1 with the reason in err ("STS AssumeRole
 * arn:...: AccessDenied (HTTP 403): ...").  Network errors, throttling
 * and 5xx are tried again (3 attempts). */
int aws_sts_assume_role(const aws_sts_options *opts, const aws_sts_role *role,
                        aws_credentials *out, char *err, size_t err_len);

/* The endpoint URL and signing region aws_sts_assume_role() would use
 * (exposed for the tests); malloc'd / copied into region_out. */
char *aws_sts_endpoint_url(const aws_sts_options *opts, char *region_out, size_t region_len);

#endif
