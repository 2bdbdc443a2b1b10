/* core/pipeline/strict_json.h — parsing an operator's JSON strictly, with
 * located one-line errors (DESIGN §3).
 *
 * json-c's strict mode still accepts single quotes, NaN/Infinity, "1.",
 * raw control characters in strings, lone surrogates, out-of-range numbers
 * (clamped silently) and duplicate keys (the last one wins).  So the text
 * is first checked by our own RFC 8259 scanner, which also names the
 * mistake (trailing comma, comment, ...) and where it is; json-c then
 * builds the tree. */
#ifndef SLUICE_CORE_STRICT_JSON_H
#define SLUICE_CORE_STRICT_JSON_H

#include <stddef.h>

#include <json-c/json.h>

/* Objects and arrays nest at most this deep. */
#define STRICT_JSON_MAX_DEPTH 64
/* Longest text accepted: descriptors are small, and this keeps the length
 * within json-c's int. */
#define STRICT_JSON_MAX_LEN (64u * 1024u * 1024u)

/* Parses `text` (len bytes, need not be NUL-terminated; a leading UTF-8
 * BOM is skipped) into a new json-c tree the caller owns.  On error
 * returns NULL and writes one line to err: "SOURCE:LINE:COL: what".
 * Lines and columns count from 1; a column counts characters (UTF-8 code
 * points), a tab being one. */
json_object *strict_json_parse(const char *text, size_t len, const char *source, char *err, size_t errsize);

/* The 1-based line and column of byte `offset` in text. */
void strict_json_position(const char *text, size_t offset, size_t *line, size_t *col);

/* A short rendering of a value for "got ..." in messages: strings quoted
 * and cut to a few dozen characters, numbers and literals as written,
 * "an object" / "an array" for containers.  Returns buf. */
const char *strict_json_brief(json_object *value, char *buf, size_t size);

/* "a string", "a number", "true", "an object", ...: the kind of a value
 * without its content (for secrets). */
const char *strict_json_kind(json_object *value);

#endif
