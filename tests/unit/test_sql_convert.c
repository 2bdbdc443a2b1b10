/* tests/unit/test_sql_convert.c — a field's value in its column's type
 * (plugins/sql/convert.c, sql_time.c): every sql_type from every field
 * type it takes, and the edge cases a server would refuse (int64 overflow,
 * a column's range, NaN, "", bad and leap dates, offsets, fractions). */
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

#include "arena.h"
#include "convert.h"
#include "record/record_impl.h"

static arena *a;
static sluice_batch *b;
static sql_converter cv;

static int setup(void **state)
{
    (void)state;
    a = arena_new(0);
    b = batch_new(a);
    cv.json = sluice_buf_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sluice_buf_free(cv.json);
    batch_free(b);
    arena_free(a);
    return 0;
}

/* The conversion as one string: the text, "NULL", "bytes:<len>:<text>",
 * or "error: <why>". */
static const char *conv(const sluice_field *f, sql_type type, int64_t min, int64_t max)
{
    static char out[512];
    sql_column col = {.name = "c", .db_type = "t", .type = type, .min = min, .max = max};
    sql_value v;
    char why[256];
    if (!sql_convert(&cv, b, f, &col, &v, why, sizeof why)) {
        snprintf(out, sizeof out, "error: %s", why);
        return out;
    }
    if (v.kind == SQL_VALUE_NULL)
        return "NULL";
    assert_int_equal(v.text[v.len], '\0');
    if (v.kind == SQL_VALUE_BYTES) {
        snprintf(out, sizeof out, "bytes:%zu:%s", v.len, v.text);
        return out;
    }
    snprintf(out, sizeof out, "%s", v.text);
    assert_int_equal(strlen(out), v.len);
    return out;
}

static sluice_field *str(const char *s) { return sluice_field_new_string(b, s, strlen(s)); }
static sluice_field *json(const char *s)
{
    char err[128];
    sluice_field *f = sluice_json_parse_field(b, s, strlen(s), err, sizeof err);
    assert_non_null(f);
    return f;
}

#define INT32 INT32_MIN, INT32_MAX
#define INT16 -32768, 32767
#define INT64 INT64_MIN, INT64_MAX

static void to_int(void **state)
{
    (void)state;
    assert_string_equal(conv(sluice_field_new_int(b, 12), SQL_TYPE_INT, INT32), "12");
    assert_string_equal(conv(sluice_field_new_int(b, 40000), SQL_TYPE_INT, INT16),
                        "error: 40000 is out of range [-32768, 32767]");
    assert_string_equal(conv(str("-32768"), SQL_TYPE_INT, INT16), "-32768");
    assert_string_equal(conv(str("+5"), SQL_TYPE_INT, INT16), "5");
    assert_string_equal(conv(str("9223372036854775807"), SQL_TYPE_INT, INT64), "9223372036854775807");
    assert_string_equal(conv(str("-9223372036854775808"), SQL_TYPE_INT, INT64), "-9223372036854775808");
    assert_string_equal(conv(str("9223372036854775808"), SQL_TYPE_INT, INT64),
                        "error: '9223372036854775808' is not an integer");
    assert_string_equal(conv(str(""), SQL_TYPE_INT, INT32), "error: '' is not an integer");
    assert_string_equal(conv(str(" 1"), SQL_TYPE_INT, INT32), "error: ' 1' is not an integer");
    assert_string_equal(conv(str("1.0"), SQL_TYPE_INT, INT32), "error: '1.0' is not an integer");
    assert_string_equal(conv(str("12abc"), SQL_TYPE_INT, INT32), "error: '12abc' is not an integer");
    assert_string_equal(conv(sluice_field_new_double(b, 3.0), SQL_TYPE_INT, INT32), "3");
    assert_string_equal(conv(sluice_field_new_double(b, 3.5), SQL_TYPE_INT, INT32), "error: 3.5 is not an integer");
    assert_string_equal(conv(sluice_field_new_double(b, 1e19), SQL_TYPE_INT, INT64),
                        "error: 1e+19 is not an integer");
    assert_string_equal(conv(sluice_field_new_double(b, NAN), SQL_TYPE_INT, INT64), "error: nan is not an integer");
    assert_string_equal(conv(sluice_field_new_decimal(b, 1200, 2), SQL_TYPE_INT, INT32), "12");
    assert_string_equal(conv(sluice_field_new_decimal(b, 1250, 2), SQL_TYPE_INT, INT32),
                        "error: 12.50 is not an integer");
    assert_string_equal(conv(sluice_field_new_bool(b, true), SQL_TYPE_INT, INT32), "1");
    assert_string_equal(conv(json("[1]"), SQL_TYPE_INT, INT32), "error: a list does not convert to an integer");
    assert_string_equal(conv(sluice_field_new_null(b), SQL_TYPE_INT, INT32), "NULL");
}

