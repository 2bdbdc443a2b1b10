/* core/expr/fn_misc.c — the small namespaces: pipeline: (the running
 * pipeline's name) and uuid: (random version 4 UUIDs, RFC 4122 §4.4).
 *
 * uuid:uuid() draws from a per-context xorshift128+ generator seeded from
 * getrandom(): fast and without a system call per record, unique in
 * practice but not for secrets (as Java's UUID.randomUUID() is not meant
 * to be a key either). */
#include "config.h"

#include <string.h>

#include "expr/expr_impl.h"

static int fn_pipeline_name(const expr_call *call, expr_value *out)
{
    const char *name = call->ev->ctx->pipeline_name;
    expr_set_string(out, name, strlen(name));
    return 0;
}

static uint64_t next_random(uint64_t s[2])
{
    uint64_t x = s[0];
    const uint64_t y = s[1];
    s[0] = y;
    x ^= x << 23;
    s[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s[1] + y;
}

static int fn_uuid(const expr_call *call, expr_value *out)
{
    uint8_t bytes[16];
    uint64_t a = next_random(call->ev->ctx->rng), b = next_random(call->ev->ctx->rng);
    memcpy(bytes, &a, 8);
    memcpy(bytes + 8, &b, 8);
    bytes[6] = (uint8_t)((bytes[6] & 0x0F) | 0x40); /* version 4 */
    bytes[8] = (uint8_t)((bytes[8] & 0x3F) | 0x80); /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    char *s = expr_scratch(call->ev, 37), *o = s;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[bytes[i] >> 4];
        *o++ = hex[bytes[i] & 15];
    }
    *o = '\0';
    expr_set_string(out, s, 36);
    return 0;
}

const expr_function expr_fn_misc[] = {
    {"pipeline:name", 0, 0, fn_pipeline_name, NULL},
    {"uuid:uuid", 0, 0, fn_uuid, NULL},
    {NULL, 0, 0, NULL, NULL},
};
