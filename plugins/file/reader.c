/* plugins/file/reader.c — file:reader, an origin reading records from local
 * files in a data format (json, delimited, text, binary).
 *
 * Files: `path` is one file or a glob(7) pattern; the matches are read one
 * after the other in byte-wise order of their names (file_list.c).  Without
 * `follow` the run ends after the last one.  With `follow`, the last file
 * is kept open and read as it grows, polled every `poll_interval`:
 *  - rotation (the path now names another inode: `mv app.log app.log.1`
 *    and a new app.log) finishes the old file, a last line without its
 *    ending included, then reads the new one from its start;
 *  - truncation (the file is now shorter than what was read: `truncate`,
 *    copytruncate) starts again from byte 0;
 *  - with a pattern, a new match sorting after the current file finishes
 *    the current one and is read next.  A file already finished in this
 *    run (a rotated file under its new name) is never read again.
 *
 * Records: the data formats of sluice/data_format.h.  A record is only made
 * when it is complete: a last line without its line ending waits for the
 * rest while the file may still grow, and is taken as it is at the end of
 * a file that is finished (not following, rotated, or followed by a later
 * match).
 *
 * Offsets: "<path>:<inode>:<byte after the last record>" under the key "",
 * set with every batch whose position moved (reader_offset.h).  Resuming,
 * files sorting before the offset's file are skipped; the file itself is
 * read from the position when it is still the same inode, from 0 when the
 * path names a new file, and a file renamed since (found by its inode) is
 * read from the position under its new name.  Line numbers in messages
 * stay right after a resume: for json and delimited (the formats with bad
 * records) the lines before the position are counted.  A delimited header
 * is read again from the file's start.
 *
 * Binary while following: a file's last piece (smaller than
 * max_record_size) is a record once the file is finished, like a last line
 * without its ending.
 *
 * Bad records: a record that does not parse goes to error handling with
 * sluice_batch_add_error() as {"raw": STRING}, its bytes, so nothing is
 * lost; code FILE_01, the message naming the file, line and reason.  The
 * stage's on_record_error decides its fate (error stage, discarded, or the
 * run stopped); the runner logs those it sends on, rate-limited, and the
 * reader the total at the end.  A bad record counts toward batch_size like
 * a good one, so a file of garbage still comes in bounded batches.
 *
 * Memory: one read buffer per instance, grown up to max_record_size plus a
 * read's worth; records go to the batch's arena.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file_list.h"
#include "format_config.h"
#include "reader.h"
#include "reader_offset.h"

/* Bytes asked of read(2) at a time. */
#define READ_CHUNK (256u * 1024u)

/* ---- config ------------------------------------------------------------------ */

static const sluice_config_key reader_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "path",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "the file to read, or a glob pattern (\"logs/*.csv\"): the matching regular files are read in "
             "byte-wise order of their names; relative to the working directory"},
    FORMAT_CONFIG_KEY_DATA_FORMAT(
        "json: one JSON value per line; delimited: CSV (RFC 4180), a LIST of strings per line, or a MAP "
        "keyed by the header; text: each line as the STRING field /text; binary: each file as the BYTES "
        "field /value, in pieces of max_record_size"),
    FORMAT_CONFIG_KEY_HEADER("delimited only: the first line of each file names the columns, and every "
                             "record is a MAP of them"),
    FORMAT_CONFIG_KEY_DELIMITER,
    {.struct_size = sizeof(sluice_config_key),
     .name = "with_attributes",
     .type = SLUICE_CONFIG_BOOL,
     .default_json = "false",
     .help = "json only: each line is {\"attributes\": {...}, \"value\": <record>}, as file:writer writes "
             "it with with_attributes (and error records are written): the attributes become the record's "
             "header again"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "max_record_size",
     .type = SLUICE_CONFIG_SIZE,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "\"1MiB\"",
     .min = 1,
     .max = 2147483648.0,
     .help = "a longer record is a bad record and skipped; binary: the size of the pieces a larger file is "
             "cut into"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "batch_size",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "1000",
     .min = 1,
     .max = 1000000,
     .help = "records per batch at most; a batch ends sooner at the end of the data for now"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "follow",
     .type = SLUICE_CONFIG_BOOL,
     .default_json = "false",
     .help = "keep reading the last file as it grows (like tail -F), through rotation (a new file at the "
             "path) and truncation, and new matches of a pattern; without it the run ends after the last file"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "poll_interval",
     .type = SLUICE_CONFIG_DURATION,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "\"500ms\"",
     .min = 1,
     .max = 3600000,
     .help = "follow only: how long to wait for more data before looking again"},
};

