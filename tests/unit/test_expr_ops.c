/* tests/unit/test_expr_ops.c — the operators of the expression language
 * and the JSP 2.1 EL coercion rules they apply (§1.7 arithmetic, §1.8
 * comparisons, §1.9-1.10 logic, §1.18 coercions), through the SDK. */
#include "config.h"

#include "expr_helpers.h"

static void test_literals(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${1}", "int 1"},
        {"${9223372036854775807}", "int 9223372036854775807"},
        {"${2.5}", "double 2.5"},
        {"${.5}", "double 0.5"},
        {"${1e3}", "double 1000.0"},
        {"${1E-4}", "double 1.0E-4"},
        {"${1.5e10}", "double 1.5E10"},
        {"${'it''s'}", "compile error: column 7: expected '}' or an operator, got a string"},
        {"${'a\\'b'}", "string a'b"},
        {"${\"say \\\"hi\\\"\"}", "string say \"hi\""},
        {"${'back\\\\slash'}", "string back\\slash"},
        {"${'\\d+'}", "string \\d+"},
        {"${true}", "bool true"},
        {"${false}", "bool false"},
        {"${null}", "null "},
        {"${'}'}", "string }"},
        {"plain text", "string plain text"},
        {"", "string "},
        {"card_${record:value('/s')}", "string card_abc"},
        {"${record:value('/n')}-${record:value('/d')}", "string 5-2.5"},
        {"a${1}b${2}c", "string a1b2c"},
        {"cost: \\${x}", "string cost: ${x}"},
        {"${ 1 }", "int 1"},
        {"${(((1)))}", "int 1"},
        {"${STRING}", "string STRING"},
    };
    CHECK_CASES(cases);
}

/* §1.7: + - * on Longs stay Long; a Double, a DECIMAL or a string with
 * '.', 'e', 'E' makes Double; / is always Double; null is 0. */
static void test_arithmetic(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${1 + 2}", "int 3"},
        {"${5 - 7}", "int -2"},
        {"${6 * 7}", "int 42"},
        {"${7 / 2}", "double 3.5"},
        {"${6 / 3}", "double 2.0"},
        {"${7 div 2}", "double 3.5"},
        {"${7 % 3}", "int 1"},
        {"${-7 % 3}", "int -1"},
        {"${7 mod 3}", "int 1"},
        {"${7.5 % 2}", "double 1.5"},
        {"${1 + 2.5}", "double 3.5"},
        {"${0.1 + 0.2}", "double 0.30000000000000004"},
        {"${1 + 2 * 3}", "int 7"},
        {"${(1 + 2) * 3}", "int 9"},
        {"${10 - 2 - 3}", "int 5"},
        {"${2 * 3 % 4}", "int 2"},
        {"${1 / 0}", "double Infinity"},
        {"${-1 / 0}", "double -Infinity"},
        {"${0 / 0}", "double NaN"},
        {"${1 % 0}", "eval error: expression \"${1 % 0}\", column 5: division by zero in '%' (mod)"},
        {"${1.0 % 0}", "double NaN"},
        {"${9223372036854775807 + 1}", "int -9223372036854775808"},
        /* Strings are numbers in arithmetic: + is never concatenation. */
        {"${'1' + '2'}", "int 3"},
        {"${'1' + 2}", "int 3"},
        {"${'1.5' + 1}", "double 2.5"},
        {"${'1e1' + 1}", "double 11.0"},
        {"${' 1.5 ' + 1}", "double 2.5"},
        {"${record:value('/ns') * 2}", "int 24"},
        {"${record:value('/nd') * 2}", "double 3.0"},
        {"${record:value('/n') + record:value('/d')}", "double 7.5"},
        {"${record:value('/dec') + 1}", "double 13.5"},
        {"${null + null}", "int 0"},
        {"${null + 1}", "int 1"},
        {"${null * 2.5}", "double 0.0"},
        {"${'' + 1}", "int 1"},
        {"${record:value('/missing') + 1}", "int 1"},
        {"${'abc' + 1}", "eval error: expression \"${'abc' + 1}\", column 9: cannot convert \"abc\" to a number"},
        {"${'1.5x' + 1}", "eval error: expression \"${'1.5x' + 1}\", column 10: cannot convert \"1.5x\" to a number"},
        {"${true + 1}", "eval error: expression \"${true + 1}\", column 8: cannot convert a boolean to a number"},
        {"${record:value('/list') + 1}",
         "eval error: expression \"${record:value('/list') + 1}\", column 25: cannot convert a list to a number"},
        {"${record:value('/dt') - 1}",
         "eval error: expression \"${record:value('/dt') - 1}\", column 23: cannot convert a datetime to a number"},
    };
    CHECK_CASES(cases);
}

