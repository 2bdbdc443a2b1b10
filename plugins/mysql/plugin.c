/* plugins/mysql/plugin.c — the mysql plugin: one destination writing to
 * MariaDB or MySQL (SDC's JDBC Producer), so a descriptor may name it
 * "mysql" or "mysql:destination".  The mapping is plugins/sql/'s; this
 * plugin is the libmariadb backend (my_*.c). */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "my_backend.h"

static int mysql_destination_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    /* DESIGN §4 leaves library global init to the core, which does not know
     * libmariadb.  Calling it here is safe: init runs on the main thread
     * before any runner starts, and Connector/C 3's mysql_server_init (what
     * mysql_library_init names) runs its body under pthread_once, so every
     * instance's call after the first does nothing.  mysql_library_end is
     * never called: another instance, or another plugin, may still use the
     * library; the process exit releases it. */
    if (mysql_library_init(0, NULL, NULL) != 0) {
        sluice_stage_fail(ctx, "could not initialize the MariaDB client library");
        return SLUICE_ERROR;
    }
    return sql_sink_init(ctx, config, &mysql_backend, state);
}

static const sluice_stage_def mysql_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "destination",
        .kind = SLUICE_DESTINATION,
        .summary = "writes records to MariaDB / MySQL tables (SDC's JDBC Producer): table by expression, "
                   "columns from fields, insert or upsert, one transaction per batch",
        .config = &sql_sink_schema,
        /* Not shared: each runner has its own connection and transaction. */
        .init = mysql_destination_init,
        .destroy = sql_sink_destroy,
        .write = sql_sink_write,
        .flush = sql_sink_flush,
    },
};

static const sluice_plugin_def mysql_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "mysql",
    .version = PACKAGE_VERSION,
    .summary = "MariaDB / MySQL destination",
    .stages = mysql_stages,
    .n_stages = sizeof mysql_stages / sizeof mysql_stages[0],
};

SLUICE_PLUGIN(mysql_plugin)
