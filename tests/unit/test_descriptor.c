/* tests/unit/test_descriptor.c — loading pipeline descriptors: fields,
 * strict JSON with line:col, and every structure error's exact message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipeline/descriptor.h"

static char err[1024];

/* Test descriptors are written with ' for " (and ` for ') to stay
 * readable; tests of single quotes themselves use load_raw. */
static const char *dq(const char *s)
{
    static char buf[4096];
    size_t i = 0;
    for (; s[i] && i < sizeof buf - 1; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i] == '`' ? '\'' : s[i];
    buf[i] = '\0';
    return buf;
}

static descriptor *load_raw(const char *text)
{
    strcpy(err, "(untouched)");
    return descriptor_load_string(text, strlen(text), "pipe.json", err, sizeof err);
}

static descriptor *load(const char *text)
{
    return load_raw(dq(text));
}

/* A descriptor around the given stages array body. */
static const char *with_stages(const char *stages)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "{'pipeline': 'p', 'stages': [%s]}", stages);
    return buf;
}

static void expect_raw_error(const char *text, const char *message)
{
    descriptor *d = load_raw(text);
    assert_null(d);
    assert_string_equal(err, message);
}

static void expect_error(const char *text, const char *message)
{
    expect_raw_error(dq(text), message);
}

static void expect_stages_error(const char *stages, const char *message)
{
    expect_error(with_stages(stages), message);
}

/* ---- valid descriptors ---------------------------------------------------- */

static const char *design_example =
    "{\n"
    "  'pipeline': 'taxi-to-kinesis',\n"
    "  'description': 'the example of DESIGN.md',\n"
    "  'stages': [\n"
    "    { 'id': 'gen', 'stage': 'dev:generator',\n"
    "      'config': { 'preset': 'taxi', 'records': 1000, 'batch_size': 100 } },\n"
    "    { 'id': 'route', 'stage': 'router', 'inputs': ['gen'],\n"
    "      'config': { 'routes': [ { 'when': '${record:value(`/payment_type`) == `CRD`}', 'output': 'card' } ],\n"
    "                  'default': 'other' } },\n"
    "    { 'id': 'to_kinesis', 'stage': 'kinesis:producer', 'inputs': ['route.card'],\n"
    "      'config': { 'stream': 'taxi-stream' },\n"
    "      'on_record_error': 'discard',\n"
    "      'preconditions': ['${record:exists(`/credit_card_type`)}', '${true}'],\n"
    "      'required_fields': ['/credit_card'] },\n"
    "    { 'id': 'drop', 'stage': 'dev:trash', 'inputs': ['route.other', 'gen'], 'on_record_error': 'stop_pipeline' }\n"
    "  ],\n"
    "  'error_records': { 'stage': 'file:writer', 'config': { 'path': 'errors.jsonl' } }\n"
    "}\n";

