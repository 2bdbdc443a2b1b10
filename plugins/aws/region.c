/* plugins/aws/region.c — see region.h. */
#include "config.h"

#include "region.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credentials_sources.h"
#include "imds.h"

bool aws_region_valid(const char *region)
{
    size_t n = region ? strlen(region) : 0;
    if (n == 0 || n > 63 || region[0] == '-' || region[n - 1] == '-')
        return false;
    return strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int take(const char *value, const char *from, char *out, size_t out_len, char *source,
                size_t source_len, char *err, size_t err_len)
{
    if (!aws_region_valid(value)) {
        snprintf(err, err_len, "the region from %s is not a region name: \"%.64s\"", from, value);
        return -1;
    }
    snprintf(out, out_len, "%s", value);
    snprintf(source, source_len, "%s", from);
    return 0;
}

int aws_region_resolve(const char *configured, const char *profile, char *out, size_t out_len,
                       char *source, size_t source_len, char *err, size_t err_len)
{
    if (configured && *configured)
        return take(configured, "the configuration", out, out_len, source, source_len, err,
                    err_len);
    static const char *const variables[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(variables[i]);
        if (v && *v)
            return take(v, variables[i], out, out_len, source, source_len, err, err_len);
    }
    char value[128];
    if (aws_profile_setting(profile, "region", value, sizeof value) == 0) {
        const char *env = getenv("AWS_PROFILE");
        char from[160];
        snprintf(from, sizeof from, "profile %s",
                 profile && *profile ? profile : env && *env ? env : "default");
        return take(value, from, out, out_len, source, source_len, err, err_len);
    }
    char *body = NULL;
    char why[256] = "";
    aws_imds_status st = aws_imds_get("/latest/meta-data/placement/region", &body, why,
                                      sizeof why);
    if (st == AWS_IMDS_OK) {
        body[strcspn(body, "\r\n")] = '\0';
        int rc = take(body, "instance metadata", out, out_len, source, source_len, err,
                      err_len);
        free(body);
        return rc;
    }
    free(body);
    snprintf(err, err_len,
             "no AWS region: set the region, AWS_REGION or AWS_DEFAULT_REGION, or a region in "
             "the profile (instance metadata: %s)",
             why);
    return -1;
}
