/* sluice/record.h — records, typed fields, batches and field paths.
 *
 * A record is an ordered tree of typed fields plus a header of string
 * attributes.  Every record and field lives in the arena of the batch that
 * carries it: memory is released all at once when the runner is done with
 * the batch, so nothing here is ever freed one by one, and no record may be
 * kept past the callback (produce / process / write) that received it.
 *
 * Memory: every function that takes a `sluice_batch *` and returns memory
 * allocates it in that batch's arena.  Allocation failure aborts the process
 * (it means malloc failed); functions never return NULL for lack of memory.
 *
 * Threads: a batch, its records and fields belong to one runner thread at a
 * time; none of these functions lock.
 */
#ifndef SLUICE_RECORD_H
#define SLUICE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_field sluice_field;
typedef struct sluice_record sluice_record;
typedef struct sluice_batch sluice_batch;
typedef struct sluice_path sluice_path;

/* Field types (DESIGN §2).  Values are part of the ABI: never renumbered. */
typedef enum sluice_type {
    SLUICE_NULL = 0,
    SLUICE_BOOL = 1,
    SLUICE_INT = 2,      /* int64 */
    SLUICE_DOUBLE = 3,   /* IEEE double */
    SLUICE_DECIMAL = 4,  /* exact: digits and a scale */
    SLUICE_STRING = 5,   /* UTF-8 with a length, always NUL-terminated too */
    SLUICE_BYTES = 6,    /* any bytes with a length */
    SLUICE_DATETIME = 7, /* microseconds since the epoch, UTC */
    SLUICE_LIST = 8,
    SLUICE_MAP = 9       /* insertion-ordered string keys */
} sluice_type;

/* The lower-case name of a type ("decimal"); "?" for an unknown value. */
SLUICE_API const char *sluice_type_name(sluice_type type);

/* ---- batches ---------------------------------------------------------- */

/* Number of records in the batch, and the i-th of them (i < count). */
SLUICE_API size_t sluice_batch_count(const sluice_batch *batch);
SLUICE_API sluice_record *sluice_batch_record(const sluice_batch *batch, size_t i);

/* Appends a record (made with sluice_record_new on this batch) to the batch.
 * Used by origins to fill the batch they were given. */
SLUICE_API void sluice_batch_add(sluice_batch *batch, sluice_record *record);

/* `size` bytes of arena memory, 16-byte aligned, valid until the batch is
 * released.  Lets a stage build a string in place and then wrap it with
 * sluice_field_new_string_static() without a copy. */
SLUICE_API void *sluice_batch_alloc(sluice_batch *batch, size_t size);

/* A NUL-terminated copy of `len` bytes of `s` in the arena. */
SLUICE_API char *sluice_batch_strndup(sluice_batch *batch, const char *s, size_t len);

/* Records the origin's position after this batch under `key` (a shard id,
 * a file name; "" for a single position).  Both strings are copied.  The
 * core commits it only once every destination and the error stage took the
 * batch. */
SLUICE_API void sluice_batch_set_offset(sluice_batch *batch, const char *key, const char *value);

/* ---- field constructors ------------------------------------------------ */

SLUICE_API sluice_field *sluice_field_new_null(sluice_batch *batch);
SLUICE_API sluice_field *sluice_field_new_bool(sluice_batch *batch, bool value);
SLUICE_API sluice_field *sluice_field_new_int(sluice_batch *batch, int64_t value);
SLUICE_API sluice_field *sluice_field_new_double(sluice_batch *batch, double value);
/* A DECIMAL worth unscaled * 10^-scale, 0 <= scale <= 38. */
SLUICE_API sluice_field *sluice_field_new_decimal(sluice_batch *batch, int64_t unscaled, int scale);
/* A DECIMAL from its text ("-12.50", "1e-3" is refused: digits, one optional
 * sign and one optional point only, up to 77 digits).  NULL if the text is
 * not such a number. */
SLUICE_API sluice_field *sluice_field_new_decimal_text(sluice_batch *batch, const char *text, size_t len);
/* A STRING holding a copy of `len` bytes of `s`. */
SLUICE_API sluice_field *sluice_field_new_string(sluice_batch *batch, const char *s, size_t len);
/* A STRING pointing at `s` without copying: `s` must stay valid and unchanged
 * until the batch is released (a literal, or memory from sluice_batch_alloc),
 * and s[len] must be '\0'. */
