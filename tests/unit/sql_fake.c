/* tests/unit/sql_fake.c — the fake SQL server of sql_fake.h. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql_fake.h"

fake_db fake;

static atomic_int calls_running, overlaps;

typedef struct fake_column {
    const char *name, *db_type;
    sql_type type;
    bool pk;
    int64_t min, max;
} fake_column;

typedef struct fake_table {
    const char *name;
    fake_column cols[6];
    size_t n;
    bool serial; /* as PostgreSQL marks a table with a foreign key */
} fake_table;

static const fake_table tables[] = {
    {"trips",
     {{"id", "int4", SQL_TYPE_INT, true, INT32_MIN, INT32_MAX},
      {"fare", "numeric", SQL_TYPE_DECIMAL, false, 0, 0},
      {"note", "text", SQL_TYPE_TEXT, false, 0, 0},
      {"at", "timestamptz", SQL_TYPE_TIMESTAMP, false, 0, 0},
      {"small", "int2", SQL_TYPE_INT, false, -32768, 32767},
      {"ok", "bool", SQL_TYPE_BOOL, false, 0, 0}},
     6, false},
    {"nokey", {{"note", "text", SQL_TYPE_TEXT, false, 0, 0}}, 1, false},
    {"Mixed", {{"fare", "int4", SQL_TYPE_INT, false, 0, 100}, {"FARE", "int4", SQL_TYPE_INT, false, 0, 100},
               {"id", "int4", SQL_TYPE_INT, false, 0, 100}}, 3, false},
    {"linked", {{"id", "int4", SQL_TYPE_INT, true, INT32_MIN, INT32_MAX}}, 1, true},
};

void fake_reset(void)
{
    for (size_t i = 0; i < fake.n_txn; i++)
        free(fake.txn[i]);
    for (size_t i = 0; i < fake.n_committed; i++)
        free(fake.committed[i]);
    memset(&fake, 0, sizeof fake);
    atomic_store(&overlaps, 0);
}

int fake_overlaps(void)
{
    return atomic_load(&overlaps);
}

/* Every entry point runs between these two: a second call while one runs
 * is counted (atomically: the check itself must not race). */
static void enter(void)
{
    if (atomic_fetch_add(&calls_running, 1) != 0)
        atomic_fetch_add(&overlaps, 1);
}

static void leave(void)
{
    atomic_fetch_sub(&calls_running, 1);
}

int fake_count(const char *row)
{
    int n = 0;
    for (size_t i = 0; i < fake.n_committed; i++)
        n += strcmp(fake.committed[i], row) == 0;
    return n;
}

static sql_conn *fake_connect_impl(const sql_conn_config *config, sql_error *err)
{
    (void)config;
    fake.connects++;
    if (fake.retry_connect && fake.retry_connect--) {
        sql_error_set(err, SQL_RETRY, "08006", 0, "could not connect: refused");
        return NULL;
    }
    if (fake.fatal_connect) {
        sql_error_set(err, SQL_FATAL, "28P01", 0, "password authentication failed");
        return NULL;
    }
    fake.connected = true;
    return (sql_conn *)&fake;
}

static void discard_txn(size_t keep)
{
    while (fake.n_txn > keep)
        free(fake.txn[--fake.n_txn]);
}

/* The server's side of a lost connection: the transaction is gone. */
static void lose_connection(void)
{
    fake.connected = false;
    fake.in_txn = false;
    fake.depth = 0;
    discard_txn(0);
}

static void fake_disconnect_impl(sql_conn *conn)
{
    (void)conn;
    fake.disconnects++;
    lose_connection();
}

