/* plugins/aws/credentials_imds.c — the instance role's credentials from
 * the EC2 instance metadata service (imds.h), the last source of the
 * chain:
 *
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
 *
 *   GET /latest/meta-data/iam/security-credentials/       -> the role's name
 *   GET /latest/meta-data/iam/security-credentials/ROLE   -> the JSON document
 *
 * Not found when the service is disabled or does not answer (not on EC2)
 * or the instance has no role. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "credentials_sources.h"
#include "imds.h"

#define CREDENTIALS_PATH "/latest/meta-data/iam/security-credentials/"

aws_creds_status aws_credentials_from_imds(aws_credentials *out, char *source,
                                           size_t source_len, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char *role = NULL;
    aws_imds_status st = aws_imds_get(CREDENTIALS_PATH, &role, err, err_len);
    if (st == AWS_IMDS_UNREACHABLE || st == AWS_IMDS_NOT_FOUND) {
        free(role);
        return AWS_CREDS_NOT_FOUND;
    }
    if (st != AWS_IMDS_OK)
        return AWS_CREDS_ERROR;
    role[strcspn(role, "\r\n")] = '\0';
    /* A role name is [\w+=,.@-]{1,64}: anything else would change the path. */
    if (!*role || strlen(role) > 64 ||
        strspn(role, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-") !=
            strlen(role)) {
        snprintf(err, err_len, "the instance metadata service names no valid role");
        free(role);
        return AWS_CREDS_ERROR;
    }
    char path[128];
    snprintf(path, sizeof path, "%s%s", CREDENTIALS_PATH, role);
    char *doc = NULL;
    st = aws_imds_get(path, &doc, err, err_len);
    aws_creds_status result = AWS_CREDS_ERROR;
    if (st == AWS_IMDS_OK) {
        char why[256] = "";
        if (aws_credentials_parse_json(doc, strlen(doc), time(NULL), out, why, sizeof why) ==
            0) {
            result = AWS_CREDS_FOUND;
            snprintf(source, source_len, "instance metadata (role %s)", role);
        } else {
            snprintf(err, err_len, "instance metadata credentials of role %s: %s", role, why);
        }
    }
    if (doc) {
        OPENSSL_cleanse(doc, strlen(doc));
        free(doc);
    }
    free(role);
    return result;
}