static void test_unary(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${-5}", "int -5"},
        {"${- -5}", "int 5"},
        {"${-2.5}", "double -2.5"},
        {"${-'3'}", "int -3"},
        {"${-'3.5'}", "double -3.5"},
        {"${-null}", "int 0"},
        {"${-record:value('/dec')}", "double -12.5"},
        {"${-true}", "eval error: expression \"${-true}\", column 3: cannot negate a boolean"},
        {"${-'x'}", "eval error: expression \"${-'x'}\", column 3: cannot convert \"x\" to a number"},
        {"${!true}", "bool false"},
        {"${not false}", "bool true"},
        {"${!null}", "bool true"},
        {"${!'TRUE'}", "bool false"},
        {"${!1}", "eval error: expression \"${!1}\", column 4: cannot convert a long to a boolean"},
        {"${empty null}", "bool true"},
        {"${empty ''}", "bool true"},
        {"${empty 'a'}", "bool false"},
        {"${empty 0}", "bool false"},
        {"${empty record:value('/missing')}", "bool true"},
        {"${empty record:value('/empty')}", "bool true"},
        {"${empty record:value('/emptylist')}", "bool true"},
        {"${empty record:value('/list')}", "bool false"},
        {"${empty record:value('/map')}", "bool false"},
        {"${empty record:value('/nobytes')}", "bool true"},
        {"${!empty record:value('/s')}", "bool true"},
    };
    CHECK_CASES(cases);
}

/* §1.8.1-2: relational operators. */
static void test_relational(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${1 < 2}", "bool true"},
        {"${2 lt 1}", "bool false"},
        {"${2 > 1}", "bool true"},
        {"${2 gt 2}", "bool false"},
        {"${2 <= 2}", "bool true"},
        {"${3 le 2}", "bool false"},
        {"${2 >= 3}", "bool false"},
        {"${2 ge 2}", "bool true"},
        {"${1 < 1.5}", "bool true"},
        {"${'10' > 9}", "bool true"},                 /* Long: the string is a number */
        {"${'10' > '9'}", "bool false"},              /* both strings: lexical */
        {"${'abc' < 'abd'}", "bool true"},
        {"${'ab' < 'abc'}", "bool true"},
        {"${record:value('/d') > 2}", "bool true"},
        {"${record:value('/dec') >= 12.5}", "bool true"},
        {"${null < 1}", "bool false"},
        {"${null <= null}", "bool true"},
        {"${null < null}", "bool false"},
        {"${false < true}", "bool true"},
        {"${record:value('/dt') < record:value('/dt')}", "bool false"},
        {"${record:value('/dt') <= time:now()}", "bool true"},
        {"${'x' < 1}", "eval error: expression \"${'x' < 1}\", column 7: cannot convert \"x\" to a number"},
        {"${'1.5' < 2}", "eval error: expression \"${'1.5' < 2}\", column 9: cannot convert \"1.5\" to a number"},
        {"${true < 1}", "eval error: expression \"${true < 1}\", column 8: cannot convert a boolean to a number"},
        {"${record:value('/list') < record:value('/list')}",
         "eval error: expression \"${record:value('/list') < record:value('/list')}\", column 25: cannot compare "
         "a list with a list"},
        {"${0.0 / 0 < 1}", "bool false"},
    };
    CHECK_CASES(cases);
}

