/* tests/unit/test_log.c — the rate-limited per-record error log
 * (core/log_record_error.c) and log lines over a progress line (core/log.c).
 *
 * stderr is redirected to a temporary file while the code under test logs,
 * and restored before any assertion, so cmocka's messages stay visible.
 * The limiter's clock is injected: the second-by-second behaviour is tested
 * exactly and without sleeping. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

#define MS 1000000ull

static _Atomic uint64_t fake_now;

static uint64_t fake_clock(void) { return atomic_load(&fake_now); }

static int saved_stderr = -1;
static FILE *capture_file;

static void capture_begin(void)
{
    fflush(stderr);
    capture_file = tmpfile();
    assert_non_null(capture_file);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(saved_stderr >= 0);
    assert_int_equal(dup2(fileno(capture_file), STDERR_FILENO), STDERR_FILENO);
}

/* Restores stderr; returns what was written meanwhile (free it). */
static char *capture_end(void)
{
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    long size = lseek(fileno(capture_file), 0, SEEK_END);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fileno(capture_file), text, (size_t)size, 0), size);
    fclose(capture_file);
    return text;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static int setup(void **state)
{
    (void)state;
    atomic_store(&fake_now, 1000 * MS);
    log_set_level(SLUICE_LOG_INFO);
    log_record_error_reset(fake_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_set_progress_line(false);
    log_record_error_reset(NULL);
    return 0;
}

static void test_burst_then_one_a_second(void **state)
{
    (void)state;
    capture_begin();
    for (int i = 0; i < 15; i++)
        log_record_error("conv", "CONV_01", "field /x: not a number (%d)", i);
    char *burst = capture_end();
    assert_int_equal(count_lines(burst), LOG_RECORD_ERROR_BURST);
    assert_non_null(strstr(burst, "WARN  [conv] record error CONV_01: field /x: not a number (0)\n"));
    assert_non_null(strstr(burst, "(9)\n"));
    assert_null(strstr(burst, "(10)"));
    free(burst);

    capture_begin();
    atomic_store(&fake_now, 1500 * MS); /* half a second on: still quiet */
    log_record_error("conv", "CONV_01", "field /x: not a number (%d)", 15);
    atomic_store(&fake_now, 2000 * MS); /* a second after the last line */
    log_record_error("conv", "CONV_01", "field /x: not a number (%d)", 16);
    char *later = capture_end();
    assert_int_equal(count_lines(later), 1);
    assert_non_null(strstr(later, "[conv] record error CONV_01: field /x: not a number (16) (6 similar lines suppressed)\n"));
    free(later);

    capture_begin();
    atomic_store(&fake_now, 2999 * MS); /* 999 ms after that line: still quiet */
    log_record_error("conv", "CONV_01", "again");
    atomic_store(&fake_now, 3000 * MS);
    log_record_error("conv", "CONV_01", "and again");
    char *next = capture_end();
    assert_int_equal(count_lines(next), 1);
    assert_non_null(strstr(next, "and again (1 similar line suppressed)\n"));
    free(next);
}

static void test_quiet_stage_logs_without_count(void **state)
{
    (void)state;
    capture_begin();
    for (int i = 0; i < LOG_RECORD_ERROR_BURST; i++)
        log_record_error("s", "E", "m");
    atomic_store(&fake_now, 5000 * MS); /* nothing suppressed meanwhile */
    log_record_error("s", "E", "late");
    char *text = capture_end();
    assert_int_equal(count_lines(text), LOG_RECORD_ERROR_BURST + 1);
    assert_non_null(strstr(text, "record error E: late\n"));
    assert_null(strstr(text, "suppressed"));
    free(text);
}

static void test_stages_are_limited_apart(void **state)
{
    (void)state;
    capture_begin();
    for (int i = 0; i < 12; i++) {
        log_record_error("a", "A1", "a%d", i);
        log_record_error("b", "B1", "b%d", i);
    }
    char *text = capture_end();
    assert_int_equal(count_of(text, "[a] record error A1"), 10);
    assert_int_equal(count_of(text, "[b] record error B1"), 10);
    free(text);
}

static void test_flush_reports_what_is_left(void **state)
{
    (void)state;
    capture_begin();
    for (int i = 0; i < 13; i++)
        log_record_error("a", "A1", "m");
    for (int i = 0; i < 11; i++)
        log_record_error("b", "B1", "m");
    log_record_error("c", "C1", "m");
    log_record_error_flush();
    log_record_error_flush(); /* counts are reported once */
    char *text = capture_end();
    assert_int_equal(count_lines(text), 10 + 10 + 1 + 2);
    assert_non_null(strstr(text, "[a] record error: 3 similar lines suppressed\n"));
    assert_non_null(strstr(text, "[b] record error: 1 similar line suppressed\n"));
    assert_int_equal(count_of(text, "similar"), 2);
    free(text);
}

static void test_without_code(void **state)
{
    (void)state;
    capture_begin();
    log_record_error("s", NULL, "no code");
    char *text = capture_end();
    assert_non_null(strstr(text, "[s] record error: no code\n"));
    free(text);
}

static void test_more_stages_than_slots(void **state)
{
    (void)state;
    /* 100 stages, more than the table holds: the first ones are limited
     * apart, the others share one limit, and every line keeps its own tag. */
    capture_begin();
    for (int i = 0; i < 100; i++) {
        char id[16];
        snprintf(id, sizeof id, "stage%d", i);
        log_record_error(id, "E", "first");
    }
    log_record_error_flush();
    char *text = capture_end();
    int shared = 100 - LOG_RECORD_ERROR_STAGES;
    assert_int_equal(count_lines(text), LOG_RECORD_ERROR_STAGES + LOG_RECORD_ERROR_BURST + 1);
    assert_non_null(strstr(text, "[stage0] record error E: first\n"));
    assert_non_null(strstr(text, "[stage73] record error E: first\n"));
    char expected[64];
    snprintf(expected, sizeof expected, "WARN  record error: %d similar lines suppressed\n",
             shared - LOG_RECORD_ERROR_BURST);
    assert_non_null(strstr(text, expected));
    free(text);
}

static void test_level_error_writes_nothing(void **state)
{
    (void)state;
    log_set_level(SLUICE_LOG_ERROR);
    capture_begin();
    for (int i = 0; i < 20; i++)
        log_record_error("s", "E", "m");
    log_record_error_flush();
    char *text = capture_end();
    log_set_level(SLUICE_LOG_INFO);
    assert_string_equal(text, "");
    free(text);
}

#define THREADS 8
#define PER_THREAD 1000

static void *error_storm(void *arg)
{
    (void)arg;
    for (int i = 0; i < PER_THREAD; i++)
        log_record_error("hot", "E", "record %d", i);
    return NULL;
}

/* The clock stands still: exactly the burst goes out, and the flush
 * accounts for every other line, however the threads interleaved. */
static void test_threads_lose_no_count(void **state)
{
    (void)state;
    pthread_t threads[THREADS];
    capture_begin();
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, error_storm, NULL), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    log_record_error_flush();
    char *text = capture_end();
    assert_int_equal(count_lines(text), LOG_RECORD_ERROR_BURST + 1);
    char expected[96];
    snprintf(expected, sizeof expected, "[hot] record error: %d similar lines suppressed\n",
             THREADS * PER_THREAD - LOG_RECORD_ERROR_BURST);
    assert_non_null(strstr(text, expected));
    free(text);
}

