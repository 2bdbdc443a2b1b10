/* tests/unit/test_sql_config.c — the SQL destinations' config schema
 * (plugins/sql/sink_config.c): defaults, and the checks across keys that
 * `sluice validate` reports before any connection, each naming its key. */
#include "config.h"

#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/schema.h"
#include "pipeline/stage_ctx.h"
#include "sql.h"

static char err[1024];

/* The config built from `json`, or NULL with the message in err. */
static sluice_config *build(const char *json)
{
    json_object *raw = json_tokener_parse(json);
    assert_non_null(raw);
    err[0] = '\0';
    sluice_config *c = config_build(&sql_sink_schema, raw, "stages[1].config", err, sizeof err);
    json_object_put(raw);
    return c;
}

static void refused(const char *json, const char *message)
{
    sluice_config *c = build(json);
    if (c) {
        config_free(c);
        fail_msg("accepted: %s", json);
    }
    if (!strstr(err, message))
        fail_msg("%s: got \"%s\", expected \"%s\"", json, err, message);
}

static void defaults(void **state)
{
    (void)state;
    sluice_config *c = build("{\"table\": \"t\"}");
    assert_non_null(c);
    assert_string_equal(sluice_config_string(c, "tls"), "disable");
    assert_string_equal(sluice_config_string(c, "operation"), "insert");
    assert_int_equal(sluice_config_int(c, "connect_timeout"), 10000);
    assert_false(sluice_config_has(c, "port"));
    config_free(c);
    c = build("{\"table\": \"${record:value('/t')}\", \"operation\": \"upsert\", \"key_columns\": [\"id\"],"
              " \"columns\": [{\"field\": \"/a/b\", \"column\": \"ab\"}], \"tls\": \"verify-full\","
              " \"tls_ca_file\": \"/ca.pem\", \"host\": \"127.0.0.1\", \"port\": 5432, \"connect_timeout\": \"2s\"}");
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(sluice_config_int(c, "connect_timeout"), 2000);
    config_free(c);
}

static void refusals(void **state)
{
    (void)state;
    refused("{}", "table");
    refused("{\"table\": \"t\", \"columns\": [{\"field\": \"a[\", \"column\": \"x\"}]}", "columns[0].field: ");
    refused("{\"table\": \"t\", \"columns\": [{\"field\": \"/a/*\", \"column\": \"x\"}]}",
            "columns[0].field: a wildcard path cannot fill one column");
    refused("{\"table\": \"t\", \"columns\": [{\"field\": \"/a\", \"column\": \"\"}]}", "columns[0].column: empty");
    refused("{\"table\": \"t\", \"columns\": [{\"field\": \"/a\"}]}", "column");
    refused("{\"table\": \"t\", \"tls_ca_file\": \"/ca.pem\"}", "tls_ca_file: needs tls require or verify-full");
    refused("{\"table\": \"t\", \"key_columns\": [\"id\"]}", "key_columns: only for operation upsert");
    refused("{\"table\": \"t\", \"operation\": \"upsert\", \"key_columns\": [\"id\", \"k\", \"id\"]}",
            "key_columns[2]: \"id\" is listed twice");
    refused("{\"table\": \"t\", \"host\": \"h\", \"socket\": \"/s\"}", "socket: set host or socket, not both");
    refused("{\"table\": \"t\", \"port\": 0}", "port");
    refused("{\"table\": \"t\", \"port\": 65536}", "port");
    refused("{\"table\": \"t\", \"tls\": \"on\"}", "tls");
    refused("{\"table\": \"t\", \"operation\": \"update\"}", "operation");
    refused("{\"table\": \"${record:value('/t'\"}", "table");
}

/* What init writes to stderr (sluice_log) for `json`. */
static const char *init_log(const char *json)
{
    static char out[2048];
    static const sql_backend backend = {.name = "none"}; /* init never calls it */
    sluice_config *c = build(json);
    if (!c)
        fail_msg("%s", err);
    sluice_stage_ctx ctx;
    stage_ctx_init(&ctx, "db", "test", NULL);
    char path[] = "/tmp/sluice-sql-log.XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    assert_true(fd >= 0 && saved >= 0);
    assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    void *sink = NULL;
    int rc = sql_sink_init(&ctx, c, &backend, &sink);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(rc, SLUICE_OK);
    sql_sink_destroy(sink);
    config_free(c);
    ssize_t n = pread(fd, out, sizeof out - 1, 0);
    close(fd);
    unlink(path);
    out[n > 0 ? n : 0] = '\0';
    return out;
}

/* Not encrypting is warned about, unless the server is this machine;
 * the password is never in the log. */
static void tls_disable_warning(void **state)
{
    (void)state;
    const char *log = init_log("{\"table\": \"t\", \"host\": \"db.example.com\", \"password\": \"s3cret\"}");
    assert_non_null(strstr(log, "[db] tls \"disable\": the connection to db.example.com is not encrypted"));
    assert_null(strstr(log, "s3cret"));
    assert_string_equal(init_log("{\"table\": \"t\", \"host\": \"127.0.0.1\", \"password\": \"s3cret\"}"), "");
    assert_string_equal(init_log("{\"table\": \"t\"}"), "");
    assert_string_equal(init_log("{\"table\": \"t\", \"host\": \"db.example.com\", \"tls\": \"require\"}"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(defaults), cmocka_unit_test(refusals),
                                       cmocka_unit_test(tls_disable_warning)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
