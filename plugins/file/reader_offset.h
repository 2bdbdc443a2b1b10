/* plugins/file/reader_offset.h — file:reader's offset text,
 * "<path>:<inode>:<position>": the file, which file it was (a rotated file
 * keeps its inode under a new name, a new file at the same path gets
 * another), and the byte after the last record committed. */
#ifndef SLUICE_FILE_READER_OFFSET_H
#define SLUICE_FILE_READER_OFFSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct reader_offset {
    char *path; /* malloc'd */
    uint64_t inode;
    uint64_t position;
} reader_offset;

/* Writes the text to buf (NUL-terminated, truncated to size); returns the
 * length it needs, as snprintf does. */
size_t reader_offset_format(char *buf, size_t size, const char *path, uint64_t inode, uint64_t position);

/* Parses the text (the path may hold ':' itself: the last two fields are
 * numbers).  0, or -1 when it is not such a text. */
int reader_offset_parse(const char *text, reader_offset *out);

void reader_offset_clear(reader_offset *offset);

#endif
