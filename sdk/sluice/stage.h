/* sluice/stage.h — writing a stage plugin.
 *
 * A plugin is one module (.so) exporting one entry point, SLUICE_PLUGIN(),
 * that returns a sluice_plugin_def: the ABI the plugin was built for and the
 * table of its stages.  Each stage is an origin (makes batches), a processor
 * (turns records into records on its output lanes) or a destination (writes
 * records and says, per record, how it went).
 *
 * ABI: sluice_plugin_def and sluice_stage_def start with their own size and
 * only ever grow at the end; the core reads a plugin's structs, and walks its
 * stage array, with the sizes the plugin was compiled with.  A plugin built
 * for another major ABI, or a newer minor than the running core, is refused
 * at load with a message naming both versions.
 *
 * Threading contract
 * ------------------
 * - The module is loaded, and every stage's init and destroy are called, on
 *   the main thread.
 * - One stage instance (one init's state) is never called from two threads
 *   at once.  The core may call it from different threads over time.
 * - A multithreaded (push) origin gets one instance of every downstream stage
 *   per runner thread, except stages flagged SLUICE_STAGE_SHARED (file
 *   writers, the error stage): those have one instance whose produce /
 *   process / write calls the core serializes.  The pool of runners is fixed
 *   when the pipeline starts.
 * - A stage never calls exit(), never installs signal handlers, and never
 *   runs a library's global init (curl, OpenSSL, MariaDB): the core has done
 *   it once before loading plugins (the sluice program calls
 *   curl_global_init; OpenSSL >= 1.1 initializes itself).
 * - Config (sluice_config) and compiled paths are immutable and may be read
 *   from any thread; batches and records belong to the thread that was
 *   handed them, for the duration of the callback.
 */
#ifndef SLUICE_STAGE_H
#define SLUICE_STAGE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <sluice/abi.h>
#include <sluice/config.h>
#include <sluice/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sluice_stage_kind {
    SLUICE_ORIGIN = 1,
    SLUICE_PROCESSOR = 2,
    SLUICE_DESTINATION = 3
} sluice_stage_kind;

/* Stage flags. */
#define SLUICE_STAGE_SHARED 0x1u /* one instance for all runners, calls serialized by the core */

/* The core's side of one stage instance: its id, logging, failure messages,
 * committed offsets.  Valid from init until destroy returns. */
typedef struct sluice_stage_ctx sluice_stage_ctx;
/* Where a processor sends its output records. */
typedef struct sluice_emitter sluice_emitter;
/* How a push origin hands batches to the pipeline's runners. */
typedef struct sluice_pusher sluice_pusher;

