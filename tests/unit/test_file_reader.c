/* tests/unit/test_file_reader.c — file:reader's offsets and resuming,
 * driven directly (the stage's init and produce with a committed offset),
 * so that resuming is tested whether or not the runner stores offsets yet:
 * the same inode from the position, a new file at the path from 0, a
 * renamed file under its new name, a vanished file skipped, a delimited
 * header read again, line numbers counted from the file's start. */
#include "config.h"

#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <sluice/format.h>

#include "arena.h"
#include "config/schema.h"
#include "file/reader.h"
#include "pipeline/stage_ctx.h"
#include "record/record_impl.h"

typedef struct fixture {
    char dir[64];
    arena *a;
    sluice_batch *b;
    sluice_config *config;
    sluice_stage_ctx ctx;
    offset_map offsets;
    char *offset_key[1], *offset_value[1];
    void *reader;
    sluice_buf *out;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/sluice-reader-test.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(chdir(fx->dir), 0);
    fx->a = arena_new(0);
    fx->b = batch_new(fx->a);
    fx->out = sluice_buf_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (fx->reader)
        reader_destroy(fx->reader);
    config_free(fx->config);
    sluice_buf_free(fx->out);
    batch_free(fx->b);
    arena_free(fx->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(chdir("/"), 0);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static unsigned long long inode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (unsigned long long)st.st_ino;
}

/* Inits the reader with `config_json` and the committed offset (or none). */
static int start(void **state, const char *config_json, const char *offset)
{
    fixture *fx = *state;
    char err[512];
    json_object *raw = json_tokener_parse(config_json);
    assert_non_null(raw);
    fx->config = config_build(&reader_schema, raw, "stages[0].config", err, sizeof err);
    json_object_put(raw);
    if (!fx->config)
        fail_msg("config: %s", err);
    fx->offsets.n = 0;
    if (offset) {
        fx->offset_key[0] = "";
        fx->offset_value[0] = (char *)offset;
        fx->offsets.keys = fx->offset_key;
        fx->offsets.values = fx->offset_value;
        fx->offsets.n = 1;
    }
    stage_ctx_init(&fx->ctx, "in", "test", &fx->offsets);
    return reader_init(&fx->ctx, fx->config, &fx->reader);
}

/* One produce: its records as JSON lines, then its error records (bad
 * records, sent with sluice_batch_add_error) as "error CODE: MESSAGE JSON". */
static const char *produce(void **state, int *rc)
{
    fixture *fx = *state;
    arena_reset(fx->a);
    batch_clear(fx->b);
    *rc = reader_produce(fx->reader, fx->b);
    sluice_buf_reset(fx->out);
    for (size_t i = 0; i < sluice_batch_count(fx->b); i++) {
        sluice_record *r = sluice_batch_record(fx->b, i);
        sluice_json_write_record(fx->out, r, sluice_record_attribute_count(r) ? SLUICE_JSON_WITH_ATTRIBUTES : 0);
        sluice_buf_append(fx->out, "\n", 1);
    }
    for (size_t i = 0; i < fx->b->n_errors; i++) {
        const batch_error *e = &fx->b->errors[i];
        char head[512];
        snprintf(head, sizeof head, "error %s: %s ", e->code, e->message);
        sluice_buf_append(fx->out, head, strlen(head));
        sluice_json_write_record(fx->out, e->record, 0);
        sluice_buf_append(fx->out, "\n", 1);
    }
    return sluice_buf_data(fx->out);
}

static const char *offset_of(void **state)
{
    fixture *fx = *state;
    return fx->b->n_offsets ? fx->b->offsets[fx->b->n_offsets - 1].value : NULL;
}

/* Offsets name file, inode and the byte after the last record; a batch
 * that does not move them sets none. */
static void test_offsets(void **state)
{
    char want[256];
    int rc;
    write_file("a.txt", "one\ntwo\nthree");
    assert_int_equal(start(state, "{\"path\": \"a.txt\", \"data_format\": \"text\", \"batch_size\": 2}", NULL),
                     SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"one\"}\n{\"text\":\"two\"}\n");
    assert_int_equal(rc, SLUICE_OK);
    snprintf(want, sizeof want, "a.txt:%llu:8", inode_of("a.txt"));
    assert_string_equal(offset_of(state), want);
    /* Not following: the last line without an ending is a record at the end. */
    assert_string_equal(produce(state, &rc), "{\"text\":\"three\"}\n");
    assert_int_equal(rc, SLUICE_END);
    snprintf(want, sizeof want, "a.txt:%llu:13", inode_of("a.txt"));
    assert_string_equal(offset_of(state), want);
}

/* The same inode: from the position, line numbers counted from the start. */
static void test_resume_same_file(void **state)
{
    char offset[256];
    int rc;
    write_file("a.jsonl", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\nbad\n");
    snprintf(offset, sizeof offset, "a.jsonl:%llu:16", inode_of("a.jsonl"));
    assert_int_equal(start(state, "{\"path\": \"a.jsonl\"}", offset), SLUICE_OK);
    const char *got = produce(state, &rc);
    assert_int_equal(rc, SLUICE_END);
    assert_non_null(strstr(got, "{\"n\":3}\nerror FILE_01: a.jsonl: line 4, column 1: expected a JSON value"));
    assert_non_null(strstr(got, " {\"raw\":\"bad\"}\n"));
    assert_null(strstr(got, "\"n\":2"));
}

/* Delimited with a header: the header is read again from the file's start. */
static void test_resume_header(void **state)
{
    char offset[256];
    int rc;
    write_file("a.csv", "id,name\n1,a\n2,b\n3\n");
    snprintf(offset, sizeof offset, "a.csv:%llu:12", inode_of("a.csv"));
    assert_int_equal(
        start(state, "{\"path\": \"a.csv\", \"data_format\": \"delimited\", \"header\": true}", offset), SLUICE_OK);
    const char *got = produce(state, &rc);
    assert_non_null(strstr(got, "{\"id\":\"2\",\"name\":\"b\"}\n"));
    assert_null(strstr(got, "\"1\""));
    assert_non_null(strstr(got, "a.csv: line 4: 1 field(s), but the header has 2 columns"));
}

/* A new file at the offset's path (another inode): read from 0. */
static void test_resume_new_file_at_path(void **state)
{
    char offset[256];
    int rc;
    write_file("a.txt", "old1\nold2\n");
    snprintf(offset, sizeof offset, "a.txt:%llu:5", inode_of("a.txt"));
    assert_int_equal(rename("a.txt", "elsewhere"), 0);
    write_file("a.txt", "new1\nnew2\n");
    assert_int_equal(start(state, "{\"path\": \"a.txt\", \"data_format\": \"text\"}", offset), SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"new1\"}\n{\"text\":\"new2\"}\n");
}

/* Renamed since (found by inode among the matches): from the position
 * under its new name, then the files after it. */
static void test_resume_renamed(void **state)
{
    char offset[256];
    int rc;
    write_file("log.1", "a\nb\n");
    write_file("log.3", "c\n");
    snprintf(offset, sizeof offset, "log.0:%llu:2", inode_of("log.1"));
    assert_int_equal(start(state, "{\"path\": \"log.*\", \"data_format\": \"text\"}", offset), SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"b\"}\n{\"text\":\"c\"}\n");
    assert_int_equal(rc, SLUICE_END);
}

/* The offset's file is gone: the files sorting after it, from 0; those
 * before it were read already. */
static void test_resume_file_gone(void **state)
{
    int rc;
    write_file("f1", "one\n");
    write_file("f3", "three\n");
    assert_int_equal(start(state, "{\"path\": \"f*\", \"data_format\": \"text\"}", "f2:12345:99"), SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"three\"}\n");
    assert_int_equal(rc, SLUICE_END);
}

/* A position past the end (truncated while stopped): from 0. */
static void test_resume_past_end(void **state)
{
    char offset[256];
    int rc;
    write_file("a.txt", "x\n");
    snprintf(offset, sizeof offset, "a.txt:%llu:500", inode_of("a.txt"));
    assert_int_equal(start(state, "{\"path\": \"a.txt\", \"data_format\": \"text\"}", offset), SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"x\"}\n");
}

static void test_bad_offset_refused(void **state)
{
    fixture *fx = *state;
    write_file("a.txt", "x\n");
    assert_int_equal(start(state, "{\"path\": \"a.txt\"}", "1234"), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&fx->ctx),
                        "committed offset \"1234\" is not <path>:<inode>:<position>: reset the offsets");
    fx->reader = NULL;
}

static void test_no_such_file(void **state)
{
    fixture *fx = *state;
    assert_int_equal(start(state, "{\"path\": \"missing.txt\"}", NULL), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&fx->ctx), "missing.txt: no such file");
    fx->reader = NULL;
}

