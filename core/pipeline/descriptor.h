/* core/pipeline/descriptor.h — the pipeline descriptor as parsed from JSON
 * (DESIGN §3), before plugins are loaded.  Parsing checks JSON syntax and
 * the descriptor's own structure (keys, types, ids); stage configs are
 * checked later against each stage's schema, and lanes by the graph. */
#ifndef SLUICE_CORE_DESCRIPTOR_H
#define SLUICE_CORE_DESCRIPTOR_H

#include <stddef.h>

#include <json-c/json.h>

enum on_record_error { ON_ERROR_TO_ERROR = 0, ON_ERROR_DISCARD, ON_ERROR_STOP_PIPELINE };

typedef struct descriptor_stage {
    size_t index;           /* position in "stages" (for "stages[2]..." messages) */
    char location[32];      /* "stages[2]" or "error_records" */
    char *id;               /* "gen"; "error_records" for the error stage */
    char *stage;            /* as written: "dev:generator" or "router" */
    char *plugin;           /* "dev" */
    char *stage_name;       /* "generator", or NULL when the plugin name alone was given */
    char **inputs;          /* lane names as written: "gen", "route.card" */
    size_t n_inputs;
    json_object *config;    /* the "config" object (borrowed from root), or NULL */
    enum on_record_error on_record_error;
    char **preconditions;   /* expression texts */
    size_t n_preconditions;
    char **required_fields; /* field paths */
    size_t n_required_fields;
} descriptor_stage;

typedef struct descriptor {
    char *source;           /* file name, for messages */
    char *pipeline;         /* "pipeline" */
    descriptor_stage *stages;
    size_t n_stages;
    descriptor_stage *error_stage; /* "error_records", or NULL */
    json_object *retry;     /* "retry" (borrowed from root), or NULL */
    json_object *root;      /* owned */
} descriptor;

/* Parses and checks a descriptor.  On error returns NULL and writes one
 * line to err: "FILE:LINE:COL: ..." for JSON syntax, "stages[2].id: ..."
 * for structure (unknown keys come with the known ones and a "did you
 * mean"). */
descriptor *descriptor_load_file(const char *path, char *err, size_t errsize);
descriptor *descriptor_load_string(const char *text, size_t len, const char *source, char *err, size_t errsize);
void descriptor_free(descriptor *d);

#endif
