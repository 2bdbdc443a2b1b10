/* plugins/sql/sql.h — the SQL mapping shared by the mysql and postgres
 * destinations (SDC's JDBC Producer): a convenience library, never part of
 * libsluice's ABI.
 *
 * Split of work
 * -------------
 * The shared part (this library) does everything that does not depend on
 * the server: the config schema, the table expression, the table metadata
 * cache, mapping fields to columns, converting values to the column's
 * type, grouping a batch's rows into statements, the transaction per
 * batch, bisecting a failed group with savepoints, and turning outcomes
 * into per-record done / record error / retry.
 *
 * A backend (plugins/postgres/, plugins/mysql/) implements sql_backend:
 * connecting, running a statement, reading a table's columns, and writing
 * a run of rows of one group with the server's fastest safe statement
 * (COPY, multi-row INSERT with bound values).  A backend never decides
 * what happens to a record: it classifies each failure by SQLSTATE or
 * error number (never by message text) into sql_status.
 *
 * Threads: a sink instance (one per runner) owns one or two connections,
 * each with an I/O thread of its own, which run the batches' transactions
 * while the runner plans the next batch (sink_impl.h, "Threads"); nothing
 * here is shared between instances.  A backend's connection is used by one
 * thread at a time, not always the same one (the runner describes tables
 * on the first).
 */
#ifndef SLUICE_PLUGINS_SQL_H
#define SLUICE_PLUGINS_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/sluice.h>

/* Record error codes (sluice.error.code). */
#define SQL_ERR_TABLE_EXPR "SQL_01"   /* the table expression failed or gave "" */
#define SQL_ERR_NO_TABLE "SQL_02"     /* no such table (e.g. "x; DROP TABLE y") */
#define SQL_ERR_NO_COLUMN "SQL_03"    /* the record has no field matching a column */
#define SQL_ERR_CONVERT "SQL_04"      /* a value that does not convert to its column's type */
#define SQL_ERR_REJECTED "SQL_05"     /* the server refused the row: SQLSTATE and its message */
#define SQL_ERR_NO_KEY "SQL_06"       /* upsert on a table with no primary key nor key_columns, or a key field missing */

/* ---- outcomes ------------------------------------------------------------- */

typedef enum sql_status {
    SQL_OK = 0,
    SQL_DATA_ERROR, /* the rows were refused (SQLSTATE 22xxx, 23xxx, ...): bisect */
    SQL_RETRY,      /* connection lost, deadlock, serialization failure, server
                     * shutting down: reconnect and offer the whole batch again */
    SQL_NO_TABLE,   /* describe: the table does not exist */
    SQL_FATAL       /* anything else (permissions, syntax): stop the pipeline */
} sql_status;

/* What went wrong, filled by a backend when it returns anything but SQL_OK. */
typedef struct sql_error {
    sql_status status;
    char sqlstate[6]; /* "23505", or "" when the client library gave none */
    int code;         /* the server's or client's error number (MariaDB), 0 for libpq */
    char message[512]; /* one line: the server's message, never a secret */
} sql_error;

/* Fills err and returns err->status; message is printf-formatted and cut
 * at the first newline. */
sql_status sql_error_set(sql_error *err, sql_status status, const char *sqlstate, int code, const char *fmt, ...)
    SLUICE_PRINTF(5, 6);

/* ---- connection config ---------------------------------------------------- */

typedef enum sql_tls_mode { SQL_TLS_DISABLE = 0, SQL_TLS_REQUIRE, SQL_TLS_VERIFY_FULL } sql_tls_mode;

/* The connection keys of the config, read once by sql_sink_init.  Strings
 * point into the (immutable) sluice_config; NULL when not set. */
typedef struct sql_conn_config {
    const char *host;     /* NULL: the backend's default (a Unix socket) */
    int port;             /* 0: the backend's default */
    const char *socket;   /* MariaDB: socket file; Postgres: socket directory */
    const char *database;
    const char *user;
    const char *password; /* resolved secret; never logged */
    sql_tls_mode tls;
    const char *tls_ca_file;
    const char *init_query; /* run once after each connect */
    int64_t connect_timeout_ms;
    const char *stage_id; /* for messages */
} sql_conn_config;

/* ---- table metadata ------------------------------------------------------- */

