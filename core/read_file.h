/* core/read_file.h — a whole (small) file in memory: descriptors, the
 * offsets file. */
#ifndef SLUICE_CORE_READ_FILE_H
#define SLUICE_CORE_READ_FILE_H

#include <stddef.h>

/* The file at `path` in malloc'd memory, followed by a '\0' that *len does
 * not count.  Reading stops after max + 1 bytes, so that a FIFO or
 * /dev/zero cannot exhaust memory and a caller with a limit sees a file
 * that is too long as *len > max.  NULL with errno set (ENOENT: no file). */
char *read_file(const char *path, size_t max, size_t *len);

#endif
