/* core/cli/stage_json.h — a stage's summary as JSON, shared by
 * `stages --json` and `describe --json`. */
#ifndef SLUICE_CORE_CLI_STAGE_JSON_H
#define SLUICE_CORE_CLI_STAGE_JSON_H

#include <json-c/json.h>

#include "plugin/loader.h"

/* {name, kind, summary, plugin, version}; the caller owns the object. */
json_object *stage_summary_json(const loaded_plugin *p, const sluice_stage_def *s);

#endif
