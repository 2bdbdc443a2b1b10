/* core/cli/cmd_offsets.c — `sluice offsets show|reset`: what a pipeline
 * has committed, and forgetting it (DESIGN §5). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "pipeline/atomic_file.h"
#include "pipeline/descriptor.h"
#include "pipeline/offset_file.h"
#include "pipeline/state_dir.h"
#include "pipeline/state_lock.h"

static const char help[] =
    "Usage: sluice offsets show PIPELINE.json|--state-dir DIR [--json]\n"
    "       sluice offsets reset PIPELINE.json|--state-dir DIR\n"
    "\n"
    "Shows or forgets the offsets a pipeline has committed: where its origin\n"
    "resumes on the next run.  They are kept in offsets.json in the\n"
    "pipeline's state directory, with the origin they belong to.\n"
    "\n"
    "  show    prints the origin and each offset (key, a tab, value)\n"
    "  reset   removes them, so that the next run starts from the beginning;\n"
    "          refused while the pipeline runs (its state directory is locked)\n"
    "Neither creates the state directory: when it does not exist, show says\n"
    "no offsets are committed and reset that there is nothing to reset\n"
    "(exit 0 both), naming the directory looked for.\n"
    "\n"
    "Options:\n"
    "  --state-dir DIR      state directory (default, as for run: from the\n"
    "                       descriptor's pipeline name, $STATE_DIRECTORY/PIPELINE,\n"
    "                       else $XDG_STATE_HOME/sluice/PIPELINE, else\n"
    "                       ~/.local/state/sluice/PIPELINE)\n"
    "  --json               show: one JSON object with state_dir, file, origin\n"
    "                       (null when nothing is committed) and offsets\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 when the offsets cannot be read or removed or\n"
    "the pipeline is running, 2 for an invalid descriptor or usage.\n";

/* The state directory from --state-dir, else from the descriptor's
 * pipeline name, the way `run` finds it; not created. */
