/* tests/unit/test_expr_syntax.c — compiling: every syntax error is one
 * line naming the 1-based column in the whole text and what was expected;
 * functions are checked for their name, their number of arguments and
 * their literal paths, regexes and date patterns at compile time. */
#include "config.h"

#include "expr_helpers.h"
#include "expr/expr_impl.h"

static void test_syntax_errors(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${", "compile error: column 3: expected a value (a literal, a function call or '('), got the end of the "
               "text (a '}' is missing)"},
        {"${1", "compile error: column 4: expected '}' or an operator, got the end of the text (a '}' is missing)"},
        {"${}", "compile error: column 3: expected an expression inside ${}, got '}'"},
        {"abc ${1 +}", "compile error: column 10: expected a value (a literal, a function call or '('), got '}'"},
        {"${1 2}", "compile error: column 5: expected '}' or an operator, got number 2"},
        {"${(1 + 2}", "compile error: column 9: expected ')', got '}'"},
        {"${1 = 2}", "compile error: column 5: '=' is not an operator (did you mean '=='?)"},
        {"${true & false}", "compile error: column 8: '&' is not an operator (did you mean '&&'?)"},
        {"${true | false}", "compile error: column 8: '|' is not an operator (did you mean '||'?)"},
        {"${'abc}", "compile error: column 3: unterminated string (expected a closing ')"},
        {"${\"abc}", "compile error: column 3: unterminated string (expected a closing \")"},
        {"${1 # 2}", "compile error: column 5: unexpected character"},
        {"${1e}", "compile error: column 3: expected digits in the exponent"},
        {"${12abc}", "compile error: column 3: expected an operator after a number"},
        {"${99999999999999999999}",
         "compile error: column 3: integer too large (the largest is 9223372036854775807)"},
        {"${1 instanceof 2}", "compile error: column 5: 'instanceof' is reserved and not supported"},
        {"${foo}", "compile error: column 3: unknown name 'foo' (functions are written namespace:name(...), e.g. "
                   "record:value('/a'))"},
        {"${true ? 1}", "compile error: column 11: expected ':' of the '?' operator, got '}'"},
        {"${true ? 1 : }", "compile error: column 14: expected a value (a literal, a function call or '('), got '}'"},
        {"${str:nope('a')}", "compile error: column 3: unknown function 'str:nope'"},
        {"${str:trim}", "compile error: column 11: expected '(' after the function name, got '}'"},
        {"${str:trim('a' 'b')}", "compile error: column 16: expected ',' or ')' in the arguments of str:trim, got a "
                                 "string"},
        {"${str:trim('a', 'b')}", "compile error: column 3: str:trim takes 1 argument, got 2"},
        {"${str:concat('a')}", "compile error: column 3: str:concat takes 2 arguments, got 1"},
        {"${record:id(1)}", "compile error: column 3: record:id takes 0 arguments, got 1"},
        {"${str:concat(1, 2, 3, 4, 5)}", "compile error: column 3: str:concat takes 2 arguments, got 5"},
        {"${str:}", "compile error: column 3: unknown name 'str' (functions are written namespace:name(...), e.g. "
                    "record:value('/a'))"},
        {"${record:value(str:concat('/', 'a'))}",
         "compile error: column 16: record:value: the field path must be a string literal ('/a/b')"},
        {"${record:value('/a[')}", "compile error: column 20: invalid field path '/a[': expected a list index "
                                   "(digits)"},
        {"${record:exists('a')}", "compile error: column 18: invalid field path 'a': expected '/' or '['"},
        {"${record:value('/items[*]/price')}",
         "compile error: column 17: invalid field path '/items[*]/price': a wildcard (/* or [*]) matches several "
         "fields; record:value takes one"},
        {"${str:matches('a', '(')}", "compile error: column 22: str:matches: invalid regular expression: missing "
                                     "closing parenthesis"},
        {"${str:split('a', record:value('/s'))}",
         "compile error: column 18: str:split: the regular expression must be a string literal"},
        {"${time:extractStringFromDate(time:now(), 'yyyy-ww')}",
         "compile error: column 48: time:extractStringFromDate: pattern letter 'w' is not supported (use G y Y M L d D E "
         "u a H k K h m s S z Z X)"},
        {"${time:extractStringFromDate(time:now(), \"yyyy 'x\")}",
         "compile error: column 48: time:extractStringFromDate: unterminated quote"},
        {"x ${1} y ${2 +} z", "compile error: column 15: expected a value (a literal, a function call or '('), got "
                              "'}'"},
        {"${\x01}", "compile error: column 3: unexpected character"},
        {"${1 \xff}", "compile error: column 5: unexpected character"},
        {"${1 < }", "compile error: column 7: expected a value (a literal, a function call or '('), got '}'"},
        {"${empty}", "compile error: column 8: expected a value (a literal, a function call or '('), got '}'"},
        {"${(}", "compile error: column 4: expected a value (a literal, a function call or '('), got '}'"},
        {"${)}", "compile error: column 3: expected a value (a literal, a function call or '('), got ')'"},
        {"${,}", "compile error: column 3: expected a value (a literal, a function call or '('), got ','"},
    };
    CHECK_CASES(cases);
}

