/* plugins/fields/rename_regex.c — fields:rename's renames by regular
 * expression, as SDC's Field Renamer has them ("Renaming Sets of Fields"):
 *
 *   { "from": "/'(.*)_amount'", "to": "/$1" }     fare_amount -> fare, tip_amount -> tip
 *   { "from": "/'(.*)'", "to": "/in_$1" }         a prefix on every name
 *
 * A rename is one of these when the last step of `to` refers to a group
 * ($1).  The last step of `from` is then a regular expression (PCRE2, as
 * the expression language's) that must match a whole field name; the
 * steps before it name the map(s) whose names it is matched against, and
 * may have wildcards (/items[*]/'(.*)_amount').  Every matching name
 * becomes `to`'s last step with $n replaced by group n (an unset group
 * is empty; \$ is a dollar, \\ a backslash), in the same map: the field
 * keeps its place.  A new name that an unrenamed field of the map or an
 * earlier renamed one has is a clash: on_clash error makes the record a
 * record error, overwrite drops the other field, skip leaves this field
 * under its old name.
 *
 * Matching runs per record over the names of the map, with one match
 * data block per stage; new names and the rebuilt map are in the batch
 * arena. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

struct fields_regex_rename {
    sluice_path *parent; /* the maps whose names are matched */
    pcre2_code *re;
    pcre2_match_data *md;
    char *tmpl; /* `to`'s last step, unescaped */
    size_t tmpl_len;
    uint32_t groups;
};

/* A $ and a digit in the last step of `to`. */
bool fields_rename_is_regex(const char *to)
{
    const char *last = strrchr(to, '/');
    for (const char *p = last ? last : to; *p; p++)
        if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
            return true;
    return false;
}

/* The group number at tmpl[*i] (after the $), as Java's Matcher reads it:
 * digits while the number stays a group of the regex.  -1 with no digit
 * or a first digit past the groups. */
static long group_at(const char *tmpl, size_t len, size_t *i, uint32_t groups)
{
    if (*i >= len || tmpl[*i] < '0' || tmpl[*i] > '9' || (uint32_t)(tmpl[*i] - '0') > groups)
        return -1;
    long g = tmpl[(*i)++] - '0';
    while (*i < len && tmpl[*i] >= '0' && tmpl[*i] <= '9' && (uint32_t)(g * 10 + tmpl[*i] - '0') <= groups)
        g = g * 10 + tmpl[(*i)++] - '0';
    return g;
}

/* Checks the template against the regex's groups: NULL, or why not. */
static const char *check_template(const char *tmpl, size_t len, uint32_t groups)
{
    for (size_t i = 0; i < len;) {
        char c = tmpl[i++];
        if (c == '\\' && i < len)
            i++;
        else if (c == '$' && group_at(tmpl, len, &i, groups) < 0)
            return "a $ must be followed by a group number of `from`'s regular expression (\\$ for a dollar)";
    }
    return NULL;
}

/* The last steps of from and to, and whether their parents are the same
 * steps: 0, or -1 with err set. */
static int split_rename(const char *from, const char *to, fields_step ***fs, size_t *nf, fields_step ***ts, size_t *nt,
                        char *err, size_t errsize)
{
    if (fields_split_path(from, fs, nf) != 0 || fields_split_path(to, ts, nt) != 0) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    const fields_step *rf = (*fs)[*nf - 1], *rt = (*ts)[*nt - 1];
    if (rf->is_index || rf->is_wildcard) {
        snprintf(err, errsize, "from: \"%s\": with a $n in `to`, the last step is a regular expression over names: "
                 "/'(.*)_amount'", from);
        return -1;
    }
    if (rt->is_index || rt->is_wildcard || *nf != *nt || !fields_steps_prefix(*fs, *nf - 1, *ts, *nt - 1)) {
        snprintf(err, errsize, "to: \"%s\": a rename by regular expression stays in the map of \"%s\": "
                 "only the last step differs", to, from);
        return -1;
    }
    return 0;
}

