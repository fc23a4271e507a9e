/*
 * Variants of a location text that a geocoder may place when the text as
 * DataSF writes it is a note, a stretch of street or a range.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mgr_geocode.h"

typedef struct variant_list {
	char (*v)[MGR_GEOCODE_QUERY_MAX];
	size_t n;
	size_t max;
} variant_list;

/* Trims spaces and the punctuation that a cut leaves at either end. */
static void
variant_trim(char *s)
{
	size_t len = strlen(s);
	size_t start = 0;

	while (len > 0 &&
	    (isspace((unsigned char)s[len - 1]) ||
	        strchr(",;-", s[len - 1]) != NULL)) {
		s[--len] = '\0';
	}
	while (start < len &&
	    (isspace((unsigned char)s[start]) ||
	        strchr(",;-", s[start]) != NULL)) {
		start++;
	}
	memmove(s, s + start, len - start + 1);
}

/* Collapses runs of spaces into one. */
static void
variant_squeeze(char *s)
{
	char *o = s;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ' ' && (o == s || o[-1] == ' ')) {
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
}

static void
variant_add(variant_list *l, const char *text, size_t len)
{
	char buf[MGR_GEOCODE_QUERY_MAX];

	if (l->n >= l->max || len >= sizeof(buf)) {
		return;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	variant_squeeze(buf);
	variant_trim(buf);
	if (buf[0] == '\0') {
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (strcasecmp(l->v[i], buf) == 0) {
			return;
		}
	}
	memcpy(l->v[l->n++], buf, strlen(buf) + 1);
}

/* Adds "a and b", or b alone when a is empty. */
static void
variant_add_pair(
    variant_list *l, const char *a, size_t alen, const char *b, size_t blen)
{
	char buf[MGR_GEOCODE_QUERY_MAX];
	int n;

	if (alen == 0) {
		variant_add(l, b, blen);
		return;
	}
	n = snprintf(
	    buf, sizeof(buf), "%.*s and %.*s", (int)alen, a, (int)blen, b);
	if (n > 0 && (size_t)n < sizeof(buf)) {
		variant_add(l, buf, (size_t)n);
	}
}

/* Finds " word " in s[0..len) regardless of case, or returns NULL. */
static const char *
variant_word(const char *s, size_t len, const char *word)
{
	size_t wlen = strlen(word);

	for (size_t i = 0; i + wlen + 2 <= len; i++) {
		if (s[i] == ' ' && strncasecmp(s + i + 1, word, wlen) == 0 &&
		    s[i + wlen + 1] == ' ') {
			return s + i;
		}
	}
	return NULL;
}

/* Splits "B and C", "B & C" or "B to C" at its separator. */
static const char *
variant_separator(const char *s, size_t len, size_t *seplen)
{
	static const char *const words[] = {"and", "&", "to"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *p = variant_word(s, len, words[i]);

		if (p != NULL) {
			*seplen = strlen(words[i]) + 2;
			return p;
		}
	}
	return NULL;
}

/* "A between B and C" -> "A and B", "A and C"; "A from B to C" likewise,
 * and "from B to C" -> "B", "C". */
static void
variant_range(variant_list *l, const char *s, const char *word)
{
	size_t len = strlen(s);
	size_t wlen = strlen(word);
	const char *at = variant_word(s, len, word);
	const char *rest, *sep;
	size_t alen, restlen, seplen;

	if (at != NULL) {
		alen = (size_t)(at - s);
		rest = at + wlen + 2;
	} else if (strncasecmp(s, word, wlen) == 0 && s[wlen] == ' ') {
		alen = 0; /* the text starts with the word */
		rest = s + wlen + 1;
	} else {
		return;
	}
	restlen = len - (size_t)(rest - s);
	if ((sep = variant_separator(rest, restlen, &seplen)) == NULL) {
		variant_add_pair(l, s, alen, rest, restlen);
		return;
	}
	variant_add_pair(l, s, alen, rest, (size_t)(sep - rest));
	variant_add_pair(
	    l, s, alen, sep + seplen, restlen - (size_t)(sep + seplen - rest));
}

/* "Name (note)" -> "Name" and "note". */
static void
variant_parens(variant_list *l, const char *s)
{
	const char *open = strchr(s, '(');
	const char *close = open != NULL ? strchr(open, ')') : NULL;
	char outer[MGR_GEOCODE_QUERY_MAX];
	int n;

	if (open == NULL || close == NULL) {
		return;
	}
	n = snprintf(
	    outer, sizeof(outer), "%.*s %s", (int)(open - s), s, close + 1);
	if (n > 0 && (size_t)n < sizeof(outer)) {
		variant_add(l, outer, (size_t)n);
	}
	variant_add(l, open + 1, (size_t)(close - open - 1));
}

size_t
mgr_geocode_variants(
    const char *location, char out[][MGR_GEOCODE_QUERY_MAX], size_t max)
{
	variant_list l = {out, 0, max};

	if (max > MGR_GEOCODE_MAX_VARIANTS) {
		l.max = MGR_GEOCODE_MAX_VARIANTS;
	}
	variant_add(&l, location, strlen(location));
	variant_parens(&l, location);

	/* The ranges of the text and of what the notes split off. */
	for (size_t i = 0, n = l.n; i < n; i++) {
		char text[MGR_GEOCODE_QUERY_MAX];

		snprintf(text, sizeof(text), "%s", out[i]);
		variant_range(&l, text, "between");
		variant_range(&l, text, "from");
	}
	return l.n;
}