static int reader_check(const sluice_config *config, char *err, size_t errsize)
{
    if (sluice_config_bool(config, "with_attributes") &&
        strcmp(sluice_config_string(config, "data_format"), "json") != 0) {
        snprintf(err, errsize, "with_attributes: only with data_format \"json\"");
        return SLUICE_ERROR;
    }
    return format_config_check(config, err, errsize);
}

const sluice_config_schema reader_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = reader_keys,
    .n_keys = sizeof reader_keys / sizeof reader_keys[0],
    .check = reader_check,
};

/* ---- instance ------------------------------------------------------------------ */

typedef struct file_id {
    uint64_t dev, ino;
} file_id;

typedef struct reader {
    sluice_stage_ctx *ctx;
    const char *pattern; /* in the config */
    bool glob, follow;
    bool counts_lines;   /* the format can have bad records, reported by line */
    size_t batch_size, max_record;
    int64_t poll_ms;
    sluice_data_parser *parser;
    file_list files;

    /* The current file (open when fd >= 0), or the last one. */
    int fd;
    char *path;          /* malloc'd; NULL before the first file */
    file_id id;
    uint64_t pos;        /* file position of buf[start]: after the last record taken */
    bool eof;            /* no more bytes will come from fd: finish the file */
    bool reopen;         /* rotated: open `path` again, a new file */
    char *buf;           /* bytes read and not yet parsed: buf[start, len) */
    size_t start, len, cap;

    reader_offset resume; /* the committed offset, until the first open */
    bool resuming;
    char *last_offset;    /* the offset last set, to set it only when it moves */

    file_id *done;        /* files finished in this run */
    size_t n_done, cap_done;
    uint64_t n_bad;
    size_t batch_bad;     /* bad records sent with the batch being filled */
} reader;

static const char *error_text(int err, char *buf, size_t size)
{
    return strerror_r(err, buf, size);
}

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        fprintf(stderr, "sluice: file:reader: out of memory (%zu bytes)\n", size);
        abort();
    }
    return q;
}

int reader_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    reader *r = calloc(1, sizeof *r);
    sluice_data_options options;
    char err[256];
    const char *offset = sluice_stage_offset(ctx, "");

    if (!r) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    r->ctx = ctx;
    r->fd = -1;
    r->pattern = sluice_config_string(config, "path");
    r->glob = file_list_is_glob(r->pattern);
    r->follow = sluice_config_bool(config, "follow");
    r->batch_size = (size_t)sluice_config_int(config, "batch_size");
    r->poll_ms = sluice_config_int(config, "poll_interval");
    format_config_options(config, &options);
    options.max_record_size = (size_t)sluice_config_int(config, "max_record_size");
    if (sluice_config_bool(config, "with_attributes"))
        options.json_flags = SLUICE_JSON_WITH_ATTRIBUTES;
    r->max_record = options.max_record_size;
    r->counts_lines = options.format == SLUICE_DATA_JSON || options.format == SLUICE_DATA_DELIMITED;
    if (!r->batch_size)
        r->batch_size = 1000;
    if (r->poll_ms <= 0)
        r->poll_ms = 500;
    r->cap = READ_CHUNK;
    r->buf = xrealloc(NULL, r->cap);

    if (offset) {
        if (reader_offset_parse(offset, &r->resume) != 0) {
            sluice_stage_fail(ctx, "committed offset \"%s\" is not <path>:<inode>:<position>: reset the offsets",
                              offset);
            reader_destroy(r);
            return SLUICE_ERROR;
        }
        r->resuming = true;
    }
    if (!(r->parser = sluice_data_parser_new(&options, err, sizeof err))) {
        sluice_stage_fail(ctx, "data_format: %s", err);
        reader_destroy(r);
        return SLUICE_ERROR;
    }
    if (file_list_expand(&r->files, r->pattern) != 0) {
        sluice_stage_fail(ctx, "%s: %s", r->pattern, error_text(errno, err, sizeof err));
        reader_destroy(r);
        return SLUICE_ERROR;
    }
    /* Not following, nothing to read is a mistake (a typo in the path);
     * following, the file may come later. */
    if (r->files.n == 0 && !r->follow) {
        sluice_stage_fail(ctx, "%s: %s", r->pattern, r->glob ? "no file matches" : "no such file");
        reader_destroy(r);
        return SLUICE_ERROR;
    }
    if (r->resuming)
        sluice_log(ctx, SLUICE_LOG_INFO, "resuming at %s", offset);
    *state = r;
    return SLUICE_OK;
}

