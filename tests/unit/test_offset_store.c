/* tests/unit/test_offset_store.c — the offset store (DESIGN §5): round
 * trip, merge, bytes kept, another origin's file refused, damaged files
 * named, failures at every step of the atomic replace leaving the old
 * file intact and reported by the flush and every later commit, the
 * writer thread's bounded lag and coalescing, and concurrent commits.
 *
 * Failures are injected by linking with -Wl,--wrap=fsync,--wrap=rename
 * (Makefile.am): the store's calls land in __wrap_* below, which fail the
 * chosen call and pass the others to the real ones.  A full disk (ENOSPC)
 * is tested on a real small filesystem by tests/integration/offsets.sh. */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipeline/offset_file.h"
#include "pipeline/offset_store.h"

/* ---- failure injection -------------------------------------------------- */

int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);

static int fsync_calls, rename_calls; /* since the last inject_reset() */
static int fail_fsync_call;           /* the call that fails (1-based), 0: none */
static int fail_rename_call;
static void (*on_fsync)(void);        /* called once, at the next fsync */

static void inject_reset(void)
{
    fsync_calls = rename_calls = 0;
    fail_fsync_call = fail_rename_call = 0;
}

int __wrap_fsync(int fd)
{
    void (*hook)(void) = on_fsync;
    on_fsync = NULL;
    if (hook)
        hook();
    if (++fsync_calls == fail_fsync_call) {
        errno = EIO;
        return -1;
    }
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (++rename_calls == fail_rename_call) {
        errno = EXDEV;
        return -1;
    }
    return __real_rename(from, to);
}

/* ---- fixtures ----------------------------------------------------------- */

static char dir[64], path[128], tmp_path[128];
static char err[2048];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_offset_store.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/%s", dir, OFFSET_FILE_NAME);
    snprintf(tmp_path, sizeof tmp_path, "%s/%s.tmp", dir, OFFSET_FILE_NAME);
    inject_reset();
    strcpy(err, "(untouched)");
    return 0;
}

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(p);
}

