#include "rpc_snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_err.h"
#include "core_map.h"
#include "rpc_file.h"
#include "sfmovies.pb-c.h"

#define SNAPSHOT_FORMAT 1

static void
snapshot_version(uint64_t checksum, char version[17])
{
	snprintf(version, 17, "%016llx", (unsigned long long)checksum);
}

uint64_t
rpc_snapshot_checksum(
    const void *csv, size_t len, const void *enrichment, size_t enrichment_len)
{
	uint64_t checksum = core_hash64(csv, len, 0);

	/* Without an enrichment the checksum is the CSV's alone, as in
	 * snapshots written before enrichments existed. */
	if (enrichment_len > 0) {
		checksum = core_hash64(enrichment, enrichment_len, checksum);
	}
	return checksum;
}

/* The geocodes and details of an unpacked Enrichment, as the core reads
 * them; the strings point into msg. */
typedef struct snapshot_extra {
	Sfmovies__Enrichment *msg;
	core_enrichment extra;
	core_geocode *geocodes;
	core_film_details *details;
} snapshot_extra;

static void
snapshot_extra_free(snapshot_extra *x)
{
	if (x->msg != NULL) {
		sfmovies__enrichment__free_unpacked(x->msg, NULL);
	}
	free(x->geocodes);
	free(x->details);
	memset(x, 0, sizeof(*x));
}

static void
snapshot_extra_fill(snapshot_extra *x)
{
	const Sfmovies__Enrichment *m = x->msg;

	for (size_t i = 0; i < m->n_geocodes; i++) {
		const Sfmovies__Geocode *g = m->geocodes[i];

		x->geocodes[i] = (core_geocode){.location = g->location,
		    .lat = g->lat,
		    .lng = g->lng,
		    .source = core_point_source_parse(g->source),
		    .accuracy = g->accuracy};
	}
	for (size_t i = 0; i < m->n_details; i++) {
		const Sfmovies__FilmDetails *d = m->details[i];

		x->details[i] = (core_film_details){.title = d->title,
		    .year = d->year,
		    .imdb_id = d->imdb_id,
		    .plot = d->plot,
		    .genre = d->genre,
		    .runtime = d->runtime,
		    .rated = d->rated,
		    .imdb_rating = d->imdb_rating,
		    .has_poster = d->has_poster};
	}
	x->extra.geocodes = x->geocodes;
	x->extra.ngeocodes = m->n_geocodes;
	x->extra.details = x->details;
	x->extra.ndetails = m->n_details;
}

/* Unpacks an encoded Enrichment; an empty one gives an empty x. */
static int
snapshot_extra_unpack(
    const uint8_t *buf, size_t len, snapshot_extra *x, char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	if (len == 0) {
		return 0;
	}
	if ((x->msg = sfmovies__enrichment__unpack(NULL, len, buf)) == NULL) {
		snprintf(err, errlen,
		    "the snapshot's enrichment is not a valid Enrichment "
		    "message");
		return CORE_ESYNTAX;
	}
	x->geocodes = calloc(x->msg->n_geocodes + 1, sizeof(*x->geocodes));
	x->details = calloc(x->msg->n_details + 1, sizeof(*x->details));
	if (x->geocodes == NULL || x->details == NULL) {
		snapshot_extra_free(x);
		snprintf(err, errlen,
		    "cannot read the snapshot's enrichment: out of memory");
		return CORE_ENOMEM;
	}
	snapshot_extra_fill(x);
	return 0;
}

/* Imports csv with the enrichment; the stats and err are the import's. */
static int
snapshot_import(const uint8_t *csv, size_t len, const uint8_t *enrichment,
    size_t enrichment_len, core_dataset **ds, core_import_stats *stats,
    char *err, size_t errlen)
{
	snapshot_extra x;
	int rv;

	if ((rv = snapshot_extra_unpack(
	         enrichment, enrichment_len, &x, err, errlen)) != 0) {
		return rv;
	}
	rv = core_dataset_import_ex(ds, (const char *)csv, len,
	    x.msg != NULL ? &x.extra : NULL, stats, err, errlen);
	snapshot_extra_free(&x);
	return rv;
}

