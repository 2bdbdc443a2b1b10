/* plugins/fields/plugin.c — the fields plugin: stages that reshape records,
 * named "fields:set", "fields:remove", "fields:rename", "fields:mask" and
 * "fields:convert".  Each is a processor with one output lane; each
 * instance keeps only its compiled config, so a multithreaded origin's
 * runners each get their own without sharing anything. */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "fields.h"

#define FIELDS_STAGE(stage, text)                                                                           \
    {                                                                                                       \
        .struct_size = sizeof(sluice_stage_def), .name = #stage, .kind = SLUICE_PROCESSOR, .summary = text, \
        .config = &fields_##stage##_schema, .init = fields_##stage##_init,                                  \
        .destroy = fields_##stage##_destroy, .process = fields_##stage##_process,                           \
    }

static const sluice_stage_def fields_stages[] = {
    FIELDS_STAGE(set, "sets fields and header attributes to the values of expressions (SDC's Expression Evaluator)"),
    FIELDS_STAGE(remove, "removes the listed fields, or keeps only them (SDC's Field Remover)"),
    FIELDS_STAGE(rename, "renames or moves fields (SDC's Field Renamer)"),
    FIELDS_STAGE(mask, "masks string fields: all, all but the last characters, by regex groups or a pattern "
                       "(SDC's Field Masker)"),
    FIELDS_STAGE(convert, "converts fields to string, int, double, decimal, datetime or bool (SDC's Field Type "
                          "Converter)"),
};

static const sluice_plugin_def fields_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "fields",
    .version = PACKAGE_VERSION,
    .summary = "setting, removing, renaming, masking and converting fields",
    .stages = fields_stages,
    .n_stages = sizeof fields_stages / sizeof fields_stages[0],
};

SLUICE_PLUGIN(fields_plugin)
