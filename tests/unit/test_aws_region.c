/* tests/unit/test_aws_region.c — region resolution (plugins/aws/region.c)
 * in the SDKs' order on temp files and the environment, and the service
 * endpoint's (aws_endpoint_resolve).  Instance metadata stays disabled or
 * points at a closed loopback port: the IMDS step itself is tested against
 * a fake in tests/integration/aws_region.sh. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/endpoint.h"
#include "aws/region.h"
#include "aws/sts.h"

static char home[256];
static char config_path[300];

static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof home, "%s/sluice-region.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(home))
        return -1;
    snprintf(config_path, sizeof config_path, "%s/config", home);
    setenv("HOME", home, 1);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", config_path, 1);
    const char *vars[] = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                          "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
                          "AWS_ENDPOINT_URL_STS", NULL};
    for (size_t i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(config_path);
    rmdir(home);
    return 0;
}

static void write_config(const char *text)
{
    FILE *f = fopen(config_path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_region(const char *configured, const char *profile, const char *region,
                          const char *source)
{
    char out[64], src[160], err[512] = "";
    if (aws_region_resolve(configured, profile, out, sizeof out, src, sizeof src, err,
                           sizeof err) != 0)
        fail_msg("no region: %s", err);
    assert_string_equal(out, region);
    assert_string_equal(src, source);
}

static void assert_no_region(const char *configured, const char *part)
{
    char out[64], src[160], err[512] = "";
    assert_int_equal(aws_region_resolve(configured, NULL, out, sizeof out, src, sizeof src, err,
                                        sizeof err),
                     -1);
    if (!strstr(err, part))
        fail_msg("error \"%s\" does not contain \"%s\"", err, part);
}

static void test_order(void **unused)
{
    (void)unused;
    assert_no_region(NULL, "no AWS region");
    write_config("[default]\nregion = eu-central-1\n[profile other]\nregion = ap-south-1\n");
    assert_region(NULL, NULL, "eu-central-1", "profile default");
    assert_region(NULL, "other", "ap-south-1", "profile other");
    setenv("AWS_PROFILE", "other", 1);
    assert_region(NULL, NULL, "ap-south-1", "profile other");
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    assert_region(NULL, NULL, "us-west-1", "AWS_DEFAULT_REGION");
    setenv("AWS_REGION", "us-west-2", 1);
    assert_region(NULL, NULL, "us-west-2", "AWS_REGION");
    assert_region("eu-west-1", NULL, "eu-west-1", "the configuration");
    /* A profile without a region, and IMDS not answering: none. */
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    write_config("[profile other]\noutput = json\n");
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    assert_no_region(NULL, "instance metadata service at http://127.0.0.1:1");
}

static void test_validation(void **unused)
{
    (void)unused;
    assert_true(aws_region_valid("us-gov-east-1"));
    assert_true(aws_region_valid("cn-north-1"));
    assert_false(aws_region_valid(""));
    assert_false(aws_region_valid("EU-WEST-1"));
    assert_false(aws_region_valid("eu-west-1.evil.com"));
    assert_false(aws_region_valid("-eu"));
    assert_no_region("eu west 1", "not a region name");
    setenv("AWS_REGION", "x/y", 1);
    assert_no_region(NULL, "the region from AWS_REGION is not a region name");
}

static void assert_endpoint(const char *configured, const char *service, const char *region,
                            const char *url, const char *source)
{
    char src[96], err[256] = "";
    char *got = aws_endpoint_resolve(configured, service, region, src, sizeof src, err,
                                     sizeof err);
    if (!got)
        fail_msg("no endpoint: %s", err);
    assert_string_equal(got, url);
    assert_string_equal(src, source);
    free(got);
}

static void test_endpoint(void **unused)
{
    (void)unused;
    assert_endpoint(NULL, "kinesis", "eu-west-1", "https://kinesis.eu-west-1.amazonaws.com",
                    "the region");
    assert_endpoint(NULL, "kinesis", "cn-north-1", "https://kinesis.cn-north-1.amazonaws.com.cn",
                    "the region");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4567", 1);
    assert_endpoint(NULL, "kinesis", "eu-west-1", "http://127.0.0.1:4567", "AWS_ENDPOINT_URL");
    setenv("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4568", 1);
    assert_endpoint(NULL, "kinesis", "eu-west-1", "http://127.0.0.1:4568",
                    "AWS_ENDPOINT_URL_KINESIS");
    assert_endpoint("https://vpce-1.kinesis.eu-west-1.vpce.amazonaws.com", "kinesis",
                    "eu-west-1", "https://vpce-1.kinesis.eu-west-1.vpce.amazonaws.com",
                    "the configuration");
    /* The service id upper-cased, dashes and spaces as underscores. */
    setenv("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:4569", 1);
    assert_endpoint(NULL, "dynamodb-streams", NULL, "http://127.0.0.1:4569",
                    "AWS_ENDPOINT_URL_DYNAMODB_STREAMS");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_KINESIS");
    char err[256] = "";
    assert_null(aws_endpoint_resolve(NULL, "kinesis", NULL, NULL, 0, err, sizeof err));
    assert_string_equal(err, "no region to build the kinesis endpoint from");
}

static void assert_sts(const char *endpoint, const char *region, const char *url,
                       const char *signing_region)
{
    aws_sts_options opts = {endpoint, region, 0};
    char got_region[64];
    char *got = aws_sts_endpoint_url(&opts, got_region, sizeof got_region);
    assert_non_null(got);
    assert_string_equal(got, url);
    assert_string_equal(got_region, signing_region);
    free(got);
}

static void test_sts_endpoint(void **unused)
{
    (void)unused;
    assert_sts(NULL, NULL, "https://sts.amazonaws.com", "us-east-1");
    assert_sts(NULL, "x/y", "https://sts.amazonaws.com", "us-east-1");
    assert_sts(NULL, "eu-west-1", "https://sts.eu-west-1.amazonaws.com", "eu-west-1");
    assert_sts(NULL, "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1");
    setenv("AWS_DEFAULT_REGION", "ap-east-1", 1);
    assert_sts(NULL, NULL, "https://sts.ap-east-1.amazonaws.com", "ap-east-1");
    setenv("AWS_REGION", "ca-central-1", 1);
    assert_sts(NULL, NULL, "https://sts.ca-central-1.amazonaws.com", "ca-central-1");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000", 1);
    assert_sts(NULL, NULL, "http://127.0.0.1:4000", "ca-central-1");
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4001/sts/", 1);
    assert_sts(NULL, NULL, "http://127.0.0.1:4001/sts/", "ca-central-1");
    assert_sts("http://127.0.0.1:4002", "eu-west-1", "http://127.0.0.1:4002", "eu-west-1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sts_endpoint, setup, teardown),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
