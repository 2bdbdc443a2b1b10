/* tests/unit/test_schema.c — config schema: every type accepted and
 * refused with its exact message, defaults, ranges, nested locations,
 * secrets, units, the stage's check, older plugins' smaller structs, the
 * getters' zero values, and `describe`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/schema.h"

#define KEY(...) {.struct_size = sizeof(sluice_config_key), __VA_ARGS__}
#define N_KEYS(keys) (sizeof(keys) / sizeof((keys)[0]))
#define SCHEMA(keys) {sizeof(sluice_config_schema), keys, N_KEYS(keys), NULL}

static const char *const formats[] = {"json", "delimited", "text", "binary", NULL};
static const char *const field_types[] = {"string", "int", "double", "sequence", NULL};

static const sluice_config_key field_keys[] = {
    KEY(.name = "name", .type = SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED),
    KEY(.name = "type", .type = SLUICE_CONFIG_ENUM, .default_json = "\"string\"", .enum_values = field_types),
};
static const sluice_config_schema field_schema = SCHEMA(field_keys);

static const sluice_config_key tls_keys[] = {
    KEY(.name = "verify", .type = SLUICE_CONFIG_BOOL, .default_json = "true", .help = "Check the server's certificate."),
    KEY(.name = "ca", .type = SLUICE_CONFIG_STRING),
};
static const sluice_config_schema tls_schema = SCHEMA(tls_keys);

/* One key of every type. */
static const sluice_config_key all_keys[] = {
    KEY(.name = "s", .type = SLUICE_CONFIG_STRING),
    KEY(.name = "i", .type = SLUICE_CONFIG_INT),
    KEY(.name = "d", .type = SLUICE_CONFIG_DOUBLE),
    KEY(.name = "b", .type = SLUICE_CONFIG_BOOL),
    KEY(.name = "dur", .type = SLUICE_CONFIG_DURATION),
    KEY(.name = "sz", .type = SLUICE_CONFIG_SIZE),
    KEY(.name = "e", .type = SLUICE_CONFIG_ENUM, .enum_values = formats),
    KEY(.name = "tags", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_STRING),
    KEY(.name = "nums", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE,
        .min = 0, .max = 10),
    KEY(.name = "fmts", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_ENUM, .enum_values = formats),
    KEY(.name = "waits", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_DURATION),
    KEY(.name = "fields", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_OBJECT, .object = &field_schema),
    KEY(.name = "tls", .type = SLUICE_CONFIG_OBJECT, .object = &tls_schema),
    KEY(.name = "headers", .type = SLUICE_CONFIG_MAP),
    KEY(.name = "when", .type = SLUICE_CONFIG_EXPRESSION),
    KEY(.name = "password", .type = SLUICE_CONFIG_SECRET),
};
static const sluice_config_schema all_schema = SCHEMA(all_keys);

static char err[1024];

/* Test JSON is written with ' for " to stay readable. */
static json_object *parse(const char *text)
{
    char buf[4096];
    size_t i = 0;
    for (; text[i] && i < sizeof buf - 1; i++)
        buf[i] = text[i] == '\'' ? '"' : text[i];
    buf[i] = '\0';
    json_object *o = json_tokener_parse(buf);
    assert_non_null(o);
    return o;
}

/* The raw JSON is released before the config is read: a config must not
 * borrow from it. */
static sluice_config *build(const sluice_config_schema *schema, const char *text)
{
    json_object *raw = text ? parse(text) : NULL;
    strcpy(err, "(untouched)");
    sluice_config *c = config_build(schema, raw, "stages[0].config", err, sizeof err);
    json_object_put(raw);
    return c;
}

static sluice_config *build_ok(const sluice_config_schema *schema, const char *text)
{
    sluice_config *c = build(schema, text);
    if (!c)
        fail_msg("unexpected error: %s", err);
    return c;
}

static void expect_error(const sluice_config_schema *schema, const char *text, const char *message)
{
    sluice_config *c = build(schema, text);
    assert_null(c);
    assert_string_equal(err, message);
}

/* ---- every type ----------------------------------------------------------- */

static void test_all_types_accepted(void **state)
{
    (void)state;
    sluice_config *c = build_ok(&all_schema, "{'s': 'text', 'i': -42, 'd': 0.25, 'b': true, 'dur': '1.5s', "
                                             "'sz': '5MiB', 'e': 'text', 'tags': ['a', 'b', ''], 'nums': [0, 10], "
                                             "'fmts': ['json', 'binary'], 'waits': [250, '2m'], "
                                             "'fields': [{'name': 'x'}, {'name': 'y', 'type': 'int'}], "
                                             "'tls': {'ca': '/etc/ca.pem'}, 'headers': {'b': '2', 'a': '1'}, "
                                             "'when': '${record:value(\\u0027/a\\u0027)}', 'password': 'literal'}");
    assert_string_equal(sluice_config_location(c), "stages[0].config");
    assert_string_equal(sluice_config_string(c, "s"), "text");
    assert_int_equal(sluice_config_int(c, "i"), -42);
    assert_true(sluice_config_double(c, "d") == 0.25);
    assert_true(sluice_config_bool(c, "b"));
    assert_int_equal(sluice_config_int(c, "dur"), 1500);
    assert_int_equal(sluice_config_int(c, "sz"), 5 * 1024 * 1024);
    assert_string_equal(sluice_config_string(c, "e"), "text");

    assert_int_equal(sluice_config_list_count(c, "tags"), 3);
    assert_string_equal(sluice_config_list_string(c, "tags", 0), "a");
    assert_string_equal(sluice_config_list_string(c, "tags", 1), "b");
    assert_string_equal(sluice_config_list_string(c, "tags", 2), "");
    assert_int_equal(sluice_config_list_count(c, "nums"), 2);
    assert_int_equal(sluice_config_list_int(c, "nums", 1), 10);
    assert_string_equal(sluice_config_list_string(c, "fmts", 1), "binary");
    assert_int_equal(sluice_config_list_int(c, "waits", 0), 250);
    assert_int_equal(sluice_config_list_int(c, "waits", 1), 120000);

    assert_int_equal(sluice_config_list_count(c, "fields"), 2);
    const sluice_config *f0 = sluice_config_list_object(c, "fields", 0);
    const sluice_config *f1 = sluice_config_list_object(c, "fields", 1);
    assert_string_equal(sluice_config_string(f0, "name"), "x");
    assert_string_equal(sluice_config_string(f0, "type"), "string"); /* default */
    assert_string_equal(sluice_config_string(f1, "type"), "int");
    assert_string_equal(sluice_config_location(f1), "stages[0].config.fields[1]");

    const sluice_config *tls = sluice_config_object(c, "tls");
    assert_non_null(tls);
    assert_string_equal(sluice_config_location(tls), "stages[0].config.tls");
    assert_true(sluice_config_bool(tls, "verify")); /* default */
    assert_string_equal(sluice_config_string(tls, "ca"), "/etc/ca.pem");

    assert_int_equal(sluice_config_map_count(c, "headers"), 2);
    assert_string_equal(sluice_config_map_key(c, "headers", 0), "b"); /* the operator's order */
    assert_string_equal(sluice_config_map_value(c, "headers", 0), "2");
    assert_string_equal(sluice_config_map_key(c, "headers", 1), "a");
    assert_string_equal(sluice_config_map_value(c, "headers", 1), "1");

    assert_string_equal(sluice_config_string(c, "when"), "${record:value('/a')}");
    assert_string_equal(sluice_config_string(c, "password"), "literal");
    for (size_t i = 0; i < N_KEYS(all_keys); i++)
        assert_true(sluice_config_has(c, all_keys[i].name));
    config_free(c);
}

