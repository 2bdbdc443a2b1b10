/* core/expr/lexer.c — the tokens of the EL (JSP 2.1 EL §1.19, the
 * collected syntax): literals, operators and their keyword spellings
 * (and or not eq ne lt gt le ge div mod empty), names.
 *
 * String literals are in ' or ".  The spec lets a backslash escape only
 * the quote and itself; SDC expressions commonly carry regexes ('\d+'), so
 * a backslash before any other character is kept as it is rather than
 * refused.  Integer literals that do not fit a Java long are refused
 * (the JSP spec would make them BigInteger, SDC never needs them). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "expr/lexer.h"
#include "format/number.h"

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || is_digit(c);
}

static const struct {
    const char *word;
    token_kind kind;
} keywords[] = {
    {"true", TOK_TRUE}, {"false", TOK_FALSE}, {"null", TOK_NULL}, {"and", TOK_AND}, {"or", TOK_OR},
    {"not", TOK_NOT},   {"eq", TOK_EQ},       {"ne", TOK_NE},     {"lt", TOK_LT},   {"gt", TOK_GT},
    {"le", TOK_LE},     {"ge", TOK_GE},       {"div", TOK_SLASH}, {"mod", TOK_MOD}, {"empty", TOK_EMPTY},
};

static void lex_ident(const char *text, size_t textlen, token *t)
{
    size_t end = t->pos;
    while (end < textlen && is_ident_char(text[end]))
        end++;
    t->len = end - t->pos;
    t->kind = TOK_IDENT;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].word) == t->len && !memcmp(keywords[i].word, text + t->pos, t->len))
            t->kind = keywords[i].kind;
    /* `instanceof` is reserved by the spec and means nothing here. */
    if (t->len == 10 && !memcmp(text + t->pos, "instanceof", 10)) {
        t->kind = TOK_ERROR;
        t->message = "'instanceof' is reserved and not supported";
    }
}

/* IntegerLiteral ([0-9]+) or FloatingPointLiteral ([0-9]+ '.' [0-9]*
 * Exponent? | '.' [0-9]+ Exponent? | [0-9]+ Exponent). */
static void lex_number(const char *text, size_t textlen, token *t)
{
    size_t p = t->pos;
    bool is_double = false;
    while (p < textlen && is_digit(text[p]))
        p++;
    if (p < textlen && text[p] == '.') {
        is_double = true;
        p++;
        while (p < textlen && is_digit(text[p]))
            p++;
    }
    if (p < textlen && (text[p] == 'e' || text[p] == 'E')) {
        size_t q = p + 1;
        if (q < textlen && (text[q] == '+' || text[q] == '-'))
            q++;
        if (q < textlen && is_digit(text[q])) {
            is_double = true;
            p = q;
            while (p < textlen && is_digit(text[p]))
                p++;
        } else {
            t->kind = TOK_ERROR;
            t->message = "expected digits in the exponent";
            t->len = q - t->pos;
            return;
        }
    }
    t->len = p - t->pos;
    if (p < textlen && is_ident_start(text[p])) {
        t->kind = TOK_ERROR;
        t->message = "expected an operator after a number";
        return;
    }
    char buf[400];
    if (t->len >= sizeof buf) {
        t->kind = TOK_ERROR;
        t->message = "number too long";
        return;
    }
    memcpy(buf, text + t->pos, t->len);
    buf[t->len] = '\0';
    if (is_double) {
        t->kind = TOK_DOUBLE;
        t->d = number_parse_double(buf, t->len);
        return;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < t->len; i++) {
        unsigned digit = (unsigned)(buf[i] - '0');
        if (v > (UINT64_C(9223372036854775807) - digit) / 10) {
            t->kind = TOK_ERROR;
            t->message = "integer too large (the largest is 9223372036854775807)";
            return;
        }
        v = v * 10 + digit;
    }
    t->kind = TOK_LONG;
    t->l = (int64_t)v;
}

static void lex_string(const char *text, size_t textlen, token *t)
{
    char quote = text[t->pos];
    size_t p = t->pos + 1;
    while (p < textlen && text[p] != quote) {
        if (text[p] == '\\' && p + 1 < textlen)
            p++;
        p++;
    }
    if (p >= textlen) {
        t->kind = TOK_ERROR;
        t->message = quote == '\'' ? "unterminated string (expected a closing ')"
                                   : "unterminated string (expected a closing \")";
        t->len = 1;
        return;
    }
    t->kind = TOK_STRING;
    t->len = p + 1 - t->pos;
}

