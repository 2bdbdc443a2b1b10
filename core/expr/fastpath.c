/* core/expr/fastpath.c — the router's condition made cheap.
 *
 * Most conditions are `record:value('/field') == 'TEXT'` (or !=, or the
 * literal first).  The compiler fuses such a comparison into one node,
 * OP_FIELD_EQ, which evaluates without the generic machinery: find the
 * field, and when it is a STRING compare its bytes with the literal.  Any
 * other field type goes through expr_compare(), so the result is exactly
 * the generic one (5 == '5' still holds for a LONG field of 5).
 *
 * A path of one plain key ('/payment_type') is looked up in the root map
 * directly, starting from where the key was found in the previous record:
 * records of one stream have the same shape, so the first probe usually
 * hits.  The remembered positions live in the evaluation context (a small
 * cache: each fused node has a slot in it, and checks the slot still holds
 * its own key), so the compiled expression stays immutable and shareable
 * across threads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expr/expr_impl.h"
#include "record/record_impl.h"

typedef struct field_eq {
    const sluice_path *path; /* from the record:value call */
    const char *key;         /* a one-key path's key, or NULL */
    uint32_t key_len;
    uint32_t hint_slot;      /* which of the context's key_hints is ours */
} field_eq;

/* Slots are handed out in turn, so that the conditions of one stage
 * (compiled one after the other) do not share one. */
static _Atomic unsigned next_hint_slot;

/* a[0, n) == b[0, n), inline for the short keys and values conditions
 * compare (a call to memcmp costs more than the comparison). */
static inline bool bytes_equal(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            uint64_t x, y;
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        uint64_t x, y; /* the last 8 bytes, overlapping what was compared */
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x, y, z, w;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&z, a + n - 4, 4);
        memcpy(&w, b + n - 4, 4);
        return x == y && z == w;
    }
    /* 0 to 3 bytes: the first, the middle and the last cover them all. */
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* A path that is exactly "/name" with no quoting, index or escape. */
static bool plain_key(const char *text, size_t len)
{
    if (len < 2 || text[0] != '/')
        return false;
    for (size_t i = 1; i < len; i++)
        if (strchr("/[]'\"*\\", text[i]))
            return false;
    return true;
}

static bool is_value_call(const expr_node *n)
{
    return n->op == OP_CALL && !strcmp(n->fn->name, "record:value");
}

void expr_fuse(expr_compiling *c, expr_node *node, const expr_node *left, const expr_node *right)
{
    if (node->op != OP_EQ && node->op != OP_NE)
        return;
    const expr_node *call = is_value_call(left) ? left : is_value_call(right) ? right : NULL;
    const expr_node *lit = call == left ? right : left;
    if (!call || !expr_literal_string(lit))
        return;
    field_eq *fe = calloc(1, sizeof *fe);
    if (!fe)
        abort();
    fe->path = call->data;
    const char *text = sluice_path_text(fe->path);
    size_t len = strlen(text);
    if (plain_key(text, len) && len - 1 <= UINT32_MAX) {
        fe->key = text + 1;
        fe->key_len = (uint32_t)(len - 1);
        fe->hint_slot = next_hint_slot++ % EXPR_KEY_HINTS;
    }
    expr_own(c, fe, free);
    node->value = lit->value;
    node->data = fe;
    node->op = node->op == OP_EQ ? OP_FIELD_EQ : OP_FIELD_NE;
}

/* The root map's entry for a one-key path, searched from the start; the
 * position is remembered for the next record.  Out of line: the common
 * case (the remembered position holds) then needs few registers. */
static __attribute__((noinline)) const sluice_field *lookup_key_scan(expr_key_hint *hint, const sluice_field *root,
                                                                     const field_eq *fe)
{
    const map_entry *entries = root->v.entries;
    for (uint32_t i = 0; i < root->len; i++) {
        if (entries[i].key_len == fe->key_len && bytes_equal(entries[i].key, fe->key, fe->key_len)) {
            hint->key = fe->key;
            hint->index = i;
            return entries[i].value;
        }
    }
    return NULL;
}

/* The root map's entry for a one-key path: first where it was in the
 * previous record. */
static inline const sluice_field *lookup_key(sluice_expr_ctx *ctx, const sluice_field *root, const field_eq *fe)
{
    if (!root || root->type != SLUICE_MAP)
        return NULL;
    expr_key_hint *hint = &ctx->key_hints[fe->hint_slot];
    if (hint->key == fe->key && hint->index < root->len) {
        const map_entry *e = &root->v.entries[hint->index];
        if (e->key_len == fe->key_len && bytes_equal(e->key, fe->key, fe->key_len))
            return e->value;
    }
    return lookup_key_scan(hint, root, fe);
}

/* Everything but a STRING field: the generic rules.  Kept out of line so
 * that the common case needs no stack frame of its own. */
static __attribute__((noinline, cold)) int field_eq_generic(expr_eval *ev, const expr_node *node,
                                                              const sluice_field *f, bool *out)
{
    if (!ev->record)
        return expr_fail(ev, node->column, "record:value: there is no record here");
    expr_value v;
    expr_value_of_field(f, &v);
    return expr_compare(ev, node->op == OP_FIELD_EQ ? OP_EQ : OP_NE, &v, &node->value, node->column, out);
}

int expr_eval_field_eq(expr_eval *ev, const expr_node *node, bool *out)
{
    const field_eq *fe = node->data;
    const sluice_record *record = ev->record;
    if (!record)
        return field_eq_generic(ev, node, NULL, out);
    const sluice_field *f = fe->key ? lookup_key(ev->ctx, record->root, fe) : sluice_path_get(record, fe->path);
    if (!f || f->type != SLUICE_STRING)
        return field_eq_generic(ev, node, f, out);
    bool equal = f->len == node->value.u.s.len && bytes_equal(f->v.s, node->value.u.s.p, f->len);
    *out = equal == (node->op == OP_FIELD_EQ);
    return 0;
}