static int remove_dir(void **state)
{
    (void)state;
    return nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- helpers ------------------------------------------------------------ */

static char *read_text(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static offset_store *open_ok(const char *origin)
{
    offset_store *s = offset_store_open(dir, origin, err, sizeof err);
    if (!s)
        fail_msg("offset_store_open: %s", err);
    return s;
}

/* Commits and waits for the write (the writer thread's), so that the
 * counters and the file can be checked. */
static void commit_ok(offset_store *s, const char *key, const char *value)
{
    const char *k[] = {key}, *v[] = {value};
    if (offset_store_commit(s, k, v, 1, err, sizeof err) != 0)
        fail_msg("offset_store_commit: %s", err);
    if (offset_store_flush(s, err, sizeof err) != 0)
        fail_msg("offset_store_flush: %s", err);
}

/* Commits a=2 while the write is made to fail, and checks that the flush
 * reports `expected`. */
static void commit_then_flush_fails(offset_store *s, const char *expected)
{
    const char *k[] = {"a"}, *v[] = {"2"};
    /* The commit only hands the offsets over: it succeeds, and the write's
     * failure is reported by the flush. */
    assert_int_equal(offset_store_commit(s, k, v, 1, err, sizeof err), 0);
    assert_int_equal(offset_store_flush(s, err, sizeof err), -1);
    assert_string_equal(err, expected);
}

/* Asserts the map holds exactly the given "key=value" entries, in order. */
static void assert_map(const offset_map *m, size_t n, ...)
{
    assert_int_equal(m->n, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *key = va_arg(ap, const char *), *value = va_arg(ap, const char *);
        assert_string_equal(m->keys[i], key);
        assert_string_equal(m->values[i], value);
    }
    va_end(ap);
}

/* Reopens the store from disk and checks what it loaded. */
#define assert_on_disk(origin, n, ...)                                                                      \
    do {                                                                                                    \
        offset_store *again_ = open_ok(origin);                                                             \
        offset_map m_ = {0};                                                                                \
        assert_int_equal(offset_store_snapshot(again_, &m_), 0);                                           \
        assert_map(&m_, n, __VA_ARGS__);                                                                    \
        offset_map_free(&m_);                                                                               \
        offset_store_close(again_);                                                                         \
    } while (0)

/* ---- round trip and merge ----------------------------------------------- */

static void test_no_file_means_no_offsets(void **state)
{
    (void)state;
    offset_store *s = open_ok("gen:dev:generator");
    offset_map m = {0};
    assert_int_equal(offset_store_snapshot(s, &m), 0);
    assert_int_equal(m.n, 0);
    assert_string_equal(offset_store_path(s), path);
    assert_false(exists(path)); /* opening writes nothing */
    offset_store_close(s);
}

static void test_round_trip(void **state)
{
    (void)state;
    offset_store *s = open_ok("src:kinesis:consumer");
    const char *keys[] = {"shardId-000000000001", "shardId-000000000000"};
    const char *values[] = {"49590338271490256608559692538361571095921575989136588898", "7"};
    assert_int_equal(offset_store_commit(s, keys, values, 2, err, sizeof err), 0);
    offset_store_close(s);
    assert_on_disk("src:kinesis:consumer", 2, "shardId-000000000001",
                   "49590338271490256608559692538361571095921575989136588898", "shardId-000000000000", "7");
    assert_false(exists(tmp_path));
}

static void test_file_format(void **state)
{
    (void)state;
    offset_store *s = open_ok("gen:dev:generator");
    commit_ok(s, "gen", "1000");
    offset_store_close(s);
    char *text = read_text(path);
    assert_non_null(text);
    assert_string_equal(text, "{\n"
                              "  \"version\":1,\n"
                              "  \"origin\":\"gen:dev:generator\",\n"
                              "  \"offsets\":{\n"
                              "    \"gen\":\"1000\"\n"
                              "  }\n"
                              "}\n");
    free(text);
}

static void test_merge_keeps_other_keys(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    const char *k1[] = {"a", "b"}, *v1[] = {"1", "2"};
    const char *k2[] = {"b", "c"}, *v2[] = {"3", "4"};
    assert_int_equal(offset_store_commit(s, k1, v1, 2, err, sizeof err), 0);
    assert_int_equal(offset_store_commit(s, k2, v2, 2, err, sizeof err), 0);
    offset_map m = {0};
    assert_int_equal(offset_store_snapshot(s, &m), 0);
    assert_map(&m, 3, "a", "1", "b", "3", "c", "4");
    offset_map_free(&m);
    offset_store_close(s);
    assert_on_disk("o", 3, "a", "1", "b", "3", "c", "4");
}

static void test_merge_after_reopen(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    offset_store_close(s);
    s = open_ok("o");
    commit_ok(s, "b", "2");
    offset_store_close(s);
    assert_on_disk("o", 2, "a", "1", "b", "2");
}

/* File names need not be UTF-8; quotes, backslashes and control
 * characters must survive JSON escaping. */
static void test_bytes_kept(void **state)
{
    (void)state;
    const char *key = "/data/caf\xe9 \"x\"\\y\n\t\x01.log";
    const char *value = "pos=12\xff\xfe";
    offset_store *s = open_ok("in:file:reader");
    commit_ok(s, key, value);
    offset_store_close(s);
    assert_on_disk("in:file:reader", 1, key, value);
}

static void test_snapshot_is_a_copy(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    offset_map m = {0};
    assert_int_equal(offset_store_snapshot(s, &m), 0);
    commit_ok(s, "a", "2");
    assert_map(&m, 1, "a", "1");
    assert_int_equal(offset_store_snapshot(s, &m), 0); /* replaces the old copy */
    assert_map(&m, 1, "a", "2");
    offset_map_free(&m);
    offset_store_close(s);
}

/* Two fsyncs (file, directory) per write; nothing when nothing changed. */
static void test_unchanged_offsets_write_nothing(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    assert_int_equal(fsync_calls, 2);
    assert_int_equal(rename_calls, 1);
    commit_ok(s, "a", "1");
    assert_int_equal(offset_store_commit(s, NULL, NULL, 0, err, sizeof err), 0);
    assert_int_equal(fsync_calls, 2);
    commit_ok(s, "a", "2");
    assert_int_equal(fsync_calls, 4);
    offset_store_close(s);
}

/* ---- refusals ----------------------------------------------------------- */

static void test_other_origin_refused(void **state)
{
    (void)state;
    offset_store *s = open_ok("gen:dev:generator");
    commit_ok(s, "gen", "5");
    offset_store_close(s);
    char *before = read_text(path);
    assert_null(offset_store_open(dir, "in:file:reader", err, sizeof err));
    char expected[512];
    snprintf(expected, sizeof expected,
             "offsets: %s was written for origin \"gen:dev:generator\", not \"in:file:reader\"; "
             "to start over, run: sluice offsets reset --state-dir %s",
             path, dir);
    assert_string_equal(err, expected);
    char *after = read_text(path);
    assert_string_equal(after, before); /* refusing touches nothing */
    free(before);
    free(after);
}

static void expect_damaged(const char *text, const char *what)
{
    write_text(path, text);
    assert_null(offset_store_open(dir, "o", err, sizeof err));
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: %s: %s", path, what);
    assert_string_equal(err, expected);
}

static void test_damaged_files_named(void **state)
{
    (void)state;
    expect_damaged("{\"version\":1,\"origin\":\"o\",\"offsets\":{\"a\":\"1\"}",
                   "not valid JSON (unexpected end of file at byte 45)");
    expect_damaged("", "not valid JSON (unexpected end of file at byte 0)");
    expect_damaged("{\"version\":1,\"origin\":\"o\",\"offsets\":{}} x",
                   "not valid JSON (unexpected character at byte 40)");
    expect_damaged("{\"version\":1,,}", "not valid JSON (quoted object property name expected at byte 13)");
    expect_damaged("[1]", "not an offsets file (no \"version\")");
    expect_damaged("{\"origin\":\"o\",\"offsets\":{}}", "not an offsets file (no \"version\")");
    expect_damaged("{\"version\":2,\"origin\":\"o\",\"offsets\":{}}",
                   "format version 2, this sluice reads version 1 (written by a newer sluice)");
    expect_damaged("{\"version\":0,\"origin\":\"o\",\"offsets\":{}}", "format version 0, this sluice reads version 1");
    expect_damaged("{\"version\":1,\"origin\":7,\"offsets\":{}}", "\"origin\" must be a string");
    expect_damaged("{\"version\":1,\"origin\":\"o\"}", "\"offsets\" must be an object");
    expect_damaged("{\"version\":1,\"origin\":\"o\",\"offsets\":{\"a\":1}}", "offsets.a must be a string");
}

static void test_whitespace_around_json_accepted(void **state)
{
    (void)state;
    write_text(path, "\n {\"version\":1,\"origin\":\"o\",\"offsets\":{\"a\":\"1\"}}\n\n");
    assert_on_disk("o", 1, "a", "1");
}

static void test_unreadable_file_named(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path, 0700), 0); /* reading a directory: EISDIR */
    assert_null(offset_store_open(dir, "o", err, sizeof err));
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot read %s: Is a directory", path);
    assert_string_equal(err, expected);
}