static void test_absent_keys_read_as_zero(void **state)
{
    (void)state;
    sluice_config *c = build_ok(&all_schema, NULL);
    for (size_t i = 0; i < N_KEYS(all_keys); i++)
        assert_false(sluice_config_has(c, all_keys[i].name));
    assert_null(sluice_config_string(c, "s"));
    assert_int_equal(sluice_config_int(c, "i"), 0);
    assert_true(sluice_config_double(c, "d") == 0.0);
    assert_false(sluice_config_bool(c, "b"));
    assert_null(sluice_config_object(c, "tls")); /* absent, no default: no object */
    assert_int_equal(sluice_config_list_count(c, "tags"), 0);
    assert_null(sluice_config_list_string(c, "tags", 0));
    assert_int_equal(sluice_config_map_count(c, "headers"), 0);
    assert_null(sluice_config_map_key(c, "headers", 0));
    config_free(c);
}

static void test_wrong_getters_return_zero(void **state)
{
    (void)state;
    sluice_config *c = build_ok(&all_schema, "{'s': 'text', 'i': 7, 'b': true, 'tags': ['a'], 'nums': [3], "
                                             "'fields': [{'name': 'x'}], 'tls': {}, 'headers': {'k': 'v'}}");
    assert_int_equal(sluice_config_int(c, "s"), 0);
    assert_null(sluice_config_string(c, "i"));
    assert_true(sluice_config_double(c, "i") == 7.0); /* DOUBLE (or INT) */
    assert_true(sluice_config_double(c, "s") == 0.0);
    assert_false(sluice_config_bool(c, "i"));
    assert_null(sluice_config_object(c, "fields"));
    assert_null(sluice_config_object(c, "s"));
    assert_int_equal(sluice_config_list_count(c, "s"), 0);
    assert_null(sluice_config_list_string(c, "nums", 0));
    assert_int_equal(sluice_config_list_int(c, "tags", 0), 0);
    assert_null(sluice_config_list_object(c, "tags", 0));
    assert_null(sluice_config_list_object(c, "fields", 1)); /* past the end */
    assert_null(sluice_config_list_string(c, "tags", 1));
    assert_int_equal(sluice_config_list_int(c, "nums", 5), 0);
    assert_int_equal(sluice_config_map_count(c, "tags"), 0);
    assert_null(sluice_config_map_value(c, "tags", 0));
    assert_null(sluice_config_map_value(c, "headers", 1));
    assert_false(sluice_config_has(c, "nonexistent"));
    assert_null(sluice_config_string(c, "nonexistent"));
    assert_false(sluice_config_has(c, NULL));
    assert_null(sluice_config_string(NULL, "s"));
    assert_int_equal(sluice_config_int(NULL, "i"), 0);
    assert_int_equal(sluice_config_list_count(NULL, "tags"), 0);
    assert_null(sluice_config_map_key(NULL, "headers", 0));
    assert_string_equal(sluice_config_location(NULL), "");
    config_free(c);
    config_free(NULL);
}

static void test_scalars_refused(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{'i': 'ten'}", "stages[0].config.i: expected an integer, got \"ten\""},
        {"{'i': 1.5}", "stages[0].config.i: expected an integer, got 1.5"},
        {"{'i': true}", "stages[0].config.i: expected an integer, got true"},
        {"{'i': '1'}", "stages[0].config.i: expected an integer, got \"1\""},
        {"{'i': null}", "stages[0].config.i: expected an integer, got null"},
        {"{'i': [1]}", "stages[0].config.i: expected an integer, got an array"},
        {"{'i': 1e30}", "stages[0].config.i: integer out of range: 1e30"},
        {"{'i': 99999999999999999999}", "stages[0].config.i: integer out of range: 18446744073709551615"},
        {"{'d': 'x'}", "stages[0].config.d: expected a number, got \"x\""},
        {"{'d': false}", "stages[0].config.d: expected a number, got false"},
        {"{'b': 'true'}", "stages[0].config.b: expected true or false, got \"true\""},
        {"{'b': 1}", "stages[0].config.b: expected true or false, got 1"},
        {"{'s': 5}", "stages[0].config.s: expected a string, got 5"},
        {"{'s': {'a': 1}}", "stages[0].config.s: expected a string, got an object"},
        {"{'when': 5}", "stages[0].config.when: expected a string, got 5"},
        {"{'e': 'JSON'}", "stages[0].config.e: expected one of json, delimited, text, binary, got \"JSON\" (did you "
                          "mean \"json\"?)"},
        {"{'e': 'yaml'}", "stages[0].config.e: expected one of json, delimited, text, binary, got \"yaml\""},
        {"{'e': 1}", "stages[0].config.e: expected one of json, delimited, text, binary, got 1"},
        {"{'headers': ['a']}", "stages[0].config.headers: expected an object of strings, got an array"},
        {"{'headers': {'X-Id': 5}}", "stages[0].config.headers.X-Id: expected a string, got 5"},
        {"{'tls': 'yes'}", "stages[0].config.tls: expected an object, got \"yes\""},
        {"{'tls': {'verfy': false}}", "stages[0].config.tls.verfy: unknown key (did you mean \"verify\"?); known "
                                      "keys: verify, ca"},
        {"{'tls': {'verify': 'no'}}", "stages[0].config.tls.verify: expected true or false, got \"no\""},
        {"{'s': 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij', 'i': 'abcdefghijabcdefghijabcdefghijabcdefghij"
         "abcdefghij'}",
         "stages[0].config.i: expected an integer, got \"abcdefghijabcdefghijabcdefghijabcdefghijabc...\""},
    };
    for (size_t i = 0; i < N_KEYS(cases); i++)
        expect_error(&all_schema, cases[i].json, cases[i].message);
}