/* What a column's values are converted to before they are bound. */
typedef enum sql_type {
    SQL_TYPE_TEXT = 0,  /* char, varchar, text, enum, uuid, ...: anything else */
    SQL_TYPE_INT,       /* smallint .. bigint (min/max give its range) */
    SQL_TYPE_FLOAT,     /* real, double */
    SQL_TYPE_DECIMAL,   /* numeric, decimal */
    SQL_TYPE_BOOL,      /* boolean (MariaDB: tinyint(1)) */
    SQL_TYPE_DATE,
    SQL_TYPE_TIME,
    SQL_TYPE_TIMESTAMP, /* timestamp, timestamptz, datetime: bound in UTC */
    SQL_TYPE_BYTES,     /* bytea, blob, binary */
    SQL_TYPE_JSON       /* json, jsonb: a LIST or MAP is bound as its JSON text */
} sql_type;

typedef struct sql_column {
    char *name;       /* as the server stores it (malloc'ed) */
    char *db_type;    /* the server's type name, for messages ("int4", "varchar(20)") */
    sql_type type;
    int64_t min, max; /* SQL_TYPE_INT: the range of the column's type */
    bool not_null;
    bool primary_key;
    bool key;         /* one of the table's upsert keys (key_columns); set by the table cache, not describe */
} sql_column;

/* One table as described by the backend.  Owned by the sink's table cache
 * (sql_table_free); the backend fills it in describe. */
typedef struct sql_table {
    char *schema;         /* as given by config, or the server's current one */
    char *name;
    char *quoted;         /* the quoted, schema-qualified name for statements */
    sql_column *columns;  /* in the table's order */
    size_t n_columns;
    size_t *key_columns;  /* upsert keys: indices into columns (from config, else the primary key) */
    size_t n_key_columns;
    /* Set by describe when the backend's bulk path cannot write the
     * relation (Postgres: a view, which COPY refuses): write_rows then
     * uses INSERT.  Only the backend that sets it reads it. */
    bool no_copy;
    /* Set by describe when rows of this table must not be written while
     * the previous batch is still uncommitted on another connection
     * (plugins/sql/io_thread.c, "Lanes"): PostgreSQL, a table with a
     * foreign key, whose check does not wait for the other transaction's
     * rows but fails (23503). */
    bool serial;
} sql_table;

/* Frees what `table` holds (names, columns, key_columns) and zeroes it;
 * not the struct itself, which the cache embeds.  Safe on a zeroed or
 * partly filled table: a describe that fails may call it on its way out. */
void sql_table_free(sql_table *table);

/* ---- rows ----------------------------------------------------------------- */

typedef enum sql_value_kind {
    SQL_VALUE_NULL = 0,
    SQL_VALUE_TEXT,  /* text in the column type's canonical form (see below) */
    SQL_VALUE_BYTES  /* raw bytes for a SQL_TYPE_BYTES column */
} sql_value_kind;

/* One value, already converted for its column.  Text forms: INT "-12";
 * FLOAT "1.5", "NaN", "Infinity", "-Infinity" (refused for backends
 * without them); DECIMAL "-12.50"; BOOL "true" / "false"; DATE
 * "2013-01-13"; TIME "04:36:00.5"; TIMESTAMP "2013-01-13 04:36:00.123456"
 * (UTC, fraction only when non-zero); TEXT and JSON the string.  `text`
 * lives in the batch's arena and is NUL-terminated (BYTES too, after len). */
typedef struct sql_value {
    const char *text;
    size_t len;
    sql_value_kind kind;
} sql_value;

/* One record's row: `values` has one entry per column of its group. */
typedef struct sql_row {
    size_t record; /* index in the batch given to write() */
    const sql_value *values;
} sql_row;

typedef enum sql_operation { SQL_OP_INSERT = 0, SQL_OP_UPSERT } sql_operation;

/* Rows of one table that set the same columns: one statement shape.
 * Columns a record has no field for are left out of its statement so the
 * server's DEFAULT applies, hence one group per distinct column set. */
typedef struct sql_group {
    const sql_table *table;
    const size_t *columns; /* indices into table->columns, in table order */
    size_t n_columns;
    sql_row *rows;
    size_t n_rows;
    sql_operation operation;
} sql_group;

/* ---- the backend ---------------------------------------------------------- */

typedef struct sql_conn sql_conn; /* a backend's connection, opaque here */

