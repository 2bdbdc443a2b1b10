/* plugins/file/writer.h — file:writer, appending records to a local file. */
#ifndef SLUICE_FILE_WRITER_H
#define SLUICE_FILE_WRITER_H

#include <sluice/sluice.h>

extern const sluice_config_schema writer_schema;
int writer_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void writer_destroy(void *state);
int writer_write(void *state, sluice_batch *in);

#endif
