/* plugins/fields/mask.c — fields:mask, SDC's Field Masker.
 *
 *   "config": { "paths": ["/credit_card"], "mask": "keep_last", "keep": 4 }
 *
 * Masks STRING fields, counting characters (UTF-8 code points), not bytes:
 *   fixed      every character becomes 'x' (the length shows);
 *   keep_last  all but the last `keep` characters become 'x' (a value of
 *              `keep` characters or fewer is left as it is);
 *   regex      characters outside the capture `groups` listed become 'x';
 *              a value the regex does not match is masked whole (safer
 *              than showing it);
 *   pattern    SDC's custom mask: '#' shows the next character, 'x' hides
 *              it, any other pattern character is copied; the output ends
 *              with the pattern or the value, whichever ends first
 *              ("xxxx-xxxx-xxxx-####" on a 16-digit card: xxxx-xxxx-xxxx-1234).
 * Paths may have SDC's wildcards (/ * and [*]), as in SDC's Field Masker:
 * every matching field is masked.  Missing fields and nulls are skipped; a
 * field of another type is a record error (FIELDS_03) naming its concrete
 * path: masking a number would change its type.
 * The masked text is built in the batch arena. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

enum mask_kind { MASK_FIXED, MASK_KEEP_LAST, MASK_REGEX, MASK_PATTERN };
static const char *const mask_names[] = {"fixed", "keep_last", "regex", "pattern", NULL};

static pcre2_code *compile_regex(const char *regex, char *err, size_t errsize)
{
    int code;
    PCRE2_SIZE offset;
    /* UTF so that groups fall on character boundaries; MATCH_INVALID_UTF
     * so that bad UTF-8 in a record fails to match instead of erroring. */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                   &code, &offset, NULL);
    if (!re && errsize) {
        char msg[200];
        pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(err, errsize, "regex: \"%s\", column %zu: %s", regex, (size_t)offset + 1, msg);
    }
    return re;
}

static int mask_check(const sluice_config *config, char *err, size_t errsize)
{
    if (fields_check_path_list(config, "paths", err, errsize) != SLUICE_OK)
        return SLUICE_ERROR;
    const char *mask = sluice_config_string(config, "mask");
    bool regex = !strcmp(mask, "regex"), pattern = !strcmp(mask, "pattern");
    if (regex != sluice_config_has(config, "regex")) {
        snprintf(err, errsize, regex ? "regex: required with mask \"regex\"" : "regex: only with mask \"regex\"");
        return SLUICE_ERROR;
    }
    if (regex != sluice_config_has(config, "groups")) {
        snprintf(err, errsize, regex ? "groups: required with mask \"regex\" (the groups to show)"
                                     : "groups: only with mask \"regex\"");
        return SLUICE_ERROR;
    }
    if (pattern != sluice_config_has(config, "pattern")) {
        snprintf(err, errsize, pattern ? "pattern: required with mask \"pattern\"" : "pattern: only with mask \"pattern\"");
        return SLUICE_ERROR;
    }
    if (sluice_config_has(config, "keep") && strcmp(mask, "keep_last")) {
        snprintf(err, errsize, "keep: only with mask \"keep_last\"");
        return SLUICE_ERROR;
    }
    if (!regex)
        return SLUICE_OK;
    pcre2_code *re = compile_regex(sluice_config_string(config, "regex"), err, errsize);
    if (!re)
        return SLUICE_ERROR;
    uint32_t captures = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &captures);
    pcre2_code_free(re);
    for (size_t i = 0; i < sluice_config_list_count(config, "groups"); i++) {
        int64_t g = sluice_config_list_int(config, "groups", i);
        if (g < 1 || g > captures) {
            snprintf(err, errsize, "groups[%zu]: the regex has no group %lld (it has %u)", i, (long long)g,
                     (unsigned)captures);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

static const sluice_config_key mask_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "paths",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_STRING,
     .help = "The string fields to mask."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "mask",
     .type = SLUICE_CONFIG_ENUM,
     .default_json = "\"fixed\"",
     .enum_values = mask_names,
     .help = "fixed: all 'x'; keep_last: all but the last `keep` characters 'x'; regex: all but the "
             "`groups` of `regex` 'x'; pattern: '#' shows a character, 'x' hides it, others are copied."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "keep",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 0,
     .max = 1000000,
     .help = "keep_last: how many characters to show at the end (default 4)."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "regex",
     .type = SLUICE_CONFIG_STRING,
     .help = "regex: a PCRE2 regular expression with capture groups."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "groups",
     .type = SLUICE_CONFIG_LIST,
     .item_type = SLUICE_CONFIG_INT,
     .help = "regex: the numbers of the groups to show (1 is the first group)."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "pattern",
     .type = SLUICE_CONFIG_STRING,
     .help = "pattern: e.g. \"xxxx-xxxx-xxxx-####\"."},
};