/* Messages are one line whatever the text holds: control characters in a
 * path, an expression written over several lines, a value with a newline. */
static void test_one_line_messages(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${record:value('/a\n[')}", "compile error: column 21: invalid field path '/a?[': expected a list index "
                                     "(digits)"},
        {"${'x'\n+ 1}", "eval error: expression \"${'x' + 1}\", column 7: cannot convert \"x\" to a number"},
        {"${'a\nb' + 1}", "eval error: expression \"${'a b' + 1}\", column 9: cannot convert \"a?b\" to a number"},
    };
    CHECK_CASES(cases);
    /* Long texts and values are cut. */
    char text[400] = "${'";
    for (int i = 0; i < 60; i++)
        strcat(text, "ab");
    strcat(text, "' + 1}                                                                            ");
    const char *got = run(text);
    assert_non_null(strstr(got, "...\", column 126: cannot convert \"abababababababababababababababababababab\"... "
                                "to a number"));
}

/* Keywords and spacing. */
static void test_spelling(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${1<2&&2>1||false}", "bool true"},
        {"${not(1 eq 2)and(2 ne 3)}", "bool true"},
        {"${\n1\t+\r\n2 }", "int 3"},
        {"${record:value('/s')=='abc'}", "bool true"},
        {"${true?1:2}", "int 1"},
        {"${empty(null)}", "bool true"},
        {"${str:trim( ' a ' )}", "string a"},
        {"${record : value('/s')}", "compile error: column 3: unknown name 'record' (functions are written "
                                    "namespace:name(...), e.g. record:value('/a'))"},
        {"${false?1:str:length('ab')}", "int 2"},
        {"${true ?str:length('a'):2}", "int 1"},
    };
    CHECK_CASES(cases);
}

static void test_depth_limit(void **state)
{
    (void)state;
    char text[1024] = "${";
    for (int i = 0; i < 70; i++)
        strcat(text, "(");
    strcat(text, "1");
    for (int i = 0; i < 70; i++)
        strcat(text, ")");
    strcat(text, "}");
    assert_string_equal(run(text), "compile error: column 67: expression nested too deeply (more than 64 levels)");
    char minus[256] = "${";
    for (int i = 0; i < 80; i++)
        strcat(minus, "-");
    strcat(minus, "1}");
    assert_string_equal(run(minus), "compile error: column 66: expression nested too deeply (more than 64 levels)");
    /* 60 levels are fine. */
    char ok[256] = "${";
    for (int i = 0; i < 60; i++)
        strcat(ok, "(");
    strcat(ok, "7");
    for (int i = 0; i < 60; i++)
        strcat(ok, ")");
    strcat(ok, "}");
    assert_string_equal(run(ok), "int 7");
}

/* The compiled form is flat: a node array with child indices, and what
 * functions prepared (a path, a regex) owned by the expression. */
static void test_compiled_form(void **state)
{
    (void)state;
    char err[256];
    sluice_expr *e = expr_compile("${record:value('/a') == 'x' && str:matches(record:value('/b'), 'y+')}", err,
                                  sizeof err);
    assert_non_null(e);
    /* && over (== over call, 'x') and (call over call, 'y+'): 2 paths, 1
     * regex, 2 string literals. */
    assert_int_equal(e->n_nodes, 9);
    assert_int_equal(e->nodes[e->root].op, OP_AND);
    assert_int_equal(e->n_owned, 2 /* paths */ + 1 /* regex */ + 3 /* literals '/a' 'x' '/b' */ + 1 /* 'y+' */ +
                                     1 /* the fused == */);
    /* record:value('/a') == 'x' is fused into one node (fastpath.c). */
    assert_int_equal(e->nodes[e->kids[e->nodes[e->root].kids]].op, OP_FIELD_EQ);
    expr_free(e);
    /* An error reports into a zero-size buffer without writing. */
    assert_null(expr_compile("${", NULL, 0));
    expr_free(NULL);
}

/* Evaluation takes no memory past the scratch arena's first chunk for a
 * small expression, whatever the number of records. */
static void test_no_growth(void **state)
{
    (void)state;
    char err[256];
    sluice_expr *e = expr_compile("k_${str:toUpper(record:value('/s'))}_${record:value('/n') + 1}", err, sizeof err);
    assert_non_null(e);
    bool b;
    assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, helper_record, &b), SLUICE_OK);
    arena_chunk *first = helper_ctx->scratch->head;
    size_t used = helper_ctx->scratch->used;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(sluice_expr_eval_bool(e, helper_ctx, helper_record, &b), SLUICE_OK);
        assert_ptr_equal(helper_ctx->scratch->head, first);
        assert_int_equal(helper_ctx->scratch->used, used);
    }
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_spelling), cmocka_unit_test(test_one_line_messages),  cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_compiled_form), cmocka_unit_test(test_no_growth),
    };
    return cmocka_run_group_tests(tests, expr_setup, expr_teardown);
}