/* The regex of `from`'s last step rf, compiled: NULL with err set. */
static pcre2_code *compile_regex(const char *from, const fields_step *rf, char *err, size_t errsize)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)rf->key, rf->key_len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code,
                                   &offset, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(err, errsize, "from: \"%s\": invalid regular expression at character %zu of \"%s\": %s", from,
                 (size_t)offset + 1, rf->key, (const char *)msg);
    }
    return re;
}

/* Checking is compiling: one place decides what a valid rename is. */
int fields_regex_rename_check(const char *from, const char *to, char *err, size_t errsize)
{
    fields_regex_rename *r = fields_regex_rename_new(from, to, err, errsize);
    int rc = r ? SLUICE_OK : SLUICE_ERROR;
    fields_regex_rename_free(r);
    return rc;
}

fields_regex_rename *fields_regex_rename_new(const char *from, const char *to, char *err, size_t errsize)
{
    fields_regex_rename *r = calloc(1, sizeof *r);
    fields_step **fs = NULL, **ts = NULL;
    size_t nf = 0, nt = 0;
    char *parent = NULL;
    if (!r)
        goto oom;
    if (split_rename(from, to, &fs, &nf, &ts, &nt, err, errsize) != 0)
        goto fail;
    const fields_step *rf = fs[nf - 1], *rt = ts[nt - 1];
    if (!(r->re = compile_regex(from, rf, err, errsize)))
        goto fail;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &r->groups);
    const char *why = check_template(rt->key, rt->key_len, r->groups);
    if (why) {
        snprintf(err, errsize, "to: \"%s\": %s", to, why);
        goto fail;
    }
    /* The parent of a checked path is a path: failing here is memory. */
    if (!(parent = fields_parent_path(from)) || !(r->parent = sluice_path_compile(parent, NULL, 0)) ||
        !(r->tmpl = malloc(rt->key_len + 1)) || !(r->md = pcre2_match_data_create_from_pattern(r->re, NULL)))
        goto oom;
    memcpy(r->tmpl, rt->key, rt->key_len + 1);
    r->tmpl_len = rt->key_len;
    free(parent);
    fields_free_steps(fs, nf);
    fields_free_steps(ts, nt);
    return r;
oom:
    snprintf(err, errsize, "out of memory");
fail:
    free(parent);
    fields_free_steps(fs, nf);
    fields_free_steps(ts, nt);
    fields_regex_rename_free(r);
    return NULL;
}

void fields_regex_rename_free(fields_regex_rename *r)
{
    if (!r)
        return;
    sluice_path_free(r->parent);
    pcre2_code_free(r->re);
    pcre2_match_data_free(r->md);
    free(r->tmpl);
    free(r);
}

/* ---- one record -------------------------------------------------------------- */

/* The new name for `key` when the regex matches all of it: in the arena,
 * NUL-terminated; NULL when it does not match. */
static const char *new_name(const fields_regex_rename *r, sluice_batch *b, const char *key, size_t key_len,
                            size_t *len)
{
    if (pcre2_match(r->re, (PCRE2_SPTR)key, key_len, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, r->md, NULL) < 0)
        return NULL;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    /* Twice over the template: measure, then write. */
    char *out = NULL;
    for (int pass = 0; pass < 2; pass++) {
        size_t n = 0;
        for (size_t i = 0; i < r->tmpl_len;) {
            char c = r->tmpl[i++];
            const char *s = &c;
            size_t sl = 1;
            if (c == '\\' && i < r->tmpl_len) {
                s = &r->tmpl[i++];
            } else if (c == '$') {
                long g = group_at(r->tmpl, r->tmpl_len, &i, r->groups); /* checked: a group */
                bool set = ov[2 * g] != PCRE2_UNSET;
                s = set ? key + ov[2 * g] : "";
                sl = set ? ov[2 * g + 1] - ov[2 * g] : 0;
            }
            if (out)
                memcpy(out + n, s, sl);
            n += sl;
        }
        if (out) {
            out[n] = '\0';
            *len = n;
        } else {
            out = sluice_batch_alloc(b, n + 1);
        }
    }
    return out;
}

/* What happens to the entries of one map. */
typedef struct renaming {
    const char **names; /* per entry: its new name, or NULL to keep it */
    size_t *lens;
    bool *dropped; /* overwritten by a renamed entry */
} renaming;