SLUICE_API sluice_field *sluice_field_new_string_static(sluice_batch *batch, const char *s, size_t len);
/* BYTES holding a copy of `len` bytes of `data`. */
SLUICE_API sluice_field *sluice_field_new_bytes(sluice_batch *batch, const void *data, size_t len);
/* A DATETIME, microseconds since 1970-01-01T00:00:00Z. */
SLUICE_API sluice_field *sluice_field_new_datetime(sluice_batch *batch, int64_t epoch_us);
/* An empty LIST or MAP with room for `capacity` items before it grows. */
SLUICE_API sluice_field *sluice_field_new_list(sluice_batch *batch, size_t capacity);
SLUICE_API sluice_field *sluice_field_new_map(sluice_batch *batch, size_t capacity);

/* A deep copy of `field` in `batch`'s arena. */
SLUICE_API sluice_field *sluice_field_copy(sluice_batch *batch, const sluice_field *field);

/* ---- field accessors --------------------------------------------------- */

SLUICE_API sluice_type sluice_field_type(const sluice_field *field);
/* Each getter expects a field of its type; on another type it returns 0,
 * false, 0.0 or NULL. */
SLUICE_API bool sluice_field_get_bool(const sluice_field *field);
SLUICE_API int64_t sluice_field_get_int(const sluice_field *field);
/* DOUBLE; an INT or DECIMAL is converted. */
SLUICE_API double sluice_field_get_double(const sluice_field *field);
SLUICE_API int64_t sluice_field_get_datetime(const sluice_field *field);
/* STRING or BYTES: the data and its length (`len` may be NULL). */
SLUICE_API const char *sluice_field_get_string(const sluice_field *field, size_t *len);
/* DECIMAL as unscaled int64 and scale: 0, or -1 when it does not fit. */
SLUICE_API int sluice_field_get_decimal(const sluice_field *field, int64_t *unscaled, int *scale);
/* Writes the canonical text of a DECIMAL ("-12.50") to buf (NUL-terminated
 * when size > 0) and returns its length, as snprintf does. */
SLUICE_API size_t sluice_field_decimal_text(const sluice_field *field, char *buf, size_t size);
/* The text a number had in the JSON it was parsed from ("12.50"), or NULL
 * when the field was not parsed from JSON.  Writers use it so that a number
 * survives a round trip digit for digit. */
SLUICE_API const char *sluice_field_number_text(const sluice_field *field, size_t *len);

/* LIST and MAP: number of items; 0 for other types. */
SLUICE_API size_t sluice_field_count(const sluice_field *field);

SLUICE_API sluice_field *sluice_list_get(const sluice_field *list, size_t i);
SLUICE_API void sluice_list_append(sluice_batch *batch, sluice_field *list, sluice_field *item);

/* The value under `key`, or NULL. */
SLUICE_API sluice_field *sluice_map_get(const sluice_field *map, const char *key, size_t key_len);
/* The i-th entry in insertion order: its value, and its key in *key. */
SLUICE_API sluice_field *sluice_map_entry(const sluice_field *map, size_t i, const char **key, size_t *key_len);
/* Sets `key` (copied) to `value`: replaces the value in place when the key
 * exists, else appends. */
SLUICE_API void sluice_map_put(sluice_batch *batch, sluice_field *map, const char *key, size_t key_len,
                               sluice_field *value);
/* Appends without looking for an existing key and without copying the key:
 * the caller guarantees the key is new and outlives the batch, with
 * key[key_len] == '\0'.  For stages that build records of a fixed shape. */
SLUICE_API void sluice_map_append_static(sluice_batch *batch, sluice_field *map, const char *key, size_t key_len,
                                         sluice_field *value);
/* Removes `key`, keeping the order of the others: true if it was there. */
SLUICE_API bool sluice_map_remove(sluice_field *map, const char *key, size_t key_len);

/* ---- records ----------------------------------------------------------- */

/* A new record with the given root field (NULL: an empty MAP), allocated in
 * the batch's arena but not yet part of any batch: see sluice_batch_add(). */
SLUICE_API sluice_record *sluice_record_new(sluice_batch *batch, sluice_field *root);
SLUICE_API sluice_field *sluice_record_root(const sluice_record *record);
SLUICE_API void sluice_record_set_root(sluice_record *record, sluice_field *root);
/* A deep copy of the record, fields and attributes, in `batch`'s arena. */
SLUICE_API sluice_record *sluice_record_copy(sluice_batch *batch, const sluice_record *record);

