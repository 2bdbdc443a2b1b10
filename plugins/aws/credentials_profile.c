/* plugins/aws/credentials_profile.c — credentials from a profile of the
 * shared config and credentials files.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 *   https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
 *
 * The credentials file names a profile "[NAME]", the config file
 * "[profile NAME]" ("[default]" for the default one); a setting in the
 * credentials file wins over the same in the config file.
 *
 * A profile's credentials, in the order the SDKs try them:
 *   role_arn (with source_profile, credential_source or
 *   web_identity_token_file; STS, sts.h), aws_access_key_id +
 *   aws_secret_access_key (+ aws_session_token), credential_process.
 * SSO profiles (sso_session, sso_start_url) are refused, not skipped. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials_sources.h"
#include "ini.h"

/* How long a credential_process may take (the SDKs that have a limit use a
 * minute). */
#define PROCESS_TIMEOUT_MS 60000L

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && *home)
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_dir : NULL;
}

/* The file's path: the variable's value ("~/" expanded, as the SDKs do),
 * else ~/.aws/NAME.  NULL when there is no home directory to look in. */
static char *shared_file_path(const char *variable, const char *name)
{
    const char *v = getenv(variable);
    const char *home = home_dir();
    char *path = NULL;
    if (v && *v) {
        if (strncmp(v, "~/", 2) == 0 && home) {
            if (asprintf(&path, "%s/%s", home, v + 2) < 0)
                path = NULL;
        } else {
            path = strdup(v);
        }
    } else if (home) {
        if (asprintf(&path, "%s/.aws/%s", home, name) < 0)
            path = NULL;
    }
    return path;
}

typedef struct profile_files {
    char *credentials_path, *config_path;
    aws_ini *credentials, *config; /* NULL when the file does not exist */
} profile_files;

/* How many role profiles may chain through source_profile (the CLI stops
 * cycles; a fixed depth stops them and runaway chains alike). */
#define MAX_ROLE_DEPTH 5

