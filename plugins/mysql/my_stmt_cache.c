/* plugins/mysql/my_stmt_cache.c — prepared INSERTs kept per connection.
 *
 * A steady stream writes the same shapes over and over (one table, the
 * same columns, the batch size's rows): preparing once saves a round trip
 * and the server's parse of thousands of placeholders per statement.
 * Bisection makes short-lived shapes, so the cache is small and evicts the
 * least recently used statement. */
#include "my_backend.h"

#include <stdlib.h>
#include <string.h>

MYSQL_STMT *my_stmt_cache_find(my_stmt_cache *cache, const char *key, size_t rows)
{
    for (size_t i = 0; i < MY_STMT_CACHE_SIZE; i++) {
        my_stmt_entry *e = &cache->entries[i];
        if (e->stmt && e->rows == rows && strcmp(e->key, key) == 0) {
            e->last_use = ++cache->clock;
            return e->stmt;
        }
    }
    return NULL;
}

static void entry_clear(my_stmt_entry *e)
{
    if (e->stmt)
        mysql_stmt_close(e->stmt);
    free(e->key);
    *e = (my_stmt_entry){0};
}

bool my_stmt_cache_put(my_stmt_cache *cache, const char *key, size_t rows, MYSQL_STMT *stmt)
{
    my_stmt_entry *victim = &cache->entries[0];
    for (size_t i = 0; i < MY_STMT_CACHE_SIZE; i++) {
        my_stmt_entry *e = &cache->entries[i];
        if (!e->stmt) {
            victim = e;
            break;
        }
        if (e->last_use < victim->last_use)
            victim = e;
    }
    entry_clear(victim);
    char *copy = strdup(key);
    if (!copy) {
        mysql_stmt_close(stmt);
        return false;
    }
    *victim = (my_stmt_entry){.key = copy, .rows = rows, .stmt = stmt, .last_use = ++cache->clock};
    return true;
}

void my_stmt_cache_clear(my_stmt_cache *cache)
{
    for (size_t i = 0; i < MY_STMT_CACHE_SIZE; i++)
        entry_clear(&cache->entries[i]);
    cache->clock = 0;
}
