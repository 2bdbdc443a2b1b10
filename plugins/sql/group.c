/* plugins/sql/group.c — a batch's rows sorted into statement shapes: one
 * group per (table, set of columns), since a record's absent fields are
 * left out of its statement so that the columns' DEFAULTs apply (sql.h,
 * sql_group).  Rows keep the batch's order within a group.
 *
 * Groups are found by a hash of the table and column indices and a
 * linear scan of the batch's groups: a batch has a handful of shapes,
 * and the hash makes a mismatch one comparison.
 *
 * Upsert: two rows with one key must be written in the batch's order, and
 * PostgreSQL refuses them in one statement (21000).  So a row whose key
 * an earlier row of the batch has goes one generation later than it:
 * generation g + 1 groups run after every generation g group, and no
 * group holds a key twice.  A batch without repeated keys has only
 * generation 0, the same groups as insert.  Keys are compared by a hash
 * of their values: a collision only makes one more generation. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sink_impl.h"

static void *grow(void *p, size_t n, size_t size)
{
    p = realloc(p, n * size);
    if (!p)
        abort(); /* as the SDK's allocators: out of memory is not recoverable */
    return p;
}

void sql_scratch_reserve(sql_sink *s, size_t records, size_t columns)
{
    if (records > s->rec_cap) {
        s->rec_values = grow(s->rec_values, records, sizeof *s->rec_values);
        s->rec_cap = records;
    }
    if (records > s->rec_group_cap) { /* its own size: it takes turns with the jobs' (io_thread.c) */
        s->rec_group = grow(s->rec_group, records, sizeof *s->rec_group);
        s->rec_group_cap = records;
    }
    if (columns > s->col_cap) {
        s->col_values = grow(s->col_values, columns, sizeof *s->col_values);
        s->col_stamp = grow(s->col_stamp, columns, sizeof *s->col_stamp);
        s->col_set = grow(s->col_set, columns, sizeof *s->col_set);
        s->col_folded = grow(s->col_folded, columns, sizeof *s->col_folded);
        memset(s->col_stamp + s->col_cap, 0, (columns - s->col_cap) * sizeof *s->col_stamp);
        s->col_cap = columns;
    }
}

void sql_scratch_free(sql_sink *s)
{
    free(s->rec_group);
    free(s->rec_values);
    free(s->col_values);
    free(s->col_stamp);
    free(s->col_set);
    free(s->col_folded);
    free(s->groups);
    free(s->keys_seen);
}

void sql_groups_reset(sql_sink *s)
{
    s->n_groups = 0;
}

static uint64_t shape_hash(const sql_table *t, const size_t *cols, size_t n)
{
    uint64_t h = (uint64_t)(uintptr_t)t * UINT64_C(0x9E3779B97F4A7C15);
    for (size_t i = 0; i < n; i++)
        h = (h ^ cols[i]) * UINT64_C(1099511628211);
    return h;
}

/* The generation of the scratch row's key in table t, remembered. */
static size_t key_generation(sql_sink *s, size_t n_records, const sql_table *t)
{
    size_t size = 16;
    while (size < 2 * n_records)
        size *= 2;
    if (size > s->keys_mask + 1 || !s->keys_seen) {
        free(s->keys_seen);
        s->keys_seen = calloc(size, sizeof *s->keys_seen);
        if (!s->keys_seen)
            abort();
        s->keys_mask = size - 1;
    }
    uint64_t h = (uint64_t)(uintptr_t)t * UINT64_C(0x9E3779B97F4A7C15);
    for (size_t k = 0; k < t->n_key_columns; k++) {
        const sql_value *v = &s->col_values[t->key_columns[k]];
        h = (h ^ (uint64_t)v->kind) * UINT64_C(1099511628211);
        for (size_t i = 0; i < v->len; i++)
            h = (h ^ (unsigned char)v->text[i]) * UINT64_C(1099511628211);
        h = (h ^ 0xff) * UINT64_C(1099511628211); /* ("ab","c") is not ("a","bc") */
    }
    size_t j = h & s->keys_mask;
    for (; s->keys_seen[j].batch == s->batches; j = (j + 1) & s->keys_mask) {
        if (s->keys_seen[j].tag == h)
            return ++s->keys_seen[j].generation;
    }
    s->keys_seen[j] = (sql_key_seen){h, s->batches, 0};
    return 0;
}

static sql_group_slot *find_or_add(sql_sink *s, sluice_batch *in, const sql_table *t, size_t generation)
{
    uint64_t h = shape_hash(t, s->col_set, s->n_set) + generation;
    for (size_t g = s->n_groups; g-- > 0;) {
        sql_group_slot *slot = &s->groups[g];
        if (slot->hash == h && slot->group.table == t && slot->generation == generation &&
            slot->group.n_columns == s->n_set &&
            memcmp(slot->group.columns, s->col_set, s->n_set * sizeof *s->col_set) == 0)
            return slot;
    }
    if (s->n_groups == s->groups_cap) {
        s->groups_cap = s->groups_cap ? 2 * s->groups_cap : 8;
        s->groups = grow(s->groups, s->groups_cap, sizeof *s->groups);
    }
    sql_group_slot *slot = &s->groups[s->n_groups++];
    size_t *cols = sluice_batch_alloc(in, s->n_set * sizeof *cols);
    memcpy(cols, s->col_set, s->n_set * sizeof *cols);
    *slot = (sql_group_slot){.group = {.table = t, .columns = cols, .n_columns = s->n_set, .operation = s->operation},
                             .hash = h,
                             .generation = generation};
    return slot;
}

void sql_group_add(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t)
{
    size_t generation = 0;
    if (s->operation == SQL_OP_UPSERT)
        generation = key_generation(s, sluice_batch_count(in), &t->table);
    sql_group_slot *slot = find_or_add(s, in, &t->table, generation);
    sql_value *values = sluice_batch_alloc(in, s->n_set * sizeof *values);
    for (size_t k = 0; k < s->n_set; k++)
        values[k] = s->col_values[s->col_set[k]];
    s->rec_group[i] = (size_t)(slot - s->groups);
    s->rec_values[i] = values;
    slot->group.n_rows++;
}

void sql_groups_build(sql_sink *s, sluice_batch *in)
{
    size_t n = sluice_batch_count(in);
    for (size_t g = 0; g < s->n_groups; g++) {
        sql_group_slot *slot = &s->groups[g];
        slot->group.rows = sluice_batch_alloc(in, slot->group.n_rows * sizeof *slot->group.rows);
        slot->fill = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (s->rec_group[i] == SIZE_MAX)
            continue;
        sql_group_slot *slot = &s->groups[s->rec_group[i]];
        slot->group.rows[slot->fill++] = (sql_row){i, s->rec_values[i]};
    }
    /* Generations in order, groups of one generation as they came: a
     * stable insertion sort.  rec_group is read after this only to tell a
     * record with a row from one without, which the sort does not change. */
    for (size_t g = 1; g < s->n_groups; g++) {
        sql_group_slot slot = s->groups[g];
        size_t j = g;
        for (; j > 0 && s->groups[j - 1].generation > slot.generation; j--)
            s->groups[j] = s->groups[j - 1];
        s->groups[j] = slot;
    }
}
