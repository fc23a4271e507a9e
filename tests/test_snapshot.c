/*
 * Tests of dataset snapshots: encoding and decoding the Snapshot message,
 * rejection of damaged or foreign input, atomic file writes, and reference
 * counting. The snapshot wraps the newest DataSF export, read from
 * $SFMOVIES_DATA_DIR.
 *
 * The film and location counts were computed from the CSV with Python's csv
 * module, apart from the C code: rows grouped by title without spaces and
 * year, and locations by the matching form of their text within a film.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_err.h"
#include "core_map.h"
#include "core_query.h"
#include "rpc_snapshot.h"
#include "sfmovies.pb-c.h"
#include "test_data.h"

#define NEWEST_FILMS     351
#define NEWEST_LOCATIONS 2153
#define NEWEST_UNLOCATED 32
#define UNLOCATED        "Bush Street between Powell and Mason"

#define SOURCE  "https://data.sfgov.org/yitu-d5am.csv"
#define CREATED 1776000000

typedef struct fixture {
	char *csv; /* the newest export */
	size_t csvlen;
	uint8_t *enc; /* its encoded snapshot */
	size_t enclen;
	char dir[64]; /* a temporary folder for file tests */
} fixture;

static int
setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	char err[256] = "";

	if (fx == NULL) {
		return -1;
	}
	if ((fx->csv = test_data_read(TEST_DATA_NEWEST, &fx->csvlen)) == NULL) {
		free(fx);
		return -1;
	}
	if (rpc_snapshot_encode(fx->csv, fx->csvlen, SOURCE, CREATED, &fx->enc,
	        &fx->enclen, err, sizeof(err)) != 0) {
		fprintf(stderr, "encoding the newest export failed: %s\n", err);
		free(fx->csv);
		free(fx);
		return -1;
	}
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_snapshot.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		perror("mkdtemp");
		free(fx->enc);
		free(fx->csv);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

/* Removes the files the tests left in the temporary folder, then it. */
static int
teardown(void **state)
{
	fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	char path[512];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			snprintf(
			    path, sizeof(path), "%s/%s", fx->dir, e->d_name);
			unlink(path);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx->enc);
	free(fx->csv);
	free(fx);
	return 0;
}

/* Packs msg into a new buffer that the caller frees. */
static uint8_t *
pack_snapshot(const Sfmovies__Snapshot *msg, size_t *len)
{
	uint8_t *buf;

	*len = sfmovies__snapshot__get_packed_size(msg);
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(sfmovies__snapshot__pack(msg, buf), *len);
	return buf;
}

/* Fills msg with a valid snapshot of the fixture's CSV. */
static void
valid_message(const fixture *fx, Sfmovies__Snapshot *msg, char version[17])
{
	sfmovies__snapshot__init(msg);
	msg->format = 1;
	msg->checksum = core_hash64(fx->csv, fx->csvlen, 0);
	snprintf(version, 17, "%016llx", (unsigned long long)msg->checksum);
	msg->version = version;
	msg->created_unix = CREATED;
	msg->source = SOURCE;
	msg->csv.data = (uint8_t *)fx->csv;
	msg->csv.len = fx->csvlen;
}

/* Decodes buf[0..len), which must fail with want and a message in err. */
static void
expect_decode_error(
    const uint8_t *buf, size_t len, int want, char *err, size_t errlen)
{
	rpc_snapshot *s = NULL;

	err[0] = '\0';
	assert_int_equal(rpc_snapshot_decode(buf, len, &s, err, errlen), want);
	assert_null(s);
	assert_true(err[0] != '\0');
}

/* Returns the first occurrence of needle[0..nlen) in hay[0..hlen), or NULL. */
static uint8_t *
find_bytes(uint8_t *hay, size_t hlen, const char *needle, size_t nlen)
{
	for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
		if (memcmp(hay + i, needle, nlen) == 0) {
			return hay + i;
		}
	}
	return NULL;
}

/* Reads a whole file into a new buffer that the caller frees. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Returns the number of entries in dir other than "." and "..". */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			n++;
		}
	}
	closedir(d);
	return n;
}

