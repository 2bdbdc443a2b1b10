/* plugins/aws/credentials_env.c — credentials from the environment, the
 * variables every AWS SDK reads:
 *   https://docs.aws.amazon.com/sdkref/latest/guide/environment-variables.html */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "credentials_sources.h"

static const char *non_empty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

aws_creds_status aws_credentials_from_env(aws_credentials *out, char *err, size_t err_len)
{
    const char *id = non_empty_env("AWS_ACCESS_KEY_ID");
    const char *secret = non_empty_env("AWS_SECRET_ACCESS_KEY");
    if (!id && !secret)
        return AWS_CREDS_NOT_FOUND;
    /* Half a key pair is a mistake to report, not a reason to go looking
     * for another identity (the SDKs' "partial credentials" error). */
    if (!id || !secret) {
        snprintf(err, err_len, "%s is set but %s is not",
                 id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                 id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        return AWS_CREDS_ERROR;
    }
    if (aws_credentials_set(out, id, secret, non_empty_env("AWS_SESSION_TOKEN"), 0) != 0) {
        snprintf(err, err_len, "%s", aws_credentials_set_error());
        return AWS_CREDS_ERROR;
    }
    return AWS_CREDS_FOUND;
}
