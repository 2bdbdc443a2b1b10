/* plugins/router/router.c — the router, SDC's Stream Selector: records go
 * to the output lanes whose condition holds.
 *
 *   "config": { "routes": [ { "when": "${record:value('/payment_type') == 'CRD'}", "output": "card" },
 *                           { "when": "${record:value('/payment_type') == 'CSH'}", "output": "cash" } ],
 *               "default": "other", "mode": "all" }
 *
 * The lanes are the routes' outputs in order, then the default lane:
 * "<id>.card", "<id>.cash", "<id>.other".  With mode "all" (SDC's only
 * mode) a record goes to every route whose condition holds, each lane
 * getting its own copy (DESIGN §2: a record sent to two lanes is two
 * records); with mode "first" to the first one only.  A record no
 * condition holds for goes to the default lane.  A condition that cannot
 * be evaluated for a record (a string that is not a number...) makes the
 * record a record error (ROUTER_01) and it goes to no lane, even when an
 * earlier condition held: conditions are all evaluated before any emit.
 *
 * Conditions are compiled by the core with the config; a condition that
 * is not a boolean (${record:value('/n')}) fails each record it meets,
 * as in SDC. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

#define ROUTER_ERROR_CODE "ROUTER_01"

static const sluice_config_key route_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "when",
     .type = SLUICE_CONFIG_EXPRESSION,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The condition, e.g. ${record:value('/payment_type') == 'CRD'}."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "output",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The lane records go to when the condition holds: read it as \"<router id>.<output>\"."},
};

static const sluice_config_schema route_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = route_keys,
    .n_keys = sizeof route_keys / sizeof route_keys[0],
};

static const char *const modes[] = {"all", "first", NULL};

/* A lane name goes after "<id>." in other stages' inputs: no dots (they
 * would read as another stage's lane), no blanks, not empty. */
static int check_lane_name(const char *what, const char *name, char *err, size_t errsize)
{
    if (!*name) {
        snprintf(err, errsize, "%s: a lane name cannot be empty", what);
        return SLUICE_ERROR;
    }
    for (const char *p = name; *p; p++) {
        if (*p == '.' || *p == ' ' || *p == '\t' || (unsigned char)*p < 0x20) {
            snprintf(err, errsize, "%s: \"%s\" is not a lane name (no '.', blanks or control characters)", what,
                     name);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

/* Outputs are valid lane names, distinct, and not the default lane. */
static int router_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "routes");
    const char *dflt = sluice_config_string(config, "default");
    if (n == 0) {
        snprintf(err, errsize, "routes: at least one route is needed");
        return SLUICE_ERROR;
    }
    if (check_lane_name("default", dflt, err, errsize) != SLUICE_OK)
        return SLUICE_ERROR;
    for (size_t i = 0; i < n; i++) {
        const char *out = sluice_config_string(sluice_config_list_object(config, "routes", i), "output");
        char what[64];
        snprintf(what, sizeof what, "routes[%zu].output", i);
        if (check_lane_name(what, out, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
        if (!strcmp(out, dflt)) {
            snprintf(err, errsize, "%s: \"%s\" is the default lane too; give it another name", what, out);
            return SLUICE_ERROR;
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(out, sluice_config_string(sluice_config_list_object(config, "routes", j), "output"))) {
                snprintf(err, errsize, "%s: \"%s\" is the output of routes[%zu] already; each route has its own lane",
                         what, out, j);
                return SLUICE_ERROR;
            }
        }
    }
    return SLUICE_OK;
}

static const sluice_config_key router_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "routes",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_OBJECT,
     .object = &route_schema,
     .help = "Conditions and their lanes, in order: objects with \"when\" and \"output\"."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "default",
     .type = SLUICE_CONFIG_STRING,
     .default_json = "\"default\"",
     .help = "The lane of records no condition holds for."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "mode",
     .type = SLUICE_CONFIG_ENUM,
     .default_json = "\"all\"",
     .enum_values = modes,
     .help = "all: a record goes to every route whose condition holds; first: to the first one only."},
};

const sluice_config_schema router_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = router_keys,
    .n_keys = sizeof router_keys / sizeof router_keys[0],
    .check = router_check,
};

