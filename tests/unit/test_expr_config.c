/* tests/unit/test_expr_config.c — the config schema's expression type:
 * compiled when the config is built (so `sluice validate` reports syntax
 * errors with the location and the column), reachable from the SDK for a
 * key, a list item and a nested object's key, and evaluated with a
 * context made from a stage context. */
#include "config.h"

#include "expr_helpers.h"

#include <json-c/json.h>

#include "config/schema.h"
#include "pipeline/stage_ctx.h"

#define KEY(...) {.struct_size = sizeof(sluice_config_key), __VA_ARGS__}
#define N_KEYS(keys) (sizeof(keys) / sizeof((keys)[0]))
#define SCHEMA(keys) {sizeof(sluice_config_schema), keys, N_KEYS(keys), NULL}

static const sluice_config_key route_keys[] = {
    KEY(.name = "when", .type = SLUICE_CONFIG_EXPRESSION, .flags = SLUICE_CONFIG_REQUIRED),
    KEY(.name = "output", .type = SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED),
};
static const sluice_config_schema route_schema = SCHEMA(route_keys);

static const sluice_config_key keys[] = {
    KEY(.name = "key", .type = SLUICE_CONFIG_EXPRESSION, .default_json = "\"${record:value('/s')}\""),
    KEY(.name = "conditions", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_EXPRESSION),
    KEY(.name = "routes", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_OBJECT, .object = &route_schema),
    KEY(.name = "name", .type = SLUICE_CONFIG_STRING),
};
static const sluice_config_schema schema = SCHEMA(keys);

static char err[1024];

/* Builds a config from JSON written with ` for " (readability). */
static sluice_config *build(const char *json_text)
{
    char *text = strdup(json_text);
    for (char *p = text; *p; p++)
        if (*p == '`')
            *p = '"';
    json_object *raw = json_tokener_parse(text);
    free(text);
    assert_non_null(raw);
    err[0] = '\0';
    sluice_config *c = config_build(&schema, raw, "stages[2].config", err, sizeof err);
    json_object_put(raw);
    return c;
}

static void test_compiled_at_build(void **state)
{
    (void)state;
    sluice_config *c = build("{`conditions`: [`${record:value('/n') > 3}`, `${true}`],"
                             " `routes`: [{`when`: `${record:value('/s') == 'abc'}`, `output`: `yes`}],"
                             " `name`: `x`}");
    assert_non_null(c);
    /* The default is compiled as well. */
    const sluice_expr *key = sluice_config_expression(c, "key");
    assert_non_null(key);
    assert_string_equal(sluice_expr_text(key), "${record:value('/s')}");
    assert_string_equal(sluice_config_string(c, "key"), "${record:value('/s')}");
    assert_int_equal(sluice_config_list_count(c, "conditions"), 2);
    assert_non_null(sluice_config_list_expression(c, "conditions", 0));
    assert_non_null(sluice_config_list_expression(c, "conditions", 1));
    assert_null(sluice_config_list_expression(c, "conditions", 2));
    assert_string_equal(sluice_config_list_string(c, "conditions", 1), "${true}");
    const sluice_config *route = sluice_config_list_object(c, "routes", 0);
    assert_non_null(sluice_config_expression(route, "when"));
    /* Other types, absent keys, NULL configs. */
    assert_null(sluice_config_expression(c, "name"));
    assert_null(sluice_config_expression(c, "nope"));
    assert_null(sluice_config_expression(NULL, "key"));
    assert_null(sluice_config_list_expression(c, "routes", 0));
    assert_null(sluice_config_list_expression(c, "name", 0));

    /* Evaluated with a context made from the stage's. */
    offset_map none = {0};
    sluice_stage_ctx stage;
    stage_ctx_init(&stage, "route", "taxi", &none);
    sluice_expr_ctx *ctx = sluice_expr_ctx_new(&stage);
    bool b;
    assert_int_equal(sluice_expr_eval_bool(sluice_config_list_expression(c, "conditions", 0), ctx, helper_record, &b),
                     SLUICE_OK);
    assert_true(b);
    assert_int_equal(sluice_expr_eval_bool(sluice_config_expression(route, "when"), ctx, helper_record, &b), SLUICE_OK);
    assert_true(b);
    const char *s;
    assert_int_equal(sluice_expr_eval_string(key, ctx, helper_record, helper_batch, &s, NULL), SLUICE_OK);
    assert_string_equal(s, "abc");
    sluice_expr_ctx_free(ctx);
    config_free(c);
}

