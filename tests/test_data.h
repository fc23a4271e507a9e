/*
 * Loading of the real DataSF exports and of small inline fixtures for the
 * query tests. A test file imports the newest export once, in its cmocka
 * group setup, and every test of the group reads that dataset from *state.
 *
 * The exports are read from $SFMOVIES_DATA_DIR, which ctest sets from the
 * CMake cache variable of the same name; they are never copied into the
 * repository.
 */
#ifndef TEST_DATA_H
#define TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_dataset.h"
#include "core_err.h"

/* The newest export: 2214 rows, 351 films and 2153 locations. */
#define TEST_DATA_NEWEST "film_locations_2026-04_2214rows.csv"

/*
 * Reads $SFMOVIES_DATA_DIR/name into a buffer that the caller frees and
 * stores its length in *len. On failure prints what is missing to stderr
 * and returns NULL.
 */
static inline char *
test_data_read(const char *name, size_t *len)
{
	const char *dir = getenv("SFMOVIES_DATA_DIR");
	char path[4096];
	char *data = NULL;
	long size;
	FILE *f;

	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr,
		    "SFMOVIES_DATA_DIR is not set; run the tests with "
		    "ctest, or set it to the folder that holds %s\n",
		    name);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr,
		    "cannot open %s; SFMOVIES_DATA_DIR must name the "
		    "folder with the DataSF exports\n",
		    path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size)) != NULL) {
		if (fread(data, 1, (size_t)size, f) == (size_t)size) {
			*len = (size_t)size;
		} else {
			free(data);
			data = NULL;
		}
	}
	if (data == NULL) {
		fprintf(stderr,
		    "failed to read %s: the file is empty or unreadable\n",
		    path);
	}
	fclose(f);
	return data;
}

/* Imports csv[0..len) and returns the dataset, or NULL after printing the
 * import error to stderr. */
static inline core_dataset *
test_data_import(const char *csv, size_t len)
{
	core_dataset *ds = NULL;
	char err[256];
	int rv;

	if ((rv = core_dataset_import(&ds, csv, len, NULL, err, sizeof(err))) !=
	    0) {
		fprintf(
		    stderr, "import failed: %s (%s)\n", err, core_strerror(rv));
		return NULL;
	}
	return ds;
}

/* Imports an inline CSV fixture given as a C string. */
static inline core_dataset *
test_data_fixture(const char *csv)
{
	return test_data_import(csv, strlen(csv));
}

/* cmocka group setup: imports the newest export and stores it in *state. */
static inline int
test_data_setup(void **state)
{
	size_t len = 0;
	char *csv = test_data_read(TEST_DATA_NEWEST, &len);
	core_dataset *ds;

	if (csv == NULL) {
		return -1;
	}
	ds = test_data_import(csv, len);
	free(csv);
	if (ds == NULL) {
		return -1;
	}
	*state = ds;
	return 0;
}

/* cmocka group teardown: frees the dataset of test_data_setup. */
static inline int
test_data_teardown(void **state)
{
	core_dataset_free(*state);
	*state = NULL;
	return 0;
}

#endif
