/* core/record/path.c — SDC field paths (DESIGN §2).
 *
 * Syntax, as in StreamSets Data Collector:
 *   ""  or "/"        the root field
 *   /name             a MAP entry; a name is any bytes but / [ ] ' " *
 *   /'odd key'        a quoted name ('...' or "..."), where \\ \' \" stand
 *                     for the character after the backslash
 *   [2]               a LIST item, 0-based
 * e.g. /orders[0]/'unit price'.  A path is compiled once into an array of
 * steps; wildcards ("/ *", "[*]") are refused for now and would become two
 * more step kinds and a walker that visits several fields. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

typedef enum path_step_kind {
    PATH_KEY,   /* MAP entry by name */
    PATH_INDEX, /* LIST item by position */
} path_step_kind;

typedef struct path_step {
    path_step_kind kind;
    uint32_t key_len;
    const char *key; /* PATH_KEY: unescaped, NUL-terminated */
    size_t index;    /* PATH_INDEX */
} path_step;

/* One malloc holds the path, its steps, its text and its unescaped keys. */
struct sluice_path {
    const char *text;
    size_t n_steps;
    path_step *steps;
};

/* ---- compiling ---------------------------------------------------------- */

typedef struct path_parser {
    const char *text;
    size_t len, pos;
    char *keys; /* where the next unescaped key goes */
    char *err;
    size_t errsize;
} path_parser;

/* Writes "column N: message" for the byte at `pos` (0-based). */
static SLUICE_PRINTF(3, 4) void path_error(path_parser *p, size_t pos, const char *fmt, ...)
{
    if (p->errsize == 0)
        return;
    int n = snprintf(p->err, p->errsize, "column %zu: ", pos + 1);
    if (n < 0 || (size_t)n >= p->errsize)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
    va_end(ap);
}

static int is_name_char(char c)
{
    return c != '/' && c != '[' && c != ']' && c != '\'' && c != '"' && c != '*';
}

/* Copies key bytes into the key storage; returns the key. */
static const char *path_store_key(path_parser *p, const char *s, size_t n)
{
    char *key = p->keys;
    memcpy(key, s, n);
    key[n] = '\0';
    p->keys += n + 1;
    return key;
}

static int parse_unquoted(path_parser *p, path_step *step)
{
    size_t start = p->pos;
    while (p->pos < p->len && p->text[p->pos] != '/' && p->text[p->pos] != '[') {
        char c = p->text[p->pos];
        if (c == '*') {
            path_error(p, p->pos, "wildcards are not supported");
            return -1;
        }
        if (!is_name_char(c)) {
            path_error(p, p->pos, "unexpected '%c' in a field name (quote the name: /'...')", c);
            return -1;
        }
        p->pos++;
    }
    if (p->pos == start) {
        path_error(p, p->pos, "expected a field name after '/'");
        return -1;
    }
    step->kind = PATH_KEY;
    step->key_len = (uint32_t)(p->pos - start);
    step->key = path_store_key(p, p->text + start, p->pos - start);
    return 0;
}

static int parse_quoted(path_parser *p, path_step *step)
{
    size_t open = p->pos;
    char quote = p->text[p->pos++];
    char *key = p->keys;
    size_t n = 0;
    for (;;) {
        if (p->pos == p->len) {
            path_error(p, open, "unterminated quoted name (expected a closing %c)", quote);
            return -1;
        }
        char c = p->text[p->pos++];
        if (c == quote)
            break;
        if (c == '\\') {
            char e = p->pos < p->len ? p->text[p->pos] : '\0';
            if (e != '\\' && e != '\'' && e != '"') {
                path_error(p, p->pos - 1, "invalid escape in quoted name (expected \\\\, \\' or \\\")");
                return -1;
            }
            c = e;
            p->pos++;
        }
        key[n++] = c;
    }
    key[n] = '\0';
    p->keys += n + 1;
    if (p->pos < p->len && p->text[p->pos] != '/' && p->text[p->pos] != '[') {
        path_error(p, p->pos, "expected '/' or '[' after a quoted name");
        return -1;
    }
    step->kind = PATH_KEY;
    step->key_len = (uint32_t)n;
    step->key = key;
    return 0;
}