static void test_integers_accepted(void **state)
{
    (void)state;
    sluice_config *c = build_ok(&all_schema, "{'i': 1e3, 'd': 3}");
    assert_int_equal(sluice_config_int(c, "i"), 1000);
    assert_true(sluice_config_double(c, "d") == 3.0);
    config_free(c);
    c = build_ok(&all_schema, "{'i': -9223372036854775808}");
    assert_true(sluice_config_int(c, "i") == INT64_MIN);
    config_free(c);
    c = build_ok(&all_schema, "{'i': 1000.0}");
    assert_int_equal(sluice_config_int(c, "i"), 1000);
    config_free(c);
}

static void test_durations_and_sizes(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int64_t dur, sz;
    } ok[] = {
        {"{'dur': 0, 'sz': 0}", 0, 0},
        {"{'dur': 250, 'sz': 512}", 250, 512},
        {"{'dur': '250ms', 'sz': '512B'}", 250, 512},
        {"{'dur': '5s', 'sz': '64KiB'}", 5000, 65536},
        {"{'dur': '2m', 'sz': '1GB'}", 120000, 1000000000},
        {"{'dur': '1h', 'sz': '1.5KiB'}", 3600000, 1536},
    };
    for (size_t i = 0; i < N_KEYS(ok); i++) {
        sluice_config *c = build_ok(&all_schema, ok[i].json);
        assert_int_equal(sluice_config_int(c, "dur"), ok[i].dur);
        assert_int_equal(sluice_config_int(c, "sz"), ok[i].sz);
        config_free(c);
    }
    const char *dmsg = "expected a duration (milliseconds, or a string with a unit: \"250ms\", \"5s\", \"2m\", \"1h\")";
    const char *smsg = "expected a size (bytes, or a string with a unit: \"512B\", \"64KiB\", \"5MiB\", \"1GB\")";
    static const char *const bad_dur[] = {"'5x'", "-5", "1.5", "'-5s'", "'1.5ms'", "true", "'5S'", "''"};
    static const char *const bad_sz[] = {"'5XB'", "-1", "0.5", "'0.5B'", "'5 MiB '", "[]"};
    static const char *const bad_dur_shown[] = {"\"5x\"", "-5", "1.5", "\"-5s\"", "\"1.5ms\"", "true", "\"5S\"", "\"\""};
    static const char *const bad_sz_shown[] = {"\"5XB\"", "-1", "0.5", "\"0.5B\"", "\"5 MiB \"", "an array"};
    char json[128], message[512];
    for (size_t i = 0; i < N_KEYS(bad_dur); i++) {
        snprintf(json, sizeof json, "{'dur': %s}", bad_dur[i]);
        snprintf(message, sizeof message, "stages[0].config.dur: %s, got %s", dmsg, bad_dur_shown[i]);
        expect_error(&all_schema, json, message);
    }
    for (size_t i = 0; i < N_KEYS(bad_sz); i++) {
        snprintf(json, sizeof json, "{'sz': %s}", bad_sz[i]);
        snprintf(message, sizeof message, "stages[0].config.sz: %s, got %s", smsg, bad_sz_shown[i]);
        expect_error(&all_schema, json, message);
    }
}

static void test_lists_refused(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{'tags': 'a'}", "stages[0].config.tags: expected a list of string, got \"a\""},
        {"{'tags': ['a', 2]}", "stages[0].config.tags[1]: expected a string, got 2"},
        {"{'nums': [0, 5, 11]}", "stages[0].config.nums[2]: must be between 0 and 10, got 11"},
        {"{'nums': [0.5]}", "stages[0].config.nums[0]: expected an integer, got 0.5"},
        {"{'fmts': ['json', 'jsno']}", "stages[0].config.fmts[1]: expected one of json, delimited, text, binary, got "
                                       "\"jsno\" (did you mean \"json\"?)"},
        {"{'waits': ['1s', '1y']}", "stages[0].config.waits[1]: expected a duration (milliseconds, or a string with a "
                                    "unit: \"250ms\", \"5s\", \"2m\", \"1h\"), got \"1y\""},
        {"{'fields': [{'name': 'a'}, {'name': 'b', 'type': 'strin'}]}",
         "stages[0].config.fields[1].type: expected one of string, int, double, sequence, got \"strin\" (did you mean "
         "\"string\"?)"},
        {"{'fields': [{'type': 'int'}]}", "stages[0].config.fields[0].name: required"},
        {"{'fields': [{'name': 'a'}, 5]}", "stages[0].config.fields[1]: expected an object, got 5"},
        {"{'fields': [{'name': 'a', 'nmae': 'b'}]}",
         "stages[0].config.fields[0].nmae: unknown key (did you mean \"name\"?); known keys: name, type"},
        {"{'fields': {'name': 'a'}}", "stages[0].config.fields: expected a list of object, got an object"},
    };
    for (size_t i = 0; i < N_KEYS(cases); i++)
        expect_error(&all_schema, cases[i].json, cases[i].message);
}

/* ---- keys: unknown, required, defaults -------------------------------- */

