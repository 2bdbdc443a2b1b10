/* plugins/file/writer.c — file:writer, a destination appending records to
 * a local file, one line per record in its data format (json, delimited,
 * text; binary writes each record's bytes with nothing between them).
 *
 * Delivery is at least once (DESIGN §5): a batch whose offset was not
 * committed comes again after a crash.  So the file is only ever appended
 * to, never truncated, and a crash in the middle of a write leaves at most
 * one torn last line, which the next open cuts off: its batch comes again
 * whole.  Complete lines of an uncommitted batch stay and are written again
 * (duplicates, never losses).
 *
 * Each batch goes out as one buffer through write(2), so when write()
 * returns the lines are in the kernel ("flushed at batch end"): another
 * process reading the file sees them, and a crash of sluice loses nothing.
 * Surviving a crash of the machine takes `sync`, an fdatasync(2) per batch,
 * off by default because it costs a disk flush per batch.
 *
 * Concurrency & locking: the stage is SLUICE_STAGE_SHARED, so one instance
 * serves every runner and the core serializes write(); no lock here.
 * Another process appending to the same file would race the torn-line
 * repair, so a regular file is held with flock(LOCK_EX) while open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format_config.h"
#include "writer.h"

/* ---- config ------------------------------------------------------------- */

static const sluice_config_key writer_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "path",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "the file to append to, created (mode 0644) when missing; relative to the working directory"},
    FORMAT_CONFIG_KEY_DATA_FORMAT(
        "json: each record's root as one JSON line (DECIMAL as exact numbers, DATETIME as RFC 3339); "
        "delimited: CSV (RFC 4180), quoted only where needed, a MAP's values or a LIST's items per line; "
        "text: the /text field per line; binary: the /value field's bytes, nothing between records"),
    FORMAT_CONFIG_KEY_HEADER("delimited only: write a header line of the first record's keys, then every "
                             "record's values in those columns (not when appending to a file that is not "
                             "empty: it has its header)"),
    FORMAT_CONFIG_KEY_DELIMITER,
    {.struct_size = sizeof(sluice_config_key),
     .name = "with_attributes",
     .type = SLUICE_CONFIG_BOOL,
     .help = "json only: write each line as {\"attributes\": {...}, \"value\": <record>}, keeping the "
             "header attributes (error records' sluice.error.* among them); default true for the "
             "error_records stage (else its file would lose why each record failed), false elsewhere"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "sync",
     .type = SLUICE_CONFIG_BOOL,
     .default_json = "true",
     .help = "fdatasync the file after every batch, before its offset is committed, so that a committed "
             "batch survives a power loss too (the offsets themselves are fsynced); false saves a disk flush "
             "per batch but a power loss may then lose records whose offsets were committed"},
};

/* An error record's reasons are its sluice.error.* attributes: the error
 * stage (the descriptor's error_records, whose id no other stage may
 * take) keeps them unless told not to, as the default errors.jsonl
 * does.  Other writers write the records alone unless asked. */
static bool with_attributes(const sluice_stage_ctx *ctx, const sluice_config *config)
{
    if (sluice_config_has(config, "with_attributes"))
        return sluice_config_bool(config, "with_attributes");
    return strcmp(sluice_stage_id(ctx), "error_records") == 0 &&
           strcmp(sluice_config_string(config, "data_format"), "json") == 0;
}

static int writer_check(const sluice_config *config, char *err, size_t errsize)
{
    if (sluice_config_has(config, "with_attributes") && sluice_config_bool(config, "with_attributes") &&
        strcmp(sluice_config_string(config, "data_format"), "json") != 0) {
        snprintf(err, errsize, "with_attributes: only with data_format \"json\"");
        return SLUICE_ERROR;
    }
    return format_config_check(config, err, errsize);
}

const sluice_config_schema writer_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = writer_keys,
    .n_keys = sizeof writer_keys / sizeof writer_keys[0],
    .check = writer_check,
};

/* ---- instance ---------------------------------------------------------- */

typedef struct writer {
    sluice_stage_ctx *ctx;
    const char *path;  /* in the config, which outlives the instance */
    int fd;
    bool regular;      /* a regular file: truncatable, lockable */
    bool sync;
    bool lines;        /* a line format: a torn last line can be cut off */
    sluice_data_writer *format;
    sluice_buf *buf;   /* one batch's lines, reused */
} writer;

/* strerror without its thread-safety caveat (GNU strerror_r). */
static const char *error_text(int err, char *buf, size_t size)
{
    return strerror_r(err, buf, size);
}

/* Cuts a torn last line off: everything after the last '\n' (or the whole
 * file when there is none).  `size` is the file's size, > 0. */
