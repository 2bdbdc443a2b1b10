/* tests/unit/test_field.c — fields, decimals, maps, lists, records and
 * batches (sluice/record.h). */
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

#include <sluice/record.h>

#include "arena.h"
#include "record/record_impl.h"

typedef struct fixture {
    arena *a;
    sluice_batch *b;
} fixture;

static int setup(void **state)
{
    fixture *fx = malloc(sizeof *fx);
    fx->a = arena_new(0);
    fx->b = batch_new(fx->a);
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

/* ---- types and scalar constructors ----------------------------------------- */

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(sluice_type_name(SLUICE_NULL), "null");
    assert_string_equal(sluice_type_name(SLUICE_BOOL), "bool");
    assert_string_equal(sluice_type_name(SLUICE_INT), "int");
    assert_string_equal(sluice_type_name(SLUICE_DOUBLE), "double");
    assert_string_equal(sluice_type_name(SLUICE_DECIMAL), "decimal");
    assert_string_equal(sluice_type_name(SLUICE_STRING), "string");
    assert_string_equal(sluice_type_name(SLUICE_BYTES), "bytes");
    assert_string_equal(sluice_type_name(SLUICE_DATETIME), "datetime");
    assert_string_equal(sluice_type_name(SLUICE_LIST), "list");
    assert_string_equal(sluice_type_name(SLUICE_MAP), "map");
    assert_string_equal(sluice_type_name((sluice_type)10), "?");
    assert_string_equal(sluice_type_name((sluice_type)-1), "?");
}

static void test_field_is_32_bytes(void **state)
{
    (void)state;
    /* The generator benchmark depends on fields staying this small (24
     * bytes on 32-bit targets). */
    assert_true(sizeof(sluice_field) <= 32);
    assert_int_equal(sizeof(sluice_field) % 8, 0);
}

static void test_scalars(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *f = sluice_field_new_null(b);
    assert_int_equal(sluice_field_type(f), SLUICE_NULL);

    f = sluice_field_new_bool(b, true);
    assert_int_equal(sluice_field_type(f), SLUICE_BOOL);
    assert_true(sluice_field_get_bool(f));
    assert_false(sluice_field_get_bool(sluice_field_new_bool(b, false)));

    f = sluice_field_new_int(b, INT64_MIN);
    assert_int_equal(sluice_field_type(f), SLUICE_INT);
    assert_true(sluice_field_get_int(f) == INT64_MIN);
    assert_true(sluice_field_get_int(sluice_field_new_int(b, INT64_MAX)) == INT64_MAX);
    assert_true(sluice_field_get_double(f) == -9223372036854775808.0);

    f = sluice_field_new_double(b, -2.5);
    assert_int_equal(sluice_field_type(f), SLUICE_DOUBLE);
    assert_true(sluice_field_get_double(f) == -2.5);

    f = sluice_field_new_datetime(b, 1358051760000000);
    assert_int_equal(sluice_field_type(f), SLUICE_DATETIME);
    assert_true(sluice_field_get_datetime(f) == 1358051760000000);
    assert_null(sluice_field_number_text(f, NULL));
}

