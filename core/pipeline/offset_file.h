/* core/pipeline/offset_file.h — the offsets file of a state directory
 * (DESIGN §5), and its format:
 *
 *   {"version": 1, "origin": "gen:dev:generator", "offsets": {"gen": "1000"}}
 *
 * "origin" names the origin the offsets belong to, so that a state
 * directory reused for another origin is refused rather than misread;
 * "offsets" holds strings only, as the origin handed them over.  Bytes are
 * kept as they are (a file name in a key need not be UTF-8). */
#ifndef SLUICE_CORE_OFFSET_FILE_H
#define SLUICE_CORE_OFFSET_FILE_H

#include <stddef.h>

#include "pipeline/offset_map.h"

#define OFFSET_FILE_NAME "offsets.json"
#define OFFSET_FILE_VERSION 1

/* Reads the offsets file at `path` into *origin (malloc'd) and *map (which
 * must be empty).  1 when read, 0 when there is no file (nothing committed
 * yet, or reset; *origin is then NULL), -1 with one line in err naming the
 * path and what is wrong (nothing to free then). */
int offset_file_read(const char *path, char **origin, offset_map *map, char *err, size_t errsize);

/* The file's text for `origin` and `map`, ending in a newline: malloc'd,
 * NUL-terminated, its length in *len.  NULL when memory runs out. */
char *offset_file_format(const char *origin, const offset_map *map, size_t *len);

#endif
