/* tests/unit/test_sigv4.c — SigV4 (plugins/aws/sigv4.c) against the
 * official test vectors in tests/data/aws-sigv4/ (awslabs/aws-c-auth's
 * v4 suite, Apache-2.0, see the LICENSE and README there), and the
 * Kinesis (AWS JSON protocol) header set.
 *
 * Every case folder is one test: its request.txt is parsed, signed with
 * context.json's credentials, time and flags using header signing, and the
 * canonical request, string to sign, signature and Authorization header are
 * compared with the header-*.txt files.  The presigned (query-*.txt) results
 * are not compared: sluice signs headers only.  No case is skipped: the
 * flags the suite uses (normalize, sign_body, omit_session_token) are all
 * supported.  The last test asserts how many cases there were and passed. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "aws/buf.h"
#include "aws/canonical_request.h"
#include "aws/sigv4.h"

/* The number of case folders in tests/data/aws-sigv4 (38), every one of
 * which must pass: a folder added or lost fails the count test. */
#define EXPECTED_VECTORS 38

static int vectors_seen, vectors_passed;

static const char *vectors_dir(void)
{
    const char *dir = getenv("SIGV4_VECTORS_DIR");
    return dir ? dir : SIGV4_VECTORS_DIR;
}

/* ---- reading a case ------------------------------------------------------ */

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The expected files have no trailing newline, except that some editors add
 * one: compare without it. */
