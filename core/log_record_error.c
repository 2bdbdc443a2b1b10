/* core/log_record_error.c — per-record error lines, rate-limited per stage
 * (DESIGN §5: "per-record errors rate-limited").
 *
 * A stage that rejects every record at 100k records/s would otherwise
 * write 100k lines/s, drowning the log and slowing the run down.  Like
 * rsyslog's and the kernel's rate limits, the first lines go out as they
 * come (they show what is wrong), then one a second with a count of what
 * was left out.
 *
 * Concurrency: runner threads call this at once, for the same stage or not,
 * so the per-stage state is atomics in a fixed open-addressing table: a
 * suppressed line costs a lookup, an atomic add and a clock read, and takes
 * no lock.  A slot is claimed by a CAS on its state (free -> claiming),
 * filled, then published (ready); a thread meeting a slot being claimed
 * waits the few instructions its id copy takes.  Slots are never freed
 * while running, so no reader can see one reused. */
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define SLOTS LOG_RECORD_ERROR_STAGES
#define ID_SIZE 128
#define NS_PER_S 1000000000u

enum { SLOT_FREE, SLOT_CLAIMING, SLOT_READY };

typedef struct limit_slot {
    _Atomic int state;
    char id[ID_SIZE];
    _Atomic uint64_t seen;       /* record errors logged or not */
    _Atomic uint64_t suppressed; /* left out since the last line */
    _Atomic uint64_t last_ns;    /* when the last line went out */
} limit_slot;

static limit_slot slots[SLOTS];
static limit_slot overflow; /* every stage past the first SLOTS */

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t (*_Atomic clock_ns)(void) = monotonic_ns;

/* FNV-1a: short ids, few of them; any spread will do. */
static size_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int slot_is(const limit_slot *slot, const char *id) { return strncmp(slot->id, id, ID_SIZE - 1) == 0; }

static limit_slot *find_slot(const char *id)
{
    size_t start = hash(id) % SLOTS;
    for (size_t k = 0; k < SLOTS; k++) {
        limit_slot *slot = &slots[(start + k) % SLOTS];
        int state = atomic_load_explicit(&slot->state, memory_order_acquire);
        if (state == SLOT_FREE &&
            atomic_compare_exchange_strong_explicit(&slot->state, &state, SLOT_CLAIMING, memory_order_acquire,
                                                    memory_order_acquire)) {
            snprintf(slot->id, sizeof slot->id, "%s", id);
            atomic_store_explicit(&slot->state, SLOT_READY, memory_order_release);
            return slot;
        }
        while (state == SLOT_CLAIMING) {
            sched_yield();
            state = atomic_load_explicit(&slot->state, memory_order_acquire);
        }
        if (slot_is(slot, id))
            return slot;
    }
    return &overflow;
}

/* Whether this line goes out; if so, *suppressed is how many were left out
 * before it.  After the burst, the one thread that moves last_ns on by a
 * CAS writes; the others count themselves as suppressed. */
static int should_log(limit_slot *slot, uint64_t *suppressed)
{
    uint64_t now = clock_ns();
    uint64_t n = atomic_fetch_add_explicit(&slot->seen, 1, memory_order_relaxed);
    *suppressed = 0;
    if (n < LOG_RECORD_ERROR_BURST) {
        atomic_store_explicit(&slot->last_ns, now, memory_order_relaxed);
        return 1;
    }
    uint64_t last = atomic_load_explicit(&slot->last_ns, memory_order_relaxed);
    /* now < last when another thread read the clock later but stored first. */
    if (now >= last && now - last >= NS_PER_S &&
        atomic_compare_exchange_strong_explicit(&slot->last_ns, &last, now, memory_order_relaxed,
                                                memory_order_relaxed)) {
        *suppressed = atomic_exchange_explicit(&slot->suppressed, 0, memory_order_relaxed);
        return 1;
    }
    atomic_fetch_add_explicit(&slot->suppressed, 1, memory_order_relaxed);
    return 0;
}

void log_record_error(const char *stage_id, const char *code, const char *fmt, ...)
{
    /* Filtered out anyway: skip the counting too. */
    if (log_get_level() < SLUICE_LOG_WARN)
        return;
    if (!stage_id)
        stage_id = "";
    uint64_t suppressed;
    if (!should_log(find_slot(stage_id), &suppressed))
        return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    char tail[64] = "";
    if (suppressed)
        snprintf(tail, sizeof tail, " (%llu similar line%s suppressed)", (unsigned long long)suppressed,
                 suppressed == 1 ? "" : "s");
    log_msg(SLUICE_LOG_WARN, *stage_id ? stage_id : NULL, "record error%s%s: %s%s", code ? " " : "", code ? code : "",
            message, tail);
}

static void flush_slot(limit_slot *slot, const char *tag)
{
    uint64_t n = atomic_exchange_explicit(&slot->suppressed, 0, memory_order_relaxed);
    if (n)
        log_msg(SLUICE_LOG_WARN, *tag ? tag : NULL, "record error: %llu similar line%s suppressed",
                (unsigned long long)n, n == 1 ? "" : "s");
}

void log_record_error_flush(void)
{
    for (size_t i = 0; i < SLOTS; i++)
        if (atomic_load_explicit(&slots[i].state, memory_order_acquire) == SLOT_READY)
            flush_slot(&slots[i], slots[i].id);
    flush_slot(&overflow, "");
}

static void reset_slot(limit_slot *slot)
{
    atomic_store(&slot->state, SLOT_FREE);
    slot->id[0] = '\0';
    atomic_store(&slot->seen, 0);
    atomic_store(&slot->suppressed, 0);
    atomic_store(&slot->last_ns, 0);
}

void log_record_error_reset(uint64_t (*clock)(void))
{
    for (size_t i = 0; i < SLOTS; i++)
        reset_slot(&slots[i]);
    reset_slot(&overflow);
    atomic_store(&clock_ns, clock ? clock : monotonic_ns);
}
