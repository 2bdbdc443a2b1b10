/* plugins/sql/convert.h — a field's value in its column's type (the text
 * forms documented at sql_value in sql.h), and the date/time text behind
 * it.  Internal to plugins/sql. */
#ifndef SLUICE_PLUGINS_SQL_CONVERT_H
#define SLUICE_PLUGINS_SQL_CONVERT_H

#include <sluice/format.h>

#include "sql.h"

/* What a conversion needs besides the value: reused, per sink instance. */
typedef struct sql_converter {
    sluice_buf *json;   /* scratch for LIST / MAP as JSON text */
    bool has_nonfinite; /* the backend's FLOAT columns take NaN, +-Infinity */
} sql_converter;

/* Converts `field` (not NULL; a NULL field gives SQL NULL) for `column`
 * into *out, its text in `batch`'s arena.  Returns true, or false with the
 * reason in `why` ("'abc' is not a number"), quoting at most 64 bytes of
 * the value. */
bool sql_convert(const sql_converter *cv, sluice_batch *batch, const sluice_field *field, const sql_column *column,
                 sql_value *out, char *why, size_t whysize);

/* number_text.c: an integer's text (buf >= 21 bytes), and a double's
 * shortest text that reads back as the same double ("0.1", "NaN",
 * "-Infinity"; buf >= 32 bytes).  Both return the length. */
size_t sql_format_int(int64_t v, char *buf);
size_t sql_format_double(double d, char *buf, size_t size);
/* |n| with a point k digits from the right, as a DECIMAL's canonical text
 * ("-12.50", "0.005"); buf >= 24 + k bytes.  Returns the length. */
size_t sql_format_scaled(int64_t n, size_t k, char *buf);
/* strtod in the "C" locale, whatever the process's locale is. */
double sql_strtod(const char *s, char **end);

/* The lower-case name of a sql_type ("timestamp"), for messages. */
const char *sql_type_name(sql_type type);

/* sql_time.c: reading (see there for the accepted forms) ... */
bool sql_parse_timestamp(const char *text, size_t len, int64_t *epoch_us);
bool sql_parse_time(const char *text, size_t len, int64_t *us_of_day);
/* ... and writing: false when the year is outside 0001-9999. */
bool sql_format_timestamp(int64_t epoch_us, char *buf, size_t size); /* size >= 32 */
bool sql_format_date(int64_t epoch_us, char *buf, size_t size);      /* size >= 16 */
size_t sql_format_time(int64_t us_of_day, char *buf, size_t size);   /* size >= 16 */
int64_t sql_time_of_day(int64_t epoch_us);

#endif