/* "[digits]", at p->pos on the '['. */
static int parse_index(path_parser *p, path_step *step)
{
    size_t start = ++p->pos;
    size_t index = 0;
    if (p->pos < p->len && p->text[p->pos] == '*') {
        path_error(p, p->pos, "wildcards are not supported");
        return -1;
    }
    while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9') {
        size_t digit = (size_t)(p->text[p->pos] - '0');
        if (index > (SIZE_MAX - digit) / 10 || index * 10 + digit > UINT32_MAX) {
            path_error(p, start, "list index too large");
            return -1;
        }
        index = index * 10 + digit;
        p->pos++;
    }
    if (p->pos == start) {
        path_error(p, p->pos, "expected a list index (digits)");
        return -1;
    }
    if (p->pos == p->len || p->text[p->pos] != ']') {
        path_error(p, p->pos, "expected ']'");
        return -1;
    }
    p->pos++;
    step->kind = PATH_INDEX;
    step->index = index;
    step->key = NULL;
    step->key_len = 0;
    return 0;
}

static int parse_step(path_parser *p, path_step *step)
{
    char c = p->text[p->pos];
    if (c == '[')
        return parse_index(p, step);
    if (c != '/') {
        path_error(p, p->pos, "expected '/' or '['");
        return -1;
    }
    p->pos++;
    if (p->pos == p->len) {
        path_error(p, p->pos, "expected a field name after '/'");
        return -1;
    }
    c = p->text[p->pos];
    if (c == '\'' || c == '"')
        return parse_quoted(p, step);
    return parse_unquoted(p, step);
}

SLUICE_API sluice_path *sluice_path_compile(const char *text, char *err, size_t errsize)
{
    size_t len = strlen(text);
    /* Every step takes at least two characters of text, and every key with
     * its NUL fits in the characters it was written with. */
    size_t max_steps = len / 2 + 1;
    size_t size = sizeof(sluice_path) + max_steps * sizeof(path_step) + 2 * (len + 1);
    sluice_path *path = malloc(size);
    if (!path) {
        fprintf(stderr, "sluice: out of memory (path of %zu bytes)\n", len);
        abort();
    }
    path->steps = (path_step *)(path + 1);
    char *text_copy = (char *)(path->steps + max_steps);
    memcpy(text_copy, text, len + 1);
    path->text = text_copy;
    path->n_steps = 0;

    path_parser p = {.text = text, .len = len, .keys = text_copy + len + 1, .err = err, .errsize = errsize};
    if (len == 1 && text[0] == '/')
        return path;
    while (p.pos < p.len) {
        if (parse_step(&p, &path->steps[path->n_steps]) != 0) {
            free(path);
            return NULL;
        }
        path->n_steps++;
    }
    return path;
}

SLUICE_API void sluice_path_free(sluice_path *path)
{
    free(path);
}

SLUICE_API const char *sluice_path_text(const sluice_path *path)
{
    return path->text;
}

/* ---- walking ------------------------------------------------------------ */

/* The child of `f` for one step, or NULL (also when f has the wrong type). */
static sluice_field *step_get(const sluice_field *f, const path_step *step)
{
    if (step->kind == PATH_KEY)
        return sluice_map_get(f, step->key, step->key_len);
    return sluice_list_get(f, step->index);
}

/* The field after the first n steps. */
static sluice_field *path_walk(const sluice_record *record, const sluice_path *path, size_t n)
{
    sluice_field *f = record->root;
    for (size_t i = 0; i < n && f; i++)
        f = step_get(f, &path->steps[i]);
    return f;
}

SLUICE_API sluice_field *sluice_path_get(const sluice_record *record, const sluice_path *path)
{
    return path_walk(record, path, path->n_steps);
}

