/* plugins/postgres/pg_quote.c — identifiers in statement text.
 *
 * Names (tables, columns) are never spliced raw: every one is written as a
 * quoted identifier, which PostgreSQL takes literally ("SQL Syntax",
 * 4.1.1: inside double quotes any character but NUL may appear, a double
 * quote written twice).  The names come from pg_catalog (describe), not
 * from records, so they are names that exist; quoting keeps case and odd
 * characters right.  Values are never in statement text at all: they are
 * bound parameters or COPY data. */
#include "pg.h"

void pg_quote_ident(pg_buf *b, const char *name)
{
    pg_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            pg_buf_putc(b, '"');
        pg_buf_putc(b, *p);
    }
    pg_buf_putc(b, '"');
}

void pg_quote_columns(pg_buf *b, const sql_group *group)
{
    for (size_t c = 0; c < group->n_columns; c++) {
        if (c)
            pg_buf_putc(b, ',');
        pg_quote_ident(b, group->table->columns[group->columns[c]].name);
    }
}