/* Constructors that fill a chunk go on in the next one (the slow path). */
static void test_constructors_across_chunks(void **state)
{
    (void)state;
    arena *a = arena_new(96);
    sluice_batch *b = batch_new(a);
    sluice_field *fields[7 * 40];
    for (int i = 0; i < 40; i++) {
        fields[7 * i] = sluice_field_new_null(b);
        fields[7 * i + 1] = sluice_field_new_bool(b, i % 2);
        fields[7 * i + 2] = sluice_field_new_int(b, -i);
        fields[7 * i + 3] = sluice_field_new_double(b, i + 0.5);
        fields[7 * i + 4] = sluice_field_new_decimal(b, i, 3);
        fields[7 * i + 5] = sluice_field_new_string_static(b, "static", 6);
        fields[7 * i + 6] = sluice_field_new_datetime(b, i * 1000);
    }
    for (int i = 0; i < 40; i++) {
        assert_int_equal(sluice_field_type(fields[7 * i]), SLUICE_NULL);
        assert_int_equal(sluice_field_get_bool(fields[7 * i + 1]), i % 2);
        assert_true(sluice_field_get_int(fields[7 * i + 2]) == -i);
        assert_true(sluice_field_get_double(fields[7 * i + 3]) == i + 0.5);
        int64_t u;
        int scale;
        assert_int_equal(sluice_field_get_decimal(fields[7 * i + 4], &u, &scale), 0);
        assert_true(u == i);
        assert_int_equal(scale, 3);
        size_t len;
        assert_string_equal(sluice_field_get_string(fields[7 * i + 5], &len), "static");
        assert_int_equal(len, 6);
        assert_true(sluice_field_get_datetime(fields[7 * i + 6]) == i * 1000);
    }
    batch_free(b);
    arena_free(a);
}

static void test_string_is_copied_and_terminated(void **state)
{
    sluice_batch *b = B(state);
    char src[] = "hello world";
    sluice_field *f = sluice_field_new_string(b, src, 5);
    src[0] = 'J';
    size_t len = 99;
    const char *s = sluice_field_get_string(f, &len);
    assert_int_equal(sluice_field_type(f), SLUICE_STRING);
    assert_int_equal(len, 5);
    assert_string_equal(s, "hello");
    assert_true(s != src);
    assert_non_null(sluice_field_get_string(f, NULL));
}

static void test_string_with_nul_inside(void **state)
{
    sluice_field *f = sluice_field_new_string(B(state), "a\0b", 3);
    size_t len;
    const char *s = sluice_field_get_string(f, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 4);
}

static void test_string_static_is_not_copied(void **state)
{
    static const char lit[] = "taxi";
    sluice_field *f = sluice_field_new_string_static(B(state), lit, 4);
    size_t len;
    assert_ptr_equal(sluice_field_get_string(f, &len), lit);
    assert_int_equal(len, 4);
}

static void test_bytes(void **state)
{
    unsigned char data[] = {0, 1, 0xff, 0x80};
    sluice_field *f = sluice_field_new_bytes(B(state), data, sizeof data);
    data[0] = 9;
    size_t len;
    const char *s = sluice_field_get_string(f, &len);
    assert_int_equal(sluice_field_type(f), SLUICE_BYTES);
    assert_int_equal(len, 4);
    assert_memory_equal(s, "\0\1\xff\x80", 4);
    f = sluice_field_new_bytes(B(state), NULL, 0);
    assert_non_null(sluice_field_get_string(f, &len));
    assert_int_equal(len, 0);
}

/* Every getter on every other type: 0, false, 0.0 or NULL. */
static void test_wrong_type_getters(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *fields[] = {
        sluice_field_new_null(b),         sluice_field_new_bool(b, true),
        sluice_field_new_int(b, 7),       sluice_field_new_double(b, 7.5),
        sluice_field_new_decimal(b, 7, 1), sluice_field_new_string(b, "7", 1),
        sluice_field_new_bytes(b, "7", 1), sluice_field_new_datetime(b, 7),
        sluice_field_new_list(b, 1),      sluice_field_new_map(b, 1),
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        sluice_field *f = fields[i];
        sluice_type t = sluice_field_type(f);
        assert_int_equal(t, (sluice_type)i);
        if (t != SLUICE_BOOL)
            assert_false(sluice_field_get_bool(f));
        if (t != SLUICE_INT)
            assert_true(sluice_field_get_int(f) == 0);
        if (t != SLUICE_DOUBLE && t != SLUICE_INT && t != SLUICE_DECIMAL)
            assert_true(sluice_field_get_double(f) == 0.0);
        if (t != SLUICE_DATETIME)
            assert_true(sluice_field_get_datetime(f) == 0);
        if (t != SLUICE_STRING && t != SLUICE_BYTES) {
            size_t len = 99;
            assert_null(sluice_field_get_string(f, &len));
            assert_int_equal(len, 0);
        }
        if (t != SLUICE_DECIMAL) {
            int64_t u = 42;
            int scale = 42;
            char buf[8] = "x";
            assert_int_equal(sluice_field_get_decimal(f, &u, &scale), -1);
            assert_true(u == 42);
            assert_int_equal(sluice_field_decimal_text(f, buf, sizeof buf), 0);
            assert_string_equal(buf, "");
        }
        if (t != SLUICE_LIST && t != SLUICE_MAP)
            assert_int_equal(sluice_field_count(f), 0);
        if (t != SLUICE_LIST)
            assert_null(sluice_list_get(f, 0));
        if (t != SLUICE_MAP)
            assert_null(sluice_map_get(f, "k", 1));
    }
}

