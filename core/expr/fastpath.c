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
 * cache: each fused node has a slot in it, and checks that the entry at
 * the remembered index is its key), so the compiled expression stays
 * immutable and shareable across threads.
 *
 * When the whole condition is one fused comparison, sluice_expr_eval_bool()
 * (below) evaluates it directly, before any of the generic machinery. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expr/expr_impl.h"
#include "record/record_impl.h"

/* A string known at compile time, with its first and last bytes loaded
 * as words once, so that comparing a record's bytes with it reads only
 * the record's side: two loads and two compares for up to 16 bytes. */
typedef struct fixed_bytes {
    const char *p;
    uint32_t len;
    uint8_t width;       /* 8, 4, 2 or 1: head and tail are that wide; 0: len is 0 or > 16 */
    uint64_t head, tail; /* the first / last `width` bytes of p */
} fixed_bytes;

struct expr_field_eq {
    const sluice_path *path; /* from the record:value call */
    bool one_key;            /* the path is one plain key ("/payment_type") */
    bool negate;             /* != rather than == */
    uint32_t hint_slot;      /* which of the context's key_hints is ours */
    fixed_bytes key;         /* one_key: the key */
    fixed_bytes literal;     /* the string literal compared with */
};

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

/* `width` bytes at p as a word (native byte order, as the loads below). */
static uint64_t load_word(const char *p, unsigned width)
{
    uint64_t w8 = 0;
    uint32_t w4 = 0;
    uint16_t w2 = 0;
    switch (width) {
    case 8: memcpy(&w8, p, 8); return w8;
    case 4: memcpy(&w4, p, 4); return w4;
    case 2: memcpy(&w2, p, 2); return w2;
    default: return (unsigned char)p[0];
    }
}

static void fixed_bytes_init(fixed_bytes *fb, const char *p, size_t len)
{
    fb->p = p;
    fb->len = (uint32_t)len;
    /* The widest word that fits: head and tail overlap, and cover it all. */
    fb->width = len > 16 || len == 0 ? 0 : len >= 8 ? 8 : len >= 4 ? 4 : len >= 2 ? 2 : 1;
    if (fb->width) {
        fb->head = load_word(p, fb->width);
        fb->tail = load_word(p + len - fb->width, fb->width);
    }
}

/* s[0, fb->len) == fb's bytes for 1 to 16 bytes, `width` being fb->width
 * (not 0); s has fb->len bytes.  No loop and no call; with a constant
 * width, no branch either (the specialised evaluators below). */
static inline __attribute__((always_inline)) bool fixed_equal_words(const fixed_bytes *fb, const char *s,
                                                                    unsigned width)
{
    size_t n = fb->len;
    if (width == 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        return x == fb->head && y == fb->tail;
    }
    if (width == 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        return x == fb->head && y == fb->tail;
    }
    if (width == 2) {
        uint16_t x, y;
        memcpy(&x, s, 2);
        memcpy(&y, s + n - 2, 2);
        return x == fb->head && y == fb->tail;
    }
    return (unsigned char)s[0] == fb->head;
}

/* s[0, fb->len) == fb's bytes; s has fb->len bytes. */
static inline bool fixed_equal(const fixed_bytes *fb, const char *s)
{
    return fb->width ? fixed_equal_words(fb, s, fb->width) : bytes_equal(s, fb->p, fb->len);
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
    if (!call || !expr_literal_string(lit) || lit->value.u.s.len > UINT32_MAX)
        return;
    expr_field_eq *fe = calloc(1, sizeof *fe);
    if (!fe)
        abort();
    fe->path = call->data;
    fe->negate = node->op == OP_NE;
    const char *text = sluice_path_text(fe->path);
    size_t len = strlen(text);
    if (plain_key(text, len) && len - 1 <= UINT32_MAX) {
        fe->one_key = true;
        fixed_bytes_init(&fe->key, text + 1, len - 1);
        fe->hint_slot = next_hint_slot++ % EXPR_KEY_HINTS;
    }
    fixed_bytes_init(&fe->literal, lit->value.u.s.p, lit->value.u.s.len);
    expr_own(c, fe, free);
    node->value = lit->value;
    node->data = fe;
    node->op = node->op == OP_EQ ? OP_FIELD_EQ : OP_FIELD_NE;
}

/* The root map's entry for a one-key path, searched from the start; the
 * position is remembered for the next record.  Out of line: the common
 * case (the remembered position holds) then needs few registers. */
static __attribute__((noinline)) const sluice_field *lookup_key_scan(uint32_t *hint, const sluice_field *root,
                                                                     const expr_field_eq *fe)
{
    const map_entry *entries = root->v.entries;
    for (uint32_t i = 0; i < root->len; i++) {
        if (entries[i].key_len == fe->key.len && fixed_equal(&fe->key, entries[i].key)) {
            *hint = i;
            return entries[i].value;
        }
    }
    return NULL;
}

/* The root map's entry for a one-key path: first where it was in the
 * previous record.  The hint is only a guess (any index is checked), so
 * slots shared by two expressions cost a scan, never a wrong answer. */
static inline const sluice_field *lookup_key(sluice_expr_ctx *ctx, const sluice_field *root,
                                             const expr_field_eq *fe)
{
    if (!root || root->type != SLUICE_MAP)
        return NULL;
    uint32_t *hint = &ctx->key_hints[fe->hint_slot];
    if (*hint < root->len) {
        const map_entry *e = &root->v.entries[*hint];
        if (e->key_len == fe->key.len && fixed_equal(&fe->key, e->key))
            return e->value;
    }
    return lookup_key_scan(hint, root, fe);
}

