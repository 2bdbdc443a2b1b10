/* tests/unit/test_path.c — SDC field paths (sluice/record.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sluice/record.h>

#include "arena.h"
#include "record/record_impl.h"

typedef struct fixture {
    arena *a;
    sluice_batch *b;
    sluice_record *r;
} fixture;

/* The record every test starts from:
 * {"a": {"b": 1, "list": [10, {"x": "deep"}, 30]},
 *  "odd key": 2, "it's": 3, "q\"d": 4, "": 5, "s/l": 6, "n": 7} */
static sluice_record *sample_record(sluice_batch *b)
{
    sluice_field *inner = sluice_field_new_map(b, 0);
    sluice_map_put(b, inner, "x", 1, sluice_field_new_string(b, "deep", 4));
    sluice_field *list = sluice_field_new_list(b, 0);
    sluice_list_append(b, list, sluice_field_new_int(b, 10));
    sluice_list_append(b, list, inner);
    sluice_list_append(b, list, sluice_field_new_int(b, 30));
    sluice_field *a = sluice_field_new_map(b, 0);
    sluice_map_put(b, a, "b", 1, sluice_field_new_int(b, 1));
    sluice_map_put(b, a, "list", 4, list);
    sluice_field *root = sluice_field_new_map(b, 0);
    sluice_map_put(b, root, "a", 1, a);
    sluice_map_put(b, root, "odd key", 7, sluice_field_new_int(b, 2));
    sluice_map_put(b, root, "it's", 4, sluice_field_new_int(b, 3));
    sluice_map_put(b, root, "q\"d", 3, sluice_field_new_int(b, 4));
    sluice_map_put(b, root, "", 0, sluice_field_new_int(b, 5));
    sluice_map_put(b, root, "s/l", 3, sluice_field_new_int(b, 6));
    sluice_map_put(b, root, "n", 1, sluice_field_new_int(b, 7));
    return sluice_record_new(b, root);
}

static int setup(void **state)
{
    fixture *fx = malloc(sizeof *fx);
    fx->a = arena_new(0);
    fx->b = batch_new(fx->a);
    fx->r = sample_record(fx->b);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    batch_free(fx->b);
    arena_free(fx->a);
    free(fx);
    return 0;
}

static sluice_batch *B(void **state)
{
    return ((fixture *)*state)->b;
}

static sluice_record *R(void **state)
{
    return ((fixture *)*state)->r;
}

/* The field at `text`, compiling it (which must succeed). */
static sluice_field *get(sluice_record *r, const char *text)
{
    char err[128] = "";
    sluice_path *p = sluice_path_compile(text, err, sizeof err);
    if (!p)
        fail_msg("%s: %s", text, err);
    assert_string_equal(err, "");
    sluice_field *f = sluice_path_get(r, p);
    sluice_path_free(p);
    return f;
}

static int set(sluice_batch *b, sluice_record *r, const char *text, sluice_field *value)
{
    sluice_path *p = sluice_path_compile(text, NULL, 0);
    assert_non_null(p);
    int rc = sluice_path_set(b, r, p, value);
    sluice_path_free(p);
    return rc;
}

static bool del(sluice_record *r, const char *text)
{
    sluice_path *p = sluice_path_compile(text, NULL, 0);
    assert_non_null(p);
    bool rc = sluice_path_remove(r, p);
    sluice_path_free(p);
    return rc;
}

/* ---- compiling ------------------------------------------------------------ */

static void test_path_text_is_kept(void **state)
{
    (void)state;
    sluice_path *p = sluice_path_compile("/a/'b c'[3]", NULL, 0);
    assert_non_null(p);
    assert_string_equal(sluice_path_text(p), "/a/'b c'[3]");
    sluice_path_free(p);
}

static void expect_error(const char *text, const char *message)
{
    char err[160] = "untouched";
    sluice_path *p = sluice_path_compile(text, err, sizeof err);
    if (p) {
        sluice_path_free(p);
        fail_msg("%s compiled", text);
    }
    assert_string_equal(err, message);
}

