/* core/pipeline/graph.c — resolving a descriptor into a runnable graph of
 * stages and lanes (DESIGN §3: lanes, one origin, no cycles, every lane
 * read by someone). */
#include "pipeline/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"
#include "expr/expr.h"

#define MAX_LANES 256

static void fail(char *err, size_t errsize, const descriptor *d, const char *fmt, ...) SLUICE_PRINTF(4, 5);

static void fail(char *err, size_t errsize, const descriptor *d, const char *fmt, ...)
{
    int n = snprintf(err, errsize, "%s: ", d->source ? d->source : "pipeline");
    if (n < 0 || (size_t)n >= errsize)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
    va_end(ap);
}

static void stage_free(pipeline_stage *s)
{
    config_free(s->config);
    for (size_t i = 0; i < s->n_lanes; i++)
        free(s->lanes[i]);
    free(s->lanes);
    free(s->readers);
    free(s->inputs);
    for (size_t i = 0; i < s->n_required; i++)
        sluice_path_free(s->required[i]);
    free(s->required);
    for (size_t i = 0; i < s->n_preconditions; i++)
        expr_free(s->preconditions[i]);
    free(s->preconditions);
}

void pipeline_free(pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_stages; i++)
        stage_free(&p->stages[i]);
    if (p->error_stage) {
        stage_free(p->error_stage);
        free(p->error_stage);
    }
    free(p->stages);
    free(p->order);
    free(p);
}

/* required_fields: paths compiled once, checked before the stage runs. */
static int compile_required(pipeline_stage *s, const descriptor *d, char *err, size_t errsize)
{
    if (!s->desc->n_required_fields)
        return 0;
    if (s->def->kind == SLUICE_ORIGIN) {
        fail(err, errsize, d, "%s.required_fields: an origin makes its records; required fields apply to the "
             "stages that read them", s->desc->location);
        return -1;
    }
    s->required = calloc(s->desc->n_required_fields, sizeof *s->required);
    for (size_t i = 0; i < s->desc->n_required_fields; i++) {
        char why[256];
        s->required[i] = sluice_path_compile(s->desc->required_fields[i], why, sizeof why);
        if (!s->required[i]) {
            fail(err, errsize, d, "%s.required_fields[%zu]: %s", s->desc->location, i, why);
            return -1;
        }
        s->n_required++;
        if (sluice_path_has_wildcard(s->required[i])) {
            /* A required field is one field that must be there. */
            fail(err, errsize, d, "%s.required_fields[%zu]: \"%s\": no wildcards (/* or [*]): name the field",
                 s->desc->location, i, s->desc->required_fields[i]);
            return -1;
        }
    }
    return 0;
}

/* preconditions: expressions compiled once, evaluated before the stage
 * sees a record; a syntax error is located like any config error. */
static int compile_preconditions(pipeline_stage *s, const descriptor *d, char *err, size_t errsize)
{
    if (!s->desc->n_preconditions)
        return 0;
    if (s->def->kind == SLUICE_ORIGIN) {
        fail(err, errsize, d, "%s.preconditions: an origin makes its records; preconditions apply to the "
             "stages that read them", s->desc->location);
        return -1;
    }
    s->preconditions = calloc(s->desc->n_preconditions, sizeof *s->preconditions);
    for (size_t i = 0; i < s->desc->n_preconditions; i++) {
        char why[512];
        s->preconditions[i] = expr_compile(s->desc->preconditions[i], why, sizeof why);
        if (!s->preconditions[i]) {
            fail(err, errsize, d, "%s.preconditions[%zu]: %s", s->desc->location, i, why);
            return -1;
        }
        s->n_preconditions++;
    }
    return 0;
}

