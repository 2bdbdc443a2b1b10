/* tests/unit/test_aws_http.c — the parts of plugins/aws/http.c that need no
 * server (the rest runs in tests/integration/aws_http.sh and aws_retry.sh):
 * the no_proxy list that keeps the instance-metadata endpoints away from
 * any proxy, and a client's life cycle. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/http.h"

static void assert_list(const char *env, const char *want)
{
    char *got = aws_http_no_proxy_list(env);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_no_proxy_list(void **unused)
{
    (void)unused;
    /* IMDS over IPv4 and IPv6, and the ECS container endpoint. */
    assert_list(NULL, "169.254.169.254,fd00:ec2::254,169.254.170.2");
    assert_list("", "169.254.169.254,fd00:ec2::254,169.254.170.2");
    /* The operator's own list is kept (CURLOPT_NOPROXY replaces it). */
    assert_list("example.com,.internal", "example.com,.internal,169.254.169.254,"
                                         "fd00:ec2::254,169.254.170.2");
    assert_list("*", "*");
}

static void test_client_life_cycle(void **unused)
{
    (void)unused;
    char err[256] = "";
    aws_http_client *c = aws_http_client_new(NULL, err, sizeof err);
    assert_non_null(c);
    aws_http_client_free(c);
    aws_http_options o = {1000, 2000, "/nonexistent/ca.pem", false, true};
    c = aws_http_client_new(&o, err, sizeof err);
    assert_non_null(c);
    /* A refused connection (port 1 on loopback): a network error, retryable. */
    aws_http_response resp;
    aws_http_result r = aws_http_request(c, "GET", "http://127.0.0.1:1/", NULL, 0, NULL, 0,
                                         &resp, err, sizeof err);
    assert_int_equal(r, AWS_HTTP_NETWORK);
    assert_null(resp.body);
    assert_true(err[0] != '\0');
    /* A scheme that is not http(s): refused for good. */
    r = aws_http_request(c, "GET", "file:///etc/passwd", NULL, 0, NULL, 0, &resp, err, sizeof err);
    assert_int_equal(r, AWS_HTTP_FAILED);
    aws_http_client_free(c);
    aws_http_client_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_proxy_list),
        cmocka_unit_test(test_client_life_cycle),
    };
    /* The core's job in sluice (DESIGN §4); a test does it itself. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