static const char *const presets[] = {"taxi", NULL};
static const sluice_config_key gen_keys[] = {
    KEY(.name = "preset", .type = SLUICE_CONFIG_ENUM, .enum_values = presets),
    KEY(.name = "records", .type = SLUICE_CONFIG_INT),
    KEY(.name = "batch_size", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .default_json = "1000",
        .min = 1, .max = 100000),
    KEY(.name = "stream", .type = SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED),
};
static const sluice_config_schema gen_schema = SCHEMA(gen_keys);

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_error(&gen_schema, "{'stream': 's', 'recrods': 5}",
                 "stages[0].config.recrods: unknown key (did you mean \"records\"?); known keys: preset, records, "
                 "batch_size, stream");
    expect_error(&gen_schema, "{'colour': 5}",
                 "stages[0].config.colour: unknown key; known keys: preset, records, batch_size, stream");
    /* Reported before the required key it may be a typo of. */
    expect_error(&gen_schema, "{'straem': 's'}",
                 "stages[0].config.straem: unknown key (did you mean \"stream\"?); known keys: preset, records, "
                 "batch_size, stream");
    static const sluice_config_schema none = {sizeof(sluice_config_schema), NULL, 0, NULL};
    expect_error(&none, "{'x': 1}", "stages[0].config.x: unknown key; this stage takes no config");
    expect_error(NULL, "{'x': 1}", "stages[0].config.x: unknown key; this stage takes no config");
    sluice_config *c = build_ok(&none, "{}");
    assert_false(sluice_config_has(c, "x"));
    config_free(c);
    expect_error(&gen_schema, "[1]", "stages[0].config: expected an object, got an array");
    /* Without a location, messages start with the key. */
    json_object *raw = parse("{'x': 1}");
    assert_null(config_build(&none, raw, NULL, err, sizeof err));
    assert_string_equal(err, "x: unknown key; this stage takes no config");
    json_object_put(raw);
}

static void test_required_and_defaults(void **state)
{
    (void)state;
    expect_error(&gen_schema, NULL, "stages[0].config.stream: required");
    expect_error(&gen_schema, "{'records': 5}", "stages[0].config.stream: required");
    sluice_config *c = build_ok(&gen_schema, "{'stream': 's'}");
    assert_true(sluice_config_has(c, "batch_size"));
    assert_int_equal(sluice_config_int(c, "batch_size"), 1000);
    assert_false(sluice_config_has(c, "records"));
    assert_false(sluice_config_has(c, "preset"));
    config_free(c);
    c = build_ok(&gen_schema, "{'stream': 's', 'batch_size': 7, 'records': 0}");
    assert_int_equal(sluice_config_int(c, "batch_size"), 7);
    assert_true(sluice_config_has(c, "records"));
    assert_int_equal(sluice_config_int(c, "records"), 0);
    config_free(c);
}

static const char *const modes[] = {"fast", "safe", NULL};
static const sluice_config_key default_keys[] = {
    KEY(.name = "format", .type = SLUICE_CONFIG_ENUM, .enum_values = formats, .default_json = "\"json\""),
    KEY(.name = "timeout", .type = SLUICE_CONFIG_DURATION, .default_json = "\"5s\""),
    KEY(.name = "buffer", .type = SLUICE_CONFIG_SIZE, .default_json = "\"1KiB\""),
    KEY(.name = "ratio", .type = SLUICE_CONFIG_DOUBLE, .default_json = "0.5"),
    KEY(.name = "follow", .type = SLUICE_CONFIG_BOOL, .default_json = "false"),
    KEY(.name = "names", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_STRING, .default_json = "[\"a\",\"b\"]"),
    KEY(.name = "modes", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_ENUM, .enum_values = modes,
        .default_json = "[]"),
    KEY(.name = "tls", .type = SLUICE_CONFIG_OBJECT, .object = &tls_schema, .default_json = "{}"),
    KEY(.name = "env", .type = SLUICE_CONFIG_MAP, .default_json = "{\"LANG\": \"C\"}"),
};
static const sluice_config_schema default_schema = SCHEMA(default_keys);

static void test_defaults_of_every_kind(void **state)
{
    (void)state;
    sluice_config *c = build_ok(&default_schema, "{}");
    assert_string_equal(sluice_config_string(c, "format"), "json");
    assert_int_equal(sluice_config_int(c, "timeout"), 5000);
    assert_int_equal(sluice_config_int(c, "buffer"), 1024);
    assert_true(sluice_config_double(c, "ratio") == 0.5);
    assert_true(sluice_config_has(c, "follow"));
    assert_false(sluice_config_bool(c, "follow"));
    assert_int_equal(sluice_config_list_count(c, "names"), 2);
    assert_string_equal(sluice_config_list_string(c, "names", 1), "b");
    assert_true(sluice_config_has(c, "modes"));
    assert_int_equal(sluice_config_list_count(c, "modes"), 0);
    const sluice_config *tls = sluice_config_object(c, "tls");
    assert_non_null(tls);
    assert_string_equal(sluice_config_location(tls), "stages[0].config.tls");
    assert_true(sluice_config_bool(tls, "verify"));
    assert_string_equal(sluice_config_map_value(c, "env", 0), "C");
    config_free(c);
    /* The operator's values win. */
    c = build_ok(&default_schema, "{'format': 'text', 'tls': {'verify': false}, 'follow': true}");
    assert_string_equal(sluice_config_string(c, "format"), "text");
    assert_false(sluice_config_bool(sluice_config_object(c, "tls"), "verify"));
    assert_true(sluice_config_bool(c, "follow"));
    config_free(c);
}

static void test_bad_defaults(void **state)
{
    (void)state;
    static const sluice_config_key not_json[] = {KEY(.name = "n", .type = SLUICE_CONFIG_INT, .default_json = "ten")};
    static const sluice_config_schema s1 = SCHEMA(not_json);
    expect_error(&s1, "{}", "stages[0].config.n: invalid default in the plugin's schema: ten is not JSON");
    static const sluice_config_key wrong_type[] = {
        KEY(.name = "n", .type = SLUICE_CONFIG_INT, .default_json = "\"x\"")};
    static const sluice_config_schema s2 = SCHEMA(wrong_type);
    expect_error(&s2, "{}",
                 "stages[0].config.n: invalid default in the plugin's schema (stages[0].config.n: expected an "
                 "integer, got \"x\")");
    /* A bad default is harmless while the operator sets the key. */
    sluice_config *c = build_ok(&s2, "{'n': 3}");
    assert_int_equal(sluice_config_int(c, "n"), 3);
    config_free(c);
}

