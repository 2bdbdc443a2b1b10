/* core/record/path.c — SDC field paths (DESIGN §2).
 *
 * Syntax, as in StreamSets Data Collector:
 *   ""  or "/"        the root field
 *   /name             a MAP entry; a name is any bytes but / [ ] ' " *
 *   /'odd key'        a quoted name ('...' or "..."), where \\ \' \" stand
 *                     for the character after the backslash
 *   [2]               a LIST item, 0-based
 *   / *               (no space) every entry of a MAP; a whole step: "/a*" is refused
 *   [*]               every item of a LIST
 * e.g. /orders[0]/'unit price', /orders[*]/price.  A path is compiled once
 * into an array of steps.  The wildcards are SDC's ("Wildcard Use for Arrays
 * and Maps" in the Data Collector docs: "/ *" for every map key, "[*]" for
 * every list index); a path with one addresses a set of fields, visited by
 * sluice_path_foreach(). */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

typedef enum path_step_kind {
    PATH_KEY,       /* MAP entry by name */
    PATH_INDEX,     /* LIST item by position */
    PATH_ANY_KEY,   /* / *: every MAP entry */
    PATH_ANY_INDEX, /* [*]: every LIST item */
} path_step_kind;

typedef struct path_step {
    path_step_kind kind;
    uint32_t key_len;
    const char *key; /* PATH_KEY: unescaped, NUL-terminated */
    size_t index;    /* PATH_INDEX */
    /* PATH_KEY: where in its map the key was found last (see step_find). */
    _Atomic uint32_t hint;
} path_step;

