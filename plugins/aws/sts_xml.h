/* plugins/aws/sts_xml.h — reading the AWS Query protocol's XML answers
 * (STS) with a small tag reader: no DTDs, no namespaces beyond ignoring
 * prefixes and attributes, just the text of the first element of a name.
 *
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *   https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization
 *
 * A success looks like
 *   <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 *     <AssumeRoleResult><Credentials>
 *       <AccessKeyId>ASIA...</AccessKeyId><SecretAccessKey>...</SecretAccessKey>
 *       <SessionToken>...</SessionToken><Expiration>2026-11-26T12:00:00Z</Expiration>
 *     </Credentials>...</AssumeRoleResult></AssumeRoleResponse>
 * and an error
 *   <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
 *     <Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>
 * Pure functions, thread-safe. */
#ifndef SLUICE_AWS_STS_XML_H
#define SLUICE_AWS_STS_XML_H

#include <stddef.h>

#include "credentials.h"

/* The text of the first element named `tag` (an element <x:tag> matches
 * too) inside xml[0..len), with the five predefined entities, numeric
 * character references and CDATA sections decoded.  A malloc'd string, or
 * NULL when there is no such element (or out of memory). */
char *aws_xml_element_text(const char *xml, size_t len, const char *tag);

/* Reads the <Credentials> of an AssumeRole / AssumeRoleWithWebIdentity
 * answer into `out`.  0, or -1 with a reason in err (never a secret: the
 * body is not quoted). */
int aws_sts_parse_credentials(const char *xml, size_t len, aws_credentials *out, char *err,
                              size_t err_len);

/* The <Error><Code> and <Message> of an error answer (either may come back
 * empty), copied into the buffers, truncated to fit. */
void aws_sts_parse_error(const char *xml, size_t len, char *code, size_t code_len,
                         char *message, size_t message_len);

#endif