static void test_pipeline_name_from_stage(void **state)
{
    (void)state;
    offset_map none = {0};
    sluice_stage_ctx stage;
    stage_ctx_init(&stage, "route", "my-pipeline", &none);
    sluice_expr_ctx *ctx = sluice_expr_ctx_new(&stage);
    sluice_expr *e = expr_compile("${pipeline:name()}", err, sizeof err);
    const char *s;
    assert_int_equal(sluice_expr_eval_string(e, ctx, NULL, helper_batch, &s, NULL), SLUICE_OK);
    assert_string_equal(s, "my-pipeline");
    expr_free(e);
    sluice_expr_ctx_free(ctx);
    /* Without a stage: an empty name. */
    ctx = sluice_expr_ctx_new(NULL);
    e = expr_compile("${pipeline:name()}", err, sizeof err);
    assert_int_equal(sluice_expr_eval_string(e, ctx, NULL, helper_batch, &s, NULL), SLUICE_OK);
    assert_string_equal(s, "");
    assert_string_equal(sluice_expr_ctx_error(ctx), "");
    assert_string_equal(sluice_expr_ctx_error(NULL), "");
    expr_free(e);
    sluice_expr_ctx_free(ctx);
    sluice_expr_ctx_free(NULL);
}

/* Syntax errors carry the location, then the column in the value. */
static void test_located_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{`key`: `${record:value('/a') ==}`}",
         "stages[2].config.key: column 24: expected a value (a literal, a function call or '('), got '}'"},
        {"{`conditions`: [`${true}`, `x ${str:nope()}`]}",
         "stages[2].config.conditions[1]: column 5: unknown function 'str:nope'"},
        {"{`routes`: [{`when`: `${true}`, `output`: `a`}, {`when`: `${1 +* 2}`, `output`: `b`}]}",
         "stages[2].config.routes[1].when: column 6: expected a value (a literal, a function call or '('), got '*'"},
        {"{`routes`: [{`when`: `${record:value('a')}`, `output`: `a`}]}",
         "stages[2].config.routes[0].when: column 17: invalid field path 'a': expected '/' or '['"},
        {"{`key`: 5}", "stages[2].config.key: expected a string, got 5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sluice_config *c = build(cases[i].json);
        if (c)
            fail_msg("%s: built", cases[i].json);
        if (strcmp(err, cases[i].want) != 0)
            fail_msg("%s\n  want: %s\n  got:  %s", cases[i].json, cases[i].want, err);
    }
}

/* A plugin whose default expression does not compile: the plugin's bug. */
static void test_bad_default(void **state)
{
    (void)state;
    static const sluice_config_key bad_keys[] = {
        KEY(.name = "when", .type = SLUICE_CONFIG_EXPRESSION, .default_json = "\"${1 +}\""),
    };
    static const sluice_config_schema bad = SCHEMA(bad_keys);
    json_object *raw = json_tokener_parse("{}");
    assert_null(config_build(&bad, raw, "stages[0].config", err, sizeof err));
    assert_string_equal(err, "stages[0].config.when: invalid default in the plugin's schema (stages[0].config.when: "
                             "column 6: expected a value (a literal, a function call or '('), got '}')");
    json_object_put(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_at_build),
        cmocka_unit_test(test_pipeline_name_from_stage),
        cmocka_unit_test(test_located_errors),
        cmocka_unit_test(test_bad_default),
    };
    return cmocka_run_group_tests(tests, expr_setup, expr_teardown);
}
