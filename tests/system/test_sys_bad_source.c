/*
 * Bad sources keep the old version. Three nodes serve the 2026 export.
 * `ctl reload` then gets four bad sources in turn: a copy cut inside a
 * quoted field, a copy without the Title column, a copy with a quarter
 * of the records, and a path that does not exist. Each reload must fail
 * with a message naming the problem, while the current version, every node's
 * version and the search results stay those of the 2026 export. `--force` then
 * publishes the quarter-size copy, which validation alone rejects.
 *
 * The damaged copies are written to the test's temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys_harness.h"

#define NODES 3

/* Returns the offset just past the first n records of a CSV: a newline
 * outside double quotes ends a record, and "" inside a quoted field
 * toggles the state twice, so it needs no special case. */
static size_t
csv_records_end(const char *csv, size_t len, size_t n)
{
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		if (csv[i] == '"') {
			quoted = !quoted;
		} else if (csv[i] == '\n' && !quoted && --n == 0) {
			return i + 1;
		}
	}
	return len;
}

/* Returns the number of records, the header included. */
static size_t
csv_count_records(const char *csv, size_t len)
{
	size_t n = 0;

	while (csv_records_end(csv, len, n + 1) < len) {
		n++;
	}
	return n + 1;
}

/* Writes the export cut in the middle of the first quoted field of at
 * least four bytes that starts after the file's midpoint. */
static void
write_truncated(const char *csv, size_t len, const char *path)
{
	for (size_t i = len / 2; i + 1 < len; i++) {
		const char *close;

		if (csv[i] != ',' || csv[i + 1] != '"') {
			continue;
		}
		close = memchr(csv + i + 2, '"', len - i - 2);
		if (close != NULL && close - (csv + i + 2) >= 4) {
			size_t cut =
			    i + 2 + (size_t)(close - (csv + i + 2)) / 2;

			assert_int_equal(sys_write_file(path, csv, cut), 0);
			return;
		}
	}
	fail_msg("no quoted field after the middle of the export");
}

/* Writes the export with its first header field renamed from "Title". */
static void
write_without_title(const char *csv, size_t len, const char *path)
{
	static const char title[] = "\"Title\"";
	static const char other[] = "\"Name\"";
	char *copy = malloc(len);
	size_t n;

	assert_non_null(copy);
	assert_memory_equal(csv, title, sizeof(title) - 1);
	n = sizeof(other) - 1;
	memcpy(copy, other, n);
	memcpy(copy + n, csv + sizeof(title) - 1, len - sizeof(title) + 1);
	n += len - sizeof(title) + 1;
	assert_int_equal(sys_write_file(path, copy, n), 0);
	free(copy);
}

/* Writes the header and the first quarter of the records; returns how
 * many records it kept. */
static size_t
write_quarter(const char *csv, size_t len, const char *path)
{
	size_t rows = (csv_count_records(csv, len) - 1) / 4;

	assert_int_equal(
	    sys_write_file(path, csv, csv_records_end(csv, len, rows + 1)), 0);
	return rows;
}

static int
count_lines(const char *text)
{
	int n = 0;

	for (; *text != '\0'; text++) {
		n += *text == '\n';
	}
	return n;
}

/* Asserts that the manager and every node still serve version, and that
 * the gateway still serves the 2026 data. */
static void
assert_unchanged(const sys_service *s, const char *version)
{
	sys_status st;
	sys_reply r;

	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_string_equal(st.current, version);
	assert_int_equal(st.nnodes, NODES);
	for (size_t i = 0; i < st.nnodes; i++) {
		assert_true(st.nodes[i].up);
		assert_string_equal(st.nodes[i].version, version);
	}

	sys_http_get(s, "/search?q=maintenance+required", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(
	    strstr(r.body, "\"title\":\"" SYS_TITLE_2026_ONLY "\""));
	sys_reply_free(&r);
}

/* Runs `ctl reload --source path` and asserts that it fails with a
 * message containing each of the NULL-terminated problem texts. */
static void
assert_reload_fails(const sys_service *s, const char *path, ...)
{
	char out[4096];
	const char *text;
	va_list ap;
	int rv;

	rv = sys_ctl(s, out, sizeof(out), "reload", "--source", path, NULL);
	print_message("reload %s: exit %d: %s", path, rv, out);
	assert_int_equal(rv, 1);
	va_start(ap, path);
	while ((text = va_arg(ap, const char *)) != NULL) {
		if (strstr(out, text) == NULL) {
			va_end(ap);
			fail_msg("the message lacks \"%s\"", text);
		}
	}
	va_end(ap);
}

static void
bad_sources_keep_version(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source[4096], truncated[160], no_title[160], quarter[160];
	char missing[160], out[4096], version[17], forced[17], expected[96];
	sys_status st;
	sys_reply r;
	size_t len, rows;
	char *csv;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source, sizeof(source)), 0);
	assert_non_null(csv = sys_read_file(source, &len));
	snprintf(truncated, sizeof(truncated), "%s/truncated.csv", s->root);
	snprintf(no_title, sizeof(no_title), "%s/no-title.csv", s->root);
	snprintf(quarter, sizeof(quarter), "%s/quarter.csv", s->root);
	snprintf(missing, sizeof(missing), "%s/missing.csv", s->root);
	write_truncated(csv, len, truncated);
	write_without_title(csv, len, no_title);
	rows = write_quarter(csv, len, quarter);
	free(csv);
	assert_int_equal(rows, 2214 / 4);

	assert_int_equal(sys_service_start(s, source, NODES), 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	snprintf(version, sizeof(version), "%s", st.current);

	assert_reload_fails(s, truncated, "unterminated quote", NULL);
	assert_unchanged(s, version);

	assert_reload_fails(s, no_title, "no Title column", NULL);
	assert_unchanged(s, version);

	snprintf(
	    expected, sizeof(expected), "%zu accepted rows, under half", rows);
	assert_reload_fails(s, quarter, expected, "force", NULL);
	assert_unchanged(s, version);

	assert_reload_fails(
	    s, missing, "cannot open", "No such file or directory", NULL);
	assert_unchanged(s, version);

	/* No failed reload stored a version: the listing is a header line
	 * and one version. */
	assert_int_equal(sys_ctl(s, out, sizeof(out), "versions", NULL), 0);
	assert_int_equal(count_lines(out), 2);
	assert_non_null(strstr(out, version));

	assert_int_equal(sys_ctl(s, out, sizeof(out), "reload", "--source",
	                     quarter, "--force", NULL),
	    0);
	assert_int_equal(sys_published_version(out, forced), 0);
	assert_string_not_equal(forced, version);
	assert_true(sys_wait_converged(s, forced, NODES, 30000) >= 0);

	/* The quarter contains 216 of the 351 films, as `sfmovies dataset
	 * inspect` counts them. */
	assert_int_equal(sys_http_wait_for(s, "/status", forced, 10000, &r), 0);
	assert_non_null(strstr(r.body, "\"films\":216,"));
	sys_reply_free(&r);

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        bad_sources_keep_version, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
