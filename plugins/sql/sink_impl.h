/* plugins/sql/sink_impl.h — the parts of a SQL sink instance, shared by
 * the files of plugins/sql.  Internal: backends see only sql.h. */
#ifndef SLUICE_PLUGINS_SQL_SINK_IMPL_H
#define SLUICE_PLUGINS_SQL_SINK_IMPL_H

#include <sluice/expr.h>

#include "convert.h"
#include "sql.h"

/* One `columns` override: the field at `path` goes to `column`. */
typedef struct sql_override {
    sluice_path *path;
    const char *column; /* in the config */
} sql_override;

/* Which column the e-th field of the previous record went to: records
 * of one source mostly share their keys in the same order, so a key is
 * compared with the previous one's before it is looked up (row_map.c).
 * `key` points into the batch: valid for the batch that set it only. */
typedef struct sql_key_memo {
    const char *key;
    size_t len;
    ptrdiff_t column;
    bool folded;
} sql_key_memo;

/* A table as the cache knows it: described once per run (table_cache.c). */
typedef struct sql_cached_table {
    char *key;            /* the table expression's text for it */
    bool found;           /* false: no such table (negatives last one batch) */
    uint64_t batch;       /* negatives: the batch that learnt it */
    sql_table table;      /* found: what the backend described */
    size_t *by_name;      /* open-addressing index of column names: index + 1, 0 empty */
    size_t *by_fold;      /* the same, ASCII case-folded (top bit: two columns fold alike) */
    size_t mask;          /* both indexes have mask + 1 slots */
    size_t *name_len;     /* per column: strlen of its name */
    sql_key_memo *memo;   /* per field position (row_map.c) ... */
    size_t memo_cap;
    uint64_t memo_batch;  /* ... set during this batch */
    ptrdiff_t *overrides; /* per config override: its column, or -1 when the table has none */
    char *unusable;       /* why records cannot go to this table, or NULL ... */
    const char *unusable_code; /* ... and their record error code */
} sql_cached_table;

typedef struct sql_table_cache {
    sql_cached_table **slots; /* open addressing by name */
    size_t n, mask;
} sql_table_cache;

/* A statement shape of the batch being written (group.c). */
typedef struct sql_group_slot {
    sql_group group;
    uint64_t hash;
    size_t fill;
    size_t generation; /* upsert: see group.c */
} sql_group_slot;

/* Upsert: the generation of the last row seen with a key (group.c). */
typedef struct sql_key_seen {
    uint64_t tag;   /* hash of table and key values */
    uint64_t batch; /* valid when it is the current batch */
    size_t generation;
} sql_key_seen;

struct sql_sink {
    sluice_stage_ctx *ctx;
    const sql_backend *backend;
    sql_conn_config conn_config;
    sql_conn *conn;

    const sluice_expr *table_expr;
    bool table_constant; /* no ${...}: checked at the first write */
    bool table_checked;
    sluice_expr_ctx *expr_ctx;
    const char *schema;
    sql_operation operation;
    sql_override *overrides;
    size_t n_overrides;
    const char **key_columns; /* config; point into it */
    size_t n_key_columns;
    sql_converter converter;

    sql_table_cache cache;
    uint64_t batches; /* write() calls so far: negatives' lifetime */

    /* Scratch reused across batches, grown as needed (never per record). */
    size_t *rec_group;           /* per record: its group, or SIZE_MAX */
    const sql_value **rec_values; /* per record: its values in group column order */
    size_t rec_cap;
    sql_value *col_values; /* per column of the record's table */
    uint64_t *col_stamp;   /* col_values[i] is set when col_stamp[i] == stamp */
    bool *col_folded;      /* col_values[i] came from a field matching it only ignoring case */
    size_t *col_set;       /* the set columns, table order ... */
    size_t n_set;          /* ... and how many */
    size_t col_cap;
    uint64_t stamp;
    sql_group_slot *groups;
    size_t n_groups, groups_cap;
    sql_key_seen *keys_seen; /* open addressing, keys_mask + 1 slots */
    size_t keys_mask;
};
typedef struct sql_sink sql_sink;

/* table_cache.c: the table called `name` (NUL-terminated), described on
 * a miss.  NULL with err filled on SQL_RETRY / SQL_FATAL; else an entry,
 * found or not. */
sql_cached_table *sql_table_lookup(sql_sink *s, const char *name, sql_error *err);
void sql_table_cache_free(sql_table_cache *cache);
/* The column called `name` (exact, else the only case-insensitive match,
 * then *folded is set when folded is not NULL), or -1. */
ptrdiff_t sql_column_find(const sql_cached_table *t, const char *name, size_t len, bool *folded);

/* row_map.c: maps record i of `in` to t's columns into the scratch
 * (col_values / col_stamp / col_set).  False after marking the record
 * error. */
bool sql_map_record(sql_sink *s, sluice_batch *in, size_t i, sql_cached_table *t);

/* group.c: puts record i (mapped into the scratch) into its group;
 * builds every group's rows once all records are placed. */
void sql_groups_reset(sql_sink *s);
void sql_group_add(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t);
void sql_groups_build(sql_sink *s, sluice_batch *in);

/* bisect.c: the batch's transaction over every group.  SLUICE_OK (retry
 * marks set when the connection was lost) or SLUICE_ERROR after
 * sluice_stage_fail. */
int sql_transaction(sql_sink *s, sluice_batch *in);

/* sink.c: drops the connection (after a SQL_RETRY or a failure). */
void sql_sink_disconnect(sql_sink *s);
/* sink.c: after a SQL_RETRY (err): logs, disconnects and offers again
 * every record not yet planned (i >= from) and every planned one that
 * has a row in a group; planned records without one (i < from,
 * rec_group SIZE_MAX) are record errors already and stay so.  With
 * from == 0 the scratch is not read.  SLUICE_OK. */
int sql_retry(sql_sink *s, sluice_batch *in, size_t from, const sql_error *err);
/* sink.c: disconnects and stops the pipeline with "what: SQLSTATE
 * xxxxx: message" (the SQLSTATE when err has one).  SLUICE_ERROR. */
int sql_fail(sql_sink *s, const char *what, const sql_error *err);

/* group.c: makes the scratch hold `records` records and `columns`
 * columns (aborts when out of memory, as the SDK's allocators do);
 * frees it. */
void sql_scratch_reserve(sql_sink *s, size_t records, size_t columns);
void sql_scratch_free(sql_sink *s);

#endif