static inline const sluice_field *field_of(sluice_expr_ctx *ctx, const sluice_record *record,
                                           const expr_field_eq *fe)
{
    return fe->one_key ? lookup_key(ctx, record->root, fe) : sluice_path_get(record, fe->path);
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
    const expr_field_eq *fe = node->data;
    const sluice_record *record = ev->record;
    if (!record)
        return field_eq_generic(ev, node, NULL, out);
    const sluice_field *f = field_of(ev->ctx, record, fe);
    if (!f || f->type != SLUICE_STRING)
        return field_eq_generic(ev, node, f, out);
    *out = (f->len == fe->literal.len && fixed_equal(&fe->literal, f->v.s)) != fe->negate;
    return 0;
}

/* sluice_expr_eval_bool() when the remembered position missed, the path
 * is not one key, or the field is not a STRING: out of line, so that the
 * common case below makes no call that needs a stack frame. */
static __attribute__((noinline)) int eval_bool_slow(const sluice_expr *expr, sluice_expr_ctx *ctx,
                                                     const sluice_record *record, bool *out)
{
    const expr_node *node = expr && ctx && record ? &expr->nodes[expr->root] : NULL;
    if (node && (node->op == OP_FIELD_EQ || node->op == OP_FIELD_NE)) {
        const expr_field_eq *fe = node->data;
        const sluice_field *f = field_of(ctx, record, fe);
        if (f && f->type == SLUICE_STRING) {
            ctx->error[0] = '\0';
            *out = (f->len == fe->literal.len && fixed_equal(&fe->literal, f->v.s)) != fe->negate;
            return SLUICE_OK;
        }
    }
    return expr_eval_bool_generic(expr, ctx, record, out);
}

/* The fused comparison of the whole expression, for a one-key path, a key
 * of kw bytes or more and a literal of lw or more (kw, lw: 8, 4, 2 or 1;
 * see fixed_bytes): the common case with no loop, no call, no branch on
 * the sizes.  Anything unusual (another position, another type) goes the
 * slow way, which gives the same answer. */
static inline __attribute__((always_inline)) int eval_fixed(const sluice_expr *expr, sluice_expr_ctx *ctx,
                                                            const sluice_record *record, bool *out, unsigned kw,
                                                            unsigned lw)
{
    const expr_field_eq *fe = expr->fast_eq;
    const sluice_field *root = record->root;
    if (__builtin_expect(root != NULL, 1) && root->type == SLUICE_MAP) {
        uint32_t i = ctx->key_hints[fe->hint_slot];
        if (i < root->len) {
            const map_entry *e = &root->v.entries[i];
            const sluice_field *f = e->value;
            if (e->key_len == fe->key.len && fixed_equal_words(&fe->key, e->key, kw) && f->type == SLUICE_STRING) {
                ctx->error[0] = '\0';
                *out = (f->len == fe->literal.len && fixed_equal_words(&fe->literal, f->v.s, lw)) != fe->negate;
                return SLUICE_OK;
            }
        }
    }
    return eval_bool_slow(expr, ctx, record, out);
}

#define EVAL_FIXED(kw, lw)                                                                                       \
    static int eval_fixed_##kw##_##lw(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record, \
                                      bool *out)                                                                 \
    {                                                                                                            \
        return eval_fixed(expr, ctx, record, out, kw, lw);                                                       \
    }
#define EVAL_FIXED_ROW(kw) EVAL_FIXED(kw, 1) EVAL_FIXED(kw, 2) EVAL_FIXED(kw, 4) EVAL_FIXED(kw, 8)
EVAL_FIXED_ROW(1)
EVAL_FIXED_ROW(2)
EVAL_FIXED_ROW(4)
EVAL_FIXED_ROW(8)

/* Indexed by the key's, then the literal's width: 1, 2, 4, 8 -> 0 .. 3. */
static const expr_fast_eval_fn eval_fixed_table[4][4] = {
    {eval_fixed_1_1, eval_fixed_1_2, eval_fixed_1_4, eval_fixed_1_8},
    {eval_fixed_2_1, eval_fixed_2_2, eval_fixed_2_4, eval_fixed_2_8},
    {eval_fixed_4_1, eval_fixed_4_2, eval_fixed_4_4, eval_fixed_4_8},
    {eval_fixed_8_1, eval_fixed_8_2, eval_fixed_8_4, eval_fixed_8_8},
};

static unsigned width_index(unsigned width)
{
    return width == 8 ? 3 : width == 4 ? 2 : width == 2 ? 1 : 0;
}

void expr_set_fast(sluice_expr *expr)
{
    const expr_node *root = &expr->nodes[expr->root];
    if (root->op != OP_FIELD_EQ && root->op != OP_FIELD_NE)
        return;
    const expr_field_eq *fe = root->data;
    if (!fe->one_key || !fe->key.width || !fe->literal.width)
        return;
    expr->fast_eq = fe;
    expr->fast_eval = eval_fixed_table[width_index(fe->key.width)][width_index(fe->literal.width)];
}

/* The SDK's boolean evaluation, here so that a whole condition that is one
 * fused comparison of a STRING field (the router's usual condition) costs
 * no more than the lookup and the compare: no evaluation state, no walk,
 * no scratch reset (nothing here uses scratch memory), and, through
 * fast_eval, code made for its key and literal sizes.  Everything else,
 * including a field of another type or a missing one, takes the generic
 * path (eval.c), which gives the same result with its rules. */
SLUICE_API int sluice_expr_eval_bool(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                     bool *out)
{
    if (__builtin_expect(expr && ctx && record && expr->fast_eval, 1))
        return expr->fast_eval(expr, ctx, record, out);
    return eval_bool_slow(expr, ctx, record, out);
}