static void test_valid_design_example(void **state)
{
    (void)state;
    descriptor *d = load(design_example);
    assert_non_null(d);
    assert_string_equal(d->source, "pipe.json");
    assert_string_equal(d->pipeline, "taxi-to-kinesis");
    assert_int_equal(d->n_stages, 4);

    const descriptor_stage *gen = &d->stages[0];
    assert_int_equal(gen->index, 0);
    assert_string_equal(gen->location, "stages[0]");
    assert_string_equal(gen->id, "gen");
    assert_string_equal(gen->stage, "dev:generator");
    assert_string_equal(gen->plugin, "dev");
    assert_string_equal(gen->stage_name, "generator");
    assert_int_equal(gen->n_inputs, 0);
    assert_non_null(gen->config);
    json_object *v;
    assert_true(json_object_object_get_ex(gen->config, "records", &v));
    assert_int_equal(json_object_get_int64(v), 1000);
    assert_int_equal(gen->on_record_error, ON_ERROR_TO_ERROR);
    assert_int_equal(gen->n_preconditions, 0);
    assert_int_equal(gen->n_required_fields, 0);

    const descriptor_stage *route = &d->stages[1];
    assert_string_equal(route->stage, "router");
    assert_string_equal(route->plugin, "router");
    assert_null(route->stage_name);
    assert_int_equal(route->n_inputs, 1);
    assert_string_equal(route->inputs[0], "gen");
    assert_true(json_object_object_get_ex(route->config, "routes", &v));
    json_object *when;
    assert_true(json_object_object_get_ex(json_object_array_get_idx(v, 0), "when", &when));
    assert_string_equal(json_object_get_string(when), "${record:value('/payment_type') == 'CRD'}");

    const descriptor_stage *kin = &d->stages[2];
    assert_string_equal(kin->location, "stages[2]");
    assert_int_equal(kin->index, 2);
    assert_string_equal(kin->inputs[0], "route.card");
    assert_int_equal(kin->on_record_error, ON_ERROR_DISCARD);
    assert_int_equal(kin->n_preconditions, 2);
    assert_string_equal(kin->preconditions[0], "${record:exists('/credit_card_type')}");
    assert_string_equal(kin->preconditions[1], "${true}");
    assert_int_equal(kin->n_required_fields, 1);
    assert_string_equal(kin->required_fields[0], "/credit_card");

    const descriptor_stage *drop = &d->stages[3];
    assert_null(drop->config);
    assert_int_equal(drop->n_inputs, 2);
    assert_string_equal(drop->inputs[1], "gen");
    assert_int_equal(drop->on_record_error, ON_ERROR_STOP_PIPELINE);

    const descriptor_stage *es = d->error_stage;
    assert_non_null(es);
    assert_string_equal(es->id, "error_records");
    assert_string_equal(es->location, "error_records");
    assert_int_equal(es->index, 4);
    assert_string_equal(es->plugin, "file");
    assert_string_equal(es->stage_name, "writer");
    assert_int_equal(es->n_inputs, 0);
    assert_int_equal(es->on_record_error, ON_ERROR_STOP_PIPELINE);
    assert_true(json_object_object_get_ex(es->config, "path", &v));
    assert_string_equal(json_object_get_string(v), "errors.jsonl");
    descriptor_free(d);
}

static void test_valid_minimal(void **state)
{
    (void)state;
    descriptor *d = load("{'stages': [{'stage': 'dev:generator', 'id': '_A-b_9'}], 'pipeline': 'P_1-x'}");
    assert_non_null(d);
    assert_string_equal(d->pipeline, "P_1-x");
    assert_int_equal(d->n_stages, 1);
    assert_string_equal(d->stages[0].id, "_A-b_9");
    assert_null(d->error_stage);
    assert_null(d->stages[0].config);
    assert_null(d->stages[0].inputs);
    descriptor_free(d);
}

static void test_valid_bom_and_empty_lists(void **state)
{
    (void)state;
    descriptor *d = load("\xEF\xBB\xBF{'pipeline': 'p', 'stages': [{'id': 'a', 'stage': 'x-1_y:z-2_w', 'inputs': [], "
                         "'preconditions': [], 'required_fields': [], 'config': {}}]}");
    assert_non_null(d);
    assert_string_equal(d->stages[0].plugin, "x-1_y");
    assert_string_equal(d->stages[0].stage_name, "z-2_w");
    assert_int_equal(d->stages[0].n_inputs, 0);
    assert_non_null(d->stages[0].config);
    descriptor_free(d);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/sluice-test-descXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "{\"pipeline\": \"p\",\n \"stages\": [{\"id\": \"a\", \"stage\": \"dev\"},]}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    descriptor *d = descriptor_load_file(path, err, sizeof err);
    assert_null(d);
    char expected[256];
    snprintf(expected, sizeof expected, "%s:2:40: trailing comma before ']'", path);
    assert_string_equal(err, expected);

    const char *good = "{\"pipeline\": \"p\", \"stages\": [{\"id\": \"a\", \"stage\": \"dev\"}]}";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(good, f);
    fclose(f);
    d = descriptor_load_file(path, err, sizeof err);
    assert_non_null(d);
    assert_string_equal(d->source, path);
    descriptor_free(d);
    unlink(path);

    assert_null(descriptor_load_file("/nonexistent/pipe.json", err, sizeof err));
    assert_string_equal(err, "/nonexistent/pipe.json: cannot read: No such file or directory");
    assert_null(descriptor_load_file("/tmp", err, sizeof err));
    assert_string_equal(err, "/tmp: cannot read: Is a directory");
    /* An endless file is cut short, not read into memory forever. */
    assert_null(descriptor_load_file("/dev/zero", err, sizeof err));
    assert_string_equal(err, "/dev/zero: too large (more than 64 MiB)");
}

