/* plugins/file/file_list.h — the files a path or glob pattern names, in the
 * order file:reader reads them. */
#ifndef SLUICE_FILE_FILE_LIST_H
#define SLUICE_FILE_FILE_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct file_list {
    char **paths; /* malloc'd, sorted by strcmp */
    size_t n;
} file_list;

/* True when `pattern` has glob(7) magic (*, ?, [). */
bool file_list_is_glob(const char *pattern);

/* Replaces *list with the regular files matching `pattern` (glob(3); a
 * plain path matches itself when it exists), sorted byte-wise so that the
 * order is the same in every locale.  0, or -1 with errno (not for "no
 * match": an empty list). */
int file_list_expand(file_list *list, const char *pattern);

void file_list_free(file_list *list);

#endif