/* A path holding ':' itself: the last two fields are the numbers. */
static void test_path_with_colons(void **state)
{
    char offset[256];
    int rc;
    write_file("a:b.txt", "1\n2\n");
    snprintf(offset, sizeof offset, "a:b.txt:%llu:2", inode_of("a:b.txt"));
    assert_int_equal(start(state, "{\"path\": \"a:b.txt\", \"data_format\": \"text\"}", offset), SLUICE_OK);
    assert_string_equal(produce(state, &rc), "{\"text\":\"2\"}\n");
}

/* Bad records go to the batch's error records, not its records, and
 * count toward batch_size: a file of garbage comes in bounded batches, and
 * the offset moves past them (they are delivered with the batch). */
static void test_bad_records_bounded(void **state)
{
    int rc;
    write_file("a.jsonl", "x1\nx2\nx3\n{\"n\":1}\n");
    assert_int_equal(start(state, "{\"path\": \"a.jsonl\", \"batch_size\": 2}", NULL), SLUICE_OK);
    assert_string_equal(produce(state, &rc),
                        "error FILE_01: a.jsonl: line 1, column 1: expected a JSON value, found 'x' "
                        "{\"raw\":\"x1\"}\n"
                        "error FILE_01: a.jsonl: line 2, column 1: expected a JSON value, found 'x' "
                        "{\"raw\":\"x2\"}\n");
    assert_int_equal(rc, SLUICE_OK);
    char want[256];
    snprintf(want, sizeof want, "a.jsonl:%llu:6", inode_of("a.jsonl"));
    assert_string_equal(offset_of(state), want);
    assert_string_equal(produce(state, &rc), "{\"n\":1}\n"
                                             "error FILE_01: a.jsonl: line 3, column 1: expected a JSON value, "
                                             "found 'x' {\"raw\":\"x3\"}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_same_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_new_file_at_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_renamed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_file_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_past_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_offset_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_such_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_with_colons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_records_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