/* ---- failures leave the old file ------------------------------------------ */

static void test_fsync_failure_keeps_old_file(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    char *before = read_text(path);
    inject_reset();
    fail_fsync_call = 1; /* the temp file's */
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot fsync %s: Input/output error", tmp_path);
    commit_then_flush_fails(s, expected);
    assert_int_equal(rename_calls, 0); /* never renamed an unsynced file */
    char *after = read_text(path);
    assert_string_equal(after, before);
    assert_false(exists(tmp_path));
    free(after);

    /* The failure sticks: every later commit reports it (the pipeline
     * stops), and nothing more is written, not even at close. */
    inject_reset();
    strcpy(err, "(untouched)");
    const char *k[] = {"a"}, *v[] = {"3"};
    assert_int_equal(offset_store_commit(s, k, v, 1, err, sizeof err), -1);
    assert_string_equal(err, expected);
    assert_int_equal(offset_store_flush(s, err, sizeof err), -1);
    assert_int_equal(offset_store_commit(s, NULL, NULL, 0, err, sizeof err), -1);
    offset_store_close(s);
    assert_int_equal(fsync_calls, 0);
    after = read_text(path);
    assert_string_equal(after, before);
    free(before);
    free(after);
    assert_on_disk("o", 1, "a", "1");
}

