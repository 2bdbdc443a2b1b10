/* tests/unit/test_csv.c — the delimited data format (RFC 4180): reading
 * fed in chunks of every size, errors located by line and column, writing
 * with quotes only where needed, and round trips writer -> parser. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "data_format_util.h"

#define CSV SLUICE_DATA_DELIMITED

/* ---- reading ------------------------------------------------------------- */

static void test_plain_list(void **state)
{
    assert_feeds(state, CSV, false, "a,b,c\n1,2,3\n", "[\"a\",\"b\",\"c\"]\n[\"1\",\"2\",\"3\"]\n", "");
}

/* §2.1: CRLF ends a record; so does a bare LF (Unix files). */
static void test_crlf_and_lf(void **state)
{
    assert_feeds(state, CSV, false, "a,b\r\nc,d\ne,f\r\n", "[\"a\",\"b\"]\n[\"c\",\"d\"]\n[\"e\",\"f\"]\n", "");
}

/* §2.2: the last record may have no line break, at the end of the input. */
static void test_last_record_without_break(void **state)
{
    assert_feeds(state, CSV, false, "a,b\nc,d", "[\"a\",\"b\"]\n[\"c\",\"d\"]\n", "");
}

/* ... but not before the input is known to end: a file still being written. */
static void test_partial_record_waits(void **state)
{
    sluice_data_parser *p = parser_for(CSV, false, 0, 0);
    assert_string_equal(feed(state, p, "a,b\nc,\"d", 8, 0, false), "[\"a\",\"b\"]\n");
    sluice_data_parser_free(p);
}

/* §2.4: spaces are part of a field; empty fields, leading and trailing. */
static void test_spaces_and_empty_fields(void **state)
{
    assert_feeds(state, CSV, false, " a , b \n,x,\n,\n", "[\" a \",\" b \"]\n[\"\",\"x\",\"\"]\n[\"\",\"\"]\n", "");
}

/* §2.5-2.7: quoted fields with the delimiter, doubled quotes, CRLF and LF. */
static void test_quoted_fields(void **state)
{
    assert_feeds(state, CSV, false,
                 "\"a,b\",\"say \"\"hi\"\"\",\"\"\n"
                 "\"line 1\r\nline 2\nline 3\",x\r\n"
                 "\"\"\"\",\"\"\"\"\"\"\n",
                 "[\"a,b\",\"say \\\"hi\\\"\",\"\"]\n"
                 "[\"line 1\\r\\nline 2\\nline 3\",\"x\"]\n"
                 "[\"\\\"\",\"\\\"\\\"\"]\n",
                 "");
}

/* An empty line is no record (not one empty field); "" is one. */
static void test_blank_lines(void **state)
{
    assert_feeds(state, CSV, false, "\na\n\r\n\"\"\n\n", "[\"a\"]\n[\"\"]\n", "");
}

static void test_other_delimiters(void **state)
{
    sluice_data_parser *p = parser_for(CSV, false, ';', 0);
    assert_string_equal(feed(state, p, "a;b,c;\"d;e\"\n", 12, 0, true), "[\"a\",\"b,c\",\"d;e\"]\n");
    sluice_data_parser_free(p);
    p = parser_for(CSV, false, '\t', 0);
    assert_string_equal(feed(state, p, "a\tb c\t\"\t\"\n", 10, 0, true), "[\"a\",\"b c\",\"\\t\"]\n");
    sluice_data_parser_free(p);
}

static void test_bad_delimiter_refused(void **state)
{
    (void)state;
    sluice_data_options o;
    char err[128];
    sluice_data_options_init(&o, CSV);
    o.delimiter = '"';
    assert_null(sluice_data_parser_new(&o, err, sizeof err));
    assert_string_equal(err, "the delimiter cannot be a double quote, CR or LF");
    o.delimiter = '\n';
    assert_null(sluice_data_writer_new(&o, err, sizeof err));
}

/* §3: with a header, MAPs keyed by its names, in the file's order. */
static void test_header(void **state)
{
    assert_feeds(state, CSV, true, "id,\"full name\",\"a\"\"b\"\r\n1,\"Doe, J\",x\n2,,\n",
                 "{\"id\":\"1\",\"full name\":\"Doe, J\",\"a\\\"b\":\"x\"}\n"
                 "{\"id\":\"2\",\"full name\":\"\",\"a\\\"b\":\"\"}\n",
                 "");
}

