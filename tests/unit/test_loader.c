/* Unit tests of the plugin loader: ABI negotiation and lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugin/loader.h"

static plugin_registry *new_registry(void)
{
    /* Only the test plugins: the environment must not add real ones. */
    unsetenv("SLUICE_PLUGIN_PATH");
    return plugin_registry_new(TEST_PLUGIN_DIR);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void test_good_plugin_loads(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    const loaded_plugin *p = plugin_load(reg, "good", err, sizeof err);
    assert_non_null(p);
    assert_string_equal(p->name, "good");
    assert_string_equal(p->info.version, "1.2.3");
    assert_int_equal(p->info.n_stages, 1);
    assert_string_equal(p->stages[0].name, "source");
    assert_int_equal(p->stages[0].kind, SLUICE_ORIGIN);
    /* The path is absolute and inside the configured directory. */
    assert_int_equal(p->path[0], '/');
    assert_contains(p->path, "/good.so");
    /* A second load returns the same plugin. */
    assert_ptr_equal(plugin_load(reg, "good", err, sizeof err), p);
    plugin_registry_free(reg);
}

static void test_other_major_refused(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    assert_null(plugin_load(reg, "major", err, sizeof err));
    char want[64];
    snprintf(want, sizeof want, "built for sluice ABI %d.0", SLUICE_ABI_MAJOR + 1);
    assert_contains(err, want);
    assert_contains(err, "rebuild the plugin");
    plugin_registry_free(reg);
}

static void test_newer_minor_refused(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    assert_null(plugin_load(reg, "minor", err, sizeof err));
    char want[64];
    snprintf(want, sizeof want, "built for sluice ABI %d.%d", SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR + 1);
    assert_contains(err, want);
    assert_contains(err, "upgrade sluice");
    plugin_registry_free(reg);
}

static void test_missing_entry_point_refused(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    assert_null(plugin_load(reg, "noentry", err, sizeof err));
    assert_contains(err, "no entry point sluice_plugin_entry()");
    assert_contains(err, "not a sluice plugin");
    plugin_registry_free(reg);
}

static void test_unknown_plugin_suggests(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    assert_null(plugin_load(reg, "goood", err, sizeof err));
    assert_contains(err, "no plugin \"goood\" (did you mean \"good\"?)");
    plugin_registry_free(reg);
}

static void test_path_like_names_refused(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    assert_null(plugin_load(reg, "../plugins/good", err, sizeof err));
    assert_contains(err, "is not a plugin name");
    assert_null(plugin_load(reg, "", err, sizeof err));
    plugin_registry_free(reg);
}

static void test_find_stage(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    char err[1024] = "";
    const loaded_plugin *p = NULL;
    const sluice_stage_def *s = plugin_find_stage(reg, "good:source", &p, err, sizeof err);
    assert_non_null(s);
    assert_string_equal(s->name, "source");
    assert_string_equal(p->name, "good");
    /* A plugin with one stage may be named alone. */
    assert_ptr_equal(plugin_find_stage(reg, "good", NULL, err, sizeof err), s);
    assert_null(plugin_find_stage(reg, "good:sourse", NULL, err, sizeof err));
    assert_contains(err, "plugin \"good\" has no stage \"sourse\" (did you mean \"source\"?); its stages: source");
    plugin_registry_free(reg);
}

typedef struct errors_seen {
    int n;
    char text[4096];
} errors_seen;

static void collect_error(const char *msg, void *arg)
{
    errors_seen *e = arg;
    e->n++;
    strncat(e->text, msg, sizeof e->text - strlen(e->text) - 2);
    strcat(e->text, "\n");
}

static void test_load_all_skips_bad_ones(void **unused)
{
    (void)unused;
    plugin_registry *reg = new_registry();
    errors_seen seen = {0, ""};
    size_t n = plugin_load_all(reg, collect_error, &seen);
    /* Plugins installed in the default directory may come too: count ours. */
    size_t ours = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(plugin_registry_at(reg, i)->path, TEST_PLUGIN_DIR, strlen(TEST_PLUGIN_DIR)) == 0) {
            assert_string_equal(plugin_registry_at(reg, i)->name, "good");
            ours++;
        }
    assert_int_equal(ours, 1);
    assert_true(seen.n >= 3);
    assert_contains(seen.text, "plugin major");
    assert_contains(seen.text, "plugin minor");
    assert_contains(seen.text, "plugin noentry");
    plugin_registry_free(reg);
}

static void test_search_path_is_absolute_and_existing(void **unused)
{
    (void)unused;
    setenv("SLUICE_PLUGIN_PATH", "/nonexistent/dir:.", 1);
    plugin_registry *reg = plugin_registry_new(TEST_PLUGIN_DIR);
    const char *path = plugin_registry_path(reg);
    assert_null(strstr(path, "/nonexistent"));
    /* "." was made absolute: no entry of the path is relative. */
    assert_int_equal(path[0], '/');
    assert_null(strstr(path, ":."));
    plugin_registry_free(reg);
    unsetenv("SLUICE_PLUGIN_PATH");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_plugin_loads),
        cmocka_unit_test(test_other_major_refused),
        cmocka_unit_test(test_newer_minor_refused),
        cmocka_unit_test(test_missing_entry_point_refused),
        cmocka_unit_test(test_unknown_plugin_suggests),
        cmocka_unit_test(test_path_like_names_refused),
        cmocka_unit_test(test_find_stage),
        cmocka_unit_test(test_load_all_skips_bad_ones),
        cmocka_unit_test(test_search_path_is_absolute_and_existing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
