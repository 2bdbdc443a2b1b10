/* plugins/aws/credentials_process.c — credentials printed by an external
 * command, the shared config's credential_process setting.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 *
 * The command runs with /bin/sh -c as in the SDKs; what it prints holds
 * secrets, so neither its output nor any part of it goes into an error
 * message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "credentials_sources.h"

#define MAX_OUTPUT (64 * 1024)

extern char **environ;

int aws_parse_rfc3339(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    char t;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &sec, &n) != 7 ||
        n != 19 || (t != 'T' && t != 't' && t != ' '))
        return -1;
    const char *p = s + n;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5)
            return -1;
        offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    *out = timegm(&tm) - offset;
    return 0;
}

static const char *string_member(json_object *o, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

aws_creds_status aws_credentials_parse_process_output(const char *json, size_t len, time_t now,
                                                      aws_credentials *out, char *err,
                                                      size_t err_len)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
    if (tok)
        json_tokener_free(tok);
    aws_creds_status st = AWS_CREDS_ERROR;
    json_object *version;
    const char *id, *secret, *expiration;
    time_t expires = 0;
    if (!root || !json_object_is_type(root, json_type_object))
        snprintf(err, err_len, "its output is not a JSON object");
    else if (!json_object_object_get_ex(root, "Version", &version) ||
             !json_object_is_type(version, json_type_int) || json_object_get_int(version) != 1)
        snprintf(err, err_len, "its output lacks \"Version\": 1");
    else if (!(id = string_member(root, "AccessKeyId")) || !*id ||
             !(secret = string_member(root, "SecretAccessKey")) || !*secret)
        snprintf(err, err_len, "its output lacks AccessKeyId or SecretAccessKey");
    else if ((expiration = string_member(root, "Expiration")) &&
             aws_parse_rfc3339(expiration, &expires) != 0)
        snprintf(err, err_len, "its Expiration is not an RFC 3339 time");
    else if (expires && expires <= now)
        snprintf(err, err_len, "it returned credentials that expired at %s", expiration);
    else if (aws_credentials_set(out, id, secret, string_member(root, "SessionToken"), expires) != 0)
        snprintf(err, err_len, "%s", aws_credentials_set_error());
    else
        st = AWS_CREDS_FOUND;
    json_object_put(root);
    return st;
}

static int spawn_command(const char *command, int stdout_fd, int read_end, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    int rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, stdout_fd, STDOUT_FILENO);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclose(&fa, stdout_fd);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclose(&fa, read_end);
    /* Its own process group, so that a timeout kills whatever the shell
     * started too, not the shell alone. */
    posix_spawnattr_t attr;
    if (rc == 0)
        rc = posix_spawnattr_init(&attr);
    if (rc == 0) {
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        if (rc == 0)
            rc = posix_spawnattr_setpgroup(&attr, 0);
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)command, NULL};
        if (rc == 0)
            rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
        posix_spawnattr_destroy(&attr);
    }
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? 0 : -1;
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* Reads the child's stdout to its end: 0, or -1 with err (timed out, too
 * much output, read error). */
static int read_output(int fd, long timeout_ms, aws_buf *out, char *err, size_t err_len)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char chunk[4096];
    for (;;) {
        long left = timeout_ms - elapsed_ms(&start);
        if (left <= 0) {
            snprintf(err, err_len, "timed out after %ld ms", timeout_ms);
            return -1;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, err_len, "poll: %s", strerror(errno));
            return -1;
        }
        if (r == 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, err_len, "reading its output: %s", strerror(errno));
            return -1;
        }
        if (n == 0)
            return 0;
        if (out->len + (size_t)n > MAX_OUTPUT) {
            snprintf(err, err_len, "its output is larger than %d bytes", MAX_OUTPUT);
            return -1;
        }
        aws_buf_append(out, chunk, (size_t)n);
    }
}

aws_creds_status aws_credentials_from_process(const char *command, time_t now, long timeout_ms,
                                              aws_credentials *out, char *err, size_t err_len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        return AWS_CREDS_ERROR;
    }
    pid_t pid;
    if (spawn_command(command, fds[1], fds[0], &pid) != 0) {
        close(fds[0]);
        close(fds[1]);
        snprintf(err, err_len, "could not start /bin/sh");
        return AWS_CREDS_ERROR;
    }
    close(fds[1]);
    aws_buf output = AWS_BUF_INIT;
    int rc = read_output(fds[0], timeout_ms, &output, err, err_len);
    close(fds[0]);
    if (rc != 0)
        kill(-pid, SIGKILL); /* the whole group: see spawn_command */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    aws_creds_status st = AWS_CREDS_ERROR;
    if (rc != 0)
        ; /* err says why */
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        snprintf(err, err_len, "the command failed (%s %d)",
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    else if (output.failed)
        snprintf(err, err_len, "out of memory");
    else
        st = aws_credentials_parse_process_output(output.data ? output.data : "", output.len, now,
                                                  out, err, err_len);
    aws_buf_free(&output, true);
    return st;
}
