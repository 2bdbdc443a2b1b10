/* plugins/sql/sink_config.c — the config keys shared by the mysql and
 * postgres destinations (issue 7), and the checks across keys that
 * `sluice validate` runs before any connection. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sql.h"

#define KEY .struct_size = sizeof(sluice_config_key)

static const char *const tls_modes[] = {"disable", "require", "verify-full", NULL};
static const char *const operations[] = {"insert", "upsert", NULL};

static const sluice_config_key column_keys[] = {
    {KEY, .name = "field", .type = SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The field's path (\"/fare/amount\")."},
    {KEY, .name = "column", .type = SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The column it is written to, as the table names it."},
};

static const sluice_config_schema column_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = column_keys,
    .n_keys = sizeof column_keys / sizeof column_keys[0],
};

static const sluice_config_key sink_keys[] = {
    {KEY, .name = "host", .type = SLUICE_CONFIG_STRING,
     .help = "The server's host name or address; unset: the local Unix socket."},
    {KEY, .name = "port", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .min = 1, .max = 65535,
     .help = "The server's TCP port; unset: the server's default (5432, 3306)."},
    {KEY, .name = "socket", .type = SLUICE_CONFIG_STRING,
     .help = "The Unix socket: its file (mysql) or directory (postgres)."},
    {KEY, .name = "database", .type = SLUICE_CONFIG_STRING, .help = "The database to connect to."},
    {KEY, .name = "user", .type = SLUICE_CONFIG_STRING, .help = "The user to connect as."},
    {KEY, .name = "password", .type = SLUICE_CONFIG_SECRET,
     .help = "The user's password: ${env:NAME} or ${file:PATH} (a literal works but ends up in the descriptor)."},
    {KEY, .name = "tls", .type = SLUICE_CONFIG_ENUM, .default_json = "\"disable\"", .enum_values = tls_modes,
     .help = "disable (warned about for a host other than loopback), require (encrypted; the certificate's chain "
             "is checked only when tls_ca_file is set) or verify-full (certificate checked against tls_ca_file and the host name)."},
    {KEY, .name = "tls_ca_file", .type = SLUICE_CONFIG_STRING,
     .help = "PEM file of the CA that signed the server's certificate (tls require or verify-full); unset: the system's CAs."},
    {KEY, .name = "init_query", .type = SLUICE_CONFIG_STRING,
     .help = "A statement run after each connect (\"SET search_path TO ...\")."},
    {KEY, .name = "connect_timeout", .type = SLUICE_CONFIG_DURATION, .default_json = "\"10s\"",
     .help = "How long a connection attempt may take."},
    {KEY, .name = "connections", .type = SLUICE_CONFIG_INT, .flags = SLUICE_CONFIG_RANGE, .default_json = "2",
     .min = 1, .max = 2,
     .help = "Connections per runner for inserts: with 2, a batch is written while the previous one commits "
             "(commits in batch order); upserts use 1."},
    {KEY, .name = "schema", .type = SLUICE_CONFIG_STRING,
     .help = "The schema (postgres) or database (mysql) of the tables; unset: the connection's current one."},
    {KEY, .name = "table", .type = SLUICE_CONFIG_EXPRESSION, .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The table of each record: a name, or an expression "
             "(\"${record:value('/type') == 'CRD' ? 'card' : 'cash'}\"); a name that is no table is a record error."},
    {KEY, .name = "columns", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_OBJECT, .object = &column_schema,
     .help = "Fields written to columns of another name: objects {field, column}; other top-level fields go to the "
             "column of the same name (else the one that matches ignoring case)."},
    {KEY, .name = "operation", .type = SLUICE_CONFIG_ENUM, .default_json = "\"insert\"", .enum_values = operations,
     .help = "insert, or upsert (insert, or update the row with the same key)."},
    {KEY, .name = "key_columns", .type = SLUICE_CONFIG_LIST, .item_type = SLUICE_CONFIG_STRING,
     .help = "upsert: the columns that identify a row; unset: the table's primary key."},
};

static int sink_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "columns");
    for (size_t i = 0; i < n; i++) {
        const sluice_config *item = sluice_config_list_object(config, "columns", i);
        char why[256];
        sluice_path *path = sluice_path_compile(sluice_config_string(item, "field"), why, sizeof why);
        if (!path) {
            snprintf(err, errsize, "columns[%zu].field: %s", i, why);
            return SLUICE_ERROR;
        }
        /* A column takes one value: a wildcard would match many fields. */
        bool wildcard = sluice_path_has_wildcard(path);
        sluice_path_free(path);
        if (wildcard) {
            snprintf(err, errsize, "columns[%zu].field: a wildcard path cannot fill one column", i);
            return SLUICE_ERROR;
        }
        if (!*sluice_config_string(item, "column")) {
            snprintf(err, errsize, "columns[%zu].column: empty", i);
            return SLUICE_ERROR;
        }
    }
    const char *tls = sluice_config_string(config, "tls");
    if (sluice_config_has(config, "tls_ca_file") && strcmp(tls, "disable") == 0) {
        snprintf(err, errsize, "tls_ca_file: needs tls require or verify-full");
        return SLUICE_ERROR;
    }
    bool upsert = strcmp(sluice_config_string(config, "operation"), "upsert") == 0;
    if (sluice_config_list_count(config, "key_columns") && !upsert) {
        snprintf(err, errsize, "key_columns: only for operation upsert");
        return SLUICE_ERROR;
    }
    size_t n_keys = sluice_config_list_count(config, "key_columns");
    for (size_t i = 1; i < n_keys; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(sluice_config_list_string(config, "key_columns", i),
                       sluice_config_list_string(config, "key_columns", j)) == 0) {
                snprintf(err, errsize, "key_columns[%zu]: \"%s\" is listed twice", i,
                         sluice_config_list_string(config, "key_columns", i));
                return SLUICE_ERROR;
            }
    if (sluice_config_has(config, "socket") && sluice_config_has(config, "host")) {
        snprintf(err, errsize, "socket: set host or socket, not both");
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

const sluice_config_schema sql_sink_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = sink_keys,
    .n_keys = sizeof sink_keys / sizeof sink_keys[0],
    .check = sink_check,
};
