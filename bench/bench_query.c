/*
 * bench_query: times every query kind of the core library on the real
 * DataSF export, against a linear scan of the same data (bench_scan.c and
 * bench_scan_text.c).
 *
 * Each kind has a fixed query set (bench_kinds.c). Search and autocomplete
 * get keystroke prefixes of real titles, names and places. Nearest and
 * bounding box get points and map viewports spread over San Francisco, and
 * the lookups get real and absent ids. The bench first checks once per set
 * that the engine and the scan return the same results. Then it times each
 * query in batches of BENCH_BATCH runs with clock_gettime(CLOCK_MONOTONIC)
 * after a warm-up pass, and prints the median and 99th percentile per kind
 * and side.
 *
 * --per-query KIND prints the median time of each query of one kind.
 * --callgrind KIND runs one pass of one kind's set under callgrind client
 * requests, so that valgrind --tool=callgrind --instr-atstart=no counts
 * the instructions of those queries alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_kinds.h"
#include "core_dataset.h"
#include "core_err.h"
#include "core_query.h"

#ifdef BENCH_HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#endif

/* CMake passes the cache variable SFMOVIES_DATA_DIR. */
#ifndef BENCH_DATA_DIR
#define BENCH_DATA_DIR "."
#endif

#define BENCH_CSV_NAME "film_locations_2026-04_2214rows.csv"

/* Rounds over a query set: at least BENCH_MIN_ROUNDS, then more until the
 * time budget is spent or BENCH_MAX_ROUNDS is reached. */
#define BENCH_MIN_ROUNDS      5
#define BENCH_MAX_ROUNDS      2000
#define BENCH_DEFAULT_SECONDS 0.5

/* Runs per query and side of --per-query; the scan is slow, so fewer. */
#define BENCH_PER_QUERY_ENGINE_RUNS 21
#define BENCH_PER_QUERY_SCAN_RUNS   5

typedef struct bench_stats {
	size_t samples;
	uint64_t median_ns;
	uint64_t p99_ns;
} bench_stats;

static uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
bench_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
bench_stats_of(uint64_t *samples, size_t n, bench_stats *out)
{
	qsort(samples, n, sizeof(*samples), bench_u64_cmp);
	out->samples = n;
	out->median_ns = samples[n / 2];
	out->p99_ns = samples[(n * 99 + 99) / 100 - 1];
}

/*
 * One sample is the mean time of BENCH_BATCH back-to-back runs of one
 * query, net of the median cost of the pair of clock readings around them:
 * a lookup by id takes less time than one clock reading, so single runs
 * would measure the clock.
 */
#define BENCH_BATCH 32

static uint64_t bench_overhead_ns;

/* Returns the median cost of one pair of clock readings. */
static uint64_t
bench_timer_overhead(void)
{
	enum { N = 100000 };
	static uint64_t samples[N];
	bench_stats st;

	for (size_t i = 0; i < N; i++) {
		uint64_t t0 = bench_now_ns();

		samples[i] = bench_now_ns() - t0;
	}
	bench_stats_of(samples, N, &st);
	return st.median_ns;
}

/*
 * Times every query of a kind on its own, round after round, after one
 * untimed warm-up round. Returns 0 or CORE_ENOMEM.
 */
static int
bench_measure(bench_ctx *c, const bench_kind *k, bench_query_fn fn,
    double seconds, bench_stats *out)
{
	size_t nq = k->count(c);
	uint64_t *samples = malloc(nq * BENCH_MAX_ROUNDS * sizeof(*samples));
	uint64_t budget = (uint64_t)(seconds * 1e9);
	uint64_t start;
	size_t n = 0;

	if (samples == NULL || nq == 0) {
		free(samples);
		return samples == NULL ? CORE_ENOMEM : CORE_EINVAL;
	}
	for (size_t i = 0; i < nq; i++) {
		fn(c, i);
	}

	start = bench_now_ns();
	for (size_t round = 0; round < BENCH_MAX_ROUNDS; round++) {
		if (round >= BENCH_MIN_ROUNDS &&
		    bench_now_ns() - start >= budget) {
			break;
		}
		for (size_t i = 0; i < nq; i++) {
			uint64_t t0 = bench_now_ns();
			uint64_t t;

			for (size_t b = 0; b < BENCH_BATCH; b++) {
				fn(c, i);
			}
			t = bench_now_ns() - t0;
			t = t > bench_overhead_ns ? t - bench_overhead_ns : 0;
			samples[n++] = t / BENCH_BATCH;
		}
	}
	bench_stats_of(samples, n, out);
	free(samples);
	return 0;
}

