/* plugins/aws/canonical_request.h — task 1 of the SigV4 signing process:
 * the canonical request.
 *
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *   ("Step 1: Create a canonical request")
 *
 *   METHOD \n CanonicalURI \n CanonicalQueryString \n
 *   CanonicalHeaders \n SignedHeaders \n HashedPayload
 *
 * Internal to plugins/aws (sigv4.c builds one per signature); exposed for
 * the unit tests. */
#ifndef SLUICE_AWS_CANONICAL_REQUEST_H
#define SLUICE_AWS_CANONICAL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "sigv4.h"

/* Appends the canonical URI for `path`, the path as sent on the wire
 * (without the query).  With `normalize`, "." and ".." segments are
 * resolved (RFC 3986 section 5.2.4) and empty segments dropped, as every
 * service but S3 expects; then every byte but RFC 3986 unreserved
 * characters and '/' is percent-encoded.  Encoding the wire form again is
 * what AWS calls double encoding: "%20" on the wire signs as "%2520". */
void aws_canonical_uri(aws_buf *out, const char *path, bool normalize);

/* Appends the canonical query string for `query` (the text after '?' as
 * sent on the wire, or NULL): each name and value is percent-decoded then
 * encoded with only unreserved characters left as they are, a name without
 * '=' gets an empty value, and the pairs are sorted by name then value. */
int aws_canonical_query(aws_buf *out, const char *query);

/* Appends the canonical headers (lowercase names sorted, values trimmed
 * and inner runs of spaces collapsed to one, repeated names joined with
 * ',' in the order given, each line ending in '\n') to `headers_out`, and
 * the signed-headers list ("a;b;c") to `signed_out`.  -1 on a header name
 * that is empty or not a token. */
int aws_canonical_headers(aws_buf *headers_out, aws_buf *signed_out,
                          const aws_sigv4_header *headers, size_t n);

#endif
