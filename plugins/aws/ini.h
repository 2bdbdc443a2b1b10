/* plugins/aws/ini.h — the AWS shared config and credentials files
 * (~/.aws/config, ~/.aws/credentials), read the way the AWS CLI and SDKs
 * read them:
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 *
 * "[section]" lines (spaces inside the brackets ignored), "key = value"
 * lines (key compared case-insensitively, value trimmed), full-line
 * comments starting with '#' or ';', inline comments as " #" or " ;"
 * after the value, and indented lines continuing a key (the nested
 * settings of "s3 =") skipped.  A section or key given twice: the last
 * wins.  Values may be secrets: aws_ini_free() wipes them. */
#ifndef SLUICE_AWS_INI_H
#define SLUICE_AWS_INI_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aws_ini aws_ini;

/* Reads `path`.  NULL with errno set when it cannot be read (ENOENT when
 * it does not exist) or is larger than 1 MiB (EFBIG). */
aws_ini *aws_ini_load(const char *path);
/* Parses text already in memory (for the tests). */
aws_ini *aws_ini_parse(const char *text, size_t len);
void aws_ini_free(aws_ini *ini);

/* The value of `key` in `section`, or NULL. */
const char *aws_ini_get(const aws_ini *ini, const char *section, const char *key);
bool aws_ini_has_section(const aws_ini *ini, const char *section);

#endif