int router_output_lanes(const sluice_config *config, const char **names, size_t max, char *err, size_t errsize)
{
    (void)err;
    (void)errsize;
    size_t n = sluice_config_list_count(config, "routes");
    for (size_t i = 0; i < n && i < max; i++)
        names[i] = sluice_config_string(sluice_config_list_object(config, "routes", i), "output");
    if (n < max)
        names[n] = sluice_config_string(config, "default");
    return (int)(n + 1);
}

typedef struct router {
    size_t n_routes;
    const sluice_expr **when; /* owned by the config */
    bool *hit;                /* per record: which conditions held */
    bool first_only;
    sluice_expr_ctx *ectx;
} router;

int router_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    router *r = calloc(1, sizeof *r);
    if (!r) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    r->n_routes = sluice_config_list_count(config, "routes");
    r->when = calloc(r->n_routes, sizeof *r->when);
    r->hit = calloc(r->n_routes, sizeof *r->hit);
    r->first_only = !strcmp(sluice_config_string(config, "mode"), "first");
    r->ectx = sluice_expr_ctx_new(ctx);
    if (!r->when || !r->hit) {
        router_destroy(r);
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < r->n_routes; i++)
        r->when[i] = sluice_config_expression(sluice_config_list_object(config, "routes", i), "when");
    *state = r;
    return SLUICE_OK;
}

void router_destroy(void *state)
{
    router *r = state;
    if (!r)
        return;
    sluice_expr_ctx_free(r->ectx);
    free(r->when);
    free(r->hit);
    free(r);
}

/* A condition that could not be evaluated: the record is a record error.
 * Out of line, so that the loop below keeps its registers for the usual
 * case. */
static __attribute__((noinline, cold)) void condition_failed(sluice_emitter *out, sluice_record *record, size_t i,
                                                              const sluice_expr_ctx *ectx)
{
    sluice_emit_error(out, record, ROUTER_ERROR_CODE, "routes[%zu].when: %s", i, sluice_expr_ctx_error(ectx));
}

/* A record for several lanes: the original goes to the last lane it
 * belongs to, copies to the others, made before the original is handed
 * on.  Out of line for the same reason. */
static __attribute__((noinline)) void emit_to_all(sluice_batch *in, sluice_emitter *out, sluice_record *record,
                                                  const bool *hit, size_t n_routes, size_t hits)
{
    for (size_t i = 0; i < n_routes; i++) {
        if (!hit[i])
            continue;
        hits--;
        sluice_emit(out, i, hits ? sluice_record_copy(in, record) : record);
    }
}

/* One pass over the batch.  The per-record work is kept small (the router
 * sits in front of everything routed; issue 4 budgets it): the config is
 * read into locals once, since the evaluation calls could otherwise make
 * the compiler reload it; conditions write their result straight into
 * hit[]; and a record that holds for one condition only (or none, the
 * usual cases) goes straight to its lane without a second look at the
 * conditions.  Every condition is evaluated before any emit, so that a
 * condition failing on a record sends it to no lane. */
int router_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    const router *r = state;
    const size_t n_routes = r->n_routes;
    const sluice_expr *const *when = r->when;
    bool *hit = r->hit;
    /* "first": evaluating stops at the first condition that holds. */
    const size_t stop_at_hits = r->first_only ? 1 : SIZE_MAX;
    sluice_expr_ctx *ectx = r->ectx;
    size_t n = sluice_batch_count(in);
    for (size_t k = 0; k < n; k++) {
        sluice_record *record = sluice_batch_record(in, k);
        size_t hits = 0, lane = n_routes; /* n_routes: the default lane */
        size_t failed = SIZE_MAX;         /* the condition that could not be evaluated */
        for (size_t i = 0; i < n_routes; i++) {
            if (sluice_expr_eval_bool(when[i], ectx, record, &hit[i]) != SLUICE_OK) {
                failed = i;
                break;
            }
            if (hit[i]) {
                lane = i;
                if (++hits == stop_at_hits)
                    break; /* hit[] past the lane is stale, but hits is 1 */
            }
        }
        if (failed != SIZE_MAX) {
            condition_failed(out, record, failed, ectx);
            continue;
        }
        if (hits <= 1)
            sluice_emit(out, lane, record);
        else
            emit_to_all(in, out, record, hit, n_routes, hits);
    }
    return SLUICE_OK;
}
