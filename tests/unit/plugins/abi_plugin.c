/* Test plugins for the loader: one origin that produces nothing, built as
 * "good" (this ABI), "major" (the next major ABI: refused) and "minor" (a
 * newer minor than the core: refused) by defining PLUGIN_NAME, ABI_MAJOR
 * and ABI_MINOR. */
#include <sluice/stage.h>

#ifndef ABI_MAJOR
#define ABI_MAJOR SLUICE_ABI_MAJOR
#endif
#ifndef ABI_MINOR
#define ABI_MINOR SLUICE_ABI_MINOR
#endif

static int good_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    (void)ctx;
    (void)config;
    *state = NULL;
    return SLUICE_OK;
}

static void good_destroy(void *state) { (void)state; }

static int good_produce(void *state, sluice_batch *out)
{
    (void)state;
    (void)out;
    return SLUICE_END;
}

static const sluice_stage_def stages[] = {{
    .struct_size = sizeof(sluice_stage_def),
    .name = "source",
    .kind = SLUICE_ORIGIN,
    .summary = "produces nothing",
    .init = good_init,
    .destroy = good_destroy,
    .produce = good_produce,
}};

static const sluice_plugin_def plugin = {
    .struct_size = sizeof(sluice_plugin_def),
    .abi_major = ABI_MAJOR,
    .abi_minor = ABI_MINOR,
    .name = PLUGIN_NAME,
    .version = "1.2.3",
    .summary = "test plugin",
    .stages = stages,
    .n_stages = 1,
};

SLUICE_PLUGIN(plugin)
