/* plugins/file/file_list.c — expanding file:reader's `path`.
 *
 * glob(3) sorts with strcoll(), which follows LC_COLLATE; a reader's order
 * (and so which records come first, and what a resumed run skips) must not
 * change with the locale, so the matches are sorted again byte-wise. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_list.h"

bool file_list_is_glob(const char *pattern)
{
    return strpbrk(pattern, "*?[") != NULL;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void file_list_free(file_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
    list->paths = NULL;
    list->n = 0;
}

int file_list_expand(file_list *list, const char *pattern)
{
    glob_t g;
    int rc = glob(pattern, GLOB_NOSORT, NULL, &g);

    file_list_free(list);
    if (rc == GLOB_NOMATCH)
        return 0;
    if (rc != 0) {
        errno = rc == GLOB_NOSPACE ? ENOMEM : EIO;
        return -1;
    }
    list->paths = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof *list->paths);
    if (!list->paths) {
        globfree(&g);
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct stat st;
        /* Directories and devices are not data files. */
        if (stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!(list->paths[list->n] = strdup(g.gl_pathv[i]))) {
            globfree(&g);
            file_list_free(list);
            errno = ENOMEM;
            return -1;
        }
        list->n++;
    }
    globfree(&g);
    qsort(list->paths, list->n, sizeof *list->paths, by_bytes);
    return 0;
}