/* Checks every query of a kind and returns how many disagree. */
static size_t
bench_verify_kind(bench_ctx *c, const bench_kind *k)
{
	size_t nq = k->count(c);
	size_t differ = 0;

	for (size_t i = 0; i < nq; i++) {
		differ += (size_t)k->verify(c, i, differ < BENCH_MAX_WARNINGS);
	}
	if (differ > 0) {
		printf("warning: %s: engine and baseline disagree on %zu of "
		       "%zu queries\n",
		    k->name, differ, nq);
	} else {
		printf("verify %-8s engine and baseline agree on all %zu "
		       "queries\n",
		    k->name, nq);
	}
	return differ;
}

static void
bench_print_row(
    const bench_kind *k, size_t nq, const bench_stats *e, const bench_stats *b)
{
	double speedup =
	    e->median_ns > 0 ? (double)b->median_ns / (double)e->median_ns : 0;

	printf("%-9s %7zu %11llu %11llu %13llu %13llu %9.0fx\n", k->name, nq,
	    (unsigned long long)e->median_ns, (unsigned long long)e->p99_ns,
	    (unsigned long long)b->median_ns, (unsigned long long)b->p99_ns,
	    speedup);
}

/* Verifies and times every kind, then prints the table. Returns the
 * process exit status: 1 when a query failed or engine and baseline
 * disagree, after the whole table is printed. */
static int
bench_run_table(bench_ctx *c, double seconds)
{
	bench_stats engine[BENCH_NKINDS];
	bench_stats scan[BENCH_NKINDS];
	size_t differ = 0;

	bench_overhead_ns = bench_timer_overhead();
	printf("timer: one pair of clock_gettime(CLOCK_MONOTONIC) readings "
	       "costs %llu ns (median), subtracted from each batch of runs\n",
	    (unsigned long long)bench_overhead_ns);
	for (size_t k = 0; k < BENCH_NKINDS; k++) {
		differ += bench_verify_kind(c, &bench_kinds[k]);
	}
	for (size_t k = 0; k < BENCH_NKINDS; k++) {
		const bench_kind *kind = &bench_kinds[k];

		if (bench_measure(c, kind, kind->engine, seconds, &engine[k]) !=
		        0 ||
		    bench_measure(c, kind, kind->scan, seconds, &scan[k]) !=
		        0) {
			fprintf(stderr, "bench_query: out of memory\n");
			return 1;
		}
	}

	printf("\n%-9s %7s %11s %11s %13s %13s %10s\n", "kind", "queries",
	    "engine med", "engine p99", "baseline med", "baseline p99",
	    "speed-up");
	for (size_t k = 0; k < BENCH_NKINDS; k++) {
		bench_print_row(&bench_kinds[k], bench_kinds[k].count(c),
		    &engine[k], &scan[k]);
	}
	printf("(ns per query; speed-up is baseline median / engine "
	       "median)\n");
	if (differ > 0 || c->errors > 0) {
		printf("warning: %zu disagreements and %d failed queries; see "
		       "the warnings above\n",
		    differ, c->errors);
		return 1;
	}
	return 0;
}

/* Returns the median time of reps runs of query i, after one untimed run. */
static uint64_t
bench_time_query(bench_ctx *c, bench_query_fn fn, size_t i, size_t reps)
{
	uint64_t samples[BENCH_PER_QUERY_ENGINE_RUNS];
	bench_stats st;

	fn(c, i);
	for (size_t r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();

		fn(c, i);
		samples[r] = bench_now_ns() - t0;
	}
	bench_stats_of(samples, reps, &st);
	return st.median_ns;
}

/* Prints the median time of every query of one kind on both sides, to see
 * which queries make up the tail of the table. */