/* Index of the entry that has `name` after the renames decided before
 * entry `upto` (an unrenamed entry anywhere, or a renamed one before
 * upto), or -1. */
static long holder_of(const sluice_field *map, const renaming *rn, size_t n, size_t upto, const char *name,
                      size_t len)
{
    for (size_t j = 0; j < n; j++) {
        const char *key;
        size_t key_len;
        sluice_map_entry(map, j, &key, &key_len);
        if (rn->dropped[j])
            continue;
        if (rn->names[j] ? j < upto && rn->lens[j] == len && !memcmp(rn->names[j], name, len)
                         : key_len == len && !memcmp(key, name, len))
            return (long)j;
    }
    return -1;
}

typedef struct regex_visit_ctx {
    const fields_regex_rename *r;
    fields_clash on_clash;
    size_t index; /* of the rename, for messages */
    sluice_batch *b;
    sluice_record *record;
    sluice_emitter *out;
} regex_visit_ctx;

/* Decides the new names of the entries of `map`: SLUICE_OK (with
 * *any when one changes), or SLUICE_ERROR after a record error. */
static int decide(const regex_visit_ctx *v, const sluice_field *map, const sluice_path_match *match, renaming *rn,
                  bool *any)
{
    size_t n = sluice_field_count(map);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t key_len, len = 0;
        if (rn->dropped[i]) /* overwritten by an earlier rename */
            continue;
        sluice_map_entry(map, i, &key, &key_len);
        const char *name = new_name(v->r, v->b, key, key_len, &len);
        if (!name || (len == key_len && !memcmp(name, key, len)))
            continue;
        long holder = holder_of(map, rn, n, i, name, len);
        if (holder >= 0 && v->on_clash == FIELDS_CLASH_SKIP)
            continue;
        if (holder >= 0 && v->on_clash == FIELDS_CLASH_ERROR) {
            sluice_emit_error(v->out, v->record, FIELDS_RENAME_ERROR,
                              "renames[%zu]: cannot rename \"%.*s\" to \"%s\" in %s: \"%s\" exists", v->index,
                              (int)key_len, key, name, fields_match_text(v->b, match), name);
            return SLUICE_ERROR;
        }
        if (holder >= 0)
            rn->dropped[holder] = true;
        rn->names[i] = name;
        rn->lens[i] = len;
        *any = true;
    }
    return SLUICE_OK;
}

static int regex_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    const regex_visit_ctx *v = arg;
    sluice_field *map = *slot;
    if (sluice_field_type(map) != SLUICE_MAP)
        return SLUICE_OK;
    size_t n = sluice_field_count(map);
    if (n == 0)
        return SLUICE_OK;
    renaming rn = {sluice_batch_alloc(v->b, n * sizeof *rn.names), sluice_batch_alloc(v->b, n * sizeof *rn.lens),
                   sluice_batch_alloc(v->b, n * sizeof *rn.dropped)};
    memset(rn.names, 0, n * sizeof *rn.names);
    memset(rn.dropped, 0, n * sizeof *rn.dropped);
    bool any = false;
    if (decide(v, map, match, &rn, &any) != SLUICE_OK)
        return SLUICE_ERROR;
    if (!any)
        return SLUICE_OK;
    /* A new map, as rename.c's rename within a map: the SDK has no rename
     * of a key in place.  Entries keep their places. */
    sluice_field *renamed = sluice_field_new_map(v->b, n);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t key_len;
        sluice_field *value = sluice_map_entry(map, i, &key, &key_len);
        if (rn.dropped[i])
            continue;
        if (rn.names[i])
            sluice_map_append_static(v->b, renamed, rn.names[i], rn.lens[i], value);
        else
            sluice_map_append_static(v->b, renamed, key, key_len, value);
    }
    *slot = renamed;
    return SLUICE_OK;
}

int fields_regex_rename_apply(const fields_regex_rename *r, fields_clash on_clash, size_t index, sluice_batch *b,
                              sluice_record *record, sluice_emitter *out)
{
    regex_visit_ctx v = {.r = r, .on_clash = on_clash, .index = index, .b = b, .record = record, .out = out};
    return sluice_path_foreach(record, r->parent, regex_visit, &v);
}