static sql_status fake_exec_impl(sql_conn *conn, const char *sql, sql_error *err)
{
    (void)conn;
    if (!fake.connected)
        return sql_error_set(err, SQL_RETRY, "08003", 0, "no connection");
    if (strcmp(sql, "BEGIN") == 0) {
        fake.begins++;
        fake.in_txn = true;
    } else if (strcmp(sql, "COMMIT") == 0) {
        fake.commits++;
        if (fake.retry_commit && fake.retry_commit--) {
            lose_connection();
            return sql_error_set(err, SQL_RETRY, "57P01", 0, "terminating connection");
        }
        for (size_t i = 0; i < fake.n_txn; i++)
            fake.committed[fake.n_committed++] = fake.txn[i];
        fake.n_txn = 0;
        fake.in_txn = false;
        fake.depth = 0;
    } else if (strcmp(sql, "ROLLBACK") == 0) {
        fake.rollbacks++;
        discard_txn(0);
        fake.in_txn = false;
        fake.depth = 0;
    } else if (strcmp(sql, "SAVEPOINT sluice") == 0) {
        fake.savepoints++;
        fake.marks[fake.depth++] = fake.n_txn;
        if (fake.depth > fake.max_depth)
            fake.max_depth = fake.depth;
    } else if (strcmp(sql, "RELEASE SAVEPOINT sluice") == 0) {
        fake.releases++;
        if (!fake.depth)
            return sql_error_set(err, SQL_FATAL, "3B001", 0, "no savepoint");
        fake.depth--;
    } else if (strcmp(sql, "ROLLBACK TO SAVEPOINT sluice") == 0) {
        fake.rollbacks_to++;
        if (!fake.depth)
            return sql_error_set(err, SQL_FATAL, "3B001", 0, "no savepoint");
        discard_txn(fake.marks[fake.depth - 1]);
    } else {
        return sql_error_set(err, SQL_FATAL, "42601", 0, "syntax error: %s", sql);
    }
    return SQL_OK;
}

static char *dup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

static sql_status fake_describe_impl(sql_conn *conn, const char *schema, const char *name, sql_table *table,
                                sql_error *err)
{
    (void)conn;
    fake.describes++;
    if (fake.retry_describe && fake.retry_describe--)
        return sql_error_set(err, SQL_RETRY, "08006", 0, "connection lost");
    if (strcmp(name, "forbidden") == 0)
        return sql_error_set(err, SQL_FATAL, "42501", 0, "permission denied for schema s");
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        if (strcmp(tables[t].name, name) != 0)
            continue;
        table->schema = dup(schema ? schema : "public");
        table->name = dup(name);
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\"", name);
        table->quoted = dup(quoted);
        table->n_columns = tables[t].n;
        table->serial = tables[t].serial;
        table->columns = calloc(tables[t].n, sizeof *table->columns);
        for (size_t c = 0; c < tables[t].n; c++) {
            const fake_column *fc = &tables[t].cols[c];
            table->columns[c] = (sql_column){.name = dup(fc->name), .db_type = dup(fc->db_type), .type = fc->type,
                                             .min = fc->min, .max = fc->max, .primary_key = fc->pk};
        }
        return SQL_OK;
    }
    return sql_error_set(err, SQL_NO_TABLE, "42P01", 0, "relation \"%s\" does not exist", name);
}

/* The row as "table:col=val,col=val" (NULL as "col=NULL"). */
static void row_text(const sql_group *g, size_t r, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "%s:", g->table->name);
    for (size_t c = 0; c < g->n_columns; c++) {
        const sql_value *v = &g->rows[r].values[c];
        o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", c ? "," : "", g->table->columns[g->columns[c]].name,
                              v->kind == SQL_VALUE_NULL ? "NULL" : v->text);
    }
}

/* The "id=..," part of a row, or NULL. */
static bool same_id(const char *a, const char *b)
{
    const char *ia = strstr(a, "id="), *ib = strstr(b, "id=");
    if (!ia || !ib || strncmp(a, b, (size_t)(strchr(a, ':') - a + 1)) != 0)
        return false;
    size_t la = strcspn(ia, ","), lb = strcspn(ib, ",");
    return la == lb && memcmp(ia, ib, la) == 0;
}

/* Index of an existing row with the same id, in the transaction (from
 * `from`) or committed; -1 if none.  *in_txn says where. */
static long find_id(const char *row, bool *in_txn)
{
    for (size_t i = 0; i < fake.n_txn; i++)
        if (same_id(fake.txn[i], row))
            return *in_txn = true, (long)i;
    for (size_t i = 0; i < fake.n_committed; i++)
        if (same_id(fake.committed[i], row))
            return *in_txn = false, (long)i;
    return -1;
}

