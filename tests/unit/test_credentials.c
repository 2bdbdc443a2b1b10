/* tests/unit/test_credentials.c — the credentials chain (plugins/aws/
 * credentials_*.c) on temp files: explicit configuration, the environment,
 * profiles of the shared config and credentials files, credential_process;
 * in the SDKs' order, with broken sources reported, never skipped, and
 * secrets never in error messages. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/credentials_sources.h"
#include "aws/imds.h"
#include "aws/ini.h"

static char home[256];

static const char *const variables[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL", "AWS_REGION",
    "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    NULL,
};

static void write_file(const char *rel, const char *text, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", home, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void remove_file(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", home, rel);
    unlink(path);
}

/* Every test starts from an empty home directory and no AWS variables. */
static int setup(void **state)
{
    (void)state;
    snprintf(home, sizeof home, "%s/sluice-creds.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(home))
        return -1;
    char aws[300];
    snprintf(aws, sizeof aws, "%s/.aws", home);
    mkdir(aws, 0700);
    setenv("HOME", home, 1);
    for (size_t i = 0; variables[i]; i++)
        unsetenv(variables[i]);
    /* Nothing here may reach a real AWS endpoint or the instance metadata
     * addresses: STS and IMDS point at a loopback port nobody listens on
     * (connections refused at once), and IMDS is off. */
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", 1);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {".aws/credentials", ".aws/config", "other-credentials", "proc.sh",
                           "token", NULL};
    for (size_t i = 0; files[i]; i++)
        remove_file(files[i]);
    char aws[300];
    snprintf(aws, sizeof aws, "%s/.aws", home);
    rmdir(aws);
    rmdir(home);
    return 0;
}

typedef struct resolved {
    int rc;
    aws_credentials creds;
    char source[256];
    char err[1024];
} resolved;

static void resolve(const aws_credentials_config *cfg, resolved *r)
{
    memset(r, 0, sizeof *r);
    r->rc = aws_credentials_resolve(cfg, &r->creds, r->source, sizeof r->source, r->err,
                                    sizeof r->err);
}

static void assert_found(resolved *r, const char *id, const char *secret, const char *token,
                         const char *source)
{
    if (r->rc != 0)
        fail_msg("not found: %s", r->err);
    assert_string_equal(r->creds.access_key_id, id);
    assert_string_equal(r->creds.secret_access_key, secret);
    if (token)
        assert_string_equal(r->creds.session_token, token);
    else
        assert_null(r->creds.session_token);
    assert_string_equal(r->source, source);
    aws_credentials_clear(&r->creds);
}

static void assert_error(resolved *r, const char *part)
{
    assert_int_equal(r->rc, -1);
    if (!strstr(r->err, part))
        fail_msg("error \"%s\" does not contain \"%s\"", r->err, part);
    /* No secret used in these tests (all hold "S3CR3T") ever shows in a message. */
    assert_null(strstr(r->err, "S3CR3T"));
}

/* ---- chain order ----------------------------------------------------------- */

static const char shared_credentials[] =
    "# a comment\n"
    "[default]\n"
    "aws_access_key_id = AKIDFILEDEFAULT\n"
    "aws_secret_access_key = S3CR3TFILEDEFAULT ; inline comment\n"
    "\n"
    "[dev]\n"
    "AWS_Access_Key_Id=AKIDFILEDEV\n"
    "aws_secret_access_key=S3CR3TFILEDEV\n"
    "aws_session_token = TOKENDEV\n";

static void test_nothing_found(void **unused)
{
    (void)unused;
    resolved r;
    resolve(NULL, &r);
    assert_error(&r, "no AWS credentials found");
}

static void test_config_first(void **unused)
{
    (void)unused;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "S3CR3TENV", 1);
    write_file(".aws/credentials", shared_credentials, 0600);
    aws_credentials_config cfg = {.access_key_id = "AKIDCONFIG",
                                  .secret_access_key = "S3CR3TCONFIG"};
    resolved r;
    resolve(&cfg, &r);
    assert_found(&r, "AKIDCONFIG", "S3CR3TCONFIG", NULL, "configuration");
    aws_credentials_config half = {.access_key_id = "AKIDCONFIG"};
    resolve(&half, &r);
    assert_error(&r, "access_key_id and secret_access_key go together");
}