/* §1.8.3: == and != between types. */
static void test_equality(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${1 == 1}", "bool true"},
        {"${1 eq 2}", "bool false"},
        {"${1 != 2}", "bool true"},
        {"${1 ne 1}", "bool false"},
        {"${1 == 1.0}", "bool true"},
        {"${5 == '5'}", "bool true"},                   /* coerced to Long */
        {"${record:value('/n') == '5'}", "bool true"},
        {"${record:value('/ns') == 12}", "bool true"},
        {"${2.5 == '2.5'}", "bool true"},               /* coerced to Double */
        {"${'a' == 'a'}", "bool true"},
        {"${'a' == 'A'}", "bool false"},
        {"${'a' != 'b'}", "bool true"},
        {"${null == null}", "bool true"},
        {"${null == 0}", "bool false"},
        {"${null != ''}", "bool true"},
        {"${record:value('/missing') == null}", "bool true"},
        {"${record:value('/nul') == null}", "bool true"},
        {"${true == 'true'}", "bool true"},
        {"${true == 'TRUE'}", "bool true"},
        {"${false == 'yes'}", "bool true"},             /* "yes" is not "true" */
        {"${record:value('/b') == true}", "bool true"},
        {"${record:value('/dec') == 12.5}", "bool true"},
        {"${record:value('/dt') == record:value('/dt')}", "bool true"},
        {"${record:value('/dt') == '2013-01-13T04:36:00.123Z'}", "bool true"},
        {"${record:value('/list') == record:value('/list')}", "bool true"},
        {"${record:value('/list') == record:value('/map')}", "bool false"},
        {"${record:value('/list') != 'x'}",
         "eval error: expression \"${record:value('/list') != 'x'}\", column 25: cannot convert a list to a string"},
        {"${5 == 'five'}", "eval error: expression \"${5 == 'five'}\", column 5: cannot convert \"five\" to a number"},
        {"${true == 1}", "eval error: expression \"${true == 1}\", column 8: cannot convert a boolean to a number"},
        {"${0.0 / 0 == 0.0 / 0}", "bool false"},
        {"${0.0 / 0 != 0.0 / 0}", "bool true"},
    };
    CHECK_CASES(cases);
}

/* §1.9: && || coerce to Boolean and short-circuit; ?: takes one branch. */
static void test_logic(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${true && true}", "bool true"},
        {"${true and false}", "bool false"},
        {"${false || true}", "bool true"},
        {"${false or false}", "bool false"},
        {"${null || 'true'}", "bool true"},
        {"${'' && true}", "bool false"},
        {"${true || 1 % 0 == 1}", "bool true"},          /* not evaluated */
        {"${false && 1 % 0 == 1}", "bool false"},
        {"${true && 1}", "eval error: expression \"${true && 1}\", column 11: cannot convert a long to a boolean"},
        {"${true || false && false}", "bool true"},      /* && binds tighter */
        {"${1 < 2 && 2 < 3}", "bool true"},
        {"${true ? 'y' : 'n'}", "string y"},
        {"${false ? 'y' : 'n'}", "string n"},
        {"${null ? 'y' : 'n'}", "string n"},
        {"${true ? 1 : 1 % 0}", "int 1"},
        {"${false ? 1 : true ? 2 : 3}", "int 2"},        /* right-associative */
        {"${true ? false ? 1 : 2 : 3}", "int 2"},
        {"${1 ? 2 : 3}", "eval error: expression \"${1 ? 2 : 3}\", column 3: cannot convert a long to a boolean"},
        {"${record:value('/n') > 3 ? 'big' : 'small'}", "string big"},
    };
    CHECK_CASES(cases);
}

/* §1.18.2: values as strings (templates, _string). */
static void test_to_string(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"x${null}", "string x"},
        {"x${true}", "string xtrue"},
        {"x${-42}", "string x-42"},
        {"x${2.0}", "string x2.0"},
        {"x${1.0E7}", "string x1.0E7"},
        {"x${1234567.5}", "string x1234567.5"},
        {"x${0.001}", "string x0.001"},
        {"x${0.0001}", "string x1.0E-4"},
        {"x${-0.0}", "string x-0.0"},
        {"x${1/3}", "string x0.3333333333333333"},
        {"x${record:value('/dec')}", "string x12.50"},
        {"x${record:value('/dt')}", "string x2013-01-13T04:36:00.123Z"},
        {"x${record:value('/map')}",
         "eval error: expression \"x${record:value('/map')}\", column 4: cannot convert a map to a string"},
        {"x${record:value('/bytes')}",
         "eval error: expression \"x${record:value('/bytes')}\", column 4: cannot convert bytes to a string"},
    };
    CHECK_CASES(cases);
}

/* record:value(path) == 'literal' is fused into one node (fastpath.c):
 * the same results as the generic rules, both operand orders, one-key
 * and deeper paths, and records whose keys move between evaluations. */
