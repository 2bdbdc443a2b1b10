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
    /* SDC's "Assume Role": this role is assumed (STS AssumeRole) with
     * whatever credentials the chain found. */
    const char *role_arn;
    const char *external_id;
    const char *role_session_name; /* NULL: "sluice-<unix time>" */
    int role_duration_seconds;     /* 0: STS's default, one hour */
    /* Where STS is asked (see sts.h): NULL for AWS_ENDPOINT_URL_STS,
     * AWS_ENDPOINT_URL, then the regional endpoint of `region`. */
    const char *sts_endpoint;
    const char *region;
} aws_credentials_config;

/* Finds credentials the way the AWS SDKs do, first source that has them
 * wins:
 *   https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
 *   1. the explicit keys of `cfg`;
 *   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN;
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 *      AWS_ROLE_SESSION_NAME, through STS AssumeRoleWithWebIdentity;
 *   4. the profile (cfg->profile, AWS_PROFILE, "default") in the shared
 *      credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)
 *      and config file (AWS_CONFIG_FILE, ~/.aws/config): its keys, its
 *      role_arn (with source_profile, or web_identity_token_file; STS), or
 *      its credential_process;
 *   5. the container credentials endpoint (ECS task roles, EKS Pod
 *      Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE];
 *   6. the EC2 instance role through IMDSv2 (imds.h; AWS_EC2_METADATA_*).
 * Then, when cfg->role_arn is set, that role is assumed with what was
 * found.  0 with `out` filled and `source` naming where they came from
 * (never a secret), or -1 with the reason in err: nothing found, or a
 * source that is there but broken (half the keys, a named profile that
 * does not exist, a credential_process that fails, STS refusing) — a
 * broken source stops the search, as in the SDKs, rather than silently
 * using another identity.
 * Reads the environment and files, may run a process and call STS (needs
 * curl_global_init()): call it from the main thread, or through the
 * provider below. */
int aws_credentials_resolve(const aws_credentials_config *cfg, aws_credentials *out,
                            char *source, size_t source_len, char *err, size_t err_len);

/* How long before they expire temporary credentials are fetched again
 * (the SDKs refresh in the last 5 to 15 minutes). */
#define AWS_CREDENTIALS_REFRESH_EARLY_S 300

/* A provider over aws_credentials_resolve(): the first get() resolves;
 * later ones hand out a copy of the same credentials until they are
 * within AWS_CREDENTIALS_REFRESH_EARLY_S of their expiration, or until
 * invalidate(), then resolve again.  When a refresh fails and the old
 * credentials have not expired yet, they are kept (and the refresh is
 * tried again on the next get()).
 * `cfg` is copied.  Thread-safe: one mutex guards the snapshot; the
 * thread that finds it stale refreshes it while the others wait (refreshes
 * are rare and short), so no thread ever sees half-swapped credentials.
 * NULL when out of memory. */
aws_credentials_provider *aws_credentials_provider_chain(const aws_credentials_config *cfg);

/* Where the chain provider's current credentials came from ("" before the
 * first get()), copied into buf. */
void aws_credentials_provider_chain_source(aws_credentials_provider *p, char *buf, size_t len);

#endif