void reader_destroy(void *state)
{
    reader *r = state;

    if (!r)
        return;
    if (r->n_bad)
        sluice_log(r->ctx, SLUICE_LOG_WARN, "%" PRIu64 " bad record(s) in all", r->n_bad);
    if (r->fd >= 0)
        close(r->fd);
    sluice_data_parser_free(r->parser);
    file_list_free(&r->files);
    reader_offset_clear(&r->resume);
    free(r->path);
    free(r->buf);
    free(r->last_offset);
    free(r->done);
    free(r);
}

/* ---- files ---------------------------------------------------------------------- */

static bool is_done(const reader *r, file_id id)
{
    for (size_t i = 0; i < r->n_done; i++)
        if (r->done[i].dev == id.dev && r->done[i].ino == id.ino)
            return true;
    return false;
}

static file_id id_of(const struct stat *st)
{
    return (file_id){(uint64_t)st->st_dev, (uint64_t)st->st_ino};
}

/* Closes the current file, which has been read to its end. */
static void finish_file(reader *r)
{
    close(r->fd);
    r->fd = -1;
    if (r->n_done == r->cap_done) {
        r->cap_done = r->cap_done ? 2 * r->cap_done : 8;
        r->done = xrealloc(r->done, r->cap_done * sizeof *r->done);
    }
    r->done[r->n_done++] = r->id;
    r->start = r->len = 0;
    r->eof = false;
}

/* The index of the next file to read: the first match sorting after the
 * current (or resumed-from) path that this run has not finished; with
 * follow and a pattern, matched again.  -1 when there is none. */
static long next_file(reader *r)
{
    if (r->follow && (r->glob || r->files.n == 0)) {
        char ebuf[128];
        if (file_list_expand(&r->files, r->pattern) != 0)
            sluice_log(r->ctx, SLUICE_LOG_WARN, "%s: %s", r->pattern, error_text(errno, ebuf, sizeof ebuf));
    }
    for (size_t i = 0; i < r->files.n; i++) {
        struct stat st;
        if (r->path && strcmp(r->files.paths[i], r->path) <= 0)
            continue;
        if (stat(r->files.paths[i], &st) != 0 || is_done(r, id_of(&st)))
            continue;
        /* The open file itself, renamed by a rotation to a name that
         * matches too: not a next file. */
        if (r->fd >= 0 && id_of(&st).dev == r->id.dev && id_of(&st).ino == r->id.ino)
            continue;
        return (long)i;
    }
    return -1;
}

static uint64_t count_lines(reader *r, uint64_t from, uint64_t to)
{
    uint64_t n = 0;
    while (from < to) {
        size_t want = to - from < r->cap ? (size_t)(to - from) : r->cap;
        ssize_t got = pread(r->fd, r->buf, want, (off_t)from);
        if (got <= 0)
            break;
        for (const char *p = r->buf, *end = r->buf + got; (p = memchr(p, '\n', (size_t)(end - p))); p++)
            n++;
        from += (uint64_t)got;
    }
    return n;
}

/* Starting at `pos` > 0 in a file: count the lines before it, for right
 * line numbers in errors, and read a delimited header again from byte 0.
 * Text and binary have no bad records, hence no line numbers to get right,
 * and are the formats of big logs: their prefix is not read. */