static void test_getters_on_null_pointer(void **state)
{
    (void)state;
    assert_int_equal(sluice_field_type(NULL), SLUICE_NULL);
    assert_true(sluice_field_get_int(NULL) == 0);
    assert_false(sluice_field_get_bool(NULL));
    assert_null(sluice_field_get_string(NULL, NULL));
    assert_int_equal(sluice_field_count(NULL), 0);
}

/* ---- decimals ----------------------------------------------------------------- */

static const char *decimal_text(const sluice_field *f)
{
    static char buf[128];
    size_t n = sluice_field_decimal_text(f, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static void test_decimal_from_unscaled(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *f = sluice_field_new_decimal(b, -1250, 2);
    int64_t u;
    int scale;
    assert_int_equal(sluice_field_type(f), SLUICE_DECIMAL);
    assert_int_equal(sluice_field_get_decimal(f, &u, &scale), 0);
    assert_true(u == -1250);
    assert_int_equal(scale, 2);
    assert_string_equal(decimal_text(f), "-12.50");
    assert_true(sluice_field_get_double(f) == -12.5);

    assert_string_equal(decimal_text(sluice_field_new_decimal(b, 42, 0)), "42");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, -42, 0)), "-42");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, 5, 3)), "0.005");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, -5, 3)), "-0.005");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, 0, 2)), "0.00");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, 123, 3)), "0.123");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, INT64_MIN, 0)), "-9223372036854775808");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, INT64_MIN, 5)), "-92233720368547.75808");
    assert_string_equal(decimal_text(sluice_field_new_decimal(b, INT64_MAX, 38)),
                        "0.00000000000000000009223372036854775807");
}

static void test_decimal_scale_limits(void **state)
{
    sluice_batch *b = B(state);
    assert_non_null(sluice_field_new_decimal(b, 1, 38));
    assert_null(sluice_field_new_decimal(b, 1, 39));
    assert_null(sluice_field_new_decimal(b, 1, -1));
}

static void test_decimal_text_fits(void **state)
{
    sluice_batch *b = B(state);
    int64_t u;
    int scale;
    sluice_field *f = sluice_field_new_decimal_text(b, "-12.50", 6);
    assert_non_null(f);
    assert_int_equal(sluice_field_get_decimal(f, &u, &scale), 0);
    assert_true(u == -1250);
    assert_int_equal(scale, 2);
    assert_string_equal(decimal_text(f), "-12.50");

    f = sluice_field_new_decimal_text(b, "9223372036854775807", 19);
    assert_int_equal(sluice_field_get_decimal(f, &u, &scale), 0);
    assert_true(u == INT64_MAX);
    f = sluice_field_new_decimal_text(b, "-9223372036854775808", 20);
    assert_int_equal(sluice_field_get_decimal(f, &u, &scale), 0);
    assert_true(u == INT64_MIN);
    assert_int_equal(scale, 0);
}

/* Canonical text: no '+', no leading zeros, "0" before a lone point,
 * trailing zeros kept (they are the scale), no sign on zero. */
