/* tests/unit/expr_helpers.h — what the test_expr_* tests share: a sample
 * record, and run(), which compiles and evaluates an expression through
 * the SDK and describes the outcome in one string:
 *   "int 3", "double 2.5", "string abc", "bool true", "null ",
 *   "datetime 2013-01-13T04:36:00Z", "list [...]",
 *   "compile error: column 3: ...", "eval error: expression ..., column 3: ..." */
#ifndef TESTS_UNIT_EXPR_HELPERS_H
#define TESTS_UNIT_EXPR_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sluice/expr.h>
#include <sluice/format.h>
#include <sluice/record.h>

#include "arena.h"
#include "expr/expr.h"
#include "record/record_impl.h"

/* 2013-01-13T04:36:00.123Z */
#define SAMPLE_DATETIME_US INT64_C(1358051760123000)

static arena *helper_arena;
static sluice_batch *helper_batch;
static sluice_record *helper_record;
static sluice_expr_ctx *helper_ctx;
static char helper_out[2048];

static inline void sample_put(const char *key, sluice_field *f)
{
    sluice_map_put(helper_batch, sluice_record_root(helper_record), key, strlen(key), f);
}

static inline sluice_record *sample_build(sluice_batch *b)
{
    sluice_record *r = sluice_record_new(b, NULL);
    helper_record = r;
    sample_put("s", sluice_field_new_string(b, "abc", 3));
    sample_put("n", sluice_field_new_int(b, 5));
    sample_put("neg", sluice_field_new_int(b, -7));
    sample_put("d", sluice_field_new_double(b, 2.5));
    sample_put("ns", sluice_field_new_string(b, "12", 2));
    sample_put("nd", sluice_field_new_string(b, "1.5", 3));
    sample_put("b", sluice_field_new_bool(b, true));
    sample_put("nul", sluice_field_new_null(b));
    sample_put("empty", sluice_field_new_string(b, "", 0));
    sluice_field *list = sluice_field_new_list(b, 2);
    sluice_list_append(b, list, sluice_field_new_int(b, 1));
    sluice_list_append(b, list, sluice_field_new_int(b, 2));
    sample_put("list", list);
    sample_put("emptylist", sluice_field_new_list(b, 0));
    sluice_field *map = sluice_field_new_map(b, 1);
    sluice_map_put(b, map, "k", 1, sluice_field_new_string(b, "v", 1));
    sample_put("map", map);
    sample_put("dec", sluice_field_new_decimal(b, 1250, 2));
    sample_put("dt", sluice_field_new_datetime(b, SAMPLE_DATETIME_US));
    sample_put("bytes", sluice_field_new_bytes(b, "hi", 2));
    sample_put("nobytes", sluice_field_new_bytes(b, "", 0));
    sample_put("up", sluice_field_new_string(b, "Hello World", 11));
    sample_put("sp", sluice_field_new_string(b, " \t pad \n", 8));
    sample_put("u", sluice_field_new_string(b, "h\xc3\xa9llo w\xc3\xb6rld", 13));
    sample_put("csv", sluice_field_new_string(b, "a,b,,c,,", 8));
    sample_put("odd key", sluice_field_new_string(b, "odd", 3));
    sample_put("t", sluice_field_new_string(b, "TRUE", 4));
    sluice_record_set_attribute(b, r, "kinesis.shardId", "shard-1");
    sluice_record_set_attribute(b, r, "sluice.record_id", "rec-1");
    return r;
}

static inline int expr_setup(void **state)
{
    (void)state;
    helper_arena = arena_new(0);
    helper_batch = batch_new(helper_arena);
    sample_build(helper_batch);
    helper_ctx = expr_ctx_new("taxi-pipeline");
    expr_ctx_set_now(helper_ctx, SAMPLE_DATETIME_US);
    return 0;
}

static inline int expr_teardown(void **state)
{
    (void)state;
    sluice_expr_ctx_free(helper_ctx);
    batch_free(helper_batch);
    arena_free(helper_arena);
    return 0;
}

/* The outcome of evaluating `text` against the sample record (or no
 * record when with_record is false), as described above. */
static inline const char *run_on(const char *text, bool with_record)
{
    char err[512];
    sluice_expr *e = expr_compile(text, err, sizeof err);
    if (!e) {
        snprintf(helper_out, sizeof helper_out, "compile error: %s", err);
        return helper_out;
    }
    const sluice_record *r = with_record ? helper_record : NULL;
    sluice_field *f;
    if (sluice_expr_eval_field(e, helper_ctx, r, helper_batch, &f) != SLUICE_OK) {
        snprintf(helper_out, sizeof helper_out, "eval error: %s", sluice_expr_ctx_error(helper_ctx));
        expr_free(e);
        return helper_out;
    }
    sluice_type t = sluice_field_type(f);
    if (t == SLUICE_LIST || t == SLUICE_MAP || t == SLUICE_BYTES) {
        sluice_buf *buf = sluice_buf_new();
        sluice_json_write_field(buf, f);
        snprintf(helper_out, sizeof helper_out, "%s %.*s", sluice_type_name(t), (int)sluice_buf_len(buf),
                 sluice_buf_data(buf));
        sluice_buf_free(buf);
    } else {
        const char *s;
        size_t len;
        if (sluice_expr_eval_string(e, helper_ctx, r, helper_batch, &s, &len) != SLUICE_OK)
            snprintf(helper_out, sizeof helper_out, "eval error: %s", sluice_expr_ctx_error(helper_ctx));
        else
            snprintf(helper_out, sizeof helper_out, "%s %.*s", sluice_type_name(t), (int)len, s);
    }
    expr_free(e);
    return helper_out;
}

static inline const char *run(const char *text)
{
    return run_on(text, true);
}

/* A table of expressions and their outcomes, checked in one test so that a
 * failure names the expression. */
typedef struct expr_case {
    const char *text;
    const char *want;
} expr_case;

static inline void check_cases(const expr_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = run(cases[i].text);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s\n  want: %s\n  got:  %s", cases[i].text, cases[i].want, got);
    }
}

#define CHECK_CASES(cases) check_cases(cases, sizeof(cases) / sizeof((cases)[0]))

#endif
