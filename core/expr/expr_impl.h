/* core/expr/expr_impl.h — the inside of compiled expressions: values, the
 * node array, the function table, the evaluation state.  Internal to
 * core/expr/; the rest of the core uses expr.h.
 *
 * A compiled expression is one immutable array of nodes (a tree whose
 * children are indices, so the array can be built with realloc and never
 * changes afterwards) plus what its functions prepared at compile time
 * (compiled field paths, regexes).  Evaluation walks the tree with values
 * on the C stack; the only memory it asks for is the context's scratch
 * arena, for strings that functions build (str:toUpper, templates). */
#ifndef SLUICE_CORE_EXPR_IMPL_H
#define SLUICE_CORE_EXPR_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/expr.h>
#include <sluice/record.h>

#include "arena.h"

/* Deeper nesting is refused at compile time: evaluation recurses once per
 * level, and the fuzzer must not be able to overflow the stack. */
#define EXPR_MAX_DEPTH 64
/* No SDC function takes more. */
#define EXPR_MAX_ARGS 4

/* The type of a value during evaluation (JSP EL's Long, Double, String,
 * Boolean, null; SDC's BigDecimal and Date; and fields that have no EL
 * scalar type, kept as references). */
typedef enum expr_type {
    EXPR_NULL = 0,
    EXPR_BOOL,
    EXPR_LONG,
    EXPR_DOUBLE,
    EXPR_DECIMAL,  /* u.f: a DECIMAL field */
    EXPR_STRING,   /* u.s: bytes and length, not necessarily NUL-terminated */
    EXPR_DATETIME, /* u.i: epoch microseconds, UTC */
    EXPR_FIELD     /* u.f: a BYTES, LIST or MAP field */
} expr_type;

typedef struct expr_value {
    expr_type type;
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            const char *p;
            size_t len;
        } s;
        const sluice_field *f;
    } u;
} expr_value;

typedef enum expr_op {
    OP_CONST = 0, /* value */
    OP_TEMPLATE,  /* text and ${} parts joined as a string */
    OP_NEG,
    OP_NOT,
    OP_EMPTY,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_GT,
    OP_LE,
    OP_GE,
    OP_AND,
    OP_OR,
    OP_COND, /* kids: condition, then, else */
    OP_CALL,  /* fn, kids: arguments */
    OP_FIELD_EQ, /* record:value(path) == 'text' fused (fastpath.c): data, value */
    OP_FIELD_NE
} expr_op;

typedef struct expr_function expr_function;
/* A fused record:value(path) == 'text' (fastpath.c). */
typedef struct expr_field_eq expr_field_eq;
typedef int (*expr_fast_eval_fn)(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                 bool *out);

typedef struct expr_node {
    uint8_t op;      /* expr_op */
    uint8_t n_kids;
    uint32_t column; /* 1-based, in the whole text, for messages */
    uint32_t kids;   /* index of the first child index in sluice_expr.kids */
    const expr_function *fn; /* OP_CALL */
    const void *data;        /* OP_CALL: what fn->compile prepared, or NULL */
    expr_value value;        /* OP_CONST */
} expr_node;

/* Something the expression owns and frees with itself. */
typedef struct expr_owned {
    void *p;
    void (*release)(void *);
} expr_owned;

struct sluice_expr {
    char *text;       /* as written in the config */
    expr_node *nodes;
    uint32_t n_nodes;
    uint32_t *kids;
    uint32_t n_kids;
    uint32_t root;
    expr_owned *owned;
    size_t n_owned;
    /* When the whole expression is a fused comparison of a one-key path
     * with a short literal: that comparison, and the function made for its
     * sizes that sluice_expr_eval_bool() calls without looking at the
     * nodes (fastpath.c).  Both NULL otherwise. */
    const expr_field_eq *fast_eq;
    expr_fast_eval_fn fast_eval;
};

/* Slots for where a one-key path's key was found in the previous record's
 * root map (fastpath.c). */
#define EXPR_KEY_HINTS 16

/* Per-runner evaluation state (sdk/sluice/expr.h). */
struct sluice_expr_ctx {
    arena *scratch;          /* temporaries of one evaluation */
    sluice_batch *scratch_batch; /* fields built in scratch (str:split) */
    char *pipeline_name;
    int64_t fixed_now_us;    /* time:now() when has_fixed_now */
    bool has_fixed_now;
    uint64_t rng[2];         /* uuid:uuid(): xorshift128+ state */
    void *match_data;        /* pcre2_match_data, reused by every regex */
    uint32_t key_hints[EXPR_KEY_HINTS]; /* map indices: guesses, always checked */
    char error[512];
};

/* One evaluation in progress. */
typedef struct expr_eval {
    const sluice_expr *expr;
    sluice_expr_ctx *ctx;
    const sluice_record *record;
} expr_eval;

/* Writes "expression "TEXT": column N: message" to the context's error
 * and returns -1. */
int expr_fail(expr_eval *ev, uint32_t column, const char *fmt, ...) SLUICE_PRINTF(3, 4);

/* Scratch memory of the evaluation, released when the next one starts. */
void *expr_scratch(expr_eval *ev, size_t size);

/* ---- functions ----------------------------------------------------------- */