static void test_fused_equality(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${record:value('/s') == 'abc'}", "bool true"},
        {"${'abc' == record:value('/s')}", "bool true"},
        {"${record:value('/s') != 'abc'}", "bool false"},
        {"${record:value('/s') eq 'abd'}", "bool false"},
        {"${record:value('/s') ne 'ab'}", "bool true"},
        {"${record:value('/up') == 'Hello World'}", "bool true"},     /* 11 bytes */
        {"${record:value('/up') == 'Hello Worle'}", "bool false"},
        {"${record:value('/u') == 'h\xc3\xa9llo w\xc3\xb6rld'}", "bool true"},
        {"${record:value('/empty') == ''}", "bool true"},
        {"${record:value('/s') == ''}", "bool false"},
        {"${record:value('/missing') == 'x'}", "bool false"},
        {"${record:value('/missing') != 'x'}", "bool true"},
        {"${record:value('/nul') == 'x'}", "bool false"},
        {"${record:value('/n') == '5'}", "bool true"},                /* generic rules for a LONG */
        {"${record:value('/d') == '2.5'}", "bool true"},
        {"${record:value('/b') == 'TRUE'}", "bool true"},
        {"${record:value('/n') == 'five'}",
         "eval error: expression \"${record:value('/n') == 'five'}\", column 22: cannot convert \"five\" to a number"},
        {"${record:value('/map/k') == 'v'}", "bool true"},            /* not a one-key path */
        {"${record:value('/list[0]') == '1'}", "bool true"},
        {"${record:value(\"/'odd key'\") == 'odd'}", "bool true"},
        {"x${record:value('/s') == 'abc'}", "string xtrue"},         /* inside a template */
        {"${record:value('/s') == 'abc' && record:value('/n') == '5'}", "bool true"},
    };
    CHECK_CASES(cases);
    assert_string_equal(run_on("${record:value('/s') == 'abc'}", false),
                        "eval error: expression \"${record:value('/s') == 'abc'}\", column 22: record:value: there is "
                        "no record here");

    /* One compiled condition over records of different shapes: the key is
     * found wherever it is, and a record without it does not match. */
    char err[256];
    sluice_expr *e = expr_compile("${record:value('/k') == 'yes'}", err, sizeof err);
    assert_non_null(e);
    static const char *const shapes[][3] = {
        {"k", "a", "b"}, {"a", "k", "b"}, {"a", "b", "k"}, {"a", "b", "c"}, {"b", "k", "a"}, {"k", "a", "b"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        sluice_field *root = sluice_field_new_map(helper_batch, 3);
        for (size_t j = 0; j < 3; j++)
            sluice_map_put(helper_batch, root, shapes[i][j], 1,
                           sluice_field_new_string(helper_batch, j == i % 3 ? "yes" : "no", j == i % 3 ? 3 : 2));
        sluice_record *r = sluice_record_new(helper_batch, root);
        bool b;
        assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, r, &b), SLUICE_OK);
        /* "yes" sits at position i % 3: it matches when "k" is there. */
        bool want = !strcmp(shapes[i][i % 3], "k");
        if (b != want)
            fail_msg("shape %zu: got %d", i, b);
    }
    /* A record whose root is not a map. */
    sluice_record *r = sluice_record_new(helper_batch, sluice_field_new_string(helper_batch, "k", 1));
    bool b = true;
    assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, r, &b), SLUICE_OK);
    assert_false(b);
    expr_free(e);
}

/* The typed results of the SDK's evaluation functions. */
/* sluice_expr_eval_bool() of `record:value('/KEY') == 'LIT'` with every
 * key and literal size from 1 to 20 bytes (fastpath.c has code for each
 * size class and a way back for longer ones), literals differing from the
 * value in their first, middle or last byte or in their length, keys that
 * are prefixes of one another, two records of different shapes, and more
 * conditions than the context has position hints.  The answer is always
 * the bytes' equality. */
static void test_fused_sizes(void **state)
{
    (void)state;
    enum { MAX = 20 };
    static const char key_chars[] = "KEYabcdefghijklmnopq";
    static const char value_chars[] = "VALUE_0123456789abcd";
    sluice_field *roots[2] = {sluice_field_new_map(helper_batch, MAX), sluice_field_new_map(helper_batch, MAX)};
    for (size_t shape = 0; shape < 2; shape++) {
        for (size_t k = 0; k < MAX; k++) {
            size_t len = shape ? MAX - k : k + 1; /* the second record in reverse order */
            sluice_map_put(helper_batch, roots[shape], key_chars, len,
                           sluice_field_new_string(helper_batch, value_chars, len));
        }
    }
    sluice_record *records[2] = {sluice_record_new(helper_batch, roots[0]), sluice_record_new(helper_batch, roots[1])};
    for (size_t klen = 1; klen <= MAX; klen++) {
        for (size_t llen = 1; llen <= MAX + 1; llen++) {
            for (int variant = 0; variant < 4; variant++) {
                /* 0: as is; 1, 2, 3: first, middle, last byte changed. */
                char lit[MAX + 2];
                memcpy(lit, value_chars, MAX);
                lit[MAX] = 'x';
                lit[llen] = '\0';
                size_t at = variant == 1 ? 0 : variant == 2 ? llen / 2 : llen - 1;
                if (variant)
                    lit[at] = '#';
                bool want_eq = variant == 0 && llen == klen;
                for (int ne = 0; ne < 2; ne++) {
                    char text[128];
                    snprintf(text, sizeof text, "${record:value('/%.*s') %s '%s'}", (int)klen, key_chars,
                             ne ? "!=" : "==", lit);
                    char err[256];
                    sluice_expr *e = expr_compile(text, err, sizeof err);
                    assert_non_null(e);
                    for (int round = 0; round < 4; round++) {
                        bool b = !(want_eq != ne);
                        assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, records[round % 2], &b), SLUICE_OK);
                        if (b != (want_eq != ne))
                            fail_msg("%s, record %d: got %d", text, round % 2, b);
                    }
                    expr_free(e);
                }
            }
        }
    }
}