static void test_environment_before_files(void **unused)
{
    (void)unused;
    write_file(".aws/credentials", shared_credentials, 0600);
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "S3CR3TENV", 1);
    setenv("AWS_SESSION_TOKEN", "TOKENENV", 1);
    resolved r;
    resolve(NULL, &r);
    assert_found(&r, "AKIDENV", "S3CR3TENV", "TOKENENV", "environment");
    /* Half a pair is an error, not a reason to use the files' identity. */
    unsetenv("AWS_SECRET_ACCESS_KEY");
    resolve(NULL, &r);
    assert_error(&r, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    /* A control character would end up inside an HTTP header: refused. */
    setenv("AWS_SECRET_ACCESS_KEY", "S3CR3TENV\r\nX-Injected: 1", 1);
    resolve(NULL, &r);
    assert_error(&r, "hold control characters");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    /* Empty variables count as unset. */
    setenv("AWS_ACCESS_KEY_ID", "", 1);
    unsetenv("AWS_SESSION_TOKEN");
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL,
                 "profile default (shared files)");
}

/* ---- profiles -------------------------------------------------------------- */

static void test_profiles_in_credentials_file(void **unused)
{
    (void)unused;
    write_file(".aws/credentials", shared_credentials, 0600);
    resolved r;
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL,
                 "profile default (shared files)");
    setenv("AWS_PROFILE", "dev", 1);
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEV", "S3CR3TFILEDEV", "TOKENDEV", "profile dev (shared files)");
    /* The configured profile wins over AWS_PROFILE. */
    aws_credentials_config cfg = {.profile = "default"};
    resolve(&cfg, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL,
                 "profile default (shared files)");
}

static void test_profiles_in_config_file(void **unused)
{
    (void)unused;
    write_file(".aws/config",
               "[default]\nregion = eu-west-1\naws_access_key_id = AKIDCFGDEFAULT\n"
               "aws_secret_access_key = S3CR3TCFGDEFAULT\n"
               "[profile   prod]\ns3 =\n  max_concurrent_requests = 20\n"
               "aws_access_key_id = AKIDCFGPROD\naws_secret_access_key = S3CR3TCFGPROD\n"
               "[prod]\naws_access_key_id = AKIDNOTAPROFILE\n",
               0600);
    resolved r;
    resolve(NULL, &r);
    assert_found(&r, "AKIDCFGDEFAULT", "S3CR3TCFGDEFAULT", NULL, "profile default (shared files)");
    aws_credentials_config cfg = {.profile = "prod"};
    resolve(&cfg, &r);
    assert_found(&r, "AKIDCFGPROD", "S3CR3TCFGPROD", NULL, "profile prod (shared files)");
    /* The credentials file's settings win over the config file's. */
    write_file(".aws/credentials", "[prod]\naws_access_key_id = AKIDCREDPROD\n"
                                   "aws_secret_access_key = S3CR3TCREDPROD\n", 0600);
    resolve(&cfg, &r);
    assert_found(&r, "AKIDCREDPROD", "S3CR3TCREDPROD", NULL, "profile prod (shared files)");
}

