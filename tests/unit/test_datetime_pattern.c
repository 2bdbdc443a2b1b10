/* tests/unit/test_datetime_pattern.c — date patterns (sluice/datetime.h,
 * core/format/datetime_pattern.c), which fields:convert and the time:
 * functions share: RFC 3339 and Java-style patterns, both ways; time
 * zones, leap years, invalid dates, the letters h, a, E with their
 * 12 AM / 12 PM edges, S as a fraction, and the letters only the
 * expression language used to have (G D u k K z). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sluice/sluice.h>

#define S INT64_C(1000000) /* microseconds in a second */
#define BAD INT64_MIN      /* what parse() returns for a refused text */

/* 2013-01-13T04:36:00Z, a Sunday. */
#define JAN13 (INT64_C(1358051760) * S)

/* The patterns a test compiled (NULL stands for RFC 3339), freed after
 * it. */
static sluice_datetime_pattern *compiled[64];
static size_t n_compiled;

static const sluice_datetime_pattern *pat(const char *text)
{
    if (!text)
        return NULL;
    char why[160];
    sluice_datetime_pattern *p = sluice_datetime_pattern_compile(text, strlen(text), NULL, why, sizeof why);
    if (!p)
        fail_msg("\"%s\": %s", text, why);
    assert_true(n_compiled < sizeof compiled / sizeof compiled[0]);
    return compiled[n_compiled++] = p;
}

static int free_compiled(void **state)
{
    (void)state;
    while (n_compiled > 0)
        sluice_datetime_pattern_free(compiled[--n_compiled]);
    return 0;
}

static int64_t parse_at(const char *pattern, const char *text, int32_t offset_sec)
{
    int64_t us;
    const sluice_datetime_pattern *p = pat(pattern);
    if (sluice_datetime_parse(p, text, strlen(text), offset_sec, &us) != SLUICE_OK)
        return BAD;
    return us;
}

static int64_t parse(const char *pattern, const char *text)
{
    return parse_at(pattern, text, 0);
}

static const char *format(const char *pattern, int64_t us)
{
    static char buf[256];
    size_t n = sluice_datetime_format(pat(pattern), us, buf, sizeof buf);
    if (n >= sizeof buf)
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
    const sluice_datetime_pattern *p = pat("EEEE, MMMM d, yyyy h:mm:ss.SSS a X");
    char text[100];
    for (int64_t us = -400 * 86400 * S; us < 400 * 86400 * S; us += 7 * 3600 * S + 61 * S + 1000) {
        size_t n = sluice_datetime_format(p, us, text, sizeof text);
        int64_t back = BAD;
        if (sluice_datetime_parse(p, text, n, 0, &back) != SLUICE_OK || back != us)
            fail_msg("%lld -> %s -> %lld", (long long)us, text, (long long)back);
    }
}

static void test_pattern_check(void **state)
{
    (void)state;
    char why[160];
    size_t column = 99;
    const char *ok = "G yyyy-MM-dd D E u hh:mm:ss.SSS a k K z Z XXX 'at' ''";
    sluice_datetime_pattern *p = sluice_datetime_pattern_compile(ok, strlen(ok), &column, why, sizeof why);
    assert_non_null(p);
    assert_int_equal(column, 0);
    sluice_datetime_pattern_free(p);
    assert_null(sluice_datetime_pattern_compile("yyyy-ww", 7, &column, why, sizeof why));
    assert_string_equal(why, "pattern letter 'w' is not supported (use G y Y M L d D E u a H k K h m s S z Z X)");
    assert_int_equal(column, 6);
    assert_null(sluice_datetime_pattern_compile("yyyy 'open", 10, &column, why, sizeof why));
    assert_string_equal(why, "unterminated quote");
    assert_int_equal(column, 6);
    /* The length is the pattern's: what follows is not read. */
    assert_null(sluice_datetime_pattern_compile("'x'", 2, &column, why, sizeof why));
    p = sluice_datetime_pattern_compile("yyyyw", 4, NULL, NULL, 0);
    assert_non_null(p);
    sluice_datetime_pattern_free(p);
    sluice_datetime_pattern_free(NULL);
}