static void test_compile_errors(void **state)
{
    (void)state;
    expect_error("a", "column 1: expected '/' or '['");
    expect_error("/a/", "column 4: expected a field name after '/'");
    expect_error("//a", "column 2: expected a field name after '/'");
    expect_error("/a b/[0]", "column 6: expected a field name after '/'");
    expect_error("/a[x]", "column 4: expected a list index (digits)");
    expect_error("/a[]", "column 4: expected a list index (digits)");
    expect_error("/a[-1]", "column 4: expected a list index (digits)");
    expect_error("/a[1", "column 5: expected ']'");
    expect_error("/a[1x]", "column 5: expected ']'");
    expect_error("/a[99999999999]", "column 4: list index too large");
    expect_error("/'abc", "column 2: unterminated quoted name (expected a closing ')");
    expect_error("/\"abc'", "column 2: unterminated quoted name (expected a closing \")");
    expect_error("/'a\\x'", "column 4: invalid escape in quoted name (expected \\\\, \\' or \\\")");
    expect_error("/'a'b", "column 5: expected '/' or '[' after a quoted name");
    expect_error("/a*", "column 3: a wildcard must be a whole step (/* or [*]); quote a name with '*' in it: /'a*'");
    expect_error("/*a", "column 2: a wildcard must be a whole step (/* or [*]); quote a name with '*' in it: /'a*'");
    expect_error("/a[*", "column 5: expected ']' after '[*'");
    expect_error("/a[*x]", "column 5: expected ']' after '[*'");
    expect_error("/a[1*]", "column 5: expected ']'");
    expect_error("/a]b", "column 3: unexpected ']' in a field name (quote the name: /'...')");
    expect_error("/it's", "column 4: unexpected ''' in a field name (quote the name: /'...')");
    expect_error("/a/b]", "column 5: unexpected ']' in a field name (quote the name: /'...')");
}

static void test_compile_error_buffer_limits(void **state)
{
    (void)state;
    char err[8] = "xxxxxxx";
    assert_null(sluice_path_compile("a", err, sizeof err));
    assert_string_equal(err, "column ");
    assert_null(sluice_path_compile("a", NULL, 0));
    char tiny[2] = "x";
    assert_null(sluice_path_compile("/a/", tiny, 1));
    assert_string_equal(tiny, "");
}

/* ---- getting ---------------------------------------------------------------- */

static void test_get_root(void **state)
{
    sluice_field *root = sluice_record_root(R(state));
    assert_ptr_equal(get(R(state), "/"), root);
    assert_ptr_equal(get(R(state), ""), root);
}

static void test_get_nested(void **state)
{
    sluice_record *r = R(state);
    assert_true(sluice_field_get_int(get(r, "/a/b")) == 1);
    assert_true(sluice_field_get_int(get(r, "/a/list[0]")) == 10);
    assert_true(sluice_field_get_int(get(r, "/a/list[2]")) == 30);
    assert_string_equal(sluice_field_get_string(get(r, "/a/list[1]/x"), NULL), "deep");
    assert_int_equal(sluice_field_type(get(r, "/a/list")), SLUICE_LIST);
}

static void test_get_missing(void **state)
{
    sluice_record *r = R(state);
    assert_null(get(r, "/nope"));
    assert_null(get(r, "/a/nope/deeper"));
    assert_null(get(r, "/a/list[3]"));
    assert_null(get(r, "/a/b/c"));
    /* A key on a list, an index on a map. */
    assert_null(get(r, "/a/list/x"));
    assert_null(get(r, "/a[0]"));
    assert_null(get(r, "[0]"));
}