/* ---- JSON syntax ---------------------------------------------------------- */

static void test_syntax_line_col(void **state)
{
    (void)state;
    expect_raw_error("{\n  \"pipeline\": \"p\",\n  \"stages\": [1 2]\n}",
                     "pipe.json:3:16: unexpected '2' (expected ',' or ']')");
    expect_raw_error("{\"pipeline\" \"p\"}", "pipe.json:1:13: unexpected '\"' (expected ':' after the key)");
    expect_raw_error("{\"a\": 1 \"b\": 2}", "pipe.json:1:9: unexpected '\"' (expected ',' or '}')");
    /* Columns count characters, not bytes: "é" is one. */
    expect_raw_error("{\"é\": x}", "pipe.json:1:7: unexpected word \"x\" (expected a value)");
    expect_raw_error("{\"a\": é}", "pipe.json:1:7: unexpected 'é' (expected a value)");
    expect_raw_error("{\"a\": \x7f}", "pipe.json:1:7: unexpected byte 0x7F (expected a value)");
    expect_raw_error("{\"a\": \xff}", "pipe.json:1:7: invalid UTF-8");
    /* \r\n line endings: the \r is not a column of the next line. */
    expect_raw_error("{\r\n\"a\":\r\n@}", "pipe.json:3:1: unexpected '@' (expected a value)");
}

static void test_syntax_trailing_commas(void **state)
{
    (void)state;
    expect_raw_error("{\"pipeline\": \"p\",\n}", "pipe.json:1:17: trailing comma before '}'");
    expect_raw_error("{\"a\": [1, 2, ]}", "pipe.json:1:12: trailing comma before ']'");
    expect_raw_error("{\"a\": [,]}", "pipe.json:1:8: unexpected ',' (expected a value)");
    expect_raw_error("{,}", "pipe.json:1:2: unexpected ',' (expected a key in double quotes)");
}

static void test_syntax_comments(void **state)
{
    (void)state;
    expect_raw_error("// a pipeline\n{}", "pipe.json:1:1: comments are not allowed in JSON");
    expect_raw_error("{\"a\": 1 /* one */}", "pipe.json:1:9: comments are not allowed in JSON");
    expect_raw_error("{\n  // the name\n  \"pipeline\": \"p\"}", "pipe.json:2:3: comments are not allowed in JSON");
    expect_raw_error("{\"a\": /* x */ 1}", "pipe.json:1:7: comments are not allowed in JSON");
    expect_raw_error("{\"a\": 1}\n// end", "pipe.json:2:1: comments are not allowed in JSON");
    expect_raw_error("[1 // x\n]", "pipe.json:1:4: comments are not allowed in JSON");
}

static void test_syntax_duplicate_keys(void **state)
{
    (void)state;
    expect_raw_error("{\"pipeline\": \"a\",\n \"pipeline\": \"b\"}",
                     "pipe.json:2:2: duplicate key \"pipeline\" (first at 1:2)");
    /* Inside a stage's config, and spelled differently with an escape. */
    expect_raw_error("{\"stages\": [{\"config\": {\"id\": 1, \"\\u0069d\": 2}}]}",
                     "pipe.json:1:34: duplicate key \"id\" (first at 1:25)");
    /* Same key in sibling objects is fine: the check is per object. */
    descriptor *d = load("{'pipeline': 'p', 'stages': [{'id': 'a', 'stage': 'x', 'config': {'k': {'k': 1}}}, "
                         "{'id': 'b', 'stage': 'x', 'config': {'k': 2}}]}");
    assert_non_null(d);
    descriptor_free(d);
}

