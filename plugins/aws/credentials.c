/* plugins/aws/credentials.c — see credentials.h. */
#include "config.h"

#include "credentials.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void aws_credentials_clear(aws_credentials *c)
{
    free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    memset(c, 0, sizeof *c);
}

/* Printable (UTF-8 allowed): no CR, LF or other control character. */
static bool header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

const char *aws_credentials_set_error(void)
{
    return errno == EINVAL ? "the credentials are incomplete or hold control characters"
                           : "out of memory";
}

int aws_credentials_set(aws_credentials *c, const char *access_key_id,
                        const char *secret_access_key, const char *session_token,
                        time_t expiration)
{
    memset(c, 0, sizeof *c);
    if (!access_key_id || !*access_key_id || !secret_access_key || !*secret_access_key ||
        !header_safe(access_key_id) || !header_safe(secret_access_key) ||
        (session_token && !header_safe(session_token))) {
        errno = EINVAL;
        return -1;
    }
    c->access_key_id = strdup(access_key_id);
    c->secret_access_key = strdup(secret_access_key);
    if (session_token && *session_token)
        c->session_token = strdup(session_token);
    c->expiration = expiration;
    if (!c->access_key_id || !c->secret_access_key ||
        (session_token && *session_token && !c->session_token)) {
        aws_credentials_clear(c);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

int aws_credentials_copy(aws_credentials *dst, const aws_credentials *src)
{
    return aws_credentials_set(dst, src->access_key_id, src->secret_access_key,
                               src->session_token, src->expiration);
}

/* ---- the static provider --------------------------------------------- */

typedef struct static_provider {
    aws_credentials_provider base; /* first: the provider is cast back */
    aws_credentials creds;
} static_provider;

static int static_get(aws_credentials_provider *self, aws_credentials *out, char *err,
                      size_t err_len)
{
    static_provider *p = (static_provider *)self;
    if (aws_credentials_copy(out, &p->creds) != 0) {
        snprintf(err, err_len, "%s", aws_credentials_set_error());
        return -1;
    }
    return 0;
}

static void static_destroy(aws_credentials_provider *self)
{
    static_provider *p = (static_provider *)self;
    aws_credentials_clear(&p->creds);
    free(p);
}

aws_credentials_provider *aws_credentials_provider_static(const aws_credentials *c)
{
    static_provider *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (aws_credentials_copy(&p->creds, c) != 0) {
        free(p);
        return NULL;
    }
    p->base.get = static_get;
    p->base.invalidate = NULL;
    p->base.destroy = static_destroy;
    return &p->base;
}

void aws_credentials_provider_destroy(aws_credentials_provider *p)
{
    if (p)
        p->destroy(p);
}
