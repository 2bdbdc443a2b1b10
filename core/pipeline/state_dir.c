/* core/pipeline/state_dir.c — finding and creating a state directory. */
#include "pipeline/state_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p, refusing a path component that exists but is not a directory. */
static int make_dirs(char *path, char *err, size_t errsize)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errsize, "state directory: cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        *p = saved;
        if (!saved)
            break;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errsize, "state directory: %s is not a directory", path);
        return -1;
    }
    return 0;
}

int state_dir_path(const char *explicit_dir, const char *pipeline, char *out, size_t outsize, char *err,
                   size_t errsize)
{
    const char *systemd = getenv("STATE_DIRECTORY");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (explicit_dir && *explicit_dir) {
        n = snprintf(out, outsize, "%s", explicit_dir);
    } else if (systemd && *systemd) {
        /* StateDirectory= may list several, colon-separated: the first is ours. */
        size_t len = strcspn(systemd, ":");
        n = snprintf(out, outsize, "%.*s/%s", (int)len, systemd, pipeline);
    } else if (xdg && *xdg == '/') {
        n = snprintf(out, outsize, "%s/sluice/%s", xdg, pipeline);
    } else if (home && *home) {
        n = snprintf(out, outsize, "%s/.local/state/sluice/%s", home, pipeline);
    } else {
        snprintf(err, errsize, "state directory: HOME is not set; give --state-dir");
        return -1;
    }
    if (n < 0 || (size_t)n >= outsize) {
        snprintf(err, errsize, "state directory: path too long");
        return -1;
    }
    return 0;
}

int state_dir_resolve(const char *explicit_dir, const char *pipeline, char *out, size_t outsize, char *err,
                      size_t errsize)
{
    if (state_dir_path(explicit_dir, pipeline, out, outsize, err, errsize) != 0)
        return -1;
    return make_dirs(out, err, errsize);
}
