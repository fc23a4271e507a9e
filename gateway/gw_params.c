#include "gw_params.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"

/*
 * The longest key: a search with q, director, actor and neighborhood at
 * GW_TEXT_MAX bytes that are all escaped (3 bytes each), plus the numbers,
 * the names and a 64-byte callback, is under 6.5 KiB.
 */
_Static_assert(GW_KEY_MAX >= 4 * 3 * GW_TEXT_MAX + 1024,
    "GW_KEY_MAX must fit the longest canonical query");

static const char *const gw_param_names[GW_P_COUNT] = {
    [GW_P_Q] = "q",
    [GW_P_YEAR_MIN] = "year_min",
    [GW_P_YEAR_MAX] = "year_max",
    [GW_P_DIRECTOR] = "director",
    [GW_P_ACTOR] = "actor",
    [GW_P_NEIGHBORHOOD] = "neighborhood",
    [GW_P_OFFSET] = "offset",
    [GW_P_LIMIT] = "limit",
    [GW_P_TERM] = "term",
    [GW_P_LAT] = "lat",
    [GW_P_LNG] = "lng",
    [GW_P_RADIUS] = "radius",
    [GW_P_SOUTH] = "south",
    [GW_P_WEST] = "west",
    [GW_P_NORTH] = "north",
    [GW_P_EAST] = "east",
    [GW_P_BBOX] = "bbox",
    [GW_P_CALLBACK] = "callback",
};

const char *
gw_param_name(gw_param p)
{
	return gw_param_names[p];
}

void
gw_args_init(gw_args *a)
{
	memset(a, 0, sizeof(*a));
}

void
gw_args_add(gw_args *a, const char *name, const char *value, size_t len)
{
	for (int p = 0; p < GW_P_COUNT; p++) {
		if (strcmp(name, gw_param_names[p]) != 0) {
			continue;
		}
		if (a->v[p] == NULL) {
			a->v[p] = value != NULL ? value : "";
			a->len[p] = value != NULL ? len : 0;
		}
		return;
	}
}

void
gw_error_set(gw_error *err, int status, const char *code, const char *parameter,
    const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	err->code = code;
	err->parameter = parameter;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static int gw_invalid(gw_error *err, gw_param p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
gw_invalid(gw_error *err, gw_param p, const char *fmt, ...)
{
	va_list ap;

	err->status = 400;
	err->code = "invalid_argument";
	err->parameter = gw_param_names[p];
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return CORE_EINVAL;
}

int
gw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		unsigned cp;
		size_t n;

		if (c == 0) {
			return 0;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i - 1 < n) {
			return 0;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80) {
				return 0;
			}
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates and code points past
		 * U+10FFFF are invalid. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
			return 0;
		}
		i += n + 1;
	}
	return 1;
}

/* The value of p, or NULL when it is absent or empty: an empty value is
 * what an unset form field sends, so it counts as absent. */
static const char *
gw_value(const gw_args *a, gw_param p)
{
	if (a->v[p] == NULL || a->len[p] == 0) {
		return NULL;
	}
	return a->v[p];
}

static int
gw_parse_text(const gw_args *a, gw_param p, const char **out, gw_error *err)
{
	const char *v = gw_value(a, p);
	size_t len = a->len[p];

	*out = "";
	if (v == NULL) {
		return 0;
	}
	if (strlen(v) != len) {
		return gw_invalid(
		    err, p, "%s must not contain NUL bytes", gw_param_names[p]);
	}
	if (len > GW_TEXT_MAX) {
		return gw_invalid(err, p,
		    "%s is %zu bytes long; it must be at most %d "
		    "bytes",
		    gw_param_names[p], len, GW_TEXT_MAX);
	}
	if (!gw_utf8_valid(v, len)) {
		return gw_invalid(
		    err, p, "%s must be valid UTF-8 text", gw_param_names[p]);
	}
	*out = v;
	return 0;
}