/* snprintf's contract: the length it needs, whatever the room. */
static void test_format_buffer_limits(void **state)
{
    (void)state;
    char buf[11];
    const sluice_datetime_pattern *p = pat("yyyy-MM-dd");
    assert_int_equal(sluice_datetime_format(p, JAN13, buf, sizeof buf), 10);
    assert_string_equal(buf, "2013-01-13");
    assert_int_equal(sluice_datetime_format(p, JAN13, buf, 10), 10);
    assert_int_equal(sluice_datetime_format(pat("EEEE"), JAN13, buf, 6), 6);
    assert_int_equal(sluice_datetime_format(p, JAN13, NULL, 0), 10);
    assert_int_equal(sluice_datetime_format(NULL, JAN13, buf, 5), 20);
}

/* S is a fraction of a second (java.time's DateTimeFormatter), not a
 * number of milliseconds (java.text.SimpleDateFormat): they agree on SSS. */
static void test_fraction(void **state)
{
    (void)state;
    int64_t t = JAN13 + 123456, day = JAN13 % (86400 * S);
    assert_string_equal(format("s.S|s.SS|s.SSS|s.SSSSSS|s.SSSSSSSSS", t), "0.1|0.12|0.123|0.123456|0.123456000");
    assert_string_equal(format("SSS", JAN13 + 7000), "007");
    assert_string_equal(format("SSS", JAN13 - 1), "999");
    expect_parse("HH:mm:ss.S", "04:36:00.5", day + 500000);
    expect_parse("HH:mm:ss.SS", "04:36:00.05", day + 50000);
    expect_parse("HH:mm:ss.SSSSSSSSS", "04:36:00.123456789", day + 123456);
    expect_parse("HH:mm:ss.SSS", "04:36:00.5", BAD); /* exactly as many digits as letters */
    expect_parse("HH:mm:ss.SSS", "04:36:00.5000", BAD);
}

/* The letters the expression language had before the plugin's: G, D, u,
 * k, K, z, and Y and L as y and M. */
static void test_more_letters(void **state)
{
    (void)state;
    assert_string_equal(format("G yyyy YY LLL D DDD u", JAN13), "AD 2013 13 Jan 13 013 7");
    assert_string_equal(format("k K|kk KK", 0), "24 0|24 00");
    assert_string_equal(format("k K", 13 * 3600 * S), "13 1");
    assert_string_equal(format("z|zzzz|Z|X|XXX", JAN13), "UTC|Coordinated Universal Time|+0000|Z|Z");
    assert_string_equal(format("D", parse(NULL, "2012-12-31T00:00:00Z")), "366");
    /* Years before 1: the year of the era, as Java writes them. */
    int64_t bc = parse("G yyyy-MM-dd", "BC 0001-01-01");
    assert_int_not_equal(bc, BAD);
    assert_string_equal(format("yyyy G", bc), "0001 BC");
    assert_string_equal(format(NULL, bc), "0000-01-01T00:00:00Z");
    expect_parse("yyyy G", "2013 ad", parse(NULL, "2013-01-01T00:00:00Z"));

    expect_parse("yyyy D HH:mm", "2013 13 04:36", JAN13);
    expect_parse("yyyy DDD HH:mm", "2013 013 04:36", JAN13);
    expect_parse("yyyy D", "2013 366", BAD);
    expect_parse("yyyy D", "2012 366", parse(NULL, "2012-12-31T00:00:00Z"));
    expect_parse("yyyy-MM-dd D", "2013-01-13 14", BAD); /* contradicts itself */
    expect_parse("yyyy D u", "2013 13 7", parse(NULL, "2013-01-13T00:00:00Z"));
    expect_parse("yyyy-MM-dd u", "2013-01-13 1", BAD); /* a Sunday, not a Monday */
    expect_parse("yyyy-MM-dd u", "2013-01-13 8", BAD);
    expect_parse("yyyy-MM-dd kk:mm", "2013-01-13 24:30", parse(NULL, "2013-01-13T00:30:00Z"));
    expect_parse("yyyy-MM-dd kk:mm", "2013-01-13 00:30", BAD);
    expect_parse("yyyy-MM-dd K:mm a", "2013-01-13 0:30 PM", parse(NULL, "2013-01-13T12:30:00Z"));
    expect_parse("yyyy-MM-dd K:mm a", "2013-01-13 12:30 PM", BAD);
    expect_parse("yyyy-MM-dd HH:mm z", "2013-01-13 04:36 UTC", JAN13);
    expect_parse("yyyy-MM-dd HH:mm z", "2013-01-13 06:36 GMT+02:00", JAN13);
    expect_parse("yyyy-MM-dd HH:mm zzzz", "2013-01-13 04:36 coordinated universal time", JAN13);
    expect_parse("yyyy-MM-dd HH:mm z", "2013-01-13 04:36 CET", BAD);
}

