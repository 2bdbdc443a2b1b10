/* core/config/suggest.c — "did you mean": the closest candidate by
 * optimal-string-alignment distance (Levenshtein plus swapping two
 * neighbours, as in "recrods"), ignoring ASCII case. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "config/schema.h"

/* Words longer than this get no suggestion: keeps the rows on the stack. */
#define SUGGEST_MAX_LEN 128

static int fold(char c)
{
    return tolower((unsigned char)c);
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Distance between a (n bytes) and b (m bytes), both <= SUGGEST_MAX_LEN. */
static size_t osa_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]) &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *suggest_closest(const char *word, const char *const *candidates)
{
    if (!word || !candidates)
        return NULL;
    size_t n = strlen(word);
    if (n > SUGGEST_MAX_LEN)
        return NULL;
    /* A third of the word may be wrong, at least one character: "strin"
     * finds "string", but "id" does not find "op". */
    size_t limit = n / 3 > 1 ? n / 3 : 1;
    const char *best = NULL;
    size_t best_distance = limit + 1;
    for (size_t i = 0; candidates[i]; i++) {
        size_t m = strlen(candidates[i]);
        if (m > SUGGEST_MAX_LEN || (m > n ? m - n : n - m) > limit)
            continue;
        size_t dist = osa_distance(word, n, candidates[i], m);
        if (dist < best_distance) {
            best = candidates[i];
            best_distance = dist;
        }
    }
    return best;
}
