/* core/expr/functions.c — finding a function by its "namespace:name"
 * among the namespaces' tables (fn_record.c, fn_str.c, fn_math.c,
 * fn_time.c, fn_misc.c).  Only at compile time: a call node keeps the
 * function's address. */
#include "config.h"

#include <string.h>

#include "expr/expr_impl.h"

static const expr_function *const tables[] = {expr_fn_record, expr_fn_str, expr_fn_math, expr_fn_time, expr_fn_misc};

const expr_function *expr_function_find(const char *name, size_t len)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const expr_function *f = tables[t]; f->name; f++)
            if (strlen(f->name) == len && !memcmp(f->name, name, len))
                return f;
    return NULL;
}