/* Parses a decimal integer of at most 9 digits, no sign. */
static int
gw_parse_digits(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 9) {
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
gw_parse_uint(const gw_args *a, gw_param p, unsigned min, unsigned max,
    unsigned def, unsigned *out, gw_error *err)
{
	const char *v = gw_value(a, p);

	*out = def;
	if (v == NULL) {
		return 0;
	}
	if (gw_parse_digits(v, a->len[p], out) != 0 || *out < min ||
	    *out > max) {
		return gw_invalid(err, p, "%s must be an integer from %u to %u",
		    gw_param_names[p], min, max);
	}
	return 0;
}

/*
 * Parses a plain decimal number: optional '-', digits, optional fraction
 * and exponent. strtod alone would also take "inf", "nan", hex and leading
 * spaces.
 */
static int
gw_parse_number(const char *s, size_t len, double *out)
{
	size_t i = 0;
	size_t digits = 0;
	char buf[64];
	char *end;

	if (len == 0 || len >= sizeof(buf)) {
		return -1;
	}
	if (s[i] == '-') {
		i++;
	}
	while (i < len && isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)s[i])) {
			i++;
			digits++;
		}
	}
	if (digits == 0) {
		return -1;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp_digits = 0;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			i++;
		}
		while (i < len && isdigit((unsigned char)s[i])) {
			i++;
			exp_digits++;
		}
		if (exp_digits == 0) {
			return -1;
		}
	}
	if (i != len) {
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	if (!isfinite(*out)) {
		return -1;
	}
	if (*out == 0) {
		*out = 0; /* one spelling of zero: -0 keys like 0 */
	}
	return 0;
}

typedef struct gw_range {
	double min;
	double max;
	const char *what; /* "a number from -90 to 90" */
} gw_range;

static const gw_range gw_lat_range = {-90, 90, "a number from -90 to 90"};
static const gw_range gw_lng_range = {-180, 180, "a number from -180 to 180"};
static const gw_range gw_radius_range = {1, GW_NEAR_RADIUS_MAX,
    "a number of metres from 1 to "
    "50000"};

static int
gw_parse_double(const gw_args *a, gw_param p, const gw_range *r, int required,
    double *out, gw_error *err)
{
	const char *v = gw_value(a, p);

	*out = 0;
	if (v == NULL) {
		if (required) {
			return gw_invalid(err, p, "%s is required: %s",
			    gw_param_names[p], r->what);
		}
		return 0;
	}
	if (gw_parse_number(v, a->len[p], out) != 0 || *out < r->min ||
	    *out > r->max) {
		return gw_invalid(
		    err, p, "%s must be %s", gw_param_names[p], r->what);
	}
	return 0;
}

/* Key writing: values are escaped so that '&' and '=' inside a value cannot
 * make two queries share a key. */
typedef struct gw_key {
	gw_query *q;
	int overflow;
} gw_key;

static void
gw_key_raw(gw_key *k, const char *s, size_t len)
{
	gw_query *q = k->q;

	if (k->overflow || len >= sizeof(q->key) - q->keylen) {
		k->overflow = 1;
		return;
	}
	memcpy(q->key + q->keylen, s, len);
	q->keylen += len;
	q->key[q->keylen] = '\0';
}

static void
gw_key_text(gw_key *k, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	gw_key_raw(k, name, strlen(name));
	gw_key_raw(k, "=", 1);
	for (const char *s = v; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3];

		if (c > 0x20 && c != 0x7f && c != '%' && c != '&' && c != '=') {
			gw_key_raw(k, s, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		gw_key_raw(k, esc, 3);
	}
	gw_key_raw(k, "&", 1);
}

static void
gw_key_uint(gw_key *k, const char *name, unsigned v)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%s=%u&", name, v);

	gw_key_raw(k, buf, (size_t)n);
}

static void
gw_key_double(gw_key *k, const char *name, double v)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "%s=%.17g&", name, v);

	gw_key_raw(k, buf, (size_t)n);
}

static void
gw_key_begin(gw_key *k, gw_query *q, const char *endpoint)
{
	k->q = q;
	k->overflow = 0;
	q->keylen = 0;
	q->key[0] = '\0';
	gw_key_raw(k, endpoint, strlen(endpoint));
	gw_key_raw(k, "?", 1);
}

static int
gw_key_end(gw_key *k)
{
	gw_query *q = k->q;

	/* Drop the trailing '&' so that a callback appends cleanly. */
	if (!k->overflow && q->keylen > 0 && q->key[q->keylen - 1] == '&') {
		q->key[--q->keylen] = '\0';
	}
	return k->overflow ? CORE_ETOOBIG : 0;
}