const sluice_config_schema fields_mask_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = mask_keys,
    .n_keys = sizeof mask_keys / sizeof mask_keys[0],
    .check = mask_check,
};

typedef struct mask_stage {
    size_t n_paths;
    sluice_path **paths;
    enum mask_kind kind;
    size_t keep;
    const char *pattern; /* owned by the config */
    pcre2_code *re;
    pcre2_match_data *match; /* per instance, reused for every record */
    size_t n_groups;
    uint32_t *groups;
} mask_stage;

int fields_mask_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    mask_stage *s = calloc(1, sizeof *s);
    if (!s) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    const char *mask = sluice_config_string(config, "mask");
    for (int k = 0; mask_names[k]; k++)
        if (!strcmp(mask, mask_names[k]))
            s->kind = (enum mask_kind)k;
    s->keep = sluice_config_has(config, "keep") ? (size_t)sluice_config_int(config, "keep") : 4;
    s->pattern = sluice_config_string(config, "pattern");
    if (!(s->paths = fields_compile_paths(ctx, config, "paths", &s->n_paths))) {
        free(s);
        return SLUICE_ERROR;
    }
    if (s->kind == MASK_REGEX) {
        char err[256];
        s->n_groups = sluice_config_list_count(config, "groups");
        s->groups = calloc(s->n_groups, sizeof *s->groups);
        s->re = compile_regex(sluice_config_string(config, "regex"), err, sizeof err);
        if (s->re)
            s->match = pcre2_match_data_create_from_pattern(s->re, NULL);
        if (!s->groups || !s->re || !s->match) {
            sluice_stage_fail(ctx, "%s", s->re ? "out of memory" : err);
            fields_mask_destroy(s);
            return SLUICE_ERROR;
        }
        for (size_t i = 0; i < s->n_groups; i++)
            s->groups[i] = (uint32_t)sluice_config_list_int(config, "groups", i);
    }
    *state = s;
    return SLUICE_OK;
}

void fields_mask_destroy(void *state)
{
    mask_stage *s = state;
    if (!s)
        return;
    fields_free_paths(s->paths, s->n_paths);
    pcre2_match_data_free(s->match);
    pcre2_code_free(s->re);
    free(s->groups);
    free(s);
}

/* Bytes in the UTF-8 character that starts with byte c (1 for a stray
 * continuation or invalid byte, so that any input moves on). */
static size_t char_len(unsigned char c)
{
    return c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i += char_len((unsigned char)s[i]))
        n++;
    return n;
}

/* Copies s[0..len) to o with every character not in [show_from, show_to)
 * (byte offsets) replaced by one 'x'; returns the end of the output. */
static char *hide_outside(char *o, const char *s, size_t len, size_t show_from, size_t show_to)
{
    for (size_t i = 0; i < len;) {
        size_t cl = char_len((unsigned char)s[i]);
        if (cl > len - i)
            cl = len - i;
        if (i >= show_from && i < show_to) {
            memcpy(o, s + i, cl);
            o += cl;
        } else {
            *o++ = 'x';
        }
        i += cl;
    }
    return o;
}