int
rpc_snapshot_encode(const char *csv, size_t len, const char *source,
    int64_t created_unix, uint8_t **out, size_t *outlen, char *err,
    size_t errlen)
{
	return rpc_snapshot_encode_ex(
	    csv, len, NULL, 0, source, created_unix, out, outlen, err, errlen);
}

int
rpc_snapshot_encode_ex(const char *csv, size_t len, const uint8_t *enrichment,
    size_t enrichment_len, const char *source, int64_t created_unix,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	Sfmovies__Snapshot msg = SFMOVIES__SNAPSHOT__INIT;
	core_dataset *ds;
	char version[17];
	uint8_t *buf;
	size_t size;
	int rv;

	/* Refuse to write a snapshot that no node could load: one over the
	 * size limit of rpc_snapshot_decode, or one whose CSV and enrichment
	 * fail to import. Inputs alone over the limit skip the import. */
	if (len > RPC_SNAPSHOT_MAX_BYTES ||
	    enrichment_len > RPC_SNAPSHOT_MAX_BYTES - len) {
		snprintf(err, errlen,
		    "CSV of %zu bytes and enrichment of %zu bytes are over "
		    "the snapshot limit of %u bytes",
		    len, enrichment_len, RPC_SNAPSHOT_MAX_BYTES);
		return CORE_ETOOBIG;
	}
	if ((rv = snapshot_import((const uint8_t *)csv, len, enrichment,
	         enrichment_len, &ds, NULL, err, errlen)) != 0) {
		return rv;
	}
	core_dataset_free(ds);

	msg.format = SNAPSHOT_FORMAT;
	msg.checksum =
	    rpc_snapshot_checksum(csv, len, enrichment, enrichment_len);
	snapshot_version(msg.checksum, version);
	msg.version = version;
	msg.created_unix = created_unix;
	msg.source = (char *)(source != NULL ? source : "");
	msg.csv.data = (uint8_t *)csv;
	msg.csv.len = len;
	msg.enrichment.data = (uint8_t *)enrichment;
	msg.enrichment.len = enrichment_len;

	size = sfmovies__snapshot__get_packed_size(&msg);
	if (size > RPC_SNAPSHOT_MAX_BYTES) {
		snprintf(err, errlen,
		    "snapshot of %zu bytes is over the limit of %u bytes", size,
		    RPC_SNAPSHOT_MAX_BYTES);
		return CORE_ETOOBIG;
	}
	if ((buf = malloc(size ? size : 1)) == NULL) {
		snprintf(
		    err, errlen, "cannot encode the snapshot: out of memory");
		return CORE_ENOMEM;
	}
	sfmovies__snapshot__pack(&msg, buf);
	*out = buf;
	*outlen = size;
	return 0;
}

static int
snapshot_verify(const Sfmovies__Snapshot *msg, char *err, size_t errlen)
{
	char version[17];
	uint64_t checksum;

	if (msg->format != SNAPSHOT_FORMAT) {
		snprintf(err, errlen,
		    "unsupported snapshot format %u; this "
		    "build reads format %d",
		    msg->format, SNAPSHOT_FORMAT);
		return CORE_ESYNTAX;
	}
	checksum = rpc_snapshot_checksum(msg->csv.data, msg->csv.len,
	    msg->enrichment.data, msg->enrichment.len);
	if (checksum != msg->checksum) {
		snprintf(err, errlen,
		    "snapshot checksum mismatch: stored "
		    "%016llx, computed %016llx; the file is damaged",
		    (unsigned long long)msg->checksum,
		    (unsigned long long)checksum);
		return CORE_ESYNTAX;
	}
	snapshot_version(checksum, version);
	if (msg->version == NULL || strcmp(msg->version, version) != 0) {
		snprintf(err, errlen,
		    "snapshot version \"%s\" does not match "
		    "its checksum %s",
		    msg->version ? msg->version : "", version);
		return CORE_ESYNTAX;
	}
	return 0;
}

