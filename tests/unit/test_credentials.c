/* tests/unit/test_credentials.c — the credentials chain (plugins/aws/
 * credentials_*.c) on temp files: explicit configuration, the environment,
 * profiles of the shared config and credentials files, credential_process;
 * in the SDKs' order, with broken sources reported, never skipped, and
 * secrets never in error messages. */
#include "config.h"

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

#include "aws/credentials.h"
#include "aws/credentials_sources.h"
#include "aws/ini.h"

static char home[256];

static const char *const variables[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", NULL,
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
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {".aws/credentials", ".aws/config", "other-credentials", "proc.sh", NULL};
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
    aws_credentials_config cfg = {"AKIDCONFIG", "S3CR3TCONFIG", NULL, NULL};
    resolved r;
    resolve(&cfg, &r);
    assert_found(&r, "AKIDCONFIG", "S3CR3TCONFIG", NULL, "configuration");
    aws_credentials_config half = {"AKIDCONFIG", NULL, NULL, NULL};
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
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL, "profile default (shared files)");
}

/* ---- profiles -------------------------------------------------------------- */

static void test_profiles_in_credentials_file(void **unused)
{
    (void)unused;
    write_file(".aws/credentials", shared_credentials, 0600);
    resolved r;
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL, "profile default (shared files)");
    setenv("AWS_PROFILE", "dev", 1);
    resolve(NULL, &r);
    assert_found(&r, "AKIDFILEDEV", "S3CR3TFILEDEV", "TOKENDEV", "profile dev (shared files)");
    /* The configured profile wins over AWS_PROFILE. */
    aws_credentials_config cfg = {NULL, NULL, NULL, "default"};
    resolve(&cfg, &r);
    assert_found(&r, "AKIDFILEDEFAULT", "S3CR3TFILEDEFAULT", NULL, "profile default (shared files)");
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
    aws_credentials_config cfg = {NULL, NULL, NULL, "prod"};
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
    setenv("AWS_PROFILE", "role", 1);
    resolve(NULL, &r);
    assert_error(&r, "profile 'role' uses role_arn, which sluice does not support yet");
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
        cmocka_unit_test_setup_teardown(test_credential_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credential_process_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_credential_process_timeout, setup, teardown),
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_ini_details),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