static int
bench_run_per_query(bench_ctx *c, const bench_kind *k)
{
	size_t nq = k->count(c);
	char label[128];

	printf("%-44s %12s %12s\n", k->name, "engine ns", "baseline ns");
	for (size_t i = 0; i < nq; i++) {
		uint64_t engine = bench_time_query(
		    c, k->engine, i, BENCH_PER_QUERY_ENGINE_RUNS);
		uint64_t scan =
		    bench_time_query(c, k->scan, i, BENCH_PER_QUERY_SCAN_RUNS);

		k->describe(c, i, label, sizeof(label));
		printf("%-44s %12llu %12llu\n", label,
		    (unsigned long long)engine, (unsigned long long)scan);
	}
	return 0;
}

/* Runs n queries of one kind with instrumentation on only around them. */
static int
bench_run_callgrind(bench_ctx *c, const bench_kind *k, int baseline, size_t n)
{
#ifdef BENCH_HAVE_CALLGRIND_H
	bench_query_fn fn = baseline ? k->scan : k->engine;
	size_t nq = k->count(c);

	/* One untimed pass first, so one-time costs such as lazy symbol
	 * binding stay out of the count. */
	for (size_t i = 0; i < nq; i++) {
		fn(c, i);
	}

	CALLGRIND_START_INSTRUMENTATION;
	for (size_t i = 0; i < n; i++) {
		fn(c, i % nq);
	}
	CALLGRIND_STOP_INSTRUMENTATION;

	printf("callgrind %s %s: %zu queries\n", k->name,
	    baseline ? "baseline" : "engine", n);
	return 0;
#else
	fprintf(stderr,
	    "bench_query: --callgrind needs valgrind/callgrind.h "
	    "at build time; install valgrind and reconfigure\n");
	return 2;
#endif
}

/* Reads a whole file into a malloc'd buffer. Returns 0 or an errno. */
static int
bench_read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long size = 0;
	int rv = 0;

	*data = NULL;
	*len = 0;
	if (f == NULL) {
		return errno;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		rv = errno;
	} else if ((*data = malloc((size_t)size + 1)) == NULL) {
		rv = ENOMEM;
	} else if (fread(*data, 1, (size_t)size, f) != (size_t)size) {
		rv = ferror(f) ? EIO : EINVAL;
	}
	fclose(f);
	if (rv != 0) {
		free(*data);
		*data = NULL;
		return rv;
	}
	*len = (size_t)size;
	return 0;
}

/* Imports the CSV at path into c->ds and prepares the scan. */
static int
bench_load(bench_ctx *c, const char *path)
{
	core_import_stats stats;
	char err[256];
	char *csv;
	size_t len;
	int rv;

	if ((rv = bench_read_file(path, &csv, &len)) != 0) {
		fprintf(stderr,
		    "bench_query: cannot read %s: %s; pass the CSV path or set "
		    "SFMOVIES_DATA_DIR\n",
		    path, strerror(rv));
		return 1;
	}
	rv = core_dataset_import(&c->ds, csv, len, &stats, err, sizeof(err));
	free(csv);
	if (rv != 0) {
		fprintf(stderr, "bench_query: import of %s failed: %s\n", path,
		    err);
		return 1;
	}
	if ((rv = bench_scan_init(&c->scan, c->ds)) != 0) {
		fprintf(stderr, "bench_query: baseline set-up failed: %s\n",
		    core_strerror(rv));
		return 1;
	}
	printf("data: %s: %zu rows, %zu films, %zu locations (%zu with a "
	       "point), %zu phrases\n",
	    path, stats.rows_read, stats.films, stats.locations, stats.located,
	    c->scan.nphrases);
	return 0;
}

static void
bench_free(bench_ctx *c)
{
	bench_queries_free(c);
	bench_scan_free(&c->scan);
	core_dataset_free(c->ds);
}

static void
bench_usage(FILE *out)
{
	fprintf(out,
	    "usage: bench_query [--seconds S] [CSV]\n"
	    "       bench_query --per-query KIND [CSV]\n"
	    "       bench_query --callgrind KIND [--baseline] "
	    "[--queries N] [CSV]\n\n"
	    "Times search, complete, nearest, box, film and location "
	    "queries of the core\n"
	    "library against a linear scan of the same data.\n\n"
	    "  CSV            the DataSF export; default "
	    "$SFMOVIES_DATA_DIR/%s,\n"
	    "                 else %s/%s\n"
	    "  --seconds S    time budget per kind and side, in seconds "
	    "(default %.1f)\n"
	    "  --per-query K  print the median time in ns of every query "
	    "of kind K, engine\n"
	    "                 and baseline\n"
	    "  --callgrind K  run only kind K under callgrind client "
	    "requests: one of\n"
	    "                 search, complete, nearest, box, film, "
	    "location\n"
	    "  --baseline     with --callgrind, run the linear scan "
	    "instead of the engine\n"
	    "  --queries N    with --callgrind, run N queries (default: "
	    "the kind's set once)\n",
	    BENCH_CSV_NAME, BENCH_DATA_DIR, BENCH_CSV_NAME,
	    BENCH_DEFAULT_SECONDS);
}