static void to_float(void **state)
{
    (void)state;
    assert_string_equal(conv(str("1.5"), SQL_TYPE_FLOAT, 0, 0), "1.5");
    assert_string_equal(conv(str("1e3"), SQL_TYPE_FLOAT, 0, 0), "1000");
    assert_string_equal(conv(sluice_field_new_double(b, 0.1), SQL_TYPE_FLOAT, 0, 0), "0.1");
    assert_string_equal(conv(sluice_field_new_double(b, 1.0 / 3), SQL_TYPE_FLOAT, 0, 0), "0.3333333333333333");
    assert_string_equal(conv(sluice_field_new_int(b, -3), SQL_TYPE_FLOAT, 0, 0), "-3");
    assert_string_equal(conv(str("abc"), SQL_TYPE_FLOAT, 0, 0), "error: 'abc' is not a number");
    assert_string_equal(conv(str(""), SQL_TYPE_FLOAT, 0, 0), "error: '' is not a number");
    assert_string_equal(conv(str("0x10"), SQL_TYPE_FLOAT, 0, 0), "error: '0x10' is not a number");
    assert_string_equal(conv(str(" 1"), SQL_TYPE_FLOAT, 0, 0), "error: ' 1' is not a number");
    assert_string_equal(conv(str("NaN"), SQL_TYPE_FLOAT, 0, 0), "error: 'NaN' is not a finite number");
    assert_string_equal(conv(sluice_field_new_double(b, INFINITY), SQL_TYPE_FLOAT, 0, 0),
                        "error: inf is not a finite number");
    cv.has_nonfinite = true;
    assert_string_equal(conv(str("NaN"), SQL_TYPE_FLOAT, 0, 0), "NaN");
    assert_string_equal(conv(str("-Infinity"), SQL_TYPE_FLOAT, 0, 0), "-Infinity");
    assert_string_equal(conv(sluice_field_new_double(b, INFINITY), SQL_TYPE_FLOAT, 0, 0), "Infinity");
    cv.has_nonfinite = false;
}

