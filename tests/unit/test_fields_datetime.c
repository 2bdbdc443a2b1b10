/* tests/unit/test_fields_datetime.c — fields:convert's datetimes
 * (plugins/fields/datetime.c): RFC 3339 and Java-style patterns, both
 * ways; time zones, leap years, invalid dates, and the letters h, a, E
 * with their 12 AM / 12 PM edges. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fields/fields.h"

#define S INT64_C(1000000) /* microseconds in a second */
#define BAD INT64_MIN      /* what parse() returns for a refused text */

/* 2013-01-13T04:36:00Z, a Sunday. */
#define JAN13 (INT64_C(1358051760) * S)

static int64_t parse(const char *pattern, const char *text)
{
    int64_t us;
    if (fields_datetime_parse(pattern, text, strlen(text), &us) != SLUICE_OK)
        return BAD;
    return us;
}

static const char *format(const char *pattern, int64_t us)
{
    static char buf[256];
    size_t n = fields_datetime_format(pattern, us, buf, sizeof buf);
    if (n == 0)
        return "ERR";
    assert_int_equal(n, strlen(buf));
    return buf;
}

static void expect_parse(const char *pattern, const char *text, int64_t want)
{
    int64_t got = parse(pattern, text);
    if (got != want)
        fail_msg("%s with \"%s\": got %lld, want %lld", text, pattern ? pattern : "RFC 3339", (long long)got,
                 (long long)want);
}

static void test_rfc3339(void **state)
{
    (void)state;
    expect_parse(NULL, "1970-01-01T00:00:00Z", 0);
    expect_parse(NULL, "2013-01-13T04:36:00Z", JAN13);
    expect_parse(NULL, "2013-01-13t04:36:00z", JAN13);
    expect_parse(NULL, "2013-01-13 04:36:00Z", JAN13);
    expect_parse(NULL, "2013-01-13T04:36:00.25Z", JAN13 + 250000);
    expect_parse(NULL, "2013-01-13T04:36:00.123456789Z", JAN13 + 123456);
    expect_parse(NULL, "1969-12-31T23:59:59.999999Z", -1);
    expect_parse(NULL, "2013-01-13T04:36:00", BAD); /* no offset: which zone? */
    expect_parse(NULL, "2013-01-13", BAD);
    expect_parse(NULL, "", BAD);
    expect_parse(NULL, "2013-01-13T04:36:00Zjunk", BAD);
}

static void test_time_zones(void **state)
{
    (void)state;
    expect_parse(NULL, "2013-01-13T06:36:00+02:00", JAN13);
    expect_parse(NULL, "2013-01-12T23:36:00-05:00", JAN13);
    expect_parse(NULL, "2013-01-13T10:06:00+05:30", JAN13);
    /* Across a year's end. */
    expect_parse("yyyy-MM-dd HH:mm Z", "2013-01-01 00:30 +0100", parse(NULL, "2012-12-31T23:30:00Z"));
    expect_parse("yyyy-MM-dd HH:mm Z", "2012-12-31 22:30 -0130", parse(NULL, "2013-01-01T00:00:00Z"));
    expect_parse("yyyy-MM-dd HH:mm X", "2013-01-13 06:36 +02", JAN13);
    expect_parse("yyyy-MM-dd HH:mm X", "2013-01-13 04:36 Z", JAN13);
    expect_parse("yyyy-MM-dd HH:mm XX", "2013-01-13 06:36 +0200", JAN13);
    expect_parse("yyyy-MM-dd HH:mm XXX", "2013-01-13 06:36 +02:00", JAN13);
    expect_parse("yyyy-MM-dd HH:mm Z", "2013-01-13 06:36 +2400", BAD);
    expect_parse("yyyy-MM-dd HH:mm Z", "2013-01-13 06:36 +0260", BAD);
    expect_parse("yyyy-MM-dd HH:mm Z", "2013-01-13 06:36 0200", BAD);
    /* Without an offset letter the text is UTC. */
    expect_parse("yyyy-MM-dd HH:mm:ss", "2013-01-13 04:36:00", JAN13);
    /* Formatting is in UTC. */
    assert_string_equal(format("HH:mm X Z", JAN13), "04:36 Z +0000");
}