static void
snapshot_round_trip(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	char err[256] = "";
	char want[17];
	size_t n;

	snprintf(want, sizeof(want), "%016llx",
	    (unsigned long long)core_hash64(fx->csv, fx->csvlen, 0));

	assert_int_equal(
	    rpc_snapshot_decode(fx->enc, fx->enclen, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	assert_int_equal(strlen(s->version), 16);
	assert_int_equal(strspn(s->version, "0123456789abcdef"), 16);
	assert_string_equal(s->version, want);
	assert_string_equal(s->source, SOURCE);
	assert_int_equal(s->created_unix, CREATED);
	assert_int_equal(atomic_load(&s->refs), 1);

	core_dataset_films(s->ds, &n);
	assert_int_equal(n, NEWEST_FILMS);
	core_dataset_locations(s->ds, &n);
	assert_int_equal(n, NEWEST_LOCATIONS);
	rpc_snapshot_release(s);
}

static void
snapshot_stores_csv_verbatim(void **state)
{
	fixture *fx = *state;
	Sfmovies__Snapshot *msg =
	    sfmovies__snapshot__unpack(NULL, fx->enclen, fx->enc);

	assert_non_null(msg);
	assert_int_equal(msg->format, 1);
	assert_int_equal(msg->csv.len, fx->csvlen);
	assert_memory_equal(msg->csv.data, fx->csv, fx->csvlen);
	assert_true(msg->checksum == core_hash64(fx->csv, fx->csvlen, 0));
	sfmovies__snapshot__free_unpacked(msg, NULL);
}

static void
snapshot_null_source_empty(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[256] = "";

	assert_int_equal(rpc_snapshot_encode(fx->csv, fx->csvlen, NULL, 0, &buf,
	                     &len, err, sizeof(err)),
	    0);
	assert_int_equal(
	    rpc_snapshot_decode(buf, len, &s, err, sizeof(err)), 0);
	assert_string_equal(s->source, "");
	assert_int_equal(s->created_unix, 0);
	rpc_snapshot_release(s);
	free(buf);
}

static void
snapshot_flipped_byte_checksum(void **state)
{
	fixture *fx = *state;
	uint8_t *copy = malloc(fx->enclen);
	uint8_t *at;
	char err[256];

	/* The CSV is stored verbatim, so its bytes can be found and one of
	 * them damaged without breaking the protobuf framing. */
	assert_non_null(copy);
	memcpy(copy, fx->enc, fx->enclen);
	at = find_bytes(copy, fx->enclen, fx->csv, fx->csvlen);
	assert_non_null(at);
	at[fx->csvlen / 2] ^= 0x01;

	expect_decode_error(copy, fx->enclen, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "checksum"));
	free(copy);
}

static void
snapshot_wrong_format(void **state)
{
	fixture *fx = *state;
	Sfmovies__Snapshot msg;
	char version[17];
	char err[256];
	uint8_t *buf;
	size_t len;

	valid_message(fx, &msg, version);
	msg.format = 2;
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "format 2"));
	free(buf);

	/* A message without the field has format 0. */
	valid_message(fx, &msg, version);
	msg.format = 0;
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "format 0"));
	free(buf);
}

static void
snapshot_valid_message_decodes(void **state)
{
	fixture *fx = *state;
	Sfmovies__Snapshot msg;
	rpc_snapshot *s = NULL;
	char version[17];
	char err[256] = "";
	uint8_t *buf;
	size_t len;

	/* The control for the rejection tests built the same way. */
	valid_message(fx, &msg, version);
	buf = pack_snapshot(&msg, &len);
	assert_int_equal(
	    rpc_snapshot_decode(buf, len, &s, err, sizeof(err)), 0);
	assert_string_equal(s->version, version);
	rpc_snapshot_release(s);
	free(buf);
}

static void
snapshot_version_mismatch(void **state)
{
	fixture *fx = *state;
	Sfmovies__Snapshot msg;
	char version[17];
	char err[256];
	uint8_t *buf;
	size_t len;

	valid_message(fx, &msg, version);
	msg.version = "0123456789abcdef";
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "0123456789abcdef"));
	assert_non_null(strstr(err, version));
	free(buf);

	/* Upper-case digits are not the canonical version. */
	for (char *p = version; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'f') {
			*p = (char)(*p - 'a' + 'A');
		}
	}
	assert_true(strspn(version, "0123456789") != 16);
	msg.version = version;
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	free(buf);

	valid_message(fx, &msg, version);
	msg.version = "";
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	free(buf);
}

