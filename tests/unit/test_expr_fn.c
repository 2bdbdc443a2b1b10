/* tests/unit/test_expr_fn.c — every function of the expression language:
 * record:, str: (with regexes), math:, time:, pipeline:, uuid:; and what
 * they do with wrong arguments. */
#include "config.h"

#include "expr_helpers.h"

static void test_record(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${record:value('/s')}", "string abc"},
        {"${record:value('/n')}", "int 5"},
        {"${record:value('/d')}", "double 2.5"},
        {"${record:value('/b')}", "bool true"},
        {"${record:value('/nul')}", "null "},
        {"${record:value('/missing')}", "null "},
        {"${record:value('/dec')}", "decimal 12.50"},
        {"${record:value('/dt')}", "datetime 2013-01-13T04:36:00.123Z"},
        {"${record:value('/list')}", "list [1,2]"},
        {"${record:value('/list[1]')}", "int 2"},
        {"${record:value('/map/k')}", "string v"},
        {"${record:value(\"/'odd key'\")}", "string odd"},
        {"${record:value('/bytes')}", "bytes \"aGk=\""},
        {"${record:valueOrDefault('/s', 'dflt')}", "string abc"},
        {"${record:valueOrDefault('/missing', 'dflt')}", "string dflt"},
        {"${record:valueOrDefault('/nul', 7)}", "int 7"},
        {"${record:exists('/s')}", "bool true"},
        {"${record:exists('/nul')}", "bool true"},
        {"${record:exists('/missing')}", "bool false"},
        {"${record:exists('/list[5]')}", "bool false"},
        {"${record:type('/s')}", "string STRING"},
        {"${record:type('/n')}", "string LONG"},
        {"${record:type('/d')}", "string DOUBLE"},
        {"${record:type('/dec')}", "string DECIMAL"},
        {"${record:type('/b')}", "string BOOLEAN"},
        {"${record:type('/bytes')}", "string BYTE_ARRAY"},
        {"${record:type('/dt')}", "string DATETIME"},
        {"${record:type('/list')}", "string LIST"},
        {"${record:type('/map')}", "string MAP"},
        {"${record:type('/nul')}", "string NULL"},
        {"${record:type('/missing')}", "null "},
        {"${record:type('/s') == STRING}", "bool true"},
        {"${record:type('/n') == LONG && record:type('/map') == MAP}", "bool true"},
        {"${record:attribute('kinesis.shardId')}", "string shard-1"},
        {"${record:attribute('nope')}", "null "},
        {"${record:attribute(str:substring('kinesis.shardIdXYZ', 0, 15))}", "string shard-1"},
        {"${record:attributeOrDefault('nope', 'none')}", "string none"},
        {"${record:attributeOrDefault('kinesis.shardId', 'none')}", "string shard-1"},
        {"${record:id()}", "string rec-1"},
    };
    CHECK_CASES(cases);
}

static void test_record_without_record(void **state)
{
    (void)state;
    assert_string_equal(run_on("${record:value('/s')}", false),
                        "eval error: expression \"${record:value('/s')}\", column 3: record:value: there is no "
                        "record here");
    assert_string_equal(run_on("${record:attribute('a')}", false),
                        "eval error: expression \"${record:attribute('a')}\", column 3: record:attribute: there is "
                        "no record here");
    assert_string_equal(run_on("${str:length('abc')}", false), "int 3");
}

