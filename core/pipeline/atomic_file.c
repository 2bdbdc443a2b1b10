/* core/pipeline/atomic_file.c — write, fsync, rename, fsync the directory.
 *
 * The order matters: without the fsync before the rename, a crash can leave
 * the new name pointing at an empty or partial file (ext4 with
 * data=writeback, XFS); without the directory fsync, the rename itself may
 * be lost and the old contents come back (see rename(2), fsync(2)). */
#include "pipeline/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = EIO; /* write(2) never says 0 for len > 0; be safe */
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Writes and syncs the temp file.  On failure, err is set and the temp file
 * removed, so that a full disk gets its space back at once. */
static int write_temp(const char *tmp, const void *data, size_t len, char *err, size_t errsize)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsize, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    const char *what = NULL;
    if (write_all(fd, data, len) != 0)
        what = "write";
    else if (fsync(fd) != 0)
        what = "fsync";
    int saved = errno;
    /* close() can report a deferred write error (NFS): it counts too. */
    if (close(fd) != 0 && !what) {
        what = "close";
        saved = errno;
    }
    if (!what)
        return 0;
    snprintf(err, errsize, "cannot %s %s: %s", what, tmp, strerror(saved));
    unlink(tmp);
    return -1;
}

int atomic_file_sync_dir(const char *dir, char *err, size_t errsize)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        snprintf(err, errsize, "cannot fsync directory %s: %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int atomic_file_replace(const char *dir, const char *name, const void *data, size_t len, char *err,
                        size_t errsize)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    int m = snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, name);
    if (n < 0 || (size_t)n >= sizeof path || m < 0 || (size_t)m >= sizeof tmp) {
        snprintf(err, errsize, "%s/%s: path too long", dir, name);
        return -1;
    }
    if (write_temp(tmp, data, len, err, errsize) != 0)
        return -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errsize, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return atomic_file_sync_dir(dir, err, errsize);
}