static void
snapshot_checksum_field_wrong(void **state)
{
	fixture *fx = *state;
	Sfmovies__Snapshot msg;
	char version[17];
	char err[256];
	uint8_t *buf;
	size_t len;

	valid_message(fx, &msg, version);
	msg.checksum ^= 1;
	buf = pack_snapshot(&msg, &len);
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "checksum"));
	free(buf);
}

static void
snapshot_truncated(void **state)
{
	fixture *fx = *state;
	char err[256];

	expect_decode_error(
	    fx->enc, fx->enclen - 1, CORE_ESYNTAX, err, sizeof(err));
	expect_decode_error(
	    fx->enc, fx->enclen / 2, CORE_ESYNTAX, err, sizeof(err));
	expect_decode_error(fx->enc, 3, CORE_ESYNTAX, err, sizeof(err));
}

static void
snapshot_empty_buffer(void **state)
{
	static const uint8_t none[1];
	char err[256];

	/* Zero bytes are a valid empty message, whose format is 0. */
	expect_decode_error(none, 0, CORE_ESYNTAX, err, sizeof(err));
}

static void
snapshot_garbage(void **state)
{
	static const uint8_t ones[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff};
	static const char text[] = "Title,Release Year\nVertigo,1958\n";
	char err[256];

	expect_decode_error(ones, sizeof(ones), CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "not a valid Snapshot"));

	/* A CSV file given where a snapshot belongs. */
	expect_decode_error((const uint8_t *)text, strlen(text), CORE_ESYNTAX,
	    err, sizeof(err));
}

static void
snapshot_over_max_too_big(void **state)
{
	size_t len = (size_t)RPC_SNAPSHOT_MAX_BYTES + 1;
	uint8_t *big = calloc(1, len);
	char err[256];

	assert_non_null(big);
	expect_decode_error(big, len, CORE_ETOOBIG, err, sizeof(err));
	free(big);
}

static void
snapshot_encode_bad_csv(void **state)
{
	static const struct {
		const char *csv;
		int rv;
	} cases[] = {
	    {"Name,Release Year\nVertigo,1958\n", CORE_ENOTFOUND},
	    {"Title,Locations\n\"Vertigo,Fort Point\n", CORE_ESYNTAX},
	    {"", CORE_ESYNTAX},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *out = NULL;
		size_t outlen = 12345;
		char err[256] = "";

		assert_int_equal(
		    rpc_snapshot_encode(cases[i].csv, strlen(cases[i].csv),
		        SOURCE, CREATED, &out, &outlen, err, sizeof(err)),
		    cases[i].rv);
		assert_null(out);
		assert_int_equal(outlen, 12345);
		assert_true(err[0] != '\0');
	}
}

static void
snapshot_encode_over_max(void **state)
{
	static const char header[] = "Title\n";
	static const char row[] = "Vertigo\n";
	size_t len = (size_t)RPC_SNAPSHOT_MAX_BYTES + 1;
	char *csv = malloc(len);
	uint8_t *out = NULL;
	size_t outlen = 12345;
	char err[256] = "";

	/* A CSV that imports, but whose snapshot no node would load. */
	assert_non_null(csv);
	memcpy(csv, header, strlen(header));
	for (size_t at = strlen(header); at < len; at += strlen(row)) {
		size_t n = len - at < strlen(row) ? len - at : strlen(row);

		memcpy(csv + at, row, n);
	}
	assert_int_equal(rpc_snapshot_encode(csv, len, SOURCE, CREATED, &out,
	                     &outlen, err, sizeof(err)),
	    CORE_ETOOBIG);
	assert_null(out);
	assert_int_equal(outlen, 12345);
	assert_true(err[0] != '\0');
	free(csv);
}