static void test_sdk_results(void **state)
{
    (void)state;
    char err[256];
    sluice_expr *e = expr_compile("${record:value('/ns')}", err, sizeof err);
    assert_non_null(e);
    int64_t i;
    double d;
    bool b;
    assert_int_equal(sluice_expr_eval_int(e, helper_ctx, helper_record, &i), SLUICE_OK);
    assert_int_equal(i, 12);
    assert_int_equal(sluice_expr_eval_double(e, helper_ctx, helper_record, &d), SLUICE_OK);
    assert_true(d == 12.0);
    /* "12" is not "true": false, as Boolean.valueOf. */
    assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, helper_record, &b), SLUICE_OK);
    assert_false(b);
    expr_free(e);

    e = expr_compile("${record:value('/d')}", err, sizeof err);
    assert_int_equal(sluice_expr_eval_int(e, helper_ctx, helper_record, &i), SLUICE_OK);
    assert_int_equal(i, 2); /* truncated, as the EL coercion to Long */
    assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, helper_record, &b), SLUICE_ERROR);
    assert_string_equal(sluice_expr_ctx_error(helper_ctx),
                        "expression \"${record:value('/d')}\", column 1: cannot convert a double to a boolean");
    expr_free(e);

    e = expr_compile("${record:value('/s')}", err, sizeof err);
    assert_int_equal(sluice_expr_eval_int(e, helper_ctx, helper_record, &i), SLUICE_ERROR);
    assert_int_equal(sluice_expr_eval_double(e, helper_ctx, helper_record, &d), SLUICE_ERROR);
    assert_string_equal(sluice_expr_ctx_error(helper_ctx),
                        "expression \"${record:value('/s')}\", column 1: cannot convert \"abc\" to a number");
    /* A string result is a NUL-terminated copy in the batch. */
    const char *s;
    size_t len;
    assert_int_equal(sluice_expr_eval_string(e, helper_ctx, helper_record, helper_batch, &s, &len), SLUICE_OK);
    assert_int_equal(len, 3);
    assert_string_equal(s, "abc");
    /* A field result is a copy: changing it leaves the record alone. */
    sluice_field *f;
    assert_int_equal(sluice_expr_eval_field(e, helper_ctx, helper_record, helper_batch, &f), SLUICE_OK);
    assert_ptr_not_equal(f, sluice_record_get(helper_record, "/s"));
    expr_free(e);

    e = expr_compile("${record:value('/list')}", err, sizeof err);
    assert_int_equal(sluice_expr_eval_field(e, helper_ctx, helper_record, helper_batch, &f), SLUICE_OK);
    assert_ptr_not_equal(f, sluice_record_get(helper_record, "/list"));
    assert_int_equal(sluice_field_count(f), 2);
    expr_free(e);

    /* No expression, or no context. */
    assert_int_equal(sluice_expr_eval_bool(NULL, helper_ctx, helper_record, &b), SLUICE_ERROR);
    assert_string_equal(sluice_expr_ctx_error(helper_ctx),
                        "no expression (the config key is absent or not an expression)");
    e = expr_compile("${true}", err, sizeof err);
    assert_int_equal(sluice_expr_eval_bool(e, NULL, helper_record, &b), SLUICE_ERROR);
    assert_string_equal(sluice_expr_text(e), "${true}");
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),   cmocka_unit_test(test_arithmetic), cmocka_unit_test(test_unary),
        cmocka_unit_test(test_relational), cmocka_unit_test(test_equality),   cmocka_unit_test(test_logic),
        cmocka_unit_test(test_to_string),  cmocka_unit_test(test_fused_equality),
        cmocka_unit_test(test_fused_sizes),  cmocka_unit_test(test_sdk_results),
    };
    return cmocka_run_group_tests(tests, expr_setup, expr_teardown);
}
