/* tests/unit/test_state_lock.c — the state directory's lock (DESIGN §3):
 * one holder at a time, refusals naming the directory and the holder's
 * pid, released on release and when the holder dies. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipeline/state_lock.h"

static char dir[64], lock_path[128], err[1024];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_state_lock.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(lock_path, sizeof lock_path, "%s/%s", dir, STATE_LOCK_FILE);
    strcpy(err, "(untouched)");
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    unlink(lock_path);
    return rmdir(dir);
}

static void read_lock_file(char *buf, size_t size)
{
    FILE *f = fopen(lock_path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_acquire_records_pid(void **state)
{
    (void)state;
    state_lock *l = state_lock_acquire(dir, err, sizeof err);
    assert_non_null(l);
    char buf[64], want[64];
    read_lock_file(buf, sizeof buf);
    snprintf(want, sizeof want, "%ld\n", (long)getpid());
    assert_string_equal(buf, want);
    state_lock_release(l);
    read_lock_file(buf, sizeof buf);
    assert_string_equal(buf, ""); /* no pid left to mislead the next refusal */
}

/* flock locks belong to open file descriptions: a second acquire, even in
 * the same process, is refused. */
static void test_second_acquire_refused(void **state)
{
    (void)state;
    state_lock *l = state_lock_acquire(dir, err, sizeof err);
    assert_non_null(l);
    errno = 0;
    assert_null(state_lock_acquire(dir, err, sizeof err));
    assert_int_equal(errno, EWOULDBLOCK);
    char want[256];
    snprintf(want, sizeof want, "state directory %s is in use (locked by pid %ld)", dir, (long)getpid());
    assert_string_equal(err, want);
    state_lock_release(l);
    l = state_lock_acquire(dir, err, sizeof err);
    assert_non_null(l); /* free again once released */
    state_lock_release(l);
}

/* A holder that is not a sluice (flock(1)) writes no pid. */
static void test_foreign_holder_refused(void **state)
{
    (void)state;
    int fd = open(lock_path, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_null(state_lock_acquire(dir, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "state directory %s is in use (locked by another process)", dir);
    assert_string_equal(err, want);
    close(fd);
}

/* Another process holds it; when it dies (even by SIGKILL) the lock is free. */
static void test_other_process_then_its_death(void **state)
{
    (void)state;
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char e[256];
        state_lock *l = state_lock_acquire(dir, e, sizeof e);
        char c = l ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_null(state_lock_acquire(dir, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "state directory %s is in use (locked by pid %ld)", dir, (long)child);
    assert_string_equal(err, want);

    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    state_lock *l = state_lock_acquire(dir, err, sizeof err);
    assert_non_null(l);
    state_lock_release(l);
}

static void test_missing_dir_named(void **state)
{
    (void)state;
    assert_null(state_lock_acquire("/nonexistent/state", err, sizeof err));
    assert_string_equal(err, "state directory: cannot open /nonexistent/state/lock: No such file or directory");
}

#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_acquire_records_pid),
        T(test_second_acquire_refused),
        T(test_foreign_holder_refused),
        T(test_other_process_then_its_death),
        T(test_missing_dir_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