static void test_decimal_text_canonical(void **state)
{
    static const struct {
        const char *in, *out;
        int scale;
    } cases[] = {
        {"+012.50", "12.50", 2}, {".5", "0.5", 1},     {"-.5", "-0.5", 1},   {"5.", "5", 0},
        {"-0.00", "0.00", 2},    {"-0", "0", 0},       {"000", "0", 0},      {"0.000", "0.000", 3},
        {"1.0", "1.0", 1},       {"-007", "-7", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sluice_field *f = sluice_field_new_decimal_text(B(state), cases[i].in, strlen(cases[i].in));
        assert_non_null(f);
        assert_string_equal(decimal_text(f), cases[i].out);
        int scale = -1;
        assert_int_equal(sluice_field_get_decimal(f, NULL, &scale), 0);
        assert_int_equal(scale, cases[i].scale);
    }
}

static void test_decimal_text_refused(void **state)
{
    static const char *const bad[] = {"", "-", "+", ".", "-.", "1e-3", "1E3", "1.2.3", " 1", "1 ",
                                      "--1", "+-1", "12a", "0x10", "1,5", "NaN", "inf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(sluice_field_new_decimal_text(B(state), bad[i], strlen(bad[i])));
    /* The length is honoured: "12" out of "12x". */
    assert_string_equal(decimal_text(sluice_field_new_decimal_text(B(state), "12x", 2)), "12");
}

static void test_decimal_large_text(void **state)
{
    sluice_batch *b = B(state);
    char digits[100];
    memset(digits, '9', sizeof digits);

    /* 77 digits: kept as text. */
    sluice_field *f = sluice_field_new_decimal_text(b, digits, 77);
    assert_non_null(f);
    assert_int_equal(sluice_field_get_decimal(f, NULL, NULL), -1);
    char buf[100];
    assert_int_equal(sluice_field_decimal_text(f, buf, sizeof buf), 77);
    assert_memory_equal(buf, digits, 77);
    assert_true(sluice_field_get_double(f) == 1e77);

    /* 78 digits: refused. */
    assert_null(sluice_field_new_decimal_text(b, digits, 78));

    /* One past int64: text, and exact. */
    f = sluice_field_new_decimal_text(b, "-9223372036854775809", 20);
    assert_int_equal(sluice_field_get_decimal(f, NULL, NULL), -1);
    assert_string_equal(decimal_text(f), "-9223372036854775809");
    f = sluice_field_new_decimal_text(b, "9223372036854775808", 19);
    assert_int_equal(sluice_field_get_decimal(f, NULL, NULL), -1);

    /* Scale: 38 digits after the point at most. */
    const char *s38 = "0.12345678901234567890123456789012345678";
    f = sluice_field_new_decimal_text(b, s38, strlen(s38));
    assert_non_null(f);
    assert_string_equal(decimal_text(f), s38);
    int scale;
    assert_int_equal(sluice_field_get_decimal(f, NULL, &scale), -1);
    assert_int_equal(f->scale, 38);
    const char *s39 = "0.123456789012345678901234567890123456789";
    assert_null(sluice_field_new_decimal_text(b, s39, strlen(s39)));

    /* Leading zeros are not significant digits. */
    char padded[120];
    memset(padded, '0', 40);
    memcpy(padded + 40, digits, 77);
    f = sluice_field_new_decimal_text(b, padded, 117);
    assert_non_null(f);
    assert_int_equal(sluice_field_decimal_text(f, NULL, 0), 77);
}

static void test_decimal_text_truncates_like_snprintf(void **state)
{
    sluice_field *f = sluice_field_new_decimal(B(state), -1250, 2);
    char buf[4] = "zzz";
    assert_int_equal(sluice_field_decimal_text(f, buf, sizeof buf), 6);
    assert_string_equal(buf, "-12");
    assert_int_equal(sluice_field_decimal_text(f, buf, 0), 6);
    assert_string_equal(buf, "-12");
}

static void test_decimal_to_double(void **state)
{
    sluice_batch *b = B(state);
    assert_true(sluice_field_get_double(sluice_field_new_decimal(b, 1, 1)) == 0.1);
    assert_true(sluice_field_get_double(sluice_field_new_decimal(b, -3, 0)) == -3.0);
    /* Too many digits for the exact path: correctly rounded all the same. */
    sluice_field *f = sluice_field_new_decimal(b, 1234567890123456789, 10);
    assert_true(sluice_field_get_double(f) == 123456789.0123456789);
    f = sluice_field_new_decimal(b, 7, 30);
    assert_true(sluice_field_get_double(f) == 7e-30);
    f = sluice_field_new_decimal_text(b, "123456789012345678901234567890.5", 32);
    assert_true(sluice_field_get_double(f) == 123456789012345678901234567890.5);
}

/* ---- maps and lists -------------------------------------------------------------- */

static const char *key_at(const sluice_field *map, size_t i)
{
    const char *key;
    size_t len;
    assert_non_null(sluice_map_entry(map, i, &key, &len));
    assert_int_equal(strlen(key), len);
    return key;
}

static void test_map_put_get(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 0);
    char key[] = "alpha";
    sluice_map_put(b, m, key, 5, sluice_field_new_int(b, 1));
    key[0] = 'X';
    sluice_map_put(b, m, "beta", 4, sluice_field_new_int(b, 2));
    assert_int_equal(sluice_field_count(m), 2);
    assert_true(sluice_field_get_int(sluice_map_get(m, "alpha", 5)) == 1);
    assert_true(sluice_field_get_int(sluice_map_get(m, "beta", 4)) == 2);
    assert_null(sluice_map_get(m, "Xlpha", 5));
    assert_null(sluice_map_get(m, "alph", 4));
    assert_null(sluice_map_get(m, "gamma", 5));
}

static void test_map_replace_keeps_position(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 2);
    sluice_map_put(b, m, "a", 1, sluice_field_new_int(b, 1));
    sluice_map_put(b, m, "b", 1, sluice_field_new_int(b, 2));
    sluice_map_put(b, m, "c", 1, sluice_field_new_int(b, 3));
    sluice_map_put(b, m, "a", 1, sluice_field_new_string(b, "one", 3));
    assert_int_equal(sluice_field_count(m), 3);
    assert_string_equal(key_at(m, 0), "a");
    assert_string_equal(key_at(m, 1), "b");
    assert_string_equal(key_at(m, 2), "c");
    assert_int_equal(sluice_field_type(sluice_map_get(m, "a", 1)), SLUICE_STRING);
}