/* Finds the def, checks and converts the config. */
static int resolve_stage(pipeline_stage *s, const descriptor *d, plugin_registry *reg, char *err, size_t errsize)
{
    char why[1024];
    s->def = plugin_find_stage(reg, s->desc->stage, &s->plugin, why, sizeof why);
    if (!s->def) {
        fail(err, errsize, d, "%s.stage: %s", s->desc->location, why);
        return -1;
    }
    char location[64];
    snprintf(location, sizeof location, "%s.config", s->desc->location);
    static const sluice_config_schema no_keys = {sizeof(sluice_config_schema), NULL, 0, NULL};
    s->config = config_build(s->def->config ? s->def->config : &no_keys, s->desc->config, location, why, sizeof why);
    if (!s->config) {
        fail(err, errsize, d, "%s", why);
        return -1;
    }
    return compile_required(s, d, err, errsize) != 0 ? -1 : compile_preconditions(s, d, err, errsize);
}

static void add_lane(pipeline_stage *s, const char *name)
{
    s->lanes = realloc(s->lanes, (s->n_lanes + 1) * sizeof *s->lanes);
    s->lanes[s->n_lanes++] = strdup(name);
}

/* A single-output stage's lane is its id; a multi-output one's are
 * "id.lane" for each lane its config names. */
static int make_lanes(pipeline_stage *s, const descriptor *d, char *err, size_t errsize)
{
    if (s->def->kind == SLUICE_DESTINATION)
        return 0;
    if (!s->def->output_lanes) {
        add_lane(s, s->desc->id);
    } else {
        const char *names[MAX_LANES];
        char why[512] = "";
        int n = s->def->output_lanes(s->config, names, MAX_LANES, why, sizeof why);
        if (n < 0) {
            fail(err, errsize, d, "%s.config: %s", s->desc->location, why);
            return -1;
        }
        if (n == 0 || n > MAX_LANES) {
            fail(err, errsize, d, "%s: stage %s declares %d output lanes (1 to %d allowed)", s->desc->location,
                 s->desc->stage, n, MAX_LANES);
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char full[512];
            snprintf(full, sizeof full, "%s.%s", s->desc->id, names[i]);
            for (size_t j = 0; j < s->n_lanes; j++)
                if (strcmp(s->lanes[j], full) == 0) {
                    fail(err, errsize, d, "%s.config: lane \"%s\" is named twice", s->desc->location, full);
                    return -1;
                }
            add_lane(s, full);
        }
    }
    s->readers = calloc(s->n_lanes, sizeof *s->readers);
    return 0;
}

/* Every lane of the pipeline, as one list, for "did you mean". */
static const char **all_lanes(const pipeline *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        n += p->stages[i].n_lanes;
    const char **names = calloc(n + 1, sizeof *names);
    n = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        for (size_t j = 0; j < p->stages[i].n_lanes; j++)
            names[n++] = p->stages[i].lanes[j];
    return names;
}

static int find_lane(const pipeline *p, const char *name, lane_ref *ref)
{
    for (size_t i = 0; i < p->n_stages; i++)
        for (size_t j = 0; j < p->stages[i].n_lanes; j++)
            if (strcmp(p->stages[i].lanes[j], name) == 0) {
                ref->stage = i;
                ref->lane = j;
                return 0;
            }
    return -1;
}

static void lane_not_found(const pipeline *p, size_t si, size_t ii, char *err, size_t errsize)
{
    const descriptor_stage *ds = p->stages[si].desc;
    const char **names = all_lanes(p);
    const char *close = suggest_closest(ds->inputs[ii], names);
    char list[1024] = "";
    for (const char **n = names; *n; n++) {
        if (strlen(list) + strlen(*n) + 3 >= sizeof list)
            break;
        if (n != names)
            strcat(list, ", ");
        strcat(list, *n);
    }
    if (close)
        fail(err, errsize, p->desc, "%s.inputs[%zu]: no lane \"%s\" (did you mean \"%s\"?); lanes: %s", ds->location,
             ii, ds->inputs[ii], close, list);
    else
        fail(err, errsize, p->desc, "%s.inputs[%zu]: no lane \"%s\"; lanes: %s", ds->location, ii, ds->inputs[ii],
             list);
    free(names);
}

