/* core/expr/parser.c — compiling expression text into the node array of
 * expr_impl.h, by recursive descent over the JSP 2.1 EL grammar (§1.19):
 *
 *   template   := ( text | '${' expression '}' )*
 *   expression := or ( '?' expression ':' expression )?
 *   or         := and ( ('||' | 'or') and )*
 *   and        := eq ( ('&&' | 'and') eq )*
 *   eq         := rel ( ('==' | '!=' | 'eq' | 'ne') rel )*
 *   rel        := add ( ('<' | '>' | '<=' | '>=' | 'lt' | 'gt' | 'le' | 'ge') add )*
 *   add        := mul ( ('+' | '-') mul )*
 *   mul        := unary ( ('*' | '/' | 'div' | '%' | 'mod') unary )*
 *   unary      := ('-' | '!' | 'not' | 'empty') unary | primary
 *   primary    := '(' expression ')' | literal | ns ':' name '(' args ')' | NAME
 *
 * Binary operators are left-associative, ?: right-associative, as in the
 * spec.  A template that is exactly one ${...} keeps the expression's own
 * type (a number stays a number); text around or between ${...} parts makes
 * the result a string, as in SDC.  In text, "\${" stands for a literal
 * "${".  The only bare names are the type names record:type() returns
 * (STRING, LONG, ...), so that `record:type('/a') == STRING` reads as in
 * SDC.  Every error is one line with the 1-based column in the whole text. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"
#include "expr/expr_impl.h"
#include "expr/lexer.h"

struct expr_compiling {
    sluice_expr *e;
    const char *text;
    size_t len;
    uint32_t nodes_cap, kids_cap;
    size_t owned_cap;
    token tok; /* the current token */
    int depth;
    char *err;
    size_t errsize;
};

static void *grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size);
    if (!q) {
        fprintf(stderr, "sluice: out of memory compiling an expression\n");
        abort();
    }
    return q;
}

void expr_own(expr_compiling *c, void *p, void (*release)(void *))
{
    sluice_expr *e = c->e;
    if (e->n_owned == c->owned_cap) {
        c->owned_cap = c->owned_cap ? 2 * c->owned_cap : 8;
        e->owned = grow(e->owned, c->owned_cap, sizeof *e->owned);
    }
    e->owned[e->n_owned].p = p;
    e->owned[e->n_owned].release = release;
    e->n_owned++;
}

