/* plugins/aws/credentials_sources.h — the sources the credentials chain
 * (credentials_chain.c) walks, one per file.  Internal to plugins/aws;
 * exposed for the unit tests.
 *
 * Each returns AWS_CREDS_FOUND with `out` filled, AWS_CREDS_NOT_FOUND when
 * the source is simply not there (the chain goes on), or AWS_CREDS_ERROR
 * with a reason in err (never a secret) when it is there but unusable (the
 * chain stops). */
#ifndef SLUICE_AWS_CREDENTIALS_SOURCES_H
#define SLUICE_AWS_CREDENTIALS_SOURCES_H

#include <stddef.h>
#include <time.h>

#include "credentials.h"
#include "sts.h"

typedef enum aws_creds_status {
    AWS_CREDS_ERROR = -1,
    AWS_CREDS_FOUND = 0,
    AWS_CREDS_NOT_FOUND = 1,
} aws_creds_status;

/* credentials_env.c: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
aws_creds_status aws_credentials_from_env(aws_credentials *out, char *err, size_t err_len);

/* credentials_web_identity.c: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
 * AWS_ROLE_SESSION_NAME (EKS's IAM roles for service accounts): the role
 * assumed with STS AssumeRoleWithWebIdentity.  Not found when neither
 * variable is set; one without the other is an error. */
aws_creds_status aws_credentials_from_web_identity(const aws_sts_options *sts,
                                                   aws_credentials *out, char *source,
                                                   size_t source_len, char *err,
                                                   size_t err_len);

/* credentials_web_identity.c: reads the token in `token_file` (read afresh
 * every time: it is rotated) and assumes `role_arn` with it.  0 or -1 with
 * err set. */
int aws_credentials_assume_web_identity(const aws_sts_options *sts, const char *token_file,
                                        const char *role_arn, const char *session_name,
                                        aws_credentials *out, char *err, size_t err_len);

/* credentials_profile.c: profile `profile` (NULL: AWS_PROFILE, else
 * "default") of the shared files, STS (role_arn) asked with `sts` (may be
 * NULL); `source` gets "profile NAME (...)". */
aws_creds_status aws_credentials_from_profile(const char *profile, const aws_sts_options *sts,
                                              aws_credentials *out, char *source,
                                              size_t source_len, char *err, size_t err_len);

/* credentials_process.c: runs `command` with /bin/sh -c (stdin from
 * /dev/null, stderr passed through) and reads the credential_process JSON
 * it prints:
 *   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *    "SessionToken": "...", "Expiration": "2026-11-26T12:00:00Z"}
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 * `now` is the current time (expired credentials are refused); the command
 * is killed after `timeout_ms`.  Found or error, never not-found. */
aws_creds_status aws_credentials_from_process(const char *command, time_t now, long timeout_ms,
                                              aws_credentials *out, char *err, size_t err_len);

/* credentials_process.c: parses the JSON document above (exposed for the tests). */
aws_creds_status aws_credentials_parse_process_output(const char *json, size_t len, time_t now,
                                                      aws_credentials *out, char *err,
                                                      size_t err_len);

/* credentials_profile.c: a setting of the profile (NULL: AWS_PROFILE, else
 * "default") in the shared config file, copied into out: 0, or -1 when it
 * is not set (or the file cannot be read). */
int aws_profile_setting(const char *profile, const char *key, char *out, size_t out_len);

/* credentials_ecs.c: the container credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, with
 * AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]).  Not found when neither URI
 * variable is set; set but failing is an error. */
aws_creds_status aws_credentials_from_ecs(aws_credentials *out, char *source,
                                          size_t source_len, char *err, size_t err_len);

/* credentials_ecs.c: the URL the container endpoint is asked at (the
 * relative URI on 169.254.170.2, else the full URI, checked); malloc'd, or
 * NULL with err set.  Exposed for the tests. */
char *aws_credentials_ecs_url(char *err, size_t err_len);

/* credentials_imds.c: the EC2 instance role through IMDSv2 (imds.h).  Not
 * found when disabled, unreachable or without a role. */
aws_creds_status aws_credentials_from_imds(aws_credentials *out, char *source,
                                           size_t source_len, char *err, size_t err_len);

/* credentials_json.c: the ECS / IMDS credentials document (AccessKeyId,
 * SecretAccessKey, Token, Expiration, and IMDS's Code).  0, or -1 with a
 * reason in err (never a secret); expired credentials are refused. */
int aws_credentials_parse_json(const char *json, size_t len, time_t now, aws_credentials *out,
                               char *err, size_t err_len);

/* RFC 3339 ("2026-11-26T12:00:00Z", "...T12:00:00.123+01:00") to time_t:
 * 0, or -1 when it is not one. */
int aws_parse_rfc3339(const char *s, time_t *out);

#endif
