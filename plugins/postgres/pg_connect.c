/* plugins/postgres/pg_connect.c — opening the connection.
 *
 * Parameters go to PQconnectdbParams as keyword/value pairs with
 * expand_dbname off, so no config value (a database name holding "host=")
 * is ever parsed as a connection string.  Keys the config leaves unset fall
 * back to libpq's environment variables and defaults (PGHOST, PGPORT, the
 * Unix socket directory), as with psql.  Every session is in UTC (DESIGN
 * §2: DATETIME is UTC; the sink binds timestamps in UTC) and UTF-8.
 *
 * Why a connection failed: libpq gives a connection failure no SQLSTATE,
 * only a message, and we never read messages (issue 7).  So we ask the
 * server with PQpingParams, which does the same start-up exchange and
 * reports whether the server answered:
 *   - PQPING_NO_RESPONSE: nothing reached the server (refused, timed out,
 *     no such socket): SQL_RETRY;
 *   - PQPING_REJECT: the server is starting, shutting down or recovering
 *     (SQLSTATE 57P03): SQL_RETRY;
 *   - PQPING_OK: the server is up and turned this connection down
 *     (authentication, unknown database, TLS verification when the ping,
 *     made without verification, got through; also too_many_connections,
 *     which libpq reports the same way): SQL_FATAL, after one more attempt
 *     in case the server came up between the two;
 *   - PQPING_NO_ATTEMPT: libpq refused the parameters: SQL_FATAL.
 * The ping never carries the password, and for TLS modes it uses
 * sslmode=prefer without certificate checks: it learns only whether a
 * server answers. */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpq's connect_timeout is in whole seconds (values under 2 count as 2):
 * connect_timeout is rounded up. */
#define PG_DEFAULT_CONNECT_TIMEOUT_S 10

/* The keyword/value arrays of one connection attempt. */
typedef struct pg_params {
    const char *keys[24];
    const char *values[24];
    size_t n;
    char port[16];
    char timeout[24];
} pg_params;

static void param(pg_params *p, const char *key, const char *value)
{
    if (!value || p->n + 1 >= sizeof p->keys / sizeof p->keys[0])
        return;
    p->keys[p->n] = key;
    p->values[p->n] = value;
    p->n++;
    p->keys[p->n] = NULL;
    p->values[p->n] = NULL;
}

static const char *sslmode_of(sql_tls_mode tls)
{
    switch (tls) {
    case SQL_TLS_REQUIRE:
        return "require";
    case SQL_TLS_VERIFY_FULL:
        return "verify-full";
    case SQL_TLS_DISABLE:
    default:
        return "disable";
    }
}

/* The CA for the server's certificate: tls_ca_file (with require too:
 * libpq then checks the chain, not the name, as sslmode verify-ca), else
 * for verify-full the system's CAs (libpq 16's sslrootcert=system, which
 * libpq allows only with verify-full; an older libpq falls back to its own
 * default, ~/.postgresql/root.crt). */
static const char *ca_file(const sql_conn_config *config)
{
    if (config->tls_ca_file)
        return config->tls_ca_file;
    return config->tls == SQL_TLS_VERIFY_FULL && PQlibVersion() >= 160000 ? "system" : NULL;
}

/* The parameters for `config`; for_ping: without password, and with TLS
 * unverified (see the top of the file). */