static int
gw_parse_search(gw_query *q, const gw_args *a, gw_error *err)
{
	Sfmovies__SearchRequest *r = &q->req.search;
	const char *text[4];
	unsigned year_min;
	unsigned year_max;
	unsigned offset;
	unsigned limit;
	int rv;
	gw_key k;

	sfmovies__search_request__init(r);
	if ((rv = gw_parse_text(a, GW_P_Q, &text[0], err)) != 0 ||
	    (rv = gw_parse_text(a, GW_P_DIRECTOR, &text[1], err)) != 0 ||
	    (rv = gw_parse_text(a, GW_P_ACTOR, &text[2], err)) != 0 ||
	    (rv = gw_parse_text(a, GW_P_NEIGHBORHOOD, &text[3], err)) != 0) {
		return rv;
	}
	if ((rv = gw_parse_uint(a, GW_P_YEAR_MIN, GW_YEAR_MIN, GW_YEAR_MAX, 0,
	         &year_min, err)) != 0 ||
	    (rv = gw_parse_uint(a, GW_P_YEAR_MAX, GW_YEAR_MIN, GW_YEAR_MAX, 0,
	         &year_max, err)) != 0 ||
	    (rv = gw_parse_uint(
	         a, GW_P_OFFSET, 0, GW_OFFSET_MAX, 0, &offset, err)) != 0 ||
	    (rv = gw_parse_uint(a, GW_P_LIMIT, 1, GW_SEARCH_LIMIT_MAX,
	         GW_SEARCH_LIMIT_DEF, &limit, err)) != 0) {
		return rv;
	}
	if (year_min != 0 && year_max != 0 && year_min > year_max) {
		return gw_invalid(err, GW_P_YEAR_MIN,
		    "year_min must not exceed year_max (%u > "
		    "%u)",
		    year_min, year_max);
	}

	r->q = (char *)text[0];
	r->director = (char *)text[1];
	r->actor = (char *)text[2];
	r->neighborhood = (char *)text[3];
	r->year_min = year_min;
	r->year_max = year_max;
	r->offset = offset;
	r->limit = limit;
	q->method = SFMOVIES__METHOD__METHOD_SEARCH;

	gw_key_begin(&k, q, "search");
	gw_key_text(&k, "q", r->q);
	gw_key_uint(&k, "year_min", year_min);
	gw_key_uint(&k, "year_max", year_max);
	gw_key_text(&k, "director", r->director);
	gw_key_text(&k, "actor", r->actor);
	gw_key_text(&k, "neighborhood", r->neighborhood);
	gw_key_uint(&k, "offset", offset);
	gw_key_uint(&k, "limit", limit);
	return gw_key_end(&k);
}

static int
gw_parse_complete(gw_query *q, const gw_args *a, gw_error *err)
{
	Sfmovies__CompleteRequest *r = &q->req.complete;
	const char *term;
	unsigned limit;
	int rv;
	gw_key k;

	sfmovies__complete_request__init(r);
	if ((rv = gw_parse_text(a, GW_P_TERM, &term, err)) != 0) {
		return rv;
	}
	if (*term == '\0') {
		return gw_invalid(err, GW_P_TERM,
		    "term is required: the start of a title, "
		    "name or place, up to %d bytes",
		    GW_TEXT_MAX);
	}
	if ((rv = gw_parse_uint(a, GW_P_LIMIT, 1, GW_COMPLETE_LIMIT_MAX,
	         GW_COMPLETE_LIMIT_DEF, &limit, err)) != 0) {
		return rv;
	}

	r->term = (char *)term;
	r->limit = limit;
	q->method = SFMOVIES__METHOD__METHOD_COMPLETE;

	gw_key_begin(&k, q, "complete");
	gw_key_text(&k, "term", r->term);
	gw_key_uint(&k, "limit", limit);
	return gw_key_end(&k);
}

static int
gw_parse_near(gw_query *q, const gw_args *a, gw_error *err)
{
	Sfmovies__NearestRequest *r = &q->req.nearest;
	double lat;
	double lng;
	double radius;
	unsigned limit;
	int rv;
	gw_key k;

	sfmovies__nearest_request__init(r);
	if ((rv = gw_parse_double(a, GW_P_LAT, &gw_lat_range, 1, &lat, err)) !=
	        0 ||
	    (rv = gw_parse_double(a, GW_P_LNG, &gw_lng_range, 1, &lng, err)) !=
	        0 ||
	    (rv = gw_parse_double(
	         a, GW_P_RADIUS, &gw_radius_range, 0, &radius, err)) != 0 ||
	    (rv = gw_parse_uint(a, GW_P_LIMIT, 1, GW_NEAR_LIMIT_MAX,
	         GW_NEAR_LIMIT_DEF, &limit, err)) != 0) {
		return rv;
	}

	r->lat = lat;
	r->lng = lng;
	r->radius_m = radius;
	r->limit = limit;
	q->method = SFMOVIES__METHOD__METHOD_NEAREST;

	gw_key_begin(&k, q, "near");
	gw_key_double(&k, "lat", lat);
	gw_key_double(&k, "lng", lng);
	gw_key_double(&k, "radius", radius);
	gw_key_uint(&k, "limit", limit);
	return gw_key_end(&k);
}

