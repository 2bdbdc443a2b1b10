/* plugins/mysql/my_types.c — what a MariaDB / MySQL column's values are
 * converted to, from information_schema.COLUMNS' DATA_TYPE (the bare type
 * name, lower case) and COLUMN_TYPE (with length and "unsigned"). */
#include "my_backend.h"

#include <stdint.h>
#include <string.h>

typedef struct int_range {
    const char *name;
    int64_t min, max, umax;
} int_range;

/* MariaDB KB "Numeric Data Type Overview".  BIGINT UNSIGNED goes up to
 * 2^64-1, which INT (int64) cannot hold: its range is cut at INT64_MAX. */
static const int_range int_ranges[] = {
    {"tinyint", INT8_MIN, INT8_MAX, UINT8_MAX},
    {"smallint", INT16_MIN, INT16_MAX, UINT16_MAX},
    {"mediumint", -8388608, 8388607, 16777215},
    {"int", INT32_MIN, INT32_MAX, UINT32_MAX},
    {"bigint", INT64_MIN, INT64_MAX, INT64_MAX},
};

static bool is_one_of(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(s, *names) == 0)
            return true;
    return false;
}

static bool int_type(sql_column *col, const char *data_type, const char *column_type)
{
    for (size_t i = 0; i < sizeof int_ranges / sizeof int_ranges[0]; i++) {
        const int_range *r = &int_ranges[i];
        if (strcmp(data_type, r->name) != 0)
            continue;
        bool is_unsigned = strstr(column_type, "unsigned") != NULL;
        col->type = SQL_TYPE_INT;
        col->min = is_unsigned ? 0 : r->min;
        col->max = is_unsigned ? r->umax : r->max;
        return true;
    }
    if (strcmp(data_type, "year") == 0) { /* 1901..2155, and 0000 */
        col->type = SQL_TYPE_INT;
        col->min = 0;
        col->max = 2155;
        return true;
    }
    return false;
}

void my_column_type(sql_column *col, const char *data_type, const char *column_type)
{
    static const char *const floats[] = {"float", "double", "real", NULL};
    static const char *const timestamps[] = {"datetime", "timestamp", NULL};
    static const char *const bytes[] = {"tinyblob", "blob", "mediumblob", "longblob", "binary", "varbinary", NULL};

    col->min = col->max = 0;
    /* BOOL and BOOLEAN are synonyms of TINYINT(1): the display width is
     * the only trace they leave (MariaDB KB "BOOLEAN"). */
    if (strncmp(column_type, "tinyint(1)", 10) == 0)
        col->type = SQL_TYPE_BOOL;
    else if (int_type(col, data_type, column_type))
        return;
    else if (is_one_of(data_type, floats))
        col->type = SQL_TYPE_FLOAT;
    else if (strcmp(data_type, "decimal") == 0)
        col->type = SQL_TYPE_DECIMAL;
    else if (strcmp(data_type, "date") == 0)
        col->type = SQL_TYPE_DATE;
    else if (strcmp(data_type, "time") == 0)
        col->type = SQL_TYPE_TIME;
    else if (is_one_of(data_type, timestamps))
        col->type = SQL_TYPE_TIMESTAMP;
    else if (is_one_of(data_type, bytes))
        col->type = SQL_TYPE_BYTES;
    else if (strcmp(data_type, "json") == 0) /* MySQL; MariaDB's JSON is a LONGTEXT */
        col->type = SQL_TYPE_JSON;
    else
        col->type = SQL_TYPE_TEXT;
}