/* With the clock moving while threads log, every line is either written
 * or counted in a later "suppressed" figure: nothing is lost or doubled. */
static void *ticking_storm(void *arg)
{
    (void)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        if (i % 100 == 0)
            atomic_fetch_add(&fake_now, 500 * MS);
        log_record_error("tick", "E", "r");
    }
    return NULL;
}

static void test_threads_with_moving_clock_account_for_all(void **state)
{
    (void)state;
    pthread_t threads[THREADS];
    capture_begin();
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, ticking_storm, NULL), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    log_record_error_flush();
    char *text = capture_end();
    long written = 0, suppressed = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        const char *count = strstr(line, "] record error");
        assert_true(count && count < end);
        const char *s = strstr(line, " similar line");
        if (s && s < end) {
            const char *digits = s;
            while (digits > line && digits[-1] >= '0' && digits[-1] <= '9')
                digits--;
            suppressed += strtol(digits, NULL, 10);
        }
        if (!strstr(line, "record error: ") || strstr(line, "record error: ") > end)
            written++; /* a record's own line, not the flush's count */
        line = end + 1;
    }
    assert_int_equal(written + suppressed, THREADS * PER_THREAD);
    assert_true(written > LOG_RECORD_ERROR_BURST); /* the clock moved: more than the burst */
    free(text);
}

static void test_progress_line_is_erased_first(void **state)
{
    (void)state;
    capture_begin();
    log_msg(SLUICE_LOG_INFO, NULL, "plain");
    log_set_progress_line(true);
    log_msg(SLUICE_LOG_INFO, "st", "over the progress line\rwith a CR inside");
    log_set_progress_line(false);
    log_msg(SLUICE_LOG_INFO, NULL, "plain again");
    char *text = capture_end();
    assert_int_equal(count_lines(text), 3);
    assert_int_equal(text[0], '2'); /* the time stamp, nothing before it */
    const char *second = strchr(text, '\n') + 1;
    assert_memory_equal(second, "\r\033[K2", 5);
    /* The message's own CR is still made a space; only the prefix stays. */
    assert_non_null(strstr(second, "[st] over the progress line with a CR inside\n"));
    const char *third = strchr(second, '\n') + 1;
    assert_int_equal(third[0], '2');
    assert_int_equal(count_of(text, "\r"), 1);
    free(text);
}

/* A tag longer than a whole line is cut, not written past the buffer
 * (AddressSanitizer and valgrind watch this one). */
static void test_overlong_tag_is_cut(void **state)
{
    (void)state;
    char tag[5000];
    memset(tag, 't', sizeof tag - 1);
    tag[sizeof tag - 1] = '\0';
    capture_begin();
    log_msg(SLUICE_LOG_WARN, tag, "message");
    log_record_error(tag, "E", "record");
    char *text = capture_end();
    assert_int_equal(count_lines(text), 2);
    const char *second = strchr(text, '\n') + 1;
    assert_int_equal(second - text, 2047); /* one full line: 2046 bytes and its newline */
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_burst_then_one_a_second, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_stage_logs_without_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stages_are_limited_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_reports_what_is_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_stages_than_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_error_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_lose_no_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_with_moving_clock_account_for_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_line_is_erased_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlong_tag_is_cut, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
