/* tests/unit/test_json.c — the JSON form of records (sluice/format.h) and
 * the pieces under it: RFC 3339 datetimes, base64, number text. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sluice/format.h>
#include <sluice/record.h>

#include "arena.h"
#include "format/base64.h"
#include "format/datetime.h"
#include "format/number.h"
#include "record/record_impl.h"

typedef struct fixture {
    arena *a;
    sluice_batch *b;
    sluice_buf *out;
} fixture;

static int setup(void **state)
{
    fixture *fx = malloc(sizeof *fx);
    fx->a = arena_new(0);
    fx->b = batch_new(fx->a);
    fx->out = sluice_buf_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    sluice_buf_free(fx->out);
    batch_free(fx->b);
    arena_free(fx->a);
    free(fx);
    return 0;
}

static sluice_batch *B(void **state)
{
    return ((fixture *)*state)->b;
}

/* The JSON text of a field, in the fixture's buffer. */
static const char *json(void **state, const sluice_field *f)
{
    sluice_buf *out = ((fixture *)*state)->out;
    sluice_buf_reset(out);
    sluice_json_write_field(out, f);
    assert_int_equal(strlen(sluice_buf_data(out)), sluice_buf_len(out));
    return sluice_buf_data(out);
}

static const char *json_record(void **state, const sluice_record *r, unsigned flags)
{
    sluice_buf *out = ((fixture *)*state)->out;
    sluice_buf_reset(out);
    sluice_json_write_record(out, r, flags);
    return sluice_buf_data(out);
}

static sluice_field *parse_n(void **state, const char *text, size_t len)
{
    char err[200] = "";
    sluice_field *f = sluice_json_parse_field(B(state), text, len, err, sizeof err);
    if (!f)
        fail_msg("parse of %s failed: %s", text, err);
    assert_string_equal(err, "");
    return f;
}

static sluice_field *parse(void **state, const char *text)
{
    return parse_n(state, text, strlen(text));
}

static void expect_error_n(void **state, const char *text, size_t len, const char *message)
{
    char err[200] = "untouched";
    sluice_field *f = sluice_json_parse_field(B(state), text, len, err, sizeof err);
    if (f)
        fail_msg("%s parsed", text);
    assert_string_equal(err, message);
}

static void expect_error(void **state, const char *text, const char *message)
{
    expect_error_n(state, text, strlen(text), message);
}

/* ---- sluice_buf ------------------------------------------------------------- */

static void test_buf(void **state)
{
    (void)state;
    sluice_buf *buf = sluice_buf_new();
    assert_int_equal(sluice_buf_len(buf), 0);
    assert_string_equal(sluice_buf_data(buf), "");
    char chunk[1000];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 10; i++)
        sluice_buf_append(buf, chunk, sizeof chunk);
    sluice_buf_append(buf, NULL, 0);
    assert_int_equal(sluice_buf_len(buf), 10000);
    assert_int_equal(strlen(sluice_buf_data(buf)), 10000);
    sluice_buf_reset(buf);
    assert_int_equal(sluice_buf_len(buf), 0);
    sluice_buf_append(buf, "ab", 2);
    assert_string_equal(sluice_buf_data(buf), "ab");
    sluice_buf_free(buf);
    sluice_buf_free(NULL);
}

/* ---- writing every type ----------------------------------------------------- */

static void test_write_scalars(void **state)
{
    sluice_batch *b = B(state);
    assert_string_equal(json(state, sluice_field_new_null(b)), "null");
    assert_string_equal(json(state, NULL), "null");
    assert_string_equal(json(state, sluice_field_new_bool(b, true)), "true");
    assert_string_equal(json(state, sluice_field_new_bool(b, false)), "false");
    assert_string_equal(json(state, sluice_field_new_int(b, 0)), "0");
    assert_string_equal(json(state, sluice_field_new_int(b, -1)), "-1");
    assert_string_equal(json(state, sluice_field_new_int(b, 1234567)), "1234567");
    assert_string_equal(json(state, sluice_field_new_int(b, INT64_MAX)), "9223372036854775807");
    assert_string_equal(json(state, sluice_field_new_int(b, INT64_MIN)), "-9223372036854775808");
}

