/* plugins/file/reader.h — file:reader, an origin reading records from
 * local files in a data format. */
#ifndef SLUICE_FILE_READER_H
#define SLUICE_FILE_READER_H

#include <sluice/sluice.h>

extern const sluice_config_schema reader_schema;
int reader_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void reader_destroy(void *state);
int reader_produce(void *state, sluice_batch *out);

#endif