static void test_syntax_values(void **state)
{
    (void)state;
    expect_raw_error("{'pipeline': 'p'}", "pipe.json:1:2: single quotes are not allowed in JSON: use double quotes");
    expect_raw_error("{\"a\": 'x'}", "pipe.json:1:7: single quotes are not allowed in JSON: use double quotes");
    expect_raw_error("{a: 1}", "pipe.json:1:2: unexpected word \"a\" (expected a key in double quotes)");
    expect_raw_error("{\"a\": NaN}", "pipe.json:1:7: NaN is not a JSON number");
    expect_raw_error("{\"a\": Infinity}", "pipe.json:1:7: Infinity is not a JSON number");
    expect_raw_error("{\"a\": -Infinity}", "pipe.json:1:8: expected a digit after '-'");
    expect_raw_error("{\"a\": True}", "pipe.json:1:7: unexpected word \"True\" (expected a value)");
    expect_raw_error("{\"a\": tru}", "pipe.json:1:7: unexpected word \"tru\" (expected a value)");
    expect_raw_error("{\"a\": nullx}", "pipe.json:1:7: unexpected word \"nullx\" (expected a value)");
    expect_raw_error("{\"a\": 01}", "pipe.json:1:7: numbers must not start with 0");
    expect_raw_error("{\"a\": 1.}", "pipe.json:1:9: expected a digit after '.'");
    expect_raw_error("{\"a\": .5}", "pipe.json:1:7: unexpected '.' (expected a value)");
    expect_raw_error("{\"a\": +1}", "pipe.json:1:7: unexpected '+' (expected a value)");
    expect_raw_error("{\"a\": 1e}", "pipe.json:1:9: expected a digit in the exponent");
    expect_raw_error("{\"a\": 1e400}", "pipe.json:1:7: number out of range");
    expect_raw_error("{\"a\": 9223372036854775808}", "pipe.json:1:7: integer out of range (more than 64 bits)");
    expect_raw_error("{\"a\": -9223372036854775809}", "pipe.json:1:7: integer out of range (more than 64 bits)");
    expect_raw_error("{\"a\": 1x}", "pipe.json:1:8: unexpected word \"x\" (expected ',' or '}')");
}

static void test_syntax_strings(void **state)
{
    (void)state;
    expect_raw_error("{\"a\": \"x\ty\"}", "pipe.json:1:9: control character 0x09 inside a string: escape it");
    expect_raw_error("{\"a\": \"x\n\"}",
                     "pipe.json:1:7: unterminated string (a line break inside a string must be written \\n)");
    expect_raw_error("{\"a\": \"x", "pipe.json:1:7: unterminated string");
    expect_raw_error("{\"a\": \"\\x41\"}", "pipe.json:1:8: invalid escape \\x in a string");
    expect_raw_error("{\"a\": \"\\u00G1\"}", "pipe.json:1:8: invalid \\u escape: expected 4 hex digits");
    expect_raw_error("{\"a\": \"\\u0000\"}", "pipe.json:1:8: \\u0000 (NUL) is not allowed");
    expect_raw_error("{\"a\": \"\\ud800\"}", "pipe.json:1:8: invalid \\u escape: unpaired surrogate");
    expect_raw_error("{\"a\": \"\\udc00\"}", "pipe.json:1:8: invalid \\u escape: unpaired surrogate");
    expect_raw_error("{\"a\": \"\xff\"}", "pipe.json:1:8: invalid UTF-8");
    expect_raw_error("{\"a\": \"\xc0\xaf\"}", "pipe.json:1:8: invalid UTF-8");         /* overlong '/' */
    expect_raw_error("{\"a\": \"\xed\xa0\x80\"}", "pipe.json:1:8: invalid UTF-8");     /* a surrogate */
    expect_raw_error("{\"a\": \"\xf4\x90\x80\x80\"}", "pipe.json:1:8: invalid UTF-8"); /* past U+10FFFF */
    /* A valid pair, 4-byte UTF-8 and escapes decode fine. */
    descriptor *d = load_raw("{\"pipeline\": \"p\", \"stages\": [{\"id\": \"a\", \"stage\": \"x\", "
                             "\"preconditions\": [\"\\ud83d\\ude00 \xf0\x9f\x98\x80 \\\"\\/\\t\"]}]}");
    assert_non_null(d);
    assert_string_equal(d->stages[0].preconditions[0], "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80 \"/\t");
    descriptor_free(d);
}