/* One malloc holds the path, its steps, its text and its unescaped keys. */
struct sluice_path {
    const char *text;
    size_t n_steps;
    path_step *steps;
    bool wildcard; /* a step is PATH_ANY_KEY or PATH_ANY_INDEX */
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

/* Whether text[pos] starts "*" as a whole step: followed by the end, '/'
 * or '['. */
static bool whole_star(const path_parser *p, size_t pos)
{
    return p->text[pos] == '*' && (pos + 1 == p->len || p->text[pos + 1] == '/' || p->text[pos + 1] == '[');
}

static int parse_unquoted(path_parser *p, path_step *step)
{
    size_t start = p->pos;
    if (whole_star(p, start)) {
        p->pos++;
        *step = (path_step){.kind = PATH_ANY_KEY};
        return 0;
    }
    while (p->pos < p->len && p->text[p->pos] != '/' && p->text[p->pos] != '[') {
        char c = p->text[p->pos];
        if (c == '*') {
            /* SDC documents * only in place of a whole key or index. */
            path_error(p, p->pos, "a wildcard must be a whole step (/* or [*]); quote a name with '*' in it: /'a*'");
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
        if (p->pos + 1 == p->len || p->text[p->pos + 1] != ']') {
            path_error(p, p->pos + 1, "expected ']' after '[*'");
            return -1;
        }
        p->pos += 2;
        *step = (path_step){.kind = PATH_ANY_INDEX};
        return 0;
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
    path->wildcard = false;

    path_parser p = {.text = text, .len = len, .keys = text_copy + len + 1, .err = err, .errsize = errsize};
    if (len == 1 && text[0] == '/')
        return path;
    while (p.pos < p.len) {
        if (parse_step(&p, &path->steps[path->n_steps]) != 0) {
            free(path);
            return NULL;
        }
        atomic_init(&path->steps[path->n_steps].hint, 0);
        path_step_kind kind = path->steps[path->n_steps++].kind;
        path->wildcard |= kind == PATH_ANY_KEY || kind == PATH_ANY_INDEX;
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

SLUICE_API bool sluice_path_has_wildcard(const sluice_path *path)
{
    return path->wildcard;
}

/* ---- walking ------------------------------------------------------------ */

/* The index of a PATH_KEY step's key in MAP f, or -1.  Records of one
 * shape have a key at the same place, so the place it was found last is
 * tried before the scan (a map lookup was most of the cost of the fields
 * stages: bench/fields.sh).  The hint is the only thing in a compiled path
 * that changes: paths are shared by runner threads, so it is a relaxed
 * atomic, and a hint another thread moved only costs a scan.  Keys are
 * unique in a map, so a hit is the match a scan would find. */
static long step_find(const sluice_field *f, const path_step *step)
{
    /* Compiled paths live in malloc'd memory: writing the hint through a
     * pointer that was const is defined. */
    path_step *hinted = (path_step *)step;
    uint32_t h = atomic_load_explicit(&hinted->hint, memory_order_relaxed);
    if (h < f->len) {
        const map_entry *e = &f->v.entries[h];
        if (e->key_len == step->key_len && memcmp(e->key, step->key, step->key_len) == 0)
            return h;
    }
    long i = map_find(f, step->key, step->key_len);
    if (i >= 0)
        atomic_store_explicit(&hinted->hint, (uint32_t)i, memory_order_relaxed);
    return i;
}

/* The child of `f` for one step, or NULL (also when f has the wrong type,
 * and for a wildcard step, which has no single child). */
static sluice_field *step_get(const sluice_field *f, const path_step *step)
{
    switch (step->kind) {
    case PATH_KEY: {
        if (!f || f->type != SLUICE_MAP)
            return NULL;
        long i = step_find(f, step);
        return i < 0 ? NULL : f->v.entries[i].value;
    }
    case PATH_INDEX: return sluice_list_get(f, step->index);
    default: return NULL;
    }
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
    bool map = step->kind == PATH_KEY || step->kind == PATH_ANY_KEY;
    return f->type == (map ? SLUICE_MAP : SLUICE_LIST);
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
        long i = step_find(f, step);
        if (i >= 0)
            f->v.entries[i].value = value;
        else /* a new key: copied, as sluice_map_put() does */
            sluice_map_append_static(batch, f, sluice_batch_strndup(batch, step->key, step->key_len), step->key_len,
                                     value);
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
    if (path->wildcard) /* a value goes to one place: see sluice_path_foreach() */
        return SLUICE_ERROR;
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

/* ---- visiting every match -------------------------------------------------- */

/* One level of a walk: the concrete key or index a step took, linked to the
 * level above, so that a match's concrete path can be written on demand
 * without building text for every field visited. */
typedef struct match_level {
    const struct match_level *up;
    const char *key; /* NULL: a list index */
    size_t key_len, index;
} match_level;

struct sluice_path_match {
    const sluice_path *path;
    const match_level *last; /* the deepest level; NULL for the root */
};

typedef struct path_walker {
    const sluice_path *path;
    size_t n_steps; /* how many of the path's steps to walk */
    sluice_path_visit_fn visit;
    void *arg;
} path_walker;

static int walk_from(const path_walker *w, sluice_field **slot, size_t i, const match_level *up);

/* Walks on into the child in `slot`, reached by key or index. */
static int walk_child(const path_walker *w, sluice_field **slot, size_t i, const match_level *up, const char *key,
                      size_t key_len, size_t index)
{
    match_level level = {.up = up, .key = key, .key_len = key_len, .index = index};
    return walk_from(w, slot, i + 1, &level);
}

/* Visits every field the steps [i, n_steps) lead to from *slot.  Items
 * are re-counted at every turn so that a visit may empty the container it
 * was handed (sluice_path_remove's does). */
static int walk_from(const path_walker *w, sluice_field **slot, size_t i, const match_level *up)
{
    if (i == w->n_steps) {
        sluice_path_match match = {.path = w->path, .last = up};
        return w->visit(slot, &match, w->arg);
    }
    sluice_field *f = *slot;
    const path_step *step = &w->path->steps[i];
    if (!f || !step_fits(f, step))
        return SLUICE_OK;
    int rc = SLUICE_OK;
    switch (step->kind) {
    case PATH_KEY: {
        long j = step_find(f, step);
        if (j >= 0)
            rc = walk_child(w, &f->v.entries[j].value, i, up, step->key, step->key_len, 0);
        break;
    }
    case PATH_INDEX:
        if (step->index < f->len)
            rc = walk_child(w, &f->v.items[step->index], i, up, NULL, 0, step->index);
        break;
    case PATH_ANY_KEY:
        for (uint32_t j = 0; j < f->len && rc == SLUICE_OK; j++) {
            map_entry *e = &f->v.entries[j];
            rc = walk_child(w, &e->value, i, up, e->key, e->key_len, 0);
        }
        break;
    case PATH_ANY_INDEX:
        for (uint32_t j = 0; j < f->len && rc == SLUICE_OK; j++)
            rc = walk_child(w, &f->v.items[j], i, up, NULL, 0, j);
        break;
    }
    return rc;
}

SLUICE_API int sluice_path_foreach(sluice_record *record, const sluice_path *path, sluice_path_visit_fn visit,
                                   void *arg)
{
    path_walker w = {.path = path, .n_steps = path->n_steps, .visit = visit, .arg = arg};
    if (!record->root)
        return SLUICE_OK;
    return walk_from(&w, &record->root, 0, NULL);
}

/* snprintf-style output: counts every byte, stores what fits. */
typedef struct text_out {
    char *buf;
    size_t size, len;
} text_out;

static void out_bytes(text_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, o->len++)
        if (o->len + 1 < o->size)
            o->buf[o->len] = s[i];
}

/* A key as a path step: /name, or /'...' quoted (\ and ' escaped) when the
 * name is empty, has a character a bare name cannot, or a blank (legal
 * bare, but easy to misread in a message). */
static void out_key(text_out *o, const char *key, size_t len)
{
    bool bare = len > 0;
    for (size_t i = 0; i < len && bare; i++)
        bare = is_name_char(key[i]) && key[i] != ' ' && key[i] != '\t';
    out_bytes(o, bare ? "/" : "/'", bare ? 1 : 2);
    for (size_t i = 0; i < len; i++) {
        if (!bare && (key[i] == '\\' || key[i] == '\''))
            out_bytes(o, "\\", 1);
        out_bytes(o, &key[i], 1);
    }
    if (!bare)
        out_bytes(o, "'", 1);
}

/* The levels from the root down: the deepest is reached first. */
static void out_levels(text_out *o, const match_level *level)
{
    if (!level)
        return;
    out_levels(o, level->up);
    if (level->key) {
        out_key(o, level->key, level->key_len);
    } else {
        char index[32];
        int n = snprintf(index, sizeof index, "[%zu]", level->index);
        out_bytes(o, index, (size_t)n);
    }
}

SLUICE_API size_t sluice_path_match_text(const sluice_path_match *match, char *buf, size_t size)
{
    text_out o = {.buf = buf, .size = size};
    if (!match->path->wildcard || !match->last)
        out_bytes(&o, match->path->text, strlen(match->path->text));
    else
        out_levels(&o, match->last);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

/* ---- removing ------------------------------------------------------------------ */

/* Removes what `step` picks out of container f: true if anything. */
static bool remove_child(sluice_field *f, const path_step *step)
{
    if (!f || !step_fits(f, step))
        return false;
    switch (step->kind) {
    case PATH_KEY: return sluice_map_remove(f, step->key, step->key_len);
    case PATH_INDEX: {
        if (step->index >= f->len)
            return false;
        sluice_field **items = f->v.items;
        memmove(&items[step->index], &items[step->index + 1], (f->len - step->index - 1) * sizeof *items);
        f->len--;
        return true;
    }
    default: { /* every entry or item: the container stays, empty (as SDC's Field Remover leaves it) */
        bool any = f->len > 0;
        f->len = 0;
        return any;
    }
    }
}

typedef struct remove_job {
    const path_step *last;
    bool removed;
} remove_job;

static int remove_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    (void)match;
    remove_job *job = arg;
    job->removed |= remove_child(*slot, job->last);
    return SLUICE_OK;
}

SLUICE_API bool sluice_path_remove(sluice_record *record, const sluice_path *path)
{
    size_t n = path->n_steps;
    if (n == 0 || !record->root)
        return false;
    /* Every parent the path leads to, then the last step in each. */
    remove_job job = {.last = &path->steps[n - 1]};
    path_walker w = {.path = path, .n_steps = n - 1, .visit = remove_visit, .arg = &job};
    walk_from(&w, &record->root, 0, NULL);
    return job.removed;
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