static void test_leap_years_and_invalid_dates(void **state)
{
    (void)state;
    assert_int_not_equal(parse(NULL, "2012-02-29T00:00:00Z"), BAD);
    assert_int_not_equal(parse(NULL, "2000-02-29T00:00:00Z"), BAD); /* divisible by 400 */
    expect_parse(NULL, "1900-02-29T00:00:00Z", BAD);                /* by 100, not 400 */
    expect_parse(NULL, "2013-02-29T00:00:00Z", BAD);
    expect_parse(NULL, "2013-04-31T00:00:00Z", BAD);
    expect_parse(NULL, "2013-13-01T00:00:00Z", BAD);
    expect_parse(NULL, "2013-00-01T00:00:00Z", BAD);
    expect_parse(NULL, "2013-01-00T00:00:00Z", BAD);
    expect_parse(NULL, "2013-01-13T24:00:00Z", BAD);
    expect_parse(NULL, "2013-01-13T23:60:00Z", BAD);
    expect_parse(NULL, "2013-01-13T23:59:60Z", BAD); /* no leap seconds */
    expect_parse("yyyy-MM-dd", "2013-1-13", BAD);
    expect_parse("yyyy-M-d", "2013-1-3", parse(NULL, "2013-01-03T00:00:00Z"));
    /* The day after 2100-02-28 is March 1st: 2100 is no leap year. */
    assert_string_equal(format("yyyy-MM-dd", parse(NULL, "2100-02-28T00:00:00Z") + 86400 * S), "2100-03-01");
    assert_string_equal(format("yyyy-MM-dd", parse(NULL, "2000-02-28T00:00:00Z") + 86400 * S), "2000-02-29");
}

static void test_patterns_both_ways(void **state)
{
    (void)state;
    expect_parse("dd/MMM/yyyy:HH:mm:ss Z", "13/Jan/2013:06:36:00 +0200", JAN13);
    expect_parse("yy-MM-dd HH:mm", "13-01-13 04:36", JAN13);
    expect_parse("yyyy-MM-dd'T'HH:mm:ss.SSS", "2013-01-13T04:36:00.250", JAN13 + 250000);
    expect_parse("yyyy-MM-dd HH:mm:ss.SSSSSS", "2013-01-13 04:36:00.000001", JAN13 + 1);
    expect_parse("''yyyy''", "'1970'", 0);
    expect_parse("yyyy-MM-dd", "2013-01-13 ", BAD); /* text left over */
    assert_string_equal(format("dd/MMM/yyyy:HH:mm:ss Z", JAN13), "13/Jan/2013:04:36:00 +0000");
    assert_string_equal(format("yyyy-MM-dd'T'HH:mm:ss.SSS", JAN13 + 250000), "2013-01-13T04:36:00.250");
    assert_string_equal(format("MMMM d, yy", JAN13), "January 13, 13");
    assert_string_equal(format(NULL, JAN13), "2013-01-13T04:36:00Z");
    assert_string_equal(format(NULL, JAN13 + 250000), "2013-01-13T04:36:00.250Z");
    assert_string_equal(format(NULL, -1), "1969-12-31T23:59:59.999999Z");
}

/* Names in either form and in any case, whatever the count of letters,
 * as java.text.SimpleDateFormat parses them. */
static void test_names_in_either_form(void **state)
{
    (void)state;
    expect_parse("dd MMM yyyy HH:mm", "13 January 2013 04:36", JAN13);
    expect_parse("dd MMMM yyyy HH:mm", "13 jan 2013 04:36", JAN13);
    expect_parse("dd MMM yyyy HH:mm", "13 Jab 2013 04:36", BAD);
}

static void test_hour_1_to_12_and_am_pm(void **state)
{
    (void)state;
    const char *p = "yyyy-MM-dd hh:mm a";
    int64_t midnight = parse(NULL, "2013-01-13T00:00:00Z");
    expect_parse(p, "2013-01-13 12:00 AM", midnight);
    expect_parse(p, "2013-01-13 12:30 AM", midnight + 30 * 60 * S);
    expect_parse(p, "2013-01-13 01:00 AM", midnight + 3600 * S);
    expect_parse(p, "2013-01-13 11:59 AM", midnight + (11 * 3600 + 59 * 60) * S);
    expect_parse(p, "2013-01-13 12:00 PM", midnight + 12 * 3600 * S);
    expect_parse(p, "2013-01-13 12:59 PM", midnight + (12 * 3600 + 59 * 60) * S);
    expect_parse(p, "2013-01-13 01:30 PM", midnight + (13 * 3600 + 30 * 60) * S);
    expect_parse(p, "2013-01-13 11:59 pm", midnight + (23 * 3600 + 59 * 60) * S);
    expect_parse(p, "2013-01-13 00:30 AM", BAD);
    expect_parse(p, "2013-01-13 13:00 PM", BAD);
    expect_parse(p, "2013-01-13 01:00 XM", BAD);
    expect_parse(p, "2013-01-13 01:00 ", BAD);
    /* h without a is AM; H wins over h and a, as in Java. */
    expect_parse("yyyy-MM-dd h:mm", "2013-01-13 7:05", midnight + (7 * 3600 + 5 * 60) * S);
    expect_parse("yyyy-MM-dd h:mm", "2013-01-13 12:05", midnight + 5 * 60 * S);
    expect_parse("yyyy-MM-dd HH:mm a", "2013-01-13 13:00 AM", midnight + 13 * 3600 * S);

    const char *f = "hh:mm a|h a";
    assert_string_equal(format(f, midnight), "12:00 AM|12 AM");
    assert_string_equal(format(f, midnight + 30 * 60 * S), "12:30 AM|12 AM");
    assert_string_equal(format(f, midnight + 3600 * S), "01:00 AM|1 AM");
    assert_string_equal(format(f, midnight + (11 * 3600 + 59 * 60) * S), "11:59 AM|11 AM");
    assert_string_equal(format(f, midnight + 12 * 3600 * S), "12:00 PM|12 PM");
    assert_string_equal(format(f, midnight + 13 * 3600 * S), "01:00 PM|1 PM");
    assert_string_equal(format(f, midnight + (23 * 3600 + 59 * 60) * S), "11:59 PM|11 PM");
    /* Before 1970 too. */
    assert_string_equal(format("yyyy-MM-dd hh:mm a", parse(NULL, "1969-12-31T23:15:00Z")), "1969-12-31 11:15 PM");
}