static bool shown_by_groups(const mask_stage *s, const PCRE2_SIZE *ov, size_t at)
{
    for (size_t g = 0; g < s->n_groups; g++) {
        PCRE2_SIZE from = ov[2 * s->groups[g]], to = ov[2 * s->groups[g] + 1];
        if (from != PCRE2_UNSET && at >= from && at < to)
            return true;
    }
    return false;
}

/* The masked text of s[0..len), in the arena: its length in *out_len.
 * A mask never makes text longer than the value or the pattern. */
static char *mask_text(mask_stage *s, sluice_batch *b, const char *v, size_t len, size_t *out_len)
{
    size_t room = len + (s->kind == MASK_PATTERN ? strlen(s->pattern) : 0) + 1;
    char *buf = sluice_batch_alloc(b, room), *o = buf;
    switch (s->kind) {
    case MASK_FIXED:
        o = hide_outside(o, v, len, 0, 0);
        break;
    case MASK_KEEP_LAST: {
        size_t n = count_chars(v, len), i = 0, skip = n > s->keep ? n - s->keep : 0;
        for (size_t c = 0; c < skip; c++)
            i += char_len((unsigned char)v[i]);
        o = hide_outside(o, v, len, i < len ? i : len, len);
        break;
    }
    case MASK_REGEX: {
        int rc = pcre2_match(s->re, (PCRE2_SPTR)v, len, 0, 0, s->match, NULL);
        if (rc < 0) {
            o = hide_outside(o, v, len, 0, 0);
            break;
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match);
        for (size_t i = 0; i < len;) {
            size_t cl = char_len((unsigned char)v[i]);
            if (cl > len - i)
                cl = len - i;
            if (shown_by_groups(s, ov, i)) {
                memcpy(o, v + i, cl);
                o += cl;
            } else {
                *o++ = 'x';
            }
            i += cl;
        }
        break;
    }
    case MASK_PATTERN: {
        size_t i = 0;
        for (const char *p = s->pattern; *p && i < len; p++) {
            if (*p == '#' || *p == 'x') {
                size_t cl = char_len((unsigned char)v[i]);
                if (cl > len - i)
                    cl = len - i;
                if (*p == '#') {
                    memcpy(o, v + i, cl);
                    o += cl;
                } else {
                    *o++ = 'x';
                }
                i += cl;
            } else {
                *o++ = *p;
            }
        }
        break;
    }
    }
    *o = '\0';
    *out_len = (size_t)(o - buf);
    return buf;
}

/* One record under way: what a visit of a matching field needs. */
typedef struct mask_visit_ctx {
    mask_stage *s;
    sluice_batch *b;
    sluice_record *record;
    sluice_emitter *out;
} mask_visit_ctx;

static int mask_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    mask_visit_ctx *m = arg;
    sluice_type t = sluice_field_type(*slot);
    if (t == SLUICE_NULL)
        return SLUICE_OK;
    if (t != SLUICE_STRING) {
        sluice_emit_error(m->out, m->record, FIELDS_MASK_ERROR, "%s: cannot mask a %s field, only strings",
                          fields_match_text(m->b, match), sluice_type_name(t));
        return SLUICE_ERROR;
    }
    size_t len, masked_len;
    const char *v = sluice_field_get_string(*slot, &len);
    char *masked = mask_text(m->s, m->b, v, len, &masked_len);
    /* Replaces the field where it stands, so the order is kept. */
    *slot = sluice_field_new_string_static(m->b, masked, masked_len);
    return SLUICE_OK;
}

int fields_mask_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    mask_stage *s = state;
    size_t n = sluice_batch_count(in);
    mask_visit_ctx m = {.s = s, .b = in, .out = out};
    for (size_t k = 0; k < n; k++) {
        m.record = sluice_batch_record(in, k);
        bool failed = false;
        for (size_t i = 0; i < s->n_paths && !failed; i++)
            failed = sluice_path_foreach(m.record, s->paths[i], mask_visit, &m) != SLUICE_OK;
        if (!failed)
            sluice_emit(out, 0, m.record);
    }
    return SLUICE_OK;
}
