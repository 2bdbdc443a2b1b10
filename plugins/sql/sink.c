/* plugins/sql/sink.c — a SQL destination instance: config, the lazy
 * connection, write(), which turns the batch's records into grouped rows
 * (table expression, table cache, mapping, conversion) and hands them to
 * one of the sink's I/O threads for the batch's transaction (io_thread.c,
 * bisect.c), and flush(), which waits for it and marks the records.
 *
 * Outcomes, per record: a record error for what is wrong with the record
 * itself (SQL_01..SQL_04, SQL_06) or what the server refused (SQL_05);
 * retry for everything when the server cannot be reached or the
 * connection is lost (records already found bad in planning stay record
 * errors); done otherwise.  SLUICE_ERROR only for what waiting cannot fix
 * (authentication, permissions, a constant table that cannot take an
 * upsert). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink_impl.h"

static sql_tls_mode tls_mode(const char *name)
{
    return strcmp(name, "require") == 0 ? SQL_TLS_REQUIRE
           : strcmp(name, "verify-full") == 0 ? SQL_TLS_VERIFY_FULL
                                              : SQL_TLS_DISABLE;
}

static void read_conn_config(sql_sink *s, const sluice_config *config)
{
    sql_conn_config *c = &s->conn_config;
    c->host = sluice_config_string(config, "host");
    c->port = (int)sluice_config_int(config, "port");
    c->socket = sluice_config_string(config, "socket");
    c->database = sluice_config_string(config, "database");
    c->user = sluice_config_string(config, "user");
    c->password = sluice_config_string(config, "password");
    c->tls = tls_mode(sluice_config_string(config, "tls"));
    c->tls_ca_file = sluice_config_string(config, "tls_ca_file");
    c->init_query = sluice_config_string(config, "init_query");
    c->connect_timeout_ms = sluice_config_int(config, "connect_timeout");
    c->stage_id = sluice_stage_id(s->ctx);
    if (c->tls == SQL_TLS_DISABLE && !sql_host_is_loopback(c->host))
        sluice_log(s->ctx, SLUICE_LOG_WARN,
                   "tls \"disable\": the connection to %s is not encrypted (set tls to require or verify-full)",
                   c->host);
}

static void read_mapping_config(sql_sink *s, const sluice_config *config)
{
    s->table_expr = sluice_config_expression(config, "table");
    s->table_constant = !strstr(sluice_expr_text(s->table_expr), "${");
    s->schema = sluice_config_string(config, "schema");
    s->operation = strcmp(sluice_config_string(config, "operation"), "upsert") == 0 ? SQL_OP_UPSERT : SQL_OP_INSERT;
    s->n_overrides = sluice_config_list_count(config, "columns");
    s->overrides = calloc(s->n_overrides ? s->n_overrides : 1, sizeof *s->overrides);
    s->n_key_columns = sluice_config_list_count(config, "key_columns");
    s->key_columns = calloc(s->n_key_columns ? s->n_key_columns : 1, sizeof *s->key_columns);
    if (!s->overrides || !s->key_columns)
        abort();
    for (size_t i = 0; i < s->n_overrides; i++) {
        const sluice_config *item = sluice_config_list_object(config, "columns", i);
        /* Compiled once already by the schema's check: cannot fail here. */
        s->overrides[i].path = sluice_path_compile(sluice_config_string(item, "field"), NULL, 0);
        s->overrides[i].column = sluice_config_string(item, "column");
    }
    for (size_t i = 0; i < s->n_key_columns; i++)
        s->key_columns[i] = sluice_config_list_string(config, "key_columns", i);
}

int sql_sink_init(sluice_stage_ctx *ctx, const sluice_config *config, const sql_backend *backend, void **state)
{
    sql_sink *s = calloc(1, sizeof *s);
    if (!s) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    s->ctx = ctx;
    s->backend = backend;
    read_conn_config(s, config);
    read_mapping_config(s, config);
    s->expr_ctx = sluice_expr_ctx_new(ctx);
    s->converter.json = sluice_buf_new();
    s->converter.has_nonfinite = backend->has_nonfinite;
    /* Two lanes for inserts only (io_thread.c, "Lanes"). */
    unsigned lanes = (unsigned)sluice_config_int(config, "connections");
    if (s->operation != SQL_OP_INSERT || backend->insert_lanes < lanes)
        lanes = 1;
    sql_jobs_init(&s->jobs, lanes);
    *state = s;
    return SLUICE_OK;
}

void sql_sink_destroy(void *state)
{
    sql_sink *s = state;
    if (!s)
        return;
    sql_jobs_free(&s->jobs); /* joins the threads: the connections are ours again */
    sql_sink_disconnect(s, &s->conn[0]);
    sql_sink_disconnect(s, &s->conn[1]);
    sql_table_cache_free(&s->cache);
    sql_scratch_free(s);
    for (size_t i = 0; i < s->n_overrides; i++)
        sluice_path_free(s->overrides[i].path);
    free(s->overrides);
    free(s->key_columns);
    sluice_expr_ctx_free(s->expr_ctx);
    sluice_buf_free(s->converter.json);
    free(s);
}

