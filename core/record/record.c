/* core/record/record.c — records: a root field and header attributes. */
#include "config.h"

#include <string.h>

#include "record/record_impl.h"

#define ATTRS_MIN_CAP 4u

SLUICE_API sluice_record *sluice_record_new(sluice_batch *batch, sluice_field *root)
{
    sluice_record *r = arena_alloc(batch->arena, sizeof *r);
    *r = (sluice_record){.root = root ? root : sluice_field_new_map(batch, 0)};
    return r;
}

SLUICE_API sluice_field *sluice_record_root(const sluice_record *record)
{
    return record->root;
}

SLUICE_API void sluice_record_set_root(sluice_record *record, sluice_field *root)
{
    record->root = root;
}

/* ---- attributes: few per record, so a small array scanned in order -------- */

static long attr_find(const sluice_record *record, const char *name)
{
    for (uint32_t i = 0; i < record->n_attrs; i++)
        if (strcmp(record->attrs[i].name, name) == 0)
            return (long)i;
    return -1;
}

SLUICE_API const char *sluice_record_attribute(const sluice_record *record, const char *name)
{
    long i = attr_find(record, name);
    return i < 0 ? NULL : record->attrs[i].value;
}

static void attr_append(sluice_batch *batch, sluice_record *record, const char *name, const char *value)
{
    if (record->n_attrs == record->cap_attrs) {
        uint32_t cap = record->cap_attrs ? record->cap_attrs * 2 : ATTRS_MIN_CAP;
        record_attr *grown = arena_alloc(batch->arena, cap * sizeof *grown);
        if (record->n_attrs)
            memcpy(grown, record->attrs, record->n_attrs * sizeof *grown);
        record->attrs = grown;
        record->cap_attrs = cap;
    }
    record->attrs[record->n_attrs].name = name;
    record->attrs[record->n_attrs].value = value;
    record->n_attrs++;
}

SLUICE_API void sluice_record_set_attribute(sluice_batch *batch, sluice_record *record, const char *name,
                                           const char *value)
{
    const char *v = sluice_batch_strndup(batch, value, strlen(value));
    long i = attr_find(record, name);
    if (i >= 0)
        record->attrs[i].value = v;
    else
        attr_append(batch, record, sluice_batch_strndup(batch, name, strlen(name)), v);
}

SLUICE_API size_t sluice_record_attribute_count(const sluice_record *record)
{
    return record->n_attrs;
}

SLUICE_API const char *sluice_record_attribute_at(const sluice_record *record, size_t i, const char **value)
{
    if (i >= record->n_attrs) {
        if (value)
            *value = NULL;
        return NULL;
    }
    if (value)
        *value = record->attrs[i].value;
    return record->attrs[i].name;
}

/* ---- copy ----------------------------------------------------------------- */

SLUICE_API sluice_record *sluice_record_copy(sluice_batch *batch, const sluice_record *record)
{
    sluice_record *r = arena_alloc(batch->arena, sizeof *r);
    *r = (sluice_record){.root = sluice_field_copy(batch, record->root)};
    if (record->n_attrs) {
        r->attrs = arena_alloc(batch->arena, record->n_attrs * sizeof *r->attrs);
        r->cap_attrs = record->n_attrs;
        for (uint32_t i = 0; i < record->n_attrs; i++) {
            const record_attr *a = &record->attrs[i];
            r->attrs[i].name = sluice_batch_strndup(batch, a->name, strlen(a->name));
            r->attrs[i].value = sluice_batch_strndup(batch, a->value, strlen(a->value));
        }
        r->n_attrs = record->n_attrs;
    }
    return r;
}
