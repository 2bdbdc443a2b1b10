/* core/pipeline/offset_file.c — reading and formatting the offsets file.
 * json-c is fine here: this runs once per batch, not per record, and next
 * to the two fsyncs of a commit its cost does not show. */
#include "pipeline/offset_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "read_file.h"

/* Parses strictly; the whole text must be one JSON value. */
static json_object *parse(const char *path, const char *text, size_t len, char *err, size_t errsize)
{
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(err, errsize, "offsets: %s: out of memory", path);
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (used < len && strchr(" \t\r\n", text[used]))
        used++;
    if (jerr != json_tokener_success || used != len) {
        json_object_put(root);
        /* json-c says "continue" for text that stops mid-value. */
        const char *what = jerr == json_tokener_continue ? "unexpected end of file"
                           : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                                          : "trailing data";
        snprintf(err, errsize, "offsets: %s: not valid JSON (%s at byte %zu)", path, what, used);
        return NULL;
    }
    return root;
}

/* The header: a version we read, then the origin. */
static int check_header(const char *path, json_object *root, const char **origin, char *err, size_t errsize)
{
    json_object *version, *o;
    if (!json_object_is_type(root, json_type_object) || !json_object_object_get_ex(root, "version", &version) ||
        !json_object_is_type(version, json_type_int)) {
        snprintf(err, errsize, "offsets: %s: not an offsets file (no \"version\")", path);
        return -1;
    }
    int64_t v = json_object_get_int64(version);
    if (v != OFFSET_FILE_VERSION) {
        snprintf(err, errsize, "offsets: %s: format version %lld, this sluice reads version %d%s", path,
                 (long long)v, OFFSET_FILE_VERSION, v > OFFSET_FILE_VERSION ? " (written by a newer sluice)" : "");
        return -1;
    }
    if (!json_object_object_get_ex(root, "origin", &o) || !json_object_is_type(o, json_type_string)) {
        snprintf(err, errsize, "offsets: %s: \"origin\" must be a string", path);
        return -1;
    }
    *origin = json_object_get_string(o);
    return 0;
}

static int read_offsets(const char *path, json_object *root, offset_map *map, char *err, size_t errsize)
{
    json_object *offsets;
    if (!json_object_object_get_ex(root, "offsets", &offsets) || !json_object_is_type(offsets, json_type_object)) {
        snprintf(err, errsize, "offsets: %s: \"offsets\" must be an object", path);
        return -1;
    }
    json_object_object_foreach(offsets, key, value)
    {
        if (!json_object_is_type(value, json_type_string)) {
            snprintf(err, errsize, "offsets: %s: offsets.%s must be a string", path, key);
            return -1;
        }
        if (offset_map_put(map, key, json_object_get_string(value)) != 0) {
            snprintf(err, errsize, "offsets: %s: out of memory", path);
            return -1;
        }
    }
    return 0;
}

int offset_file_read(const char *path, char **origin, offset_map *map, char *err, size_t errsize)
{
    *origin = NULL;
    size_t len;
    char *text = read_file(path, SIZE_MAX, &len);
    if (!text) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errsize, "offsets: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    json_object *root = parse(path, text, len, err, errsize);
    free(text);
    if (!root)
        return -1;
    const char *o;
    int rc = -1;
    if (check_header(path, root, &o, err, errsize) == 0 && read_offsets(path, root, map, err, errsize) == 0) {
        *origin = strdup(o);
        rc = *origin ? 1 : -1;
        if (!*origin)
            snprintf(err, errsize, "offsets: %s: out of memory", path);
    }
    if (rc < 0)
        offset_map_free(map);
    json_object_put(root);
    return rc;
}

/* json_object_object_add of a new string; -1 when memory runs out. */
static int add_string(json_object *obj, const char *key, const char *value)
{
    json_object *v = json_object_new_string(value);
    if (!v || json_object_object_add(obj, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* The file as a json-c tree, or NULL when memory runs out. */
static json_object *build(const char *origin, const offset_map *map)
{
    json_object *root = json_object_new_object();
    json_object *offsets = json_object_new_object();
    json_object *version = json_object_new_int(OFFSET_FILE_VERSION);
    int failed = !root || !offsets || !version || json_object_object_add(root, "version", version) != 0;
    if (failed)
        json_object_put(version);
    failed = failed || add_string(root, "origin", origin) != 0;
    for (size_t i = 0; !failed && i < map->n; i++)
        failed = add_string(offsets, map->keys[i], map->values[i]) != 0;
    if (failed || json_object_object_add(root, "offsets", offsets) != 0) {
        json_object_put(offsets);
        json_object_put(root);
        return NULL;
    }
    return root;
}

char *offset_file_format(const char *origin, const offset_map *map, size_t *len)
{
    json_object *root = build(origin, map);
    if (!root)
        return NULL;
    /* Pretty: an operator reads it with cat; a few bytes more do not matter. */
    const char *text =
        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = NULL;
    if (text) {
        size_t n = strlen(text);
        out = malloc(n + 2);
        if (out) {
            memcpy(out, text, n);
            out[n] = '\n';
            out[n + 1] = '\0';
            *len = n + 1;
        }
    }
    json_object_put(root);
    return out;
}