static void test_map_keys_with_nul_and_empty(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 0);
    sluice_map_put(b, m, "", 0, sluice_field_new_int(b, 1));
    sluice_map_put(b, m, "a\0b", 3, sluice_field_new_int(b, 2));
    sluice_map_put(b, m, "a", 1, sluice_field_new_int(b, 3));
    assert_int_equal(sluice_field_count(m), 3);
    assert_true(sluice_field_get_int(sluice_map_get(m, "", 0)) == 1);
    assert_true(sluice_field_get_int(sluice_map_get(m, "a\0b", 3)) == 2);
    assert_true(sluice_field_get_int(sluice_map_get(m, "a", 1)) == 3);
}

static void test_map_remove_keeps_order(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 0);
    const char *keys[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        sluice_map_put(b, m, keys[i], 1, sluice_field_new_int(b, i));
    assert_true(sluice_map_remove(m, "b", 1));
    assert_false(sluice_map_remove(m, "b", 1));
    assert_true(sluice_map_remove(m, "e", 1));
    assert_true(sluice_map_remove(m, "a", 1));
    assert_false(sluice_map_remove(m, "z", 1));
    assert_int_equal(sluice_field_count(m), 2);
    assert_string_equal(key_at(m, 0), "c");
    assert_string_equal(key_at(m, 1), "d");
    assert_true(sluice_field_get_int(sluice_map_get(m, "d", 1)) == 3);
    /* Appending after removals. */
    sluice_map_put(b, m, "f", 1, sluice_field_new_int(b, 5));
    assert_string_equal(key_at(m, 2), "f");
}