/* ---- ranges ----------------------------------------------------------------- */

static const sluice_config_key range_keys[] = {
    KEY(.name = "batch_size", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .min = 1, .max = 100000),
    KEY(.name = "workers", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .min = 1, .max = (double)INT64_MAX),
    KEY(.name = "offset", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .min = (double)INT64_MIN, .max = 0),
    KEY(.name = "fraction", .type = SLUICE_CONFIG_DOUBLE, .flags = SLUICE_CONFIG_RANGE, .min = 0, .max = 1),
    KEY(.name = "timeout", .type = SLUICE_CONFIG_DURATION, .flags = SLUICE_CONFIG_RANGE, .min = 1000, .max = 60000),
    KEY(.name = "buffer", .type = SLUICE_CONFIG_SIZE, .flags = SLUICE_CONFIG_RANGE, .min = 4096, .max = 1e300),
};
static const sluice_config_schema range_schema = SCHEMA(range_keys);

static void test_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{'batch_size': 0}", "stages[0].config.batch_size: must be between 1 and 100000, got 0"},
        {"{'batch_size': 100001}", "stages[0].config.batch_size: must be between 1 and 100000, got 100001"},
        {"{'workers': 0}", "stages[0].config.workers: must be at least 1, got 0"},
        {"{'offset': 1}", "stages[0].config.offset: must be at most 0, got 1"},
        {"{'fraction': 1.5}", "stages[0].config.fraction: must be between 0 and 1, got 1.5"},
        {"{'fraction': -0.001}", "stages[0].config.fraction: must be between 0 and 1, got -0.001"},
        {"{'timeout': '10m'}", "stages[0].config.timeout: must be between 1000 and 60000 ms, got 600000 ms"},
        {"{'timeout': 999}", "stages[0].config.timeout: must be between 1000 and 60000 ms, got 999 ms"},
        {"{'buffer': '1KiB'}", "stages[0].config.buffer: must be at least 4096 bytes, got 1024 bytes"},
    };
    for (size_t i = 0; i < N_KEYS(cases); i++)
        expect_error(&range_schema, cases[i].json, cases[i].message);
    /* The bounds themselves are in range. */
    sluice_config *c = build_ok(&range_schema, "{'batch_size': 100000, 'workers': 1, 'offset': -5, 'fraction': 1, "
                                               "'timeout': '1s', 'buffer': '4KiB'}");
    assert_int_equal(sluice_config_int(c, "batch_size"), 100000);
    assert_int_equal(sluice_config_int(c, "timeout"), 1000);
    assert_int_equal(sluice_config_int(c, "buffer"), 4096);
    assert_true(sluice_config_double(c, "fraction") == 1.0);
    config_free(c);
    c = build_ok(&range_schema, "{'batch_size': 1, 'fraction': 0, 'timeout': 60000}");
    assert_int_equal(sluice_config_int(c, "batch_size"), 1);
    config_free(c);
}

/* ---- secrets ---------------------------------------------------------------- */

static const sluice_config_key secret_keys[] = {
    KEY(.name = "password", .type = SLUICE_CONFIG_SECRET),
    KEY(.name = "n", .type = SLUICE_CONFIG_INT),
    KEY(.name = "keys", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_SECRET),
};
static const sluice_config_schema secret_schema = SCHEMA(secret_keys);

