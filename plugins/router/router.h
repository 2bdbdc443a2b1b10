/* plugins/router/router.h — the router stage (SDC's Stream Selector). */
#ifndef SLUICE_PLUGINS_ROUTER_H
#define SLUICE_PLUGINS_ROUTER_H

#include <sluice/sluice.h>

extern const sluice_config_schema router_schema;

int router_output_lanes(const sluice_config *config, const char **names, size_t max, char *err, size_t errsize);
int router_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void router_destroy(void *state);
int router_process(void *state, sluice_batch *in, sluice_emitter *out);

#endif