static void test_header_only(void **state)
{
    assert_feeds(state, CSV, true, "a,b\n", "", "");
    assert_feeds(state, CSV, true, "a,b", "", "");
}

/* A column named twice keeps the later value, once. */
static void test_header_duplicate_names(void **state)
{
    assert_feeds(state, CSV, true, "a,b,a\n1,2,3\n", "{\"a\":\"3\",\"b\":\"2\"}\n", "");
}

/* Field count against the header: both ways are bad, the rest goes on. */
static void test_header_field_count(void **state)
{
    assert_feeds(state, CSV, true, "a,b\n1,2,3\n4\n5,6\n", "{\"a\":\"5\",\"b\":\"6\"}\n",
                 "line 2: more fields than the 2 columns of the header\n"
                 "line 3: 1 field(s), but the header has 2 columns\n");
}

/* Bad quoting, located by line and column; records after it still come. */
static void test_bad_quoting(void **state)
{
    assert_feeds(state, CSV, false, "ok\nab\"c,d\n\"x\"y\nz\n\"open,\nnever closed",
                 "[\"ok\"]\n[\"z\"]\n",
                 "line 2, column 3: a double quote inside an unquoted field (RFC 4180 §2.5: quote the field)\n"
                 "line 3, column 4: expected the delimiter or the end of the record after a closing quote\n"
                 "line 5, column 1: a quoted field is not closed before the end of the input\n");
    assert_string_equal(bad_of(state), "ab\"c,d\n\"x\"y\n\"open,\nnever closed\n");
}

/* Lines after a multi-line record are numbered right. */
static void test_line_numbers_after_multiline(void **state)
{
    assert_feeds(state, CSV, false, "\"a\nb\nc\"\n\"q\"x\n", "[\"a\\nb\\nc\"]\n",
                 "line 4, column 4: expected the delimiter or the end of the record after a closing quote\n");
    assert_feeds(state, CSV, false, "x\n\"a\nb\"q\n",  "[\"x\"]\n",
                 "line 3, column 3: expected the delimiter or the end of the record after a closing quote\n");
}

/* A record longer than max_record_size is bad, then skipped to its end,
 * even when that end comes in later chunks. */
static void test_too_long(void **state)
{
    const char *text = "a,b\n\"0123456789\n0123456789\",x\nc,d\n";
    for (size_t chunk = 0; chunk < 8; chunk++) {
        sluice_data_parser *p = parser_for(CSV, false, 0, 10);
        assert_string_equal(feed(state, p, text, strlen(text), chunk, true), "[\"a\",\"b\"]\n[\"c\",\"d\"]\n");
        assert_string_equal(errors_of(state), "line 2: record longer than 10 bytes (max_record_size), skipped\n");
        sluice_data_parser_free(p);
    }
}

/* max_records stops early; the rest comes on the next call. */
static void test_max_records(void **state)
{
    fixture *fx = *state;
    sluice_data_parser *p = parser_for(CSV, true, 0, 0);
    const char *text = "h\n1\n2\n3\n";
    size_t used;
    assert_int_equal(sluice_data_parse(p, fx->b, text, 8, 0, 2, &used, NULL), SLUICE_OK);
    assert_int_equal(sluice_batch_count(fx->b), 2);
    assert_int_equal(used, 6);
    assert_int_equal(sluice_data_parse(p, fx->b, text + used, 8 - used, 0, 2, &used, NULL), SLUICE_OK);
    assert_int_equal(sluice_batch_count(fx->b), 3);
    sluice_data_parser_free(p);
}