/* Doubles: the shortest text, and always the same double read back. */
static void doubles_round_trip(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {{0.1, "0.1"}, {-73.978165, "-73.978165"}, {1e-5, "0.00001"}, {123456789.125, "123456789.125"},
                 {-0.0, "-0"}, {0.0, "0"}, {1e300, "1e+300"}, {5e-324, "4.94065645841247e-324"},
                 {9007199254740993.0, "9007199254740992"}, {0.30000000000000004, "0.30000000000000004"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_string_equal(conv(sluice_field_new_double(b, cases[i].d), SQL_TYPE_FLOAT, 0, 0), cases[i].text);
    uint64_t x = 88172645463325252u; /* xorshift64: any bit pattern */
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        if (i % 2) {
            memcpy(&d, &x, sizeof d);
        } else { /* short decimals, the usual data: 6 places */
            d = (double)(int64_t)(x % 400000000) / 1e6 - 200;
        }
        if (!isfinite(d))
            continue;
        const char *text = conv(sluice_field_new_double(b, d), SQL_TYPE_FLOAT, 0, 0);
        if (strtod(text, NULL) != d || (d == 0 && signbit(d) != signbit(strtod(text, NULL))))
            fail_msg("%.17g written as %s", d, text);
        if (i % 1000 == 0)
            arena_reset(a);
    }
}

static void to_decimal(void **state)
{
    (void)state;
    assert_string_equal(conv(str("12.50"), SQL_TYPE_DECIMAL, 0, 0), "12.50");
    assert_string_equal(conv(str("-0.5"), SQL_TYPE_DECIMAL, 0, 0), "-0.5");
    assert_string_equal(conv(str("1e-3"), SQL_TYPE_DECIMAL, 0, 0), "error: '1e-3' is not a number");
    assert_string_equal(conv(str("abc"), SQL_TYPE_DECIMAL, 0, 0), "error: 'abc' is not a number");
    assert_string_equal(conv(str(""), SQL_TYPE_DECIMAL, 0, 0), "error: '' is not a number");
    assert_string_equal(conv(sluice_field_new_int(b, 7), SQL_TYPE_DECIMAL, 0, 0), "7");
    assert_string_equal(conv(sluice_field_new_decimal(b, -1250, 2), SQL_TYPE_DECIMAL, 0, 0), "-12.50");
    assert_string_equal(conv(json("1.50"), SQL_TYPE_DECIMAL, 0, 0), "1.50"); /* JSON digits kept */
    assert_string_equal(conv(json("1.5e2"), SQL_TYPE_DECIMAL, 0, 0), "150");
    assert_string_equal(conv(sluice_field_new_double(b, NAN), SQL_TYPE_DECIMAL, 0, 0),
                        "error: nan is not a finite number");
    assert_string_equal(conv(sluice_field_new_bool(b, true), SQL_TYPE_DECIMAL, 0, 0),
                        "error: true does not convert to a number");
}

static void to_bool(void **state)
{
    (void)state;
    static const char *const yes[] = {"true", "TRUE", "t", "1", "yes", "Yes"}, *const no[] = {"false", "F", "0", "no"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_string_equal(conv(str(yes[i]), SQL_TYPE_BOOL, 0, 0), "true");
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_string_equal(conv(str(no[i]), SQL_TYPE_BOOL, 0, 0), "false");
    assert_string_equal(conv(sluice_field_new_bool(b, false), SQL_TYPE_BOOL, 0, 0), "false");
    assert_string_equal(conv(sluice_field_new_int(b, 1), SQL_TYPE_BOOL, 0, 0), "true");
    assert_string_equal(conv(sluice_field_new_int(b, 2), SQL_TYPE_BOOL, 0, 0), "error: 2 is not a boolean");
    assert_string_equal(conv(str("maybe"), SQL_TYPE_BOOL, 0, 0), "error: 'maybe' is not a boolean");
    assert_string_equal(conv(str(""), SQL_TYPE_BOOL, 0, 0), "error: '' is not a boolean");
}

static void to_timestamp(void **state)
{
    (void)state;
    const sql_type T = SQL_TYPE_TIMESTAMP;
    assert_string_equal(conv(str("2013-01-13T04:36:00Z"), T, 0, 0), "2013-01-13 04:36:00");
    assert_string_equal(conv(str("2013-01-13 04:36:00.123456"), T, 0, 0), "2013-01-13 04:36:00.123456");
    assert_string_equal(conv(str("2013-01-13t04:36:00.1234567z"), T, 0, 0), "2013-01-13 04:36:00.123456");
    assert_string_equal(conv(str("2013-01-13T04:36:00.50+05:30"), T, 0, 0), "2013-01-12 23:06:00.5");
    assert_string_equal(conv(str("2013-01-13T23:00:00-0200"), T, 0, 0), "2013-01-14 01:00:00");
    assert_string_equal(conv(str("2013-01-13T04:36:00-02"), T, 0, 0), "2013-01-13 06:36:00");
    assert_string_equal(conv(str("2013-01-13"), T, 0, 0), "2013-01-13 00:00:00");
    assert_string_equal(conv(str("2024-02-29 12:00:00"), T, 0, 0), "2024-02-29 12:00:00");
    assert_string_equal(conv(str("2000-02-29 00:00"), T, 0, 0), "2000-02-29 00:00:00");
    static const char *const bad[] = {"2023-02-29", "1900-02-29", "2023-02-30", "2023-13-01", "2023-04-31",
                                      "2013-01-13T24:00:00Z", "2013-01-13T04:60:00Z", "2013-01-13T04:36:60Z",
                                      "2013-01-13T04:36:00+25:00", "2013-01-13T04:36:00.Z", "0000-01-01",
                                      "2013-1-13", "13/01/2013", "", "2013-01-13T", "2013-01-13 04:36:00 UTC",
                                      "2013-01-13T04:36:00.1234567890Z"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char want[160];
        snprintf(want, sizeof want, "error: '%s' is not a timestamp (RFC 3339 or yyyy-MM-dd HH:mm:ss)", bad[i]);
        assert_string_equal(conv(str(bad[i]), T, 0, 0), want);
    }
    assert_string_equal(conv(sluice_field_new_int(b, INT64_C(1358051760123)), T, 0, 0), "2013-01-13 04:36:00.123");
    assert_string_equal(conv(sluice_field_new_int(b, INT64_MAX), T, 0, 0),
                        "error: 9223372036854775807 is out of range as epoch milliseconds");
    assert_string_equal(conv(sluice_field_new_datetime(b, -1), T, 0, 0), "1969-12-31 23:59:59.999999");
    assert_string_equal(conv(sluice_field_new_datetime(b, INT64_C(253402300800000000)), T, 0, 0),
                        "error: a datetime is outside years 0001-9999");
    assert_string_equal(conv(sluice_field_new_bool(b, true), T, 0, 0), "error: true does not convert to a timestamp");
}

static void to_date_and_time(void **state)
{
    (void)state;
    assert_string_equal(conv(str("2024-02-29"), SQL_TYPE_DATE, 0, 0), "2024-02-29");
    assert_string_equal(conv(str("2013-01-13T23:30:00-02:00"), SQL_TYPE_DATE, 0, 0), "2013-01-14");
    assert_string_equal(conv(sluice_field_new_int(b, 0), SQL_TYPE_DATE, 0, 0), "1970-01-01");
    assert_string_equal(conv(str("2023-02-29"), SQL_TYPE_DATE, 0, 0),
                        "error: '2023-02-29' is not a date (RFC 3339 or yyyy-MM-dd HH:mm:ss)");
    assert_string_equal(conv(str("04:36"), SQL_TYPE_TIME, 0, 0), "04:36:00");
    assert_string_equal(conv(str("04:36:00.500"), SQL_TYPE_TIME, 0, 0), "04:36:00.5");
    assert_string_equal(conv(str("23:59:59.999999"), SQL_TYPE_TIME, 0, 0), "23:59:59.999999");
    assert_string_equal(conv(str("2013-01-13T04:36:00.123456Z"), SQL_TYPE_TIME, 0, 0), "04:36:00.123456");
    assert_string_equal(conv(sluice_field_new_datetime(b, INT64_C(1358051760123000)), SQL_TYPE_TIME, 0, 0),
                        "04:36:00.123");
    assert_string_equal(conv(str("24:00:00"), SQL_TYPE_TIME, 0, 0),
                        "error: '24:00:00' is not a time (RFC 3339 or yyyy-MM-dd HH:mm:ss)");
}

static void to_text_json_bytes(void **state)
{
    (void)state;
    assert_string_equal(conv(str("h\xc3\xa9"), SQL_TYPE_TEXT, 0, 0), "h\xc3\xa9");
    assert_string_equal(conv(str(""), SQL_TYPE_TEXT, 0, 0), "");
    assert_string_equal(conv(sluice_field_new_int(b, -5), SQL_TYPE_TEXT, 0, 0), "-5");
    assert_string_equal(conv(sluice_field_new_double(b, 2.5), SQL_TYPE_TEXT, 0, 0), "2.5");
    assert_string_equal(conv(sluice_field_new_decimal(b, 1250, 2), SQL_TYPE_TEXT, 0, 0), "12.50");
    assert_string_equal(conv(sluice_field_new_bool(b, true), SQL_TYPE_TEXT, 0, 0), "true");
    assert_string_equal(conv(sluice_field_new_datetime(b, INT64_C(1358051760123000)), SQL_TYPE_TEXT, 0, 0),
                        "2013-01-13 04:36:00.123");
    assert_string_equal(conv(json("{\"k\": [1, \"v\"]}"), SQL_TYPE_TEXT, 0, 0), "{\"k\":[1,\"v\"]}");
    assert_string_equal(conv(sluice_field_new_bytes(b, "hi", 2), SQL_TYPE_TEXT, 0, 0),
                        "error: a bytes does not convert to text");
    assert_string_equal(conv(json("{\"k\": null}"), SQL_TYPE_JSON, 0, 0), "{\"k\":null}");
    assert_string_equal(conv(json("[1, 2]"), SQL_TYPE_JSON, 0, 0), "[1,2]");
    assert_string_equal(conv(str("{\"a\": 1}"), SQL_TYPE_JSON, 0, 0), "{\"a\": 1}");
    assert_string_equal(conv(sluice_field_new_int(b, 5), SQL_TYPE_JSON, 0, 0), "5");
    assert_string_equal(conv(sluice_field_new_bytes(b, "h\0i", 3), SQL_TYPE_BYTES, 0, 0), "bytes:3:h");
    assert_string_equal(conv(str("hi"), SQL_TYPE_BYTES, 0, 0), "bytes:2:hi");
    assert_string_equal(conv(sluice_field_new_int(b, 5), SQL_TYPE_BYTES, 0, 0), "error: 5 does not convert to bytes");
}

/* A value in a message is quoted, cut, and kept on one line. */
static void messages_quote_values(void **state)
{
    (void)state;
    assert_string_equal(conv(str("a\nb"), SQL_TYPE_INT, INT32), "error: 'a?b' is not an integer");
    char long_text[200];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    char want[128];
    snprintf(want, sizeof want, "error: '%.64s...' is not an integer", long_text);
    assert_string_equal(conv(str(long_text), SQL_TYPE_INT, INT32), want);
    assert_string_equal(sql_type_name(SQL_TYPE_TIMESTAMP), "timestamp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(to_int),       cmocka_unit_test(to_float),         cmocka_unit_test(doubles_round_trip),
        cmocka_unit_test(to_decimal),
        cmocka_unit_test(to_bool),      cmocka_unit_test(to_timestamp),     cmocka_unit_test(to_date_and_time),
        cmocka_unit_test(to_text_json_bytes), cmocka_unit_test(messages_quote_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
