/* tests/unit/test_aws_error.c — decoding the AWS JSON protocol's error
 * shapes and classifying them for retries (plugins/aws/aws_error.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/aws_error.h"

static void decode(aws_error *e, long status, const char *body, const char *header)
{
    aws_error_from_response(e, status, body, body ? strlen(body) : 0, header, "req-1");
}

static void test_type_with_namespace(void **unused)
{
    (void)unused;
    aws_error e;
    decode(&e, 400,
           "{\"__type\":\"com.amazonaws.kinesis.v20131202#ResourceNotFoundException\","
           "\"message\":\"Stream s not found.\"}",
           NULL);
    assert_string_equal(e.code, "ResourceNotFoundException");
    assert_string_equal(e.message, "Stream s not found.");
    assert_string_equal(e.request_id, "req-1");
    assert_int_equal(e.kind, AWS_ERROR_CLIENT);
    assert_false(aws_error_retryable(&e));
}

static void test_type_without_namespace_capital_message(void **unused)
{
    (void)unused;
    aws_error e;
    decode(&e, 400, "{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}", NULL);
    assert_string_equal(e.code, "ThrottlingException");
    assert_string_equal(e.message, "Rate exceeded");
    assert_int_equal(e.kind, AWS_ERROR_THROTTLING);
    assert_true(aws_error_retryable(&e));
}

static void test_code_from_header(void **unused)
{
    (void)unused;
    aws_error e;
    decode(&e, 400, "<html>not json</html>",
           "ProvisionedThroughputExceededException:http://internal.amazon.com/coral/x/");
    assert_string_equal(e.code, "ProvisionedThroughputExceededException");
    assert_string_equal(e.message, "");
    assert_int_equal(e.kind, AWS_ERROR_THROTTLING);
    /* The body's __type wins over the header. */
    decode(&e, 400, "{\"__type\":\"ValidationException\"}", "ThrottlingException");
    assert_string_equal(e.code, "ValidationException");
    assert_int_equal(e.kind, AWS_ERROR_CLIENT);
}

static void test_classes(void **unused)
{
    (void)unused;
    assert_int_equal(aws_error_classify(400, "ThrottlingException"), AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(400, "ProvisionedThroughputExceededException"),
                     AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(400, "LimitExceededException"), AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(503, "RequestLimitExceeded"), AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(400, "KMSThrottlingException"), AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(429, ""), AWS_ERROR_THROTTLING);
    assert_int_equal(aws_error_classify(500, ""), AWS_ERROR_TRANSIENT);
    assert_int_equal(aws_error_classify(502, NULL), AWS_ERROR_TRANSIENT);
    assert_int_equal(aws_error_classify(503, "ServiceUnavailable"), AWS_ERROR_TRANSIENT);
    assert_int_equal(aws_error_classify(504, ""), AWS_ERROR_TRANSIENT);
    assert_int_equal(aws_error_classify(500, "InternalFailure"), AWS_ERROR_TRANSIENT);
    assert_int_equal(aws_error_classify(400, "ExpiredTokenException"), AWS_ERROR_EXPIRED_TOKEN);
    assert_int_equal(aws_error_classify(403, "ExpiredToken"), AWS_ERROR_EXPIRED_TOKEN);
    assert_int_equal(aws_error_classify(400, "ValidationException"), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(403, "AccessDeniedException"), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(403, "InvalidSignatureException"), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(403, "UnrecognizedClientException"), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(404, ""), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(501, ""), AWS_ERROR_CLIENT);
    assert_int_equal(aws_error_classify(200, ""), AWS_ERROR_NONE);
}

/* Only the first line of a message is kept: a signature error's long
 * explanation can echo request headers. */
static void test_message_first_line_only(void **unused)
{
    (void)unused;
    aws_error e;
    decode(&e, 403,
           "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we "
           "calculated does not match.\\n\\nThe Canonical String for this request should have "
           "been\\n'x-amz-security-token:SECRET'\"}",
           NULL);
    assert_string_equal(e.message, "The request signature we calculated does not match.");
    assert_null(strstr(e.message, "SECRET"));
    char buf[1024];
    aws_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "InvalidSignatureException (HTTP 403): The request signature we "
                             "calculated does not match. [request id req-1]");
}

static void test_odd_bodies(void **unused)
{
    (void)unused;
    aws_error e;
    decode(&e, 500, NULL, NULL);
    assert_int_equal(e.kind, AWS_ERROR_TRANSIENT);
    assert_string_equal(e.code, "");
    decode(&e, 400, "[1,2]", NULL);
    assert_int_equal(e.kind, AWS_ERROR_CLIENT);
    decode(&e, 400, "{\"__type\":42,\"message\":null}", NULL);
    assert_string_equal(e.code, "");
    decode(&e, 400, "{\"__type\":\"", NULL);
    assert_string_equal(e.code, "");
    aws_error_set(&e, AWS_ERROR_TIMEOUT, "timed out after %d ms", 500);
    char buf[256];
    aws_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "timeout: timed out after 500 ms");
    assert_true(aws_error_retryable(&e));
    aws_error_set(&e, AWS_ERROR_LOCAL, "bad CA file");
    assert_false(aws_error_retryable(&e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_with_namespace),
        cmocka_unit_test(test_type_without_namespace_capital_message),
        cmocka_unit_test(test_code_from_header),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_message_first_line_only),
        cmocka_unit_test(test_odd_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
