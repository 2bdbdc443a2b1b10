/* plugins/dev/field_spec.c — the generator's `fields` list: records of a
 * shape the operator describes, in the style of SDC's Dev Data Generator.
 *
 * Each item is {"name": ..., "type": ..., options}; the record is `seq`
 * then the fields in list order.  Each field draws from its own stream,
 * keyed by (seed, its name, i), so adding, removing, reordering or
 * changing one field never changes the values of another.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generator.h"
#include "rng.h"

/* ---- the item schema ------------------------------------------------------ */

enum spec_type {
    T_STRING,
    T_INT,
    T_DOUBLE,
    T_DECIMAL,
    T_BOOL,
    T_DATETIME,
    T_UUID,
    T_EMAIL,
    T_SEQUENCE,
    N_TYPES
};

/* Index = enum spec_type. */
static const char *const type_names[] = {"string",   "int",  "double", "decimal",  "bool",
                                         "datetime", "uuid", "email",  "sequence", NULL};

static const sluice_config_key item_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "name",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "the field's name in the record (not \"seq\", which every record has first)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "type",
     .type = SLUICE_CONFIG_ENUM,
     .flags = SLUICE_CONFIG_REQUIRED,
     .enum_values = type_names,
     .help = "string: random [a-z0-9] of `length`, or one of `values`; int: uniform in [min, max]; "
             "double: uniform in [min, max); decimal: uniform in [min, max] with `scale` places; "
             "bool: true or false; datetime: uniform whole seconds in [from, to); "
             "uuid: a random (version 4) UUID string; email: a made-up address at example.com/.org/.net; "
             "sequence: start + i * step, an INT following seq"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "min",
     .type = SLUICE_CONFIG_DOUBLE,
     .help = "int, double, decimal: the smallest value (default 0)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "max",
     .type = SLUICE_CONFIG_DOUBLE,
     .help = "int, decimal: the largest value (default 1000); double: the bound it stays below (default 1)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "scale",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 0,
     .max = 18,
     .help = "decimal: digits after the point (default 2)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "length",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 1,
     .max = 4096,
     .help = "string: characters per value (default 10)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "values",
     .type = SLUICE_CONFIG_LIST,
     .item_type = SLUICE_CONFIG_STRING,
     .help = "string: pick one of these, evenly, instead of random text"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "from",
     .type = SLUICE_CONFIG_STRING,
     .help = "datetime: the earliest, \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\" (default \"2020-01-01\")"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "to",
     .type = SLUICE_CONFIG_STRING,
     .help = "datetime: the bound it stays before, same form (default \"2021-01-01\")"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "start",
     .type = SLUICE_CONFIG_INT,
     .help = "sequence: the value of record 0 (default 0)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "step",
     .type = SLUICE_CONFIG_INT,
     .help = "sequence: added per record (default 1)"},
};

const sluice_config_schema field_spec_item_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = item_keys,
    .n_keys = sizeof item_keys / sizeof item_keys[0],
    .check = NULL, /* checked with the whole list, for unique names */
};

/* Which types take which option. */
#define BIT(t) (1u << (t))
static const struct {
    const char *key;
    unsigned types;
} option_types[] = {
    {"min", BIT(T_INT) | BIT(T_DOUBLE) | BIT(T_DECIMAL)},
    {"max", BIT(T_INT) | BIT(T_DOUBLE) | BIT(T_DECIMAL)},
    {"scale", BIT(T_DECIMAL)},
    {"length", BIT(T_STRING)},
    {"values", BIT(T_STRING)},
    {"from", BIT(T_DATETIME)},
    {"to", BIT(T_DATETIME)},
    {"start", BIT(T_SEQUENCE)},
    {"step", BIT(T_SEQUENCE)},
};

#define DEFAULT_FROM "2020-01-01"
#define DEFAULT_TO "2021-01-01"
/* Integers beyond 2^53 do not survive the trip through a double option. */
#define EXACT_LIMIT 9007199254740992.0

static enum spec_type type_of(const char *name)
{
    for (int t = 0; t < N_TYPES; t++)
        if (strcmp(type_names[t], name) == 0)
            return (enum spec_type)t;
    return N_TYPES;
}