static void test_map_growth(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *m = sluice_field_new_map(b, 0);
    char keys[100][8];
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        sluice_map_put(b, m, keys[i], strlen(keys[i]), sluice_field_new_int(b, i));
    }
    assert_int_equal(sluice_field_count(m), 100);
    for (int i = 0; i < 100; i++) {
        assert_string_equal(key_at(m, (size_t)i), keys[i]);
        assert_true(sluice_field_get_int(sluice_map_get(m, keys[i], strlen(keys[i]))) == i);
    }
}

static void test_map_append_static(void **state)
{
    sluice_batch *b = B(state);
    static const char key[] = "vendor_id";
    sluice_field *m = sluice_field_new_map(b, 1);
    sluice_map_append_static(b, m, key, 9, sluice_field_new_int(b, 1));
    sluice_map_append_static(b, m, "b", 1, sluice_field_new_int(b, 2));
    const char *k;
    size_t len;
    sluice_field *v = sluice_map_entry(m, 0, &k, &len);
    assert_ptr_equal(k, key);
    assert_int_equal(len, 9);
    assert_true(sluice_field_get_int(v) == 1);
    assert_true(sluice_field_get_int(sluice_map_get(m, "b", 1)) == 2);
}

static void test_map_entry_out_of_range(void **state)
{
    sluice_field *m = sluice_field_new_map(B(state), 4);
    const char *k = "x";
    size_t len = 5;
    assert_null(sluice_map_entry(m, 0, &k, &len));
    assert_null(k);
    assert_int_equal(len, 0);
}

static void test_map_ops_on_non_map_do_nothing(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *f = sluice_field_new_int(b, 1);
    sluice_map_put(b, f, "a", 1, sluice_field_new_int(b, 2));
    sluice_map_append_static(b, f, "a", 1, sluice_field_new_int(b, 2));
    assert_false(sluice_map_remove(f, "a", 1));
    sluice_list_append(b, f, sluice_field_new_int(b, 2));
    assert_int_equal(sluice_field_type(f), SLUICE_INT);
    assert_true(sluice_field_get_int(f) == 1);
}

static void test_list(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *l = sluice_field_new_list(b, 0);
    assert_int_equal(sluice_field_type(l), SLUICE_LIST);
    assert_int_equal(sluice_field_count(l), 0);
    assert_null(sluice_list_get(l, 0));
    for (int i = 0; i < 50; i++)
        sluice_list_append(b, l, sluice_field_new_int(b, i * 10));
    assert_int_equal(sluice_field_count(l), 50);
    for (int i = 0; i < 50; i++)
        assert_true(sluice_field_get_int(sluice_list_get(l, (size_t)i)) == i * 10);
    assert_null(sluice_list_get(l, 50));
}

/* ---- records ------------------------------------------------------------------------ */

static void test_record_root(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = sluice_record_new(b, NULL);
    assert_int_equal(sluice_field_type(sluice_record_root(r)), SLUICE_MAP);
    assert_int_equal(sluice_field_count(sluice_record_root(r)), 0);
    sluice_field *i = sluice_field_new_int(b, 3);
    sluice_record_set_root(r, i);
    assert_ptr_equal(sluice_record_root(r), i);
    sluice_record *r2 = sluice_record_new(b, i);
    assert_ptr_equal(sluice_record_root(r2), i);
}

static void test_record_attributes(void **state)
{
    sluice_batch *b = B(state);
    sluice_record *r = sluice_record_new(b, NULL);
    assert_int_equal(sluice_record_attribute_count(r), 0);
    assert_null(sluice_record_attribute(r, "x"));
    char value[] = "shardId-000";
    sluice_record_set_attribute(b, r, "kinesis.shardId", value);
    value[0] = 'X';
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        sluice_record_set_attribute(b, r, name, name);
    }
    sluice_record_set_attribute(b, r, "kinesis.shardId", "shardId-001");
    assert_int_equal(sluice_record_attribute_count(r), 11);
    assert_string_equal(sluice_record_attribute(r, "kinesis.shardId"), "shardId-001");
    const char *v;
    assert_string_equal(sluice_record_attribute_at(r, 0, &v), "kinesis.shardId");
    assert_string_equal(v, "shardId-001");
    assert_string_equal(sluice_record_attribute_at(r, 10, &v), "n9");
    assert_string_equal(v, "n9");
    assert_null(sluice_record_attribute_at(r, 11, &v));
    assert_null(v);
}

