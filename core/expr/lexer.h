/* core/expr/lexer.h — tokens inside ${...} (JSP 2.1 EL §1.19). */
#ifndef SLUICE_CORE_EXPR_LEXER_H
#define SLUICE_CORE_EXPR_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum token_kind {
    TOK_END = 0, /* end of the text: a missing '}' */
    TOK_RBRACE,  /* '}' closing the ${ */
    TOK_LONG,
    TOK_DOUBLE,
    TOK_STRING,
    TOK_IDENT,   /* names that are not keywords */
    TOK_TRUE,
    TOK_FALSE,
    TOK_NULL,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_COMMA,
    TOK_COLON,
    TOK_QUESTION,
    TOK_PLUS,
    TOK_MINUS,
    TOK_STAR,
    TOK_SLASH, /* '/' and div */
    TOK_MOD,   /* '%' and mod */
    TOK_EQ,    /* == eq */
    TOK_NE,    /* != ne */
    TOK_LT,    /* < lt */
    TOK_GT,    /* > gt */
    TOK_LE,    /* <= le */
    TOK_GE,    /* >= ge */
    TOK_AND,   /* && and */
    TOK_OR,    /* || or */
    TOK_NOT,   /* ! not */
    TOK_EMPTY,
    TOK_ERROR  /* the lexer's message is in the token */
} token_kind;

typedef struct token {
    token_kind kind;
    size_t pos, len; /* in the text, 0-based */
    int64_t l;       /* TOK_LONG */
    double d;        /* TOK_DOUBLE */
    const char *message; /* TOK_ERROR */
} token;

/* The token at text[pos] (after blanks).  A TOK_STRING's content is
 * text[pos+1 .. pos+len-1] with escapes still in it: lexer_unescape(). */
void lexer_next(const char *text, size_t textlen, size_t pos, token *t);

/* Writes the content of a string token without its quotes and with its
 * escapes resolved into out (room for t->len bytes); returns the length. */
size_t lexer_unescape(const char *text, const token *t, char *out);

/* A token described for "expected X, got Y" ("'}'", "end of text",
 * "name 'foo'", "number 12"), into buf. */
const char *lexer_describe(const char *text, const token *t, char *buf, size_t size);

#endif
