/* tests/unit/test_sts_xml.c — the small XML tag reader for STS answers
 * (plugins/aws/sts_xml.c): elements with prefixes and attributes,
 * entities, CDATA, the Credentials of AssumeRole answers and the Error
 * shape of the AWS Query protocol; secrets never in error messages. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/sts_xml.h"

static void assert_text(const char *xml, const char *tag, const char *expected)
{
    char *v = aws_xml_element_text(xml, strlen(xml), tag);
    if (!expected) {
        assert_null(v);
        return;
    }
    assert_non_null(v);
    assert_string_equal(v, expected);
    free(v);
}

static void test_element_text(void **unused)
{
    (void)unused;
    assert_text("<a><b>x</b></a>", "b", "x");
    assert_text("<a><b>x</b></a>", "a", "<b>x</b>");
    assert_text("<a><bb>no</bb><b attr=\"1\">yes</b></a>", "b", "yes");
    assert_text("<s:a xmlns:s=\"u\"><s:b>pre</s:b></s:a>", "b", "pre");
    assert_text("<a><b/></a>", "b", "");
    assert_text("<a><b></b></a>", "b", "");
    assert_text("<a>&lt;&amp;&gt;&quot;&apos;</a>", "a", "<&>\"'");
    assert_text("<a>&#65;&#x42;&#xe9;&#x20AC;</a>", "a", "AB\xc3\xa9\xe2\x82\xac");
    assert_text("<a>&bogus; &#; &</a>", "a", "&bogus; &#; &");
    assert_text("<a>&#xD800;&#x110000;</a>", "a", "&#xD800;&#x110000;"); /* not characters */
    assert_text("<a><![CDATA[<raw>&amp;]]></a>", "a", "<raw>&amp;");
    assert_text("<?xml version=\"1.0\"?><!-- c --><a>v</a>", "a", "v");
    assert_text("<a>unterminated", "a", NULL);
    assert_text("<a>v</a>", "missing", NULL);
    assert_text("", "a", NULL);
    assert_text("<", "a", NULL);
    assert_text("<a", "a", NULL);
    assert_text("</a>", "a", NULL);
}

static const char assume_role_answer[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleResult>\n"
    "    <SourceIdentity>DevUser123</SourceIdentity>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>\n"
    "      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "      <SecretAccessKey>S3CR3TwJalr/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "      <SessionToken>TOKEN&amp;+/=</SessionToken>\n"
    "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
    "    </Credentials>\n"
    "    <PackedPolicySize>6</PackedPolicySize>\n"
    "  </AssumeRoleResult>\n"
    "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
    "</ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

static void test_credentials(void **unused)
{
    (void)unused;
    aws_credentials c;
    char err[256] = "";
    assert_int_equal(aws_sts_parse_credentials(assume_role_answer, strlen(assume_role_answer),
                                               &c, err, sizeof err),
                     0);
    assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    assert_string_equal(c.secret_access_key, "S3CR3TwJalr/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    assert_string_equal(c.session_token, "TOKEN&+/=");
    assert_int_equal(c.expiration, 1573306481); /* 2019-11-09T13:34:41Z */
    aws_credentials_clear(&c);
}

static void assert_bad(const char *xml, const char *part)
{
    aws_credentials c;
    char err[256] = "";
    assert_int_equal(aws_sts_parse_credentials(xml, strlen(xml), &c, err, sizeof err), -1);
    if (!strstr(err, part))
        fail_msg("error \"%s\" does not contain \"%s\"", err, part);
    assert_null(strstr(err, "S3CR3T"));
    assert_null(c.access_key_id);
}

static void test_bad_credentials(void **unused)
{
    (void)unused;
    assert_bad("<html>Bad gateway</html>", "no Credentials element");
    assert_bad("<Credentials><AccessKeyId>A</AccessKeyId>"
               "<SecretAccessKey>S3CR3T</SecretAccessKey></Credentials>",
               "lacks AccessKeyId, SecretAccessKey or SessionToken");
    assert_bad("<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S3CR3T"
               "</SecretAccessKey><SessionToken>T</SessionToken><Expiration>soon"
               "</Expiration></Credentials>",
               "no valid Expiration");
    assert_bad("<Credentials><AccessKeyId>A&#10;B</AccessKeyId><SecretAccessKey>S3CR3T"
               "</SecretAccessKey><SessionToken>T</SessionToken><Expiration>"
               "2019-11-09T13:34:41Z</Expiration></Credentials>",
               "control characters");
}

static void test_error(void **unused)
{
    (void)unused;
    const char *xml =
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
        "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
        "    <Message>User: arn:aws:iam::1:user/x is not authorized\nto &quot;assume&quot;"
        "</Message>\n  </Error>\n  <RequestId>r-1</RequestId>\n</ErrorResponse>\n";
    char code[64], message[256];
    aws_sts_parse_error(xml, strlen(xml), code, sizeof code, message, sizeof message);
    assert_string_equal(code, "AccessDenied");
    assert_string_equal(message, "User: arn:aws:iam::1:user/x is not authorized to \"assume\"");
    aws_sts_parse_error("oops", 4, code, sizeof code, message, sizeof message);
    assert_string_equal(code, "");
    assert_string_equal(message, "");
    /* Truncated to fit. */
    aws_sts_parse_error(xml, strlen(xml), code, 7, message, 5);
    assert_string_equal(code, "Access");
    assert_string_equal(message, "User");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_element_text),
        cmocka_unit_test(test_credentials),
        cmocka_unit_test(test_bad_credentials),
        cmocka_unit_test(test_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