static int cut_torn_line(writer *w, off_t size)
{
    char chunk[65536];
    char ebuf[128];
    off_t end = size, keep = 0;
    int rfd = open(w->path, O_RDONLY | O_CLOEXEC);
    struct stat a, b;

    /* The descriptor is write-only (O_APPEND writers need no more); read
     * through a second one, checking it is the same file. */
    if (rfd < 0 || fstat(rfd, &a) != 0 || fstat(w->fd, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        int e = rfd < 0 ? errno : EAGAIN;
        sluice_stage_fail(w->ctx, "%s: cannot read it to check its last line: %s", w->path,
                          error_text(e, ebuf, sizeof ebuf));
        if (rfd >= 0)
            close(rfd);
        return SLUICE_ERROR;
    }
    while (end > 0) {
        size_t n = end > (off_t)sizeof chunk ? sizeof chunk : (size_t)end;
        ssize_t got = pread(rfd, chunk, n, end - (off_t)n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)n) {
            int e = got < 0 ? errno : EIO;
            sluice_stage_fail(w->ctx, "%s: read: %s", w->path, error_text(e, ebuf, sizeof ebuf));
            close(rfd);
            return SLUICE_ERROR;
        }
        if (end == size && chunk[n - 1] == '\n') { /* the common case: intact */
            close(rfd);
            return SLUICE_OK;
        }
        const char *nl = memrchr(chunk, '\n', n);
        if (nl) {
            keep = end - (off_t)n + (nl - chunk) + 1;
            break;
        }
        end -= (off_t)n;
    }
    close(rfd);
    if (ftruncate(w->fd, keep) != 0) {
        sluice_stage_fail(w->ctx, "%s: cutting a torn last line: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    sluice_log(w->ctx, SLUICE_LOG_WARN,
               "%s: cut off a torn last line of %lld bytes left by an interrupted run; its batch was not "
               "committed and will be written again",
               w->path, (long long)(size - keep));
    return SLUICE_OK;
}

static int open_file(writer *w)
{
    char ebuf[128];
    struct stat st;

    w->fd = open(w->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        sluice_stage_fail(w->ctx, "%s: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    if (fstat(w->fd, &st) != 0) {
        sluice_stage_fail(w->ctx, "%s: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    /* A FIFO, a terminal or /dev/stdout: nothing to lock or repair. */
    w->regular = S_ISREG(st.st_mode);
    if (!w->regular)
        return SLUICE_OK;
    if (flock(w->fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            sluice_stage_fail(w->ctx, "%s: another writer has it open (flock); two cannot append to one file",
                              w->path);
        else
            sluice_stage_fail(w->ctx, "%s: flock: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    /* Binary output has no lines: its last bytes are not torn, or cannot
     * be told from data if they are. */
    if (st.st_size > 0 && w->lines && cut_torn_line(w, st.st_size) != SLUICE_OK)
        return SLUICE_ERROR;
    /* Appending to a delimited file with content: it has its header. */
    if (fstat(w->fd, &st) != 0)
        st.st_size = 0;
    sluice_data_writer_reset(w->format, st.st_size > 0);
    return SLUICE_OK;
}

int writer_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    writer *w = calloc(1, sizeof *w);
    sluice_data_options options;
    char err[256];

    if (!w) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    w->ctx = ctx;
    w->fd = -1;
    w->path = sluice_config_string(config, "path");
    w->sync = sluice_config_bool(config, "sync");
    format_config_options(config, &options);
    if (with_attributes(ctx, config))
        options.json_flags = SLUICE_JSON_WITH_ATTRIBUTES;
    w->lines = options.format != SLUICE_DATA_BINARY;
    w->format = sluice_data_writer_new(&options, err, sizeof err);
    if (!w->format) {
        sluice_stage_fail(ctx, "data_format: %s", err);
        free(w);
        return SLUICE_ERROR;
    }
    if (open_file(w) != SLUICE_OK) {
        if (w->fd >= 0)
            close(w->fd);
        sluice_data_writer_free(w->format);
        free(w);
        return SLUICE_ERROR;
    }
    w->buf = sluice_buf_new();
    *state = w;
    return SLUICE_OK;
}

void writer_destroy(void *state)
{
    writer *w = state;
    char ebuf[128];

    if (!w)
        return;
    /* close(2) can report a delayed write error (NFS); say so, at least. */
    if (w->fd >= 0 && close(w->fd) != 0)
        sluice_log(w->ctx, SLUICE_LOG_ERROR, "%s: close: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
    sluice_buf_free(w->buf);
    sluice_data_writer_free(w->format);
    free(w);
}

/* write(2) until all of it is out: a regular file may take less than asked
 * (a signal, a nearly full disk) and a pipe takes what fits. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int writer_write(void *state, sluice_batch *in)
{
    writer *w = state;
    size_t count = sluice_batch_count(in);
    char ebuf[256];
    off_t before = -1;

    if (count == 0)
        return SLUICE_OK;
    sluice_buf_reset(w->buf);
    for (size_t i = 0; i < count; i++) {
        /* A record the format cannot hold (text without /text) is that
         * record's error; the others are written. */
        if (sluice_data_write(w->format, sluice_batch_record(in, i), w->buf, ebuf, sizeof ebuf) != SLUICE_OK)
            sluice_batch_record_error(in, i, "FILE_02", "%s", ebuf);
    }
    if (sluice_buf_len(w->buf) == 0)
        return SLUICE_OK;

    /* On failure, put the file back as it was before this batch, so that
     * the batch, which will come again, is not half there twice. */
    if (w->regular)
        before = lseek(w->fd, 0, SEEK_END);
    if (write_all(w->fd, sluice_buf_data(w->buf), sluice_buf_len(w->buf)) != 0) {
        int e = errno;
        if (before >= 0 && ftruncate(w->fd, before) != 0)
            sluice_log(w->ctx, SLUICE_LOG_WARN, "%s: could not cut the partial batch off; the next open will",
                       w->path);
        sluice_stage_fail(w->ctx, "%s: write: %s", w->path, error_text(e, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    if (w->sync && fdatasync(w->fd) != 0) {
        sluice_stage_fail(w->ctx, "%s: fdatasync: %s", w->path, error_text(errno, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}