static void test_rename_failure_keeps_old_file(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    char *before = read_text(path);
    inject_reset();
    fail_rename_call = 1;
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot rename %s to %s: Invalid cross-device link", tmp_path,
             path);
    commit_then_flush_fails(s, expected);
    char *after = read_text(path);
    assert_string_equal(after, before);
    assert_false(exists(tmp_path));
    free(before);
    free(after);
    offset_store_close(s);
    assert_on_disk("o", 1, "a", "1"); /* a new store knows only the file */
}

static void test_create_failure_keeps_old_file(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    commit_ok(s, "a", "1");
    char *before = read_text(path);
    assert_int_equal(mkdir(tmp_path, 0700), 0); /* open(O_WRONLY) of a directory: EISDIR */
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot create %s: Is a directory", tmp_path);
    commit_then_flush_fails(s, expected);
    char *after = read_text(path);
    assert_string_equal(after, before);
    free(before);
    free(after);
    offset_store_close(s);
}

/* The directory fsync comes after the rename: the error is reported (the
 * pipeline stops), though the new file is already in place. */
static void test_dir_fsync_failure_reported(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    inject_reset();
    fail_fsync_call = 2;
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot fsync directory %s: Input/output error", dir);
    commit_then_flush_fails(s, expected);
    offset_store_close(s);
}

/* ---- threads -------------------------------------------------------------- */

#define N_WRITERS 8
#define N_COMMITS 300

static atomic_int writers_done;

static void *writer(void *arg)
{
    offset_store *s = arg;
    static int next_id;
    static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&id_lock);
    int id = next_id++;
    pthread_mutex_unlock(&id_lock);
    char key[16], value[16], shared[16], e[512];
    snprintf(key, sizeof key, "runner-%d", id);
    for (int i = 1; i <= N_COMMITS; i++) {
        snprintf(value, sizeof value, "%d", i);
        snprintf(shared, sizeof shared, "%d", id);
        const char *k[] = {key, "last-writer"}, *v[] = {value, shared};
        if (offset_store_commit(s, k, v, 2, e, sizeof e) != 0)
            return strdup(e);
    }
    return NULL;
}

/* Reads the file while the writers commit: it must always parse (atomic
 * replace) and no runner's offset may ever go back (writes in order). */
static void *reader(void *arg)
{
    (void)arg;
    long last[N_WRITERS] = {0};
    long reads = 0;
    while (!atomic_load(&writers_done)) {
        char *origin = NULL, e[512];
        offset_map m = {0};
        int rc = offset_file_read(path, &origin, &m, e, sizeof e);
        if (rc < 0)
            return strdup(e);
        for (size_t i = 0; i < m.n; i++) {
            int id;
            if (sscanf(m.keys[i], "runner-%d", &id) != 1)
                continue;
            long v = atol(m.values[i]);
            if (v < last[id]) {
                free(origin);
                offset_map_free(&m);
                return strdup("an offset went back");
            }
            last[id] = v;
        }
        reads += rc;
        free(origin);
        offset_map_free(&m);
    }
    return reads ? NULL : strdup("the reader never saw a file");
}

