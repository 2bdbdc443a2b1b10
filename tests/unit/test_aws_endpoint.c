/* tests/unit/test_aws_endpoint.c — endpoint URLs and the Host header that
 * is sent and signed (plugins/aws/endpoint.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <curl/curl.h>

#include "aws/endpoint.h"

static void assert_endpoint(const char *url, const char *host_header, long port,
                            const char *path)
{
    aws_endpoint ep;
    char err[256] = "";
    if (aws_endpoint_parse(url, &ep, err, sizeof err) != 0)
        fail_msg("%s: %s", url, err);
    assert_string_equal(ep.host_header, host_header);
    assert_int_equal(ep.port, port);
    assert_string_equal(ep.path, path);
    aws_endpoint_free(&ep);
}

static void test_host_header_port(void **unused)
{
    (void)unused;
    assert_endpoint("https://kinesis.eu-west-1.amazonaws.com", "kinesis.eu-west-1.amazonaws.com",
                    443, "/");
    assert_endpoint("https://kinesis.eu-west-1.amazonaws.com:443/",
                    "kinesis.eu-west-1.amazonaws.com", 443, "/");
    assert_endpoint("http://127.0.0.1:4567", "127.0.0.1:4567", 4567, "/");
    assert_endpoint("http://localhost", "localhost", 80, "/");
    assert_endpoint("http://localhost:443", "localhost:443", 443, "/");
    assert_endpoint("https://h:80/", "h:80", 80, "/");
    assert_endpoint("https://[::1]:8443/vpc", "[::1]:8443", 8443, "/vpc");
    /* No scheme: https. */
    assert_endpoint("vpce-1.kinesis.us-east-1.vpce.amazonaws.com",
                    "vpce-1.kinesis.us-east-1.vpce.amazonaws.com", 443, "/");
}

static void test_refused(void **unused)
{
    (void)unused;
    const char *bad[] = {"ftp://h/", "https://user:pw@h/", "https://h/?q=1", "http://", "",
                         "https://h:99999/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aws_endpoint ep;
        char err[256] = "";
        if (aws_endpoint_parse(bad[i], &ep, err, sizeof err) == 0)
            fail_msg("accepted %s", bad[i]);
        assert_true(err[0] != '\0');
        /* The password never shows in the message. */
        assert_null(strstr(err, "pw"));
        assert_null(ep.url);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_header_port),
        cmocka_unit_test(test_refused),
    };
    /* The core's job in sluice (DESIGN §4); a test does it itself. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