typedef struct bench_opts {
	const char *csv;
	double seconds;
	const bench_kind *callgrind;
	const bench_kind *per_query;
	int baseline;
	size_t queries;
} bench_opts;

/* Parses the value of one option. Returns -1 to go on, else an exit
 * status. */
static int
bench_parse_option(const char *name, const char *value, bench_opts *o)
{
	const bench_kind *kind;
	char *end = NULL;

	if (strcmp(name, "--seconds") == 0) {
		o->seconds = strtod(value, &end);
		if (*end == '\0' && o->seconds > 0) {
			return -1;
		}
		fprintf(stderr,
		    "bench_query: invalid --seconds \"%s\": "
		    "expected a positive number\n",
		    value);
		return 2;
	}
	if (strcmp(name, "--queries") == 0) {
		o->queries = strtoul(value, &end, 10);
		if (*end == '\0' && o->queries > 0) {
			return -1;
		}
		fprintf(stderr,
		    "bench_query: invalid --queries \"%s\": "
		    "expected a positive count\n",
		    value);
		return 2;
	}
	if ((kind = bench_find_kind(value)) == NULL) {
		fprintf(stderr,
		    "bench_query: unknown kind \"%s\"; run bench_query "
		    "--help for the list\n",
		    value);
		return 2;
	}
	if (strcmp(name, "--callgrind") == 0) {
		o->callgrind = kind;
	} else {
		o->per_query = kind;
	}
	return -1;
}

/* Parses the command line. Returns -1 to go on, else an exit status. */
static int
bench_parse(int argc, char **argv, bench_opts *o)
{
	int rv;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			bench_usage(stdout);
			return 0;
		}
		if (strcmp(a, "--baseline") == 0) {
			o->baseline = 1;
		} else if (strcmp(a, "--seconds") == 0 ||
		    strcmp(a, "--queries") == 0 ||
		    strcmp(a, "--callgrind") == 0 ||
		    strcmp(a, "--per-query") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr,
				    "bench_query: %s needs a "
				    "value\n",
				    a);
				return 2;
			}
			if ((rv = bench_parse_option(a, argv[++i], o)) >= 0) {
				return rv;
			}
		} else if (a[0] == '-' || o->csv != NULL) {
			fprintf(stderr,
			    "bench_query: unexpected argument "
			    "\"%s\"; run bench_query --help\n",
			    a);
			return 2;
		} else {
			o->csv = a;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	bench_opts o = {NULL, BENCH_DEFAULT_SECONDS, NULL, NULL, 0, 0};
	char path[4096];
	bench_ctx *c;
	int rv;

	if ((rv = bench_parse(argc, argv, &o)) >= 0) {
		return rv;
	}
	if (o.csv == NULL) {
		const char *dir = getenv("SFMOVIES_DATA_DIR");

		snprintf(path, sizeof(path), "%s/%s",
		    dir != NULL && dir[0] != '\0' ? dir : BENCH_DATA_DIR,
		    BENCH_CSV_NAME);
		o.csv = path;
	}

	/* The result buffers make the context too large for the stack. */
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fprintf(stderr, "bench_query: out of memory\n");
		return 1;
	}
	if (bench_load(c, o.csv) != 0) {
		bench_free(c);
		free(c);
		return 1;
	}
	if (bench_queries_init(c) != 0) {
		fprintf(stderr, "bench_query: out of memory\n");
		bench_free(c);
		free(c);
		return 1;
	}

	if (o.callgrind != NULL) {
		rv = bench_run_callgrind(c, o.callgrind, o.baseline,
		    o.queries ? o.queries : o.callgrind->count(c));
	} else if (o.per_query != NULL) {
		rv = bench_run_per_query(c, o.per_query);
	} else {
		rv = bench_run_table(c, o.seconds);
	}
	bench_free(c);
	free(c);
	return rv;
}