typedef struct sql_backend {
    const char *name;      /* "postgres", "mysql": for messages */
    int default_port;
    bool has_nonfinite;    /* FLOAT columns take NaN and +-Infinity */
    /* The most connections that may write consecutive batches of inserts
     * at once, their commits kept in order (the `connections` key;
     * plugins/sql/io_thread.c, "Lanes"): 2, or 1 (0 counts as 1). */
    unsigned insert_lanes;

    /* Connects, sets the session up (UTC; MariaDB: strict sql_mode,
     * autocommit off), runs init_query.  NULL with err filled: SQL_RETRY
     * when the server could not be reached (the core will offer the batch
     * again), SQL_FATAL for anything that will not change by waiting
     * (authentication, unknown database, TLS verification). */
    sql_conn *(*connect)(const sql_conn_config *config, sql_error *err);
    void (*disconnect)(sql_conn *conn);

    /* Runs one statement without results: "BEGIN", "COMMIT", "ROLLBACK",
     * "SAVEPOINT sluice", "ROLLBACK TO SAVEPOINT sluice", "RELEASE
     * SAVEPOINT sluice" (the backend may map these to its dialect).
     * These six exact strings are all the sink sends.  Per batch: BEGIN;
     * per group SAVEPOINT, write_rows, then RELEASE, or after a data error
     * ROLLBACK TO followed by RELEASE (so savepoints never pile up), and
     * the same for each half while bisecting; COMMIT.  ROLLBACK only
     * before giving up on SQL_FATAL.  A data error from exec stops the
     * pipeline (there is nothing to bisect). */
    sql_status (*exec)(sql_conn *conn, const char *sql, sql_error *err);

    /* Reads the columns of schema.name (schema NULL: the connection's
     * current schema / database) into `table` (columns, primary_key flags,
     * quoted name; the caller sets key_columns).  The names are bound as
     * parameters, never spliced into SQL.  SQL_NO_TABLE when there is no
     * such table. */
    sql_status (*describe)(sql_conn *conn, const char *schema, const char *name, sql_table *table,
                           sql_error *err);

    /* Writes rows [lo, hi) of `group` inside the open transaction, in as
     * many statements as the server's limits need (65,535 parameters,
     * max_allowed_packet).  `bulk` allows the fastest path (Postgres COPY
     * for inserts); it is false while bisecting.  On failure the
     * transaction is left for the caller to roll back to its savepoint. */
    sql_status (*write_rows)(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk,
                             sql_error *err);
} sql_backend;

/* ---- the sink (what a plugin's stage callbacks call) ----------------------- */

/* The config schema shared by both destinations (keys: host, port, socket,
 * database, user, password, tls, tls_ca_file, init_query, connect_timeout,
 * connections, schema, table, columns [{field, column}], operation,
 * key_columns). */
extern const sluice_config_schema sql_sink_schema;

typedef struct sql_sink sql_sink;

/* Reads the config and creates an instance for `backend`; connects only on
 * the first write (so `preview` without --write never connects).  SLUICE_OK,
 * or SLUICE_ERROR after sluice_stage_fail. */
int sql_sink_init(sluice_stage_ctx *ctx, const sluice_config *config, const sql_backend *backend, void **state);
/* Stops the I/O threads (a transaction one is running finishes, and may
 * commit: the core never commits the offsets of a batch not flushed),
 * then disconnects and frees. */
void sql_sink_destroy(void *state);
/* The destination's write(): plans the batch (table, mapping, conversion,
 * grouping; bad records are marked here) and hands its transaction to one
 * of the sink's I/O threads, then returns: the batch is written by the time its
 * flush returns.  SLUICE_ERROR after sluice_stage_fail (a table that
 * cannot be read, a constant table unfit for upsert, authentication). */
int sql_sink_write(void *state, sluice_batch *in);
/* The destination's flush() (sluice/stage.h): waits for the batch's
 * transaction (COMMIT included) and marks its records as write() used to:
 * refused rows SQL_05, retry for every record with a row when the
 * connection was lost, SLUICE_ERROR after sluice_stage_fail for what
 * waiting cannot fix.  SLUICE_OK at once for a batch its write settled. */
int sql_sink_flush(void *state, sluice_batch *in);

/* ---- helpers shared by backends -------------------------------------------- */

/* True for 127.0.0.0/8, ::1, "localhost" and NULL / "" (a Unix socket):
 * TLS "disable" is only warned about for other hosts. */
bool sql_host_is_loopback(const char *host);

#endif