static void params_of(pg_params *p, const sql_conn_config *config, bool for_ping)
{
    p->n = 0;
    /* A socket directory is libpq's "host" starting with '/'. */
    param(p, "host", config->host ? config->host : config->socket);
    if (config->port > 0) {
        snprintf(p->port, sizeof p->port, "%d", config->port);
        param(p, "port", p->port);
    }
    param(p, "dbname", config->database);
    param(p, "user", config->user);
    if (!for_ping)
        param(p, "password", config->password);
    if (for_ping) {
        param(p, "sslmode", config->tls == SQL_TLS_DISABLE ? "disable" : "prefer");
    } else {
        param(p, "sslmode", sslmode_of(config->tls));
        if (config->tls != SQL_TLS_DISABLE)
            param(p, "sslrootcert", ca_file(config));
    }
    int64_t secs = config->connect_timeout_ms > 0 ? (config->connect_timeout_ms + 999) / 1000
                                                  : PG_DEFAULT_CONNECT_TIMEOUT_S;
    snprintf(p->timeout, sizeof p->timeout, "%lld", (long long)secs);
    param(p, "connect_timeout", p->timeout);
    /* DateStyle ISO,YMD: dates and timestamps the sink binds are ISO text. */
    param(p, "options", "-c TimeZone=UTC -c DateStyle=ISO,YMD");
    param(p, "application_name", "sluice");
    param(p, "client_encoding", "UTF8");
    /* A server that vanished without closing the connection (a network
     * partition, a powered-off host) would leave a write blocked for the
     * kernel's default of hours: TCP keepalives notice within about two
     * minutes, and the batch is then retried. */
    param(p, "keepalives", "1");
    param(p, "keepalives_idle", "60");
    param(p, "keepalives_interval", "10");
    param(p, "keepalives_count", "6");
}

/* Why PQconnectdbParams failed, as a status (see the top of the file). */
static sql_status connect_failure(const sql_conn_config *config, PGconn *pg)
{
    if (PQconnectionNeedsPassword(pg))
        return SQL_FATAL;
    pg_params p;
    params_of(&p, config, true);
    switch (PQpingParams(p.keys, p.values, 0)) {
    case PQPING_NO_RESPONSE:
    case PQPING_REJECT:
        return SQL_RETRY;
    case PQPING_OK:
    case PQPING_NO_ATTEMPT:
    default:
        return SQL_FATAL;
    }
}

/* One attempt; NULL with err filled when it failed. */
static PGconn *attempt(const sql_conn_config *config, sql_error *err)
{
    pg_params p;
    params_of(&p, config, false);
    PGconn *pg = PQconnectdbParams(p.keys, p.values, 0);
    if (!pg) {
        sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
        return NULL;
    }
    if (PQstatus(pg) == CONNECTION_OK)
        return pg;
    sql_status status = connect_failure(config, pg);
    sql_error_set(err, status, NULL, 0, "%s", PQerrorMessage(pg));
    PQfinish(pg);
    return NULL;
}

/* The init_query, once per connection: a failure is the operator's to fix,
 * unless the connection went away meanwhile. */
static sql_status run_init_query(sql_conn *conn, const char *query, sql_error *err)
{
    if (!PQsendQuery(conn->pg, query))
        return pg_error_from_result(conn, NULL, "init_query", err);
    sql_status status = pg_finish(conn, PGRES_TUPLES_OK, "init_query", err);
    if (status == SQL_OK)
        return SQL_OK;
    if (status != SQL_RETRY)
        err->status = SQL_FATAL;
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err->message);
    return sql_error_set(err, err->status, err->sqlstate, 0, "init_query: %s", msg);
}

sql_conn *pg_connect(const sql_conn_config *config, sql_error *err)
{
    PGconn *pg = attempt(config, err);
    if (!pg && err->status == SQL_FATAL)
        pg = attempt(config, err); /* the server may have come up meanwhile */
    if (!pg)
        return NULL;
    /* ON CONFLICT needs 9.5. */
    if (PQserverVersion(pg) < 90500) {
        sql_error_set(err, SQL_FATAL, NULL, 0, "PostgreSQL %d is too old: 9.5 or later is needed",
                      PQserverVersion(pg) / 10000);
        PQfinish(pg);
        return NULL;
    }
    sql_conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        PQfinish(pg);
        sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
        return NULL;
    }
    conn->pg = pg;
    if (config->init_query && *config->init_query && run_init_query(conn, config->init_query, err) != SQL_OK) {
        pg_disconnect(conn);
        return NULL;
    }
    return conn;
}

void pg_disconnect(sql_conn *conn)
{
    if (!conn)
        return;
    PQfinish(conn->pg);
    pg_buf_free(&conn->sql);
    pg_buf_free(&conn->copy);
    free(conn->param_values);
    free(conn->param_lengths);
    free(conn->param_formats);
    free(conn);
}
