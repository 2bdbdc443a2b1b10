/* plugins/aws/imds.h — the EC2 instance metadata service, IMDSv2 only:
 * a session token first (PUT /latest/api/token with the TTL header), then
 * GETs carrying it.
 *
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-client.html
 *
 * Environment, as in the SDKs:
 *   AWS_EC2_METADATA_DISABLED=true        never ask
 *   AWS_EC2_METADATA_SERVICE_ENDPOINT     the endpoint (tests: a loopback fake)
 *   AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE IPv4 (http://169.254.169.254,
 *                                          default) or IPv6 (http://[fd00:ec2::254])
 *   AWS_METADATA_SERVICE_TIMEOUT          seconds per request (default 1)
 *   AWS_METADATA_SERVICE_NUM_ATTEMPTS     attempts (default 1)
 * Never through a proxy.  No IMDSv1 fallback: an instance that refuses
 * the token PUT has no usable metadata service for sluice.
 * Needs curl_global_init(); blocking; thread-safe (a client per call). */
#ifndef SLUICE_AWS_IMDS_H
#define SLUICE_AWS_IMDS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum aws_imds_status {
    AWS_IMDS_OK = 0,
    AWS_IMDS_UNREACHABLE, /* disabled, or no answer (not on EC2) */
    AWS_IMDS_NOT_FOUND,   /* the path answered 404 */
    AWS_IMDS_ERROR,       /* anything else: err says what */
} aws_imds_status;

/* True when AWS_EC2_METADATA_DISABLED is "true" (any case). */
bool aws_imds_disabled(void);

/* The endpoint asked (from the variables above); exposed for the tests. */
const char *aws_imds_endpoint(void);

/* GETs `path` ("/latest/meta-data/placement/region"): AWS_IMDS_OK with
 * the body in *body (malloc'd, NUL-terminated; the caller wipes it when it
 * holds secrets), else a status and a reason in err. */
aws_imds_status aws_imds_get(const char *path, char **body, char *err, size_t err_len);

#endif