static void test_syntax_document(void **state)
{
    (void)state;
    expect_raw_error("", "pipe.json:1:1: empty document");
    expect_raw_error("  \n ", "pipe.json:2:2: empty document");
    expect_raw_error("{\"a\": 1} {}", "pipe.json:1:10: unexpected text after the end of the JSON document");
    expect_raw_error("{\n  \"a\": [1,\n", "pipe.json:3:1: unexpected end of input: the array opened at 2:8 is not closed");
    expect_raw_error("{\"a\": 1", "pipe.json:1:8: unexpected end of input: the object opened at 1:1 is not closed");
    expect_raw_error("{\"a\":", "pipe.json:1:6: unexpected end of input: the object opened at 1:1 is not closed");
    /* NUL inside the text is not whitespace. */
    {
        const char text[] = "{\"a\": 1}\0 ";
        descriptor *d = descriptor_load_string(text, sizeof text - 1, "pipe.json", err, sizeof err);
        assert_null(d);
        assert_string_equal(err, "pipe.json:1:9: unexpected text after the end of the JSON document");
    }
    /* Without a source name. */
    assert_null(descriptor_load_string("[", 1, NULL, err, sizeof err));
    assert_string_equal(err, "<descriptor>:1:2: unexpected end of input: the array opened at 1:1 is not closed");
}

/* A descriptor whose one stage's config holds `arrays` nested arrays:
 * with the root, stages, the stage and its config, 4 + arrays levels. */
static const char *nested(int arrays)
{
    static char text[512];
    size_t n = (size_t)sprintf(text, "{\"pipeline\": \"p\", \"stages\": [{\"id\": \"a\", \"stage\": \"x\", "
                                     "\"config\": {\"k\": ");
    for (int i = 0; i < arrays; i++)
        text[n++] = '[';
    for (int i = 0; i < arrays; i++)
        text[n++] = ']';
    strcpy(text + n, "}}]}");
    return text;
}

static void test_syntax_depth(void **state)
{
    (void)state;
    descriptor *d = load_raw(nested(60)); /* 64 levels */
    assert_non_null(d);
    descriptor_free(d);
    expect_raw_error(nested(61), "pipe.json:1:132: nested deeper than 64 levels");
}

/* ---- structure ------------------------------------------------------------ */

static void test_top_level(void **state)
{
    (void)state;
    expect_error("[]", "pipe.json: expected a JSON object at the top, got an array");
    expect_error("'x'", "pipe.json: expected a JSON object at the top, got \"x\"");
    expect_error("{'stages': []}", "pipe.json: pipeline: required");
    expect_error("{'pipeline': 5}", "pipe.json: pipeline: expected a string, got 5");
    expect_error("{'pipeline': 'my pipe'}",
                 "pipe.json: pipeline: \"my pipe\" is not a valid name: use letters, digits, '_' and '-', starting "
                 "with a letter or '_' (it names the state directory)");
    expect_error("{'pipeline': '../x'}",
                 "pipe.json: pipeline: \"../x\" is not a valid name: use letters, digits, '_' and '-', starting "
                 "with a letter or '_' (it names the state directory)");
    expect_error("{'pipeline': 'p', 'stage': []}",
                 "pipe.json: unknown key \"stage\" (did you mean \"stages\"?); known keys: pipeline, description, "
                 "stages, error_records, retry");
    expect_error("{'pipeline': 'p', 'colour': 1}",
                 "pipe.json: unknown key \"colour\"; known keys: pipeline, description, stages, error_records, "
                 "retry");
    expect_error("{'pipeline': 'p', 'retry': 3}", "pipe.json: retry: expected an object, got 3");
    expect_error("{'pipeline': 'p', 'description': ['x']}", "pipe.json: description: expected a string, got an array");
    expect_error("{'pipeline': 'p'}", "pipe.json: stages: required");
    expect_error("{'pipeline': 'p', 'stages': []}", "pipe.json: stages: expected a non-empty array, got an empty one");
    expect_error("{'pipeline': 'p', 'stages': {'id': 'a'}}",
                 "pipe.json: stages: expected a non-empty array, got an object");
}