static void resume_parser(reader *r, sluice_batch *out, uint64_t pos)
{
    uint64_t lines = r->counts_lines ? count_lines(r, 0, pos) : 0;
    size_t header_len = 0;
    ssize_t got = pread(r->fd, r->buf, pos < r->cap ? (size_t)pos : r->cap, 0);

    sluice_data_parser_reset(r->parser, 1);
    if (got > 0)
        sluice_data_parse(r->parser, out, r->buf, (size_t)got, 0, 0, &header_len, NULL);
    if (header_len == 0) {
        sluice_data_parser_reset(r->parser, 1 + lines);
        return;
    }
    /* The header's own lines are counted again by parsing it: start that
     * many lines earlier. */
    uint64_t header_lines = 0;
    for (const char *p = r->buf, *end = r->buf + header_len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        header_lines++;
    sluice_data_parser_reset(r->parser, 1 + lines - header_lines);
    sluice_data_parse(r->parser, out, r->buf, header_len, 0, 0, &header_len, NULL);
}

/* Opens `path` and starts reading at `pos` (0 when the file is shorter). */
static int open_at(reader *r, const char *path, uint64_t pos, sluice_batch *out)
{
    char ebuf[128];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        /* Gone between the match and the open: not an error when following. */
        if (r->follow && e == ENOENT)
            return SLUICE_END;
        sluice_stage_fail(r->ctx, "%s: %s", path, error_text(e, ebuf, sizeof ebuf));
        return SLUICE_ERROR;
    }
    if (pos > (uint64_t)st.st_size) {
        sluice_log(r->ctx, SLUICE_LOG_WARN, "%s: shorter (%lld bytes) than the offset %" PRIu64 ": reading it from the start",
                   path, (long long)st.st_size, pos);
        pos = 0;
    }
    if (pos && lseek(fd, (off_t)pos, SEEK_SET) < 0) {
        sluice_stage_fail(r->ctx, "%s: seek: %s", path, error_text(errno, ebuf, sizeof ebuf));
        close(fd);
        return SLUICE_ERROR;
    }
    if (path != r->path) {
        free(r->path);
        r->path = strdup(path);
    }
    r->fd = fd;
    r->id = id_of(&st);
    r->pos = pos;
    r->start = r->len = 0;
    r->eof = false;
    r->reopen = false;
    if (pos)
        resume_parser(r, out, pos);
    else
        sluice_data_parser_reset(r->parser, 1);
    sluice_log(r->ctx, SLUICE_LOG_DEBUG, "reading %s from byte %" PRIu64, path, pos);
    return SLUICE_OK;
}

/* The first file of a resumed run (see the top of the file). */
static int open_resumed(reader *r, sluice_batch *out)
{
    reader_offset *o = &r->resume;
    struct stat st;
    int rc = SLUICE_END;

    r->resuming = false;
    for (size_t i = 0; i < r->files.n; i++) {
        if (strcmp(r->files.paths[i], o->path) != 0 || stat(o->path, &st) != 0)
            continue;
        rc = open_at(r, o->path, id_of(&st).ino == o->inode ? o->position : 0, out);
        break;
    }
    for (size_t i = 0; rc == SLUICE_END && i < r->files.n; i++) {
        if (stat(r->files.paths[i], &st) != 0 || id_of(&st).ino != o->inode)
            continue;
        sluice_log(r->ctx, SLUICE_LOG_INFO, "%s was renamed %s since the offset was committed", o->path,
                   r->files.paths[i]);
        rc = open_at(r, r->files.paths[i], o->position, out);
    }
    if (rc == SLUICE_END) {
        /* Gone: carry on with the files after it. */
        free(r->path);
        r->path = o->path;
        o->path = NULL;
    }
    reader_offset_clear(o);
    return rc;
}

/* Opens the next file: SLUICE_OK, SLUICE_END when there is none (yet), or
 * SLUICE_ERROR. */
static int open_next(reader *r, sluice_batch *out)
{
    if (r->resuming) {
        int rc = open_resumed(r, out);
        if (rc != SLUICE_END)
            return rc;
    }
    if (r->reopen) {
        int rc = open_at(r, r->path, 0, out);
        if (rc != SLUICE_END)
            return rc;
        r->reopen = false;
    }
    long i = next_file(r);
    return i < 0 ? SLUICE_END : open_at(r, r->files.paths[i], 0, out);
}

/* Reads more of the current file behind the unparsed bytes: > 0 bytes
 * read, 0 at its end for now, -1 on an error (failed). */
static ssize_t fill(reader *r)
{
    char ebuf[128];

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->len - r->start);
        r->len -= r->start;
        r->start = 0;
    }
    /* Room for the largest record and a read behind it. */
    if (r->cap - r->len < READ_CHUNK / 4 && r->cap < r->max_record + READ_CHUNK) {
        size_t cap = r->cap ? 2 * r->cap : READ_CHUNK;
        if (cap > r->max_record + READ_CHUNK)
            cap = r->max_record + READ_CHUNK;
        r->buf = xrealloc(r->buf, cap);
        r->cap = cap;
    }
    size_t want = r->cap - r->len < READ_CHUNK ? r->cap - r->len : READ_CHUNK;
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->len, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sluice_stage_fail(r->ctx, "%s: read: %s", r->path, error_text(errno, ebuf, sizeof ebuf));
            return -1;
        }
        r->len += (size_t)n;
        return n;
    }
}

typedef enum file_change { FILE_SAME, FILE_CHANGED } file_change;

/* Following, at the end of the bytes: has the file been truncated or
 * rotated, or does a later match wait? */