static int wire_inputs(pipeline *p, char *err, size_t errsize)
{
    for (size_t i = 0; i < p->n_stages; i++) {
        pipeline_stage *s = &p->stages[i];
        const descriptor_stage *ds = s->desc;
        if (s->def->kind == SLUICE_ORIGIN) {
            if (ds->n_inputs) {
                fail(err, errsize, p->desc, "%s.inputs: an origin (%s) reads no lanes", ds->location, ds->stage);
                return -1;
            }
            continue;
        }
        if (ds->n_inputs == 0) {
            fail(err, errsize, p->desc, "%s.inputs: required: a %s reads at least one lane", ds->location,
                 stage_kind_name(s->def->kind));
            return -1;
        }
        s->inputs = calloc(ds->n_inputs, sizeof *s->inputs);
        for (size_t j = 0; j < ds->n_inputs; j++) {
            if (find_lane(p, ds->inputs[j], &s->inputs[j]) != 0) {
                lane_not_found(p, i, j, err, errsize);
                return -1;
            }
            for (size_t k = 0; k < j; k++)
                if (s->inputs[k].stage == s->inputs[j].stage && s->inputs[k].lane == s->inputs[j].lane) {
                    fail(err, errsize, p->desc, "%s.inputs[%zu]: lane \"%s\" is listed twice", ds->location, j,
                         ds->inputs[j]);
                    return -1;
                }
            p->stages[s->inputs[j].stage].readers[s->inputs[j].lane]++;
            s->n_inputs++;
        }
    }
    return 0;
}

/* Kahn's algorithm; stages left over sit on a cycle. */
static int sort_stages(pipeline *p, char *err, size_t errsize)
{
    size_t n = p->n_stages;
    size_t *pending = calloc(n, sizeof *pending); /* inputs not yet produced */
    char *done = calloc(n, 1);
    p->order = calloc(n, sizeof *p->order);
    for (size_t i = 0; i < n; i++)
        pending[i] = p->stages[i].n_inputs;
    size_t placed = 0;
    int progress = 1;
    while (placed < n && progress) {
        progress = 0;
        /* Descriptor order among ready stages keeps the order predictable. */
        for (size_t i = 0; i < n; i++) {
            if (done[i] || pending[i])
                continue;
            done[i] = 1;
            p->order[placed++] = i;
            progress = 1;
            for (size_t j = 0; j < n; j++)
                for (size_t k = 0; k < p->stages[j].n_inputs; k++)
                    if (p->stages[j].inputs[k].stage == i)
                        pending[j]--;
            break;
        }
    }
    int rc = 0;
    if (placed < n) {
        char list[512] = "";
        for (size_t i = 0; i < n; i++)
            if (!done[i] && strlen(list) + strlen(p->stages[i].desc->id) + 3 < sizeof list) {
                if (*list)
                    strcat(list, ", ");
                strcat(list, p->stages[i].desc->id);
            }
        fail(err, errsize, p->desc, "stages: a cycle runs through %s", list);
        rc = -1;
    }
    free(pending);
    free(done);
    return rc;
}

static int check_origin(pipeline *p, char *err, size_t errsize)
{
    size_t n_origins = 0;
    for (size_t i = 0; i < p->n_stages; i++)
        if (p->stages[i].def->kind == SLUICE_ORIGIN) {
            if (n_origins++)
                {
                    fail(err, errsize, p->desc, "%s.stage: a second origin (the first is %s); a pipeline has exactly one",
                         p->stages[i].desc->location, p->stages[p->origin].desc->location);
                    return -1;
                }
            p->origin = i;
        }
    if (!n_origins) {
        fail(err, errsize, p->desc, "stages: no origin; a pipeline has exactly one");
        return -1;
    }
    return 0;
}