int expr_compile_error(char *err, size_t errsize, uint32_t column, const char *fmt, ...)
{
    if (!err || !errsize)
        return -1;
    int n = snprintf(err, errsize, "column %u: ", column);
    if (n < 0 || (size_t)n >= errsize)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

#define FAIL_AT(c, pos, ...) expr_compile_error((c)->err, (c)->errsize, (uint32_t)(pos) + 1, __VA_ARGS__)

/* "expected WHAT, got <the current token>". */
static int expected(expr_compiling *c, const char *what)
{
    char buf[64];
    if (c->tok.kind == TOK_ERROR)
        return FAIL_AT(c, c->tok.pos, "%s", c->tok.message);
    return FAIL_AT(c, c->tok.pos, "expected %s, got %s", what, lexer_describe(c->text, &c->tok, buf, sizeof buf));
}

static void advance(expr_compiling *c)
{
    lexer_next(c->text, c->len, c->tok.pos + c->tok.len, &c->tok);
}

/* A node with children `kids` (copied); returns its index. */
static uint32_t add_node(expr_compiling *c, expr_op op, size_t pos, const uint32_t *kids, size_t n_kids)
{
    sluice_expr *e = c->e;
    if (e->n_nodes == c->nodes_cap) {
        c->nodes_cap = c->nodes_cap ? 2 * c->nodes_cap : 16;
        e->nodes = grow(e->nodes, c->nodes_cap, sizeof *e->nodes);
    }
    while (e->n_kids + n_kids > c->kids_cap) {
        c->kids_cap = c->kids_cap ? 2 * c->kids_cap : 16;
        e->kids = grow(e->kids, c->kids_cap, sizeof *e->kids);
    }
    expr_node *node = &e->nodes[e->n_nodes];
    memset(node, 0, sizeof *node);
    node->op = (uint8_t)op;
    node->column = (uint32_t)pos + 1;
    node->n_kids = (uint8_t)n_kids;
    node->kids = e->n_kids;
    if (n_kids)
        memcpy(&e->kids[e->n_kids], kids, n_kids * sizeof *kids);
    e->n_kids += (uint32_t)n_kids;
    return e->n_nodes++;
}

static uint32_t add_const(expr_compiling *c, size_t pos, const expr_value *v)
{
    uint32_t i = add_node(c, OP_CONST, pos, NULL, 0);
    c->e->nodes[i].value = *v;
    return i;
}

/* A string constant owning a NUL-terminated copy of `s`. */
static uint32_t add_string(expr_compiling *c, size_t pos, char *owned_s, size_t len)
{
    expr_own(c, owned_s, free);
    expr_value v = {.type = EXPR_STRING, .u.s = {owned_s, len}};
    return add_const(c, pos, &v);
}

static int parse_expression(expr_compiling *c, uint32_t *out);

static const char *const type_names[] = {"NULL", "BOOLEAN", "LONG", "DOUBLE", "DECIMAL", "STRING",
                                         "BYTE_ARRAY", "DATETIME", "LIST", "MAP", NULL};

static int parse_name(expr_compiling *c, uint32_t *out)
{
    token name = c->tok;
    for (size_t i = 0; type_names[i]; i++) {
        if (strlen(type_names[i]) == name.len && !memcmp(type_names[i], c->text + name.pos, name.len)) {
            expr_value v = {.type = EXPR_STRING, .u.s = {type_names[i], name.len}};
            *out = add_const(c, name.pos, &v);
            advance(c);
            return 0;
        }
    }
    return FAIL_AT(c, name.pos, "unknown name '%.*s' (functions are written namespace:name(...), e.g. "
                                "record:value('/a'))",
                   (int)(name.len > 40 ? 40 : name.len), c->text + name.pos);
}

static int check_arity(expr_compiling *c, const expr_function *fn, size_t pos, size_t n)
{
    if (n >= fn->min_args && n <= fn->max_args)
        return 0;
    if (fn->min_args == fn->max_args)
        return FAIL_AT(c, pos, "%s takes %u argument%s, got %zu", fn->name, fn->min_args,
                       fn->min_args == 1 ? "" : "s", n);
    return FAIL_AT(c, pos, "%s takes %u to %u arguments, got %zu", fn->name, fn->min_args, fn->max_args, n);
}

/* At "ns" of ns:name(args). */
static int parse_call(expr_compiling *c, uint32_t *out)
{
    token ns = c->tok;
    advance(c); /* ':' */
    advance(c);
    if (c->tok.kind != TOK_IDENT)
        return expected(c, "a function name after ':'");
    size_t name_len = c->tok.pos + c->tok.len - ns.pos;
    const char *name = c->text + ns.pos;
    const expr_function *fn = expr_function_find(name, name_len);
    if (!fn)
        return FAIL_AT(c, ns.pos, "unknown function '%.*s'", (int)(name_len > 60 ? 60 : name_len), name);
    advance(c);
    if (c->tok.kind != TOK_LPAREN)
        return expected(c, "'(' after the function name");
    advance(c);
    uint32_t args[EXPR_MAX_ARGS];
    size_t n = 0;
    if (c->tok.kind != TOK_RPAREN) {
        for (;;) {
            if (n == EXPR_MAX_ARGS)
                return check_arity(c, fn, ns.pos, n + 1);
            if (parse_expression(c, &args[n]) != 0)
                return -1;
            n++;
            if (c->tok.kind == TOK_RPAREN)
                break;
            if (c->tok.kind != TOK_COMMA) {
                char what[96];
                snprintf(what, sizeof what, "',' or ')' in the arguments of %s", fn->name);
                return expected(c, what);
            }
            advance(c);
        }
    }
    advance(c);
    if (check_arity(c, fn, ns.pos, n) != 0)
        return -1;
    uint32_t i = add_node(c, OP_CALL, ns.pos, args, n);
    c->e->nodes[i].fn = fn;
    if (fn->compile) {
        const expr_node *arg_nodes[EXPR_MAX_ARGS];
        for (size_t k = 0; k < n; k++)
            arg_nodes[k] = &c->e->nodes[args[k]];
        const void *data = NULL;
        if (fn->compile(c, &c->e->nodes[i], arg_nodes, &data, c->err, c->errsize) != 0)
            return -1;
        c->e->nodes[i].data = data; /* compile hooks add no nodes: the pointers held */
    }
    *out = i;
    return 0;
}

static int parse_primary(expr_compiling *c, uint32_t *out)
{
    token t = c->tok;
    expr_value v = {.type = EXPR_NULL};
    switch (t.kind) {
    case TOK_LPAREN:
        advance(c);
        if (parse_expression(c, out) != 0)
            return -1;
        if (c->tok.kind != TOK_RPAREN)
            return expected(c, "')'");
        advance(c);
        return 0;
    case TOK_LONG: v.type = EXPR_LONG; v.u.i = t.l; break;
    case TOK_DOUBLE: v.type = EXPR_DOUBLE; v.u.d = t.d; break;
    case TOK_TRUE:
    case TOK_FALSE: v.type = EXPR_BOOL; v.u.b = t.kind == TOK_TRUE; break;
    case TOK_NULL: break;
    case TOK_STRING: {
        char *s = malloc(t.len);
        if (!s)
            abort();
        size_t n = lexer_unescape(c->text, &t, s);
        s[n] = '\0';
        *out = add_string(c, t.pos, s, n);
        advance(c);
        return 0;
    }
    case TOK_IDENT: {
        token next;
        lexer_next(c->text, c->len, t.pos + t.len, &next);
        if (next.kind == TOK_COLON && next.pos == t.pos + t.len) {
            token after;
            lexer_next(c->text, c->len, next.pos + 1, &after);
            if (after.kind == TOK_IDENT && after.pos == next.pos + 1)
                return parse_call(c, out);
        }
        return parse_name(c, out);
    }
    default: return expected(c, "a value (a literal, a function call or '(')");
    }
    *out = add_const(c, t.pos, &v);
    advance(c);
    return 0;
}

static int parse_unary(expr_compiling *c, uint32_t *out)
{
    token t = c->tok;
    expr_op op;
    switch (t.kind) {
    case TOK_MINUS: op = OP_NEG; break;
    case TOK_NOT: op = OP_NOT; break;
    case TOK_EMPTY: op = OP_EMPTY; break;
    default: return parse_primary(c, out);
    }
    if (++c->depth > EXPR_MAX_DEPTH)
        return FAIL_AT(c, t.pos, "expression nested too deeply (more than %d levels)", EXPR_MAX_DEPTH);
    advance(c);
    uint32_t operand;
    if (parse_unary(c, &operand) != 0)
        return -1;
    c->depth--;
    *out = add_node(c, op, t.pos, &operand, 1);
    return 0;
}

/* One level of left-associative binary operators: `ops` maps tokens to
 * operators; `next` parses the operands. */
typedef struct binary_level {
    token_kind tokens[6];
    expr_op ops[6];
    size_t n;
} binary_level;

static const binary_level levels[] = {
    {{TOK_OR}, {OP_OR}, 1},
    {{TOK_AND}, {OP_AND}, 1},
    {{TOK_EQ, TOK_NE}, {OP_EQ, OP_NE}, 2},
    {{TOK_LT, TOK_GT, TOK_LE, TOK_GE}, {OP_LT, OP_GT, OP_LE, OP_GE}, 4},
    {{TOK_PLUS, TOK_MINUS}, {OP_ADD, OP_SUB}, 2},
    {{TOK_STAR, TOK_SLASH, TOK_MOD}, {OP_MUL, OP_DIV, OP_MOD}, 3},
};
#define N_LEVELS (sizeof levels / sizeof levels[0])

static int parse_level(expr_compiling *c, size_t level, uint32_t *out)
{
    if (level == N_LEVELS)
        return parse_unary(c, out);
    if (parse_level(c, level + 1, out) != 0)
        return -1;
    const binary_level *l = &levels[level];
    for (;;) {
        size_t k = 0;
        while (k < l->n && l->tokens[k] != c->tok.kind)
            k++;
        if (k == l->n)
            return 0;
        size_t pos = c->tok.pos;
        advance(c);
        uint32_t kids[2] = {*out, 0};
        if (parse_level(c, level + 1, &kids[1]) != 0)
            return -1;
        *out = add_node(c, l->ops[k], pos, kids, 2);
        expr_fuse(c, &c->e->nodes[*out], &c->e->nodes[kids[0]], &c->e->nodes[kids[1]]);
    }
}

static int parse_expression(expr_compiling *c, uint32_t *out)
{
    if (++c->depth > EXPR_MAX_DEPTH)
        return FAIL_AT(c, c->tok.pos, "expression nested too deeply (more than %d levels)", EXPR_MAX_DEPTH);
    uint32_t kids[3];
    if (parse_level(c, 0, &kids[0]) != 0)
        return -1;
    if (c->tok.kind == TOK_QUESTION) {
        size_t pos = c->tok.pos;
        advance(c);
        if (parse_expression(c, &kids[1]) != 0)
            return -1;
        if (c->tok.kind != TOK_COLON)
            return expected(c, "':' of the '?' operator");
        advance(c);
        if (parse_expression(c, &kids[2]) != 0)
            return -1;
        kids[0] = add_node(c, OP_COND, pos, kids, 3);
    }
    c->depth--;
    *out = kids[0];
    return 0;
}

/* Literal text from `start` up to the next "${" (not "\${"): its node, or
 * none when empty.  Sets *next to where the scan stopped. */
static int parse_text(expr_compiling *c, size_t start, size_t *next, uint32_t *node, bool *has_node)
{
    char *s = malloc(c->len - start + 1);
    if (!s)
        abort();
    size_t n = 0, p = start;
    while (p < c->len) {
        if (c->text[p] == '\\' && p + 2 < c->len && c->text[p + 1] == '$' && c->text[p + 2] == '{') {
            s[n++] = '$';
            s[n++] = '{';
            p += 3;
            continue;
        }
        if (c->text[p] == '$' && p + 1 < c->len && c->text[p + 1] == '{')
            break;
        s[n++] = c->text[p++];
    }
    s[n] = '\0';
    *next = p;
    *has_node = n > 0;
    if (n == 0) {
        free(s);
        return 0;
    }
    *node = add_string(c, start, s, n);
    return 0;
}

static int parse_template(expr_compiling *c, uint32_t *root)
{
    uint32_t *parts = NULL;
    size_t n = 0, cap = 0, p = 0;
    bool only_expr = true;
    int rc = 0;
    while (p < c->len || n == 0) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4;
            parts = grow(parts, cap, sizeof *parts);
        }
        bool has;
        parse_text(c, p, &p, &parts[n], &has);
        if (has) {
            n++;
            only_expr = false;
            continue;
        }
        if (p >= c->len) {
            if (n == 0) { /* "" */
                char *empty = calloc(1, 1);
                if (!empty)
                    abort();
                parts[n++] = add_string(c, 0, empty, 0);
            }
            break;
        }
        /* at "${" */
        lexer_next(c->text, c->len, p + 2, &c->tok);
        if (c->tok.kind == TOK_RBRACE) {
            rc = FAIL_AT(c, c->tok.pos, "expected an expression inside ${}, got '}'");
            break;
        }
        if (parse_expression(c, &parts[n]) != 0) {
            rc = -1;
            break;
        }
        if (c->tok.kind != TOK_RBRACE) {
            rc = expected(c, "'}' or an operator");
            break;
        }
        n++;
        p = c->tok.pos + 1;
    }
    if (rc == 0) {
        if (n == 1 && (only_expr || c->e->nodes[parts[0]].op == OP_CONST))
            *root = parts[0];
        else
            *root = add_node(c, OP_TEMPLATE, 0, parts, n);
    }
    free(parts);
    return rc;
}