static void test_concurrent_commits(void **state)
{
    (void)state;
    offset_store *s = open_ok("gen:dev:generator");
    commit_ok(s, "start", "0"); /* so that the reader finds a file at once */
    inject_reset();
    atomic_store(&writers_done, 0);
    pthread_t w[N_WRITERS], r;
    assert_int_equal(pthread_create(&r, NULL, reader, NULL), 0);
    for (int i = 0; i < N_WRITERS; i++)
        assert_int_equal(pthread_create(&w[i], NULL, writer, s), 0);
    char *failures[N_WRITERS + 1];
    for (int i = 0; i < N_WRITERS; i++)
        pthread_join(w[i], (void **)&failures[i]);
    atomic_store(&writers_done, 1);
    pthread_join(r, (void **)&failures[N_WRITERS]);
    for (int i = 0; i <= N_WRITERS; i++)
        if (failures[i])
            fail_msg("thread %d: %s", i, failures[i]);
    assert_int_equal(offset_store_flush(s, err, sizeof err), 0); /* the writer is done with the counters */
    print_message("# %d commits, %d writes\n", N_WRITERS * N_COMMITS, rename_calls);

    offset_store_close(s);
    offset_store *again = open_ok("gen:dev:generator");
    offset_map m = {0};
    assert_int_equal(offset_store_snapshot(again, &m), 0);
    assert_int_equal(m.n, 2 + N_WRITERS);
    for (int i = 0; i < N_WRITERS; i++) {
        char key[16];
        snprintf(key, sizeof key, "runner-%d", i);
        char want[16];
        snprintf(want, sizeof want, "%d", N_COMMITS);
        assert_string_equal(offset_map_get(&m, key), want);
    }
    offset_map_free(&m);
    offset_store_close(again);
}

/* The writer thread's lag.  A commit returns while its write is still in
 * progress; the next one becomes the pending state and returns too; the
 * two after it wait (the bound: one state written, one pending) until the
 * writer picks the pending state up, then merge together into the next
 * one (coalescing).  Four commits, three writes. */
static offset_store *busy_store;
static atomic_int in_first_write, first_write_released;

/* Waits up to ten seconds for *flag, so that a broken store fails the
 * test rather than hanging it.  1 when set. */
static int wait_flag(atomic_int *flag)
{
    for (int i = 0; i < 10000 && !atomic_load(flag); i++)
        usleep(1000);
    return atomic_load(flag);
}

static int has_keys(const char *a, const char *b)
{
    offset_map m = {0};
    offset_store_snapshot(busy_store, &m);
    int both = offset_map_get(&m, a) && offset_map_get(&m, b);
    offset_map_free(&m);
    return both;
}

/* At the writer's fsyncs (fsync_calls counts those before this one): the
 * first write's file is held until the test releases it; the second
 * write's file waits until both late commits have merged, so that they
 * share the third write whatever the scheduling. */
static void hold_writes(void)
{
    if (fsync_calls == 0) {
        atomic_store(&in_first_write, 1);
        wait_flag(&first_write_released);
    } else if (fsync_calls == 2) {
        for (int i = 0; i < 10000 && !has_keys("c", "d"); i++)
            usleep(1000);
    }
    if (fsync_calls < 2)
        on_fsync = hold_writes;
}

static void *late_commit(void *key)
{
    char e[512];
    const char *k[] = {key}, *v[] = {"1"};
    return offset_store_commit(busy_store, k, v, 1, e, sizeof e) == 0 ? NULL : strdup(e);
}

