/* plugins/sql/table_cache.c — the tables a sink writes to, described once
 * per table and run (issue 7: "table metadata read once per table and
 * cached").  The cache belongs to the sink instance and outlives batches
 * and reconnects.  A name that is not a table is remembered only for the
 * batch that asked (so a table created while the pipeline runs is found
 * by the next batch), and never reaches SQL: describe binds the name.
 *
 * Column names are looked up through two hash indexes built at describe:
 * the exact name, and its ASCII case-folded form (see row_map.c for why). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sink_impl.h"

/* In by_fold: more than one column folds to this name. */
#define FOLD_AMBIGUOUS (~(SIZE_MAX >> 1))

static uint64_t hash_name(const char *s, size_t len, bool fold)
{
    uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * UINT64_C(1099511628211);
    }
    return h;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort(); /* as the SDK's allocators: out of memory is not recoverable */
    return p;
}

void sql_table_free(sql_table *table)
{
    if (!table)
        return;
    for (size_t i = 0; i < table->n_columns; i++) {
        free(table->columns[i].name);
        free(table->columns[i].db_type);
    }
    free(table->columns);
    free(table->key_columns);
    free(table->schema);
    free(table->name);
    free(table->quoted);
    memset(table, 0, sizeof *table);
}

/* Column c of t is called `name` (ignoring ASCII case when fold). */
static bool same_name(const sql_cached_table *t, size_t c, const char *name, size_t len, bool fold)
{
    const char *col = t->table.columns[c].name;
    return t->name_len[c] == len && (fold ? strncasecmp(col, name, len) == 0 : memcmp(col, name, len) == 0);
}

static void index_columns(sql_cached_table *e)
{
    size_t size = 8;
    while (size < 2 * e->table.n_columns)
        size *= 2;
    e->mask = size - 1;
    e->by_name = xcalloc(size, sizeof *e->by_name);
    e->by_fold = xcalloc(size, sizeof *e->by_fold);
    e->name_len = xcalloc(e->table.n_columns, sizeof *e->name_len);
    for (size_t i = 0; i < e->table.n_columns; i++)
        e->name_len[i] = strlen(e->table.columns[i].name);
    for (size_t i = 0; i < e->table.n_columns; i++) {
        const char *name = e->table.columns[i].name;
        size_t len = strlen(name), j;
        for (j = hash_name(name, len, false) & e->mask; e->by_name[j]; j = (j + 1) & e->mask)
            ;
        e->by_name[j] = i + 1;
        for (j = hash_name(name, len, true) & e->mask; e->by_fold[j]; j = (j + 1) & e->mask) {
            if (same_name(e, (e->by_fold[j] & ~FOLD_AMBIGUOUS) - 1, name, len, true)) {
                e->by_fold[j] |= FOLD_AMBIGUOUS; /* "Fare" and "fare": only an exact name picks one */
                break;
            }
        }
        if (!e->by_fold[j])
            e->by_fold[j] = i + 1;
    }
}

ptrdiff_t sql_column_find(const sql_cached_table *t, const char *name, size_t len, bool *folded)
{
    if (folded)
        *folded = false;
    for (size_t j = hash_name(name, len, false) & t->mask; t->by_name[j]; j = (j + 1) & t->mask)
        if (same_name(t, t->by_name[j] - 1, name, len, false))
            return (ptrdiff_t)t->by_name[j] - 1;
    if (folded)
        *folded = true;
    for (size_t j = hash_name(name, len, true) & t->mask; t->by_fold[j]; j = (j + 1) & t->mask) {
        size_t v = t->by_fold[j];
        if (same_name(t, (v & ~FOLD_AMBIGUOUS) - 1, name, len, true))
            return v & FOLD_AMBIGUOUS ? -1 : (ptrdiff_t)v - 1;
    }
    return -1;
}

static void set_unusable(sql_cached_table *e, const char *code, const char *msg)
{
    if (!e->unusable) {
        e->unusable = strdup(msg);
        e->unusable_code = code;
        if (!e->unusable)
            abort();
    }
}

static void resolve_overrides(const sql_sink *s, sql_cached_table *e)
{
    e->overrides = xcalloc(s->n_overrides, sizeof *e->overrides);
    for (size_t i = 0; i < s->n_overrides; i++) {
        const char *col = s->overrides[i].column;
        e->overrides[i] = sql_column_find(e, col, strlen(col), NULL);
        if (e->overrides[i] < 0) {
            char msg[600];
            snprintf(msg, sizeof msg, "columns[%zu]: table \"%s\" has no column \"%s\"", i, e->table.name, col);
            set_unusable(e, SQL_ERR_NO_COLUMN, msg);
        }
    }
}

/* Column c is an upsert key: in key_columns and flagged (backends test
 * the flag, to leave keys out of the update). */
static void add_key(sql_table *t, size_t c)
{
    t->key_columns[t->n_key_columns++] = c;
    t->columns[c].key = true;
}

