/* core/config/secret.c — resolving a SECRET config value (DESIGN §3:
 * secrets are never written in the descriptor, never logged).
 *
 * "${env:NAME}" is the variable's value (an error if unset; set but empty
 * is an empty secret).  "${file:PATH}" is the file's content with one
 * trailing line ending ("\n" or "\r\n") removed, as `echo pw > file`
 * leaves one; a relative PATH is relative to the working directory.  Any
 * other text starting with "${" is refused rather than taken literally, so
 * a mistyped reference ("${ENV:X}", "${env:X") is not sent to a server as
 * the password.  Messages name the variable or file, never the value. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"

/* A secret is a password or a key, not a data file. */
#define SECRET_FILE_MAX (1024 * 1024)

static bool valid_env_name(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return true;
}

static char *dup_or_die(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        abort();
    return p;
}

static int from_env(const char *name, size_t n, const char *location, char **out, char *err, size_t errsize)
{
    if (!valid_env_name(name, n))
        return config_fail(err, errsize, location, "${env:...} needs a variable name (letters, digits and '_')");
    char *var = dup_or_die(name, n);
    const char *value = getenv(var);
    int rc = 0;
    if (!value)
        rc = config_fail(err, errsize, location, "environment variable %s is not set", var);
    else
        *out = dup_or_die(value, strlen(value));
    free(var);
    return rc;
}

/* Reads up to SECRET_FILE_MAX bytes; the buffer is wiped before it is
 * released on any failure. */
static int read_secret_file(const char *path, const char *location, char **out, char *err, size_t errsize)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return config_fail(err, errsize, location, "cannot read secret file %s: %s", path, strerror(errno));
    char *buf = malloc(SECRET_FILE_MAX + 1);
    if (!buf)
        abort();
    size_t n = fread(buf, 1, SECRET_FILE_MAX + 1, f);
    int rc = 0;
    if (ferror(f))
        rc = config_fail(err, errsize, location, "cannot read secret file %s: %s", path, strerror(errno));
    else if (n > SECRET_FILE_MAX)
        rc = config_fail(err, errsize, location, "secret file %s is larger than %d bytes", path, SECRET_FILE_MAX);
    else if (memchr(buf, '\0', n))
        rc = config_fail(err, errsize, location, "secret file %s contains a NUL byte", path);
    fclose(f);
    if (rc == 0) {
        size_t keep = n;
        if (keep > 0 && buf[keep - 1] == '\n') {
            keep--;
            if (keep > 0 && buf[keep - 1] == '\r')
                keep--;
        }
        *out = dup_or_die(buf, keep);
    }
    explicit_bzero(buf, n);
    free(buf);
    return rc;
}

static int from_file(const char *path, size_t n, const char *location, char **out, char *err, size_t errsize)
{
    if (n == 0)
        return config_fail(err, errsize, location, "${file:...} needs a path");
    char *p = dup_or_die(path, n);
    int rc = read_secret_file(p, location, out, err, errsize);
    free(p);
    return rc;
}

int config_secret_resolve(const char *text, const char *location, char **out, char *err, size_t errsize)
{
    size_t len = strlen(text);
    if (strncmp(text, "${", 2) != 0) {
        *out = dup_or_die(text, len);
        return 0;
    }
    bool closed = len > 2 && text[len - 1] == '}';
    if (closed && !strncmp(text, "${env:", 6))
        return from_env(text + 6, len - 7, location, out, err, errsize);
    if (closed && !strncmp(text, "${file:", 7))
        return from_file(text + 7, len - 8, location, out, err, errsize);
    return config_fail(err, errsize, location, "a secret starting with \"${\" must be exactly ${env:NAME} or ${file:PATH}");
}
