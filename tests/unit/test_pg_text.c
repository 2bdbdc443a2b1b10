/* tests/unit/test_pg_text.c — how the PostgreSQL backend writes values
 * and names: COPY's text format (plugins/postgres/pg_copy.c), quoted
 * identifiers (pg_quote.c), and the type mapping of describe
 * (pg_describe.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "postgres/pg.h"

static char *copy_text(pg_buf *b, const char *s, size_t len, sql_value_kind kind)
{
    sql_value v = {s, len, kind};
    pg_buf_reset(b);
    pg_copy_value(b, &v);
    assert_false(b->failed);
    return b->data;
}

static void test_copy_text_format(void **unused)
{
    (void)unused;
    pg_buf b = {0};
    assert_string_equal(copy_text(&b, "plain", 5, SQL_VALUE_TEXT), "plain");
    assert_string_equal(copy_text(&b, "", 0, SQL_VALUE_TEXT), "");
    assert_string_equal(copy_text(&b, NULL, 0, SQL_VALUE_NULL), "\\N");
    /* \N as text is not NULL: its backslash is escaped. */
    assert_string_equal(copy_text(&b, "\\N", 2, SQL_VALUE_TEXT), "\\\\N");
    assert_string_equal(copy_text(&b, "a\tb\nc\rd\\e", 9, SQL_VALUE_TEXT), "a\\tb\\nc\\rd\\\\e");
    /* An end-of-data marker inside a value stays data. */
    assert_string_equal(copy_text(&b, "\\.", 2, SQL_VALUE_TEXT), "\\\\.");
    /* Quotes, UTF-8 and other control bytes pass as they are. */
    assert_string_equal(copy_text(&b, "\"x\" 'y' \xc3\xa9\x01", 12, SQL_VALUE_TEXT), "\"x\" 'y' \xc3\xa9\x01");
    /* Only len bytes count. */
    assert_string_equal(copy_text(&b, "abcdef", 3, SQL_VALUE_TEXT), "abc");
    pg_buf_free(&b);
}

static void test_copy_bytea(void **unused)
{
    (void)unused;
    pg_buf b = {0};
    assert_string_equal(copy_text(&b, "\x00\x01\xab\xff\n", 5, SQL_VALUE_BYTES), "\\\\x0001abff0a");
    assert_string_equal(copy_text(&b, "", 0, SQL_VALUE_BYTES), "\\\\x");
    pg_buf_free(&b);
}

static void test_copy_appends(void **unused)
{
    (void)unused;
    /* Values accumulate (a row is several appends), also past the
     * buffer's first growth. */
    pg_buf b = {0};
    char big[1000];
    memset(big, '\t', sizeof big);
    sql_value v = {big, sizeof big, SQL_VALUE_TEXT};
    for (int i = 0; i < 10; i++)
        pg_copy_value(&b, &v);
    assert_int_equal(b.len, 20000);
    assert_memory_equal(b.data, "\\t\\t", 4);
    assert_int_equal(b.data[b.len], '\0');
    pg_buf_free(&b);
}

static void test_quote_ident(void **unused)
{
    (void)unused;
    pg_buf b = {0};
    pg_quote_ident(&b, "card");
    pg_buf_putc(&b, '.');
    pg_quote_ident(&b, "we\"ird\"\"; DROP TABLE y; --");
    assert_string_equal(b.data, "\"card\".\"we\"\"ird\"\"\"\"; DROP TABLE y; --\"");
    pg_buf_reset(&b);
    pg_quote_ident(&b, "");
    assert_string_equal(b.data, "\"\"");
    pg_buf_reset(&b);
    pg_buf_put_uint(&b, 0);
    pg_buf_putc(&b, ' ');
    pg_buf_put_uint(&b, 65535);
    assert_string_equal(b.data, "0 65535");
    pg_buf_free(&b);
}

static void test_type_mapping(void **unused)
{
    (void)unused;
    int64_t min, max;
    assert_int_equal(pg_type_of("int2", &min, &max), SQL_TYPE_INT);
    assert_true(min == -32768 && max == 32767);
    assert_int_equal(pg_type_of("int4", &min, &max), SQL_TYPE_INT);
    assert_true(min == INT32_MIN && max == INT32_MAX);
    assert_int_equal(pg_type_of("int8", &min, &max), SQL_TYPE_INT);
    assert_true(min == INT64_MIN && max == INT64_MAX);
    assert_int_equal(pg_type_of("float4", &min, &max), SQL_TYPE_FLOAT);
    assert_int_equal(pg_type_of("float8", &min, &max), SQL_TYPE_FLOAT);
    assert_int_equal(pg_type_of("numeric", &min, &max), SQL_TYPE_DECIMAL);
    assert_int_equal(pg_type_of("bool", &min, &max), SQL_TYPE_BOOL);
    assert_int_equal(pg_type_of("date", &min, &max), SQL_TYPE_DATE);
    assert_int_equal(pg_type_of("time", &min, &max), SQL_TYPE_TIME);
    assert_int_equal(pg_type_of("timetz", &min, &max), SQL_TYPE_TIME);
    assert_int_equal(pg_type_of("timestamp", &min, &max), SQL_TYPE_TIMESTAMP);
    assert_int_equal(pg_type_of("timestamptz", &min, &max), SQL_TYPE_TIMESTAMP);
    assert_int_equal(pg_type_of("bytea", &min, &max), SQL_TYPE_BYTES);
    assert_int_equal(pg_type_of("json", &min, &max), SQL_TYPE_JSON);
    assert_int_equal(pg_type_of("jsonb", &min, &max), SQL_TYPE_JSON);
    const char *text[] = {"text", "varchar", "bpchar", "uuid", "inet", "_int4", "money", "interval", "Int4"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        assert_int_equal(pg_type_of(text[i], &min, &max), SQL_TYPE_TEXT);
        assert_true(min == 0 && max == 0);
    }
    assert_int_equal(pg_type_of(NULL, &min, &max), SQL_TYPE_TEXT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_text_format),
        cmocka_unit_test(test_copy_bytea),
        cmocka_unit_test(test_copy_appends),
        cmocka_unit_test(test_quote_ident),
        cmocka_unit_test(test_type_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