/* max_records 0 reads only the header: how a reader resumes mid-file. */
static void test_header_only_read(void **state)
{
    fixture *fx = *state;
    sluice_data_parser *p = parser_for(CSV, true, 0, 0);
    size_t used;
    assert_int_equal(sluice_data_parse(p, fx->b, "k,v\n1,2\n3,4\n", 12, 0, 0, &used, NULL), SLUICE_OK);
    assert_int_equal(used, 4);
    assert_int_equal(sluice_batch_count(fx->b), 0);
    sluice_data_parser_reset(p, 1);
    /* After a reset the header is read again. */
    assert_string_equal(feed(state, p, "x,y\n5,6\n", 8, 0, true), "{\"x\":\"5\",\"y\":\"6\"}\n");
    sluice_data_parser_free(p);
}

/* The header names outlive a reset: records point into the batch. */
static void test_names_survive_reset(void **state)
{
    fixture *fx = *state;
    sluice_data_parser *p = parser_for(CSV, true, 0, 0);
    size_t used;
    sluice_data_parse(p, fx->b, "first\n1\n", 8, SLUICE_DATA_EOF, 10, &used, NULL);
    sluice_data_parser_reset(p, 1);
    sluice_data_parse(p, fx->b, "second\n2\n", 9, SLUICE_DATA_EOF, 10, &used, NULL);
    sluice_buf *out = fx->out;
    sluice_buf_reset(out);
    sluice_json_write_record(out, sluice_batch_record(fx->b, 0), 0);
    sluice_json_write_record(out, sluice_batch_record(fx->b, 1), 0);
    assert_string_equal(sluice_buf_data(out), "{\"first\":\"1\"}{\"second\":\"2\"}");
    sluice_data_parser_free(p);
}

/* ---- writing --------------------------------------------------------------- */

static const char *write_records(void **state, bool header, char delim, const char *const *json, size_t n,
                                 char *err, size_t errsize)
{
    fixture *fx = *state;
    sluice_data_options o;
    sluice_data_options_init(&o, CSV);
    o.header = header;
    if (delim)
        o.delimiter = delim;
    sluice_data_writer *w = sluice_data_writer_new(&o, err, errsize);
    assert_non_null(w);
    sluice_buf_reset(fx->out);
    err[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        sluice_record *r = sluice_json_parse_record(fx->b, json[i], strlen(json[i]), 0, NULL, 0);
        assert_non_null(r);
        if (sluice_data_write(w, r, fx->out, err, errsize) != SLUICE_OK)
            sluice_buf_append(fx->out, "<refused>\n", 10);
    }
    sluice_data_writer_free(w);
    return sluice_buf_data(fx->out);
}

/* Quotes only when needed (§2.6), doubled inside (§2.7). */
static void test_write_quotes_when_needed(void **state)
{
    static const char *const recs[] = {
        "[\"plain\",\"with space\",\"a,b\",\"say \\\"hi\\\"\",\"two\\nlines\",\"cr\\r\",\"\"]",
    };
    char err[256];
    assert_string_equal(write_records(state, false, 0, recs, 1, err, sizeof err),
                        "plain,with space,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\n");
    assert_string_equal(write_records(state, false, ';', recs, 1, err, sizeof err),
                        "plain;with space;a,b;\"say \"\"hi\"\"\";\"two\nlines\";\"cr\r\";\n");
}

/* Types: text forms; a single empty field is "" so it is not a blank line. */
static void test_write_types(void **state)
{
    static const char *const recs[] = {
        "{\"n\":null,\"b\":true,\"i\":-42,\"d\":12.50,\"big\":123456789012345678901234567890,\"l\":[1,\"x\"],"
        "\"m\":{\"k\":\"v\"}}",
        "[\"\"]",
        "\"scalar\"",
    };
    char err[256];
    assert_string_equal(write_records(state, false, 0, recs, 3, err, sizeof err),
                        ",true,-42,12.50,123456789012345678901234567890,\"[1,\"\"x\"\"]\",\"{\"\"k\"\":\"\"v\"\"}\"\n"
                        "\"\"\nscalar\n");
}

/* With a header: the first record's keys; later records by column; a
 * missing one empty, an unknown one refused (and nothing of it written). */