size_t lexer_unescape(const char *text, const token *t, char *out)
{
    char quote = text[t->pos];
    size_t n = 0;
    for (size_t p = t->pos + 1; p < t->pos + t->len - 1; p++) {
        char c = text[p];
        if (c == '\\') {
            char e = text[p + 1];
            if (e == quote || e == '\\' || e == '\'' || e == '"') {
                c = e;
                p++;
            }
        }
        out[n++] = c;
    }
    return n;
}

/* Operators of one or two characters. */
static bool lex_operator(const char *text, size_t textlen, token *t)
{
    char c = text[t->pos];
    char d = t->pos + 1 < textlen ? text[t->pos + 1] : '\0';
    t->len = 1;
    switch (c) {
    case '}': t->kind = TOK_RBRACE; return true;
    case '(': t->kind = TOK_LPAREN; return true;
    case ')': t->kind = TOK_RPAREN; return true;
    case ',': t->kind = TOK_COMMA; return true;
    case ':': t->kind = TOK_COLON; return true;
    case '?': t->kind = TOK_QUESTION; return true;
    case '+': t->kind = TOK_PLUS; return true;
    case '-': t->kind = TOK_MINUS; return true;
    case '*': t->kind = TOK_STAR; return true;
    case '/': t->kind = TOK_SLASH; return true;
    case '%': t->kind = TOK_MOD; return true;
    case '<': t->kind = d == '=' ? TOK_LE : TOK_LT; t->len = d == '=' ? 2 : 1; return true;
    case '>': t->kind = d == '=' ? TOK_GE : TOK_GT; t->len = d == '=' ? 2 : 1; return true;
    case '!': t->kind = d == '=' ? TOK_NE : TOK_NOT; t->len = d == '=' ? 2 : 1; return true;
    case '=':
        if (d != '=') {
            t->kind = TOK_ERROR;
            t->message = "'=' is not an operator (did you mean '=='?)";
            return true;
        }
        t->kind = TOK_EQ;
        break;
    case '&':
        if (d != '&') {
            t->kind = TOK_ERROR;
            t->message = "'&' is not an operator (did you mean '&&'?)";
            return true;
        }
        t->kind = TOK_AND;
        break;
    case '|':
        if (d != '|') {
            t->kind = TOK_ERROR;
            t->message = "'|' is not an operator (did you mean '||'?)";
            return true;
        }
        t->kind = TOK_OR;
        break;
    default: return false;
    }
    t->len = 2; /* == && || */
    return true;
}

void lexer_next(const char *text, size_t textlen, size_t pos, token *t)
{
    while (pos < textlen && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
        pos++;
    memset(t, 0, sizeof *t);
    t->pos = pos;
    if (pos >= textlen) {
        t->kind = TOK_END;
        return;
    }
    char c = text[pos];
    if (is_ident_start(c))
        lex_ident(text, textlen, t);
    else if (is_digit(c) || (c == '.' && pos + 1 < textlen && is_digit(text[pos + 1])))
        lex_number(text, textlen, t);
    else if (c == '\'' || c == '"')
        lex_string(text, textlen, t);
    else if (!lex_operator(text, textlen, t)) {
        t->kind = TOK_ERROR;
        t->len = 1;
        t->message = "unexpected character";
    }
}

const char *lexer_describe(const char *text, const token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case TOK_END: return "the end of the text (a '}' is missing)";
    case TOK_RBRACE: return "'}'";
    case TOK_STRING: return "a string";
    case TOK_LONG:
    case TOK_DOUBLE: snprintf(buf, size, "number %.*s", (int)(t->len > 24 ? 24 : t->len), text + t->pos); return buf;
    case TOK_IDENT: snprintf(buf, size, "name '%.*s'", (int)(t->len > 40 ? 40 : t->len), text + t->pos); return buf;
    default: break;
    }
    unsigned char c = (unsigned char)text[t->pos];
    if (c < 0x20 || c >= 0x7f)
        snprintf(buf, size, "byte 0x%02x", c);
    else
        snprintf(buf, size, "'%.*s'", (int)t->len, text + t->pos);
    return buf;
}
