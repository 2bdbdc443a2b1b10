/* plugins/aws/credentials_chain.c — the order in which sources are asked,
 * the AWS SDKs' default chain (see credentials.h):
 *   https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
 * and the assumed role of the configuration on top of it. */
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

/* The default chain, without the configured role. */
static int resolve_chain(const aws_credentials_config *cfg, const aws_sts_options *sts,
                         aws_credentials *out, char *source, size_t source_len, char *err,
                         size_t err_len)
{
    char why[1024] = "";
    aws_creds_status st = from_config(cfg, out, why, sizeof why);
    if (st == AWS_CREDS_FOUND)
        snprintf(source, source_len, "configuration");
    if (st == AWS_CREDS_NOT_FOUND) {
        st = aws_credentials_from_env(out, why, sizeof why);
        if (st == AWS_CREDS_FOUND)
            snprintf(source, source_len, "environment");
    }
    if (st == AWS_CREDS_NOT_FOUND)
        st = aws_credentials_from_web_identity(sts, out, source, source_len, why, sizeof why);
    if (st == AWS_CREDS_NOT_FOUND)
        st = aws_credentials_from_profile(cfg ? cfg->profile : NULL, sts, out, source,
                                          source_len, why, sizeof why);
    if (st == AWS_CREDS_NOT_FOUND)
        st = aws_credentials_from_ecs(out, source, source_len, why, sizeof why);
    if (st == AWS_CREDS_NOT_FOUND)
        st = aws_credentials_from_imds(out, source, source_len, why, sizeof why);
    if (st == AWS_CREDS_FOUND)
        return 0;
    if (st == AWS_CREDS_NOT_FOUND)
        snprintf(err, err_len,
                 "no AWS credentials found (looked in the configuration, the environment, "
                 "web identity, the shared config and credentials files, the container "
                 "credentials endpoint and the instance metadata service)");
    else
        snprintf(err, err_len, "AWS credentials: %s", why);
    return -1;
}

int aws_credentials_resolve(const aws_credentials_config *cfg, aws_credentials *out,
                            char *source, size_t source_len, char *err, size_t err_len)
{
    aws_sts_options sts = {cfg ? cfg->sts_endpoint : NULL, cfg ? cfg->region : NULL, 0};
    char base_source[256] = "";
    if (resolve_chain(cfg, &sts, out, base_source, sizeof base_source, err, err_len) != 0)
        return -1;
    if (!cfg || !cfg->role_arn || !*cfg->role_arn) {
        snprintf(source, source_len, "%s", base_source);
        return 0;
    }
    /* SDC's "Assume Role": the chain's identity assumes the configured
     * role. */
    aws_credentials base = *out;
    aws_sts_role role = {
        .role_arn = cfg->role_arn,
        .session_name = cfg->role_session_name,
        .external_id = cfg->external_id,
        .duration_seconds = cfg->role_duration_seconds,
        .source = &base,
    };
    char why[1024] = "";
    int rc = aws_sts_assume_role(&sts, &role, out, why, sizeof why);
    aws_credentials_clear(&base);
    if (rc != 0) {
        snprintf(err, err_len, "AWS credentials: role_arn (with credentials from %s): %s",
                 base_source, why);
        return -1;
    }
    snprintf(source, source_len, "role %s (assumed with credentials from %s)", cfg->role_arn,
             base_source);
    return 0;
}