/* The copy shares nothing with the original: changing the original, and
 * even wiping the arena it lived in, leaves the copy as it was. */
static void test_record_copy_independent(void **state)
{
    sluice_batch *b = B(state);
    arena *a2 = arena_new(0);
    sluice_batch *b2 = batch_new(a2);

    char name_buf[] = "static_key";
    char text_buf[] = "static text";
    sluice_field *root = sluice_field_new_map(b, 0);
    sluice_map_append_static(b, root, name_buf, strlen(name_buf), sluice_field_new_int(b, 1));
    sluice_map_put(b, root, "s", 1, sluice_field_new_string_static(b, text_buf, strlen(text_buf)));
    sluice_field *list = sluice_field_new_list(b, 0);
    sluice_list_append(b, list, sluice_field_new_decimal_text(b, "123456789012345678901234567890.5", 32));
    sluice_list_append(b, list, sluice_field_new_bytes(b, "\1\2", 2));
    sluice_list_append(b, list, sluice_field_new_double(b, 0.5));
    sluice_map_put(b, root, "l", 1, list);
    sluice_record *r = sluice_record_new(b, root);
    sluice_record_set_attribute(b, r, "k", "v");

    sluice_record *c = sluice_record_copy(b2, r);

    sluice_map_put(b, root, "s", 1, sluice_field_new_int(b, 9));
    sluice_map_put(b, root, "new", 3, sluice_field_new_int(b, 9));
    sluice_list_append(b, list, sluice_field_new_null(b));
    sluice_record_set_attribute(b, r, "k", "changed");
    memset(name_buf, 'x', strlen(name_buf));
    memset(text_buf, 'x', strlen(text_buf));
    arena_reset(b->arena);
    memset(arena_alloc(b->arena, 60000), 0xee, 60000);

    sluice_field *croot = sluice_record_root(c);
    assert_int_equal(sluice_field_count(croot), 3);
    assert_string_equal(key_at(croot, 0), "static_key");
    assert_true(sluice_field_get_int(sluice_map_get(croot, "static_key", 10)) == 1);
    assert_string_equal(sluice_field_get_string(sluice_map_get(croot, "s", 1), NULL), "static text");
    sluice_field *cl = sluice_map_get(croot, "l", 1);
    assert_int_equal(sluice_field_count(cl), 3);
    char buf[64];
    sluice_field_decimal_text(sluice_list_get(cl, 0), buf, sizeof buf);
    assert_string_equal(buf, "123456789012345678901234567890.5");
    size_t len;
    assert_memory_equal(sluice_field_get_string(sluice_list_get(cl, 1), &len), "\1\2", 2);
    assert_int_equal(len, 2);
    assert_true(sluice_field_get_double(sluice_list_get(cl, 2)) == 0.5);
    assert_int_equal(sluice_record_attribute_count(c), 1);
    assert_string_equal(sluice_record_attribute(c, "k"), "v");

    batch_free(b2);
    arena_free(a2);
}