/* Header attributes: string name/value pairs in insertion order. */
SLUICE_API const char *sluice_record_attribute(const sluice_record *record, const char *name);
/* Sets name (copied) to value (copied), replacing an existing value. */
SLUICE_API void sluice_record_set_attribute(sluice_batch *batch, sluice_record *record, const char *name,
                                           const char *value);
SLUICE_API size_t sluice_record_attribute_count(const sluice_record *record);
/* The i-th attribute's name; its value in *value. */
SLUICE_API const char *sluice_record_attribute_at(const sluice_record *record, size_t i, const char **value);

/* ---- field paths (SDC syntax: /a/b, /list[2], /, /'odd key') ------------ */

/* Compiles a path.  Returns NULL and writes a one-line message naming the
 * column of the problem to err (when errsize > 0) if the text is not a path.
 * SDC's wildcards are steps too: "/ *" (written without the space) for every
 * entry of a map, "[*]" for every item of a list, e.g. /items[*]/price; a
 * "*" inside a name ("/a*") is refused, a quoted one (/'a*') is a name.
 * The result is immutable and may be shared by threads; free it with
 * sluice_path_free(). */
SLUICE_API sluice_path *sluice_path_compile(const char *text, char *err, size_t errsize);
SLUICE_API void sluice_path_free(sluice_path *path);
/* The text the path was compiled from. */
SLUICE_API const char *sluice_path_text(const sluice_path *path);
/* True when the path has a wildcard step, so that it may match any number
 * of fields.  Such a path works with sluice_path_foreach() and
 * sluice_path_remove(); sluice_path_get() finds nothing at it and
 * sluice_path_set() refuses it. */
SLUICE_API bool sluice_path_has_wildcard(const sluice_path *path);
/* The field at `path`, or NULL when the record has none there (always NULL
 * for a path with a wildcard). */
SLUICE_API sluice_field *sluice_path_get(const sluice_record *record, const sluice_path *path);
/* Puts `value` at `path`, creating missing intermediate MAPs (a missing list
 * index is only created when it is the next one).  Returns SLUICE_OK, or
 * SLUICE_ERROR when an intermediate field is not a map/list, or the path
 * has a wildcard (a value goes to one place). */
SLUICE_API int sluice_path_set(sluice_batch *batch, sluice_record *record, const sluice_path *path,
                               sluice_field *value);
/* Removes the field at `path`, or with wildcards every field it matches
 * (/l[*] empties the list l, which stays): true if anything was removed. */
SLUICE_API bool sluice_path_remove(sluice_record *record, const sluice_path *path);

/* Where sluice_path_foreach() found a field: opaque, valid only during the
 * visit it is passed to. */
typedef struct sluice_path_match sluice_path_match;

/* Called by sluice_path_foreach() once per matching field.  `*slot` is the
 * field (never NULL); storing another field of the record's batch in
 * `*slot` replaces it where it stands, keeping the order of its map or
 * list.  The visit must not add or remove entries of the containers on
 * the path.  Return SLUICE_OK to go on; any other value stops the walk
 * and is what sluice_path_foreach() returns. */
typedef int (*sluice_path_visit_fn)(sluice_field **slot, const sluice_path_match *match, void *arg);

/* Visits every field of `record` that `path` matches, in record order
 * (map entries in insertion order, list items by index); a path without
 * wildcards matches one field at most.  Fields the record does not have,
 * and steps through a field of the wrong type, are skipped.  Returns
 * SLUICE_OK, or the first other value a visit returned.  Allocates
 * nothing.  Threads: the record's, like every function here. */
SLUICE_API int sluice_path_foreach(sluice_record *record, const sluice_path *path, sluice_path_visit_fn visit,
                                   void *arg);

/* The concrete path of a match ("/items[2]/price" for /items[*]/price;
 * the path's own text when it has no wildcard), for messages.  Written
 * to buf (NUL-terminated when size > 0, cut to fit); returns its full
 * length, as snprintf does.  Keys that need it are quoted: /'odd key'. */
SLUICE_API size_t sluice_path_match_text(const sluice_path_match *match, char *buf, size_t size);

/* Convenience: compiles `path` and gets it, each call (not for hot paths). */
SLUICE_API sluice_field *sluice_record_get(const sluice_record *record, const char *path);

#ifdef __cplusplus
}
#endif

#endif