static void test_write_header(void **state)
{
    static const char *const recs[] = {
        "{\"id\":1,\"name\":\"a,b\"}",
        "{\"name\":\"x\",\"id\":2}",
        "{\"id\":3}",
        "{\"id\":4,\"extra\":true}",
        "[1,2]",
    };
    char err[256];
    assert_string_equal(write_records(state, true, 0, recs, 4, err, sizeof err),
                        "id,name\n1,\"a,b\"\n2,x\n3,\n<refused>\n");
    assert_string_equal(err, "delimited: field \"extra\" is not one of the 2 columns of the header");
    write_records(state, true, 0, recs + 4, 1, err, sizeof err);
    assert_string_equal(err, "delimited: with a header, a record must be a map (this one is a list)");
}

/* Appending to a file that has its header: none written again. */
static void test_write_header_present(void **state)
{
    fixture *fx = *state;
    sluice_data_options o;
    char err[128];
    sluice_data_options_init(&o, CSV);
    o.header = true;
    sluice_data_writer *w = sluice_data_writer_new(&o, err, sizeof err);
    sluice_data_writer_reset(w, true);
    sluice_buf_reset(fx->out);
    sluice_record *r = sluice_json_parse_record(fx->b, "{\"a\":1}", 7, 0, NULL, 0);
    assert_int_equal(sluice_data_write(w, r, fx->out, err, sizeof err), SLUICE_OK);
    assert_string_equal(sluice_buf_data(fx->out), "1\n");
    sluice_data_writer_reset(w, false);
    assert_int_equal(sluice_data_write(w, r, fx->out, err, sizeof err), SLUICE_OK);
    assert_string_equal(sluice_buf_data(fx->out), "1\na\n1\n");
    sluice_data_writer_free(w);
}

/* ---- round trips ------------------------------------------------------------- */

/* Writer -> parser gives the same strings back, for awkward values. */
static void test_round_trip(void **state)
{
    static const char *const recs[] = {
        "{\"k\":\"plain\",\"q\":\"\\\"\",\"nl\":\"a\\r\\nb\\nc\",\"sep\":\",;\\t\",\"e\":\"\",\"u\":\"\xc3\xa9\xe2\x82\xac\"}",
        "{\"k\":\" lead\",\"q\":\"\\\"\\\"\",\"nl\":\"\\n\",\"sep\":\"x,\",\"e\":\"\",\"u\":\"trail \"}",
        "{\"k\":\"\",\"q\":\"\",\"nl\":\"\",\"sep\":\"\",\"e\":\"\",\"u\":\"\"}",
    };
    char err[256];
    for (int header = 0; header <= 1; header++) {
        for (int d = 0; d < 3; d++) {
            char delim = ",;\t"[d];
            const char *text = write_records(state, header, delim, recs, 3, err, sizeof err);
            char *copy = strdup(text);
            sluice_data_parser *p = parser_for(CSV, header, delim, 0);
            const char *got = feed(state, p, copy, strlen(copy), 3, true);
            char *got_copy = strdup(got);
            /* Expected: each record as the parser would make it. */
            fixture *fx = *state;
            sluice_buf *want = sluice_buf_new();
            for (size_t i = 0; i < 3; i++) {
                sluice_record *r = sluice_json_parse_record(fx->b, recs[i], strlen(recs[i]), 0, NULL, 0);
                sluice_field *root = sluice_record_root(r);
                if (header) {
                    sluice_json_write_field(want, root);
                } else {
                    sluice_buf_append(want, "[", 1);
                    for (size_t j = 0; j < sluice_field_count(root); j++) {
                        if (j)
                            sluice_buf_append(want, ",", 1);
                        sluice_json_write_field(want, sluice_map_entry(root, j, NULL, NULL));
                    }
                    sluice_buf_append(want, "]", 1);
                }
                sluice_buf_append(want, "\n", 1);
            }
            if (strcmp(got_copy, sluice_buf_data(want)) != 0)
                fail_msg("header %d delimiter %d:\n%s\nread back\n%s\nexpected\n%s", header, d, copy, got_copy,
                         sluice_buf_data(want));
            assert_string_equal(errors_of(state), "");
            sluice_buf_free(want);
            free(got_copy);
            free(copy);
            sluice_data_parser_free(p);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_and_lf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_record_without_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_record_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spaces_and_empty_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blank_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_delimiters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_delimiter_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_duplicate_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_field_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_numbers_after_multiline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_only_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_survive_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_quotes_when_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_header_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
