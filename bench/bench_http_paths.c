/*
 * bench_http_paths: prints the request paths that scripts/bench-http
 * rotates through to defeat the gateway's response cache, one per line,
 * taken from a real DataSF export:
 *
 *   bench_http_paths CSV complete   keystroke prefixes of every film title,
 *                                   director, writer, actor, location text
 *                                   and neighbourhood
 *   bench_http_paths CSV search     the same prefixes, and every word of
 *                                   titles and names
 *   bench_http_paths CSV near       points of a grid over San Francisco
 *   bench_http_paths CSV movies     every film, each with BENCH_CALLBACKS
 *                                   JSONP callback names
 *
 * Text is lowercased (ASCII only) as users type it, prefixes end on UTF-8
 * character boundaries, and every byte outside the URL unreserved set is
 * percent-encoded. Paths may repeat; the script removes duplicates.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_dataset.h"

/* Prefixes stop at this many bytes, a bound that this benchmark chose. */
#define BENCH_PREFIX_MAX 30

/* A film has only one id, and the cache keys on the JSONP callback too, so
 * callback names multiply the distinct /movies requests. */
#define BENCH_CALLBACKS 100

/* The grid of /near points: BENCH_GRID by BENCH_GRID over the city. */
#define BENCH_GRID       200
#define BENCH_GRID_SOUTH 37.70
#define BENCH_GRID_NORTH 37.83
#define BENCH_GRID_WEST  -122.52
#define BENCH_GRID_EAST  -122.36

static int
bench_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		return -1;
	}
	do {
		if (n == cap) {
			char *p = realloc(buf, cap ? cap * 2 : 1 << 20);

			if (p == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
			cap = cap ? cap * 2 : 1 << 20;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* Writes s[0..len), lowercased and percent-encoded. */
static void
bench_put_encoded(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)s[i]);

		if (isalnum(c) && c < 0x80) {
			putchar(c);
		} else if (c == '-' || c == '.' || c == '_' || c == '~') {
			putchar(c);
		} else {
			printf("%%%02X", c);
		}
	}
}

/* Prints one path per keystroke prefix of text: every prefix that ends on
 * a character boundary and not in a space, up to BENCH_PREFIX_MAX bytes. */
static void
bench_put_prefixes(const char *endpoint, const char *param, const char *text)
{
	size_t len = strlen(text);

	for (size_t end = 1; end <= len && end <= BENCH_PREFIX_MAX; end++) {
		unsigned char next = (unsigned char)text[end];

		if ((next & 0xC0) == 0x80 || text[end - 1] == ' ') {
			continue;
		}
		printf("/%s?%s=", endpoint, param);
		bench_put_encoded(text, end);
		putchar('\n');
	}
}

/* Prints one search path per word of text. */
static void
bench_put_words(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, " ,;:()/&\"");

		if (n > 1) {
			fputs("/search?q=", stdout);
			bench_put_encoded(p, n);
			putchar('\n');
		}
		p += n;
		if (*p != '\0') {
			p++;
		}
	}
}

static void
bench_put_names(const char *endpoint, const char *param,
    const core_name_list *names, int words)
{
	for (uint32_t i = 0; i < names->n; i++) {
		if (words) {
			bench_put_words(names->v[i].text);
		} else {
			bench_put_prefixes(endpoint, param, names->v[i].text);
		}
	}
}

/* Prints the keystroke prefixes of every title, name and place. */
static void
bench_text_prefixes(
    const core_dataset *ds, const char *endpoint, const char *param)
{
	size_t nf, nl;
	const core_film *films = core_dataset_films(ds, &nf);
	const core_location *locs = core_dataset_locations(ds, &nl);

	for (size_t i = 0; i < nf; i++) {
		bench_put_prefixes(endpoint, param, films[i].title);
		bench_put_names(endpoint, param, &films[i].directors, 0);
		bench_put_names(endpoint, param, &films[i].writers, 0);
		bench_put_names(endpoint, param, &films[i].actors, 0);
	}
	for (size_t i = 0; i < nl; i++) {
		bench_put_prefixes(endpoint, param, locs[i].text);
		bench_put_prefixes(endpoint, param, locs[i].neighborhood);
	}
}

static void
bench_search(const core_dataset *ds)
{
	size_t nf;
	const core_film *films = core_dataset_films(ds, &nf);

	bench_text_prefixes(ds, "search", "q");
	for (size_t i = 0; i < nf; i++) {
		bench_put_words(films[i].title);
		bench_put_names("search", "q", &films[i].directors, 1);
		bench_put_names("search", "q", &films[i].actors, 1);
	}
}

static void
bench_near(void)
{
	for (int i = 0; i < BENCH_GRID; i++) {
		double lat = BENCH_GRID_SOUTH +
		    (BENCH_GRID_NORTH - BENCH_GRID_SOUTH) * i /
		        (BENCH_GRID - 1);

		for (int j = 0; j < BENCH_GRID; j++) {
			double lng = BENCH_GRID_WEST +
			    (BENCH_GRID_EAST - BENCH_GRID_WEST) * j /
			        (BENCH_GRID - 1);

			printf("/near?lat=%.5f&lng=%.5f\n", lat, lng);
		}
	}
}

static void
bench_movies(const core_dataset *ds)
{
	size_t nf;
	const core_film *films = core_dataset_films(ds, &nf);

	for (int cb = 0; cb < BENCH_CALLBACKS; cb++) {
		for (size_t i = 0; i < nf; i++) {
			fputs("/movies/", stdout);
			bench_put_encoded(films[i].slug, strlen(films[i].slug));
			printf("?callback=cb%d\n", cb);
		}
	}
}

int
main(int argc, char **argv)
{
	core_dataset *ds = NULL;
	char err[256];
	char *csv;
	size_t len;
	int rv;

	if (argc != 3) {
		fprintf(stderr,
		    "usage: bench_http_paths CSV "
		    "complete|search|near|movies\n");
		return 2;
	}
	if (bench_read_file(argv[1], &csv, &len) != 0) {
		perror(argv[1]);
		return 1;
	}
	rv = core_dataset_import(&ds, csv, len, NULL, err, sizeof(err));
	free(csv);
	if (rv != 0) {
		fprintf(stderr, "bench_http_paths: cannot import %s: %s\n",
		    argv[1], err);
		return 1;
	}

	if (strcmp(argv[2], "complete") == 0) {
		bench_text_prefixes(ds, "complete", "term");
	} else if (strcmp(argv[2], "search") == 0) {
		bench_search(ds);
	} else if (strcmp(argv[2], "near") == 0) {
		bench_near();
	} else if (strcmp(argv[2], "movies") == 0) {
		bench_movies(ds);
	} else {
		fprintf(stderr,
		    "bench_http_paths: unknown kind \"%s\"; use complete, "
		    "search, near or movies\n",
		    argv[2]);
		core_dataset_free(ds);
		return 2;
	}
	core_dataset_free(ds);
	return fflush(stdout) == 0 ? 0 : 1;
}