/* A temporary file holding `content`; its path in path. */
static void write_temp(char *path, const char *content, size_t len)
{
    strcpy(path, "/tmp/sluice-test-secretXXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    close(fd);
}

static void expect_secret(const char *json, const char *value)
{
    sluice_config *c = build_ok(&secret_schema, json);
    assert_string_equal(sluice_config_string(c, "password"), value);
    config_free(c);
}

static void test_secret_sources(void **state)
{
    (void)state;
    expect_secret("{'password': 'plain text'}", "plain text");
    expect_secret("{'password': ''}", "");
    expect_secret("{'password': 'a${env:X}'}", "a${env:X}"); /* a reference only as the whole value */
    setenv("SLUICE_TEST_SECRET", "hunter2", 1);
    expect_secret("{'password': '${env:SLUICE_TEST_SECRET}'}", "hunter2");
    setenv("SLUICE_TEST_EMPTY", "", 1);
    expect_secret("{'password': '${env:SLUICE_TEST_EMPTY}'}", "");
    unsetenv("SLUICE_TEST_UNSET");
    expect_error(&secret_schema, "{'password': '${env:SLUICE_TEST_UNSET}'}",
                 "stages[0].config.password: environment variable SLUICE_TEST_UNSET is not set");

    static const struct {
        const char *content, *value;
    } files[] = {
        {"s3cr3t\n", "s3cr3t"}, {"pw\r\n", "pw"}, {"pw\n\n", "pw\n"}, {"no newline", "no newline"}, {"", ""},
        {"\n", ""},             {"a\rb\r", "a\rb\r"},
    };
    for (size_t i = 0; i < N_KEYS(files); i++) {
        char path[64], json[128];
        write_temp(path, files[i].content, strlen(files[i].content));
        snprintf(json, sizeof json, "{'password': '${file:%s}'}", path);
        expect_secret(json, files[i].value);
        unlink(path);
    }
    expect_error(&secret_schema, "{'password': '${file:/nonexistent/secret}'}",
                 "stages[0].config.password: cannot read secret file /nonexistent/secret: No such file or directory");
    char path[64], json[128], message[256];
    write_temp(path, "a\0b", 3);
    snprintf(json, sizeof json, "{'password': '${file:%s}'}", path);
    snprintf(message, sizeof message, "stages[0].config.password: secret file %s contains a NUL byte", path);
    expect_error(&secret_schema, json, message);
    unlink(path);
}

static void test_secret_malformed(void **state)
{
    (void)state;
    const char *ref = "stages[0].config.password: a secret starting with \"${\" must be exactly ${env:NAME} or "
                      "${file:PATH}";
    expect_error(&secret_schema, "{'password': '${ENV:X}'}", ref);
    expect_error(&secret_schema, "{'password': '${env:X'}", ref);
    expect_error(&secret_schema, "{'password': '${secret:x}'}", ref);
    expect_error(&secret_schema, "{'password': '${env:A-B}'}",
                 "stages[0].config.password: ${env:...} needs a variable name (letters, digits and '_')");
    expect_error(&secret_schema, "{'password': '${env:}'}",
                 "stages[0].config.password: ${env:...} needs a variable name (letters, digits and '_')");
    expect_error(&secret_schema, "{'password': '${file:}'}", "stages[0].config.password: ${file:...} needs a path");
}

static void test_secret_never_in_messages(void **state)
{
    (void)state;
    /* A mistyped secret shows its kind, not its value. */
    expect_error(&secret_schema, "{'password': 123456}", "stages[0].config.password: expected a string, got a number");
    expect_error(&secret_schema, "{'keys': ['k1', 987654]}", "stages[0].config.keys[1]: expected a string, got a number");
    /* A resolved secret followed by a mistake elsewhere. */
    setenv("SLUICE_TEST_SECRET", "hunter2", 1);
    expect_error(&secret_schema, "{'password': '${env:SLUICE_TEST_SECRET}', 'n': 'x'}",
                 "stages[0].config.n: expected an integer, got \"x\"");
    assert_null(strstr(err, "hunter2"));
    char path[64], json[160];
    write_temp(path, "t0ps3cr3t\n", 10);
    snprintf(json, sizeof json, "{'password': '${file:%s}', 'keys': ['literal-key', '${env:SLUICE_TEST_UNSET}']}", path);
    unsetenv("SLUICE_TEST_UNSET");
    expect_error(&secret_schema, json, "stages[0].config.keys[1]: environment variable SLUICE_TEST_UNSET is not set");
    assert_null(strstr(err, "t0ps3cr3t"));
    assert_null(strstr(err, "literal-key"));
    unlink(path);
}

/* ---- the stage's check ------------------------------------------------------ */

static int check_calls;

/* Refuses a timeout under a second (it reads the converted ms) unless
 * "quiet" asks for no reason, and writes two lines when "lines" is set. */
static int check_timeout(const sluice_config *config, char *why, size_t size)
{
    check_calls++;
    if (sluice_config_int(config, "timeout") >= 1000)
        return SLUICE_OK;
    if (sluice_config_bool(config, "quiet"))
        return SLUICE_ERROR;
    snprintf(why, size, sluice_config_bool(config, "lines") ? "timeout: too short\nraise it" : "timeout: too short");
    return SLUICE_ERROR;
}

static const sluice_config_key check_keys[] = {
    KEY(.name = "timeout", .type = SLUICE_CONFIG_DURATION, .default_json = "\"1s\""),
    KEY(.name = "quiet", .type = SLUICE_CONFIG_BOOL),
    KEY(.name = "lines", .type = SLUICE_CONFIG_BOOL),
};
static const sluice_config_schema check_schema = {sizeof(sluice_config_schema), check_keys, N_KEYS(check_keys),
                                                  check_timeout};
static const sluice_config_key outer_keys[] = {
    KEY(.name = "inner", .type = SLUICE_CONFIG_OBJECT, .object = &check_schema),
};
static const sluice_config_schema outer_schema = SCHEMA(outer_keys);

static void test_check_callback(void **state)
{
    (void)state;
    check_calls = 0;
    sluice_config *c = build_ok(&check_schema, "{'timeout': '2s'}");
    assert_int_equal(check_calls, 1);
    config_free(c);
    c = build_ok(&check_schema, NULL); /* sees the default */
    assert_int_equal(check_calls, 2);
    config_free(c);
    expect_error(&check_schema, "{'timeout': '0.5s'}", "stages[0].config.timeout: too short");
    expect_error(&check_schema, "{'timeout': 5, 'lines': true}", "stages[0].config.timeout: too short raise it");
    expect_error(&check_schema, "{'timeout': 5, 'quiet': true}",
                 "stages[0].config: refused by the stage (it gave no reason)");
    expect_error(&outer_schema, "{'inner': {'timeout': 1}}", "stages[0].config.inner.timeout: too short");
    /* Not called when a key already failed. */
    check_calls = 0;
    expect_error(&check_schema, "{'timeout': 'x'}",
                 "stages[0].config.timeout: expected a duration (milliseconds, or a string with a unit: \"250ms\", "
                 "\"5s\", \"2m\", \"1h\"), got \"x\"");
    assert_int_equal(check_calls, 0);
}

/* ---- a plugin built with older, smaller structs --------------------------- */

/* sluice_config_key as an older SDK had it: up to `help`. */
typedef struct old_key {
    size_t struct_size;
    const char *name;
    sluice_config_type type;
    unsigned flags;
    const char *default_json;
    const char *help;
} old_key;

/* The keys, followed by bytes that are not zero: a core reading past an
 * old key's size would see them as enum_values, object, min and max. */
static const struct {
    old_key keys[3];
    char garbage[sizeof(sluice_config_key)];
} old_table = {
    {
        {sizeof(old_key), "name", SLUICE_CONFIG_STRING, SLUICE_CONFIG_REQUIRED | SLUICE_CONFIG_RANGE, NULL, "Name."},
        {sizeof(old_key), "count", SLUICE_CONFIG_INT, SLUICE_CONFIG_RANGE, "7", NULL},
        {sizeof(old_key), "verbose", SLUICE_CONFIG_BOOL, 0, NULL, NULL},
    },
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01",
};

/* sluice_config_schema before `check`, followed by a check pointer that
 * must never be called. */
typedef struct old_schema {
    size_t struct_size;
    const sluice_config_key *keys;
    size_t n_keys;
} old_schema;

static int must_not_run(const sluice_config *config, char *why, size_t size)
{
    (void)config;
    snprintf(why, size, "name: the check of a newer struct ran");
    return SLUICE_ERROR;
}

static const struct {
    old_schema schema;
    int (*garbage)(const sluice_config *, char *, size_t);
} old_plugin = {
    {sizeof(old_schema), (const sluice_config_key *)(const void *)&old_table.keys, 3},
    must_not_run,
};

static void test_old_struct_sizes(void **state)
{
    (void)state;
    const sluice_config_schema *schema = (const sluice_config_schema *)(const void *)&old_plugin.schema;
    sluice_config_key key;
    config_schema_key(schema, 1, &key);
    assert_string_equal(key.name, "count");
    assert_int_equal(key.type, SLUICE_CONFIG_INT);
    assert_string_equal(key.default_json, "7");
    config_schema_key(schema, 2, &key);
    assert_string_equal(key.name, "verbose");
    assert_null(key.enum_values);
    assert_int_equal(key.item_type, 0);
    assert_null(key.object);
    assert_true(key.min == 0.0 && key.max == 0.0);
    config_schema_key(schema, 3, &key); /* past the end: all zero */
    assert_null(key.name);

    /* RANGE with min = max = 0 (zero-filled): a non-zero count is refused,
     * which shows max was not read from the garbage after the key. */
    sluice_config *c = build(schema, "{'name': 'x', 'count': 0, 'verbose': true}");
    assert_non_null(c);
    assert_string_equal(sluice_config_string(c, "name"), "x");
    assert_int_equal(sluice_config_int(c, "count"), 0);
    assert_true(sluice_config_bool(c, "verbose"));
    config_free(c);
    expect_error(schema, "{'name': 'x'}",
                 "stages[0].config.count: invalid default in the plugin's schema (stages[0].config.count: must be "
                 "between 0 and 0, got 7)");
    expect_error(schema, "{'count': 0}", "stages[0].config.name: required");
}

static void test_invalid_plugin_schemas(void **state)
{
    (void)state;
    static const sluice_config_key enum_no_values[] = {KEY(.name = "e", .type = SLUICE_CONFIG_ENUM)};
    static const sluice_config_schema s1 = SCHEMA(enum_no_values);
    expect_error(&s1, "{'e': 'a'}", "stages[0].config.e: invalid schema in the plugin: an enum without enum_values");
    static const sluice_config_key object_no_schema[] = {KEY(.name = "o", .type = SLUICE_CONFIG_OBJECT)};
    static const sluice_config_schema s2 = SCHEMA(object_no_schema);
    expect_error(&s2, "{'o': {}}", "stages[0].config.o: invalid schema in the plugin: an object without a nested schema");
    static const sluice_config_key list_of_lists[] = {
        KEY(.name = "l", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_LIST)};
    static const sluice_config_schema s3 = SCHEMA(list_of_lists);
    expect_error(&s3, "{'l': []}",
                 "stages[0].config.l: invalid schema in the plugin: a list's item_type must be a scalar, an enum or "
                 "an object");
    static const sluice_config_key bad_type[] = {KEY(.name = "t", .type = (sluice_config_type)99)};
    static const sluice_config_schema s4 = SCHEMA(bad_type);
    expect_error(&s4, "{'t': 1}", "stages[0].config.t: invalid schema in the plugin: unknown type 99");
    static const sluice_config_key no_name[] = {KEY(.type = SLUICE_CONFIG_INT)};
    static const sluice_config_schema s5 = SCHEMA(no_name);
    expect_error(&s5, "{}", "stages[0].config: invalid schema in the plugin: key 0 has no name");
    static const sluice_config_key tiny[] = {{.struct_size = 4, .name = "x"}};
    static const sluice_config_schema s6 = SCHEMA(tiny);
    expect_error(&s6, "{}", "stages[0].config: invalid schema in the plugin: key struct_size 4 is too small");
    static const sluice_config_schema s7 = {8, NULL, 0, NULL};
    expect_error(&s7, "{}", "stages[0].config: invalid schema in the plugin: struct_size 8 is too small");
}

/* ---- units and suggestions --------------------------------------------- */

static void test_parse_duration(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long long ms;
    } ok[] = {
        {"0", 0},           {"250", 250},         {"250ms", 250},
        {"5s", 5000},       {"2m", 120000},       {"1h", 3600000},
        {"1.5s", 1500},     {"0.5m", 30000},      {"1.50s", 1500},
        {"0.001s", 1},      {"5 s", 5000},        {"1.0", 1},
        {"007s", 7000},     {"9223372036854775807", 9223372036854775807LL},
        {"2562047788015h", 2562047788015LL * 3600000LL},
    };
    for (size_t i = 0; i < N_KEYS(ok); i++) {
        long long ms = -1;
        assert_int_equal(config_parse_duration(ok[i].text, &ms), 0);
        assert_true(ms == ok[i].ms);
    }
    static const char *const bad[] = {"",     "-5s",  "+5s",   "5S",     "5sec",  " 5s", "5s ",  ".5s",
                                      "5.s",  "1e3",  "1.5ms", "0.0001s", "5ss",  "s",    "5 ",    "9223372036854775808",
                                      "2562047788016h", "18446744073709551616", "1.5", "5d", "5 M"};
    for (size_t i = 0; i < N_KEYS(bad); i++) {
        long long ms = 42;
        if (config_parse_duration(bad[i], &ms) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_true(ms == 42);
    }
    long long ms;
    assert_int_equal(config_parse_duration(NULL, &ms), -1);
}

static void test_parse_size(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long long bytes;
    } ok[] = {
        {"0", 0},
        {"512", 512},
        {"512B", 512},
        {"1KB", 1000},
        {"1kB", 1000},
        {"1kb", 1000},
        {"1KiB", 1024},
        {"1kib", 1024},
        {"5MiB", 5LL << 20},
        {"1MB", 1000000},
        {"1GB", 1000000000},
        {"1GiB", 1LL << 30},
        {"2TB", 2000000000000LL},
        {"1TiB", 1LL << 40},
        {"1.5KiB", 1536},
        {"0.5KB", 500},
        {"2.25GiB", (9LL << 30) / 4},
        {"64 KiB", 65536},
        {"9223372036854775807B", 9223372036854775807LL},
        {"8388607TiB", 8388607LL << 40},
    };
    for (size_t i = 0; i < N_KEYS(ok); i++) {
        long long bytes = -1;
        if (config_parse_size(ok[i].text, &bytes) != 0)
            fail_msg("\"%s\" was refused", ok[i].text);
        assert_true(bytes == ok[i].bytes);
    }
    static const char *const bad[] = {"",     "-1",   "-1KB", "5XB",   "0.5B",  "0.3KiB", "1.5",  "KB",
                                      "1 KB ", "1e3", "8EiB", "8388608TiB", "9223372036854775808", "1,5KB", "1b2"};
    for (size_t i = 0; i < N_KEYS(bad); i++) {
        long long bytes = 42;
        if (config_parse_size(bad[i], &bytes) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_true(bytes == 42);
    }
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const keys[] = {"records", "batch_size", "preset", "fields", "id", NULL};
    assert_string_equal(suggest_closest("recrods", keys), "records"); /* a swap is one edit */
    assert_string_equal(suggest_closest("record", keys), "records");
    assert_string_equal(suggest_closest("batchsize", keys), "batch_size");
    assert_string_equal(suggest_closest("batch-sise", keys), "batch_size"); /* 2 edits, 10 letters */
    assert_string_equal(suggest_closest("ID", keys), "id");                 /* case is free */
    assert_string_equal(suggest_closest("Preset", keys), "preset");
    assert_null(suggest_closest("colour", keys));
    assert_null(suggest_closest("ab", keys));     /* 2 letters: 1 edit at most, "id" is 2 */
    assert_null(suggest_closest("prest_x", keys)); /* 7 letters: 2 edits at most, this is 3 */
    assert_string_equal(suggest_closest("prset", keys), "preset");
    assert_null(suggest_closest("x", NULL));
    assert_null(suggest_closest(NULL, keys));
    static const char *const none[] = {NULL};
    assert_null(suggest_closest("x", none));
    /* The first of equally close candidates. */
    static const char *const tie[] = {"cat", "bat", NULL};
    assert_string_equal(suggest_closest("hat", tie), "cat");
}

/* ---- describe --------------------------------------------------------------- */

static const char *const two_formats[] = {"json", "text", NULL};
static const sluice_config_key describe_keys[] = {
    KEY(.name = "records", .type = SLUICE_CONFIG_INT, .help = "Stop after this many records."),
    KEY(.name = "batch_size", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .default_json = "1000",
        .help = "Records per batch.", .min = 1, .max = 100000),
    KEY(.name = "format", .type = SLUICE_CONFIG_ENUM, .flags = SLUICE_CONFIG_REQUIRED, .enum_values = two_formats,
        .help = "Data format."),
    KEY(.name = "tls", .type = SLUICE_CONFIG_OBJECT, .object = &tls_schema, .help = "TLS settings."),
    KEY(.name = "timeout", .type = SLUICE_CONFIG_DURATION, .flags = SLUICE_CONFIG_RANGE, .default_json = "\"5s\"",
        .min = 1, .max = 1e300),
    KEY(.name = "fields", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_OBJECT, .object = &field_schema),
};
static const sluice_config_schema describe_schema = SCHEMA(describe_keys);

static void test_describe_text(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    config_schema_print(&describe_schema, out, 2);
    fclose(out);
    assert_string_equal(text,
                        "  records     int             — Stop after this many records.\n"
                        "  batch_size  int             default: 1000  range: 1..100000 — Records per batch.\n"
                        "  format      enum            required  one of: json, text — Data format.\n"
                        "  tls         object          — TLS settings.\n"
                        "      verify  bool    default: true — Check the server's certificate.\n"
                        "      ca      string\n"
                        "  timeout     duration        default: \"5s\"  min: 1\n"
                        "  fields      list of object\n"
                        "      name  string  required\n"
                        "      type  enum    default: \"string\"  one of: string, int, double, sequence\n");
    free(text);
}

static void test_describe_json(void **state)
{
    (void)state;
    json_object *arr = config_schema_to_json(&describe_schema);
    assert_int_equal(json_object_array_length(arr), N_KEYS(describe_keys));
    assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(arr, 1), JSON_C_TO_STRING_PLAIN),
                        "{\"name\":\"batch_size\",\"type\":\"int\",\"required\":false,\"default\":1000,"
                        "\"help\":\"Records per batch.\",\"min\":1.0,\"max\":100000.0}");
    assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(arr, 2), JSON_C_TO_STRING_PLAIN),
                        "{\"name\":\"format\",\"type\":\"enum\",\"required\":true,\"help\":\"Data format.\","
                        "\"values\":[\"json\",\"text\"]}");
    assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(arr, 4), JSON_C_TO_STRING_PLAIN),
                        "{\"name\":\"timeout\",\"type\":\"duration\",\"required\":false,\"default\":\"5s\","
                        "\"min\":1.0}");
    assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(arr, 5), JSON_C_TO_STRING_PLAIN),
                        "{\"name\":\"fields\",\"type\":\"list\",\"item_type\":\"object\",\"required\":false,"
                        "\"keys\":[{\"name\":\"name\",\"type\":\"string\",\"required\":true},"
                        "{\"name\":\"type\",\"type\":\"enum\",\"required\":false,\"default\":\"string\","
                        "\"values\":[\"string\",\"int\",\"double\",\"sequence\"]}]}");
    json_object_put(arr);
    arr = config_schema_to_json(NULL);
    assert_int_equal(json_object_array_length(arr), 0);
    json_object_put(arr);
}