static sql_status fake_write_rows_impl(sql_conn *conn, const sql_group *g, size_t lo, size_t hi, bool bulk,
                                       sql_error *err)
{
    (void)conn;
    fake.writes++;
    fake.bulk_writes += bulk;
    if (fake.write_delay_us)
        nanosleep(&(struct timespec){fake.write_delay_us / 1000000, 1000L * (fake.write_delay_us % 1000000)}, NULL);
    size_t o = strlen(fake.shapes);
    snprintf(fake.shapes + o, sizeof fake.shapes - o, "%s%s:%zu:%zu", o ? " " : "", g->table->name, g->n_columns,
             hi - lo);
    if (!fake.in_txn || !fake.depth)
        return sql_error_set(err, SQL_FATAL, "25000", 0, "write outside a savepoint");
    if (fake.retry_write && fake.retry_write--)
        return sql_error_set(err, SQL_RETRY, "40P01", 0, "deadlock detected");
    if (fake.fatal_write)
        return sql_error_set(err, SQL_FATAL, "42501", 0, "permission denied for table %s", g->table->name);
    size_t start = fake.n_txn;
    for (size_t r = lo; r < hi; r++) {
        char row[512];
        row_text(g, r, row, sizeof row);
        bool in_txn = false;
        long prev = find_id(row, &in_txn);
        sql_status st = SQL_OK;
        if (strstr(row, "=bad"))
            st = sql_error_set(err, SQL_DATA_ERROR, "23514", 0, "new row violates check constraint \"no_bad\"\nDETAIL: x");
        else if (prev >= 0 && g->operation == SQL_OP_INSERT)
            st = sql_error_set(err, SQL_DATA_ERROR, "23505", 0, "duplicate key value violates unique constraint");
        if (st != SQL_OK) {
            discard_txn(start); /* a statement is atomic */
            return st;
        }
        if (prev >= 0 && in_txn) {
            free(fake.txn[prev]);
            fake.txn[prev] = dup(row);
        } else if (prev >= 0) {
            /* upsert over a committed row: modelled as replacing it at commit */
            free(fake.committed[prev]);
            fake.committed[prev] = dup("(replaced)");
            fake.txn[fake.n_txn++] = dup(row);
        } else {
            fake.txn[fake.n_txn++] = dup(row);
        }
    }
    return SQL_OK;
}

static sql_conn *fake_connect(const sql_conn_config *config, sql_error *err)
{
    enter();
    sql_conn *conn = fake_connect_impl(config, err);
    leave();
    return conn;
}

static void fake_disconnect(sql_conn *conn)
{
    enter();
    fake_disconnect_impl(conn);
    leave();
}

static sql_status fake_exec(sql_conn *conn, const char *sql, sql_error *err)
{
    enter();
    sql_status st = fake_exec_impl(conn, sql, err);
    leave();
    return st;
}

static sql_status fake_describe(sql_conn *conn, const char *schema, const char *name, sql_table *table,
                                sql_error *err)
{
    enter();
    sql_status st = fake_describe_impl(conn, schema, name, table, err);
    leave();
    return st;
}

static sql_status fake_write_rows(sql_conn *conn, const sql_group *g, size_t lo, size_t hi, bool bulk, sql_error *err)
{
    enter();
    sql_status st = fake_write_rows_impl(conn, g, lo, hi, bulk, err);
    leave();
    return st;
}

const sql_backend fake_backend = {
    .name = "fake",
    .default_port = 1,
    .has_nonfinite = false,
    .connect = fake_connect,
    .disconnect = fake_disconnect,
    .exec = fake_exec,
    .describe = fake_describe,
    .write_rows = fake_write_rows,
};

const sql_backend fake_backend_lanes = {
    .name = "fake",
    .default_port = 1,
    .has_nonfinite = false,
    .insert_lanes = 2,
    .connect = fake_connect,
    .disconnect = fake_disconnect,
    .exec = fake_exec,
    .describe = fake_describe,
    .write_rows = fake_write_rows,
};