static void test_write_doubles(void **state)
{
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},
        {1.5, "1.5"},
        {-2.25, "-2.25"},
        {1.0, "1.0"},
        {100.0, "100.0"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {123456789012345.0, "123456789012345.0"},
        {1e15, "1e+15"},
        {1e300, "1e+300"},
        {1e21, "1e+21"},
        {-2.5e-7, "-2.5e-07"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {5e-324, "4.94065645841247e-324"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = json(state, sluice_field_new_double(B(state), cases[i].d));
        assert_string_equal(text, cases[i].text);
        assert_true(strtod(text, NULL) == cases[i].d);
    }
}

static void test_write_non_finite_as_null(void **state)
{
    sluice_batch *b = B(state);
    assert_string_equal(json(state, sluice_field_new_double(b, NAN)), "null");
    assert_string_equal(json(state, sluice_field_new_double(b, INFINITY)), "null");
    assert_string_equal(json(state, sluice_field_new_double(b, -INFINITY)), "null");
}

static void test_write_decimals(void **state)
{
    sluice_batch *b = B(state);
    assert_string_equal(json(state, sluice_field_new_decimal(b, -1250, 2)), "-12.50");
    assert_string_equal(json(state, sluice_field_new_decimal(b, 5, 3)), "0.005");
    assert_string_equal(json(state, sluice_field_new_decimal(b, 7, 0)), "7");
    assert_string_equal(json(state, sluice_field_new_decimal(b, INT64_MIN, 2)), "-92233720368547758.08");
    const char *big = "-123456789012345678901234567890.123456789";
    assert_string_equal(json(state, sluice_field_new_decimal_text(b, big, strlen(big))), big);
}

static void test_write_strings(void **state)
{
    sluice_batch *b = B(state);
    const char in[] = "a\"b\\c/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9\xf0\x9f\x98\x80";
    assert_string_equal(json(state, sluice_field_new_string(b, in, sizeof in - 1)),
                        "\"a\\\"b\\\\c/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9\xf0\x9f\x98\x80\"");
    assert_string_equal(json(state, sluice_field_new_string(b, "", 0)), "\"\"");
    /* An embedded NUL is a control character like any other. */
    sluice_buf *out = ((fixture *)*state)->out;
    json(state, sluice_field_new_string(b, "a\0b", 3));
    assert_int_equal(sluice_buf_len(out), 10);
    assert_memory_equal(sluice_buf_data(out), "\"a\\u0000b\"", 10);
}

/* Bytes that are not UTF-8 become U+FFFD, one per byte, so that the output
 * is always valid JSON text. */
static void test_write_invalid_utf8_replaced(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\xff" "b", "\"a\xef\xbf\xbd" "b\""},
        {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},                          /* overlong '/' */
        {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},          /* a surrogate */
        {"x\xe2\x82", "\"x\xef\xbf\xbd\xef\xbf\xbd\""},                         /* truncated */
        {"\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* > U+10FFFF */
        {"\xe2\x82\xac", "\"\xe2\x82\xac\""},                                   /* the euro sign is fine */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(json(state, sluice_field_new_string(B(state), cases[i].in, strlen(cases[i].in))),
                            cases[i].out);
}

/* RFC 4648 §10 test vectors. */
static void test_write_bytes_base64(void **state)
{
    static const char *const vectors[][2] = {
        {"", "\"\""},         {"f", "\"Zg==\""},         {"fo", "\"Zm8=\""},         {"foo", "\"Zm9v\""},
        {"foob", "\"Zm9vYg==\""}, {"fooba", "\"Zm9vYmE=\""}, {"foobar", "\"Zm9vYmFy\""},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        assert_string_equal(json(state, sluice_field_new_bytes(B(state), vectors[i][0], strlen(vectors[i][0]))),
                            vectors[i][1]);
    assert_string_equal(json(state, sluice_field_new_bytes(B(state), "\xff\xfe\x00", 3)), "\"//4A\"");
}

static void test_write_datetimes(void **state)
{
    static const struct {
        int64_t us;
        const char *text;
    } cases[] = {
        {0, "\"1970-01-01T00:00:00Z\""},
        {1358051760000000, "\"2013-01-13T04:36:00Z\""},
        {1358051760123000, "\"2013-01-13T04:36:00.123Z\""},
        {1358051760120000, "\"2013-01-13T04:36:00.120Z\""},
        {1358051760000001, "\"2013-01-13T04:36:00.000001Z\""},
        {1358051760123456, "\"2013-01-13T04:36:00.123456Z\""},
        {-1, "\"1969-12-31T23:59:59.999999Z\""},
        {-1000, "\"1969-12-31T23:59:59.999Z\""},
        {951782400000000, "\"2000-02-29T00:00:00Z\""},
        {253402300799000000, "\"9999-12-31T23:59:59Z\""},
        {253402300800000000, "\"+10000-01-01T00:00:00Z\""},
        {-62135596800000000, "\"0001-01-01T00:00:00Z\""},
        {-62167219200000000, "\"0000-01-01T00:00:00Z\""},
        {-62167219200000001, "\"-0001-12-31T23:59:59.999999Z\""},
        {INT64_MAX, "\"+294247-01-10T04:00:54.775807Z\""},
        {INT64_MIN, "\"-290308-12-21T19:59:05.224192Z\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(json(state, sluice_field_new_datetime(B(state), cases[i].us)), cases[i].text);
}

static void test_write_containers(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 0);
    assert_string_equal(json(state, m), "{}");
    sluice_field *l = sluice_field_new_list(b, 0);
    assert_string_equal(json(state, l), "[]");
    sluice_list_append(b, l, sluice_field_new_int(b, 1));
    sluice_list_append(b, l, sluice_field_new_null(b));
    sluice_list_append(b, l, sluice_field_new_list(b, 0));
    sluice_map_put(b, m, "z", 1, l);
    sluice_map_put(b, m, "a\"q", 3, sluice_field_new_string(b, "v", 1));
    sluice_map_put(b, m, "", 0, sluice_field_new_map(b, 0));
    assert_string_equal(json(state, m), "{\"z\":[1,null,[]],\"a\\\"q\":\"v\",\"\":{}}");
}

static void test_write_appends(void **state)
{
    sluice_buf *out = ((fixture *)*state)->out;
    sluice_buf_reset(out);
    sluice_buf_append(out, "x=", 2);
    sluice_json_write_field(out, sluice_field_new_int(B(state), 5));
    assert_string_equal(sluice_buf_data(out), "x=5");
}

/* ---- records and the attributes envelope -------------------------------------- */

static sluice_record *record_with_attributes(sluice_batch *b)
{
    sluice_field *root = sluice_field_new_map(b, 0);
    sluice_map_put(b, root, "k", 1, sluice_field_new_int(b, 1));
    sluice_record *r = sluice_record_new(b, root);
    sluice_record_set_attribute(b, r, "sluice.error.code", "E1");
    sluice_record_set_attribute(b, r, "q", "x\"y\n");
    return r;
}

static void test_write_record(void **state)
{
    sluice_record *r = record_with_attributes(B(state));
    assert_string_equal(json_record(state, r, 0), "{\"k\":1}");
    assert_string_equal(json_record(state, r, SLUICE_JSON_WITH_ATTRIBUTES),
                        "{\"attributes\":{\"sluice.error.code\":\"E1\",\"q\":\"x\\\"y\\n\"},\"value\":{\"k\":1}}");
    sluice_record *plain = sluice_record_new(B(state), sluice_field_new_string(B(state), "s", 1));
    assert_string_equal(json_record(state, plain, SLUICE_JSON_WITH_ATTRIBUTES),
                        "{\"attributes\":{},\"value\":\"s\"}");
}

static void test_parse_record_plain(void **state)
{
    char err[100];
    sluice_record *r = sluice_json_parse_record(B(state), " [1] ", 5, 0, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(sluice_field_type(sluice_record_root(r)), SLUICE_LIST);
    assert_int_equal(sluice_record_attribute_count(r), 0);
    assert_null(sluice_json_parse_record(B(state), "[1", 2, 0, err, sizeof err));
    assert_string_equal(err, "column 3: expected ',' or ']', found end of input");
}

static void test_parse_record_with_attributes(void **state)
{
    const char *text = "{\"attributes\":{\"sluice.error.code\":\"E1\",\"q\":\"x\\\"y\\n\"},\"value\":{\"k\":1}}";
    char err[100] = "";
    sluice_record *r =
        sluice_json_parse_record(B(state), text, strlen(text), SLUICE_JSON_WITH_ATTRIBUTES, err, sizeof err);
    assert_non_null(r);
    assert_string_equal(err, "");
    assert_int_equal(sluice_record_attribute_count(r), 2);
    assert_string_equal(sluice_record_attribute(r, "sluice.error.code"), "E1");
    assert_string_equal(sluice_record_attribute(r, "q"), "x\"y\n");
    assert_true(sluice_field_get_int(sluice_record_get(r, "/k")) == 1);
    /* ... and back to the same bytes. */
    assert_string_equal(json_record(state, r, SLUICE_JSON_WITH_ATTRIBUTES), text);

    const char *swapped = " { \"value\" : 7 , \"attributes\" : { } } ";
    r = sluice_json_parse_record(B(state), swapped, strlen(swapped), SLUICE_JSON_WITH_ATTRIBUTES, err, sizeof err);
    assert_non_null(r);
    assert_true(sluice_field_get_int(sluice_record_root(r)) == 7);
    assert_int_equal(sluice_record_attribute_count(r), 0);

    const char *only_value = "{\"value\":null}";
    r = sluice_json_parse_record(B(state), only_value, strlen(only_value), SLUICE_JSON_WITH_ATTRIBUTES, err,
                                 sizeof err);
    assert_non_null(r);
    assert_int_equal(sluice_field_type(sluice_record_root(r)), SLUICE_NULL);
}

static void expect_envelope_error(void **state, const char *text, const char *message)
{
    char err[200] = "untouched";
    sluice_record *r =
        sluice_json_parse_record(B(state), text, strlen(text), SLUICE_JSON_WITH_ATTRIBUTES, err, sizeof err);
    if (r)
        fail_msg("%s parsed", text);
    assert_string_equal(err, message);
}

static void test_parse_envelope_errors(void **state)
{
    expect_envelope_error(state, "[1]",
                          "column 1: expected '{' (a record envelope with \"attributes\" and \"value\"), found '['");
    expect_envelope_error(state, "{\"attributes\":{}}", "column 17: the record envelope has no \"value\"");
    expect_envelope_error(state, "{}", "column 2: the record envelope has no \"value\"");
    expect_envelope_error(state, "{\"x\":1}",
                          "column 2: unexpected key in the record envelope (expected \"attributes\" or \"value\")");
    expect_envelope_error(state, "{\"attributes\":[],\"value\":1}",
                          "column 15: expected '{' (the attributes object), found '['");
    expect_envelope_error(state, "{\"attributes\":{\"a\":1},\"value\":1}",
                          "column 20: expected a string (attribute values are strings), found '1'");
    expect_envelope_error(state, "{\"attributes\":{\"a\":\"x\\u0000\"},\"value\":1}",
                          "column 20: attribute contains a NUL character");
    expect_envelope_error(state, "{\"attributes\":{\"a\\u0000\":\"x\"},\"value\":1}",
                          "column 16: attribute contains a NUL character");
    expect_envelope_error(state, "{\"value\":1} x", "column 13: expected end of input, found 'x'");
    expect_envelope_error(state, "{\"value\":1", "column 11: expected ',' or '}', found end of input");
    expect_envelope_error(state, "{\"value\":[}", "column 11: expected a JSON value, found '}'");
}

/* ---- parsing every construct ------------------------------------------------------ */

static void test_parse_literals(void **state)
{
    assert_int_equal(sluice_field_type(parse(state, "null")), SLUICE_NULL);
    sluice_field *t = parse(state, "true");
    assert_int_equal(sluice_field_type(t), SLUICE_BOOL);
    assert_true(sluice_field_get_bool(t));
    sluice_field *f = parse(state, " \t\r\nfalse\n ");
    assert_int_equal(sluice_field_type(f), SLUICE_BOOL);
    assert_false(sluice_field_get_bool(f));
}

static void test_parse_integers(void **state)
{
    sluice_field *f = parse(state, "42");
    assert_int_equal(sluice_field_type(f), SLUICE_INT);
    assert_true(sluice_field_get_int(f) == 42);
    assert_null(sluice_field_number_text(f, NULL));
    assert_true(sluice_field_get_int(parse(state, "-7")) == -7);
    assert_true(sluice_field_get_int(parse(state, "0")) == 0);
    assert_true(sluice_field_get_int(parse(state, "9223372036854775807")) == INT64_MAX);
    assert_true(sluice_field_get_int(parse(state, "-9223372036854775808")) == INT64_MIN);

    /* -0 is an INT that remembers how it was written. */
    f = parse(state, "-0");
    assert_int_equal(sluice_field_type(f), SLUICE_INT);
    assert_true(sluice_field_get_int(f) == 0);
    size_t len;
    assert_string_equal(sluice_field_number_text(f, &len), "-0");
    assert_int_equal(len, 2);
}

static void test_parse_big_integers_as_decimal(void **state)
{
    static const char *const texts[] = {"9223372036854775808", "-9223372036854775809",
                                        "123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sluice_field *f = parse(state, texts[i]);
        assert_int_equal(sluice_field_type(f), SLUICE_DECIMAL);
        assert_int_equal(sluice_field_get_decimal(f, NULL, NULL), -1);
        char buf[64];
        sluice_field_decimal_text(f, buf, sizeof buf);
        assert_string_equal(buf, texts[i]);
        assert_string_equal(sluice_field_number_text(f, NULL), texts[i]);
        assert_int_equal(f->scale, 0);
        assert_true(sluice_field_get_double(f) == strtod(texts[i], NULL));
    }
    /* More digits than a DECIMAL holds: a DOUBLE, still with its text. */
    char digits[101];
    memset(digits, '7', 100);
    digits[100] = '\0';
    sluice_field *f = parse(state, digits);
    assert_int_equal(sluice_field_type(f), SLUICE_DOUBLE);
    assert_true(sluice_field_get_double(f) == strtod(digits, NULL));
    assert_string_equal(sluice_field_number_text(f, NULL), digits);
}

static void test_parse_doubles_keep_text(void **state)
{
    static const struct {
        const char *text;
        double d;
    } cases[] = {
        {"12.50", 12.5},  {"1e300", 1e300},   {"1E+2", 100.0},          {"-0.0", -0.0},
        {"0.1e-7", 1e-8}, {"-1.5E-3", -1.5e-3}, {"3.14159", 3.14159},   {"1e400", INFINITY},
        {"1e-400", 0.0},  {"0.30000000000000004", 0.30000000000000004},
        {"123456789.0123456789", 123456789.0123456789},
        {"2.2250738585072011e-308", 2.2250738585072011e-308},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sluice_field *f = parse(state, cases[i].text);
        assert_int_equal(sluice_field_type(f), SLUICE_DOUBLE);
        assert_true(sluice_field_get_double(f) == cases[i].d);
        assert_true(signbit(sluice_field_get_double(f)) == signbit(cases[i].d));
        size_t len;
        assert_string_equal(sluice_field_number_text(f, &len), cases[i].text);
        assert_int_equal(len, strlen(cases[i].text));
    }
}

/* A copy of a parsed number keeps its text in the copy's own arena. */
static void test_copy_keeps_number_text(void **state)
{
    arena *a2 = arena_new(0);
    sluice_batch *b2 = batch_new(a2);
    sluice_field *list = parse(state, "[12.50,-0,123456789012345678901234567890]");
    sluice_field *copy = sluice_field_copy(b2, list);
    arena_reset(B(state)->arena);
    memset(arena_alloc(B(state)->arena, 60000), '9', 60000);
    assert_string_equal(json(state, copy), "[12.50,-0,123456789012345678901234567890]");
    batch_free(b2);
    arena_free(a2);
}

static void test_parse_strings(void **state)
{
    size_t len;
    sluice_field *f = parse(state, "\"plain\"");
    assert_int_equal(sluice_field_type(f), SLUICE_STRING);
    assert_string_equal(sluice_field_get_string(f, &len), "plain");
    assert_int_equal(len, 5);

    f = parse(state, "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
    assert_string_equal(sluice_field_get_string(f, NULL), "\" \\ / \b \f \n \r \t");

    f = parse(state, "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"");
    assert_string_equal(sluice_field_get_string(f, NULL), "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");

    f = parse(state, "\"raw \xc3\xa9\xf0\x9f\x98\x80 \x7f\"");
    assert_string_equal(sluice_field_get_string(f, NULL), "raw \xc3\xa9\xf0\x9f\x98\x80 \x7f");

    f = parse(state, "\"a\\u0000b\"");
    const char *s = sluice_field_get_string(f, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 4);

    f = parse(state, "\"\"");
    assert_string_equal(sluice_field_get_string(f, &len), "");
    assert_int_equal(len, 0);
}

static void test_parse_arrays(void **state)
{
    sluice_field *f = parse(state, "[]");
    assert_int_equal(sluice_field_type(f), SLUICE_LIST);
    assert_int_equal(sluice_field_count(f), 0);
    f = parse(state, "[ 1 , \"two\" , [ null ] , { } ]");
    assert_int_equal(sluice_field_count(f), 4);
    assert_true(sluice_field_get_int(sluice_list_get(f, 0)) == 1);
    assert_string_equal(sluice_field_get_string(sluice_list_get(f, 1), NULL), "two");
    assert_int_equal(sluice_field_count(sluice_list_get(f, 2)), 1);
    assert_int_equal(sluice_field_type(sluice_list_get(f, 3)), SLUICE_MAP);

    char text[2000];
    size_t n = 0;
    text[n++] = '[';
    for (int i = 0; i < 300; i++)
        n += (size_t)sprintf(text + n, "%s%d", i ? "," : "", i);
    text[n++] = ']';
    f = parse_n(state, text, n);
    assert_int_equal(sluice_field_count(f), 300);
    assert_true(sluice_field_get_int(sluice_list_get(f, 299)) == 299);
}

static void test_parse_objects(void **state)
{
    sluice_field *f = parse(state, "{}");
    assert_int_equal(sluice_field_type(f), SLUICE_MAP);
    assert_int_equal(sluice_field_count(f), 0);
    f = parse(state, "{ \"b\" : 1 , \"a\" : { \"\" : [] } , \"\\u00e9\" : true }");
    assert_int_equal(sluice_field_count(f), 3);
    const char *key;
    sluice_map_entry(f, 0, &key, NULL);
    assert_string_equal(key, "b");
    sluice_map_entry(f, 1, &key, NULL);
    assert_string_equal(key, "a");
    sluice_map_entry(f, 2, &key, NULL);
    assert_string_equal(key, "\xc3\xa9");
    assert_int_equal(sluice_field_type(sluice_map_get(sluice_map_get(f, "a", 1), "", 0)), SLUICE_LIST);
}

/* Duplicate keys: the last value wins, in the place of the first. */
static void test_parse_duplicate_keys(void **state)
{
    assert_string_equal(json(state, parse(state, "{\"a\":1,\"b\":2,\"a\":3}")), "{\"a\":3,\"b\":2}");

    /* Past the size where the parser indexes keys. */
    char text[4000], expect[4000];
    size_t n = 0, e = 0;
    text[n++] = '{';
    expect[e++] = '{';
    for (int i = 0; i < 100; i++) {
        n += (size_t)sprintf(text + n, "%s\"k%d\":%d", i ? "," : "", i, i);
        e += (size_t)sprintf(expect + e, "%s\"k%d\":%d", i ? "," : "", i, i % 10 == 0 ? -i : i);
    }
    for (int i = 0; i < 100; i += 10)
        n += (size_t)sprintf(text + n, ",\"k%d\":%d", i, -i);
    text[n++] = '}';
    expect[e++] = '}';
    expect[e] = '\0';
    sluice_field *f = parse_n(state, text, n);
    assert_int_equal(sluice_field_count(f), 100);
    assert_string_equal(json(state, f), expect);
}

static void test_parse_depth_limit(void **state)
{
    char text[2 * 513 + 1];
    memset(text, '[', 512);
    memset(text + 512, ']', 512);
    sluice_field *f = parse_n(state, text, 1024);
    assert_int_equal(sluice_field_type(f), SLUICE_LIST);

    memset(text, '[', 513);
    memset(text + 513, ']', 513);
    expect_error_n(state, text, 1026, "column 513: nesting deeper than 512 levels");
    char objects[5 * 513];
    size_t n = 0;
    for (int i = 0; i < 513; i++) {
        memcpy(objects + n, "{\"a\":", 5);
        n += 5;
    }
    expect_error_n(state, objects, n, "column 2561: nesting deeper than 512 levels");
}

static void test_parse_ignores_text_past_len(void **state)
{
    sluice_field *f = parse_n(state, "[1]garbage", 3);
    assert_int_equal(sluice_field_count(f), 1);
    f = parse_n(state, "12345", 2);
    assert_true(sluice_field_get_int(f) == 12);
}

/* ---- round trips: parse, then write the same bytes ----------------------------------- */

static void test_round_trips(void **state)
{
    static const char *const texts[] = {
        "null",
        "true",
        "[false]",
        "0",
        "-0",
        "-0.0",
        "12.50",
        "1e300",
        "1E+2",
        "0.1e-7",
        "1e400",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-123456789012345678901234567890",
        "7777777777777777777777777777777777777777777777777777777777777777777777777777777777777777",
        "\"\"",
        "\"\xc3\xa9\xf0\x9f\x98\x80\"",
        "\"\\u0000\\u0001\\u001f\\n\\t\\\"\\\\\"",
        "[]",
        "{}",
        "[[[]],{}]",
        "{\"\":{\"\":\"\"}}",
        "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\",\"d\":{\"e\":1.0}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_string_equal(json(state, parse(state, texts[i])), texts[i]);
}

/* Escapes that have a shorter form come back in it, and stay there. */
static void test_round_trip_normalizes_escapes(void **state)
{
    static const char *const cases[][2] = {
        {"\"\\u00e9\\ud83d\\ude00\"", "\"\xc3\xa9\xf0\x9f\x98\x80\""},
        {"\"\\/\"", "\"/\""},
        {"\"\\u0041\\u000a\\u001F\"", "\"A\\n\\u001f\""},
        {" [ 1 , 2 ] ", "[1,2]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(json(state, parse(state, cases[i][0])), cases[i][1]);
        assert_string_equal(json(state, parse(state, cases[i][1])), cases[i][1]);
    }
}

/* A field made by a stage (no JSON text) comes back as the same value. */
static void test_round_trip_of_written_doubles(void **state)
{
    static const double values[] = {0.1, 1.0 / 3.0, 1e-300, 123.456, -9.87654321e100, 5e-324, 4503599627370497.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const char *text = json(state, sluice_field_new_double(B(state), values[i]));
        char copy[64];
        snprintf(copy, sizeof copy, "%s", text);
        sluice_field *f = parse(state, copy);
        assert_int_equal(sluice_field_type(f), SLUICE_DOUBLE);
        assert_true(sluice_field_get_double(f) == values[i]);
    }
}

/* ---- errors ------------------------------------------------------------------------ */

static void test_errors_structure(void **state)
{
    expect_error(state, "", "column 1: expected a JSON value, found end of input");
    expect_error(state, "   ", "column 4: expected a JSON value, found end of input");
    expect_error(state, "{", "column 2: expected a string key, found end of input");
    expect_error(state, "{\"a\":1", "column 7: expected ',' or '}', found end of input");
    expect_error(state, "{\"a\":1,}", "column 8: expected a string key, found '}'");
    expect_error(state, "{\"a\" 1}", "column 6: expected ':' after the key, found '1'");
    expect_error(state, "{1:2}", "column 2: expected a string key, found '1'");
    expect_error(state, "{\"a\":}", "column 6: expected a JSON value, found '}'");
    expect_error(state, "[1,2", "column 5: expected ',' or ']', found end of input");
    expect_error(state, "[1,]", "column 4: expected a JSON value, found ']'");
    expect_error(state, "[1 2]", "column 4: expected ',' or ']', found '2'");
    expect_error(state, "1 2", "column 3: expected end of input, found '2'");
    expect_error(state, "{}x", "column 3: expected end of input, found 'x'");
    expect_error(state, "\"a\"\n x", "line 2, column 2: expected end of input, found 'x'");
    expect_error(state, "[\n1,\n\n  ?]", "line 4, column 3: expected a JSON value, found '?'");
}

static void test_errors_literals(void **state)
{
    expect_error(state, "tru", "column 1: expected a JSON value, found 't'");
    expect_error(state, "nul", "column 1: expected a JSON value, found 'n'");
    expect_error(state, "True", "column 1: expected a JSON value, found 'T'");
    expect_error(state, "NaN", "column 1: expected a JSON value, found 'N'");
    expect_error(state, "'a'", "column 1: expected a JSON value, found '''");
    expect_error(state, "[nulll]", "column 6: expected ',' or ']', found 'l'");
    expect_error(state, "\xef\xbb\xbf" "1", "column 1: expected a JSON value, found byte 0xef");
    expect_error(state, "/* c */ 1", "column 1: expected a JSON value, found '/'");
}

static void test_errors_numbers(void **state)
{
    expect_error(state, "01", "column 1: leading zeros are not allowed in numbers");
    expect_error(state, "-01", "column 2: leading zeros are not allowed in numbers");
    expect_error(state, "[00]", "column 2: leading zeros are not allowed in numbers");
    expect_error(state, "-", "column 2: expected a digit, found end of input");
    expect_error(state, "-a", "column 2: expected a digit, found 'a'");
    expect_error(state, "1.", "column 3: expected a digit after '.', found end of input");
    expect_error(state, "1.e5", "column 3: expected a digit after '.', found 'e'");
    expect_error(state, "1e", "column 3: expected a digit in the exponent, found end of input");
    expect_error(state, "1e+", "column 4: expected a digit in the exponent, found end of input");
    expect_error(state, ".5", "column 1: expected a JSON value, found '.'");
    expect_error(state, "+1", "column 1: expected a JSON value, found '+'");
    expect_error(state, "0x1", "column 2: expected end of input, found 'x'");
}

static void test_errors_strings(void **state)
{
    expect_error(state, "\"abc", "column 5: expected '\"' (end of string), found end of input");
    expect_error(state, "\"", "column 2: expected '\"' (end of string), found end of input");
    expect_error(state, "\"a\\", "column 4: expected an escape character, found end of input");
    expect_error(state, "\"a\\x\"",
                 "column 3: invalid escape (expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
    expect_error(state, "\"\\u12g4\"", "column 2: expected 4 hex digits after \\u");
    expect_error(state, "\"\\u12\"", "column 2: expected 4 hex digits after \\u");
    expect_error(state, "\"\\ud800\"",
                 "column 2: unpaired surrogate \\ud800 (expected a low surrogate \\udc00-\\udfff after it)");
    expect_error(state, "\"x\\ud800\\u0041\"",
                 "column 3: unpaired surrogate \\ud800 (expected a low surrogate \\udc00-\\udfff after it)");
    expect_error(state, "\"\\udc00\"",
                 "column 2: unpaired surrogate \\udc00 (a low surrogate must follow a high one)");
    expect_error(state, "\"ab\x01\"", "column 4: control character in string (write it as \\u0001)");
    expect_error(state, "\"a\tb\"", "column 3: control character in string (write it as \\u0009)");
    expect_error_n(state, "\"a\0b\"", 5, "column 3: control character in string (write it as \\u0000)");
}

static void test_errors_invalid_utf8(void **state)
{
    expect_error(state, "\"a\xff" "b\"", "column 3: invalid UTF-8 in string");
    expect_error(state, "\"\xc0\xaf\"", "column 2: invalid UTF-8 in string");
    expect_error(state, "\"\xed\xa0\x80\"", "column 2: invalid UTF-8 in string");
    expect_error(state, "\"\xf4\x90\x80\x80\"", "column 2: invalid UTF-8 in string");
    expect_error(state, "\"ok\xe2\x82\"", "column 4: invalid UTF-8 in string");
    expect_error(state, "{\"k\x80\":1}", "column 4: invalid UTF-8 in string");
    expect_error(state, "\"\x80\"", "column 2: invalid UTF-8 in string");
}

static void test_error_buffer_limits(void **state)
{
    assert_null(sluice_json_parse_field(B(state), "[", 1, NULL, 0));
    char err[10] = "xxxxxxxxx";
    assert_null(sluice_json_parse_field(B(state), "[", 1, err, sizeof err));
    assert_string_equal(err, "column 2:");
}

/* ---- datetime text (RFC 3339) -------------------------------------------------------- */

static void test_datetime_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t us;
    } cases[] = {
        {"2013-01-13T04:36:00Z", 1358051760000000},
        {"2013-01-13T05:36:00+01:00", 1358051760000000},
        {"2013-01-12T23:06:00-05:30", 1358051760000000},
        {"2013-01-13 04:36:00", 1358051760000000},
        {"2013-01-13t04:36:00z", 1358051760000000},
        {"2013-01-13T04:36:00.5Z", 1358051760500000},
        {"2013-01-13T04:36:00.123456Z", 1358051760123456},
        {"2013-01-13T04:36:00.1234569Z", 1358051760123456},
        {"1969-12-31T23:59:59.999999Z", -1},
        {"2000-02-29T00:00:00Z", 951782400000000},
        {"2016-12-31T23:59:60Z", 1483228800000000},
        {"0000-01-01T00:00:00Z", -62167219200000000},
        {"+10000-01-01T00:00:00Z", 253402300800000000},
        {"-0001-12-31T23:59:59.999999Z", -62167219200000001},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t us = 42;
        if (datetime_parse(cases[i].text, strlen(cases[i].text), &us) != 0)
            fail_msg("%s refused", cases[i].text);
        assert_true(us == cases[i].us);
    }
}

static void test_datetime_parse_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2013-01-13",
        "2013-02-29T00:00:00Z",
        "2013-13-01T00:00:00Z",
        "2013-00-01T00:00:00Z",
        "2013-01-00T00:00:00Z",
        "2013-01-13T24:00:00Z",
        "2013-01-13T23:60:00Z",
        "2013-01-13T23:59:61Z",
        "2013-1-13T04:36:00Z",
        "13-01-13T04:36:00Z",
        "2013-01-13T04:36Z",
        "2013-01-13T04:36:00.Z",
        "2013-01-13T04:36:00+0100",
        "2013-01-13T04:36:00+24:00",
        "2013-01-13T04:36:00Z ",
        "2013-01-13X04:36:00Z",
        "+999999-01-01T00:00:00Z",
        "-999999-01-01T00:00:00Z",
        "+12-01-01T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t us = 42;
        if (datetime_parse(bad[i], strlen(bad[i]), &us) == 0)
            fail_msg("%s accepted", bad[i]);
        assert_true(us == 42);
    }
}

static void test_datetime_round_trip(void **state)
{
    (void)state;
    static const int64_t values[] = {0, 1, -1, 999, 1000, -1000, 1358051760123456, 86399999999, -86400000000,
                                     253402300800000000, -62167219200000001, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char text[DATETIME_TEXT_SIZE];
        size_t n = datetime_format(values[i], text);
        assert_int_equal(n, strlen(text));
        int64_t back;
        assert_int_equal(datetime_parse(text, n, &back), 0);
        assert_true(back == values[i]);
    }
    /* Every day over 800 years, through the calendar helpers. */
    for (int64_t days = -146097; days < 146097; days += 1) {
        int64_t y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m));
        assert_true(days_from_civil(y, m, d) == days);
    }
}

/* ---- base64 decoding (RFC 4648 §4) ----------------------------------------------------- */

static void test_base64_decode(void **state)
{
    (void)state;
    static const char *const vectors[][2] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        unsigned char out[16];
        size_t len = 99;
        const char *enc = vectors[i][1];
        assert_int_equal(base64_decode(enc, strlen(enc), out, &len), 0);
        assert_int_equal(len, strlen(vectors[i][0]));
        assert_memory_equal(out, vectors[i][0], len);
    }
    unsigned char all[256], back[256];
    char enc[400];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    base64_encode(all, 256, enc);
    size_t len;
    assert_int_equal(base64_decode(enc, base64_encoded_len(256), back, &len), 0);
    assert_int_equal(len, 256);
    assert_memory_equal(back, all, 256);
}

static void test_base64_decode_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t at;
    } bad[] = {
        {"Zg", 0},  {"Zg=", 0},  {"Z===", 1}, {"Zh==", 1},       {"Zm9=", 2},      {"=Zm9", 0},
        {"Zm==Zm9v", 2}, {"Zm9v!mFy", 4}, {"Zm9v\nYmFy", 8}, {"Zm9vYmF", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned char out[16];
        size_t at = 99;
        if (base64_decode(bad[i].text, strlen(bad[i].text), out, &at) == 0)
            fail_msg("%s accepted", bad[i].text);
        assert_int_equal(at, bad[i].at);
    }
}

/* ---- number text ------------------------------------------------------------------- */

static void test_number_format_int(void **state)
{
    (void)state;
    char buf[NUMBER_INT_SIZE + 1];
    static const int64_t values[] = {0, 9, 10, 99, 100, -1, -10, 1234567890123, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        size_t n = number_format_int(values[i], buf);
        buf[n] = '\0';
        char expect[32];
        snprintf(expect, sizeof expect, "%lld", (long long)values[i]);
        assert_string_equal(buf, expect);
    }
}

static void test_number_parse_double(void **state)
{
    (void)state;
    static const char *const texts[] = {"0",       "-0",           "1.5",     "+2.5",  "12.50",
                                        "1e22",    "1e23",         "9007199254740993",
                                        "0.1",     "1234567890123456789", "4.9e-324", "1.7976931348623157e308",
                                        "1e-22",   "123.456e-5",
                                        /* more digits than the exact path takes */
                                        "1174115433.906158532", "422991814472010.9109", "92481.23869591611895"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        double d = number_parse_double(texts[i], strlen(texts[i]));
        assert_true(d == strtod(texts[i], NULL));
        assert_true(signbit(d) == signbit(strtod(texts[i], NULL)));
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),
        T(test_write_scalars),
        T(test_write_doubles),
        T(test_write_non_finite_as_null),
        T(test_write_decimals),
        T(test_write_strings),
        T(test_write_invalid_utf8_replaced),
        T(test_write_bytes_base64),
        T(test_write_datetimes),
        T(test_write_containers),
        T(test_write_appends),
        T(test_write_record),
        T(test_parse_record_plain),
        T(test_parse_record_with_attributes),
        T(test_parse_envelope_errors),
        T(test_parse_literals),
        T(test_parse_integers),
        T(test_parse_big_integers_as_decimal),
        T(test_parse_doubles_keep_text),
        T(test_copy_keeps_number_text),
        T(test_parse_strings),
        T(test_parse_arrays),
        T(test_parse_objects),
        T(test_parse_duplicate_keys),
        T(test_parse_depth_limit),
        T(test_parse_ignores_text_past_len),
        T(test_round_trips),
        T(test_round_trip_normalizes_escapes),
        T(test_round_trip_of_written_doubles),
        T(test_errors_structure),
        T(test_errors_literals),
        T(test_errors_numbers),
        T(test_errors_strings),
        T(test_errors_invalid_utf8),
        T(test_error_buffer_limits),
        cmocka_unit_test(test_datetime_parse),
        cmocka_unit_test(test_datetime_parse_refused),
        cmocka_unit_test(test_datetime_round_trip),
        cmocka_unit_test(test_base64_decode),
        cmocka_unit_test(test_base64_decode_refused),
        cmocka_unit_test(test_number_format_int),
        cmocka_unit_test(test_number_parse_double),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
