/* plugins/postgres/plugin.c — the postgres plugin: one destination,
 * "postgres:destination" (or just "postgres"), writing records into
 * PostgreSQL tables with SDC JDBC Producer semantics.  The mapping is
 * plugins/sql/ (shared with mysql); this plugin is its libpq backend.
 *
 * Not SLUICE_STAGE_SHARED: each runner gets its own instance, hence its
 * own connection and transaction, as a libpq connection must not be used
 * by two threads at once. */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "pg.h"

const sql_backend pg_backend = {
    .name = "postgres",
    .default_port = 5432,
    .has_nonfinite = true, /* float4/float8 take NaN and +-Infinity */
    /* Batch N+1's COPY while N commits; a table with a foreign key is
     * written serially (pg_describe.c). */
    .insert_lanes = 2,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
    .describe = pg_describe,
    .write_rows = pg_write_rows,
};

static int postgres_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    return sql_sink_init(ctx, config, &pg_backend, state);
}

static const sluice_stage_def postgres_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "destination",
        .kind = SLUICE_DESTINATION,
        .summary = "writes records as rows of PostgreSQL tables chosen per record (COPY, multi-row INSERT, "
                   "upsert with ON CONFLICT), one transaction per batch",
        .config = &sql_sink_schema,
        .init = postgres_init,
        .destroy = sql_sink_destroy,
        .write = sql_sink_write,
        .flush = sql_sink_flush,
    },
};

static const sluice_plugin_def postgres_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "postgres",
    .version = PACKAGE_VERSION,
    .summary = "PostgreSQL: a destination (libpq)",
    .stages = postgres_stages,
    .n_stages = sizeof postgres_stages / sizeof postgres_stages[0],
};

SLUICE_PLUGIN(postgres_plugin)