sluice_expr *expr_compile(const char *text, char *err, size_t errsize)
{
    if (err && errsize)
        err[0] = '\0';
    sluice_expr *e = calloc(1, sizeof *e);
    if (!e || !(e->text = strdup(text)))
        abort();
    expr_compiling c = {.e = e, .text = e->text, .len = strlen(text), .err = err, .errsize = errsize};
    if (c.len > UINT32_MAX / 2) {
        expr_compile_error(err, errsize, 1, "expression too long");
        expr_free(e);
        return NULL;
    }
    if (parse_template(&c, &e->root) != 0) {
        expr_free(e);
        return NULL;
    }
    expr_set_fast(e);
    return e;
}

void expr_free(sluice_expr *expr)
{
    if (!expr)
        return;
    for (size_t i = expr->n_owned; i > 0; i--)
        expr->owned[i - 1].release(expr->owned[i - 1].p);
    free(expr->owned);
    free(expr->nodes);
    free(expr->kids);
    free(expr->text);
    free(expr);
}

SLUICE_API const char *sluice_expr_text(const sluice_expr *expr)
{
    return expr ? expr->text : "";
}

const expr_value *expr_literal_string(const expr_node *node)
{
    return node->op == OP_CONST && node->value.type == EXPR_STRING ? &node->value : NULL;
}