/* The number in s[0..n), n digits and nothing else; -1 if not. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) to seconds since the epoch. */
static int parse_datetime(const char *s, int64_t *out)
{
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(s);
    int y, mo, d, h = 0, mi = 0, sec = 0;

    if ((len != 10 && len != 20) || s[4] != '-' || s[7] != '-')
        return -1;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    if (len == 20) {
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
            return -1;
        h = digits(s + 11, 2);
        mi = digits(s + 14, 2);
        sec = digits(s + 17, 2);
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return -1;
    /* Days from 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date
     * Algorithms", days_from_civil). */
    int64_t yy = mo <= 2 ? y - 1 : y;
    int64_t era = yy / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}

static double option_double(const sluice_config *item, const char *key, double dflt)
{
    return sluice_config_has(item, key) ? sluice_config_double(item, key) : dflt;
}

static int64_t option_int(const sluice_config *item, const char *key, int64_t dflt)
{
    return sluice_config_has(item, key) ? sluice_config_int(item, key) : dflt;
}

static const char *option_string(const sluice_config *item, const char *key, const char *dflt)
{
    return sluice_config_has(item, key) ? sluice_config_string(item, key) : dflt;
}

static int64_t pow10_i(int scale)
{
    int64_t p = 1;
    while (scale-- > 0)
        p *= 10;
    return p;
}

/* `v` * 10^scale as a whole number, rounded up (or down) unless it is
 * within a hair of one: 0.07 * 100 is 7.000000000000001 in doubles and
 * means 7.  |v * 10^scale| stays below 9e18 (checked), so casts are exact
 * enough and libm is not needed. */
static int64_t scaled_bound(double v, int scale, bool up)
{
    double x = v * (double)pow10_i(scale);
    int64_t near = (int64_t)(x + (x < 0 ? -0.5 : 0.5));
    double slack = 1e-9 * (x < 0 ? -x : x > 1 ? x : 1);
    int64_t t = (int64_t)x; /* toward zero */

    if ((double)near - x <= slack && x - (double)near <= slack)
        return near;
    if (up)
        return (double)t < x ? t + 1 : t;
    return (double)t > x ? t - 1 : t;
}

/* The unscaled decimals with `scale` places in [min, max]. */
static void decimal_range(const sluice_config *item, int64_t *lo, int64_t *hi)
{
    int scale = (int)option_int(item, "scale", 2);

    *lo = scaled_bound(option_double(item, "min", 0), scale, true);
    *hi = scaled_bound(option_double(item, "max", 1000), scale, false);
}

/* One item, after the core checked each key's type: the things only this
 * stage knows.  Messages start with the item's key path. */
static int check_item(const sluice_config *config, size_t j, char *err, size_t errsize)
{
    const sluice_config *item = sluice_config_list_object(config, "fields", j);
    const char *name = sluice_config_string(item, "name");
    enum spec_type t = type_of(sluice_config_string(item, "type"));

    if (!name || !*name) {
        snprintf(err, errsize, "fields[%zu].name: must not be empty", j);
        return SLUICE_ERROR;
    }
    if (strcmp(name, "seq") == 0) {
        snprintf(err, errsize, "fields[%zu].name: \"seq\" is the record number, always first", j);
        return SLUICE_ERROR;
    }
    for (size_t k = 0; k < j; k++) {
        if (strcmp(sluice_config_string(sluice_config_list_object(config, "fields", k), "name"), name) == 0) {
            snprintf(err, errsize, "fields[%zu].name: \"%s\" is already fields[%zu]", j, name, k);
            return SLUICE_ERROR;
        }
    }
    for (size_t o = 0; o < sizeof option_types / sizeof option_types[0]; o++) {
        if (sluice_config_has(item, option_types[o].key) && !(option_types[o].types & BIT(t))) {
            snprintf(err, errsize, "fields[%zu].%s: not an option of type %s", j, option_types[o].key,
                     type_names[t]);
            return SLUICE_ERROR;
        }
    }

    switch (t) {
    case T_INT:
    case T_DOUBLE:
    case T_DECIMAL: {
        double lo = option_double(item, "min", 0), hi = option_double(item, "max", t == T_DOUBLE ? 1 : 1000);
        double limit = t == T_DECIMAL ? 9.0e18 / (double)pow10_i((int)option_int(item, "scale", 2)) : EXACT_LIMIT;
        if (lo > hi || (t == T_DOUBLE && lo == hi)) {
            snprintf(err, errsize, "fields[%zu].max: must be %s min", j, t == T_DOUBLE ? "above" : "at least");
            return SLUICE_ERROR;
        }
        if (t != T_DOUBLE && (lo < -limit || hi > limit)) {
            snprintf(err, errsize, "fields[%zu].%s: beyond +-%.6g, the largest this type holds exactly", j,
                     lo < -limit ? "min" : "max", limit);
            return SLUICE_ERROR;
        }
        if (t == T_INT && (scaled_bound(lo, 0, true) != scaled_bound(lo, 0, false) ||
                           scaled_bound(hi, 0, true) != scaled_bound(hi, 0, false))) {
            snprintf(err, errsize, "fields[%zu].%s: an int field needs a whole number", j,
                     scaled_bound(lo, 0, true) != scaled_bound(lo, 0, false) ? "min" : "max");
            return SLUICE_ERROR;
        }
        if (t == T_DECIMAL) {
            int64_t ulo, uhi;
            decimal_range(item, &ulo, &uhi);
            if (uhi < ulo) {
                snprintf(err, errsize, "fields[%zu].scale: no number with %d decimal places lies in [min, max]", j,
                         (int)option_int(item, "scale", 2));
                return SLUICE_ERROR;
            }
        }
        break;
    }
    case T_STRING:
        if (sluice_config_has(item, "values") && sluice_config_has(item, "length")) {
            snprintf(err, errsize, "fields[%zu].values: either values or length, not both", j);
            return SLUICE_ERROR;
        }
        if (sluice_config_has(item, "values") && sluice_config_list_count(item, "values") == 0) {
            snprintf(err, errsize, "fields[%zu].values: needs at least one value", j);
            return SLUICE_ERROR;
        }
        break;
    case T_DATETIME: {
        int64_t from, to;
        if (parse_datetime(option_string(item, "from", DEFAULT_FROM), &from) != 0) {
            snprintf(err, errsize, "fields[%zu].from: expected \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\"", j);
            return SLUICE_ERROR;
        }
        if (parse_datetime(option_string(item, "to", DEFAULT_TO), &to) != 0) {
            snprintf(err, errsize, "fields[%zu].to: expected \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM:SSZ\"", j);
            return SLUICE_ERROR;
        }
        if (to <= from) {
            snprintf(err, errsize, "fields[%zu].to: must be after from", j);
            return SLUICE_ERROR;
        }
        break;
    }
    default:
        break;
    }
    return SLUICE_OK;
}

int field_spec_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "fields");

    if (n == 0) {
        snprintf(err, errsize, "fields: needs at least one field");
        return SLUICE_ERROR;
    }
    for (size_t j = 0; j < n; j++)
        if (check_item(config, j, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
    return SLUICE_OK;
}

/* ---- specs ------------------------------------------------------------------ */

typedef struct spec {
    const char *name; /* in the config */
    size_t name_len;
    enum spec_type type;
    uint64_t key;     /* this field's stream key */
    int64_t lo;       /* int, decimal (unscaled), datetime (s), sequence start */
    uint64_t span;    /* int, decimal, datetime: number of values (0 = all 2^64); sequence step */
    double dlo, dspan; /* double */
    int scale;
    size_t length;    /* string */
    const char **values; /* string: NULL or n_values of them */
    size_t *value_lens;
    size_t n_values;
} spec;

struct field_spec {
    spec *specs;
    size_t n;
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort(); /* as the arena does */
    return p;
}

static void spec_init(spec *s, const sluice_config *item, uint64_t key)
{
    s->name = sluice_config_string(item, "name");
    s->name_len = strlen(s->name);
    s->type = type_of(sluice_config_string(item, "type"));
    s->key = key;

    switch (s->type) {
    case T_STRING:
        s->length = (size_t)option_int(item, "length", 10);
        s->n_values = sluice_config_list_count(item, "values");
        if (s->n_values) {
            s->values = xcalloc(s->n_values, sizeof *s->values);
            s->value_lens = xcalloc(s->n_values, sizeof *s->value_lens);
            for (size_t v = 0; v < s->n_values; v++) {
                s->values[v] = sluice_config_list_string(item, "values", v);
                s->value_lens[v] = strlen(s->values[v]);
            }
        }
        break;
    case T_INT: {
        int64_t lo = scaled_bound(option_double(item, "min", 0), 0, true);
        int64_t hi = scaled_bound(option_double(item, "max", 1000), 0, false);
        s->lo = lo;
        s->span = (uint64_t)hi - (uint64_t)lo + 1;
        break;
    }
    case T_DOUBLE:
        s->dlo = option_double(item, "min", 0);
        s->dspan = option_double(item, "max", 1) - s->dlo;
        break;
    case T_DECIMAL: {
        int64_t ilo, ihi;
        s->scale = (int)option_int(item, "scale", 2);
        decimal_range(item, &ilo, &ihi); /* not empty: checked */
        s->lo = ilo;
        s->span = (uint64_t)ihi - (uint64_t)ilo + 1;
        break;
    }
    case T_DATETIME: {
        int64_t from = 0, to = 0;
        parse_datetime(option_string(item, "from", DEFAULT_FROM), &from);
        parse_datetime(option_string(item, "to", DEFAULT_TO), &to);
        s->lo = from;
        s->span = (uint64_t)(to - from);
        break;
    }
    case T_SEQUENCE:
        s->lo = option_int(item, "start", 0);
        s->span = (uint64_t)option_int(item, "step", 1);
        break;
    default:
        break;
    }
}

/* FNV-1a, then mixed: a field's stream key from its name. */
static uint64_t name_key(uint64_t seed_key, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return rng_mix64(seed_key ^ rng_mix64(h));
}

field_spec *field_spec_new(const sluice_config *config, uint64_t seed_key)
{
    field_spec *fs = xcalloc(1, sizeof *fs);

    fs->n = sluice_config_list_count(config, "fields");
    fs->specs = xcalloc(fs->n, sizeof *fs->specs);
    for (size_t j = 0; j < fs->n; j++) {
        const sluice_config *item = sluice_config_list_object(config, "fields", j);
        spec_init(&fs->specs[j], item, name_key(seed_key, sluice_config_string(item, "name")));
    }
    return fs;
}

void field_spec_free(field_spec *fs)
{
    if (!fs)
        return;
    for (size_t j = 0; j < fs->n; j++) {
        free(fs->specs[j].values);
        free(fs->specs[j].value_lens);
    }
    free(fs->specs);
    free(fs);
}

/* ---- values ------------------------------------------------------------------ */

/* Uniform in [0, span); span 0 means all 2^64 values.  The modulo bias is
 * below span / 2^64. */
static uint64_t draw_span(rng *r, uint64_t span)
{
    uint64_t x = rng_next(r);
    return span ? x % span : x;
}

static const char alnum[36] = "abcdefghijklmnopqrstuvwxyz0123456789";

static sluice_field *random_text(sluice_batch *b, size_t length, rng *r)
{
    char *s = sluice_batch_alloc(b, length + 1);
    uint64_t w = 0;

    for (size_t k = 0; k < length; k++) {
        if (k % 8 == 0)
            w = rng_next(r);
        s[k] = alnum[((w & 0xff) * 36) >> 8];
        w >>= 8;
    }
    s[length] = '\0';
    return sluice_field_new_string_static(b, s, length);
}

/* RFC 9562 §5.4: 122 random bits, version 4, variant 10. */
static sluice_field *random_uuid(sluice_batch *b, rng *r)
{
    static const char hex[16] = "0123456789abcdef";
    uint64_t w[2] = {rng_next(r), rng_next(r)};
    char *s = sluice_batch_alloc(b, 37);
    size_t pos = 0;

    w[0] = (w[0] & ~(0xfULL << 12)) | (0x4ULL << 12);  /* version nibble: hex digit 12 */
    w[1] = (w[1] & ~(0x3ULL << 62)) | (0x2ULL << 62);  /* variant bits: hex digit 16 */
    for (int k = 0; k < 32; k++) {
        if (k == 8 || k == 12 || k == 16 || k == 20)
            s[pos++] = '-';
        uint64_t word = w[k / 16];
        s[pos++] = hex[(word >> (60 - 4 * (k % 16))) & 0xf];
    }
    s[36] = '\0';
    return sluice_field_new_string_static(b, s, 36);
}

static const char *const first_names[16] = {"ana",   "ben",  "chen", "dara", "eli",  "fatima", "gus",  "hana",
                                             "ivan",  "jade", "kofi", "lena", "mateo", "nia",   "omar", "priya"};
static const char *const last_names[16] = {"adams", "baker",  "cruz",  "diaz",  "evans", "fischer", "garcia", "hill",
                                           "ito",   "jones",  "kim",   "lopez", "moore", "nguyen",  "okafor", "patel"};
/* RFC 2606 reserved domains: made-up addresses can never reach anyone. */
static const char *const domains[3] = {"example.com", "example.org", "example.net"};

static size_t append(char *dst, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n);
    return n;
}