static void test_day_names(void **state)
{
    (void)state;
    assert_string_equal(format("EEE EEEE E EEEEE", JAN13), "Sun Sunday Sun Sunday");
    assert_string_equal(format("EEE", 0), "Thu");                                      /* 1970-01-01 */
    assert_string_equal(format("EEEE", -1), "Wednesday");                              /* 1969-12-31 */
    assert_string_equal(format("EEEE", parse(NULL, "2000-02-29T12:00:00Z")), "Tuesday"); /* a leap day */
    assert_string_equal(format("EEE", JAN13 + 86400 * S), "Mon");
    assert_string_equal(format("EEE", JAN13 + 6 * 86400 * S), "Sat");

    const char *rfc1123 = "EEE, dd MMM yyyy HH:mm:ss Z";
    expect_parse(rfc1123, "Sun, 13 Jan 2013 06:36:00 +0200", JAN13);
    expect_parse(rfc1123, "sun, 13 Jan 2013 06:36:00 +0200", JAN13);
    expect_parse(rfc1123, "Sunday, 13 Jan 2013 06:36:00 +0200", JAN13);
    expect_parse("EEEE, dd MMM yyyy HH:mm:ss Z", "Sun, 13 Jan 2013 06:36:00 +0200", JAN13);
    /* A day name that is not the date's day: the text contradicts itself. */
    expect_parse(rfc1123, "Mon, 13 Jan 2013 06:36:00 +0200", BAD);
    expect_parse(rfc1123, "Son, 13 Jan 2013 06:36:00 +0200", BAD);
    assert_string_equal(format(rfc1123, JAN13), "Sun, 13 Jan 2013 04:36:00 +0000");
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *p = "EEEE, MMMM d, yyyy h:mm:ss.SSS a X";
    for (int64_t us = -400 * 86400 * S; us < 400 * 86400 * S; us += 7 * 3600 * S + 61 * S + 1000) {
        const char *text = format(p, us);
        if (parse(p, text) != us)
            fail_msg("%lld -> %s -> %lld", (long long)us, text, (long long)parse(p, text));
    }
}

static void test_pattern_check(void **state)
{
    (void)state;
    char why[160];
    assert_int_equal(fields_datefmt_check("EEE, dd MMM yyyy hh:mm:ss.SSS a XXX Z 'at' ''", why, sizeof why),
                     SLUICE_OK);
    assert_int_equal(fields_datefmt_check("yyyy-MM-dd kk:mm", why, sizeof why), SLUICE_ERROR);
    assert_string_equal(why, "column 12: pattern letter 'k' is not supported (use y M d H h a m s S E X Z)");
    assert_int_equal(fields_datefmt_check("yyyy 'open", why, sizeof why), SLUICE_ERROR);
    assert_string_equal(why, "column 6: unterminated quote");
}

static void test_format_buffer_limits(void **state)
{
    (void)state;
    char buf[11];
    assert_int_equal(fields_datetime_format("yyyy-MM-dd", JAN13, buf, sizeof buf), 10);
    assert_string_equal(buf, "2013-01-13");
    assert_int_equal(fields_datetime_format("yyyy-MM-dd", JAN13, buf, 10), 0);
    assert_int_equal(fields_datetime_format("EEEE", JAN13, buf, 6), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_time_zones),
        cmocka_unit_test(test_leap_years_and_invalid_dates),
        cmocka_unit_test(test_patterns_both_ways),
        cmocka_unit_test(test_names_in_either_form),
        cmocka_unit_test(test_hour_1_to_12_and_am_pm),
        cmocka_unit_test(test_day_names),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_pattern_check),
        cmocka_unit_test(test_format_buffer_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