static void test_file_locations_from_environment(void **unused)
{
    (void)unused;
    write_file(".aws/credentials", shared_credentials, 0600);
    write_file("other-credentials", "[default]\naws_access_key_id = AKIDOTHER\n"
                                    "aws_secret_access_key = S3CR3TOTHER\n", 0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/other-credentials", 1);
    resolved r;
    resolve(NULL, &r);
    assert_found(&r, "AKIDOTHER", "S3CR3TOTHER", NULL, "profile default (shared files)");
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    resolve(NULL, &r);
    assert_error(&r, "no AWS credentials found");
}

static void test_broken_profiles(void **unused)
{
    (void)unused;
    write_file(".aws/credentials",
               "[half]\naws_access_key_id = AKIDHALF\n"
               "[empty]\nregion = us-east-1\n", 0600);
    write_file(".aws/config",
               "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = half\n"
               "[profile sso]\nsso_session = corp\n",
               0600);
    resolved r;
    setenv("AWS_PROFILE", "missing", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'missing' not found in");
    setenv("AWS_PROFILE", "half", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'half' has aws_access_key_id but not aws_secret_access_key");
    setenv("AWS_PROFILE", "empty", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'empty' has no credentials");
    /* A role profile whose source is broken fails before STS is asked. */
    setenv("AWS_PROFILE", "role", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'role': source_profile: profile 'half' has aws_access_key_id but "
                     "not aws_secret_access_key");
    setenv("AWS_PROFILE", "sso", 1);
    resolve(NULL, &r);
    assert_error(&r, "uses sso_session");
    /* An unreadable file is an error, not an absent one (root reads anything). */
    if (geteuid() != 0) {
        write_file(".aws/credentials", shared_credentials, 0000);
        unsetenv("AWS_PROFILE");
        resolve(NULL, &r);
        assert_error(&r, "cannot read");
    }
}

/* ---- web identity and role profiles (what needs no STS answer; the STS
 * calls themselves: tests/integration/aws_credentials.sh) ------------------------ */

static void test_web_identity_settings(void **unused)
{
    (void)unused;
    write_file(".aws/credentials", shared_credentials, 0600);
    resolved r;
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
    resolve(NULL, &r);
    assert_error(&r, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
    char path[512];
    snprintf(path, sizeof path, "%s/token", home);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
    resolve(NULL, &r);
    assert_error(&r, "cannot read the web identity token file");
    write_file("token", " \n", 0600);
    resolve(NULL, &r);
    assert_error(&r, "is empty");
    /* Web identity comes before the shared files: STS failing (nobody on
     * the port) is reported, the default profile is not used instead, and
     * the token is nowhere in the message. */
    write_file("token", "S3CR3TJWT.payload.sig\n", 0600);
    resolve(NULL, &r);
    assert_error(&r, "STS AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/web:");
    /* ... and after the environment. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "S3CR3TENV", 1);
    resolve(NULL, &r);
    assert_found(&r, "AKIDENV", "S3CR3TENV", NULL, "environment");
}

static void test_role_profile_settings(void **unused)
{
    (void)unused;
    write_file(".aws/config",
               "[profile noroot]\nrole_arn = arn:aws:iam::1:role/r\n"
               "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
               "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
               "[profile self]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = self\n"
               "[profile gone]\nrole_arn = arn:aws:iam::1:role/g\nsource_profile = nowhere\n"
               "[profile ecs]\nrole_arn = arn:aws:iam::1:role/e\n"
               "credential_source = EcsContainer\n"
               "[profile weird]\nrole_arn = arn:aws:iam::1:role/w\n"
               "credential_source = Elsewhere\n"
               "[profile both]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
               "credential_source = Environment\n",
               0600);
    resolved r;
    setenv("AWS_PROFILE", "noroot", 1);
    resolve(NULL, &r);
    assert_error(&r, "has role_arn but neither source_profile, credential_source nor "
                     "web_identity_token_file");
    setenv("AWS_PROFILE", "a", 1);
    resolve(NULL, &r);
    assert_error(&r, "source_profile chain longer than 5 (a cycle?)");
    setenv("AWS_PROFILE", "self", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'self' is its own source_profile but has no keys");
    setenv("AWS_PROFILE", "gone", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'gone': source_profile: profile 'nowhere' not found");
    setenv("AWS_PROFILE", "ecs", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'ecs': credential_source: EcsContainer has no credentials");
    setenv("AWS_PROFILE", "weird", 1);
    resolve(NULL, &r);
    assert_error(&r, "unknown credential_source Elsewhere");
    setenv("AWS_PROFILE", "both", 1);
    resolve(NULL, &r);
    assert_error(&r, "has both source_profile and credential_source");
}

/* ---- ECS and IMDS (what needs no endpoint; the endpoints themselves:
 * tests/integration/aws_credentials.sh) --------------------------------------- */

static void test_metadata_json(void **unused)
{
    (void)unused;
    const char *doc = "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", "
                      "\"AccessKeyId\": \"ASIAMETA\", \"SecretAccessKey\": \"S3CR3TMETA\", "
                      "\"Token\": \"TOKENMETA\", \"Expiration\": \"2999-01-02T03:04:05Z\"}";
    aws_credentials c;
    char err[256] = "";
    assert_int_equal(aws_credentials_parse_json(doc, strlen(doc), 0, &c, err, sizeof err), 0);
    assert_string_equal(c.access_key_id, "ASIAMETA");
    assert_string_equal(c.secret_access_key, "S3CR3TMETA");
    assert_string_equal(c.session_token, "TOKENMETA");
    assert_int_equal(c.expiration, 32472241445);
    aws_credentials_clear(&c);
    static const struct { const char *doc, *why; } bad[] = {
        {"not json", "not a JSON object"},
        {"{\"Code\": \"Failure\", \"AccessKeyId\": \"A\"}", "Code is Failure"},
        {"{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S3CR3T\"}", "lacks"},
        {"{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S3CR3T\", \"Token\": \"T\"}",
         "no valid Expiration"},
        {"{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S3CR3T\", \"Token\": \"T\", "
         "\"Expiration\": \"2000-01-01T00:00:00Z\"}",
         "already expired"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(
            aws_credentials_parse_json(bad[i].doc, strlen(bad[i].doc), time(NULL), &c, err,
                                       sizeof err),
            -1);
        if (!strstr(err, bad[i].why))
            fail_msg("error \"%s\" does not contain \"%s\"", err, bad[i].why);
        assert_null(strstr(err, "S3CR3T"));
    }
}

static void test_ecs_settings(void **unused)
{
    (void)unused;
    resolved r;
    /* Plain http to anything but loopback or the container hosts is refused
     * before any connection is made. */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3/creds", 1);
    resolve(NULL, &r);
    assert_error(&r, "plain http only to a loopback address");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/creds", 1);
    resolve(NULL, &r);
    assert_error(&r, "AWS_CONTAINER_CREDENTIALS_FULL_URI:");
    /* A token file that cannot be read stops the chain before the request. */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/sluice-token", 1);
    resolve(NULL, &r);
    assert_error(&r, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    /* An endpoint that refuses is an error, not a reason to go on to IMDS. */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "S3CR3TECSTOKEN", 1);
    resolve(NULL, &r);
    assert_error(&r, "container credentials endpoint:");
    /* The shared files come before it. */
    write_file(".aws/credentials", shared_credentials, 0600);
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL,
                 "profile default (shared files)");
}

/* The default addresses, checked without connecting to them. */
static void test_metadata_addresses(void **unused)
{
    (void)unused;
    char err[256] = "";
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/full", 1);
    char *url = aws_credentials_ecs_url(err, sizeof err);
    assert_string_equal(url, "http://127.0.0.1:9/full");
    free(url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/x", 1);
    url = aws_credentials_ecs_url(err, sizeof err);
    assert_string_equal(url, "https://creds.example.com/x");
    free(url);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials", 1);
    url = aws_credentials_ecs_url(err, sizeof err);
    assert_string_equal(url, "http://169.254.170.23/v1/credentials"); /* EKS Pod Identity */
    free(url);
    /* The relative URI wins, on the ECS agent's address. */
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
    url = aws_credentials_ecs_url(err, sizeof err);
    assert_string_equal(url, "http://169.254.170.2/v2/credentials/abc");
    free(url);
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/x", 1);
    url = aws_credentials_ecs_url(err, sizeof err);
    assert_string_equal(url, "http://169.254.170.2/v2/x");
    free(url);
    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");

    assert_string_equal(aws_imds_endpoint(), "http://127.0.0.1:1"); /* setup's */
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    assert_string_equal(aws_imds_endpoint(), "http://169.254.169.254");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", 1);
    assert_string_equal(aws_imds_endpoint(), "http://[fd00:ec2::254]");
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
    assert_true(aws_imds_disabled()); /* setup's */
}

static void test_imds_settings(void **unused)
{
    (void)unused;
    resolved r;
    /* Disabled (setup), in any case. */
    setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    resolve(NULL, &r);
    assert_error(&r, "no AWS credentials found");
    /* Enabled but nobody answering (the endpoint is a closed loopback port):
     * not found, the chain ends with nothing. */
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    resolve(NULL, &r);
    assert_error(&r, "no AWS credentials found");
    assert_non_null(strstr(r.err, "instance metadata service"));
}

/* ---- credential_process ---------------------------------------------------------- */

static void write_process_profile(const char *script)
{
    write_file("proc.sh", script, 0700);
    char config[512];
    /* Run through sh: the temp dir may be mounted noexec. */
    snprintf(config, sizeof config, "[profile proc]\ncredential_process = sh %s/proc.sh --flag\n",
             home);
    write_file(".aws/config", config, 0600);
    setenv("AWS_PROFILE", "proc", 1);
}

static void test_credential_process(void **unused)
{
    (void)unused;
    write_process_profile("#!/bin/sh\n[ \"$1\" = --flag ] || exit 3\n"
                          "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                          "\"SecretAccessKey\": \"S3CR3TPROC\", \"SessionToken\": \"TOKENPROC\", "
                          "\"Expiration\": \"2999-01-02T03:04:05Z\"}'\n");
    resolved r;
    resolve(NULL, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.creds.expiration, 32472241445); /* 2999-01-02T03:04:05Z */
    assert_found(&r, "AKIDPROC", "S3CR3TPROC", "TOKENPROC", "profile proc (credential_process)");
    /* Long-term keys: no token, no expiration. */
    write_process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDLT\","
                          "\"SecretAccessKey\":\"S3CR3TLT\"}'\n");
    resolve(NULL, &r);
    assert_int_equal(r.creds.expiration, 0);
    assert_found(&r, "AKIDLT", "S3CR3TLT", NULL, "profile proc (credential_process)");
}

static void test_credential_process_failures(void **unused)
{
    (void)unused;
    resolved r;
    write_process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDX\","
                          "\"SecretAccessKey\":\"S3CR3TX\"}'\nexit 4\n");
    resolve(NULL, &r);
    assert_error(&r, "profile 'proc': credential_process: the command failed (exit status 4)");
    write_process_profile("#!/bin/sh\necho 'S3CR3T not json'\n");
    resolve(NULL, &r);
    assert_error(&r, "its output is not a JSON object");
    write_process_profile("#!/bin/sh\necho '{\"Version\":2,\"AccessKeyId\":\"A\","
                          "\"SecretAccessKey\":\"S3CR3TV2\"}'\n");
    resolve(NULL, &r);
    assert_error(&r, "lacks \"Version\": 1");
    write_process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"A\"}'\n");
    resolve(NULL, &r);
    assert_error(&r, "lacks AccessKeyId or SecretAccessKey");
    write_process_profile("#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"A\","
                          "\"SecretAccessKey\":\"S3CR3TOLD\",\"Expiration\":\"2001-01-01T00:00:00Z\"}'\n");
    resolve(NULL, &r);
    assert_error(&r, "expired at 2001-01-01T00:00:00Z");
    /* A command killed by a signal (the shell itself, here). */
    aws_credentials c;
    char err[256] = "";
    assert_int_equal(aws_credentials_from_process("kill -9 $$", time(NULL), 5000, &c, err, sizeof err),
                     AWS_CREDS_ERROR);
    assert_string_equal(err, "the command failed (signal 9)");
}

static void test_credential_process_timeout(void **unused)
{
    (void)unused;
    write_file("proc.sh", "#!/bin/sh\nexec sleep 30\n", 0700);
    char command[512];
    snprintf(command, sizeof command, "sh %s/proc.sh", home);
    aws_credentials c;
    char err[256] = "";
    time_t start = time(NULL);
    assert_int_equal(aws_credentials_from_process(command, time(NULL), 300, &c, err, sizeof err),
                     AWS_CREDS_ERROR);
    assert_string_equal(err, "timed out after 300 ms");
    assert_true(time(NULL) - start < 10);
    /* The command's own children were killed with it: the pipe's write end
     * they held is closed, so reading it ends at once. */
    write_file("proc.sh", "#!/bin/sh\nsleep 30 &\nwait\n", 0700);
    start = time(NULL);
    assert_int_equal(aws_credentials_from_process(command, time(NULL), 300, &c, err, sizeof err),
                     AWS_CREDS_ERROR);
    assert_true(time(NULL) - start < 10);
}

/* ---- the refreshing provider ------------------------------------------------------- */

static void get_ok(aws_credentials_provider *p, const char *id)
{
    aws_credentials c;
    char err[512] = "";
    if (p->get(p, &c, err, sizeof err) != 0)
        fail_msg("get failed: %s", err);
    assert_string_equal(c.access_key_id, id);
    aws_credentials_clear(&c);
}

/* A credential_process that hands out AKIDRUN<n> on its n-th run, expiring
 * `lifetime` seconds later, and fails from run `fail_from` on. */
static void write_counting_process(int lifetime, int fail_from)
{
    char script[1024];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "n=$(cat %s/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > %s/count\n"
             "[ $n -ge %d ] && { echo 'refresh refused' >&2; exit 1; }\n"
             "exp=$(date -u -d @$(( $(date +%%s) + %d )) +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
             "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDRUN%%s\", "
             "\"SecretAccessKey\": \"S3CR3TRUN\", \"SessionToken\": \"T\", "
             "\"Expiration\": \"%%s\"}' $n $exp\n",
             home, home, fail_from, lifetime);
    write_process_profile(script);
}

static void test_provider_refresh(void **unused)
{
    (void)unused;
    /* Valid for 302 s: refreshed (300 s early) after 1 to 2 s. */
    write_counting_process(302, 100);
    aws_credentials_provider *p = aws_credentials_provider_chain(NULL);
    assert_non_null(p);
    char source[256];
    aws_credentials_provider_chain_source(p, source, sizeof source);
    assert_string_equal(source, "");
    get_ok(p, "AKIDRUN1");
    get_ok(p, "AKIDRUN1"); /* cached: the process ran once */
    aws_credentials_provider_chain_source(p, source, sizeof source);
    assert_string_equal(source, "profile proc (credential_process)");
    sleep(3);
    get_ok(p, "AKIDRUN2"); /* within 300 s of the expiration: fetched anew */
    p->invalidate(p);
    get_ok(p, "AKIDRUN3"); /* invalidated: fetched anew */
    get_ok(p, "AKIDRUN3");
    aws_credentials_provider_destroy(p);
    remove_file("count");
}

static void test_provider_refresh_failure(void **unused)
{
    (void)unused;
    write_counting_process(302, 2);
    aws_credentials_provider *p = aws_credentials_provider_chain(NULL);
    get_ok(p, "AKIDRUN1");
    sleep(3);
    /* Due for a refresh that fails, but not expired: the old ones serve. */
    get_ok(p, "AKIDRUN1");
    /* After invalidate() they may not: the failure is reported. */
    p->invalidate(p);
    aws_credentials c;
    char err[512] = "";
    assert_int_equal(p->get(p, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "credential_process"));
    assert_null(strstr(err, "S3CR3T"));
    assert_null(c.access_key_id);
    aws_credentials_provider_destroy(p);
    remove_file("count");
}

/* Many threads getting and invalidating at once: each copy is whole (the
 * key and secret of one snapshot), nothing races (run under the sanitizers
 * and valgrind in CI). */
typedef struct hammer {
    aws_credentials_provider *p;
    int failures;
} hammer;

static void *hammer_thread(void *arg)
{
    hammer *h = arg;
    for (int i = 0; i < 300; i++) {
        aws_credentials c;
        char err[256];
        if (h->p->get(h->p, &c, err, sizeof err) != 0) {
            h->failures++;
            continue;
        }
        if (strcmp(c.access_key_id, "AKIDENV") != 0 ||
            strcmp(c.secret_access_key, "S3CR3TENV") != 0)
            h->failures++;
        aws_credentials_clear(&c);
        if (i % 50 == 0)
            h->p->invalidate(h->p);
    }
    return NULL;
}

static void test_provider_threads(void **unused)
{
    (void)unused;
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "S3CR3TENV", 1);
    aws_credentials_config cfg = {.profile = NULL};
    aws_credentials_provider *p = aws_credentials_provider_chain(&cfg);
    assert_non_null(p);
    pthread_t t[8];
    hammer h[8];
    for (int i = 0; i < 8; i++) {
        h[i] = (hammer){p, 0};
        assert_int_equal(pthread_create(&t[i], NULL, hammer_thread, &h[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(h[i].failures, 0);
    }
    aws_credentials_provider_destroy(p);
}

static void test_rfc3339(void **unused)
{
    (void)unused;
    time_t t;
    assert_int_equal(aws_parse_rfc3339("2015-08-30T12:36:00Z", &t), 0);
    assert_int_equal(t, 1440938160);
    assert_int_equal(aws_parse_rfc3339("2015-08-30T12:36:00.123456Z", &t), 0);
    assert_int_equal(t, 1440938160);
    assert_int_equal(aws_parse_rfc3339("2015-08-30T14:36:00+02:00", &t), 0);
    assert_int_equal(t, 1440938160);
    assert_int_equal(aws_parse_rfc3339("2015-08-30t10:06:00-02:30", &t), 0);
    assert_int_equal(t, 1440938160);
    const char *bad[] = {"2015-08-30", "2015-08-30T12:36:00", "2015-13-30T12:36:00Z",
                         "2015-08-30T12:36:00Zjunk", "2015-08-30T12:36:00.Z", "yesterday"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(aws_parse_rfc3339(bad[i], &t), -1);
}

static void test_ini_details(void **unused)
{
    (void)unused;
    static const char text[] = "key = outside any section\n"
                               "[ a ]\n"
                               "k = 1\n"
                               "; comment\n"
                               "K = 2 # later wins, comment dropped\n"
                               "url = http://h/#frag\n"
                               "nested =\n"
                               "  inner = x\n"
                               "novalue\n"
                               "[a]\n"
                               "other=3\n";
    aws_ini *ini = aws_ini_parse(text, sizeof text - 1);
    assert_non_null(ini);
    assert_string_equal(aws_ini_get(ini, "a", "k"), "2");
    assert_string_equal(aws_ini_get(ini, "a", "url"), "http://h/#frag");
    assert_string_equal(aws_ini_get(ini, "a", "nested"), "");
    assert_null(aws_ini_get(ini, "a", "inner"));
    assert_string_equal(aws_ini_get(ini, "a", "other"), "3");
    assert_null(aws_ini_get(ini, "a", "key"));
    assert_true(aws_ini_has_section(ini, "a"));
    assert_false(aws_ini_has_section(ini, "b"));
    aws_ini_free(ini);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nothing_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_environment_before_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profiles_in_credentials_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profiles_in_config_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_locations_from_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_identity_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_profile_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ecs_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_imds_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credential_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provider_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provider_refresh_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provider_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credential_process_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credential_process_timeout, setup, teardown),
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_ini_details),
    };
    /* The core's job in sluice (DESIGN §4): STS goes through curl. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}