/* first.last<00-99>@example.{com,org,net} */
static sluice_field *random_email(sluice_batch *b, rng *r)
{
    uint64_t w = rng_next(r);
    char *s = sluice_batch_alloc(b, 48);
    size_t len = 0;
    unsigned nn = (unsigned)(((w >> 8) & 0xffff) * 100 >> 16);

    len += append(s + len, first_names[w & 15]);
    s[len++] = '.';
    len += append(s + len, last_names[(w >> 4) & 15]);
    s[len++] = (char)('0' + nn / 10);
    s[len++] = (char)('0' + nn % 10);
    s[len++] = '@';
    len += append(s + len, domains[((w >> 24) & 0xffff) * 3 >> 16]);
    s[len] = '\0';
    return sluice_field_new_string_static(b, s, len);
}

static sluice_field *spec_value(const spec *s, sluice_batch *b, uint64_t seq)
{
    rng r = rng_for_record(s->key, seq);

    switch (s->type) {
    case T_STRING:
        if (s->n_values) {
            size_t v = rng_below(&r, (uint32_t)s->n_values);
            return sluice_field_new_string_static(b, s->values[v], s->value_lens[v]);
        }
        return random_text(b, s->length, &r);
    case T_INT:
        return sluice_field_new_int(b, (int64_t)((uint64_t)s->lo + draw_span(&r, s->span)));
    case T_DOUBLE:
        return sluice_field_new_double(b, s->dlo + rng_unit(&r) * s->dspan);
    case T_DECIMAL:
        return sluice_field_new_decimal(b, (int64_t)((uint64_t)s->lo + draw_span(&r, s->span)), s->scale);
    case T_BOOL:
        return sluice_field_new_bool(b, rng_next(&r) >> 63);
    case T_DATETIME:
        return sluice_field_new_datetime(b, (s->lo + (int64_t)draw_span(&r, s->span)) * 1000000);
    case T_UUID:
        return random_uuid(b, &r);
    case T_EMAIL:
        return random_email(b, &r);
    case T_SEQUENCE:
        /* Unsigned arithmetic: wraps instead of overflowing. */
        return sluice_field_new_int(b, (int64_t)((uint64_t)s->lo + seq * s->span));
    default:
        return sluice_field_new_null(b);
    }
}

sluice_field *field_spec_record(const field_spec *fs, sluice_batch *b, uint64_t seq)
{
    sluice_field *root = sluice_field_new_map(b, fs->n + 1);

    sluice_map_append_static(b, root, "seq", 3, sluice_field_new_int(b, (int64_t)seq));
    for (size_t j = 0; j < fs->n; j++)
        sluice_map_append_static(b, root, fs->specs[j].name, fs->specs[j].name_len, spec_value(&fs->specs[j], b, seq));
    return root;
}
