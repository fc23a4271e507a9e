/*
 * docs/openapi.yaml against the gateway: every routed path, every query
 * parameter the gateway parses, and every parameter that /api lists for an
 * endpoint must be described in the OpenAPI document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_buf.h"
#include "gw_api.h"
#include "gw_params.h"
#include "gw_route.h"

static char *openapi;

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if ((buf = calloc(1, (size_t)n + 1)) != NULL &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int
setup(void **state)
{
	if ((openapi = read_all(SFMOVIES_SOURCE_DIR "/docs/openapi.yaml")) ==
	    NULL) {
		fprintf(stderr, "cannot read %s/docs/openapi.yaml\n",
		    SFMOVIES_SOURCE_DIR);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	free(openapi);
	return 0;
}

/* Returns the text of a path's block under paths:, up to the next path,
 * in a new buffer, or NULL when the path is not described. */
static char *
path_block(const char *path)
{
	char head[160];
	const char *start, *end;

	snprintf(head, sizeof(head), "\n  %s:\n", path);
	if ((start = strstr(openapi, head)) == NULL) {
		return NULL;
	}
	start += strlen(head);
	end = start;
	while ((end = strstr(end, "\n  ")) != NULL && end[3] == ' ') {
		end += 3;
	}
	if (end == NULL) {
		end = start + strlen(start);
	}
	return strndup(start, (size_t)(end - start));
}

/* Returns 1 when the component parameter named by a $ref at ref (just
 * past "#/components/parameters/") has the given name. */
static int
ref_names(const char *ref, const char *name)
{
	char head[96], want[96];
	size_t n = strcspn(ref, "'\"");
	const char *start, *next;

	snprintf(head, sizeof(head), "\n    %.*s:\n", (int)n, ref);
	snprintf(want, sizeof(want), "      name: %s\n", name);
	if ((start = strstr(openapi, head)) == NULL) {
		return 0;
	}
	start += strlen(head);

	/* The component's lines are indented by six spaces. */
	next = strstr(start, want);
	return next != NULL && next == start;
}

/* Returns 1 when block describes the parameter name, inline or through a
 * $ref to a component parameter. */
static int
describes_param(const char *block, const char *name)
{
	static const char refmark[] = "#/components/parameters/";
	char comma[96], brace[96];

	snprintf(comma, sizeof(comma), "name: %s,", name);
	snprintf(brace, sizeof(brace), "name: %s}", name);
	if (strstr(block, comma) != NULL || strstr(block, brace) != NULL) {
		return 1;
	}
	for (const char *r = strstr(block, refmark); r != NULL;
	     r = strstr(r, refmark)) {
		r += strlen(refmark);
		if (ref_names(r, name)) {
			return 1;
		}
	}
	return 0;
}

static void
openapi_routed_paths(void **state)
{
	static const char *const paths[] = {"/search", "/complete", "/near",
	    "/box", "/movies/{id}", "/locations/{id}", "/scenes/{id}",
	    "/posters/{imdb_id}", "/status", "/api", "/healthz", "/readyz",
	    "/metrics", "/openapi.yaml", "/"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *block = path_block(paths[i]);

		if (block == NULL) {
			fail_msg(
			    "docs/openapi.yaml does not describe %s", paths[i]);
		}
		free(block);
	}
}

static void
openapi_every_parsed_param(void **state)
{
	for (int p = 0; p < GW_P_COUNT; p++) {
		const char *name = gw_param_name((gw_param)p);
		char key[96];

		snprintf(key, sizeof(key), "name: %s", name);
		if (strstr(openapi, key) == NULL) {
			fail_msg(
			    "docs/openapi.yaml never describes parameter %s",
			    name);
		}
	}
}

/* Walks the /api description's endpoints and checks each parameter it
 * lists under the same path of the OpenAPI document. */
static void
openapi_api_params_per_path(void **state)
{
	core_buf api = {0};
	const char *p;
	size_t checked = 0;

	assert_int_equal(gw_api_describe(&api), 0);
	for (p = strstr(api.data, "\"path\":\""); p != NULL;
	     p = strstr(p, "\"path\":\"")) {
		const char *end;
		char path[128];
		char *block;

		p += strlen("\"path\":\"");
		end = strchr(p, '"');
		snprintf(path, sizeof(path), "%.*s", (int)(end - p), p);
		if ((block = path_block(path)) == NULL) {
			fail_msg(
			    "/api lists %s; docs/openapi.yaml does not", path);
		}

		/* The parameters run to this endpoint's "example". */
		const char *stop = strstr(end, "\"example\":");
		for (const char *q = strstr(end, "\"name\":\"");
		     q != NULL && q < stop; q = strstr(q, "\"name\":\"")) {
			char name[64];
			const char *qe;

			q += strlen("\"name\":\"");
			qe = strchr(q, '"');
			snprintf(name, sizeof(name), "%.*s", (int)(qe - q), q);
			if (!describes_param(block, name)) {
				fail_msg("docs/openapi.yaml does not describe "
				         "parameter %s of %s",
				    name, path);
			}
			checked++;
		}
		free(block);
	}
	core_buf_free(&api);

	/* /search alone has eight parameters, so the walk found them. */
	assert_true(checked >= 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(openapi_routed_paths),
	    cmocka_unit_test(openapi_every_parsed_param),
	    cmocka_unit_test(openapi_api_params_per_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