void sql_sink_disconnect(sql_sink *s, sql_conn **conn)
{
    if (*conn)
        s->backend->disconnect(*conn);
    *conn = NULL;
}

bool sql_sink_connect(sql_sink *s, sql_conn **conn, sql_error *err)
{
    *conn = s->backend->connect(&s->conn_config, err);
    return *conn != NULL;
}

/* The message of a connect that failed with SQL_FATAL (no SQLSTATE: the
 * client library's word is the clearest). */
static void connect_fail_text(const sql_sink *s, char *buf, size_t size, const sql_error *err)
{
    snprintf(buf, size, "connecting to %s: %s", s->backend->name, err->message);
}

void sql_mark_retry(sql_sink *s, sluice_batch *in, const size_t *rec_group, size_t from, const sql_error *err)
{
    sluice_log(s->ctx, SLUICE_LOG_WARN, "%s; the batch will be offered again", err->message);
    size_t n = sluice_batch_count(in);
    /* i < from short-circuits: rec_group is read only for planned records. */
    for (size_t i = 0; i < n; i++)
        if (i >= from || rec_group[i] != SIZE_MAX)
            sluice_batch_record_retry(in, i);
}

void sql_fail_text(char *buf, size_t size, const char *what, const sql_error *err)
{
    snprintf(buf, size, "%s: %s%s%s%s", what, err->sqlstate[0] ? "SQLSTATE " : "", err->sqlstate,
             err->sqlstate[0] ? ": " : "", err->message);
}

/* A failure while planning (the runner owns the connection then: it
 * was waiting idle).  SQL_RETRY: drops the connection and offers again
 * every record from `from` on and every earlier one with a row; else
 * stops the pipeline with `msg`. */
static int plan_failed(sql_sink *s, sluice_batch *in, size_t from, const sql_error *err, const char *msg,
                       bool *done)
{
    sql_sink_disconnect(s, &s->conn[0]);
    if (err->status == SQL_RETRY) {
        *done = true;
        s->jobs.write_retry = in; /* jobs queued before its flush come after its records */
        sql_mark_retry(s, in, s->rec_group, from, err);
        return SLUICE_OK;
    }
    sluice_stage_fail(s->ctx, "%s", msg);
    return SLUICE_ERROR;
}

/* A table lookup that failed: connecting, or reading the table. */
typedef struct lookup_failure {
    sql_error err;
    bool connecting;
    const char *name;
} lookup_failure;

static int lookup_failed(sql_sink *s, sluice_batch *in, size_t from, const lookup_failure *f, bool *done)
{
    char msg[1024];
    if (f->connecting) {
        connect_fail_text(s, msg, sizeof msg, &f->err);
    } else {
        char what[300];
        snprintf(what, sizeof what, "reading the columns of table \"%s\"", f->name);
        sql_fail_text(msg, sizeof msg, what, &f->err);
    }
    return plan_failed(s, in, from, &f->err, msg, done);
}

/* The cache's entry for `name`.  A miss is described on the runner: it
 * takes the connections back from the I/O threads once they are idle,
 * and connects conn[0] when there is none.  NULL with f filled on SQL_RETRY /
 * SQL_FATAL. */
static sql_cached_table *lookup(sql_sink *s, const char *name, lookup_failure *f)
{
    sql_cached_table *t = sql_table_find(s, name);
    if (t)
        return t;
    sql_jobs_wait_idle(s);
    f->name = name;
    f->connecting = !s->conn[0];
    if (!s->conn[0] && !sql_sink_connect(s, &s->conn[0], &f->err))
        return NULL;
    f->connecting = false;
    return sql_table_lookup(s, name, &f->err);
}

/* The record's table: from the previous record when the expression gave
 * the same text, else from the cache.  NULL with *st set on a failure
 * other than a record error (f filled). */
static sql_cached_table *table_of(sql_sink *s, sluice_batch *in, size_t i, sql_cached_table **last,
                                  const char **last_name, lookup_failure *f, sql_status *st)
{
    const char *name;
    size_t len;
    *st = SQL_OK;
    if (sluice_expr_eval_string(s->table_expr, s->expr_ctx, sluice_batch_record(in, i), in, &name, &len) !=
        SLUICE_OK) {
        sluice_batch_record_error(in, i, SQL_ERR_TABLE_EXPR, "%s", sluice_expr_ctx_error(s->expr_ctx));
        return NULL;
    }
    if (len == 0) {
        sluice_batch_record_error(in, i, SQL_ERR_TABLE_EXPR, "table: the expression gave an empty name");
        return NULL;
    }
    if (memchr(name, '\0', len)) { /* no server allows one: never cut the name there */
        sluice_batch_record_error(in, i, SQL_ERR_NO_TABLE, "table \"%s\\0...\" does not exist (a NUL byte in the name)",
                                  name);
        return NULL;
    }
    if (*last && strcmp(*last_name, name) == 0)
        return *last;
    sql_cached_table *t = lookup(s, name, f);
    if (!t) {
        *st = f->err.status == SQL_RETRY ? SQL_RETRY : SQL_FATAL;
        return NULL;
    }
    *last = t;
    *last_name = name;
    return t;
}

