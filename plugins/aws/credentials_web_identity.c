/* plugins/aws/credentials_web_identity.c — credentials for a web identity
 * token (an OIDC token such as the one EKS projects into a pod), through
 * STS AssumeRoleWithWebIdentity.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
 *   https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 *
 * The token is a bearer secret: it never goes into a message. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "credentials_sources.h"

/* A JWT is a few KiB; anything much larger is not a token. */
#define MAX_TOKEN (64 * 1024)

static const char *non_empty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The file's content with surrounding whitespace trimmed, or NULL with
 * err set. */
static char *read_token(const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "cannot read the web identity token file %s: %s", path,
                 strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_TOKEN + 1);
    size_t n = buf ? fread(buf, 1, MAX_TOKEN + 1, f) : 0;
    bool failed = ferror(f) != 0;
    fclose(f);
    if (!buf || failed || n > MAX_TOKEN) {
        snprintf(err, err_len, "cannot read the web identity token file %s: %s", path,
                 !buf ? "out of memory" : failed ? "read error" : "larger than 64 KiB");
        if (buf)
            OPENSSL_cleanse(buf, n > MAX_TOKEN ? MAX_TOKEN + 1 : n);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    size_t start = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
                     buf[n - 1] == '\t'))
        buf[--n] = '\0';
    while (start < n && (buf[start] == ' ' || buf[start] == '\t' || buf[start] == '\n'))
        start++;
    if (start == n) {
        free(buf);
        snprintf(err, err_len, "the web identity token file %s is empty", path);
        return NULL;
    }
    memmove(buf, buf + start, n - start + 1);
    return buf;
}

int aws_credentials_assume_web_identity(const aws_sts_options *sts, const char *token_file,
                                        const char *role_arn, const char *session_name,
                                        aws_credentials *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char *token = read_token(token_file, err, err_len);
    if (!token)
        return -1;
    aws_sts_role role = {
        .role_arn = role_arn,
        .session_name = session_name,
        .web_identity_token = token,
    };
    int rc = aws_sts_assume_role(sts, &role, out, err, err_len);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    return rc;
}

aws_creds_status aws_credentials_from_web_identity(const aws_sts_options *sts,
                                                   aws_credentials *out, char *source,
                                                   size_t source_len, char *err,
                                                   size_t err_len)
{
    const char *token_file = non_empty_env("AWS_WEB_IDENTITY_TOKEN_FILE");
    const char *role_arn = non_empty_env("AWS_ROLE_ARN");
    if (!token_file && !role_arn)
        return AWS_CREDS_NOT_FOUND;
    if (!token_file || !role_arn) {
        snprintf(err, err_len, "%s is set but %s is not",
                 token_file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
                 token_file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE");
        return AWS_CREDS_ERROR;
    }
    if (aws_credentials_assume_web_identity(sts, token_file, role_arn,
                                            non_empty_env("AWS_ROLE_SESSION_NAME"), out, err,
                                            err_len) != 0)
        return AWS_CREDS_ERROR;
    snprintf(source, source_len, "web identity (role %s)", role_arn);
    return AWS_CREDS_FOUND;
}
