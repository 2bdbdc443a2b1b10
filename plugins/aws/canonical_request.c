/* plugins/aws/canonical_request.c — see canonical_request.h. */
#include "config.h"

#include "canonical_request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* RFC 3986 section 2.3: the characters SigV4 never encodes. */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static void encode_bytes(aws_buf *out, const char *s, size_t n, bool keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/'))
            aws_buf_putc(out, (char)c);
        else
            aws_buf_put_pct(out, c);
    }
}

/* ---- canonical URI ---------------------------------------------------- */

typedef struct segment {
    const char *s;
    size_t n;
} segment;

/* Resolves "." and ".." and drops empty segments ("//" is one "/").  A path
 * ending in "/", "/." or "/.." keeps a trailing slash, as RFC 3986's
 * remove_dot_segments does. */
static void append_normalized_path(aws_buf *out, const char *path)
{
    size_t len = strlen(path), n = 0;
    segment *segs = malloc((len / 2 + 1) * sizeof *segs);
    if (!segs) {
        out->failed = true;
        return;
    }
    bool trailing_slash = false;
    const char *p = path, *end = path + len;
    while (p < end) {
        while (p < end && *p == '/')
            p++;
        const char *start = p;
        while (p < end && *p != '/')
            p++;
        size_t seg_len = (size_t)(p - start);
        trailing_slash = (p == end && seg_len == 0) ||
                         (seg_len == 1 && start[0] == '.') ||
                         (seg_len == 2 && start[0] == '.' && start[1] == '.');
        if (seg_len == 0 || (seg_len == 1 && start[0] == '.'))
            continue;
        if (seg_len == 2 && start[0] == '.' && start[1] == '.') {
            if (n)
                n--;
            continue;
        }
        segs[n++] = (segment){start, seg_len};
    }
    aws_buf_putc(out, '/');
    for (size_t i = 0; i < n; i++) {
        encode_bytes(out, segs[i].s, segs[i].n, false);
        if (i + 1 < n || trailing_slash)
            aws_buf_putc(out, '/');
    }
    free(segs);
}

void aws_canonical_uri(aws_buf *out, const char *path, bool normalize)
{
    if (!path || !*path) {
        aws_buf_putc(out, '/');
        return;
    }
    if (normalize)
        append_normalized_path(out, path);
    else
        encode_bytes(out, path, strlen(path), true);
}

/* ---- canonical query string -------------------------------------------- */

typedef struct query_param {
    char *name;  /* encoded */
    char *value; /* encoded */
} query_param;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX (a '%' not followed by two hex digits stays literal) and
 * re-encodes, so "%E1%88%B4", raw UTF-8 and "%e1%88%b4" all sign alike. */
static char *reencode(const char *s, size_t n)
{
    aws_buf b = AWS_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi, lo;
        if (c == '%' && i + 2 < n &&
            (hi = hex_value(s[i + 1])) >= 0 && (lo = hex_value(s[i + 2])) >= 0) {
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (is_unreserved(c))
            aws_buf_putc(&b, (char)c);
        else
            aws_buf_put_pct(&b, c);
    }
    return aws_buf_take(&b);
}

static int compare_params(const void *a, const void *b)
{
    const query_param *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static void free_params(query_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(params[i].name);
        free(params[i].value);
    }
    free(params);
}

int aws_canonical_query(aws_buf *out, const char *query)
{
    if (!query || !*query)
        return 0;
    size_t max = 1;
    for (const char *p = query; *p; p++)
        max += *p == '&';
    query_param *params = calloc(max, sizeof *params);
    if (!params)
        return -1;
    size_t n = 0;
    const char *p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        if (!end)
            end = p + strlen(p);
        if (end > p) {
            const char *eq = memchr(p, '=', (size_t)(end - p));
            const char *name_end = eq ? eq : end;
            const char *value = eq ? eq + 1 : end;
            params[n].name = reencode(p, (size_t)(name_end - p));
            params[n].value = reencode(value, (size_t)(end - value));
            n++;
            if (!params[n - 1].name || !params[n - 1].value) {
                free_params(params, n);
                return -1;
            }
        }
        p = *end ? end + 1 : end;
    }
    qsort(params, n, sizeof *params, compare_params);
    for (size_t i = 0; i < n; i++) {
        if (i)
            aws_buf_putc(out, '&');
        aws_buf_puts(out, params[i].name);
        aws_buf_putc(out, '=');
        aws_buf_puts(out, params[i].value);
    }
    free_params(params, n);
    return out->failed ? -1 : 0;
}

/* ---- canonical headers ---------------------------------------------------- */

typedef struct canonical_header {
    char *name;        /* lowercase */
    const char *value; /* as given: trimmed when written */
    size_t order;      /* position in the caller's list: keeps repeats in order */
} canonical_header;

/* RFC 9110 section 5.6.2: a header name is a token. */
static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!(isalnum(c) || strchr("!#$%&'*+-.^_`|~", c)))
            return false;
    }
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* "Trim any leading or trailing spaces, convert sequential spaces to a
 * single space" (the SigV4 canonical headers rule); a folded value's line
 * breaks count as spaces. */
static void append_trimmed(aws_buf *out, const char *v)
{
    while (is_space(*v))
        v++;
    bool pending_space = false;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending_space = true;
            continue;
        }
        if (pending_space)
            aws_buf_putc(out, ' ');
        pending_space = false;
        aws_buf_putc(out, *v);
    }
}

static int compare_headers(const void *a, const void *b)
{
    const canonical_header *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

int aws_canonical_headers(aws_buf *headers_out, aws_buf *signed_out,
                          const aws_sigv4_header *headers, size_t n)
{
    canonical_header *sorted = calloc(n ? n : 1, sizeof *sorted);
    if (!sorted)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!headers[i].name || !is_token(headers[i].name) || !headers[i].value) {
            rc = -1;
            break;
        }
        sorted[i].name = strdup(headers[i].name);
        if (!sorted[i].name) {
            rc = -1;
            break;
        }
        for (char *c = sorted[i].name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        sorted[i].value = headers[i].value;
        sorted[i].order = i;
    }
    if (rc == 0) {
        qsort(sorted, n, sizeof *sorted, compare_headers);
        for (size_t i = 0; i < n; i++) {
            bool repeat = i > 0 && strcmp(sorted[i].name, sorted[i - 1].name) == 0;
            if (repeat) {
                aws_buf_putc(headers_out, ',');
            } else {
                if (i > 0) {
                    aws_buf_putc(headers_out, '\n');
                    aws_buf_putc(signed_out, ';');
                }
                aws_buf_puts(headers_out, sorted[i].name);
                aws_buf_putc(headers_out, ':');
                aws_buf_puts(signed_out, sorted[i].name);
            }
            append_trimmed(headers_out, sorted[i].value);
        }
        if (n)
            aws_buf_putc(headers_out, '\n');
        if (headers_out->failed || signed_out->failed)
            rc = -1;
    }
    for (size_t i = 0; i < n; i++)
        free(sorted[i].name);
    free(sorted);
    return rc;
}
