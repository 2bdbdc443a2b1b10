/* core/pipeline/graph.h — a descriptor resolved against its plugins: each
 * stage's def and validated config, its lanes, who reads them, and the
 * order the runner calls stages in.  This is everything `sluice validate`
 * checks; nothing here starts a stage. */
#ifndef SLUICE_CORE_GRAPH_H
#define SLUICE_CORE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/stage.h>

#include "pipeline/descriptor.h"
#include "plugin/loader.h"

typedef struct lane_ref {
    size_t stage; /* index in pipeline.stages */
    size_t lane;  /* index in that stage's lanes */
} lane_ref;

typedef struct pipeline_stage {
    const descriptor_stage *desc;
    const loaded_plugin *plugin;
    const sluice_stage_def *def;
    sluice_config *config;
    char **lanes;    /* full lane names: "gen", or "route.card", ... */
    size_t n_lanes;  /* 0 for destinations */
    size_t *readers; /* per lane: how many stages read it */
    lane_ref *inputs; /* resolved "inputs" */
    size_t n_inputs;
    sluice_path **required; /* compiled "required_fields" */
    size_t n_required;
    struct sluice_expr **preconditions; /* compiled "preconditions" */
    size_t n_preconditions;
} pipeline_stage;

typedef struct pipeline {
    const descriptor *desc;
    pipeline_stage *stages; /* in descriptor order */
    size_t n_stages;
    size_t origin;          /* index of the origin */
    size_t *order;          /* topological order, origin first */
    pipeline_stage *error_stage; /* "error_records", or NULL */
    /* "retry": how destinations' unfinished records are offered again. */
    int retry_attempts;
    int64_t retry_base_ms, retry_max_ms;
} pipeline;

/* Resolves stages, validates configs and wiring: one origin, inputs that
 * name existing lanes, no cycles, every lane read, destinations as error
 * stage.  NULL with one located line in err. */
pipeline *pipeline_build(const descriptor *desc, plugin_registry *reg, char *err, size_t errsize);
void pipeline_free(pipeline *p);

#endif