/* Loads one file: a missing file is fine, an unreadable one an error. */
static int load_file(const char *path, aws_ini **out, char *err, size_t err_len)
{
    *out = NULL;
    if (!path)
        return 0;
    *out = aws_ini_load(path);
    if (!*out && errno != ENOENT) {
        snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void close_files(profile_files *f)
{
    aws_ini_free(f->credentials);
    aws_ini_free(f->config);
    free(f->credentials_path);
    free(f->config_path);
}

static int open_files(profile_files *f, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    f->credentials_path = shared_file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    f->config_path = shared_file_path("AWS_CONFIG_FILE", "config");
    if (load_file(f->credentials_path, &f->credentials, err, err_len) != 0 ||
        load_file(f->config_path, &f->config, err, err_len) != 0)
        return -1;
    return 0;
}

/* The profile's section in the config file: "profile NAME"; the default
 * profile is "[default]" there too, though "[profile default]" is
 * accepted. */
static const char *config_section(const profile_files *f, const char *name, char *buf,
                                  size_t len)
{
    if (strcmp(name, "default") == 0 && f->config && aws_ini_has_section(f->config, "default"))
        return "default";
    snprintf(buf, len, "profile %s", name);
    return buf;
}

static const char *setting(const profile_files *f, const char *name, const char *key)
{
    const char *v = f->credentials ? aws_ini_get(f->credentials, name, key) : NULL;
    if (!v && f->config) {
        char buf[300];
        v = aws_ini_get(f->config, config_section(f, name, buf, sizeof buf), key);
    }
    return v && *v ? v : NULL;
}

static bool profile_exists(const profile_files *f, const char *name)
{
    char buf[300];
    return (f->credentials && aws_ini_has_section(f->credentials, name)) ||
           (f->config && aws_ini_has_section(f->config, config_section(f, name, buf, sizeof buf)));
}

/* Settings of sources sluice does not implement yet: a profile using one
 * must fail, not quietly fall back to some other identity. */
static const char *unsupported_setting(const profile_files *f, const char *name)
{
    static const char *const keys[] = {"sso_session", "sso_start_url", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (setting(f, name, keys[i]))
            return keys[i];
    return NULL;
}

static aws_creds_status from_profile_files(const profile_files *f, const char *name,
                                           bool named, int depth, const aws_sts_options *sts,
                                           aws_credentials *out, char *source,
                                           size_t source_len, char *err, size_t err_len);

/* The profile's own aws_access_key_id and aws_secret_access_key. */
static aws_creds_status static_keys(const profile_files *f, const char *name,
                                    aws_credentials *out, char *err, size_t err_len)
{
    const char *id = setting(f, name, "aws_access_key_id");
    const char *secret = setting(f, name, "aws_secret_access_key");
    if (!id && !secret)
        return AWS_CREDS_NOT_FOUND;
    if (!id || !secret) {
        snprintf(err, err_len, "profile '%s' has %s but not %s", name,
                 id ? "aws_access_key_id" : "aws_secret_access_key",
                 id ? "aws_secret_access_key" : "aws_access_key_id");
        return AWS_CREDS_ERROR;
    }
    if (aws_credentials_set(out, id, secret, setting(f, name, "aws_session_token"), 0) != 0) {
        snprintf(err, err_len, "%s", aws_credentials_set_error());
        return AWS_CREDS_ERROR;
    }
    return AWS_CREDS_FOUND;
}

/* credential_source: where the source credentials of a role profile come
 * from when they are not another profile's (Environment, EcsContainer,
 * Ec2InstanceMetadata). */
static aws_creds_status from_credential_source(const char *what, aws_credentials *out,
                                               char *source, size_t source_len, char *err,
                                               size_t err_len)
{
    aws_creds_status st;
    if (strcmp(what, "Environment") == 0)
        st = aws_credentials_from_env(out, err, err_len);
    else if (strcmp(what, "EcsContainer") == 0)
        st = aws_credentials_from_ecs(out, source, source_len, err, err_len);
    else if (strcmp(what, "Ec2InstanceMetadata") == 0)
        st = aws_credentials_from_imds(out, source, source_len, err, err_len);
    else {
        snprintf(err, err_len,
                 "unknown credential_source %.64s (Environment, EcsContainer or "
                 "Ec2InstanceMetadata)",
                 what);
        return AWS_CREDS_ERROR;
    }
    if (st == AWS_CREDS_NOT_FOUND)
        snprintf(err, err_len, "%s has no credentials", what);
    return st == AWS_CREDS_FOUND ? st : AWS_CREDS_ERROR;
}

/* A profile with role_arn: the role assumed through STS with the
 * credentials of source_profile or credential_source (AssumeRole), or
 * with the token in web_identity_token_file (AssumeRoleWithWebIdentity).
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html */
static aws_creds_status role_profile(const profile_files *f, const char *name, int depth,
                                     const aws_sts_options *sts, aws_credentials *out,
                                     char *source, size_t source_len, char *err, size_t err_len)
{
    const char *role_arn = setting(f, name, "role_arn");
    const char *source_profile = setting(f, name, "source_profile");
    const char *token_file = setting(f, name, "web_identity_token_file");
    const char *session_name = setting(f, name, "role_session_name");
    /* The profile's region is where STS is asked, unless one was given. */
    aws_sts_options opts = sts ? *sts : (aws_sts_options){NULL, NULL, 0};
    if (!opts.region || !*opts.region)
        opts.region = setting(f, name, "region");
    char why[1024] = "";
    if (!source_profile && token_file) {
        if (aws_credentials_assume_web_identity(&opts, token_file, role_arn, session_name, out,
                                                why, sizeof why) != 0) {
            snprintf(err, err_len, "profile '%s': %s", name, why);
            return AWS_CREDS_ERROR;
        }
        snprintf(source, source_len, "profile %s (web identity, role %s)", name, role_arn);
        return AWS_CREDS_FOUND;
    }
    const char *credential_source = setting(f, name, "credential_source");
    if (!source_profile && !credential_source) {
        snprintf(err, err_len,
                 "profile '%s' has role_arn but neither source_profile, credential_source nor "
                 "web_identity_token_file",
                 name);
        return AWS_CREDS_ERROR;
    }
    if (source_profile && credential_source) {
        snprintf(err, err_len, "profile '%s' has both source_profile and credential_source",
                 name);
        return AWS_CREDS_ERROR;
    }
    if (depth >= MAX_ROLE_DEPTH) {
        snprintf(err, err_len, "profile '%s': source_profile chain longer than %d (a cycle?)",
                 name, MAX_ROLE_DEPTH);
        return AWS_CREDS_ERROR;
    }
    aws_credentials base;
    aws_creds_status st;
    char base_source[256] = "";
    if (credential_source) {
        st = from_credential_source(credential_source, &base, base_source, sizeof base_source,
                                    why, sizeof why);
        source_profile = credential_source;
    } else if (strcmp(source_profile, name) == 0) {
        /* A profile that is its own source uses its own keys. */
        st = static_keys(f, name, &base, why, sizeof why);
        if (st == AWS_CREDS_NOT_FOUND)
            snprintf(why, sizeof why, "profile '%s' is its own source_profile but has no keys",
                     name);
    } else {
        st = from_profile_files(f, source_profile, true, depth + 1, sts, &base, base_source,
                                sizeof base_source, why, sizeof why);
    }
    if (st != AWS_CREDS_FOUND) {
        snprintf(err, err_len, "profile '%s': %s: %s", name,
                 credential_source ? "credential_source" : "source_profile", why);
        return AWS_CREDS_ERROR;
    }
    aws_sts_role role = {
        .role_arn = role_arn,
        .session_name = session_name,
        .external_id = setting(f, name, "external_id"),
        .duration_seconds = 0,
        .source = &base,
    };
    const char *duration = setting(f, name, "duration_seconds");
    if (duration)
        role.duration_seconds = atoi(duration);
    int rc = aws_sts_assume_role(&opts, &role, out, why, sizeof why);
    aws_credentials_clear(&base);
    if (rc != 0) {
        snprintf(err, err_len, "profile '%s': %s", name, why);
        return AWS_CREDS_ERROR;
    }
    snprintf(source, source_len, "profile %s (role %s, %s %s)", name, role_arn,
             credential_source ? "credential_source" : "source_profile", source_profile);
    return AWS_CREDS_FOUND;
}

static aws_creds_status from_profile_files(const profile_files *f, const char *name,
                                           bool named, int depth, const aws_sts_options *sts,
                                           aws_credentials *out, char *source,
                                           size_t source_len, char *err, size_t err_len)
{
    if (!profile_exists(f, name)) {
        if (!named)
            return AWS_CREDS_NOT_FOUND;
        snprintf(err, err_len, "profile '%s' not found in %s or %s", name,
                 f->credentials_path ? f->credentials_path : "(no credentials file)",
                 f->config_path ? f->config_path : "(no config file)");
        return AWS_CREDS_ERROR;
    }
    const char *unsupported = unsupported_setting(f, name);
    if (unsupported) {
        snprintf(err, err_len, "profile '%s' uses %s, which sluice does not support yet", name,
                 unsupported);
        return AWS_CREDS_ERROR;
    }
    if (setting(f, name, "role_arn"))
        return role_profile(f, name, depth, sts, out, source, source_len, err, err_len);
    aws_creds_status st = static_keys(f, name, out, err, err_len);
    if (st == AWS_CREDS_FOUND)
        snprintf(source, source_len, "profile %s (shared files)", name);
    if (st != AWS_CREDS_NOT_FOUND)
        return st;
    const char *command = setting(f, name, "credential_process");
    if (command) {
        char why[256] = "";
        st = aws_credentials_from_process(command, time(NULL), PROCESS_TIMEOUT_MS, out, why,
                                          sizeof why);
        if (st != AWS_CREDS_FOUND) {
            snprintf(err, err_len, "profile '%s': credential_process: %s", name, why);
            return AWS_CREDS_ERROR;
        }
        snprintf(source, source_len, "profile %s (credential_process)", name);
        return AWS_CREDS_FOUND;
    }
    if (!named)
        return AWS_CREDS_NOT_FOUND;
    snprintf(err, err_len,
             "profile '%s' has no credentials (aws_access_key_id and aws_secret_access_key, "
             "credential_process or role_arn)",
             name);
    return AWS_CREDS_ERROR;
}

aws_creds_status aws_credentials_from_profile(const char *profile, const aws_sts_options *sts,
                                              aws_credentials *out, char *source,
                                              size_t source_len, char *err, size_t err_len)
{
    const char *env = getenv("AWS_PROFILE");
    bool named = (profile && *profile) || (env && *env);
    const char *name = profile && *profile ? profile : env && *env ? env : "default";
    profile_files f;
    aws_creds_status st = AWS_CREDS_ERROR;
    if (open_files(&f, err, err_len) == 0)
        st = from_profile_files(&f, name, named, 0, sts, out, source, source_len, err, err_len);
    close_files(&f);
    return st;
}

int aws_profile_setting(const char *profile, const char *key, char *out, size_t out_len)
{
    const char *env = getenv("AWS_PROFILE");
    const char *name = profile && *profile ? profile : env && *env ? env : "default";
    profile_files f;
    char err[256];
    int rc = -1;
    if (open_files(&f, err, sizeof err) == 0) {
        /* Only the config file: region and the like are not credentials. */
        char buf[300];
        const char *v = f.config ? aws_ini_get(f.config, config_section(&f, name, buf, sizeof buf),
                                               key)
                                 : NULL;
        if (v && *v) {
            snprintf(out, out_len, "%s", v);
            rc = 0;
        }
    }
    close_files(&f);
    return rc;
}