static int check_lanes_read(const pipeline *p, char *err, size_t errsize)
{
    for (size_t i = 0; i < p->n_stages; i++)
        for (size_t j = 0; j < p->stages[i].n_lanes; j++)
            if (!p->stages[i].readers[j]) {
                fail(err, errsize, p->desc,
                     "%s: lane \"%s\" is read by no stage (send it to dev:trash to drop its records)",
                     p->stages[i].desc->location, p->stages[i].lanes[j]);
                return -1;
            }
    return 0;
}

static int build_error_stage(pipeline *p, plugin_registry *reg, char *err, size_t errsize)
{
    if (!p->desc->error_stage)
        return 0;
    p->error_stage = calloc(1, sizeof *p->error_stage);
    p->error_stage->desc = p->desc->error_stage;
    if (resolve_stage(p->error_stage, p->desc, reg, err, errsize) != 0)
        return -1;
    if (p->error_stage->def->kind != SLUICE_DESTINATION) {
        fail(err, errsize, p->desc, "error_records.stage: %s is a %s; the error stage must be a destination",
             p->desc->error_stage->stage, stage_kind_name(p->error_stage->def->kind));
        return -1;
    }
    return 0;
}

/* The descriptor's "retry" object, checked like a stage's config. */
static const sluice_config_key retry_keys[] = {
    {.struct_size = sizeof(sluice_config_key), .name = "attempts", .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE, .default_json = "5", .min = 1, .max = 1000,
     .help = "times a record is offered to a destination before the pipeline stops without committing"},
    {.struct_size = sizeof(sluice_config_key), .name = "backoff", .type = SLUICE_CONFIG_DURATION,
     .default_json = "\"100ms\"", .help = "the first retry waits up to this long (full jitter); doubles each time"},
    {.struct_size = sizeof(sluice_config_key), .name = "max_backoff", .type = SLUICE_CONFIG_DURATION,
     .default_json = "\"5s\"", .help = "the longest wait between two offers"},
};
static const sluice_config_schema retry_schema = {sizeof(sluice_config_schema), retry_keys,
                                                  sizeof retry_keys / sizeof retry_keys[0], NULL};

static int read_retry(pipeline *p, char *err, size_t errsize)
{
    char why[1024];
    sluice_config *c = config_build(&retry_schema, p->desc->retry, "retry", why, sizeof why);
    if (!c) {
        fail(err, errsize, p->desc, "%s", why);
        return -1;
    }
    p->retry_attempts = (int)sluice_config_int(c, "attempts");
    p->retry_base_ms = sluice_config_int(c, "backoff");
    p->retry_max_ms = sluice_config_int(c, "max_backoff");
    config_free(c);
    if (p->retry_max_ms < p->retry_base_ms) {
        fail(err, errsize, p->desc, "retry.max_backoff: shorter than retry.backoff");
        return -1;
    }
    return 0;
}

pipeline *pipeline_build(const descriptor *desc, plugin_registry *reg, char *err, size_t errsize)
{
    pipeline *p = calloc(1, sizeof *p);
    p->desc = desc;
    p->n_stages = desc->n_stages;
    p->stages = calloc(desc->n_stages, sizeof *p->stages);
    for (size_t i = 0; i < desc->n_stages; i++)
        p->stages[i].desc = &desc->stages[i];
    for (size_t i = 0; i < p->n_stages; i++)
        if (resolve_stage(&p->stages[i], desc, reg, err, errsize) != 0 ||
            make_lanes(&p->stages[i], desc, err, errsize) != 0)
            goto fail;
    if (check_origin(p, err, errsize) != 0 || wire_inputs(p, err, errsize) != 0 ||
        check_lanes_read(p, err, errsize) != 0 || sort_stages(p, err, errsize) != 0 ||
        build_error_stage(p, reg, err, errsize) != 0 || read_retry(p, err, errsize) != 0)
        goto fail;
    return p;
fail:
    pipeline_free(p);
    return NULL;
}
