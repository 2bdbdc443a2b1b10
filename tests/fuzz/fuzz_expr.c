/* tests/fuzz/fuzz_expr.c — libFuzzer target for the expression compiler
 * (core/expr/), and the evaluator behind it: any text either compiles or
 * is refused with a one-line message naming a column inside the text;
 * what compiles evaluates (to a value or an error) against a record with
 * fields of every type, without crashing, leaking or reading out of
 * bounds.  Built and run by tests/fuzz/run.sh. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/expr.h>

#include "arena.h"
#include "expr/expr.h"
#include "record/record_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static arena *fuzz_arena;
static sluice_batch *fuzz_batch;
static sluice_record *fuzz_record;
static sluice_expr_ctx *fuzz_ctx;
/* Results go to a batch of their own, emptied after every input. */
static arena *out_arena;
static sluice_batch *out_batch;

static void put(const char *key, sluice_field *f)
{
    sluice_map_put(fuzz_batch, sluice_record_root(fuzz_record), key, strlen(key), f);
}

static void setup(void)
{
    fuzz_arena = arena_new(0);
    fuzz_batch = batch_new(fuzz_arena);
    fuzz_record = sluice_record_new(fuzz_batch, NULL);
    put("s", sluice_field_new_string(fuzz_batch, "abc", 3));
    put("n", sluice_field_new_int(fuzz_batch, 5));
    put("d", sluice_field_new_double(fuzz_batch, 2.5));
    put("b", sluice_field_new_bool(fuzz_batch, true));
    put("z", sluice_field_new_null(fuzz_batch));
    put("m", sluice_field_new_decimal(fuzz_batch, 1250, 2));
    put("t", sluice_field_new_datetime(fuzz_batch, INT64_C(1358051760123000)));
    put("y", sluice_field_new_bytes(fuzz_batch, "hi", 2));
    put("u", sluice_field_new_string(fuzz_batch, "h\xc3\xa9\xff", 4)); /* not valid UTF-8 */
    sluice_field *list = sluice_field_new_list(fuzz_batch, 1);
    sluice_list_append(fuzz_batch, list, sluice_field_new_int(fuzz_batch, 1));
    put("l", list);
    sluice_record_set_attribute(fuzz_batch, fuzz_record, "a", "1");
    out_arena = arena_new(0);
    out_batch = batch_new(out_arena);
    fuzz_ctx = expr_ctx_new("fuzz");
    expr_ctx_set_now(fuzz_ctx, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_ctx)
        setup();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    sluice_expr *e = expr_compile(text, err, sizeof err);
    if (!e) {
        /* One line, naming a column within the text (or just past it). */
        unsigned column;
        if (sscanf(err, "column %u:", &column) != 1 || column < 1 || column > strlen(text) + 1 || strchr(err, '\n'))
            abort();
    } else {
        bool b;
        sluice_field *f;
        const char *s;
        (void)sluice_expr_eval_bool(e, fuzz_ctx, fuzz_record, &b);
        (void)sluice_expr_eval_field(e, fuzz_ctx, fuzz_record, out_batch, &f);
        if (sluice_expr_eval_string(e, fuzz_ctx, NULL, out_batch, &s, NULL) != SLUICE_OK &&
            strchr(sluice_expr_ctx_error(fuzz_ctx), '\n'))
            abort(); /* a record error's message is one line */
        expr_free(e);
    }
    free(text);
    arena_reset(out_arena);
    return 0;
}
