/* plugins/router/plugin.c — the router plugin: one stage, so a descriptor
 * names it "router". */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "router.h"

static const sluice_stage_def router_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "router",
        .kind = SLUICE_PROCESSOR,
        .summary = "sends each record to the lanes whose condition holds (SDC's Stream Selector), or to a "
                   "default lane",
        .config = &router_schema,
        .output_lanes = router_output_lanes,
        .init = router_init,
        .destroy = router_destroy,
        .process = router_process,
    },
};

static const sluice_plugin_def router_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "router",
    .version = PACKAGE_VERSION,
    .summary = "routing records to lanes by conditions",
    .stages = router_stages,
    .n_stages = sizeof router_stages / sizeof router_stages[0],
};

SLUICE_PLUGIN(router_plugin)