/* Text without an offset is local time at the offset the caller gives;
 * an offset in the text wins; RFC 3339 always has one. */
static void test_default_offset(void **state)
{
    (void)state;
    expect_parse("yyyy-MM-dd HH:mm", "2013-01-13 04:36", JAN13);
    assert_int_equal(parse_at("yyyy-MM-dd HH:mm", "2013-01-13 06:36", 7200), JAN13);
    assert_int_equal(parse_at("yyyy-MM-dd HH:mm", "2013-01-12 23:36", -5 * 3600), JAN13);
    assert_int_equal(parse_at("yyyy-MM-dd HH:mm X", "2013-01-13 04:36 Z", 7200), JAN13);
    assert_int_equal(parse_at(NULL, "2013-01-13T04:36:00Z", 7200), JAN13);
    assert_int_equal(parse_at(NULL, "2013-01-13T04:36:00", 7200), BAD);
}

/* Quotes: '' is a quote outside and inside quoted text, as in Java. */
static void test_quotes(void **state)
{
    (void)state;
    assert_string_equal(format("h 'o''clock' a", JAN13), "4 o'clock AM");
    assert_string_equal(format("''''", JAN13), "''");
    assert_string_equal(format("'yyyy'yyyy", JAN13), "yyyy2013");
    expect_parse("h 'o''clock' a", "4 o'clock AM", 4 * 3600 * S);
    expect_parse("h 'o''clock' a", "4 oclock AM", BAD);
}

/* Numbers too long for a date do not wrap around into one. */
static void test_huge_numbers(void **state)
{
    (void)state;
    int64_t jan13_midnight = JAN13 - (4 * 3600 + 36 * 60) * S;
    expect_parse("yyyy-MM-dd", "2013-01-4294967309", BAD);
    expect_parse("yyyy-MM-dddddddddddd", "2013-01-000000000013", jan13_midnight);
    expect_parse("yyyy-MM-dddddddddddd", "2013-01-004294967309", BAD);
    expect_parse("yyyyyyyyyyyy", "999999999999", BAD);
    expect_parse("ddddddddddddddddddddd", "000000000000000000001", BAD); /* more than 18 digits */
    assert_string_equal(format("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", JAN13), "00000000000000002013"); /* 20 digits at most */
}

#define TEST(f) cmocka_unit_test_teardown(f, free_compiled)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_rfc3339),
        TEST(test_time_zones),
        TEST(test_leap_years_and_invalid_dates),
        TEST(test_patterns_both_ways),
        TEST(test_names_in_either_form),
        TEST(test_hour_1_to_12_and_am_pm),
        TEST(test_day_names),
        TEST(test_round_trip),
        TEST(test_pattern_check),
        TEST(test_format_buffer_limits),
        TEST(test_fraction),
        TEST(test_more_letters),
        TEST(test_default_offset),
        TEST(test_quotes),
        TEST(test_huge_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