static void test_stage_required_and_unknown(void **state)
{
    (void)state;
    expect_stages_error("'gen'", "pipe.json: stages[0]: expected an object, got \"gen\"");
    expect_stages_error("{'id': 'a', 'stage': 'x'}, {'id': 'b', 'stage': 'x'}, {'stage': 'x'}",
                        "pipe.json: stages[2].id: required");
    expect_stages_error("{'id': 'a'}", "pipe.json: stages[0].stage: required");
    expect_stages_error("{'id': 'a', 'stage': 'x'}, {'id': 'b', 'stage': 'x'}, {'id': 'c', 'stage': 'x'}, "
                        "{'id': 'd', 'stage': 'x', 'input': ['a']}",
                        "pipe.json: stages[3]: unknown key \"input\" (did you mean \"inputs\"?); known keys: id, "
                        "stage, inputs, config, on_record_error, preconditions, required_fields");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'colour': 'red'}",
                        "pipe.json: stages[0]: unknown key \"colour\"; known keys: id, stage, inputs, config, "
                        "on_record_error, preconditions, required_fields");
    /* An unknown key is reported before the required key it misspells. */
    expect_stages_error("{'ID': 'a', 'stage': 'x'}",
                        "pipe.json: stages[0]: unknown key \"ID\" (did you mean \"id\"?); known keys: id, stage, "
                        "inputs, config, on_record_error, preconditions, required_fields");
}

static void test_stage_ids(void **state)
{
    (void)state;
    expect_stages_error("{'id': 5, 'stage': 'x'}", "pipe.json: stages[0].id: expected a string, got 5");
    static const char *const bad[] = {"a.b", "1abc", "", "-x", "a b", "a/b", "é"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char stages[128], expected[512];
        snprintf(stages, sizeof stages, "{'id': '%s', 'stage': 'x'}", bad[i]);
        snprintf(expected, sizeof expected,
                 "pipe.json: stages[0].id: \"%s\" is not a valid id: use letters, digits, '_' and '-', starting "
                 "with a letter or '_' (dots separate lanes)",
                 bad[i]);
        expect_stages_error(stages, expected);
    }
    expect_stages_error("{'id': 'gen', 'stage': 'x'}, {'id': 'b', 'stage': 'x'}, {'id': 'gen', 'stage': 'x'}",
                        "pipe.json: stages[2].id: \"gen\" is already the id of stages[0]");
    expect_stages_error("{'id': 'a', 'stage': 'x'}, {'id': 'b', 'stage': 'x'}, {'id': 'b', 'stage': 'x'}",
                        "pipe.json: stages[2].id: \"b\" is already the id of stages[1]");
    expect_stages_error("{'id': 'error_records', 'stage': 'x'}",
                        "pipe.json: stages[0].id: \"error_records\" is reserved for the error stage");
}

static void test_stage_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"Dev:gen", "dev:", ":gen", "dev:gen:x", "dev gen", "", "dev.gen", "dev:Gen"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char stages[128], expected[512];
        snprintf(stages, sizeof stages, "{'id': 'a', 'stage': '%s'}", bad[i]);
        snprintf(expected, sizeof expected,
                 "pipe.json: stages[0].stage: \"%s\" is not a stage name: expected \"plugin:stage\" or \"plugin\", "
                 "in lower-case letters, digits, '_' and '-'",
                 bad[i]);
        expect_stages_error(stages, expected);
    }
    expect_stages_error("{'id': 'a', 'stage': ['dev']}", "pipe.json: stages[0].stage: expected a string, got an array");
}

static void test_stage_lists(void **state)
{
    (void)state;
    expect_stages_error("{'id': 'a', 'stage': 'x'}, {'id': 'b', 'stage': 'x', 'inputs': [5]}",
                        "pipe.json: stages[1].inputs[0]: expected a string, got 5");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'inputs': 'gen'}",
                        "pipe.json: stages[0].inputs: expected an array of strings, got \"gen\"");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'preconditions': ['${true}', null]}",
                        "pipe.json: stages[0].preconditions[1]: expected a string, got null");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'required_fields': {'/a': 1}}",
                        "pipe.json: stages[0].required_fields: expected an array of strings, got an object");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'config': []}",
                        "pipe.json: stages[0].config: expected an object, got an array");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'config': null}",
                        "pipe.json: stages[0].config: expected an object, got null");
}

