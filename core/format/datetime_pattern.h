/* core/format/datetime_pattern.h — compiling a date pattern
 * (sluice/datetime.h) into memory the caller provides, for the
 * expression language's patterns that are not literals (compiled per
 * evaluation into scratch memory, without malloc).  Internal to libsluice. */
#ifndef SLUICE_CORE_FORMAT_DATETIME_PATTERN_H
#define SLUICE_CORE_FORMAT_DATETIME_PATTERN_H

#include <stddef.h>

#include <sluice/datetime.h>

/* Bytes a compiled pattern of len bytes of text needs. */
size_t datetime_pattern_size(size_t len);

/* sluice_datetime_pattern_compile() into mem: datetime_pattern_size(len)
 * bytes, aligned as malloc's.  Returns mem, or NULL on a pattern error. */
sluice_datetime_pattern *datetime_pattern_init(void *mem, const char *text, size_t len, size_t *column, char *err,
                                               size_t errsize);

#endif
