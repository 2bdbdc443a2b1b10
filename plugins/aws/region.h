/* plugins/aws/region.h — which AWS region to talk to, the way the SDKs
 * find it:
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
 *
 *   1. the configuration (the stage's `region`);
 *   2. AWS_REGION, then AWS_DEFAULT_REGION;
 *   3. the profile's `region` in the shared config file (the profile: the
 *      configured one, else AWS_PROFILE, else "default");
 *   4. the EC2 instance metadata service (imds.h), its placement/region,
 *      unless AWS_EC2_METADATA_DISABLED.
 *
 * Reads the environment and files and may ask IMDS (needs
 * curl_global_init()): call it at stage init, on the main thread. */
#ifndef SLUICE_AWS_REGION_H
#define SLUICE_AWS_REGION_H

#include <stdbool.h>
#include <stddef.h>

/* 0 with the region in out and where it came from in source ("AWS_REGION",
 * "profile default", ...), or -1 with a reason in err. */
int aws_region_resolve(const char *configured, const char *profile, char *out, size_t out_len,
                       char *source, size_t source_len, char *err, size_t err_len);

/* A region name as AWS writes them ("eu-west-1", "us-gov-east-1",
 * "cn-north-1"): lowercase letters, digits and dashes, 1 to 63 bytes.
 * Checked because it becomes part of a host name. */
bool aws_region_valid(const char *region);

#endif
