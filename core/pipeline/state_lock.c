/* core/pipeline/state_lock.c — flock on STATE_DIR/lock.
 *
 * flock, not fcntl locks: an fcntl lock is dropped when the process closes
 * *any* descriptor of the file, and is shared by all threads, so a second
 * open in the same process would not be refused.  The lock file is never
 * removed: unlinking it while another process waits on the old inode
 * would let two holders in. */
#include "pipeline/state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"

struct state_lock {
    int fd;
};

/* The pid the holder wrote, or 0 when there is none yet (or it was not a
 * sluice, e.g. flock(1)). */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *end;
    long pid = strtol(buf, &end, 10);
    return pid > 0 && *end == '\n' ? pid : 0;
}

static void refuse(int fd, const char *dir, char *err, size_t errsize)
{
    long pid = holder_pid(fd);
    if (pid)
        snprintf(err, errsize, "state directory %s is in use (locked by pid %ld)", dir, pid);
    else
        snprintf(err, errsize, "state directory %s is in use (locked by another process)", dir);
}

/* Best effort: the pid only makes the refusal message better, so a full
 * disk must not stop the run here (the offset store reports that).  A torn
 * write lacks the newline holder_pid wants, so it names nobody. */
static void record_pid(int fd)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0) {
        ssize_t written = pwrite(fd, buf, (size_t)n, 0);
        (void)written;
    }
}

state_lock *state_lock_acquire(const char *state_dir, char *err, size_t errsize)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", state_dir, STATE_LOCK_FILE);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errsize, "state directory %s: path too long", state_dir);
        return NULL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsize, "state directory: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    int rc;
    while ((rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        int saved = errno;
        if (saved == EWOULDBLOCK)
            refuse(fd, state_dir, err, errsize);
        else
            snprintf(err, errsize, "state directory: cannot lock %s: %s", path, strerror(saved));
        close(fd);
        errno = saved;
        return NULL;
    }
    state_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        snprintf(err, errsize, "state directory %s: out of memory", state_dir);
        close(fd);
        return NULL;
    }
    record_pid(fd);
    lock->fd = fd;
    return lock;
}

void state_lock_release(state_lock *lock)
{
    if (!lock)
        return;
    /* A pid left behind would name a process that no longer holds it
     * (when the next holder is not a sluice).  Best effort, as above. */
    if (ftruncate(lock->fd, 0) != 0)
        log_msg(SLUICE_LOG_DEBUG, NULL, "state directory: cannot clear the lock file's pid: %s", strerror(errno));
    close(lock->fd);
    free(lock);
}