static file_change check_file(reader *r)
{
    struct stat st;

    if (fstat(r->fd, &st) == 0 && (uint64_t)st.st_size < r->pos + (r->len - r->start)) {
        sluice_log(r->ctx, SLUICE_LOG_WARN, "%s: truncated to %lld bytes: reading it again from the start", r->path,
                   (long long)st.st_size);
        lseek(r->fd, 0, SEEK_SET);
        r->pos = 0;
        r->start = r->len = 0;
        sluice_data_parser_reset(r->parser, 1);
        return FILE_CHANGED;
    }
    if (stat(r->path, &st) == 0 && (id_of(&st).ino != r->id.ino || id_of(&st).dev != r->id.dev)) {
        /* Rotated: what was written to the old file before the new one
         * appeared is still read (the caller reads it to its end), then
         * the new one. */
        sluice_log(r->ctx, SLUICE_LOG_INFO, "%s: rotated (a new file at the path): finishing the old one", r->path);
        r->reopen = true;
        return FILE_CHANGED;
    }
    return FILE_SAME;
}

/* ---- records --------------------------------------------------------------------- */

/* Records in the batch being filled, bad ones included. */
static size_t taken(const reader *r, const sluice_batch *out)
{
    return sluice_batch_count(out) + r->batch_bad;
}

/* The bad record's bytes go to error handling as {"raw": STRING}. */
static void bad_record(reader *r, sluice_batch *out, const char *data, const sluice_data_error *e)
{
    r->n_bad++;
    r->batch_bad++;
    sluice_field *root = sluice_field_new_map(out, 1);
    sluice_map_append_static(out, root, "raw", 3, sluice_field_new_string(out, data + e->offset, e->len));
    sluice_batch_add_error(out, sluice_record_new(out, root), "FILE_01", "%s: %s", r->path, e->message);
}

/* Parses what is buffered into the batch, up to its size. */
static void parse_buffered(reader *r, sluice_batch *out)
{
    for (;;) {
        size_t have = taken(r, out);
        if (have >= r->batch_size || (r->start == r->len && !r->eof))
            return;
        const char *data = r->buf + r->start;
        size_t used = 0;
        sluice_data_error e = {.struct_size = sizeof e};
        int rc = sluice_data_parse(r->parser, out, data, r->len - r->start, r->eof ? SLUICE_DATA_EOF : 0,
                                   r->batch_size - have, &used, &e);
        r->start += used;
        r->pos += used;
        if (rc != SLUICE_DATA_BAD)
            return;
        bad_record(r, out, data, &e);
    }
}

static void set_offset(reader *r, sluice_batch *out)
{
    if (!r->path || r->resuming)
        return;
    size_t n = reader_offset_format(NULL, 0, r->path, r->id.ino, r->pos) + 1;
    char *text = sluice_batch_alloc(out, n);
    reader_offset_format(text, n, r->path, r->id.ino, r->pos);
    if (r->last_offset && strcmp(r->last_offset, text) == 0)
        return;
    sluice_batch_set_offset(out, "", text);
    free(r->last_offset);
    r->last_offset = strdup(text);
}

/* Sleeps one poll interval (cut short by a signal, so a stop is quick). */
static void poll_wait(const reader *r)
{
    struct timespec ts = {r->poll_ms / 1000, (long)(r->poll_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int reader_produce(void *state, sluice_batch *out)
{
    reader *r = state;
    bool waited = false;

    r->batch_bad = 0;
    while (taken(r, out) < r->batch_size) {
        if (r->fd < 0) {
            int rc = open_next(r, out);
            if (rc == SLUICE_ERROR)
                return SLUICE_ERROR;
            if (rc == SLUICE_END) {
                if (!r->follow) {
                    set_offset(r, out);
                    return SLUICE_END;
                }
                if (taken(r, out) > 0 || waited)
                    break;
                poll_wait(r);
                waited = true;
                continue;
            }
        }
        parse_buffered(r, out);
        if (taken(r, out) >= r->batch_size)
            break;
        if (r->eof) { /* parsed to its very end */
            finish_file(r);
            continue;
        }
        ssize_t n = fill(r);
        if (n < 0)
            return SLUICE_ERROR;
        if (n > 0)
            continue;
        /* At the end of the bytes there are for now: the file is finished
         * unless it is followed and still the last one. */
        if (!r->follow || r->reopen || next_file(r) >= 0) {
            r->eof = true;
            continue;
        }
        if (check_file(r) == FILE_CHANGED)
            continue;
        if (taken(r, out) > 0 || waited)
            break;
        poll_wait(r);
        waited = true;
    }
    set_offset(r, out);
    return SLUICE_OK;
}
