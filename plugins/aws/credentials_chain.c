/* plugins/aws/credentials_chain.c — the order in which sources are asked,
 * the AWS SDKs' default chain (see credentials.h):
 *   https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html */
#include "config.h"

#include <stdio.h>

#include "credentials_sources.h"

static aws_creds_status from_config(const aws_credentials_config *cfg, aws_credentials *out,
                                    char *err, size_t err_len)
{
    bool has_id = cfg && cfg->access_key_id && *cfg->access_key_id;
    bool has_secret = cfg && cfg->secret_access_key && *cfg->secret_access_key;
    if (!has_id && !has_secret)
        return AWS_CREDS_NOT_FOUND;
    if (!has_id || !has_secret) {
        snprintf(err, err_len, "access_key_id and secret_access_key go together");
        return AWS_CREDS_ERROR;
    }
    if (aws_credentials_set(out, cfg->access_key_id, cfg->secret_access_key, cfg->session_token,
                            0) != 0) {
        snprintf(err, err_len, "%s", aws_credentials_set_error());
        return AWS_CREDS_ERROR;
    }
    return AWS_CREDS_FOUND;
}

int aws_credentials_resolve(const aws_credentials_config *cfg, aws_credentials *out,
                            char *source, size_t source_len, char *err, size_t err_len)
{
    char why[512] = "";
    aws_creds_status st = from_config(cfg, out, why, sizeof why);
    if (st == AWS_CREDS_FOUND) {
        snprintf(source, source_len, "configuration");
        return 0;
    }
    if (st == AWS_CREDS_NOT_FOUND) {
        st = aws_credentials_from_env(out, why, sizeof why);
        if (st == AWS_CREDS_FOUND) {
            snprintf(source, source_len, "environment");
            return 0;
        }
    }
    if (st == AWS_CREDS_NOT_FOUND) {
        st = aws_credentials_from_profile(cfg ? cfg->profile : NULL, out, source, source_len,
                                          why, sizeof why);
        if (st == AWS_CREDS_FOUND)
            return 0;
    }
    if (st == AWS_CREDS_NOT_FOUND)
        snprintf(err, err_len,
                 "no AWS credentials found (looked in the configuration, the environment "
                 "and the shared config and credentials files)");
    else
        snprintf(err, err_len, "AWS credentials: %s", why);
    return -1;
}