static int find_state_dir(const char *cmd, const cli_options *opts, char *dir, size_t dirsize)
{
    if (opts->n_args > 1 || (opts->n_args == 0 && !opts->state_dir))
        return cli_usage_error(cmd, "expected one descriptor path or --state-dir DIR");
    char err[2048];
    descriptor *desc = NULL;
    if (opts->n_args == 1) {
        desc = descriptor_load_file(opts->args[0], err, sizeof err);
        if (!desc) {
            fprintf(stderr, "%s\n", err);
            return EXIT_INVALID;
        }
    }
    int rc = state_dir_path(opts->state_dir, desc ? desc->pipeline : NULL, dir, dirsize, err, sizeof err);
    descriptor_free(desc);
    if (rc != 0) {
        fprintf(stderr, "sluice %s: %s\n", cmd, err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* 1 when the state directory exists, 0 when not (a pipeline never run,
 * or a typo: the messages name the path), -1 after saying why not. */
static int state_dir_exists(const char *cmd, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "sluice %s: state directory %s: %s\n", cmd, dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "sluice %s: state directory %s is not a directory\n", cmd, dir);
        return -1;
    }
    return 1;
}

static void print_text(const char *dir, bool exists, const char *path, const char *origin, const offset_map *map)
{
    if (!origin) {
        printf("%s: %sno offsets committed (the next run starts from the beginning)\n", dir,
               exists ? "" : "no such state directory, ");
        return;
    }
    printf("%s: %zu offset(s) of origin %s\n", path, map->n, origin);
    for (size_t i = 0; i < map->n; i++)
        /* An origin with one position keeps it under "": say so rather
         * than print a line that starts with a tab. */
        printf("%s\t%s\n", *map->keys[i] ? map->keys[i] : "(the origin's position)", map->values[i]);
}

static int print_json(const char *dir, const char *path, const char *origin, const offset_map *map)
{
    json_object *root = json_object_new_object();
    json_object *offsets = json_object_new_object();
    json_object_object_add(root, "state_dir", json_object_new_string(dir));
    json_object_object_add(root, "file", json_object_new_string(path));
    json_object_object_add(root, "origin", origin ? json_object_new_string(origin) : NULL);
    for (size_t i = 0; i < map->n; i++)
        json_object_object_add(offsets, map->keys[i], json_object_new_string(map->values[i]));
    json_object_object_add(root, "offsets", offsets);
    puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return EXIT_OK;
}

/* A missing directory shows as an empty one (its offsets file is missing
 * too), with the text saying the directory itself is not there. */
static int show(const char *dir, bool exists, int json)
{
    char path[PATH_MAX + 16], err[2048];
    snprintf(path, sizeof path, "%s/%s", dir, OFFSET_FILE_NAME);
    char *origin;
    offset_map map = {0};
    if (offset_file_read(path, &origin, &map, err, sizeof err) < 0) {
        fprintf(stderr, "sluice offsets show: %s\n", err);
        return EXIT_RUNTIME;
    }
    int rc = EXIT_OK;
    if (json)
        rc = print_json(dir, path, origin, &map);
    else
        print_text(dir, exists, path, origin, &map);
    free(origin);
    offset_map_free(&map);
    /* stdout may be a closed pipe or a full disk: say so, not exit 0. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sluice offsets show: cannot write to stdout: %s\n", strerror(errno));
        return EXIT_RUNTIME;
    }
    return rc;
}

/* Removes DIR/NAME; 1 when it was there, 0 when not, -1 after saying why. */
static int remove_file(const char *dir, const char *name)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (unlink(path) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    fprintf(stderr, "sluice offsets reset: cannot remove %s: %s\n", path, strerror(errno));
    return -1;
}

/* Under the lock, so that a running pipeline is not reset behind its back
 * (its next commit would write the offsets back) and none starts meanwhile. */
static int reset(const char *dir)
{
    char err[2048];
    state_lock *lock = state_lock_acquire(dir, err, sizeof err);
    if (!lock) {
        fprintf(stderr, "sluice offsets reset: %s%s\n", err,
                errno == EWOULDBLOCK ? ": stop the pipeline first" : "");
        return EXIT_RUNTIME;
    }
    int removed = remove_file(dir, OFFSET_FILE_NAME);
    /* A temp file left by a crash mid-commit is the same offsets, half written. */
    if (removed >= 0 && remove_file(dir, OFFSET_FILE_NAME ".tmp") < 0)
        removed = -1;
    /* Else a crash could bring the removed offsets back. */
    if (removed > 0 && atomic_file_sync_dir(dir, err, sizeof err) != 0) {
        fprintf(stderr, "sluice offsets reset: %s\n", err);
        removed = -1;
    }
    state_lock_release(lock);
    if (removed < 0)
        return EXIT_RUNTIME;
    if (removed)
        printf("%s: offsets removed; the next run starts from the beginning\n", dir);
    else
        printf("%s: no offsets committed, nothing to reset\n", dir);
    return EXIT_OK;
}

int cmd_offsets(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("offsets", "expected show or reset");
    const char *action = argv[1];
    if (strcmp(action, "--help") == 0 || strcmp(action, "-h") == 0) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    int is_show = strcmp(action, "show") == 0;
    if (!is_show && strcmp(action, "reset") != 0)
        return cli_usage_error("offsets", "unknown action \"%s\": expected show or reset", action);

    /* Parse as the command "offsets show" so that messages name it. */
    char cmd[16];
    snprintf(cmd, sizeof cmd, "offsets %s", action);
    argv[1] = cmd;
    cli_options opts;
    int rc = cli_parse(argc - 1, argv + 1, OPT_STATE_DIR | OPT_LOG_LEVEL | (is_show ? OPT_JSON : 0), &opts);
    if (rc)
        return rc;
    if (opts.help) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    char dir[PATH_MAX];
    rc = find_state_dir(cmd, &opts, dir, sizeof dir);
    if (rc)
        return rc;
    int exists = state_dir_exists(cmd, dir);
    if (exists < 0)
        return EXIT_RUNTIME;
    if (is_show)
        return show(dir, exists, opts.json);
    if (!exists) {
        printf("%s: no such state directory, nothing to reset\n", dir);
        return EXIT_OK;
    }
    return reset(dir);
}
