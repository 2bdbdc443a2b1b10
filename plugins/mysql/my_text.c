/* plugins/mysql/my_text.c — a growable text buffer for statement text,
 * reused across calls so steady writes do not allocate. */
#include "my_backend.h"

#include <stdlib.h>
#include <string.h>

void my_text_reset(my_text *t)
{
    t->len = 0;
    if (t->data)
        t->data[0] = '\0';
}

bool my_text_append(my_text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->data, cap);
        if (!p)
            return false;
        t->data = p;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    return true;
}

bool my_text_puts(my_text *t, const char *s)
{
    return my_text_append(t, s, strlen(s));
}

bool my_text_ident(my_text *t, const char *name)
{
    if (!my_text_append(t, "`", 1))
        return false;
    for (const char *p = name; *p; p++) {
        const char *tick = strchr(p, '`');
        size_t n = tick ? (size_t)(tick - p) + 1 : strlen(p);
        if (!my_text_append(t, p, n) || (tick && !my_text_append(t, "`", 1)))
            return false;
        p += n - 1;
    }
    return my_text_append(t, "`", 1);
}

void my_text_free(my_text *t)
{
    free(t->data);
    *t = (my_text){0};
}
