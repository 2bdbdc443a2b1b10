/* tests/unit/test_fields_decimal.c — fields:convert's decimal text
 * (plugins/fields/decimal.c): plain text from scientific notation, and
 * rounding with java.math.RoundingMode's modes, checked against the table
 * in RoundingMode's documentation. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fields/decimal.h"

static const char *plain(const char *in)
{
    static char out[DECIMAL_PLAIN_MAX + 8];
    size_t n = decimal_plain(in, strlen(in), out, sizeof out);
    if (n == 0)
        return "ERR";
    assert_int_equal(n, strlen(out));
    return out;
}

static const char *rounded(const char *in, int scale, decimal_rounding mode)
{
    static char out[DECIMAL_PLAIN_MAX + 8];
    size_t n = decimal_round(in, scale, mode, out, sizeof out);
    if (n == 0)
        return "ERR";
    assert_int_equal(n, strlen(out));
    return out;
}

static void test_plain_forms(void **state)
{
    (void)state;
    assert_string_equal(plain("12"), "12");
    assert_string_equal(plain("-12.50"), "-12.50");
    assert_string_equal(plain("+.25"), "0.25");
    assert_string_equal(plain("5."), "5");
    assert_string_equal(plain("-1.5e3"), "-1500");
    assert_string_equal(plain("1E+2"), "100");
    assert_string_equal(plain("1e-3"), "0.001");
    assert_string_equal(plain("-.5e1"), "-5");
    assert_string_equal(plain("123456789012345678901234567890.5"), "123456789012345678901234567890.5");
}

static void test_plain_refuses(void **state)
{
    (void)state;
    assert_string_equal(plain(""), "ERR");
    assert_string_equal(plain("-"), "ERR");
    assert_string_equal(plain("abc"), "ERR");
    assert_string_equal(plain("1.2.3"), "ERR");
    assert_string_equal(plain("1e"), "ERR");
    assert_string_equal(plain("12 "), "ERR");
    assert_string_equal(plain("0x10"), "ERR");
}

static void test_plain_buffer_limits(void **state)
{
    (void)state;
    char out[4];
    assert_int_equal(decimal_plain("123", 3, out, sizeof out), 3);
    assert_string_equal(out, "123");
    assert_int_equal(decimal_plain("1234", 4, out, sizeof out), 0);
    char five[5];
    assert_int_equal(decimal_plain("1e3", 3, five, sizeof five), 4);
    assert_string_equal(five, "1000");
    assert_int_equal(decimal_plain("-.5", 3, five, sizeof five), 4);
    assert_string_equal(five, "-0.5");
    assert_int_equal(decimal_plain("-.05", 4, five, sizeof five), 0);
    assert_int_equal(decimal_plain("1.25", 4, five, sizeof five), 4);
    /* An exponent that makes more digits than the buffer holds. */
    char big[64];
    assert_int_equal(decimal_plain("1e100", 5, big, sizeof big), 0);
    assert_int_equal(decimal_plain("1e-100", 6, big, sizeof big), 0);
}

/* java.math.RoundingMode's table: 5.5 2.5 1.6 1.1 1.0 -1.0 -1.1 -1.6 -2.5 -5.5 to scale 0. */
static void test_round_java_table(void **state)
{
    (void)state;
    static const char *const in[] = {"5.5", "2.5", "1.6", "1.1", "1.0", "-1.0", "-1.1", "-1.6", "-2.5", "-5.5"};
    static const struct {
        decimal_rounding mode;
        const char *want[10];
    } table[] = {
        {ROUND_UP, {"6", "3", "2", "2", "1", "-1", "-2", "-2", "-3", "-6"}},
        {ROUND_DOWN, {"5", "2", "1", "1", "1", "-1", "-1", "-1", "-2", "-5"}},
        {ROUND_CEILING, {"6", "3", "2", "2", "1", "-1", "-1", "-1", "-2", "-5"}},
        {ROUND_FLOOR, {"5", "2", "1", "1", "1", "-1", "-2", "-2", "-3", "-6"}},
        {ROUND_HALF_UP, {"6", "3", "2", "1", "1", "-1", "-1", "-2", "-3", "-6"}},
        {ROUND_HALF_DOWN, {"5", "2", "2", "1", "1", "-1", "-1", "-2", "-2", "-5"}},
        {ROUND_HALF_EVEN, {"6", "2", "2", "1", "1", "-1", "-1", "-2", "-2", "-6"}},
    };
    for (size_t m = 0; m < sizeof table / sizeof table[0]; m++)
        for (size_t i = 0; i < 10; i++)
            if (strcmp(rounded(in[i], 0, table[m].mode), table[m].want[i]))
                fail_msg("mode %d, %s: got %s, want %s", (int)table[m].mode, in[i],
                         rounded(in[i], 0, table[m].mode), table[m].want[i]);
}