/* Upsert keys: key_columns when configured, else the primary key. */
static void resolve_keys(const sql_sink *s, sql_cached_table *e)
{
    sql_table *t = &e->table;
    free(t->key_columns);
    /* Room for every configured name too: nothing refuses a name given
     * twice, and ["id", "id", "id"] on a two-column table must not
     * overflow. */
    t->key_columns = xcalloc(t->n_columns + s->n_key_columns, sizeof *t->key_columns);
    t->n_key_columns = 0;
    for (size_t i = 0; i < t->n_columns; i++)
        t->columns[i].key = false;
    char msg[600];
    for (size_t i = 0; i < s->n_key_columns; i++) {
        ptrdiff_t c = sql_column_find(e, s->key_columns[i], strlen(s->key_columns[i]), NULL);
        if (c < 0) {
            snprintf(msg, sizeof msg, "key_columns: table \"%s\" has no column \"%s\"", t->name,
                     s->key_columns[i]);
            set_unusable(e, SQL_ERR_NO_KEY, msg);
            return;
        }
        add_key(t, (size_t)c);
    }
    for (size_t i = 0; !s->n_key_columns && i < t->n_columns; i++)
        if (t->columns[i].primary_key)
            add_key(t, i);
    if (s->operation == SQL_OP_UPSERT && t->n_key_columns == 0) {
        snprintf(msg, sizeof msg, "upsert into table \"%s\" needs key_columns: it has no primary key", t->name);
        set_unusable(e, SQL_ERR_NO_KEY, msg);
    }
}

static void entry_clear(sql_cached_table *e)
{
    sql_table_free(&e->table);
    free(e->by_name);
    free(e->by_fold);
    free(e->name_len);
    free(e->memo);
    free(e->overrides);
    free(e->unusable);
    e->by_name = e->by_fold = e->name_len = NULL;
    e->memo = NULL;
    e->memo_cap = 0;
    e->overrides = NULL;
    e->unusable = NULL;
    e->unusable_code = NULL;
}

/* (Re)describes e: SQL_OK (found or not) or the backend's failure. */
static sql_status describe(sql_sink *s, sql_cached_table *e, sql_error *err)
{
    entry_clear(e);
    sql_status st = s->backend->describe(s->conn[0], s->schema, e->key, &e->table, err);
    e->found = st == SQL_OK;
    e->batch = s->batches;
    if (st == SQL_NO_TABLE) {
        sql_table_free(&e->table);
        return SQL_OK;
    }
    if (st != SQL_OK) {
        sql_table_free(&e->table);
        return st == SQL_DATA_ERROR ? SQL_FATAL : st;
    }
    if (!e->table.name)
        e->table.name = strdup(e->key); /* for messages, when the backend left it */
    index_columns(e);
    resolve_overrides(s, e);
    resolve_keys(s, e);
    return SQL_OK;
}

static void cache_grow(sql_table_cache *c)
{
    size_t size = c->slots ? 2 * (c->mask + 1) : 16;
    sql_cached_table **slots = xcalloc(size, sizeof *slots);
    for (size_t i = 0; c->slots && i <= c->mask; i++) {
        if (!c->slots[i])
            continue;
        size_t j = hash_name(c->slots[i]->key, strlen(c->slots[i]->key), false) & (size - 1);
        while (slots[j])
            j = (j + 1) & (size - 1);
        slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->mask = size - 1;
}

/* The slot holding `name`, or the empty one where it would go (the cache
 * has slots). */
static size_t probe(const sql_table_cache *c, const char *name)
{
    size_t j = hash_name(name, strlen(name), false) & c->mask;
    while (c->slots[j] && strcmp(c->slots[j]->key, name) != 0)
        j = (j + 1) & c->mask;
    return j;
}

sql_cached_table *sql_table_find(sql_sink *s, const char *name)
{
    sql_table_cache *c = &s->cache;
    sql_cached_table *e = c->slots ? c->slots[probe(c, name)] : NULL;
    return e && (e->found || e->batch == s->batches) ? e : NULL;
}

/* A found entry is never described again, nor freed before the cache:
 * the sink's I/O threads may be writing rows of its table (sink_impl.h). */
sql_cached_table *sql_table_lookup(sql_sink *s, const char *name, sql_error *err)
{
    sql_table_cache *c = &s->cache;
    if (!c->slots || 2 * (c->n + 1) > c->mask + 1)
        cache_grow(c);
    size_t j = probe(c, name);
    sql_cached_table *e = c->slots[j];
    if (e) {
        if (!e->found && e->batch != s->batches && describe(s, e, err) != SQL_OK)
            return NULL; /* the entry stays, a negative of an older batch */
        return e;
    }
    e = xcalloc(1, sizeof *e);
    e->key = strdup(name);
    if (!e->key)
        abort();
    if (describe(s, e, err) != SQL_OK) {
        free(e->key);
        free(e);
        return NULL;
    }
    c->slots[j] = e;
    c->n++;
    return e;
}

void sql_table_cache_free(sql_table_cache *c)
{
    for (size_t i = 0; c->slots && i <= c->mask; i++) {
        if (c->slots[i]) {
            entry_clear(c->slots[i]);
            free(c->slots[i]->key);
            free(c->slots[i]);
        }
    }
    free(c->slots);
    memset(c, 0, sizeof *c);
}