typedef struct sluice_stage_def {
    size_t struct_size; /* sizeof(sluice_stage_def) */
    const char *name;   /* "generator": the stage is known as "<plugin>:<name>" */
    sluice_stage_kind kind;
    const char *summary; /* one line for `sluice stages` */
    const sluice_config_schema *config;
    unsigned flags;

    /* Multi-output processors only (NULL otherwise, for one output lane
     * named by the stage id): writes up to `max` lane names, taken from the
     * validated config and valid as long as it is, and returns how many
     * there are (which may exceed max), or -1 with a message in err. */
    int (*output_lanes)(const sluice_config *config, const char **names, size_t max, char *err, size_t errsize);

    /* Creates an instance into *state.  SLUICE_OK, or SLUICE_ERROR after
     * sluice_stage_fail(ctx, ...). */
    int (*init)(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
    /* Releases the instance; called once for every successful init. */
    void (*destroy)(void *state);

    /* ORIGIN (poll): adds up to a batch of records to `out`, with
     * sluice_record_new + sluice_batch_add, and their offset with
     * sluice_batch_set_offset; a record it cannot read properly goes to
     * sluice_batch_add_error.  Returns SLUICE_OK, SLUICE_END when there is
     * nothing more (records added in the same call still count), or
     * SLUICE_ERROR. */
    int (*produce)(void *state, sluice_batch *out);

    /* PROCESSOR: for each record of `in`, changes it in place or makes new
     * ones, and passes what goes on to sluice_emit(); a record not emitted
     * is dropped; a bad one goes to sluice_emit_error().  SLUICE_OK, or
     * SLUICE_ERROR to stop the pipeline. */
    int (*process)(void *state, sluice_batch *in, sluice_emitter *out);

    /* DESTINATION: writes the records of `in`.  Every record is done unless
     * marked with sluice_batch_record_error() or sluice_batch_record_retry().
     * SLUICE_ERROR fails the whole batch and stops the pipeline. */
    int (*write)(void *state, sluice_batch *in);

    /* ORIGIN (push): an origin that owns its threads, like a consumer with
     * one thread per shard.  During init it says how many runners it wants
     * (sluice_origin_set_runners); after every stage is initialized, start
     * is called once on the main thread, starts the origin's threads, which
     * fill and push batches through the pusher (see "push origins" below),
     * and returns SLUICE_OK (SLUICE_ERROR only when it started no thread).
     * The run ends when every runner is done.  An origin may have both
     * produce and start: it is pushed when its init called
     * sluice_origin_set_runners, polled otherwise. */
    int (*start)(void *state, sluice_pusher *pusher);
    /* Asks a push origin's threads to finish their batch in flight and call
     * sluice_push_done: called on the main thread when a stop is requested
     * or the pipeline failed.  Must not block long; destroy joins. */
    void (*stop)(void *state);

    /* DESTINATION, optional (ABI 0.2): lets write() return before its
     * batch is written, so that a poll origin's runner reads and processes
     * the next batch while this one goes out (Kafka Connect's put and
     * flush).  With flush set, write(state, in) may only start writing
     * `in` (say, hand it to a thread of the stage's own) and return
     * SLUICE_OK; then flush(state, in) returns once `in` is written, after
     * marking its records with sluice_batch_record_error /
     * sluice_batch_record_retry as write() would have.  SLUICE_ERROR from
     * either stops the pipeline.
     *  - A record left unmarked after flush counts as done, and its offset
     *    may be committed: flush returns only once the data is durable
     *    where it went (after COMMIT, say).
     *  - The core calls flush once for every batch it wrote, in the order
     *    of the writes, and reads no outcome before; at most two batches
     *    are written and not flushed at a time.
     *  - Records a flush marks for retry may be offered again (a new
     *    write) after the next batch was written and flushed.  A stage
     *    that must keep records in order across batches (an upsert of one
     *    key in two batches) should then answer that next batch's flush
     *    with retries for all of it, without writing it.
     *  - Until its flush returns, the core neither reads nor changes the
     *    batch, its records, or what the stage allocated on it, so the
     *    stage may read them from its own thread.  Calls on the batch
     *    (sluice_batch_record_error, sluice_batch_alloc ...) stay in
     *    write and flush, on the thread that called them.
     *  - destroy may come with batches written and not flushed, after a
     *    failure or a stop: their outcomes are never read and their
     *    offsets never committed, so the next run reads them again.
     * The core overlaps batches only for a poll origin's runner and a
     * stage that is not SLUICE_STAGE_SHARED; elsewhere it calls flush
     * right after write, in the same call into the instance. */
    int (*flush)(void *state, sluice_batch *in);
} sluice_stage_def;

typedef struct sluice_plugin_def {
    size_t struct_size; /* sizeof(sluice_plugin_def) */
    unsigned abi_major; /* SLUICE_ABI_MAJOR when the plugin was built */
    unsigned abi_minor; /* SLUICE_ABI_MINOR when the plugin was built */
    const char *name;   /* must equal the module's file name without ".so" */
    const char *version;
    const char *summary;
    const sluice_stage_def *stages;
    size_t n_stages;
} sluice_plugin_def;

/* Start of a sluice_plugin_def initializer: size and ABI of this build. */
#define SLUICE_PLUGIN_DEF_HEADER                                                                            \
    .struct_size = sizeof(sluice_plugin_def), .abi_major = SLUICE_ABI_MAJOR, .abi_minor = SLUICE_ABI_MINOR

/* The entry point's name, and the macro that defines it in a plugin:
 *     static const sluice_plugin_def plugin = { SLUICE_PLUGIN_DEF_HEADER, ... };
 *     SLUICE_PLUGIN(plugin)
 */
#define SLUICE_PLUGIN_ENTRY_SYMBOL "sluice_plugin_entry"
typedef const sluice_plugin_def *(*sluice_plugin_entry_fn)(void);
#define SLUICE_PLUGIN(def)                                                                                  \
    SLUICE_EXPORT const sluice_plugin_def *sluice_plugin_entry(void);                                     \
    SLUICE_EXPORT const sluice_plugin_def *sluice_plugin_entry(void) { return &(def); }

/* ---- the stage context ------------------------------------------------- */

/* The stage's id in the descriptor, and the pipeline's name. */
SLUICE_API const char *sluice_stage_id(const sluice_stage_ctx *ctx);
SLUICE_API const char *sluice_pipeline_name(const sluice_stage_ctx *ctx);

/* Sets the message explaining the SLUICE_ERROR the stage is about to return
 * (one line; the core prefixes the stage id). */
SLUICE_API void sluice_stage_fail(sluice_stage_ctx *ctx, const char *fmt, ...) SLUICE_PRINTF(2, 3);

typedef enum sluice_log_level {
    SLUICE_LOG_ERROR = 0,
    SLUICE_LOG_WARN = 1,
    SLUICE_LOG_INFO = 2,
    SLUICE_LOG_DEBUG = 3
} sluice_log_level;

/* Logs one line tagged with the stage id, when `level` passes --log-level.
 * Thread-safe.  Never pass secrets. */
SLUICE_API void sluice_log(const sluice_stage_ctx *ctx, sluice_log_level level, const char *fmt, ...)
    SLUICE_PRINTF(3, 4);

/* ORIGIN: the committed offset under `key` from the previous run, or NULL
 * when there is none (first run, or offsets reset). */
SLUICE_API const char *sluice_stage_offset(const sluice_stage_ctx *ctx, const char *key);

/* ---- origins ----------------------------------------------------------- */

/* ORIGIN (poll and push): sends `record`, which the origin could make but
 * not read properly (a line that does not parse), to error handling with a
 * code ("FILE_01") and a message (printf format) instead of passing it on.
 * The record is made on this batch (sluice_record_new) and not added to it
 * with sluice_batch_add: a record goes to one place.  Keep what was read in
 * it (say {"raw": "<the line>"}) so that nothing is lost.  It follows the
 * origin's on_record_error, as sluice_emit_error() does a processor's:
 *  - to_error: it becomes an error record, with the attributes
 *    sluice.error.stage (the origin's id), sluice.error.code and
 *    sluice.error.message, for the error stage (or errors.jsonl);
 *  - discard: it is dropped, and counted;
 *  - stop_pipeline: the run stops with this record's error before any
 *    other stage sees the batch.
 * The batch's offsets are committed only after every destination and the
 * error stage took the batch, its error records included; so the offset may
 * move past a bad record: it is either delivered or read again by the next
 * run.  Error records are not counted by sluice_batch_count(); an origin
 * that bounds its batches should count them itself. */
SLUICE_API void sluice_batch_add_error(sluice_batch *batch, sluice_record *record, const char *code, const char *fmt,
                                       ...) SLUICE_PRINTF(4, 5);

/* ---- push origins ------------------------------------------------------ */

/* During init of a push origin: the number of runners it will push through
 * (one per shard, per thread), 1 to 256, default 1.  Each runner has its own
 * instance of every downstream stage, except shared ones. */
SLUICE_API void sluice_origin_set_runners(sluice_stage_ctx *ctx, size_t runners);

/* The empty batch of runner `runner` to fill, with sluice_record_new +
 * sluice_batch_add and sluice_batch_set_offset.  Only one thread at a time
 * may use a given runner; batches of different runners go on at once.
 * NULL when the pipeline is stopping: the thread should call
 * sluice_push_done and end. */
SLUICE_API sluice_batch *sluice_push_begin(sluice_pusher *pusher, size_t runner);
/* Runs the filled batch through the pipeline on the calling thread and
 * returns when every destination and the error stage took it and its
 * offsets were handed to the offset store: SLUICE_OK.  The store writes
 * them in the background, at most two batches per runner behind (at once
 * with `sluice run --sync-offsets`), and always before the run ends
 * normally; an origin that acknowledges upstream should know a crash may
 * bring those batches again.  SLUICE_ERROR when the pipeline failed
 * or is stopping: the batch may not have been delivered, and will come
 * again from the last committed offset on the next run. */
SLUICE_API int sluice_push_commit(sluice_pusher *pusher, size_t runner, sluice_batch *batch);
/* Runner `runner` has nothing more to push.  When every runner is done the
 * run ends. */
SLUICE_API void sluice_push_done(sluice_pusher *pusher, size_t runner);
/* True once a stop was requested or the pipeline failed. */
SLUICE_API bool sluice_push_stopping(const sluice_pusher *pusher);

/* ---- processors -------------------------------------------------------- */

/* Sends `record` to output lane `lane` (0 for single-output stages; else the
 * index in the output_lanes order).  A record goes to one lane only: to send
 * it to two, emit a sluice_record_copy() to the second. */
SLUICE_API void sluice_emit(sluice_emitter *out, size_t lane, sluice_record *record);
/* Sends `record` to error handling with a code ("DEV_01") and a message
 * (printf format), following the stage's on_record_error. */
SLUICE_API void sluice_emit_error(sluice_emitter *out, sluice_record *record, const char *code, const char *fmt,
                                  ...) SLUICE_PRINTF(4, 5);

/* ---- destinations ------------------------------------------------------ */

/* Marks record i of the batch given to write() as failed for good: it goes
 * to error handling with this code and message. */
SLUICE_API void sluice_batch_record_error(sluice_batch *in, size_t i, const char *code, const char *fmt, ...)
    SLUICE_PRINTF(4, 5);
/* Marks record i as not written yet: the core offers it again later. */
SLUICE_API void sluice_batch_record_retry(sluice_batch *in, size_t i);

#ifdef __cplusplus
}
#endif

#endif