static void test_get_quoted(void **state)
{
    sluice_record *r = R(state);
    assert_true(sluice_field_get_int(get(r, "/'odd key'")) == 2);
    assert_true(sluice_field_get_int(get(r, "/\"odd key\"")) == 2);
    assert_true(sluice_field_get_int(get(r, "/'it\\'s'")) == 3);
    assert_true(sluice_field_get_int(get(r, "/\"it's\"")) == 3);
    assert_true(sluice_field_get_int(get(r, "/'q\"d'")) == 4);
    assert_true(sluice_field_get_int(get(r, "/\"q\\\"d\"")) == 4);
    assert_true(sluice_field_get_int(get(r, "/''")) == 5);
    assert_true(sluice_field_get_int(get(r, "/'s/l'")) == 6);
    assert_true(sluice_field_get_int(get(r, "/'a'/'b'")) == 1);
    assert_true(sluice_field_get_int(get(r, "/'a'/list[0]")) == 10);
    assert_null(get(r, "/'odd'"));
}

static void test_get_escaped_backslash(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    sluice_map_put(b, sluice_record_root(r), "back\\slash", 10, sluice_field_new_int(b, 8));
    assert_true(sluice_field_get_int(get(r, "/'back\\\\slash'")) == 8);
}

static void test_get_root_list(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *l = sluice_field_new_list(b, 0);
    sluice_list_append(b, l, sluice_field_new_int(b, 1));
    sluice_field *m = sluice_field_new_map(b, 0);
    sluice_map_put(b, m, "k", 1, sluice_field_new_int(b, 2));
    sluice_list_append(b, l, m);
    sluice_record *r = sluice_record_new(b, l);
    assert_true(sluice_field_get_int(get(r, "[0]")) == 1);
    assert_true(sluice_field_get_int(get(r, "[1]/k")) == 2);
    assert_null(get(r, "/k"));
}

static void test_record_get_convenience(void **state)
{
    sluice_record *r = R(state);
    assert_true(sluice_field_get_int(sluice_record_get(r, "/a/list[2]")) == 30);
    assert_null(sluice_record_get(r, "/a/missing"));
    assert_null(sluice_record_get(r, "not a path"));
}

/* ---- setting ------------------------------------------------------------------ */

