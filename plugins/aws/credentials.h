/* plugins/aws/credentials.h — AWS credentials and the provider interface
 * the signer's callers ask before every attempt.
 *
 * Secrets (the secret key and the session token) are never logged nor put
 * in error messages; aws_credentials_clear() wipes them from memory. */
#ifndef SLUICE_AWS_CREDENTIALS_H
#define SLUICE_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL for long-term keys */
    time_t expiration;   /* 0: does not expire */
} aws_credentials;

/* Fills c with copies of the strings (token may be NULL or empty).  0, or
 * -1 (c then left cleared) with errno EINVAL for a missing key or a value
 * holding a control character (it would end up inside an HTTP header), or
 * ENOMEM. */
int aws_credentials_set(aws_credentials *c, const char *access_key_id,
                        const char *secret_access_key, const char *session_token,
                        time_t expiration);
/* Why aws_credentials_set() failed, from errno, for an error message. */
const char *aws_credentials_set_error(void);
int aws_credentials_copy(aws_credentials *dst, const aws_credentials *src);
/* Wipes and frees the strings; c is left all zero (safe to clear twice). */
void aws_credentials_clear(aws_credentials *c);

/* A source of credentials.  get() fills `out` with a copy the caller
 * clears; on failure it returns -1 with a reason in err (never a secret).
 * invalidate() is called after the service said the token expired, so the
 * next get() fetches new ones; NULL when the source cannot refresh.
 * Thread rules are each provider's own (the static one is read-only). */
typedef struct aws_credentials_provider aws_credentials_provider;
struct aws_credentials_provider {
    int (*get)(aws_credentials_provider *self, aws_credentials *out, char *err, size_t err_len);
    void (*invalidate)(aws_credentials_provider *self);
    void (*destroy)(aws_credentials_provider *self);
};

/* A provider that always hands out a copy of `c` (copied now).  NULL when
 * out of memory or c has no keys. */
aws_credentials_provider *aws_credentials_provider_static(const aws_credentials *c);
void aws_credentials_provider_destroy(aws_credentials_provider *p);

/* ---- the credentials chain ------------------------------------------------- */

/* What the operator configured.  Every field may be NULL. */
typedef struct aws_credentials_config {
    const char *access_key_id;     /* explicit keys (discouraged): both or neither */
    const char *secret_access_key;
    const char *session_token;
    const char *profile;           /* NULL: AWS_PROFILE, else "default" */
} aws_credentials_config;

/* Finds credentials the way the AWS SDKs do, first source that has them
 * wins:
 *   1. the explicit keys of `cfg`;
 *   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN;
 *   3. the profile (cfg->profile, AWS_PROFILE, "default") in the shared
 *      credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)
 *      and config file (AWS_CONFIG_FILE, ~/.aws/config): its keys, or its
 *      credential_process.
 * (Web identity, STS role profiles, ECS and EC2 instance metadata are not
 * implemented yet: a profile with role_arn is an error, not skipped.)
 * 0 with `out` filled and `source` naming where they came from (never a
 * secret), or -1 with the reason in err: nothing found, or a source that
 * is there but broken (half the keys, a named profile that does not exist,
 * a credential_process that fails) — a broken source stops the search, as
 * in the SDKs, rather than silently using another identity.
 * Reads the environment and files and may run a process: call it from the
 * main thread (stage init). */
int aws_credentials_resolve(const aws_credentials_config *cfg, aws_credentials *out,
                            char *source, size_t source_len, char *err, size_t err_len);

#endif
