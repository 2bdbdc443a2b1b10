/* tests/drivers/offset_commit.c — commits one batch of offsets through the
 * offset store, for tests/integration/offsets.sh: preparing state
 * directories for `sluice offsets`, and committing on a full disk.
 *
 *   offset_commit STATE_DIR ORIGIN [KEY=VALUE...]
 *
 * Exit 0 when committed; 1 with the store's one-line error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/offset_store.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: offset_commit STATE_DIR ORIGIN [KEY=VALUE...]\n");
        return 2;
    }
    size_t n = (size_t)argc - 3;
    const char **keys = calloc(n + 1, sizeof *keys), **values = calloc(n + 1, sizeof *values);
    char **pairs = argv + 3;
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(pairs[i], '=');
        if (!eq) {
            fprintf(stderr, "offset_commit: %s: expected KEY=VALUE\n", pairs[i]);
            return 2;
        }
        *eq = '\0';
        keys[i] = pairs[i];
        values[i] = eq + 1;
    }
    char err[2048];
    int rc = 1;
    offset_store *store = offset_store_open(argv[1], argv[2], err, sizeof err);
    /* The commit hands the offsets to the store's writer; the flush waits
     * for the write and reports its failure (a full disk). */
    if (store && offset_store_commit(store, keys, values, n, err, sizeof err) == 0 &&
        offset_store_flush(store, err, sizeof err) == 0)
        rc = 0;
    if (rc)
        fprintf(stderr, "%s\n", err);
    offset_store_close(store);
    free(keys);
    free(values);
    return rc;
}
