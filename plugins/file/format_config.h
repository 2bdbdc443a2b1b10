/* plugins/file/format_config.h — the data format keys file:reader and
 * file:writer share (DESIGN §3: one set of format names and options
 * wherever a stage reads or writes data), and turning them into
 * sluice_data_options. */
#ifndef SLUICE_FILE_FORMAT_CONFIG_H
#define SLUICE_FILE_FORMAT_CONFIG_H

#include <sluice/sluice.h>

extern const char *const format_config_names[];

/* The keys, as initializers for a stage's key table. */
#define FORMAT_CONFIG_KEY_DATA_FORMAT(help_text)                                                            \
    {.struct_size = sizeof(sluice_config_key),                                                              \
     .name = "data_format",                                                                                 \
     .type = SLUICE_CONFIG_ENUM,                                                                            \
     .default_json = "\"json\"",                                                                            \
     .enum_values = format_config_names,                                                                    \
     .help = help_text}
#define FORMAT_CONFIG_KEY_HEADER(help_text)                                                                 \
    {.struct_size = sizeof(sluice_config_key),                                                              \
     .name = "header",                                                                                      \
     .type = SLUICE_CONFIG_BOOL,                                                                            \
     .default_json = "false",                                                                               \
     .help = help_text}
#define FORMAT_CONFIG_KEY_DELIMITER                                                                         \
    {.struct_size = sizeof(sluice_config_key),                                                              \
     .name = "delimiter",                                                                                   \
     .type = SLUICE_CONFIG_STRING,                                                                          \
     .default_json = "\",\"",                                                                               \
     .help = "delimited only: the one-byte field separator (\",\", \";\", \"\\t\", \"|\"); not a double "    \
             "quote, CR or LF"}

/* Checks across the keys: delimiter and header only with delimited, a
 * one-byte delimiter.  For a schema's check. */
int format_config_check(const sluice_config *config, char *err, size_t errsize);

/* The options the config says, into *options (initialized here). */
void format_config_options(const sluice_config *config, sluice_data_options *options);

#endif
