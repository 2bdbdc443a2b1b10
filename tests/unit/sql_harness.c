/* tests/unit/sql_harness.c — see sql_harness.h. */
#include "config.h"

#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sluice/format.h>

#include "config/schema.h"
#include "record/record_impl.h"
#include "sink_impl.h"
#include "sql_fake.h"
#include "sql_harness.h"

sql_test T;

int sql_test_setup(void **state)
{
    (void)state;
    fake_reset();
    T.a = arena_new(0);
    T.b = batch_new(T.a);
    T.a2 = arena_new(0);
    T.b2 = batch_new(T.a2);
    return 0;
}

int sql_test_teardown(void **state)
{
    (void)state;
    sql_sink_destroy(T.sink);
    assert_int_equal(fake_overlaps(), 0); /* the runner and the I/O thread took turns */
    config_free(T.config);
    batch_free(T.b);
    arena_free(T.a);
    batch_free(T.b2);
    arena_free(T.a2);
    memset(&T, 0, sizeof T);
    fake_reset();
    return 0;
}

static int start(const char *json, bool threaded, const sql_backend *backend)
{
    char err[512];
    json_object *raw = json_tokener_parse(json);
    assert_non_null(raw);
    T.config = config_build(&sql_sink_schema, raw, "stages[1].config", err, sizeof err);
    json_object_put(raw);
    if (!T.config)
        fail_msg("config: %s", err);
    stage_ctx_init(&T.ctx, "db", "test", NULL);
    int rc = sql_sink_init(&T.ctx, T.config, backend, &T.sink);
    if (rc == SLUICE_OK && !threaded)
        sql_sink_set_inline(T.sink);
    return rc;
}

int sql_test_start(const char *json)
{
    return start(json, false, &fake_backend);
}

int sql_test_start_threaded(const char *json)
{
    return start(json, true, &fake_backend);
}

int sql_test_start_lanes(const char *json)
{
    return start(json, false, &fake_backend_lanes);
}

int sql_test_write(void)
{
    int rc = sql_sink_write(T.sink, T.b);
    return rc != SLUICE_OK ? rc : sql_sink_flush(T.sink, T.b);
}

void sql_test_fill(sluice_batch *b, arena *a, const char *const *records, size_t n)
{
    batch_clear(b);
    arena_reset(a);
    for (size_t i = 0; i < n; i++) {
        char err[256];
        sluice_field *root = sluice_json_parse_field(b, records[i], strlen(records[i]), err, sizeof err);
        if (!root)
            fail_msg("record %zu: %s", i, err);
        sluice_batch_add(b, sluice_record_new(b, root));
    }
}

void sql_test_batch(const char *const *records, size_t n)
{
    sql_test_fill(T.b, T.a, records, n);
}

const char *sql_test_outcome(size_t i)
{
    return sql_test_outcome_of(T.b, i);
}

const char *sql_test_outcome_of(const sluice_batch *b, size_t i)
{
    static char buf[700];
    if (!b->outcomes || b->outcomes[i].kind == OUTCOME_DONE)
        return "done";
    if (b->outcomes[i].kind == OUTCOME_RETRY)
        return "retry";
    snprintf(buf, sizeof buf, "%s %s", b->outcomes[i].code, b->outcomes[i].message);
    return buf;
}