static void test_field_copy_every_type(void **state)
{
    sluice_batch *b = B(state);
    sluice_field *fields[] = {
        sluice_field_new_null(b),           sluice_field_new_bool(b, true),
        sluice_field_new_int(b, -7),        sluice_field_new_double(b, 7.25),
        sluice_field_new_decimal(b, -725, 2), sluice_field_new_string(b, "seven", 5),
        sluice_field_new_bytes(b, "\0\7", 2), sluice_field_new_datetime(b, -7),
        sluice_field_new_list(b, 0),        sluice_field_new_map(b, 0),
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        sluice_field *c = sluice_field_copy(b, fields[i]);
        assert_true(c != fields[i]);
        assert_int_equal(sluice_field_type(c), sluice_field_type(fields[i]));
        assert_int_equal(c->flags, fields[i]->flags);
        assert_int_equal(c->len, fields[i]->len);
        if (i != SLUICE_STRING && i != SLUICE_BYTES && i != SLUICE_LIST && i != SLUICE_MAP)
            assert_memory_equal(&c->v, &fields[i]->v, sizeof c->v);
    }
    size_t len;
    const char *s = sluice_field_get_string(sluice_field_copy(b, fields[SLUICE_BYTES]), &len);
    assert_int_equal(len, 2);
    assert_memory_equal(s, "\0\7", 2);
    assert_null(sluice_field_copy(b, NULL));
}

/* ---- batches ------------------------------------------------------------------------ */

static void test_batch_records(void **state)
{
    sluice_batch *b = B(state);
    assert_int_equal(sluice_batch_count(b), 0);
    assert_null(sluice_batch_record(b, 0));
    sluice_record *rs[200];
    for (int i = 0; i < 200; i++) {
        rs[i] = sluice_record_new(b, sluice_field_new_int(b, i));
        sluice_batch_add(b, rs[i]);
    }
    assert_int_equal(sluice_batch_count(b), 200);
    for (int i = 0; i < 200; i++)
        assert_ptr_equal(sluice_batch_record(b, (size_t)i), rs[i]);
    assert_null(sluice_batch_record(b, 200));

    sluice_record **vector = b->records;
    size_t cap = b->cap;
    batch_clear(b);
    assert_int_equal(sluice_batch_count(b), 0);
    assert_ptr_equal(b->records, vector);
    assert_int_equal(b->cap, cap);
    sluice_batch_add(b, rs[5]);
    assert_ptr_equal(sluice_batch_record(b, 0), rs[5]);
}

static void test_batch_alloc_and_strndup(void **state)
{
    sluice_batch *b = B(state);
    for (size_t size = 1; size < 100; size += 13)
        assert_int_equal((uintptr_t)sluice_batch_alloc(b, size) % 16, 0);
    char *s = sluice_batch_strndup(b, "abcdef", 3);
    assert_string_equal(s, "abc");
    assert_string_equal(sluice_batch_strndup(b, "", 0), "");
}

static void test_batch_offsets(void **state)
{
    sluice_batch *b = B(state);
    char value[] = "100";
    sluice_batch_set_offset(b, "shard-1", value);
    value[0] = '9';
    sluice_batch_set_offset(b, "shard-2", "5");
    for (int i = 0; i < 10; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        sluice_batch_set_offset(b, key, key);
    }
    sluice_batch_set_offset(b, "shard-1", "200");
    assert_int_equal(b->n_offsets, 12);
    assert_string_equal(b->offsets[0].key, "shard-1");
    assert_string_equal(b->offsets[0].value, "200");
    assert_string_equal(b->offsets[1].value, "5");
    assert_string_equal(b->offsets[11].key, "k9");
    batch_clear(b);
    assert_int_equal(b->n_offsets, 0);
    assert_null(b->offsets);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_field_is_32_bytes),
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test(test_constructors_across_chunks),
        cmocka_unit_test_setup_teardown(test_string_is_copied_and_terminated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_with_nul_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_static_is_not_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_type_getters, setup, teardown),
        cmocka_unit_test(test_getters_on_null_pointer),
        cmocka_unit_test_setup_teardown(test_decimal_from_unscaled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_scale_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_text_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_text_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_text_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_large_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_text_truncates_like_snprintf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_to_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_put_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_replace_keeps_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_keys_with_nul_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_remove_keeps_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_append_static, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_entry_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_ops_on_non_map_do_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_copy_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_copy_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_alloc_and_strndup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_offsets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
