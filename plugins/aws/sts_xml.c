/* plugins/aws/sts_xml.c — see sts_xml.h. */
#include "config.h"

#include "sts_xml.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "credentials_sources.h"

/* Is p (at a '<') the start tag of an element named `tag`, optionally with
 * a namespace prefix?  On success *content points after the '>'; an empty
 * element (<tag/>) sets *empty. */
static bool is_start_tag(const char *p, const char *end, const char *tag, const char **content,
                         bool *empty)
{
    const char *name = p + 1;
    if (name >= end || *name == '/' || *name == '?' || *name == '!')
        return false;
    const char *q = name;
    while (q < end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\r' &&
           *q != '\n')
        q++;
    const char *colon = memchr(name, ':', (size_t)(q - name));
    if (colon)
        name = colon + 1;
    size_t tag_len = strlen(tag);
    if ((size_t)(q - name) != tag_len || memcmp(name, tag, tag_len) != 0)
        return false;
    const char *gt = memchr(q, '>', (size_t)(end - q));
    if (!gt)
        return false;
    *empty = gt > q && gt[-1] == '/';
    *content = gt + 1;
    return true;
}

/* Where the matching end tag </tag> or </x:tag> starts, or NULL. */
static const char *find_end_tag(const char *p, const char *end, const char *tag)
{
    size_t tag_len = strlen(tag);
    for (; p < end; p++) {
        if (p[0] != '<' || p + 1 >= end || p[1] != '/')
            continue;
        const char *name = p + 2, *gt = memchr(name, '>', (size_t)(end - name));
        if (!gt)
            return NULL;
        const char *colon = memchr(name, ':', (size_t)(gt - name));
        if (colon)
            name = colon + 1;
        if ((size_t)(gt - name) == tag_len && memcmp(name, tag, tag_len) == 0)
            return p;
    }
    return NULL;
}

static void put_utf8(aws_buf *b, unsigned long cp)
{
    if (cp < 0x80) {
        aws_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        aws_buf_putc(b, (char)(0xc0 | (cp >> 6)));
        aws_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        aws_buf_putc(b, (char)(0xe0 | (cp >> 12)));
        aws_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        aws_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        aws_buf_putc(b, (char)(0xf0 | (cp >> 18)));
        aws_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
        aws_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        aws_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

/* Decodes "&name;" at p (p[0] == '&'); returns the bytes consumed, 0 when
 * it is not a reference (the '&' is then copied as it is). */
static size_t decode_reference(const char *p, const char *end, aws_buf *b)
{
    static const struct { const char *name; char c; } named[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(end - p) >= n && memcmp(p, named[i].name, n) == 0) {
            aws_buf_putc(b, named[i].c);
            return n;
        }
    }
    if (end - p >= 4 && p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        const char *q = p + (hex ? 3 : 2);
        unsigned long cp = 0;
        int digits = 0;
        for (; q < end && *q != ';' && digits < 8; q++, digits++) {
            int v = *q >= '0' && *q <= '9'                 ? *q - '0'
                    : hex && *q >= 'a' && *q <= 'f'        ? *q - 'a' + 10
                    : hex && *q >= 'A' && *q <= 'F'        ? *q - 'A' + 10
                                                           : -1;
            if (v < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (q < end && *q == ';' && digits > 0 && cp > 0 && cp <= 0x10ffff &&
            (cp < 0xd800 || cp > 0xdfff)) {
            put_utf8(b, cp);
            return (size_t)(q + 1 - p);
        }
    }
    return 0;
}

static char *decode_text(const char *p, const char *end)
{
    aws_buf b = AWS_BUF_INIT;
    aws_buf_append(&b, "", 0);
    while (p < end) {
        if (*p == '&') {
            size_t n = decode_reference(p, end, &b);
            if (n) {
                p += n;
                continue;
            }
        } else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
            const char *q = p + 9;
            for (; q + 3 <= end && memcmp(q, "]]>", 3) != 0; q++)
                ;
            if (q + 3 <= end) {
                aws_buf_append(&b, p + 9, (size_t)(q - (p + 9)));
                p = q + 3;
                continue;
            }
        }
        aws_buf_putc(&b, *p++);
    }
    return aws_buf_take(&b);
}

/* The raw content of the first element named `tag`: 0 with [*start,
 * *stop) set, or -1. */
static int element_range(const char *xml, size_t len, const char *tag, const char **start,
                         const char **stop)
{
    const char *end = xml + len;
    for (const char *p = xml; p < end; p++) {
        if (*p != '<')
            continue;
        const char *content;
        bool empty;
        if (!is_start_tag(p, end, tag, &content, &empty))
            continue;
        if (empty) {
            *start = *stop = content;
            return 0;
        }
        const char *close = find_end_tag(content, end, tag);
        if (!close)
            return -1;
        *start = content;
        *stop = close;
        return 0;
    }
    return -1;
}

char *aws_xml_element_text(const char *xml, size_t len, const char *tag)
{
    const char *start, *stop;
    if (element_range(xml, len, tag, &start, &stop) != 0)
        return NULL;
    return decode_text(start, stop);
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

int aws_sts_parse_credentials(const char *xml, size_t len, aws_credentials *out, char *err,
                              size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *start, *stop;
    if (element_range(xml, len, "Credentials", &start, &stop) != 0) {
        snprintf(err, err_len, "the STS answer has no Credentials element");
        return -1;
    }
    const char *creds = start;
    size_t n = (size_t)(stop - start);
    char *id = aws_xml_element_text(creds, n, "AccessKeyId");
    char *secret = aws_xml_element_text(creds, n, "SecretAccessKey");
    char *token = aws_xml_element_text(creds, n, "SessionToken");
    char *expiration = aws_xml_element_text(creds, n, "Expiration");
    int rc = -1;
    time_t when = 0;
    if (!id || !*id || !secret || !*secret || !token || !*token)
        snprintf(err, err_len,
                 "the STS answer lacks AccessKeyId, SecretAccessKey or SessionToken");
    else if (!expiration || aws_parse_rfc3339(expiration, &when) != 0)
        snprintf(err, err_len, "the STS answer has no valid Expiration");
    else if (aws_credentials_set(out, id, secret, token, when) != 0)
        snprintf(err, err_len, "STS credentials: %s", aws_credentials_set_error());
    else
        rc = 0;
    free(id);
    wipe_free(secret);
    wipe_free(token);
    free(expiration);
    return rc;
}

static void copy_element(const char *xml, size_t len, const char *tag, char *dst, size_t dst_len)
{
    char *v = aws_xml_element_text(xml, len, tag);
    snprintf(dst, dst_len, "%s", v ? v : "");
    /* One line only: it ends up in a log line. */
    for (char *p = dst; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    free(v);
}

void aws_sts_parse_error(const char *xml, size_t len, char *code, size_t code_len,
                         char *message, size_t message_len)
{
    const char *start = xml, *stop = xml + len;
    if (element_range(xml, len, "Error", &start, &stop) != 0) {
        start = xml;
        stop = xml + len;
    }
    copy_element(start, (size_t)(stop - start), "Code", code, code_len);
    copy_element(start, (size_t)(stop - start), "Message", message, message_len);
}
