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
#include "sql_fake.h"
#include "sql_harness.h"

sql_test T;

int sql_test_setup(void **state)
{
    (void)state;
    fake_reset();
    T.a = arena_new(0);
    T.b = batch_new(T.a);
    return 0;
}

int sql_test_teardown(void **state)
{
    (void)state;
    sql_sink_destroy(T.sink);
    config_free(T.config);
    batch_free(T.b);
    arena_free(T.a);
    memset(&T, 0, sizeof T);
    fake_reset();
    return 0;
}

int sql_test_start(const char *json)
{
    char err[512];
    json_object *raw = json_tokener_parse(json);
    assert_non_null(raw);
    T.config = config_build(&sql_sink_schema, raw, "stages[1].config", err, sizeof err);
    json_object_put(raw);
    if (!T.config)
        fail_msg("config: %s", err);
    stage_ctx_init(&T.ctx, "db", "test", NULL);
    return sql_sink_init(&T.ctx, T.config, &fake_backend, &T.sink);
}

void sql_test_batch(const char *const *records, size_t n)
{
    batch_clear(T.b);
    arena_reset(T.a);
    for (size_t i = 0; i < n; i++) {
        char err[256];
        sluice_field *root = sluice_json_parse_field(T.b, records[i], strlen(records[i]), err, sizeof err);
        if (!root)
            fail_msg("record %zu: %s", i, err);
        sluice_batch_add(T.b, sluice_record_new(T.b, root));
    }
}

const char *sql_test_outcome(size_t i)
{
    static char buf[700];
    const sluice_batch *b = T.b;
    if (!b->outcomes || b->outcomes[i].kind == OUTCOME_DONE)
        return "done";
    if (b->outcomes[i].kind == OUTCOME_RETRY)
        return "retry";
    snprintf(buf, sizeof buf, "%s %s", b->outcomes[i].code, b->outcomes[i].message);
    return buf;
}