/* Whether `f` is the container a step looks into. */
static bool step_fits(const sluice_field *f, const path_step *step)
{
    return f->type == (step->kind == PATH_KEY ? SLUICE_MAP : SLUICE_LIST);
}

/* A new container for `step` holding `value` at it: a MAP for a key, a LIST
 * for index 0 (a new list has no other index).  NULL for another index. */
static sluice_field *step_wrap(sluice_batch *batch, const path_step *step, sluice_field *value)
{
    if (step->kind == PATH_KEY) {
        sluice_field *map = sluice_field_new_map(batch, 1);
        sluice_map_put(batch, map, step->key, step->key_len, value);
        return map;
    }
    if (step->index != 0)
        return NULL;
    sluice_field *list = sluice_field_new_list(batch, 1);
    sluice_list_append(batch, list, value);
    return list;
}

/* Builds the missing tail for steps [from, n) around `value`, innermost
 * first, so that nothing is attached to the record unless all of it can be. */
static sluice_field *build_tail(sluice_batch *batch, const sluice_path *path, size_t from, sluice_field *value)
{
    for (size_t j = path->n_steps; j > from; j--) {
        value = step_wrap(batch, &path->steps[j - 1], value);
        if (!value)
            return NULL;
    }
    return value;
}

/* Puts `value` into container `f` at `step`: replaces, or adds the key or
 * the next index. */
static int step_put(sluice_batch *batch, sluice_field *f, const path_step *step, sluice_field *value)
{
    if (!step_fits(f, step))
        return SLUICE_ERROR;
    if (step->kind == PATH_KEY) {
        sluice_map_put(batch, f, step->key, step->key_len, value);
        return SLUICE_OK;
    }
    if (step->index < f->len)
        f->v.items[step->index] = value;
    else if (step->index == f->len)
        sluice_list_append(batch, f, value);
    else
        return SLUICE_ERROR;
    return SLUICE_OK;
}

SLUICE_API int sluice_path_set(sluice_batch *batch, sluice_record *record, const sluice_path *path,
                               sluice_field *value)
{
    size_t n = path->n_steps;
    if (n == 0 || !record->root) {
        sluice_field *root = build_tail(batch, path, 0, value);
        if (!root)
            return SLUICE_ERROR;
        record->root = root;
        return SLUICE_OK;
    }
    sluice_field *f = record->root;
    for (size_t i = 0; i + 1 < n; i++) {
        const path_step *step = &path->steps[i];
        if (!step_fits(f, step))
            return SLUICE_ERROR;
        sluice_field *child = step_get(f, step);
        if (!child) {
            /* The tail is only attached once it is complete, and step_put()
             * refuses an index past the end: a failure changes nothing. */
            sluice_field *tail = build_tail(batch, path, i + 1, value);
            if (!tail)
                return SLUICE_ERROR;
            return step_put(batch, f, step, tail);
        }
        f = child;
    }
    return step_put(batch, f, &path->steps[n - 1], value);
}

SLUICE_API bool sluice_path_remove(sluice_record *record, const sluice_path *path)
{
    size_t n = path->n_steps;
    if (n == 0)
        return false;
    sluice_field *parent = path_walk(record, path, n - 1);
    const path_step *step = &path->steps[n - 1];
    if (!parent || !step_fits(parent, step))
        return false;
    if (step->kind == PATH_KEY)
        return sluice_map_remove(parent, step->key, step->key_len);
    if (step->index >= parent->len)
        return false;
    sluice_field **items = parent->v.items;
    memmove(&items[step->index], &items[step->index + 1], (parent->len - step->index - 1) * sizeof *items);
    parent->len--;
    return true;
}

SLUICE_API sluice_field *sluice_record_get(const sluice_record *record, const char *path)
{
    sluice_path *compiled = sluice_path_compile(path, NULL, 0);
    if (!compiled)
        return NULL;
    sluice_field *f = sluice_path_get(record, compiled);
    sluice_path_free(compiled);
    return f;
}