static void test_on_record_error(void **state)
{
    (void)state;
    expect_stages_error("{'id': 'a', 'stage': 'x', 'on_record_error': 'discrad'}",
                        "pipe.json: stages[0].on_record_error: expected one of to_error, discard, stop_pipeline, "
                        "got \"discrad\" (did you mean \"discard\"?)");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'on_record_error': 'ignore'}",
                        "pipe.json: stages[0].on_record_error: expected one of to_error, discard, stop_pipeline, "
                        "got \"ignore\"");
    expect_stages_error("{'id': 'a', 'stage': 'x', 'on_record_error': 1}",
                        "pipe.json: stages[0].on_record_error: expected one of to_error, discard, stop_pipeline, "
                        "got 1");
    descriptor *d = load(with_stages("{'id': 'a', 'stage': 'x', 'on_record_error': 'to_error'}"));
    assert_non_null(d);
    assert_int_equal(d->stages[0].on_record_error, ON_ERROR_TO_ERROR);
    descriptor_free(d);
}

static void test_error_records(void **state)
{
    (void)state;
    const char *stage = "{'id': 'a', 'stage': 'x'}";
    char text[512];
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': 'file'}", stage);
    expect_error(text, "pipe.json: error_records: expected an object, got \"file\"");
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': {'config': {}}}", stage);
    expect_error(text, "pipe.json: error_records.stage: required");
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': {'stage': 'f', 'inputs': ['a']}}",
             stage);
    expect_error(text,
                 "pipe.json: error_records.inputs: not allowed: the error stage receives the error records of every stage");
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': {'stage': 'f', 'confg': {}}}",
             stage);
    expect_error(text, "pipe.json: error_records: unknown key \"confg\" (did you mean \"config\"?); known keys: stage, "
                       "config");
    snprintf(text, sizeof text,
             "{'pipeline': 'p', 'stages': [%s], 'error_records': {'stage': 'f', 'on_record_error': 'discard'}}", stage);
    expect_error(text, "pipe.json: error_records: unknown key \"on_record_error\"; known keys: stage, config");
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': {'stage': 'F'}}", stage);
    expect_error(text, "pipe.json: error_records.stage: \"F\" is not a stage name: expected \"plugin:stage\" or "
                       "\"plugin\", in lower-case letters, digits, '_' and '-'");
    snprintf(text, sizeof text, "{'pipeline': 'p', 'stages': [%s], 'error_records': {'stage': 'f', 'config': 1}}",
             stage);
    expect_error(text, "pipe.json: error_records.config: expected an object, got 1");
}

static void test_first_error_wins(void **state)
{
    (void)state;
    /* Two mistakes: the earlier one in the document is reported. */
    expect_stages_error("{'id': 'a', 'stage': 'x', 'inputs': [1]}, {'stage': 'x'}",
                        "pipe.json: stages[0].inputs[0]: expected a string, got 1");
    /* A long value is cut in the message. */
    expect_stages_error("{'id': 'a', 'stage': 'x', 'on_record_error': "
                        "'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij'}",
                        "pipe.json: stages[0].on_record_error: expected one of to_error, discard, stop_pipeline, "
                        "got \"abcdefghijabcdefghijabcdefghijabcdefghijabc...\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_design_example),
        cmocka_unit_test(test_valid_minimal),
        cmocka_unit_test(test_valid_bom_and_empty_lists),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_syntax_line_col),
        cmocka_unit_test(test_syntax_trailing_commas),
        cmocka_unit_test(test_syntax_comments),
        cmocka_unit_test(test_syntax_duplicate_keys),
        cmocka_unit_test(test_syntax_values),
        cmocka_unit_test(test_syntax_strings),
        cmocka_unit_test(test_syntax_document),
        cmocka_unit_test(test_syntax_depth),
        cmocka_unit_test(test_top_level),
        cmocka_unit_test(test_stage_required_and_unknown),
        cmocka_unit_test(test_stage_ids),
        cmocka_unit_test(test_stage_names),
        cmocka_unit_test(test_stage_lists),
        cmocka_unit_test(test_on_record_error),
        cmocka_unit_test(test_error_records),
        cmocka_unit_test(test_first_error_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
