/* plugins/mysql/my_connect.c — connecting to MariaDB / MySQL and running
 * the transaction statements. */
#include "my_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The session every batch runs in (issue 7): UTC, so DATETIME / TIMESTAMP
 * values bound as UTC text stay UTC; a strict sql_mode, so a value that
 * does not fit is an error instead of a silently truncated or zeroed one;
 * autocommit off, so a batch is one transaction. */
#define MY_SESSION_SQL                                                                                         \
    "SET time_zone = '+00:00', "                                                                               \
    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"                  \
    "NO_ENGINE_SUBSTITUTION', autocommit = 0"

static void where(const sql_conn_config *config, char *buf, size_t size)
{
    if (config->host && *config->host && strcmp(config->host, "localhost") != 0)
        snprintf(buf, size, "%s:%d", config->host, config->port ? config->port : 3306);
    else
        snprintf(buf, size, "%s", config->socket ? config->socket : "the default socket");
}

/* TLS as the `tls` key asks.  Connector/C 3.3 uses TLS only when an SSL
 * option is set, and checks the server's name only when asked
 * (MYSQL_OPT_SSL_VERIFY_SERVER_CERT), so: disable sets nothing; require
 * encrypts without checking who answers, or only the chain when given a
 * CA file (as libpq's sslmode=require does); verify-full checks the chain
 * (against tls_ca_file, else the system's CAs) and the host name. */
static void set_tls(MYSQL *db, const sql_conn_config *config)
{
    if (config->tls == SQL_TLS_DISABLE)
        return;
    my_bool yes = 1, verify_name = config->tls == SQL_TLS_VERIFY_FULL;
    mysql_optionsv(db, MYSQL_OPT_SSL_ENFORCE, &yes);
    mysql_optionsv(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_name);
    if (config->tls_ca_file)
        mysql_optionsv(db, MYSQL_OPT_SSL_CA, config->tls_ca_file);
}

/* Runs `sql` and throws away any result set (init_query may be a SELECT). */
static bool query_discard(MYSQL *db, const char *sql)
{
    if (mysql_real_query(db, sql, strlen(sql)) != 0)
        return false;
    MYSQL_RES *res = mysql_store_result(db);
    if (res)
        mysql_free_result(res);
    return mysql_errno(db) == 0;
}

/* The server's limits this connection must write within. */
static bool read_limits(sql_conn *conn)
{
    if (mysql_query(conn->db, "SELECT @@max_allowed_packet, @@lower_case_table_names") != 0)
        return false;
    MYSQL_RES *res = mysql_store_result(conn->db);
    if (!res)
        return false;
    MYSQL_ROW row = mysql_fetch_row(res);
    if (row && row[0] && row[1]) {
        conn->max_packet = strtoul(row[0], NULL, 10);
        conn->names_fold_case = strcmp(row[1], "0") != 0;
    }
    mysql_free_result(res);
    return row != NULL;
}

/* MariaDB (not MySQL) from 10.2 executes one prepared statement over an
 * array of rows in one round trip (COM_STMT_BULK_EXECUTE): the server
 * parses and sets up one row of parameters instead of thousands. */
static bool bulk_supported(MYSQL *db)
{
    unsigned long caps = 0, ext_caps = 0;
    if (mariadb_get_infov(db, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) != 0 ||
        mariadb_get_infov(db, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext_caps) != 0)
        return false;
    return !(caps & CLIENT_MYSQL) && (ext_caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32));
}

static sql_status fail(sql_conn *conn, const sql_conn_config *config, const char *step, sql_error *err)
{
    char at[300], what[400];
    where(config, at, sizeof at);
    snprintf(what, sizeof what, "%s (%s)", step, at);
    unsigned code = mysql_errno(conn->db);
    const char *state = mysql_sqlstate(conn->db);
    return sql_error_set(err, my_classify_connect(code, state), state, (int)code, "%s: %s (error %u)", what,
                         mysql_error(conn->db), code);
}

