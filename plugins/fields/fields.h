/* plugins/fields/fields.h — the fields plugin: small stages that reshape
 * records (SDC's Expression Evaluator, Field Remover, Field Renamer, Field
 * Masker and Field Type Converter), and the helpers they share. */
#ifndef SLUICE_PLUGINS_FIELDS_H
#define SLUICE_PLUGINS_FIELDS_H

#include <sluice/sluice.h>

/* Record error codes, one per stage, so an error record says who failed. */
#define FIELDS_SET_ERROR "FIELDS_01"
#define FIELDS_RENAME_ERROR "FIELDS_02"
#define FIELDS_MASK_ERROR "FIELDS_03"
#define FIELDS_CONVERT_ERROR "FIELDS_04"

extern const sluice_config_schema fields_set_schema;
extern const sluice_config_schema fields_remove_schema;
extern const sluice_config_schema fields_rename_schema;
extern const sluice_config_schema fields_mask_schema;
extern const sluice_config_schema fields_convert_schema;

int fields_set_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void fields_set_destroy(void *state);
int fields_set_process(void *state, sluice_batch *in, sluice_emitter *out);

int fields_remove_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void fields_remove_destroy(void *state);
int fields_remove_process(void *state, sluice_batch *in, sluice_emitter *out);

int fields_rename_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void fields_rename_destroy(void *state);
int fields_rename_process(void *state, sluice_batch *in, sluice_emitter *out);

int fields_mask_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void fields_mask_destroy(void *state);
int fields_mask_process(void *state, sluice_batch *in, sluice_emitter *out);

int fields_convert_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void fields_convert_destroy(void *state);
int fields_convert_process(void *state, sluice_batch *in, sluice_emitter *out);

/* ---- paths (paths.c) ------------------------------------------------------ */

/* Checks that `text` is a path a fields stage can work on: it compiles
 * and is not the root.  `no_wildcard`: NULL when wildcards (/ * and [*])
 * are fine, else why they are not, for the message.  On a problem writes
 * "WHAT: ..." to err and returns SLUICE_ERROR. */
int fields_check_path(const char *what, const char *text, const char *no_wildcard, char *err, size_t errsize);

/* Checks every item of the LIST of strings `key` with fields_check_path
 * (wildcards allowed), and that there is at least one. */
int fields_check_path_list(const sluice_config *config, const char *key, char *err, size_t errsize);

/* Compiles the paths of the LIST of strings `key` of `config` into a new
 * array (free with fields_free_paths).  NULL after sluice_stage_fail. */
sluice_path **fields_compile_paths(sluice_stage_ctx *ctx, const sluice_config *config, const char *key,
                                   size_t *n);
void fields_free_paths(sluice_path **paths, size_t n);

/* The concrete path of a match ("/items[2]/price"), for a record error
 * message: NUL-terminated, in `batch`'s arena. */
const char *fields_match_text(sluice_batch *batch, const sluice_path_match *match);

/* One step of a path as text: a map key or a list index, or with
 * is_wildcard every key (/ *) or every index ([*]). */
typedef struct fields_step {
    bool is_index;
    bool is_wildcard;
    size_t index;
    size_t key_len;
    char key[]; /* unescaped, NUL-terminated */
} fields_step;

/* Splits a path (already checked) into steps: a malloc'ed array of
 * malloc'ed steps, free with fields_free_steps.  -1 on out of memory. */
int fields_split_path(const char *text, fields_step ***steps, size_t *n);
void fields_free_steps(fields_step **steps, size_t n);

/* True when the steps of `a` are a prefix of those of `b` (equal
 * included); wildcards equal only wildcards of the same kind. */
bool fields_steps_prefix(fields_step **a, size_t na, fields_step **b, size_t nb);

/* The text of the parent of a checked path ("/a/b" -> "/a", "/a" -> "/"),
 * malloc'ed; NULL on out of memory. */
char *fields_parent_path(const char *text);

/* ---- renames by regular expression (rename_regex.c) ----------------------- */

/* What fields:rename does when the new name exists (on_clash). */
typedef enum fields_clash { FIELDS_CLASH_ERROR, FIELDS_CLASH_OVERWRITE, FIELDS_CLASH_SKIP } fields_clash;

typedef struct fields_regex_rename fields_regex_rename;

/* Whether the rename to `to` is by regular expression: the last step of
 * `to` refers to a group ($1). */
bool fields_rename_is_regex(const char *to);
/* Checks such a rename (both paths checked already, wildcards allowed);
 * on a problem writes "from: ..." or "to: ..." to err, SLUICE_ERROR. */
int fields_regex_rename_check(const char *from, const char *to, char *err, size_t errsize);
/* Such a rename, compiled; NULL with err set as by the check (or "out of
 * memory").  Its match data is the stage's: one thread at a time. */
fields_regex_rename *fields_regex_rename_new(const char *from, const char *to, char *err, size_t errsize);
void fields_regex_rename_free(fields_regex_rename *r);
/* Renames the matching names of one record; SLUICE_ERROR after a record
 * error (renames[index]: ...) sent to out. */
int fields_regex_rename_apply(const fields_regex_rename *r, fields_clash on_clash, size_t index, sluice_batch *b,
                              sluice_record *record, sluice_emitter *out);

/* ---- values as text (text.c) --------------------------------------------- */

/* The text of a scalar field for a message or a conversion to string,
 * NUL-terminated in `batch`'s arena: strings as they are, numbers in
 * their shortest exact form, datetimes in RFC 3339.  "<list>" / "<map>"
 * for containers. */
const char *fields_value_text(sluice_batch *batch, const sluice_field *field, size_t *len);

#endif
