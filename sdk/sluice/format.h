/* sluice/format.h — growable buffers and the JSON form of records.
 *
 * JSON form (DESIGN §2): DECIMAL as a JSON number with its exact digits,
 * DATETIME as RFC 3339 UTC ("2013-01-13T04:36:00Z", with .mmm or .uuuuuu
 * only when the fraction is not zero), BYTES as base64 (RFC 4648 §4), other
 * types as their natural JSON value.  Parsing maps JSON back to NULL, BOOL,
 * INT (integers that fit int64), DECIMAL (larger integers), DOUBLE (other
 * numbers), STRING, LIST and MAP; numbers keep their text, so that "12.50"
 * is written back as 12.50.
 *
 * These functions are reentrant: any thread may call them on its own buffers
 * and batches.
 */
#ifndef SLUICE_FORMAT_H
#define SLUICE_FORMAT_H

#include <stddef.h>

#include <sluice/abi.h>
#include <sluice/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- growable byte buffer (malloc-backed, owned by its creator) -------- */

typedef struct sluice_buf sluice_buf;

SLUICE_API sluice_buf *sluice_buf_new(void);
SLUICE_API void sluice_buf_free(sluice_buf *buf);
/* The bytes so far; always followed by a '\0' that len does not count. */
SLUICE_API const char *sluice_buf_data(const sluice_buf *buf);
SLUICE_API size_t sluice_buf_len(const sluice_buf *buf);
/* Empties the buffer, keeping its memory. */
SLUICE_API void sluice_buf_reset(sluice_buf *buf);
SLUICE_API void sluice_buf_append(sluice_buf *buf, const void *data, size_t len);

/* ---- JSON -------------------------------------------------------------- */

/* With it, a record is written as {"attributes": {...}, "value": <root>} and
 * parsing expects that envelope. */
#define SLUICE_JSON_WITH_ATTRIBUTES 0x1u

/* Appends the JSON form of a field / a record (no trailing newline). */
SLUICE_API void sluice_json_write_field(sluice_buf *out, const sluice_field *field);
SLUICE_API void sluice_json_write_record(sluice_buf *out, const sluice_record *record, unsigned flags);

/* Parses exactly one JSON value (surrounding whitespace allowed) into
 * `batch`'s arena.  On bad input returns NULL and writes a one-line message
 * with the 1-based column of the problem to err. */
SLUICE_API sluice_field *sluice_json_parse_field(sluice_batch *batch, const char *text, size_t len, char *err,
                                                 size_t errsize);
/* The same, making a record (not added to the batch): the value becomes its
 * root, or with SLUICE_JSON_WITH_ATTRIBUTES the envelope's parts. */
SLUICE_API sluice_record *sluice_json_parse_record(sluice_batch *batch, const char *text, size_t len,
                                                   unsigned flags, char *err, size_t errsize);

#ifdef __cplusplus
}
#endif

#endif
