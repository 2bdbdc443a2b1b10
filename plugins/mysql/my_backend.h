/* plugins/mysql/my_backend.h — the MariaDB / MySQL side of the SQL
 * destination (libmariadb, Connector/C 3.x): what plugins/sql/sql.h calls a
 * backend.  Internal to the mysql plugin.
 *
 * Concurrency: one sql_conn per sink instance (one per runner); nothing
 * here is shared between connections, so nothing is locked.
 */
#ifndef SLUICE_PLUGINS_MYSQL_BACKEND_H
#define SLUICE_PLUGINS_MYSQL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

#include "sql.h"

extern const sql_backend mysql_backend;

/* ---- error classification (my_classify.c: pure, unit-tested) ---- */

/* What a failure means for the batch, from the error number and the
 * SQLSTATE only (never the message): SQL_RETRY, SQL_DATA_ERROR or
 * SQL_FATAL.  `sqlstate` may be NULL or "". */
sql_status my_classify(unsigned code, const char *sqlstate);

/* At connect time nothing is a data error: what is not worth retrying
 * (authentication, unknown database, TLS) is SQL_FATAL. */
sql_status my_classify_connect(unsigned code, const char *sqlstate);

/* ---- column types (my_types.c: pure, unit-tested) ---- */

/* Sets col->type (and min / max for SQL_TYPE_INT) from
 * information_schema.COLUMNS' DATA_TYPE and COLUMN_TYPE. */
void my_column_type(sql_column *col, const char *data_type, const char *column_type);

/* ---- errors from the client library (my_error.c) ---- */

/* Fills err from the connection's / statement's last error, classified
 * with my_classify; `what` says what was being done ("INSERT into
 * `db`.`t`"). */
sql_status my_error_from_conn(MYSQL *db, const char *what, sql_error *err);
sql_status my_error_from_stmt(MYSQL_STMT *stmt, const char *what, sql_error *err);

/* ---- prepared INSERTs cached per connection (my_stmt_cache.c) ---- */

/* A statement is reused while its text would be the same: same head
 * ("INSERT INTO t (a,b)"), same tail (the upsert clause) and the same
 * number of rows. */
typedef struct my_stmt_entry {
    char *key;      /* head "\n" tail: identifies the statement shape */
    size_t rows;    /* rows of placeholders */
    MYSQL_STMT *stmt;
    unsigned long long last_use;
} my_stmt_entry;

#define MY_STMT_CACHE_SIZE 16

typedef struct my_stmt_cache {
    my_stmt_entry entries[MY_STMT_CACHE_SIZE];
    unsigned long long clock;
} my_stmt_cache;

/* The cached statement for (key, rows), or NULL. */
MYSQL_STMT *my_stmt_cache_find(my_stmt_cache *cache, const char *key, size_t rows);
/* Keeps stmt under (key, rows) (a copy of key), closing the least recently
 * used statement when full.  False when out of memory (stmt is closed). */
bool my_stmt_cache_put(my_stmt_cache *cache, const char *key, size_t rows, MYSQL_STMT *stmt);
/* Closes every statement: before the connection closes. */
void my_stmt_cache_clear(my_stmt_cache *cache);

/* ---- a growable text buffer (my_text.c) ---- */

typedef struct my_text {
    char *data;
    size_t len, cap;
} my_text;

void my_text_reset(my_text *t);
bool my_text_append(my_text *t, const char *s, size_t n);
bool my_text_puts(my_text *t, const char *s);
/* Appends `name` as a backtick-quoted identifier (a backtick inside is
 * doubled: MariaDB "Identifier Names"). */
bool my_text_ident(my_text *t, const char *name);
void my_text_free(my_text *t);

/* ---- the connection ---- */

struct sql_conn {
    MYSQL *db;
    unsigned long max_packet; /* the server's @@max_allowed_packet */
    bool names_fold_case;     /* @@lower_case_table_names != 0 */
    bool bulk;                /* MariaDB >= 10.2: array binding (COM_STMT_BULK_EXECUTE) */
    my_stmt_cache stmts;
    /* Scratch reused by every write_rows, so the steady state does not
     * allocate: the bind array (one per placeholder), the statement key
     * and the statement text. */
    MYSQL_BIND *binds;
    size_t binds_cap;
    /* Array binding, column-major (column c's rows at c * rows): */
    void **values;
    unsigned long *lengths;
    char *indicators;
    size_t values_cap;
    my_text key, sql;
};

/* sql_backend.describe (my_describe.c) and .write_rows (my_insert.c). */
sql_status my_describe(sql_conn *conn, const char *schema, const char *name, sql_table *table, sql_error *err);
sql_status my_write_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk,
                         sql_error *err);

#endif
