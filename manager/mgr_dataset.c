/*
 * `sfmovies dataset inspect FILE [--json]`: imports a DataSF CSV export and
 * prints what an operator needs to trust it.
 */
#include "mgr_dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_buf.h"
#include "core_dataset.h"
#include "core_json.h"
#include "rpc_file.h"
#include "rpc_snapshot.h"

static const char mgr_dataset_usage[] =
    "usage: sfmovies dataset inspect FILE [--json]\n"
    "       sfmovies dataset build FILE -o SNAPSHOT\n"
    "\n"
    "inspect imports a DataSF film locations CSV export and prints the rows\n"
    "read and rejected (with reasons), duplicates dropped, films, locations,\n"
    "and locations with and without coordinates.\n"
    "\n"
    "  --json   print the same report as one JSON object\n"
    "\n"
    "build checks that the export imports and writes it as a versioned,\n"
    "checksummed snapshot file that 'sfmovies node --snapshot' serves.\n";

static void
mgr_inspect_text(const char *path, const core_import_stats *st)
{
	printf("file:                    %s\n", path);
	printf("rows read:               %zu\n", st->rows_read);
	printf("rows rejected:           %zu\n", st->rows_rejected);
	printf("duplicate rows dropped:  %zu\n", st->duplicates);
	printf("rows merged by location: %zu\n", st->merged);
	printf("rows without location:   %zu\n", st->rows_without_location);
	printf("films:                   %zu\n", st->films);
	printf("locations:               %zu\n", st->locations);
	printf("  with coordinates:      %zu\n", st->located);
	printf("  without coordinates:   %zu\n", st->unlocated);
	printf(
	    "  outside the SF area:   %zu (kept, flagged)\n", st->outside_sf);
	printf("invalid coordinates:     %zu (ignored)\n", st->invalid_points);
	printf("known columns found:     %zu\n", st->columns_used);
	if (st->missing_columns[0] != '\0') {
		printf("missing columns:         %s\n", st->missing_columns);
	}
	for (size_t i = 0; i < st->nreasons; i++) {
		printf("rejected: %s\n", st->reasons[i]);
	}
	if (st->rows_rejected > st->nreasons) {
		printf("rejected: ... %zu more\n",
		    st->rows_rejected - st->nreasons);
	}
}

static int
mgr_inspect_json(const char *path, const core_import_stats *st)
{
	core_buf b = {0};
	int rv;

	rv = core_json_printf(&b, "{\"file\":");
	rv = rv ? rv : core_json_cstr(&b, path);
	rv = rv ? rv
	        : core_json_printf(&b,
	              ",\"rows_read\":%zu,\"rows_rejected\":%zu,\"duplicates\":"
	              "%zu,"
	              "\"merged\":%zu,\"rows_without_location\":%zu,\"films\":%"
	              "zu,"
	              "\"locations\":%zu,\"located\":%zu,\"unlocated\":%zu,"
	              "\"outside_sf\":%zu,\"invalid_points\":%zu,\"columns_"
	              "used\":%zu,"
	              "\"missing_columns\":",
	              st->rows_read, st->rows_rejected, st->duplicates,
	              st->merged, st->rows_without_location, st->films,
	              st->locations, st->located, st->unlocated, st->outside_sf,
	              st->invalid_points, st->columns_used);
	rv = rv ? rv : core_json_cstr(&b, st->missing_columns);
	rv = rv ? rv : core_json_printf(&b, ",\"rejections\":[");
	for (size_t i = 0; i < st->nreasons && rv == 0; i++) {
		rv = core_json_printf(&b, i ? "," : "");
		rv = rv ? rv : core_json_cstr(&b, st->reasons[i]);
	}
	rv = rv ? rv : core_json_printf(&b, "]}\n");
	if (rv == 0) {
		fwrite(b.data, 1, b.len, stdout);
	}
	core_buf_free(&b);
	return rv;
}

static int
mgr_dataset_inspect(const char *path, int json)
{
	core_import_stats st;
	core_dataset *ds;
	char err[256];
	char *data;
	size_t len;
	int rv;

	if (rpc_file_read(path, RPC_SOURCE_MAX_BYTES, &data, &len, err,
	        sizeof(err)) != 0) {
		fprintf(stderr, "sfmovies: %s\n", err);
		return 1;
	}
	rv = core_dataset_import(&ds, data, len, &st, err, sizeof(err));
	free(data);
	if (rv != 0) {
		fprintf(stderr, "sfmovies: cannot import %s: %s\n", path, err);
		return 1;
	}
	if (json) {
		rv = mgr_inspect_json(path, &st);
	} else {
		mgr_inspect_text(path, &st);
	}
	core_dataset_free(ds);
	return rv == 0 ? 0 : 1;
}

static int
mgr_dataset_build(const char *path, const char *out)
{
	char err[512];
	char *data;
	size_t len, snaplen;
	uint8_t *snap;

	if (rpc_file_read(path, RPC_SOURCE_MAX_BYTES, &data, &len, err,
	        sizeof(err)) != 0) {
		fprintf(stderr, "sfmovies: %s\n", err);
		return 1;
	}
	if (rpc_snapshot_encode(data, len, path, (int64_t)time(NULL), &snap,
	        &snaplen, err, sizeof(err)) != 0) {
		fprintf(stderr, "sfmovies: cannot import %s: %s\n", path, err);
		free(data);
		return 1;
	}
	free(data);
	if (rpc_snapshot_write_file(out, snap, snaplen, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "sfmovies: %s\n", err);
		free(snap);
		return 1;
	}
	free(snap);
	printf("wrote %s (%zu bytes)\n", out, snaplen);
	return 0;
}

/* Parses `build FILE -o SNAPSHOT`. */
static int
mgr_dataset_build_main(int argc, char **argv)
{
	const char *path = NULL;
	const char *out = NULL;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--output") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				    "sfmovies: %s needs a file name\n",
				    argv[i]);
				return 2;
			}
			out = argv[++i];
		} else if (path == NULL && argv[i][0] != '-') {
			path = argv[i];
		} else {
			fprintf(stderr,
			    "sfmovies: unexpected argument \"%s\" "
			    "for dataset build\n",
			    argv[i]);
			return 2;
		}
	}
	if (path == NULL || out == NULL) {
		fputs(mgr_dataset_usage, stderr);
		return 2;
	}
	return mgr_dataset_build(path, out);
}

int
mgr_dataset_main(int argc, char **argv)
{
	const char *path = NULL;
	int json = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(mgr_dataset_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "build") == 0) {
		return mgr_dataset_build_main(argc, argv);
	}
	if (strcmp(argv[1], "inspect") != 0) {
		fprintf(stderr,
		    "sfmovies: unknown dataset command \"%s\"; "
		    "expected inspect or build\n",
		    argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr,
			    "sfmovies: unknown option \"%s\" for "
			    "dataset inspect; expected --json\n",
			    argv[i]);
			return 2;
		} else if (path == NULL) {
			path = argv[i];
		} else {
			fprintf(stderr,
			    "sfmovies: dataset inspect takes one "
			    "FILE, got \"%s\" too\n",
			    argv[i]);
			return 2;
		}
	}
	if (path == NULL) {
		fputs(mgr_dataset_usage, stderr);
		return 2;
	}
	return mgr_dataset_inspect(path, json);
}