/* Splits "south,west,north,east" into four numbers in range. */
static int
gw_parse_bbox(const gw_args *a, double box[4], gw_error *err)
{
	static const gw_range *ranges[4] = {
	    &gw_lat_range, &gw_lng_range, &gw_lat_range, &gw_lng_range};
	static const char *names[4] = {"south", "west", "north", "east"};
	const char *s = a->v[GW_P_BBOX];
	const char *end = s + a->len[GW_P_BBOX];

	for (int i = 0; i < 4; i++) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = i < 3 ? comma : end;

		if (stop == NULL || (i == 3 && comma != NULL)) {
			return gw_invalid(err, GW_P_BBOX,
			    "bbox must be four comma-separated "
			    "numbers: south,west,north,east");
		}
		if (gw_parse_number(s, (size_t)(stop - s), &box[i]) != 0 ||
		    box[i] < ranges[i]->min || box[i] > ranges[i]->max) {
			return gw_invalid(err, GW_P_BBOX,
			    "bbox %s (number %d of "
			    "south,west,north,east) must be %s",
			    names[i], i + 1, ranges[i]->what);
		}
		s = stop + 1;
	}
	return 0;
}

static int
gw_parse_box(gw_query *q, const gw_args *a, gw_error *err)
{
	Sfmovies__BoxRequest *r = &q->req.box;
	double box[4];
	unsigned limit;
	int rv;
	gw_key k;

	sfmovies__box_request__init(r);
	q->bbox = gw_value(a, GW_P_BBOX) != NULL;
	if (q->bbox) {
		for (int p = GW_P_SOUTH; p <= GW_P_EAST; p++) {
			if (gw_value(a, (gw_param)p) != NULL) {
				return gw_invalid(err, GW_P_BBOX,
				    "give either bbox or south, west, north "
				    "and east, not both (%s is set too)",
				    gw_param_names[p]);
			}
		}
		if ((rv = gw_parse_bbox(a, box, err)) != 0) {
			return rv;
		}
	} else {
		static const gw_range *ranges[4] = {
		    &gw_lat_range, &gw_lng_range, &gw_lat_range, &gw_lng_range};

		for (int i = 0; i < 4; i++) {
			if ((rv = gw_parse_double(a, (gw_param)(GW_P_SOUTH + i),
			         ranges[i], 1, &box[i], err)) != 0) {
				return rv;
			}
		}
	}
	if (box[0] > box[2]) {
		return gw_invalid(err, q->bbox ? GW_P_BBOX : GW_P_SOUTH,
		    "south must not exceed north (%g > %g)", box[0], box[2]);
	}
	if (box[1] > box[3]) {
		return gw_invalid(err, q->bbox ? GW_P_BBOX : GW_P_WEST,
		    "west must not exceed east (%g > %g)", box[1], box[3]);
	}
	if ((rv = gw_parse_uint(a, GW_P_LIMIT, 1, GW_BOX_LIMIT_MAX,
	         GW_BOX_LIMIT_DEF, &limit, err)) != 0) {
		return rv;
	}

	r->south = box[0];
	r->west = box[1];
	r->north = box[2];
	r->east = box[3];
	r->limit = limit;
	q->method = SFMOVIES__METHOD__METHOD_BOX;

	/* bbox= and the four parameters ask the same, so they share a key. */
	gw_key_begin(&k, q, "box");
	gw_key_double(&k, "south", box[0]);
	gw_key_double(&k, "west", box[1]);
	gw_key_double(&k, "north", box[2]);
	gw_key_double(&k, "east", box[3]);
	gw_key_uint(&k, "limit", limit);
	return gw_key_end(&k);
}

static int
gw_film_id_valid(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > GW_FILM_ID_MAX) {
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];

		if (!isalnum(c) && c != '-' && c != '_' && c != '.') {
			return 0;
		}
	}
	return 1;
}