static void test_type_names(void **state)
{
    (void)state;
    static const char *const names[] = {"string", "int",  "double", "bool", "duration",   "size",
                                        "enum",   "list", "object", "map",  "expression", "secret"};
    for (int t = SLUICE_CONFIG_STRING; t <= SLUICE_CONFIG_SECRET; t++)
        assert_string_equal(config_type_name((sluice_config_type)t), names[t - 1]);
    assert_string_equal(config_type_name((sluice_config_type)0), "unknown");
    assert_string_equal(config_type_name((sluice_config_type)13), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_types_accepted),
        cmocka_unit_test(test_absent_keys_read_as_zero),
        cmocka_unit_test(test_wrong_getters_return_zero),
        cmocka_unit_test(test_scalars_refused),
        cmocka_unit_test(test_integers_accepted),
        cmocka_unit_test(test_durations_and_sizes),
        cmocka_unit_test(test_lists_refused),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_required_and_defaults),
        cmocka_unit_test(test_defaults_of_every_kind),
        cmocka_unit_test(test_bad_defaults),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_secret_sources),
        cmocka_unit_test(test_secret_malformed),
        cmocka_unit_test(test_secret_never_in_messages),
        cmocka_unit_test(test_check_callback),
        cmocka_unit_test(test_old_struct_sizes),
        cmocka_unit_test(test_invalid_plugin_schemas),
        cmocka_unit_test(test_parse_duration),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_describe_text),
        cmocka_unit_test(test_describe_json),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
