/* plugins/file/format_config.c — data format keys shared by file:reader and
 * file:writer. */
#include <stdio.h>
#include <string.h>

#include "format_config.h"

/* The names of sluice/data_format.h, in its order. */
const char *const format_config_names[] = {"json", "delimited", "text", "binary", NULL};

int format_config_check(const sluice_config *config, char *err, size_t errsize)
{
    const char *format = sluice_config_string(config, "data_format");
    const char *delim = sluice_config_string(config, "delimiter");
    bool delimited = format && strcmp(format, "delimited") == 0;

    if (delim && strlen(delim) != 1) {
        snprintf(err, errsize, "delimiter: must be exactly one byte (got %zu)", strlen(delim));
        return SLUICE_ERROR;
    }
    if (delim && (delim[0] == '"' || delim[0] == '\r' || delim[0] == '\n')) {
        snprintf(err, errsize, "delimiter: cannot be a double quote, CR or LF (RFC 4180 gives them their meaning)");
        return SLUICE_ERROR;
    }
    /* The defaults are always "set"; only an operator's non-default value
     * with another format is a mistake worth a message. */
    if (!delimited && sluice_config_bool(config, "header")) {
        snprintf(err, errsize, "header: only with data_format \"delimited\"");
        return SLUICE_ERROR;
    }
    if (!delimited && delim && strcmp(delim, ",") != 0) {
        snprintf(err, errsize, "delimiter: only with data_format \"delimited\"");
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

void format_config_options(const sluice_config *config, sluice_data_options *options)
{
    sluice_data_format format = SLUICE_DATA_JSON;
    const char *delim = sluice_config_string(config, "delimiter");

    sluice_data_format_lookup(sluice_config_string(config, "data_format"), &format);
    sluice_data_options_init(options, format);
    options->header = sluice_config_bool(config, "header");
    if (delim && delim[0])
        options->delimiter = delim[0];
}