static void test_commits_run_ahead_of_the_writer_by_one(void **state)
{
    (void)state;
    busy_store = open_ok("o");
    atomic_store(&in_first_write, 0);
    atomic_store(&first_write_released, 0);
    on_fsync = hold_writes;
    const char *k[] = {"a"}, *v[] = {"1"};
    assert_int_equal(offset_store_commit(busy_store, k, v, 1, err, sizeof err), 0);
    assert_true(wait_flag(&in_first_write)); /* the commit returned, its write goes on */
    k[0] = "b";
    assert_int_equal(offset_store_commit(busy_store, k, v, 1, err, sizeof err), 0); /* pending */
    assert_false(atomic_load(&first_write_released));

    pthread_t late[2];
    pthread_create(&late[0], NULL, late_commit, "c");
    pthread_create(&late[1], NULL, late_commit, "d");
    usleep(100 * 1000);
    offset_map m = {0};
    assert_int_equal(offset_store_snapshot(busy_store, &m), 0);
    assert_map(&m, 2, "a", "1", "b", "1"); /* c and d wait: b is still pending */
    offset_map_free(&m);

    atomic_store(&first_write_released, 1);
    for (int i = 0; i < 2; i++) {
        char *failure;
        pthread_join(late[i], (void **)&failure);
        if (failure)
            fail_msg("late commit: %s", failure);
    }
    assert_int_equal(offset_store_flush(busy_store, err, sizeof err), 0);
    assert_int_equal(rename_calls, 3); /* {a}, {a,b}, {a,b,c,d} */
    assert_int_equal(fsync_calls, 6);
    offset_store_close(busy_store);
    offset_store *again = open_ok("o");
    assert_int_equal(offset_store_snapshot(again, &m), 0);
    assert_int_equal(m.n, 4); /* c and d in the order they merged */
    for (const char *key = "abcd"; *key; key++) {
        char k1[2] = {*key, '\0'};
        assert_string_equal(offset_map_get(&m, k1), "1");
    }
    offset_map_free(&m);
    offset_store_close(again);
}

/* A flush with nothing committed writes nothing; close writes what is
 * still pending (a caller that never flushed loses no delivered batch). */
static void test_flush_and_close(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    assert_int_equal(offset_store_flush(s, err, sizeof err), 0);
    assert_false(exists(path));
    const char *k[] = {"a"}, *v[] = {"7"};
    assert_int_equal(offset_store_commit(s, k, v, 1, err, sizeof err), 0);
    offset_store_close(s);
    assert_on_disk("o", 1, "a", "7");
}

/* --sync-offsets: every commit returns once its offsets are on disk. */
static void test_sync_commits_wait_for_the_write(void **state)
{
    (void)state;
    offset_store *s = open_ok("o");
    offset_store_set_sync(s, 1);
    const char *k[] = {"a"}, *v[] = {"1"};
    assert_int_equal(offset_store_commit(s, k, v, 1, err, sizeof err), 0);
    assert_int_equal(rename_calls, 1);
    assert_int_equal(fsync_calls, 2);
    fail_rename_call = 2;
    v[0] = "2";
    assert_int_equal(offset_store_commit(s, k, v, 1, err, sizeof err), -1); /* its own write's failure */
    char expected[512];
    snprintf(expected, sizeof expected, "offsets: cannot rename %s to %s: Invalid cross-device link", tmp_path,
             path);
    assert_string_equal(err, expected);
    offset_store_close(s);
    assert_on_disk("o", 1, "a", "1");
}

#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_no_file_means_no_offsets),
        T(test_round_trip),
        T(test_file_format),
        T(test_merge_keeps_other_keys),
        T(test_merge_after_reopen),
        T(test_bytes_kept),
        T(test_snapshot_is_a_copy),
        T(test_unchanged_offsets_write_nothing),
        T(test_other_origin_refused),
        T(test_damaged_files_named),
        T(test_whitespace_around_json_accepted),
        T(test_unreadable_file_named),
        T(test_fsync_failure_keeps_old_file),
        T(test_rename_failure_keeps_old_file),
        T(test_create_failure_keeps_old_file),
        T(test_dir_fsync_failure_reported),
        T(test_commits_run_ahead_of_the_writer_by_one),
        T(test_flush_and_close),
        T(test_sync_commits_wait_for_the_write),
        T(test_concurrent_commits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