/* A call being evaluated: its node, its evaluated arguments. */
typedef struct expr_call {
    expr_eval *ev;
    const expr_node *node;
    const expr_value *args;
    size_t n_args;
} expr_call;

/* Compile-time view of a call, for functions that prepare something from
 * literal arguments (a field path, a regex): `args` are the argument
 * nodes.  On success sets *data (and registers it with expr_own()); on
 * failure writes "column N: message" to err and returns -1. */
typedef struct expr_compiling expr_compiling;
typedef int (*expr_compile_fn)(expr_compiling *c, const expr_node *call, const expr_node *const *args,
                               const void **data, char *err, size_t errsize);
typedef int (*expr_eval_fn)(const expr_call *call, expr_value *out);

/* The column of argument i of a call, for messages about that argument. */
uint32_t expr_arg_column(const expr_call *call, size_t i);
/* Argument i coerced to a string / long / double (EL coercions), with
 * the message naming the function and that argument's column. */
int expr_arg_string(const expr_call *call, size_t i, const char **p, size_t *len);
int expr_arg_long(const expr_call *call, size_t i, int64_t *out);
int expr_arg_double(const expr_call *call, size_t i, double *out);
/* Sets *out to a string. */
void expr_set_string(expr_value *out, const char *p, size_t len);

struct expr_function {
    const char *name; /* "str:trim" */
    uint8_t min_args, max_args;
    expr_eval_fn eval;
    expr_compile_fn compile; /* or NULL */
};

/* The function called `name` (len bytes: "ns:local"), or NULL. */
const expr_function *expr_function_find(const char *name, size_t len);

/* The tables of each namespace, NULL-name terminated. */
extern const expr_function expr_fn_record[];
extern const expr_function expr_fn_str[];
extern const expr_function expr_fn_math[];
extern const expr_function expr_fn_time[];
extern const expr_function expr_fn_misc[];

/* fn_regex.c: the str: functions whose argument 1 is a regex literal,
 * compiled with the expression. */
int expr_compile_regex(expr_compiling *c, const expr_node *call, const expr_node *const *args, const void **data,
                       char *err, size_t errsize);
int expr_fn_matches(const expr_call *call, expr_value *out);
int expr_fn_regex_capture(const expr_call *call, expr_value *out);
int expr_fn_replace_all(const expr_call *call, expr_value *out);
int expr_fn_split(const expr_call *call, expr_value *out);

/* Registers memory the compiled expression frees with itself. */
void expr_own(expr_compiling *c, void *p, void (*release)(void *));

/* Writes "column N: message" to err (for compile hooks); returns -1. */
int expr_compile_error(char *err, size_t errsize, uint32_t column, const char *fmt, ...) SLUICE_PRINTF(4, 5);

/* The literal string of a node, or NULL when it is not a string literal. */
const expr_value *expr_literal_string(const expr_node *node);

/* ---- coercions (coerce.c: JSP 2.1 EL §1.8, §1.17-1.18) -------------------- */

const char *expr_type_name(expr_type t);
/* A field of the record as a value: scalars by value, strings pointing into
 * the record, DECIMAL/BYTES/LIST/MAP by reference; NULL (no field) is null. */
void expr_value_of_field(const sluice_field *f, expr_value *out);

int expr_to_bool(expr_eval *ev, const expr_value *v, uint32_t column, bool *out);
int expr_to_long(expr_eval *ev, const expr_value *v, uint32_t column, int64_t *out);
int expr_to_double(expr_eval *ev, const expr_value *v, uint32_t column, double *out);
/* The text of a value (EL coercion to String: null is ""), possibly built
 * in scratch memory. */
int expr_to_string(expr_eval *ev, const expr_value *v, uint32_t column, const char **p, size_t *len);
/* True for a Double, a DECIMAL, or a string holding '.', 'e' or 'E': the
 * values that make arithmetic Double (§1.7.1). */
bool expr_looks_double(const expr_value *v);
/* JSP `empty`. */
bool expr_is_empty(const expr_value *v);

int expr_arith(expr_eval *ev, expr_op op, const expr_value *a, const expr_value *b, uint32_t column,
               expr_value *out);
int expr_negate(expr_eval *ev, const expr_value *a, uint32_t column, expr_value *out);
/* OP_EQ .. OP_GE. */
int expr_compare(expr_eval *ev, expr_op op, const expr_value *a, const expr_value *b, uint32_t column, bool *out);

/* Java's Double.toString() of d into buf (32 bytes): "2.5", "1.0E10". */
size_t expr_format_double(double d, char *buf);

/* ---- fused comparisons (fastpath.c) ---------------------------------------- */

/* Turns `node` (==, != over left and right) into OP_FIELD_EQ / _NE when
 * one side is record:value(...) and the other a string literal. */
void expr_fuse(expr_compiling *c, expr_node *node, const expr_node *left, const expr_node *right);
int expr_eval_field_eq(expr_eval *ev, const expr_node *node, bool *out);
/* Sets expr->fast_eq and fast_eval when the root is a fused comparison
 * sluice_expr_eval_bool() can take directly. */
void expr_set_fast(sluice_expr *expr);
/* sluice_expr_eval_bool() without the fast path (eval.c). */
int expr_eval_bool_generic(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record, bool *out);

#endif