static void test_str(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${str:contains('abcdef', 'cd')}", "bool true"},
        {"${str:contains('abcdef', 'x')}", "bool false"},
        {"${str:contains('abc', '')}", "bool true"},
        {"${str:startsWith('abcdef', 'ab')}", "bool true"},
        {"${str:startsWith('ab', 'abc')}", "bool false"},
        {"${str:endsWith('abcdef', 'ef')}", "bool true"},
        {"${str:endsWith('abcdef', 'e')}", "bool false"},
        {"${str:toUpper(record:value('/up'))}", "string HELLO WORLD"},
        {"${str:toLower(record:value('/up'))}", "string hello world"},
        {"${str:toUpper(record:value('/u'))}", "string H\xc3\xa9LLO W\xc3\xb6RLD"},
        {"${str:trim(record:value('/sp'))}", "string pad"},
        {"${str:trim('   ')}", "string "},
        {"${str:length('abc')}", "int 3"},
        {"${str:length(record:value('/u'))}", "int 11"},
        {"${str:length(null)}", "int 0"},
        {"${str:length(12345)}", "int 5"},
        {"${str:substring('abcdef', 1, 3)}", "string bc"},
        {"${str:substring('abcdef', 4, 100)}", "string ef"},
        {"${str:substring('abcdef', 10, 12)}", "string "},
        {"${str:substring('abcdef', 3, 1)}",
         "eval error: expression \"${str:substring('abcdef', 3, 1)}\", column 27: str:substring: beginIndex 3 is "
         "past endIndex 1"},
        {"${str:substring('abcdef', 3, 3)}", "string "},
        {"${str:substring('', 0, 5)}", "string "},
        {"${str:substring(record:value('/u'), 1, 4)}", "string \xc3\xa9ll"},
        {"${str:substring('abc', '1', 2)}", "string b"},
        {"${str:substring('abc', -1, 2)}",
         "eval error: expression \"${str:substring('abc', -1, 2)}\", column 24: str:substring: beginIndex must be 0 "
         "or more, got -1"},
        {"${str:substring('abc', 0, -2)}",
         "eval error: expression \"${str:substring('abc', 0, -2)}\", column 27: str:substring: endIndex must be 0 or "
         "more, got -2"},
        {"${str:substring('abc', 'x', 2)}",
         "eval error: expression \"${str:substring('abc', 'x', 2)}\", column 24: cannot convert \"x\" to a number"},
        {"${str:indexOf('abcabc', 'ca')}", "int 2"},
        {"${str:indexOf('abc', 'x')}", "int -1"},
        {"${str:indexOf(record:value('/u'), 'l')}", "int 2"},
        {"${str:concat('ab', 'cd')}", "string abcd"},
        {"${str:concat(1, null)}", "string 1"},
        {"${str:replace('a-b-c', '-', '+')}", "string a+b+c"},
        {"${str:replace('aaa', 'aa', 'b')}", "string ba"},
        {"${str:replace('abc', 'x', 'y')}", "string abc"},
        {"${str:replace('abc', '', 'y')}",
         "eval error: expression \"${str:replace('abc', '', 'y')}\", column 22: str:replace: the string to replace "
         "is empty"},
        {"${str:toUpper(record:value('/list'))}",
         "eval error: expression \"${str:toUpper(record:value('/list'))}\", column 15: cannot convert a list to a "
         "string"},
    };
    CHECK_CASES(cases);
}

static void test_regex(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${str:matches('abc123', '[a-z]+\\\\d+')}", "bool true"},
        {"${str:matches('abc123', '[a-z]+')}", "bool false"}, /* the whole string, as Java */
        {"${str:matches('abc', '\\d*')}", "bool false"},
        {"${str:matches(record:value('/u'), 'h.llo w.rld')}", "bool true"}, /* '.' is one character */
        {"${str:matches('', '')}", "bool true"},
        {"${str:regExCapture('order 42 of 7', '(\\\\d+) of (\\\\d+)', 2)}", "string 7"},
        {"${str:regExCapture('order 42 of 7', '(\\\\d+) of (\\\\d+)', 0)}", "string 42 of 7"},
        {"${str:regExCapture('none', '(\\\\d+)', 1)}", "null "},
        {"${str:regExCapture('ab', '(x)?b', 1)}", "null "},
        {"${str:regExCapture('ab', '(a)', 2)}",
         "eval error: expression \"${str:regExCapture('ab', '(a)', 2)}\", column 33: str:regExCapture: no group 2 "
         "(the regex has 1)"},
        {"${str:replaceAll('a1b22c', '\\\\d+', '#')}", "string a#b#c"},
        {"${str:replaceAll('john smith', '(\\\\w+) (\\\\w+)', '$2 $1')}", "string smith john"},
        {"${str:replaceAll('abc', 'x', 'y')}", "string abc"},
        {"${str:split('a,b,c', ',')}", "list [\"a\",\"b\",\"c\"]"},
        {"${str:split(record:value('/csv'), ',')}", "list [\"a\",\"b\",\"\",\"c\"]"},
        {"${str:split('a1b22c', '\\\\d+')}", "list [\"a\",\"b\",\"c\"]"},
        {"${str:split('abc', '')}", "list [\"a\",\"b\",\"c\"]"},
        {"${str:split('', ',')}", "list [\"\"]"},
        {"${str:split(',a', ',')}", "list [\"\",\"a\"]"},
        {"${empty str:split('', ',')}", "bool false"},
    };
    CHECK_CASES(cases);
}

