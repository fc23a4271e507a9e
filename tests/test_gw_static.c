/*
 * Static file paths: only plain segments resolve, symbolic links may not
 * lead out of the folder, and media types follow the extension.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core_err.h"
#include "gw_static.h"

typedef struct fixture {
	char base[64]; /* holds ui/ and secret.txt beside it */
	char ui[96];
	gw_static st;
} fixture;

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	char path[256];
	char err[256];

	snprintf(fx->base, sizeof(fx->base), "/tmp/test_gw_static.XXXXXX");
	if (mkdtemp(fx->base) == NULL) {
		return -1;
	}
	snprintf(fx->ui, sizeof(fx->ui), "%s/ui", fx->base);
	mkdir(fx->ui, 0700);
	snprintf(path, sizeof(path), "%s/sub", fx->ui);
	mkdir(path, 0700);
	write_file(fx->ui, "index.html", "<p>home</p>");
	write_file(fx->ui, "sub/app.js", "x");
	write_file(fx->ui, ".env", "secret");
	write_file(fx->base, "secret.txt", "outside");

	snprintf(path, sizeof(path), "%s/out.txt", fx->ui);
	if (symlink("../secret.txt", path) != 0) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/in.js", fx->ui);
	if (symlink("sub/app.js", path) != 0) {
		return -1;
	}
	if (gw_static_open(&fx->st, fx->ui, err, sizeof(err)) != 0) {
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	fixture *fx = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->base);
	if (system(cmd) != 0) {
		return -1;
	}
	free(fx);
	return 0;
}

static void
test_plain_paths_resolve(void **state)
{
	fixture *fx = *state;
	char real[4096];
	char want[4200];
	struct stat st;

	assert_int_equal(
	    gw_static_resolve(&fx->st, "/", real, sizeof(real), &st), 0);
	snprintf(want, sizeof(want), "%s/index.html", fx->st.root);
	assert_string_equal(real, want);
	assert_int_equal(st.st_size, 11);

	assert_int_equal(
	    gw_static_resolve(&fx->st, "/sub/app.js", real, sizeof(real), &st),
	    0);
	snprintf(want, sizeof(want), "%s/sub/app.js", fx->st.root);
	assert_string_equal(real, want);

	/* A link that stays inside is followed to its target. */
	assert_int_equal(
	    gw_static_resolve(&fx->st, "/in.js", real, sizeof(real), &st), 0);
	assert_string_equal(real, want);
}

static void
test_unsafe_paths_rejected(void **state)
{
	static const char *unsafe[] = {"/../secret.txt", "/sub/../index.html",
	    "/./index.html", "//index.html", "/.env", "/sub\\app.js",
	    "index.html", "/sub/.", "/a\x01b"};
	fixture *fx = *state;
	char real[4096];
	struct stat st;

	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		print_message("path %s\n", unsafe[i]);
		assert_int_equal(gw_static_resolve(&fx->st, unsafe[i], real,
		                     sizeof(real), &st),
		    CORE_EINVAL);
	}
}

static void
test_not_found_paths(void **state)
{
	static const char *missing[] = {
	    "/out.txt", "/sub", "/sub/", "/nothing.html"};
	fixture *fx = *state;
	char real[4096];
	struct stat st;

	/* out.txt links out of the folder; sub is a folder and sub/ has no
	 * index.html. */
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		print_message("path %s\n", missing[i]);
		assert_int_equal(gw_static_resolve(&fx->st, missing[i], real,
		                     sizeof(real), &st),
		    CORE_ENOTFOUND);
	}
}

static void
test_open_missing_folder(void **state)
{
	gw_static st;
	char err[256];

	assert_int_equal(
	    gw_static_open(&st, "/nonexistent/ui", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/ui: No such file or directory");
}

static void
test_content_types(void **state)
{
	assert_string_equal(
	    gw_static_content_type("/index.html"), "text/html; charset=utf-8");
	assert_string_equal(gw_static_content_type("/a/app.JS"),
	    "text/javascript; charset=utf-8");
	assert_string_equal(
	    gw_static_content_type("/style.css"), "text/css; charset=utf-8");
	assert_string_equal(
	    gw_static_content_type("/openapi.yaml"), "application/yaml");
	assert_string_equal(gw_static_content_type("/i.svg"), "image/svg+xml");
	assert_string_equal(gw_static_content_type("/f.woff2"), "font/woff2");
	assert_string_equal(
	    gw_static_content_type("/v1.2/README"), "application/octet-stream");
	assert_true(gw_static_compressible("text/css; charset=utf-8"));
	assert_true(gw_static_compressible("image/svg+xml"));
	assert_false(gw_static_compressible("image/png"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_paths_resolve),
	    cmocka_unit_test(test_unsafe_paths_rejected),
	    cmocka_unit_test(test_not_found_paths),
	    cmocka_unit_test(test_open_missing_folder),
	    cmocka_unit_test(test_content_types),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
