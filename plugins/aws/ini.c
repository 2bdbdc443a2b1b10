/* plugins/aws/ini.c — see ini.h. */
#include "config.h"

#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#define MAX_FILE_SIZE (1024 * 1024)

typedef struct ini_entry {
    size_t section; /* index into sections */
    char *key;
    char *value;
} ini_entry;

struct aws_ini {
    char **sections;
    size_t n_sections, cap_sections;
    ini_entry *entries;
    size_t n_entries, cap_entries;
};

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void aws_ini_free(aws_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n_sections; i++)
        free(ini->sections[i]);
    for (size_t i = 0; i < ini->n_entries; i++) {
        free(ini->entries[i].key);
        wipe_free(ini->entries[i].value);
    }
    free(ini->sections);
    free(ini->entries);
    free(ini);
}

static char *trimmed_copy(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return strndup(s, n);
}

static int add_section(aws_ini *ini, const char *name, size_t n)
{
    if (ini->n_sections == ini->cap_sections) {
        size_t cap = ini->cap_sections ? ini->cap_sections * 2 : 8;
        char **p = realloc(ini->sections, cap * sizeof *p);
        if (!p)
            return -1;
        ini->sections = p;
        ini->cap_sections = cap;
    }
    char *copy = trimmed_copy(name, n);
    if (!copy)
        return -1;
    /* "[profile   dev]" is "[profile dev]": runs of white space become one space. */
    char *w = copy;
    for (const char *r = copy; *r; r++) {
        if (isspace((unsigned char)*r)) {
            if (w > copy && w[-1] == ' ')
                continue;
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    ini->sections[ini->n_sections++] = copy;
    return 0;
}

/* The value without an inline comment (a '#' or ';' after white space). */
static size_t value_length(const char *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if ((v[i] == '#' || v[i] == ';') && isspace((unsigned char)v[i - 1]))
            return i;
    return n;
}

static int add_entry(aws_ini *ini, const char *line, size_t n)
{
    const char *eq = memchr(line, '=', n);
    if (!eq || !ini->n_sections)
        return 0; /* not a setting, or outside any section: ignored */
    if (ini->n_entries == ini->cap_entries) {
        size_t cap = ini->cap_entries ? ini->cap_entries * 2 : 16;
        ini_entry *p = realloc(ini->entries, cap * sizeof *p);
        if (!p)
            return -1;
        ini->entries = p;
        ini->cap_entries = cap;
    }
    const char *v = eq + 1;
    size_t vn = (size_t)(line + n - v);
    ini_entry e = {ini->n_sections - 1, trimmed_copy(line, (size_t)(eq - line)),
                   trimmed_copy(v, value_length(v, vn))};
    if (!e.key || !e.value) {
        free(e.key);
        wipe_free(e.value);
        return -1;
    }
    ini->entries[ini->n_entries++] = e;
    return 0;
}

static int parse_line(aws_ini *ini, const char *line, size_t n)
{
    if (n && (line[0] == ' ' || line[0] == '\t'))
        return 0; /* a nested setting: not one sluice reads */
    while (n && isspace((unsigned char)line[n - 1]))
        n--;
    if (!n || line[0] == '#' || line[0] == ';')
        return 0;
    if (line[0] == '[') {
        const char *close = memchr(line, ']', n);
        return close ? add_section(ini, line + 1, (size_t)(close - line - 1)) : 0;
    }
    return add_entry(ini, line, n);
}

aws_ini *aws_ini_parse(const char *text, size_t len)
{
    aws_ini *ini = calloc(1, sizeof *ini);
    if (!ini)
        return NULL;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (parse_line(ini, p, (size_t)(eol - p)) != 0) {
            aws_ini_free(ini);
            errno = ENOMEM;
            return NULL;
        }
        p = eol + 1;
    }
    return ini;
}

aws_ini *aws_ini_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = malloc(MAX_FILE_SIZE + 1);
    size_t len = text ? fread(text, 1, MAX_FILE_SIZE + 1, f) : 0;
    int read_error = ferror(f);
    fclose(f);
    aws_ini *ini = NULL;
    if (!text)
        errno = ENOMEM;
    else if (read_error)
        errno = EIO;
    else if (len > MAX_FILE_SIZE)
        errno = EFBIG;
    else
        ini = aws_ini_parse(text, len);
    if (text) {
        OPENSSL_cleanse(text, len);
        free(text);
    }
    return ini;
}

const char *aws_ini_get(const aws_ini *ini, const char *section, const char *key)
{
    for (size_t i = ini->n_entries; i-- > 0;) {
        const ini_entry *e = &ini->entries[i];
        if (strcmp(ini->sections[e->section], section) == 0 && strcasecmp(e->key, key) == 0)
            return e->value;
    }
    return NULL;
}

bool aws_ini_has_section(const aws_ini *ini, const char *section)
{
    for (size_t i = 0; i < ini->n_sections; i++)
        if (strcmp(ini->sections[i], section) == 0)
            return true;
    return false;
}
