/* plugins/aws/credentials_profile.c — credentials from a profile of the
 * shared config and credentials files.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 *   https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
 *
 * The credentials file names a profile "[NAME]", the config file
 * "[profile NAME]" ("[default]" for the default one); a setting in the
 * credentials file wins over the same in the config file. */
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
    const char *config_section;   /* the profile's section in the config file */
    char config_section_buf[256];
} profile_files;

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

static int open_files(profile_files *f, const char *name, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    f->credentials_path = shared_file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    f->config_path = shared_file_path("AWS_CONFIG_FILE", "config");
    if (load_file(f->credentials_path, &f->credentials, err, err_len) != 0 ||
        load_file(f->config_path, &f->config, err, err_len) != 0)
        return -1;
    snprintf(f->config_section_buf, sizeof f->config_section_buf, "profile %s", name);
    f->config_section = f->config_section_buf;
    /* The default profile is "[default]" in the config file too, though
     * "[profile default]" is accepted. */
    if (strcmp(name, "default") == 0 && f->config && aws_ini_has_section(f->config, "default"))
        f->config_section = "default";
    return 0;
}

static const char *setting(const profile_files *f, const char *name, const char *key)
{
    const char *v = f->credentials ? aws_ini_get(f->credentials, name, key) : NULL;
    if (!v && f->config)
        v = aws_ini_get(f->config, f->config_section, key);
    return v && *v ? v : NULL;
}

static bool profile_exists(const profile_files *f, const char *name)
{
    return (f->credentials && aws_ini_has_section(f->credentials, name)) ||
           (f->config && aws_ini_has_section(f->config, f->config_section));
}

/* Settings of sources sluice does not implement yet: a profile using one
 * must fail, not quietly fall back to some other identity. */
static const char *unsupported_setting(const profile_files *f, const char *name)
{
    static const char *const keys[] = {"role_arn", "sso_session", "sso_start_url",
                                       "web_identity_token_file", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (setting(f, name, keys[i]))
            return keys[i];
    return NULL;
}

static aws_creds_status from_profile_files(const profile_files *f, const char *name,
                                           bool named, aws_credentials *out, char *source,
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
    const char *id = setting(f, name, "aws_access_key_id");
    const char *secret = setting(f, name, "aws_secret_access_key");
    if (id || secret) {
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
        snprintf(source, source_len, "profile %s (shared files)", name);
        return AWS_CREDS_FOUND;
    }
    const char *command = setting(f, name, "credential_process");
    if (command) {
        char why[256] = "";
        aws_creds_status st =
            aws_credentials_from_process(command, time(NULL), PROCESS_TIMEOUT_MS, out, why,
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
             "or credential_process)",
             name);
    return AWS_CREDS_ERROR;
}

aws_creds_status aws_credentials_from_profile(const char *profile, aws_credentials *out,
                                              char *source, size_t source_len, char *err,
                                              size_t err_len)
{
    const char *env = getenv("AWS_PROFILE");
    bool named = (profile && *profile) || (env && *env);
    const char *name = profile && *profile ? profile : env && *env ? env : "default";
    profile_files f;
    aws_creds_status st = AWS_CREDS_ERROR;
    if (open_files(&f, name, err, err_len) == 0)
        st = from_profile_files(&f, name, named, out, source, source_len, err, err_len);
    close_files(&f);
    return st;
}