static void test_math(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${math:abs(-5)}", "int 5"},
        {"${math:abs(-2.5)}", "double 2.5"},
        {"${math:abs('-3')}", "int 3"},
        {"${math:abs(record:value('/neg'))}", "int 7"},
        {"${math:ceil(1.2)}", "double 2.0"},
        {"${math:ceil(-1.2)}", "double -1.0"},
        {"${math:ceil(3)}", "double 3.0"},
        {"${math:floor(1.8)}", "double 1.0"},
        {"${math:floor(-1.2)}", "double -2.0"},
        {"${math:round(2.5)}", "int 3"},
        {"${math:round(-2.5)}", "int -2"},
        {"${math:round(2.4)}", "int 2"},
        {"${math:round('7.6')}", "int 8"},
        {"${math:max(3, 7)}", "int 7"},
        {"${math:max(3, 7.5)}", "double 7.5"},
        {"${math:min(3, 7)}", "int 3"},
        {"${math:min(-1.5, 2)}", "double -1.5"},
        {"${math:max('10', '9')}", "int 10"},
        {"${math:abs('x')}", "eval error: expression \"${math:abs('x')}\", column 12: cannot convert \"x\" to a number"},
        {"${math:floor(true)}",
         "eval error: expression \"${math:floor(true)}\", column 14: cannot convert a boolean to a number"},
    };
    CHECK_CASES(cases);
}

static void test_time(void **state)
{
    (void)state;
    static const expr_case cases[] = {
        {"${time:now()}", "datetime 2013-01-13T04:36:00.123Z"},
        {"${time:millisecondsToDateTime(0)}", "datetime 1970-01-01T00:00:00Z"},
        {"${time:millisecondsToDateTime(1358051760123)}", "datetime 2013-01-13T04:36:00.123Z"},
        {"${time:millisecondsToDateTime('-1000')}", "datetime 1969-12-31T23:59:59Z"},
        {"${time:dateTimeToMilliseconds(record:value('/dt'))}", "int 1358051760123"},
        {"${time:extractStringFromDate(record:value('/dt'), 'yyyy-MM-dd HH:mm:ss.SSS')}",
         "string 2013-01-13 04:36:00.123"},
        {"${time:extractStringFromDate(time:now(), 'yy/M/d h:m:s a')}", "string 13/1/13 4:36:0 AM"},
        {"${time:extractStringFromDate(time:now(), 'EEE, d MMM yyyy')}", "string Sun, 13 Jan 2013"},
        {"${time:extractStringFromDate(time:now(), 'EEEE MMMM D u')}", "string Sunday January 13 7"},
        {"${time:extractStringFromDate(time:now(), \"'week' ''yy'' G z Z X k K\")}",
         "string week '13' AD UTC +0000 Z 4 4"},
        {"${time:extractStringFromDate(time:millisecondsToDateTime(43200000), 'hh a kk')}", "string 12 PM 12"},
        {"${time:extractStringFromDate(time:millisecondsToDateTime(0), 'hh a kk HH')}", "string 12 AM 24 00"},
        {"${time:extractStringFromDate(time:now(), str:concat('yyyy-MM-dd ', \"HH 'h' SSS\"))}",
         "string 2013-01-13 04 h 123"},
        {"${time:extractStringFromDate(time:now(), 'SSSSSS S')}", "string 123000 1"},
        {"${time:extractStringFromDate(time:now(), str:concat('yyyy', 'w'))}",
         "eval error: expression \"${time:extractStringFromDate(time:now(), str:concat('yyyy', 'w'))}\", column 42: "
         "time:extractStringFromDate: pattern letter 'w' is not supported (use G y Y M L d D E u a H k K h m s S z Z X) "
         "(at character 5 of the pattern)"},
        {"${time:extractStringFromDate('2013-01-13', 'yyyy')}",
         "eval error: expression \"${time:extractStringFromDate('2013-01-13', 'yyyy')}\", column 30: "
         "time:extractStringFromDate: expected a datetime, got string"},
        {"${time:millisecondsToDateTime(9223372036854775807)}",
         "eval error: expression \"${time:millisecondsToDateTime(9223372036854775807)}\", column 31: "
         "time:millisecondsToDateTime: 9223372036854775807 is out of range"},
    };
    CHECK_CASES(cases);
}

static void test_misc(void **state)
{
    (void)state;
    assert_string_equal(run("${pipeline:name()}"), "string taxi-pipeline");
    /* Version 4, variant 10, lower-case hex, and a new one every time. */
    char first[64];
    snprintf(first, sizeof first, "%s", run("${uuid:uuid()}"));
    const char *u = first + strlen("string ");
    assert_int_equal(strlen(u), 36);
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u[i]));
    }
    assert_int_equal(u[14], '4');
    assert_non_null(strchr("89ab", u[19]));
    assert_string_not_equal(run("${uuid:uuid()}"), first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record), cmocka_unit_test(test_record_without_record),
        cmocka_unit_test(test_str),    cmocka_unit_test(test_regex),
        cmocka_unit_test(test_math),   cmocka_unit_test(test_time),
        cmocka_unit_test(test_misc),
    };
    return cmocka_run_group_tests(tests, expr_setup, expr_teardown);
}