static void my_disconnect(sql_conn *conn)
{
    if (!conn)
        return;
    /* Statements first: mysql_close only detaches them. */
    my_stmt_cache_clear(&conn->stmts);
    if (conn->db)
        mysql_close(conn->db);
    free(conn->binds);
    free(conn->values);
    free(conn->lengths);
    free(conn->indicators);
    my_text_free(&conn->key);
    my_text_free(&conn->sql);
    free(conn);
}

static sql_conn *my_connect(const sql_conn_config *config, sql_error *err)
{
    sql_conn *conn = calloc(1, sizeof *conn);
    if (!conn || !(conn->db = mysql_init(NULL))) {
        free(conn);
        sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
        return NULL;
    }
    MYSQL *db = conn->db;
    unsigned timeout = (unsigned)((config->connect_timeout_ms + 999) / 1000);
    if (timeout > 0)
        mysql_optionsv(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    /* utf8mb4: record strings are UTF-8, all of it (utf8 is 3 bytes). */
    mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    /* No MYSQL_OPT_RECONNECT: a silent reconnect would lose the open
     * transaction and its savepoints; the sink reconnects itself after
     * the batch was marked for retry. */
    set_tls(db, config);

    const char *step = "connect";
    if (!mysql_real_connect(db, config->host, config->user, config->password, config->database,
                            (unsigned)config->port, config->socket, 0))
        goto failed;
    step = "session setup";
    if (!query_discard(db, MY_SESSION_SQL))
        goto failed;
    step = "reading max_allowed_packet";
    if (!read_limits(conn))
        goto failed;
    /* SLUICE_MYSQL_NO_BULK: MySQL's way on MariaDB too, for the tests. */
    conn->bulk = bulk_supported(db) && !getenv("SLUICE_MYSQL_NO_BULK");
    step = "init_query";
    if (config->init_query && !query_discard(db, config->init_query))
        goto failed;
    return conn;

failed:
    fail(conn, config, step, err);
    my_disconnect(conn);
    return NULL;
}

/* Round trips the sink's transaction words need not cost on MariaDB /
 * MySQL, whose transactions are sequential with no work in between
 * (MariaDB KB "SAVEPOINT", "START TRANSACTION"):
 * - BEGIN, with autocommit off (the session's, unless init_query changed
 *   it): the first statement opens the transaction, COMMIT and ROLLBACK
 *   close it;
 * - RELEASE SAVEPOINT: a SAVEPOINT of the same name replaces the old one,
 *   and COMMIT / ROLLBACK drop them all; the sink sets a new savepoint
 *   before each write it may roll back to.
 * That leaves SAVEPOINT, the INSERT and COMMIT per batch and table. */
static bool needless(const sql_conn *conn, const char *sql)
{
    if (strcmp(sql, "RELEASE SAVEPOINT sluice") == 0)
        return true;
    if (strcmp(sql, "BEGIN") != 0)
        return false;
    unsigned int status = SERVER_STATUS_AUTOCOMMIT;
    mariadb_get_infov(conn->db, MARIADB_CONNECTION_SERVER_STATUS, &status);
    return !(status & SERVER_STATUS_AUTOCOMMIT);
}

static sql_status my_exec(sql_conn *conn, const char *sql, sql_error *err)
{
    if (needless(conn, sql))
        return SQL_OK;
    /* BEGIN means something else inside stored programs: spell it out. */
    const char *stmt = strcmp(sql, "BEGIN") == 0 ? "START TRANSACTION" : sql;
    if (mysql_real_query(conn->db, stmt, strlen(stmt)) != 0)
        return my_error_from_conn(conn->db, stmt, err);
    return SQL_OK;
}

const sql_backend mysql_backend = {
    .name = "mysql",
    .default_port = 3306,
    .has_nonfinite = false, /* FLOAT / DOUBLE take no NaN nor infinities */
    /* The server is idle while the client serializes a batch and during
     * COMMIT's round trip: a second connection fills those (issue 7). */
    .insert_lanes = 2,
    .connect = my_connect,
    .disconnect = my_disconnect,
    .exec = my_exec,
    .describe = my_describe,
    .write_rows = my_write_rows,
};