static void test_round_half_beyond_the_first_dropped_digit(void **state)
{
    (void)state;
    /* 1.2501: more than half, whatever the mode says of exact halves. */
    assert_string_equal(rounded("1.2501", 1, ROUND_HALF_DOWN), "1.3");
    assert_string_equal(rounded("1.2501", 1, ROUND_HALF_EVEN), "1.3");
    assert_string_equal(rounded("1.25", 1, ROUND_HALF_EVEN), "1.2");
    assert_string_equal(rounded("1.35", 1, ROUND_HALF_EVEN), "1.4");
    assert_string_equal(rounded("0.05", 1, ROUND_HALF_EVEN), "0.0");
    assert_string_equal(rounded("0.0001", 1, ROUND_UP), "0.1");
    assert_string_equal(rounded("0.0001", 1, ROUND_CEILING), "0.1");
    assert_string_equal(rounded("-0.0001", 1, ROUND_CEILING), "0.0");
    assert_string_equal(rounded("-0.0001", 1, ROUND_FLOOR), "-0.1");
}

static void test_round_carries(void **state)
{
    (void)state;
    assert_string_equal(rounded("9.995", 2, ROUND_HALF_UP), "10.00");
    assert_string_equal(rounded("-9.995", 2, ROUND_HALF_UP), "-10.00");
    assert_string_equal(rounded("999.9999", 3, ROUND_HALF_UP), "1000.000");
    assert_string_equal(rounded("-9.995", 2, ROUND_DOWN), "-9.99");
    assert_string_equal(rounded("0.5", 0, ROUND_HALF_UP), "1");
    assert_string_equal(rounded("0.5", 0, ROUND_HALF_EVEN), "0");
}

static void test_round_pads_and_never_writes_minus_zero(void **state)
{
    (void)state;
    assert_string_equal(rounded("1.5", 3, ROUND_HALF_UP), "1.500");
    assert_string_equal(rounded("12", 2, ROUND_HALF_UP), "12.00");
    assert_string_equal(rounded("0", 0, ROUND_HALF_UP), "0");
    assert_string_equal(rounded("-0.0004", 3, ROUND_HALF_UP), "0.000");
    assert_string_equal(rounded("-0.4", 0, ROUND_HALF_EVEN), "0");
    assert_string_equal(rounded("-0", 1, ROUND_HALF_UP), "0.0");
    assert_string_equal(rounded("-12.5", 0, ROUND_HALF_UP), "-13");
}

static void test_round_scale_38_and_long_numbers(void **state)
{
    (void)state;
    assert_string_equal(rounded("0.1", 38, ROUND_HALF_UP), "0.10000000000000000000000000000000000000");
    assert_string_equal(rounded("123456789012345678901234567890.12345", 3, ROUND_HALF_UP),
                        "123456789012345678901234567890.123");
    assert_string_equal(rounded("123456789012345678901234567890.12355", 4, ROUND_HALF_EVEN),
                        "123456789012345678901234567890.1236");
}

static void test_round_buffer_limits(void **state)
{
    (void)state;
    char out[8];
    /* "1.500" and its NUL: 6 bytes; a sign needs one more. */
    assert_int_equal(decimal_round("1.5", 3, ROUND_HALF_UP, out, 6), 5);
    assert_string_equal(out, "1.500");
    assert_int_equal(decimal_round("1.5", 3, ROUND_HALF_UP, out, 5), 0);
    assert_int_equal(decimal_round("-1.5", 3, ROUND_HALF_UP, out, 6), 0);
    assert_int_equal(decimal_round("-1.5", 3, ROUND_HALF_UP, out, 7), 6);
    assert_string_equal(out, "-1.500");
    /* A carry makes one more digit. */
    assert_int_equal(decimal_round("9.9", 0, ROUND_HALF_UP, out, 3), 2);
    assert_string_equal(out, "10");
    assert_int_equal(decimal_round("9.9", 0, ROUND_HALF_UP, out, 2), 0);
    /* More digits than any decimal: refused, not overflowed. */
    char big[DECIMAL_PLAIN_MAX + 1];
    memset(big, '9', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char wide[2 * DECIMAL_PLAIN_MAX];
    assert_int_equal(decimal_round(big, 38, ROUND_HALF_UP, wide, sizeof wide), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_forms),
        cmocka_unit_test(test_plain_refuses),
        cmocka_unit_test(test_plain_buffer_limits),
        cmocka_unit_test(test_round_java_table),
        cmocka_unit_test(test_round_half_beyond_the_first_dropped_digit),
        cmocka_unit_test(test_round_carries),
        cmocka_unit_test(test_round_pads_and_never_writes_minus_zero),
        cmocka_unit_test(test_round_scale_38_and_long_numbers),
        cmocka_unit_test(test_round_buffer_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