static void no_table(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t)
{
    if (s->schema)
        sluice_batch_record_error(in, i, SQL_ERR_NO_TABLE, "table \"%s\".\"%s\" does not exist", s->schema, t->key);
    else
        sluice_batch_record_error(in, i, SQL_ERR_NO_TABLE, "table \"%s\" does not exist", t->key);
}

/* Maps every record into the groups.  SLUICE_OK, with *done set when
 * the batch was settled already (retry after a lost connection). */
static int plan(sql_sink *s, sluice_batch *in, bool *done)
{
    size_t n = sluice_batch_count(in);
    sql_scratch_reserve(s, n, 0);
    sql_groups_reset(s);
    sql_cached_table *last = NULL;
    const char *last_name = NULL;
    for (size_t i = 0; i < n; i++)
        s->rec_group[i] = SIZE_MAX;
    lookup_failure f = {.connecting = false}; /* filled only on a failure, which ends the loop */
    for (size_t i = 0; i < n; i++) {
        sql_status st;
        sql_cached_table *t = table_of(s, in, i, &last, &last_name, &f, &st);
        if (st != SQL_OK)
            return lookup_failed(s, in, i, &f, done);
        if (!t)
            continue;
        if (!t->found) {
            no_table(s, in, i, t);
            continue;
        }
        sql_scratch_reserve(s, n, t->table.n_columns);
        if (sql_map_record(s, in, i, t))
            sql_group_add(s, in, i, t);
    }
    sql_groups_build(s, in);
    return SLUICE_OK;
}

/* A constant table is checked at the first write, so that an upsert
 * into a table without keys stops the pipeline instead of turning every
 * record into an error. */
static int check_constant_table(sql_sink *s, sluice_batch *in, bool *done)
{
    lookup_failure f = {.connecting = false};
    sql_cached_table *t = lookup(s, sluice_expr_text(s->table_expr), &f);
    if (!t)
        return lookup_failed(s, in, 0, &f, done);
    if (t->found && t->unusable) {
        sluice_stage_fail(s->ctx, "%s", t->unusable);
        return SLUICE_ERROR;
    }
    s->table_checked = true;
    return SLUICE_OK;
}

int sql_sink_write(void *state, sluice_batch *in)
{
    sql_sink *s = state;
    s->batches++;
    if (sluice_batch_count(in) == 0)
        return SLUICE_OK;
    bool done = false;
    int rc = SLUICE_OK;
    if (s->table_constant && !s->table_checked)
        rc = check_constant_table(s, in, &done);
    if (rc == SLUICE_OK && !done)
        rc = plan(s, in, &done);
    if (rc != SLUICE_OK || done || s->n_groups == 0)
        return rc; /* settled here: flush finds no job */
    return sql_jobs_enqueue(s, in);
}

int sql_sink_flush(void *state, sluice_batch *in)
{
    return sql_jobs_settle(state, in);
}

void sql_job_run(sql_sink *s, sql_job *job, sql_conn **conn)
{
    job->status = SQL_OK;
    job->n_rejected = 0;
    job->reasons_len = 0;
    if (!*conn && !sql_sink_connect(s, conn, &job->err)) {
        job->status = job->err.status == SQL_RETRY ? SQL_RETRY : SQL_FATAL;
        if (job->lane == 1 && job->status == SQL_FATAL) { /* a connection limit: say what asks for two */
            char why[sizeof job->err.message];
            memcpy(why, job->err.message, sizeof why);
            snprintf(job->err.message, sizeof job->err.message,
                     "the second connection (\"connections\": 1 makes do with one): %.400s", why);
        }
        if (job->status == SQL_FATAL)
            connect_fail_text(s, job->fatal, sizeof job->fatal, &job->err);
        return;
    }
    sql_transaction(s, job, conn);
}

int sql_job_apply(sql_sink *s, sql_job *job)
{
    sluice_batch *in = job->batch;
    if (job->status == SQL_RETRY) {
        sql_mark_retry(s, in, job->rec_group, sluice_batch_count(in), &job->err);
        return SLUICE_OK;
    }
    if (job->status != SQL_OK) {
        sluice_stage_fail(s->ctx, "%s", job->fatal);
        return SLUICE_ERROR;
    }
    /* after COMMIT only: a refusal rolled back with its transaction is none */
    for (size_t k = 0; k < job->n_rejected; k++)
        sluice_batch_record_error(in, job->rejected[k].record, SQL_ERR_REJECTED, "%s",
                                  job->reasons + job->rejected[k].reason);
    return SLUICE_OK;
}