static void
snapshot_write_file_atomic(void **state)
{
	fixture *fx = *state;
	char path[256];
	char err[256] = "";
	uint8_t *data;
	size_t len;
	uint8_t *second = NULL;
	size_t second_len = 0;

	snprintf(path, sizeof(path), "%s/atomic.snap", fx->dir);
	assert_int_equal(rpc_snapshot_write_file(
	                     path, fx->enc, fx->enclen, err, sizeof(err)),
	    0);
	data = read_file(path, &len);
	assert_int_equal(len, fx->enclen);
	assert_memory_equal(data, fx->enc, len);
	free(data);
	assert_int_equal(count_entries(fx->dir), 1);

	/* Replacing the file leaves only the new content. */
	assert_int_equal(
	    rpc_snapshot_encode(fx->csv, fx->csvlen, "other", CREATED + 1,
	        &second, &second_len, err, sizeof(err)),
	    0);
	assert_int_equal(
	    rpc_snapshot_write_file(path, second, second_len, err, sizeof(err)),
	    0);
	data = read_file(path, &len);
	assert_int_equal(len, second_len);
	assert_memory_equal(data, second, len);
	free(data);
	assert_int_equal(count_entries(fx->dir), 1);

	free(second);
	assert_int_equal(unlink(path), 0);
}

static void
snapshot_write_file_loads(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	char path[256];
	char err[256] = "";
	size_t n;

	snprintf(path, sizeof(path), "%s/load.snap", fx->dir);
	assert_int_equal(rpc_snapshot_write_file(
	                     path, fx->enc, fx->enclen, err, sizeof(err)),
	    0);
	assert_int_equal(rpc_snapshot_load_file(path, &s, err, sizeof(err)), 0);
	assert_non_null(s);
	assert_string_equal(s->source, SOURCE);
	core_dataset_films(s->ds, &n);
	assert_int_equal(n, NEWEST_FILMS);
	rpc_snapshot_release(s);
	assert_int_equal(unlink(path), 0);
}

