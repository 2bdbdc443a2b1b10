/* plugins/sql/row_map.c — which field goes to which column (issue 7:
 * "columns mapped from fields of the same name ... with explicit columns
 * overrides; fields without a column are ignored; a record matching no
 * column is a record error").
 *
 * The rule, as SDC's JDBC Producer:
 *   1. Each `columns` override {field, column} gives its column the field
 *      at that path.  The column is then taken: a top-level field of the
 *      same name does not fill it, even when the override's field is
 *      absent from the record.
 *   2. Every other top-level field of the record (a MAP root) goes to the
 *      column with exactly its name, else to the one column whose name is
 *      equal ignoring ASCII case (the exact name wins when the record has
 *      both).  Why the second step: PostgreSQL folds
 *      unquoted identifiers to lower case, so `CREATE TABLE t (Fare ...)`
 *      makes a column "fare", and the field "Fare" is meant for it; when
 *      two columns differ only in case ("fare" and "FARE"), only an exact
 *      name matches.
 *   3. A field matching no column is ignored; an absent field leaves its
 *      column out of the row (the column's DEFAULT applies); a NULL field
 *      is SQL NULL.
 * Values are converted as convert.c says, into the batch's arena. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink_impl.h"

/* Marks a taken column whose field is absent: left out of the row. */
#define ABSENT SIZE_MAX

static bool put(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t, size_t c,
                const sluice_field *f, const char *path, size_t path_len, bool slash, bool folded)
{
    s->col_stamp[c] = s->stamp;
    s->col_folded[c] = folded;
    if (!f) {
        s->col_values[c].len = ABSENT;
        return true;
    }
    char why[256];
    const sql_column *col = &t->table.columns[c];
    if (sql_convert(&s->converter, in, f, col, &s->col_values[c], why, sizeof why))
        return true;
    sluice_batch_record_error(in, i, SQL_ERR_CONVERT, "field '%s%.*s' for column \"%s\" (%s): %s", slash ? "/" : "",
                              (int)path_len, path, col->name, col->db_type ? col->db_type : sql_type_name(col->type),
                              why);
    return false;
}

static bool map_overrides(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t, const sluice_record *r)
{
    for (size_t k = 0; k < s->n_overrides; k++) {
        const char *path = sluice_path_text(s->overrides[k].path);
        sluice_field *f = sluice_path_get(r, s->overrides[k].path);
        if (!put(s, in, i, t, (size_t)t->overrides[k], f, path, strlen(path), false, false))
            return false;
    }
    return true;
}

/* The memo of t for n fields, forgotten when it is from another batch. */
static sql_key_memo *memo(const sql_sink *s, sql_cached_table *t, size_t n)
{
    if (n > t->memo_cap) {
        free(t->memo);
        t->memo_cap = n > 2 * t->memo_cap ? n : 2 * t->memo_cap;
        t->memo = malloc(t->memo_cap * sizeof *t->memo);
        if (!t->memo)
            abort(); /* as the SDK's allocators */
        t->memo_batch = s->batches - 1;
    }
    if (t->memo_batch != s->batches && t->memo) {
        memset(t->memo, 0, t->memo_cap * sizeof *t->memo);
        t->memo_batch = s->batches;
    }
    return t->memo;
}

static bool map_fields(sql_sink *s, sluice_batch *in, size_t i, sql_cached_table *t, const sluice_record *r)
{
    const sluice_field *root = sluice_record_root(r);
    size_t n = sluice_field_type(root) == SLUICE_MAP ? sluice_field_count(root) : 0;
    sql_key_memo *m = memo(s, t, n);
    for (size_t e = 0; e < n; e++, m++) {
        const char *key;
        size_t key_len;
        sluice_field *f = sluice_map_entry(root, e, &key, &key_len);
        if (!m->key || m->len != key_len || (m->key != key && memcmp(m->key, key, key_len) != 0)) {
            m->column = sql_column_find(t, key, key_len, &m->folded);
            m->key = key;
            m->len = key_len;
        }
        ptrdiff_t c = m->column;
        bool folded = m->folded;
        /* Taken already: by an override, an exact name, or (unless this
         * is the exact name) a field equal ignoring case. */
        if (c < 0 || (s->col_stamp[c] == s->stamp && (folded || !s->col_folded[c])))
            continue;
        if (!put(s, in, i, t, (size_t)c, f, key, key_len, true, folded))
            return false;
    }
    return true;
}

/* The set columns in table order; in upsert, every key among them. */
static bool collect(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t)
{
    const sql_table *tab = &t->table;
    s->n_set = 0;
    for (size_t c = 0; c < tab->n_columns; c++)
        if (s->col_stamp[c] == s->stamp && s->col_values[c].len != ABSENT)
            s->col_set[s->n_set++] = c;
    if (s->n_set == 0) {
        sluice_batch_record_error(in, i, SQL_ERR_NO_COLUMN, "no field of the record matches a column of table \"%s\"",
                                  tab->name);
        return false;
    }
    for (size_t k = 0; s->operation == SQL_OP_UPSERT && k < tab->n_key_columns; k++) {
        size_t c = tab->key_columns[k];
        if (s->col_stamp[c] != s->stamp || s->col_values[c].len == ABSENT) {
            sluice_batch_record_error(in, i, SQL_ERR_NO_KEY, "upsert into table \"%s\": no field for key column \"%s\"",
                                      tab->name, tab->columns[c].name);
            return false;
        }
    }
    return true;
}

bool sql_map_record(sql_sink *s, sluice_batch *in, size_t i, sql_cached_table *t)
{
    if (t->unusable) {
        sluice_batch_record_error(in, i, t->unusable_code, "%s", t->unusable);
        return false;
    }
    s->stamp++;
    const sluice_record *r = sluice_batch_record(in, i);
    return map_overrides(s, in, i, t, r) && map_fields(s, in, i, t, r) && collect(s, in, i, t);
}
