/* plugins/aws/credentials_provider_chain.c — the credentials chain as a
 * provider that refreshes temporary credentials before they expire and
 * after the service said they had (see credentials.h).
 *
 * Concurrency: one mutex guards the snapshot (creds, source, stale).  A
 * get() copies the snapshot under the lock; a get() that finds it stale
 * resolves the chain while holding the lock, so concurrent callers wait
 * for the one refresh rather than all calling STS, and every caller sees
 * either the old credentials or the new ones, whole. */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "credentials.h"

typedef struct chain_provider {
    aws_credentials_provider base; /* first: the provider is cast back */
    pthread_mutex_t lock;
    /* The configuration, with its own copies of the strings. */
    aws_credentials_config cfg;
    char *strings[10];
    /* The snapshot. */
    aws_credentials creds; /* access_key_id NULL: none yet */
    char source[256];
    bool stale; /* invalidate() was called */
} chain_provider;

static bool needs_refresh(const chain_provider *p, time_t now)
{
    if (!p->creds.access_key_id || p->stale)
        return true;
    return p->creds.expiration != 0 &&
           now >= p->creds.expiration - AWS_CREDENTIALS_REFRESH_EARLY_S;
}

static int chain_get(aws_credentials_provider *self, aws_credentials *out, char *err,
                     size_t err_len)
{
    chain_provider *p = (chain_provider *)self;
    int rc = 0;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&p->lock);
    time_t now = time(NULL);
    if (needs_refresh(p, now)) {
        aws_credentials fresh;
        char source[256] = "";
        char why[1024] = "";
        if (aws_credentials_resolve(&p->cfg, &fresh, source, sizeof source, why,
                                    sizeof why) == 0) {
            aws_credentials_clear(&p->creds);
            p->creds = fresh;
            p->stale = false;
            snprintf(p->source, sizeof p->source, "%s", source);
        } else if (p->creds.access_key_id && !p->stale &&
                   (p->creds.expiration == 0 || now < p->creds.expiration)) {
            /* Not expired yet: keep them, try again next time. */
        } else {
            snprintf(err, err_len, "%s", why);
            rc = -1;
        }
    }
    if (rc == 0 && aws_credentials_copy(out, &p->creds) != 0) {
        snprintf(err, err_len, "%s", aws_credentials_set_error());
        rc = -1;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static void chain_invalidate(aws_credentials_provider *self)
{
    chain_provider *p = (chain_provider *)self;
    pthread_mutex_lock(&p->lock);
    p->stale = true;
    pthread_mutex_unlock(&p->lock);
}

static void chain_destroy(aws_credentials_provider *self)
{
    chain_provider *p = (chain_provider *)self;
    aws_credentials_clear(&p->creds);
    for (size_t i = 0; i < sizeof p->strings / sizeof p->strings[0]; i++) {
        if (p->strings[i]) {
            OPENSSL_cleanse(p->strings[i], strlen(p->strings[i]));
            free(p->strings[i]);
        }
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Copies *field into p->strings[i] and points the field at the copy. */
static bool own(chain_provider *p, size_t i, const char **field)
{
    if (!*field)
        return true;
    p->strings[i] = strdup(*field);
    *field = p->strings[i];
    return p->strings[i] != NULL;
}

aws_credentials_provider *aws_credentials_provider_chain(const aws_credentials_config *cfg)
{
    chain_provider *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (cfg)
        p->cfg = *cfg;
    const char **fields[] = {
        &p->cfg.access_key_id, &p->cfg.secret_access_key, &p->cfg.session_token,
        &p->cfg.profile,       &p->cfg.role_arn,          &p->cfg.external_id,
        &p->cfg.role_session_name, &p->cfg.sts_endpoint,  &p->cfg.region,
    };
    bool ok = pthread_mutex_init(&p->lock, NULL) == 0;
    if (!ok) {
        free(p);
        return NULL;
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ok = own(p, i, fields[i]) && ok;
    p->base.get = chain_get;
    p->base.invalidate = chain_invalidate;
    p->base.destroy = chain_destroy;
    if (!ok) {
        chain_destroy(&p->base);
        return NULL;
    }
    return &p->base;
}

void aws_credentials_provider_chain_source(aws_credentials_provider *p, char *buf, size_t len)
{
    chain_provider *c = (chain_provider *)p;
    pthread_mutex_lock(&c->lock);
    snprintf(buf, len, "%s", c->source);
    pthread_mutex_unlock(&c->lock);
}