static void
snapshot_write_missing_folder(void **state)
{
	fixture *fx = *state;
	char path[256];
	char err[512] = "";

	snprintf(path, sizeof(path), "%s/missing/out.snap", fx->dir);
	assert_int_equal(rpc_snapshot_write_file(
	                     path, fx->enc, fx->enclen, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(count_entries(fx->dir), 0);
}

static void
snapshot_load_missing_file(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	char path[256];
	char err[512] = "";

	snprintf(path, sizeof(path), "%s/absent.snap", fx->dir);
	assert_int_equal(
	    rpc_snapshot_load_file(path, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, path));
}

static void
snapshot_load_damaged_file(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	uint8_t *copy = malloc(fx->enclen);
	uint8_t *at;
	char path[256];
	char err[512] = "";

	assert_non_null(copy);
	memcpy(copy, fx->enc, fx->enclen);
	at = find_bytes(copy, fx->enclen, fx->csv, fx->csvlen);
	assert_non_null(at);
	at[0] ^= 0x20;

	snprintf(path, sizeof(path), "%s/damaged.snap", fx->dir);
	assert_int_equal(
	    rpc_snapshot_write_file(path, copy, fx->enclen, err, sizeof(err)),
	    0);
	assert_int_equal(
	    rpc_snapshot_load_file(path, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "checksum"));
	free(copy);
	assert_int_equal(unlink(path), 0);
}

static void
snapshot_load_file_over_max(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	char path[256];
	char err[512] = "";
	FILE *f;

	/* A sparse file, so no disk space is used. */
	snprintf(path, sizeof(path), "%s/huge.snap", fx->dir);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(
	    ftruncate(fileno(f), (off_t)RPC_SNAPSHOT_MAX_BYTES + 1), 0);
	fclose(f);

	assert_int_equal(
	    rpc_snapshot_load_file(path, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_int_equal(unlink(path), 0);
}

static void
snapshot_refcount_hold_release(void **state)
{
	fixture *fx = *state;
	rpc_snapshot *s = NULL;
	char err[256] = "";
	size_t n = 0;

	assert_int_equal(
	    rpc_snapshot_decode(fx->enc, fx->enclen, &s, err, sizeof(err)), 0);
	rpc_snapshot_hold(s);
	rpc_snapshot_hold(s);
	assert_int_equal(atomic_load(&s->refs), 3);

	rpc_snapshot_release(s);
	rpc_snapshot_release(s);
	assert_int_equal(atomic_load(&s->refs), 1);

	/* The remaining reference still reads the dataset. */
	core_dataset_films(s->ds, &n);
	assert_int_equal(n, NEWEST_FILMS);

	/* The last release frees it, and ASan would report a leak or a double
	 * free. */
	rpc_snapshot_release(s);
	rpc_snapshot_release(NULL);
}

/* Packs an Enrichment with one geocode for UNLOCATED, one of the 32
 * location texts that the newest export leaves without a point, and
 * details for Vertigo (1958). */
static uint8_t *
pack_enrichment(size_t *len)
{
	Sfmovies__Enrichment e = SFMOVIES__ENRICHMENT__INIT;
	Sfmovies__Geocode g = SFMOVIES__GEOCODE__INIT;
	Sfmovies__FilmDetails d = SFMOVIES__FILM_DETAILS__INIT;
	Sfmovies__Geocode *gs[] = {&g};
	Sfmovies__FilmDetails *ds[] = {&d};
	uint8_t *buf;

	g.location = UNLOCATED;
	g.lat = 37.7906;
	g.lng = -122.4046;
	g.source = "google";
	g.accuracy = "GEOMETRIC_CENTER";
	d.title = "Vertigo";
	d.year = 1958;
	d.imdb_id = "tt0052357";
	d.genre = "Mystery, Romance, Thriller";
	d.has_poster = 1;
	e.n_geocodes = 1;
	e.geocodes = gs;
	e.n_details = 1;
	e.details = ds;
	*len = sfmovies__enrichment__get_packed_size(&e);
	buf = malloc(*len);
	assert_non_null(buf);
	sfmovies__enrichment__pack(&e, buf);
	return buf;
}

static const core_location *
location_by_text(const core_dataset *ds, const char *text)
{
	size_t n;
	const core_location *l = core_dataset_locations(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].text, text) == 0) {
			return &l[i];
		}
	}
	return NULL;
}

static void
snapshot_enrichment_in_checksum(void **state)
{
	fixture *fx = *state;
	size_t elen, len;
	uint8_t *extra = pack_enrichment(&elen);
	uint8_t *buf = NULL;
	rpc_snapshot_header hdr;
	uint64_t want;
	char expect[17];
	char err[256] = "";

	assert_int_equal(
	    rpc_snapshot_encode_ex(fx->csv, fx->csvlen, extra, elen, SOURCE,
	        CREATED, &buf, &len, err, sizeof(err)),
	    0);
	want = core_hash64(extra, elen, core_hash64(fx->csv, fx->csvlen, 0));
	assert_true(
	    rpc_snapshot_checksum(fx->csv, fx->csvlen, extra, elen) == want);
	snprintf(expect, sizeof(expect), "%016llx", (unsigned long long)want);
	assert_int_equal(
	    rpc_snapshot_peek(buf, len, &hdr, err, sizeof(err)), 0);
	assert_string_equal(hdr.version, expect);
	assert_int_equal(hdr.enrichment_bytes, elen);

	/* The plain snapshot of the same CSV has another version. */
	assert_int_equal(
	    rpc_snapshot_peek(fx->enc, fx->enclen, &hdr, err, sizeof(err)), 0);
	assert_string_not_equal(hdr.version, expect);
	free(buf);
	free(extra);
}

static void
snapshot_empty_enrichment_same_version(void **state)
{
	fixture *fx = *state;
	uint8_t *buf = NULL;
	size_t len;
	rpc_snapshot_header a, b;
	char err[256] = "";

	assert_int_equal(rpc_snapshot_encode_ex(fx->csv, fx->csvlen, NULL, 0,
	                     SOURCE, CREATED, &buf, &len, err, sizeof(err)),
	    0);
	assert_int_equal(rpc_snapshot_peek(buf, len, &a, err, sizeof(err)), 0);
	assert_int_equal(
	    rpc_snapshot_peek(fx->enc, fx->enclen, &b, err, sizeof(err)), 0);
	assert_string_equal(a.version, b.version);
	assert_memory_equal(buf, fx->enc, len);
	free(buf);
}

static void
snapshot_decode_applies_enrichment(void **state)
{
	fixture *fx = *state;
	size_t elen, len;
	uint8_t *extra = pack_enrichment(&elen);
	uint8_t *buf = NULL;
	const core_location *l;
	const core_film *f;
	rpc_snapshot *s = NULL;
	char err[256] = "";

	assert_int_equal(
	    rpc_snapshot_encode_ex(fx->csv, fx->csvlen, extra, elen, SOURCE,
	        CREATED, &buf, &len, err, sizeof(err)),
	    0);
	assert_int_equal(
	    rpc_snapshot_decode(buf, len, &s, err, sizeof(err)), 0);
	l = location_by_text(s->ds, UNLOCATED);
	assert_non_null(l);
	assert_true(l->flags & CORE_LOC_HAS_POINT);
	assert_int_equal(l->point_source, CORE_POINT_GOOGLE);
	assert_string_equal(l->accuracy, "GEOMETRIC_CENTER");
	assert_int_equal(s->stats.geocoded, 1);
	assert_int_equal(s->stats.unlocated, NEWEST_UNLOCATED - 1);

	f = core_film_by_key(s->ds, "tt0052357");
	assert_non_null(f);
	assert_string_equal(f->title, "Vertigo");
	assert_true(f->has_poster);
	rpc_snapshot_release(s);
	free(buf);
	free(extra);
}

static void
snapshot_enrichment_flipped_byte(void **state)
{
	fixture *fx = *state;
	size_t elen, len;
	uint8_t *extra = pack_enrichment(&elen);
	uint8_t *buf = NULL;
	uint8_t *p;
	char err[256] = "";

	assert_int_equal(
	    rpc_snapshot_encode_ex(fx->csv, fx->csvlen, extra, elen, SOURCE,
	        CREATED, &buf, &len, err, sizeof(err)),
	    0);
	p = find_bytes(buf, len, "GEOMETRIC_CENTER", 16);
	assert_non_null(p);
	p[0] = 'g';
	expect_decode_error(buf, len, CORE_ESYNTAX, err, sizeof(err));
	assert_non_null(strstr(err, "checksum mismatch"));
	free(buf);
	free(extra);
}

static void
snapshot_encode_bad_enrichment(void **state)
{
	fixture *fx = *state;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff};
	uint8_t *buf = NULL;
	size_t len;
	char err[256] = "";

	assert_int_equal(
	    rpc_snapshot_encode_ex(fx->csv, fx->csvlen, garbage,
	        sizeof(garbage), SOURCE, CREATED, &buf, &len, err, sizeof(err)),
	    CORE_ESYNTAX);
	assert_null(buf);
	assert_non_null(strstr(err, "not a valid Enrichment"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(snapshot_round_trip),
	    cmocka_unit_test(snapshot_stores_csv_verbatim),
	    cmocka_unit_test(snapshot_null_source_empty),
	    cmocka_unit_test(snapshot_flipped_byte_checksum),
	    cmocka_unit_test(snapshot_valid_message_decodes),
	    cmocka_unit_test(snapshot_wrong_format),
	    cmocka_unit_test(snapshot_version_mismatch),
	    cmocka_unit_test(snapshot_checksum_field_wrong),
	    cmocka_unit_test(snapshot_truncated),
	    cmocka_unit_test(snapshot_empty_buffer),
	    cmocka_unit_test(snapshot_garbage),
	    cmocka_unit_test(snapshot_over_max_too_big),
	    cmocka_unit_test(snapshot_encode_bad_csv),
	    cmocka_unit_test(snapshot_encode_over_max),
	    cmocka_unit_test(snapshot_write_file_atomic),
	    cmocka_unit_test(snapshot_write_file_loads),
	    cmocka_unit_test(snapshot_write_missing_folder),
	    cmocka_unit_test(snapshot_load_missing_file),
	    cmocka_unit_test(snapshot_load_damaged_file),
	    cmocka_unit_test(snapshot_load_file_over_max),
	    cmocka_unit_test(snapshot_enrichment_in_checksum),
	    cmocka_unit_test(snapshot_empty_enrichment_same_version),
	    cmocka_unit_test(snapshot_decode_applies_enrichment),
	    cmocka_unit_test(snapshot_enrichment_flipped_byte),
	    cmocka_unit_test(snapshot_encode_bad_enrichment),
	    cmocka_unit_test(snapshot_refcount_hold_release),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