static void test_set_replaces(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    assert_int_equal(set(b, r, "/a/b", sluice_field_new_int(b, 100)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/a/b")) == 100);
    assert_int_equal(sluice_field_count(get(r, "/a")), 2);
    assert_int_equal(set(b, r, "/a/list[1]", sluice_field_new_int(b, 11)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/a/list[1]")) == 11);
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 3);
    assert_int_equal(set(b, r, "/'odd key'", sluice_field_new_int(b, 22)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/'odd key'")) == 22);
}

static void test_set_adds_key(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    size_t before = sluice_field_count(sluice_record_root(r));
    assert_int_equal(set(b, r, "/new", sluice_field_new_int(b, 1)), SLUICE_OK);
    assert_int_equal(sluice_field_count(sluice_record_root(r)), before + 1);
    const char *key;
    sluice_map_entry(sluice_record_root(r), before, &key, NULL);
    assert_string_equal(key, "new");
}

static void test_set_creates_intermediate_maps(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    assert_int_equal(set(b, r, "/x/y/'z z'", sluice_field_new_int(b, 9)), SLUICE_OK);
    assert_int_equal(sluice_field_type(get(r, "/x")), SLUICE_MAP);
    assert_int_equal(sluice_field_type(get(r, "/x/y")), SLUICE_MAP);
    assert_int_equal(sluice_field_count(get(r, "/x/y")), 1);
    assert_true(sluice_field_get_int(get(r, "/x/y/'z z'")) == 9);
    assert_int_equal(set(b, r, "/a/list[1]/new/k", sluice_field_new_int(b, 5)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/a/list[1]/new/k")) == 5);
    assert_string_equal(sluice_field_get_string(get(r, "/a/list[1]/x"), NULL), "deep");
}

static void test_set_appends_next_index_only(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    assert_int_equal(set(b, r, "/a/list[3]", sluice_field_new_int(b, 40)), SLUICE_OK);
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 4);
    assert_true(sluice_field_get_int(get(r, "/a/list[3]")) == 40);
    assert_int_equal(set(b, r, "/a/list[5]", sluice_field_new_int(b, 60)), SLUICE_ERROR);
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 4);
    /* A missing list under a missing key: created for index 0 only. */
    assert_int_equal(set(b, r, "/l[0]/k", sluice_field_new_int(b, 1)), SLUICE_OK);
    assert_int_equal(sluice_field_type(get(r, "/l")), SLUICE_LIST);
    assert_true(sluice_field_get_int(get(r, "/l[0]/k")) == 1);
    assert_int_equal(set(b, r, "/l2[1]", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_null(get(r, "/l2"));
    assert_int_equal(set(b, r, "/a/list[4]/k", sluice_field_new_int(b, 1)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/a/list[4]/k")) == 1);
}

/* A path that cannot be set changes nothing, not even the maps it would
 * have created on the way. */
static void test_set_failure_is_atomic(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    size_t before = sluice_field_count(sluice_record_root(r));
    assert_int_equal(set(b, r, "/m/n[2]/o", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_null(get(r, "/m"));
    assert_int_equal(sluice_field_count(sluice_record_root(r)), before);
}

static void test_set_through_non_container_fails(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    assert_int_equal(set(b, r, "/a/b/c", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_true(sluice_field_get_int(get(r, "/a/b")) == 1);
    assert_int_equal(set(b, r, "/a/list/k", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_int_equal(set(b, r, "/a[0]", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_int_equal(set(b, r, "/n/deeper/still", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_true(sluice_field_get_int(get(r, "/n")) == 7);
}

static void test_set_root(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    sluice_field *v = sluice_field_new_string(b, "whole", 5);
    assert_int_equal(set(b, r, "/", v), SLUICE_OK);
    assert_ptr_equal(sluice_record_root(r), v);
    /* A scalar root cannot hold a key. */
    assert_int_equal(set(b, r, "/k", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_ptr_equal(sluice_record_root(r), v);
}

static void test_set_on_empty_record(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = sluice_record_new(b, NULL);
    assert_int_equal(set(b, r, "/a/b", sluice_field_new_int(b, 1)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/a/b")) == 1);
    /* A record whose root was taken away gets one. */
    sluice_record_set_root(r, NULL);
    assert_null(get(r, "/a"));
    assert_int_equal(set(b, r, "/c", sluice_field_new_int(b, 3)), SLUICE_OK);
    assert_true(sluice_field_get_int(get(r, "/c")) == 3);
}

/* ---- removing --------------------------------------------------------------- */

static void test_remove_key_keeps_order(void **state)
{
    sluice_record *r = R(state);
    assert_true(del(r, "/'odd key'"));
    assert_null(get(r, "/'odd key'"));
    assert_false(del(r, "/'odd key'"));
    const char *key;
    sluice_map_entry(sluice_record_root(r), 0, &key, NULL);
    assert_string_equal(key, "a");
    sluice_map_entry(sluice_record_root(r), 1, &key, NULL);
    assert_string_equal(key, "it's");
}

static void test_remove_list_item(void **state)
{
    sluice_record *r = R(state);
    assert_true(del(r, "/a/list[0]"));
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 2);
    assert_string_equal(sluice_field_get_string(get(r, "/a/list[0]/x"), NULL), "deep");
    assert_true(sluice_field_get_int(get(r, "/a/list[1]")) == 30);
    assert_false(del(r, "/a/list[2]"));
    assert_true(del(r, "/a/list[1]"));
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 1);
}

static void test_remove_missing_or_root(void **state)
{
    sluice_record *r = R(state);
    assert_false(del(r, "/"));
    assert_false(del(r, "/nope"));
    assert_false(del(r, "/nope/deeper"));
    assert_false(del(r, "/a/b/c"));
    assert_false(del(r, "/a[0]"));
    assert_true(del(r, "/a/list[1]/x"));
    assert_int_equal(sluice_field_count(get(r, "/a/list[1]")), 0);
}

/* ---- wildcards: sluice_path_foreach ----------------------------------------- */

/* What a walk saw: the concrete path of every match, joined by spaces. */
typedef struct seen {
    char texts[512];
    size_t visits;
    size_t stop_after; /* 0: never stop */
} seen;

static int record_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    seen *s = arg;
    assert_non_null(*slot);
    char text[64];
    size_t n = sluice_path_match_text(match, text, sizeof text);
    assert_int_equal(n, strlen(text));
    if (s->visits++)
        strcat(s->texts, " ");
    strcat(s->texts, text);
    return s->stop_after && s->visits == s->stop_after ? 7 : SLUICE_OK;
}

/* The concrete paths `text` matches in r, in visiting order. */
static const char *walk(sluice_record *r, const char *text, seen *s)
{
    char err[160] = "";
    sluice_path *p = sluice_path_compile(text, err, sizeof err);
    if (!p)
        fail_msg("%s: %s", text, err);
    memset(s->texts, 0, sizeof s->texts);
    s->visits = 0;
    assert_int_equal(sluice_path_foreach(r, p, record_visit, s), SLUICE_OK);
    sluice_path_free(p);
    return s->texts;
}

static bool has_wildcard(const char *text)
{
    sluice_path *p = sluice_path_compile(text, NULL, 0);
    assert_non_null(p);
    bool w = sluice_path_has_wildcard(p);
    sluice_path_free(p);
    return w;
}

static void test_wildcard_compiles(void **state)
{
    (void)state;
    assert_false(has_wildcard("/"));
    assert_false(has_wildcard("/a/list[1]/x"));
    assert_false(has_wildcard("/'*'"));
    assert_true(has_wildcard("/*"));
    assert_true(has_wildcard("[*]"));
    assert_true(has_wildcard("/a/*/b"));
    assert_true(has_wildcard("/items[*]/price"));
    assert_true(has_wildcard("/*[*]/*"));
}

static void test_quoted_star_is_a_name(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    sluice_map_put(b, sluice_record_root(r), "*", 1, sluice_field_new_int(b, 42));
    assert_true(sluice_field_get_int(get(r, "/'*'")) == 42);
    seen s = {0};
    assert_string_equal(walk(r, "/'*'", &s), "/'*'");
}

static void test_foreach_every_map_entry(void **state)
{
    seen s = {0};
    /* Keys a bare name cannot hold come out quoted, with ' and \ escaped. */
    assert_string_equal(walk(R(state), "/*", &s), "/a /'odd key' /'it\\'s' /'q\"d' /'' /'s/l' /n");
    assert_int_equal(s.visits, 7);
    assert_string_equal(walk(R(state), "/a/*", &s), "/a/b /a/list");
    /* Entries that are not maps are skipped, not errors. */
    assert_string_equal(walk(R(state), "/*/b", &s), "/a/b");
    assert_string_equal(walk(R(state), "/*/*", &s), "/a/b /a/list");
}

static void test_foreach_every_list_item(void **state)
{
    seen s = {0};
    assert_string_equal(walk(R(state), "/a/list[*]", &s), "/a/list[0] /a/list[1] /a/list[2]");
    assert_string_equal(walk(R(state), "/a/list[*]/x", &s), "/a/list[1]/x");
    assert_string_equal(walk(R(state), "/*/list[*]/*", &s), "/a/list[1]/x");
    /* [*] on a map and / * on a list match nothing. */
    assert_string_equal(walk(R(state), "/a[*]", &s), "");
    assert_string_equal(walk(R(state), "/a/list/*", &s), "");
    assert_int_equal(s.visits, 0);
}

static void test_foreach_without_wildcard(void **state)
{
    seen s = {0};
    /* One match at most, named by the path's own text. */
    assert_string_equal(walk(R(state), "/'a'/list[2]", &s), "/'a'/list[2]");
    assert_int_equal(s.visits, 1);
    assert_string_equal(walk(R(state), "/a/nope", &s), "");
    assert_string_equal(walk(R(state), "/", &s), "/");
    assert_int_equal(s.visits, 1);
}

static void test_foreach_root_list_and_empty_record(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *l = sluice_field_new_list(b, 0);
    for (int i = 0; i < 2; i++) {
        sluice_field *m = sluice_field_new_map(b, 0);
        sluice_map_put(b, m, "k", 1, sluice_field_new_int(b, i));
        sluice_list_append(b, l, m);
    }
    seen s = {0};
    assert_string_equal(walk(sluice_record_new(b, l), "[*]/k", &s), "[0]/k [1]/k");
    sluice_record *empty = sluice_record_new(b, NULL);
    sluice_record_set_root(empty, NULL);
    assert_string_equal(walk(empty, "/*", &s), "");
}

static int double_ints(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    (void)match;
    if (sluice_field_type(*slot) == SLUICE_INT)
        *slot = sluice_field_new_int(arg, 2 * sluice_field_get_int(*slot));
    return SLUICE_OK;
}

static void test_foreach_replaces_in_place(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    sluice_path *p = sluice_path_compile("/a/list[*]", NULL, 0);
    assert_int_equal(sluice_path_foreach(r, p, double_ints, b), SLUICE_OK);
    sluice_path_free(p);
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 3);
    assert_true(sluice_field_get_int(get(r, "/a/list[0]")) == 20);
    assert_string_equal(sluice_field_get_string(get(r, "/a/list[1]/x"), NULL), "deep");
    assert_true(sluice_field_get_int(get(r, "/a/list[2]")) == 60);
    /* A map entry keeps its place. */
    p = sluice_path_compile("/*", NULL, 0);
    assert_int_equal(sluice_path_foreach(r, p, double_ints, b), SLUICE_OK);
    sluice_path_free(p);
    const char *key;
    assert_true(sluice_field_get_int(sluice_map_entry(sluice_record_root(r), 6, &key, NULL)) == 14);
    assert_string_equal(key, "n");
}

static void test_foreach_stops_on_a_visit_result(void **state)
{
    seen s = {.stop_after = 2};
    sluice_path *p = sluice_path_compile("/*", NULL, 0);
    assert_int_equal(sluice_path_foreach(R(state), p, record_visit, &s), 7);
    sluice_path_free(p);
    assert_int_equal(s.visits, 2);
    assert_string_equal(s.texts, "/a /'odd key'");
}

static int text_limits_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    (void)slot;
    (void)arg;
    char small[6] = "xxxxx";
    assert_int_equal(sluice_path_match_text(match, small, sizeof small), strlen("/a/list[1]/x"));
    assert_string_equal(small, "/a/li");
    assert_int_equal(sluice_path_match_text(match, NULL, 0), strlen("/a/list[1]/x"));
    return SLUICE_OK;
}

static void test_match_text_limits(void **state)
{
    sluice_path *p = sluice_path_compile("/a/list[*]/x", NULL, 0);
    assert_int_equal(sluice_path_foreach(R(state), p, text_limits_visit, NULL), SLUICE_OK);
    sluice_path_free(p);
}

static void test_wildcard_get_and_set_refused(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = R(state);
    assert_null(get(r, "/a/list[*]"));
    assert_null(get(r, "/*"));
    assert_int_equal(set(b, r, "/a/*", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_int_equal(set(b, r, "/new[*]", sluice_field_new_int(b, 1)), SLUICE_ERROR);
    assert_null(get(r, "/new"));
}

static void test_remove_wildcards(void **state)
{
    sluice_record *r = R(state);
    assert_true(del(r, "/a/list[*]/x"));
    assert_int_equal(sluice_field_count(get(r, "/a/list[1]")), 0);
    assert_true(del(r, "/*/b"));
    assert_null(get(r, "/a/b"));
    /* [*] empties the list, which stays. */
    assert_true(del(r, "/a/list[*]"));
    assert_int_equal(sluice_field_type(get(r, "/a/list")), SLUICE_LIST);
    assert_int_equal(sluice_field_count(get(r, "/a/list")), 0);
    assert_false(del(r, "/a/list[*]"));
    assert_false(del(r, "/nope/*"));
    assert_true(del(r, "/*"));
    assert_int_equal(sluice_field_count(sluice_record_root(r)), 0);
    assert_false(del(r, "/*"));
}

/* A compiled path remembers where it found a key; records of another shape
 * must still get the right field, and a set must not add the key twice. */
static void test_key_hint_follows_record_shapes(void **state)
{
    sluice_batch *b = B(state);
    sluice_path *p = sluice_path_compile("/k", NULL, 0);
    sluice_field *m1 = sluice_field_new_map(b, 0), *m2 = sluice_field_new_map(b, 0), *m3 = sluice_field_new_map(b, 0);
    sluice_map_put(b, m1, "k", 1, sluice_field_new_int(b, 1));
    sluice_map_put(b, m1, "x", 1, sluice_field_new_int(b, 2));
    sluice_map_put(b, m2, "x", 1, sluice_field_new_int(b, 3));
    sluice_map_put(b, m2, "j", 1, sluice_field_new_int(b, 4)); /* same length as k, at k's old place */
    sluice_map_put(b, m2, "k", 1, sluice_field_new_int(b, 5));
    sluice_map_put(b, m3, "x", 1, sluice_field_new_int(b, 6));
    sluice_record *r1 = sluice_record_new(b, m1), *r2 = sluice_record_new(b, m2), *r3 = sluice_record_new(b, m3);
    for (int round = 0; round < 2; round++) {
        assert_true(sluice_field_get_int(sluice_path_get(r1, p)) == 1);
        assert_true(sluice_field_get_int(sluice_path_get(r2, p)) == 5);
        assert_null(sluice_path_get(r3, p));
    }
    assert_int_equal(sluice_path_set(b, r2, p, sluice_field_new_int(b, 50)), SLUICE_OK);
    assert_int_equal(sluice_field_count(m2), 3);
    assert_true(sluice_field_get_int(sluice_map_get(m2, "k", 1)) == 50);
    assert_int_equal(sluice_path_set(b, r3, p, sluice_field_new_int(b, 60)), SLUICE_OK);
    assert_int_equal(sluice_path_set(b, r3, p, sluice_field_new_int(b, 61)), SLUICE_OK);
    assert_int_equal(sluice_field_count(m3), 2);
    assert_true(sluice_field_get_int(sluice_path_get(r3, p)) == 61);
    assert_true(sluice_field_get_int(sluice_path_get(r1, p)) == 1);
    sluice_path_free(p);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_path_text_is_kept),
        T(test_compile_errors),
        T(test_compile_error_buffer_limits),
        T(test_get_root),
        T(test_get_nested),
        T(test_get_missing),
        T(test_get_quoted),
        T(test_get_escaped_backslash),
        T(test_get_root_list),
        T(test_record_get_convenience),
        T(test_set_replaces),
        T(test_set_adds_key),
        T(test_set_creates_intermediate_maps),
        T(test_set_appends_next_index_only),
        T(test_set_failure_is_atomic),
        T(test_set_through_non_container_fails),
        T(test_set_root),
        T(test_set_on_empty_record),
        T(test_remove_key_keeps_order),
        T(test_remove_list_item),
        T(test_remove_missing_or_root),
        T(test_wildcard_compiles),
        T(test_quoted_star_is_a_name),
        T(test_foreach_every_map_entry),
        T(test_foreach_every_list_item),
        T(test_foreach_without_wildcard),
        T(test_foreach_root_list_and_empty_record),
        T(test_foreach_replaces_in_place),
        T(test_foreach_stops_on_a_visit_result),
        T(test_match_text_limits),
        T(test_wildcard_get_and_set_refused),
        T(test_remove_wildcards),
        T(test_key_hint_follows_record_shapes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