static char *read_expected(const char *dir, const char *name)
{
    size_t n;
    char *s = read_file(dir, name, &n);
    assert_non_null(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

typedef struct parsed_request {
    char *text; /* request.txt, cut up in place */
    char *method;
    char *path;
    char *query;
    aws_sigv4_header headers[32];
    char *folded[32]; /* values rebuilt from folded lines */
    size_t n_headers;
    char *body;
    size_t body_len;
} parsed_request;

/* request.txt: "METHOD target HTTP/1.1", header lines ("Name:value", a line
 * starting with white space continuing the previous value: the obsolete
 * line folding of RFC 7230 section 3.2.4, which stands for one space), an
 * empty line and the body.  The target may hold spaces (get-space-*). */
static void parse_request(char *text, size_t len, parsed_request *r)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    char *line_end = strchr(text, '\n');
    if (!line_end)
        line_end = text + len;
    char *next = *line_end ? line_end + 1 : line_end;
    *line_end = '\0';
    char *sp1 = strchr(text, ' '), *sp2 = strrchr(text, ' ');
    assert_non_null(sp1);
    assert_true(sp2 > sp1);
    *sp1 = *sp2 = '\0';
    r->method = text;
    r->path = sp1 + 1;
    char *q = strchr(r->path, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    char *p = next;
    while (*p && *p != '\n') {
        char *eol = strchr(p, '\n');
        char *after = eol ? eol + 1 : p + strlen(p);
        if (eol)
            *eol = '\0';
        if ((*p == ' ' || *p == '\t') && r->n_headers) {
            size_t k = r->n_headers - 1;
            const char *prev = r->headers[k].value;
            char *joined = malloc(strlen(prev) + strlen(p) + 2);
            sprintf(joined, "%s %s", prev, p);
            free(r->folded[k]);
            r->folded[k] = joined;
            r->headers[k].value = joined;
        } else {
            char *colon = strchr(p, ':');
            assert_non_null(colon);
            assert_true(r->n_headers < 32);
            *colon = '\0';
            r->headers[r->n_headers].name = p;
            r->headers[r->n_headers].value = colon + 1;
            r->n_headers++;
        }
        p = after;
    }
    if (*p == '\n')
        p++;
    r->body = p;
    r->body_len = len - (size_t)(p - text);
}

static void free_request(parsed_request *r)
{
    for (size_t i = 0; i < 32; i++)
        free(r->folded[i]);
    free(r->text);
}

typedef struct vector_context {
    aws_credentials creds;
    aws_sigv4_params params;
    char region[64], service[64];
} vector_context;

static const char *json_str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int json_flag(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static void parse_context(const char *dir, vector_context *ctx)
{
    char *text = read_file(dir, "context.json", NULL);
    assert_non_null(text);
    json_object *root = json_tokener_parse(text);
    free(text);
    assert_non_null(root);
    json_object *c;
    assert_true(json_object_object_get_ex(root, "credentials", &c));
    assert_int_equal(aws_credentials_set(&ctx->creds, json_str(c, "access_key_id"),
                                         json_str(c, "secret_access_key"),
                                         json_str(c, "token"), 0),
                     0);
    snprintf(ctx->region, sizeof ctx->region, "%s", json_str(root, "region"));
    snprintf(ctx->service, sizeof ctx->service, "%s", json_str(root, "service"));
    struct tm tm = {0};
    const char *ts = json_str(root, "timestamp");
    assert_non_null(ts);
    const char *end = strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_true(end && *end == '\0');
    ctx->params.region = ctx->region;
    ctx->params.service = ctx->service;
    ctx->params.time = timegm(&tm);
    ctx->params.flags = 0;
    if (!json_flag(root, "normalize"))
        ctx->params.flags |= AWS_SIGV4_NO_NORMALIZE;
    if (json_flag(root, "sign_body"))
        ctx->params.flags |= AWS_SIGV4_PAYLOAD_HEADER;
    if (json_flag(root, "omit_session_token"))
        ctx->params.flags |= AWS_SIGV4_UNSIGNED_TOKEN;
    json_object_put(root);
}

/* The Authorization header's value in header-signed-request.txt. */
static char *expected_authorization(const char *dir)
{
    char *text = read_file(dir, "header-signed-request.txt", NULL);
    assert_non_null(text);
    char *p = strstr(text, "\nAuthorization:");
    assert_non_null(p);
    p += strlen("\nAuthorization:");
    char *eol = strchr(p, '\n');
    if (eol)
        *eol = '\0';
    char *auth = strdup(p);
    free(text);
    return auth;
}

/* ---- one test per case folder ------------------------------------------ */

static void test_vector(void **state)
{
    const char *dir = *state;
    vectors_seen++;
    vector_context ctx;
    memset(&ctx, 0, sizeof ctx);
    parse_context(dir, &ctx);
    size_t len;
    char *text = read_file(dir, "request.txt", &len);
    assert_non_null(text);
    parsed_request req;
    parse_request(text, len, &req);

    aws_sigv4_request sr = {
        .method = req.method,
        .host = NULL, /* request.txt has its Host header */
        .path = req.path,
        .query = req.query,
        .headers = req.headers,
        .n_headers = req.n_headers,
        .payload = req.body,
        .payload_len = req.body_len,
    };
    aws_sigv4_signature sig;
    assert_int_equal(aws_sigv4_sign(&sr, &ctx.creds, &ctx.params, &sig), 0);

    char *want_cr = read_expected(dir, "header-canonical-request.txt");
    char *want_sts = read_expected(dir, "header-string-to-sign.txt");
    char *want_sig = read_expected(dir, "header-signature.txt");
    char *want_auth = expected_authorization(dir);
    assert_string_equal(sig.canonical_request, want_cr);
    assert_string_equal(sig.string_to_sign, want_sts);
    assert_string_equal(sig.signature, want_sig);
    assert_string_equal(sig.authorization, want_auth);
    free(want_cr);
    free(want_sts);
    free(want_sig);
    free(want_auth);
    aws_sigv4_signature_free(&sig);
    free_request(&req);
    aws_credentials_clear(&ctx.creds);
    vectors_passed++;
}

static void test_vector_count(void **state)
{
    size_t *n_dirs = *state;
    print_message("sigv4 vectors: %d of %zu case folders passed (expected %d)\n", vectors_passed,
                  *n_dirs, EXPECTED_VECTORS);
    assert_int_equal(*n_dirs, EXPECTED_VECTORS);
    assert_int_equal(vectors_seen, EXPECTED_VECTORS);
    assert_int_equal(vectors_passed, EXPECTED_VECTORS);
}

/* ---- the Kinesis header set and the pieces ---------------------------------- */

static const aws_credentials *example_creds(aws_credentials *c, const char *token)
{
    assert_int_equal(aws_credentials_set(c, "AKIDEXAMPLE",
                                         "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, 0),
                     0);
    return c;
}

static void sign_kinesis(const char *host, const char *token, aws_sigv4_signature *sig)
{
    static const char body[] = "{\"StreamName\":\"s\"}";
    const aws_sigv4_header headers[] = {
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "Kinesis_20131202.DescribeStream"},
    };
    aws_sigv4_request req = {"POST", host, "/", NULL, headers, 2, body, sizeof body - 1};
    aws_sigv4_params params = {"eu-west-1", "kinesis", 1440938160, 0};
    aws_credentials c;
    assert_int_equal(aws_sigv4_sign(&req, example_creds(&c, token), &params, sig), 0);
    aws_credentials_clear(&c);
}

static void test_kinesis_signed_headers(void **unused)
{
    (void)unused;
    aws_sigv4_signature sig;
    sign_kinesis("127.0.0.1:4567", NULL, &sig);
    assert_non_null(strstr(sig.authorization,
                           "Credential=AKIDEXAMPLE/20150830/eu-west-1/kinesis/aws4_request, "
                           "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="));
    assert_non_null(strstr(sig.canonical_request, "\nhost:127.0.0.1:4567\n"));
    assert_string_equal(sig.amz_date, "20150830T123600Z");
    /* The secret never appears in what the signer returns. */
    assert_null(strstr(sig.canonical_request, "EXAMPLEKEY"));
    assert_null(strstr(sig.string_to_sign, "EXAMPLEKEY"));
    assert_null(strstr(sig.authorization, "EXAMPLEKEY"));
    aws_sigv4_signature_free(&sig);

    sign_kinesis("kinesis.eu-west-1.amazonaws.com", "TOKEN", &sig);
    assert_non_null(strstr(sig.authorization,
                           "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                           "x-amz-target, "));
    assert_non_null(strstr(sig.canonical_request, "\nx-amz-security-token:TOKEN\n"));
    aws_sigv4_signature_free(&sig);
}

/* Signing twice at different times gives different signatures: a retry is
 * signed afresh, never replayed. */
static void test_time_changes_signature(void **unused)
{
    (void)unused;
    aws_credentials c;
    example_creds(&c, NULL);
    aws_sigv4_request req = {"POST", "h", "/", NULL, NULL, 0, "", 0};
    aws_sigv4_params p1 = {"us-east-1", "kinesis", 1440938160, 0};
    aws_sigv4_params p2 = {"us-east-1", "kinesis", 1440938161, 0};
    aws_sigv4_signature a, b;
    assert_int_equal(aws_sigv4_sign(&req, &c, &p1, &a), 0);
    assert_int_equal(aws_sigv4_sign(&req, &c, &p2, &b), 0);
    assert_string_not_equal(a.signature, b.signature);
    assert_string_equal(b.amz_date, "20150830T123601Z");
    aws_sigv4_signature_free(&a);
    aws_sigv4_signature_free(&b);
    aws_credentials_clear(&c);
}

static void test_bad_input_refused(void **unused)
{
    (void)unused;
    aws_credentials c;
    example_creds(&c, NULL);
    const aws_sigv4_header bad[] = {{"Bad Name", "v"}};
    aws_sigv4_request req = {"POST", "h", "/", NULL, bad, 1, "", 0};
    aws_sigv4_params p = {"us-east-1", "kinesis", 1440938160, 0};
    aws_sigv4_signature sig;
    assert_int_equal(aws_sigv4_sign(&req, &c, &p, &sig), -1);
    assert_null(sig.authorization);
    aws_sigv4_params no_region = {"", "kinesis", 1440938160, 0};
    req.n_headers = 0;
    assert_int_equal(aws_sigv4_sign(&req, &c, &no_region, &sig), -1);
    aws_credentials_clear(&c);
    aws_credentials empty = {0};
    assert_int_equal(aws_sigv4_sign(&req, &empty, &p, &sig), -1);
}

static char *canonical_uri(const char *path, bool normalize)
{
    aws_buf b = AWS_BUF_INIT;
    aws_canonical_uri(&b, path, normalize);
    return aws_buf_take(&b);
}

static void assert_uri(const char *path, bool normalize, const char *want)
{
    char *got = canonical_uri(path, normalize);
    assert_string_equal(got, want);
    free(got);
}

static void test_canonical_uri(void **unused)
{
    (void)unused;
    assert_uri("", true, "/");
    assert_uri("/", true, "/");
    assert_uri("/a/b/..", true, "/a/");
    assert_uri("/a/./b/.", true, "/a/b/");
    assert_uri("/../../a", true, "/a");
    assert_uri("/a//b", true, "/a/b");
    /* Double encoding: the wire form is encoded again (not for S3). */
    assert_uri("/a%20b", true, "/a%2520b");
    assert_uri("/a b+c*", false, "/a%20b%2Bc%2A");
    assert_uri("//x/../", false, "//x/../");
}

static void assert_query(const char *query, const char *want)
{
    aws_buf b = AWS_BUF_INIT;
    assert_int_equal(aws_canonical_query(&b, query), 0);
    char *got = aws_buf_take(&b);
    assert_string_equal(got, want);
    free(got);
}

static void test_canonical_query(void **unused)
{
    (void)unused;
    assert_query(NULL, "");
    assert_query("b=2&a=1&a=0", "a=0&a=1&b=2");
    assert_query("flag&x=", "flag=&x=");
    assert_query("k=a+b%2fc%zz&&", "k=a%2Bb%2Fc%25zz");
    assert_query("%e1%88%b4=1", "%E1%88%B4=1");
}

static void test_canonical_headers(void **unused)
{
    (void)unused;
    const aws_sigv4_header h[] = {
        {"X-B", "  two   words "}, {"x-a", "1"}, {"X-A", "\t2"}, {"Empty", ""},
    };
    aws_buf canon = AWS_BUF_INIT, names = AWS_BUF_INIT;
    assert_int_equal(aws_canonical_headers(&canon, &names, h, 4), 0);
    char *c = aws_buf_take(&canon), *n = aws_buf_take(&names);
    assert_string_equal(c, "empty:\nx-a:1,2\nx-b:two words\n");
    assert_string_equal(n, "empty;x-a;x-b");
    free(c);
    free(n);
}

/* ---- main: one test per folder, then the count -------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_cases(char ***out)
{
    DIR *d = opendir(vectors_dir());
    if (!d) {
        fprintf(stderr, "test_sigv4: cannot open %s\n", vectors_dir());
        *out = NULL;
        return 0;
    }
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", vectors_dir(), e->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(path);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    *out = names;
    return n;
}

int main(void)
{
    char **dirs;
    size_t n_dirs = list_cases(&dirs);
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_kinesis_signed_headers),
        cmocka_unit_test(test_time_changes_signature),
        cmocka_unit_test(test_bad_input_refused),
        cmocka_unit_test(test_canonical_uri),
        cmocka_unit_test(test_canonical_query),
        cmocka_unit_test(test_canonical_headers),
    };
    size_t n_fixed = sizeof fixed / sizeof fixed[0];
    size_t n_tests = n_dirs + n_fixed + 1;
    struct CMUnitTest *tests = calloc(n_tests, sizeof *tests);
    for (size_t i = 0; i < n_dirs; i++) {
        const char *base = strrchr(dirs[i], '/');
        tests[i].name = base ? base + 1 : dirs[i];
        tests[i].test_func = test_vector;
        tests[i].initial_state = dirs[i];
    }
    memcpy(tests + n_dirs, fixed, sizeof fixed);
    tests[n_tests - 1].name = "sigv4 vector count";
    tests[n_tests - 1].test_func = test_vector_count;
    tests[n_tests - 1].initial_state = &n_dirs;

    int failed = _cmocka_run_group_tests("sigv4", tests, n_tests, NULL, NULL);
    for (size_t i = 0; i < n_dirs; i++)
        free(dirs[i]);
    free(dirs);
    free(tests);
    return failed;
}