static int
gw_parse_film(gw_query *q, const char *id, gw_error *err)
{
	gw_key k;

	if (!gw_film_id_valid(id)) {
		gw_error_set(err, 400, "invalid_argument", "id",
		    "id must be a film id or slug: 1 to %d letters, "
		    "digits, '-', '_' or '.'",
		    GW_FILM_ID_MAX);
		return CORE_EINVAL;
	}
	memcpy(q->id, id, strlen(id) + 1);

	sfmovies__film_request__init(&q->req.film);
	q->req.film.id = q->id;
	q->method = SFMOVIES__METHOD__METHOD_FILM;

	gw_key_begin(&k, q, "movies");
	gw_key_text(&k, "id", q->id);
	return gw_key_end(&k);
}

static int
gw_parse_location(gw_query *q, const char *id, gw_error *err)
{
	size_t len = strlen(id);
	gw_key k;

	if (len != GW_LOCATION_ID_LEN) {
		goto invalid;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)id[i])) {
			goto invalid;
		}
		q->id[i] = (char)tolower((unsigned char)id[i]);
	}
	q->id[len] = '\0';

	sfmovies__location_request__init(&q->req.location);
	q->req.location.id = q->id;
	q->method = SFMOVIES__METHOD__METHOD_LOCATION;

	/* /locations and /scenes answer the same, so they share a key. */
	gw_key_begin(&k, q, "locations");
	gw_key_text(&k, "id", q->id);
	return gw_key_end(&k);

invalid:
	gw_error_set(err, 400, "invalid_argument", "id",
	    "id must be %d hexadecimal digits", GW_LOCATION_ID_LEN);
	return CORE_EINVAL;
}

int
gw_query_parse(gw_query *q, gw_endpoint ep, const char *id, const gw_args *a,
    gw_error *err)
{
	q->ep = ep;
	q->bbox = 0;
	q->id[0] = '\0';
	q->keylen = 0;
	q->key[0] = '\0';

	switch (ep) {
	case GW_EP_SEARCH:
		return gw_parse_search(q, a, err);
	case GW_EP_COMPLETE:
		return gw_parse_complete(q, a, err);
	case GW_EP_NEAR:
		return gw_parse_near(q, a, err);
	case GW_EP_BOX:
		return gw_parse_box(q, a, err);
	case GW_EP_MOVIE:
		return gw_parse_film(q, id, err);
	case GW_EP_LOCATION:
	case GW_EP_SCENE:
		return gw_parse_location(q, id, err);
	default:
		gw_error_set(err, 404, "not_found", NULL,
		    "%s is not a query endpoint", gw_endpoint_name(ep));
		return CORE_EINVAL;
	}
}

int
gw_query_key_callback(gw_query *q, const char *name, size_t len)
{
	static const char prefix[] = "&callback=";

	if (q->keylen + sizeof(prefix) - 1 + len >= sizeof(q->key)) {
		return CORE_ETOOBIG;
	}
	memcpy(q->key + q->keylen, prefix, sizeof(prefix) - 1);
	q->keylen += sizeof(prefix) - 1;
	memcpy(q->key + q->keylen, name, len);
	q->keylen += len;
	q->key[q->keylen] = '\0';
	return 0;
}

void
gw_query_copy(gw_query *dst, const gw_query *src)
{
	memcpy(dst, src, sizeof(*dst));
	if (src->ep == GW_EP_MOVIE) {
		dst->req.film.id = dst->id;
	} else if (src->ep == GW_EP_LOCATION || src->ep == GW_EP_SCENE) {
		dst->req.location.id = dst->id;
	}
}

const ProtobufCMessage *
gw_query_message(const gw_query *q)
{
	return (const ProtobufCMessage *)&q->req;
}

const char *
gw_query_parameter(const gw_query *q, const char *field)
{
	if (field == NULL || *field == '\0') {
		return NULL;
	}
	switch (q->ep) {
	case GW_EP_NEAR:
		if (strcmp(field, "radius_m") == 0) {
			return "radius";
		}
		break;
	case GW_EP_BOX:
		if (q->bbox &&
		    (strcmp(field, "south") == 0 ||
		        strcmp(field, "west") == 0 ||
		        strcmp(field, "north") == 0 ||
		        strcmp(field, "east") == 0)) {
			return "bbox";
		}
		break;
	case GW_EP_MOVIE:
	case GW_EP_LOCATION:
	case GW_EP_SCENE:
		return strcmp(field, "id") == 0 ? "id" : NULL;
	default:
		break;
	}
	for (int p = 0; p < GW_P_COUNT; p++) {
		if (p != GW_P_CALLBACK && p != GW_P_BBOX &&
		    strcmp(field, gw_param_names[p]) == 0) {
			return gw_param_names[p];
		}
	}
	return NULL;
}