/* Unpacks and verifies; on success the caller frees *out. */
static int
snapshot_unpack(const uint8_t *buf, size_t len, Sfmovies__Snapshot **out,
    char *err, size_t errlen)
{
	Sfmovies__Snapshot *msg;
	int rv;

	if (len > RPC_SNAPSHOT_MAX_BYTES) {
		snprintf(err, errlen,
		    "snapshot of %zu bytes is over the limit of %u", len,
		    RPC_SNAPSHOT_MAX_BYTES);
		return CORE_ETOOBIG;
	}
	if ((msg = sfmovies__snapshot__unpack(NULL, len, buf)) == NULL) {
		snprintf(
		    err, errlen, "snapshot is not a valid Snapshot message");
		return CORE_ESYNTAX;
	}
	if ((rv = snapshot_verify(msg, err, errlen)) != 0) {
		sfmovies__snapshot__free_unpacked(msg, NULL);
		return rv;
	}
	*out = msg;
	return 0;
}

int
rpc_snapshot_peek(const uint8_t *buf, size_t len, rpc_snapshot_header *out,
    char *err, size_t errlen)
{
	Sfmovies__Snapshot *msg;
	int rv;

	if ((rv = snapshot_unpack(buf, len, &msg, err, errlen)) != 0) {
		return rv;
	}
	snprintf(out->version, sizeof(out->version), "%s", msg->version);
	snprintf(out->source, sizeof(out->source), "%s", msg->source);
	out->created_unix = msg->created_unix;
	out->csv_bytes = msg->csv.len;
	out->enrichment_bytes = msg->enrichment.len;
	sfmovies__snapshot__free_unpacked(msg, NULL);
	return 0;
}

int
rpc_snapshot_decode(const uint8_t *buf, size_t len, rpc_snapshot **out,
    char *err, size_t errlen)
{
	Sfmovies__Snapshot *msg;
	rpc_snapshot *s;
	int rv;

	if ((rv = snapshot_unpack(buf, len, &msg, err, errlen)) != 0) {
		return rv;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		sfmovies__snapshot__free_unpacked(msg, NULL);
		snprintf(
		    err, errlen, "cannot load the snapshot: out of memory");
		return CORE_ENOMEM;
	}
	rv = snapshot_import(msg->csv.data, msg->csv.len, msg->enrichment.data,
	    msg->enrichment.len, &s->ds, &s->stats, err, errlen);
	if (rv == 0) {
		atomic_init(&s->refs, 1);
		snprintf(s->version, sizeof(s->version), "%s", msg->version);
		snprintf(s->source, sizeof(s->source), "%s", msg->source);
		s->created_unix = msg->created_unix;
		*out = s;
	} else {
		free(s);
	}
	sfmovies__snapshot__free_unpacked(msg, NULL);
	return rv;
}

/* Flushes the folder that holds path, so a rename in it is durable. */
static int
snapshot_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;
	int rv = -1;

	if (copy == NULL) {
		return -1;
	}
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY)) >= 0) {
		rv = fsync(fd);
		close(fd);
	}
	free(copy);
	return rv;
}

static int
snapshot_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
rpc_snapshot_write_file(
    const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	char tmp[4096];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	        (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "snapshot path is too long: %s", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) <
	    0) {
		snprintf(
		    err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (snapshot_write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		snprintf(
		    err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (snapshot_sync_dir(path) != 0) {
		snprintf(err, errlen, "cannot flush the folder of %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
rpc_snapshot_load_file(
    const char *path, rpc_snapshot **out, char *err, size_t errlen)
{
	char *data;
	size_t len;
	char why[256];
	int rv;

	if (rpc_file_read(
	        path, RPC_SNAPSHOT_MAX_BYTES, &data, &len, err, errlen) != 0) {
		return -1;
	}
	rv = rpc_snapshot_decode(
	    (const uint8_t *)data, len, out, why, sizeof(why));
	free(data);
	if (rv != 0) {
		snprintf(err, errlen, "cannot load %s: %s", path, why);
		return -1;
	}
	return 0;
}

void
rpc_snapshot_hold(rpc_snapshot *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void
rpc_snapshot_release(rpc_snapshot *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1) {
		return;
	}
	core_dataset_free(s->ds);
	free(s);
}
