#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

/* cmocka.h needs the declarations of setjmp.h, stdarg.h and stddef.h. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_norm.h"

#define DATA_FILE "film_locations_2026-04_2214rows.csv"

/* Columns of the 2026 export that list people: Director to Actor 3. */
#define PEOPLE_FIRST 6
#define PEOPLE_LAST  10

#define MAX_NAMES 16

typedef struct names {
	char text[MAX_NAMES][128];
	size_t n;
	size_t stop_after; /* 0 means never stop */
} names;

static int
collect_name(void *arg, const char *name, size_t len)
{
	names *ns = arg;

	assert_true(ns->n < MAX_NAMES);
	assert_true(len < sizeof(ns->text[0]));
	memcpy(ns->text[ns->n], name, len);
	ns->text[ns->n][len] = '\0';
	ns->n++;
	if (ns->stop_after != 0 && ns->n == ns->stop_after) {
		return 7;
	}
	return 0;
}

static void
split(names *ns, const char *s)
{
	memset(ns, 0, sizeof(*ns));
	assert_int_equal(core_norm_split_people(s, strlen(s), collect_name, ns),
	                 0);
}

/* Cleans a copy of s and checks the result. */
static void
assert_clean(const char *s, const char *expected)
{
	char buf[256];
	size_t len = strlen(s);
	size_t n;

	assert_true(len < sizeof(buf));
	memcpy(buf, s, len);
	n = core_norm_clean(buf, len);
	assert_int_equal(n, strlen(expected));
	assert_memory_equal(buf, expected, n);
}

static void
assert_match(const char *s, const char *expected)
{
	core_buf out = {NULL, 0, 0};

	assert_int_equal(core_norm_match(&out, s, strlen(s)), 0);
	assert_int_equal(out.len, strlen(expected));
	if (out.len > 0) {
		assert_string_equal(out.data, expected);
	}
	core_buf_free(&out);
}

static void
assert_prefix(const char *s, const char *prefix)
{
	assert_int_equal(strncmp(s, prefix, strlen(prefix)), 0);
}

/* Checks that s is a well-formed matching form and returns 0 if so. */
static int
check_match_form(const char *s, size_t len)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t i = 0;

	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' ')) {
		return -1;
	}
	while (i < len) {
		if (s[i] >= 'A' && s[i] <= 'Z') {
			return -1;
		}
		if (s[i] == ' ' && i + 1 < len && s[i + 1] == ' ') {
			return -1;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                     (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			return -1;
		}
		i += (size_t)n;
	}
	return 0;
}

/* Reads a file from $SFMOVIES_DATA_DIR and fails the test if it is missing. */
static char *
read_data_file(const char *name, size_t *len)
{
	const char *dir = getenv("SFMOVIES_DATA_DIR");
	char path[4096];
	FILE *f;
	char *data;
	long size;

	if (dir == NULL) {
		fail_msg(
		    "SFMOVIES_DATA_DIR is not set; run the test with ctest");
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fail_msg("cannot open %s", path);
	}

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	data[size] = '\0';
	fclose(f);

	*len = (size_t)size;
	return data;
}

/*
 * Copies field index of one CSV line into out, unquoted. The 2026 export
 * quotes every non-empty field and has no line breaks inside fields.
 */
static void
csv_field(const char *line, size_t len, size_t index, core_buf *out)
{
	size_t i = 0;
	size_t field = 0;
	int quoted;

	core_buf_reset(out);
	while (i <= len) {
		quoted = i < len && line[i] == '"';
		i += quoted;
		while (i < len) {
			if (quoted && line[i] == '"' && i + 1 < len &&
			    line[i + 1] == '"') {
				if (field == index) {
					assert_int_equal(
					    core_buf_putc(out, '"'), 0);
				}
				i += 2;
				continue;
			}
			if ((quoted && line[i] == '"') ||
			    (!quoted && line[i] == ',')) {
				break;
			}
			if (field == index) {
				assert_int_equal(core_buf_putc(out, line[i]),
				                 0);
			}
			i++;
		}
		i += quoted; /* the closing quote */
		if (field == index) {
			return;
		}
		field++;
		i++; /* the comma */
	}
	fail_msg("line has no field %zu", index);
}

static void
norm_clean_trims_and_collapses(void **state)
{
	assert_clean("  Golden  Gate \t Bridge ", "Golden Gate Bridge");
	assert_clean("Pier 39\r\nThe Embarcadero\n", "Pier 39 The Embarcadero");
	assert_clean("a\v\fb", "a b");
	assert_clean("Coit Tower", "Coit Tower");
}

static void
norm_clean_unicode_spaces(void **state)
{
	/* U+00A0, U+2003 EM SPACE, U+3000, U+2028 LINE SEPARATOR, U+0085. */
	assert_clean("\xc2\xa0"
	             "Ferry\xc2\xa0\xc2\xa0 Building\xc2\xa0",
	             "Ferry Building");
	assert_clean("a\xe2\x80\x83"
	             "b\xe3\x80\x80"
	             "c\xe2\x80\xa8"
	             "d\xc2\x85"
	             "e",
	             "a b c d e");
}

static void
norm_clean_keeps_other_text(void **state)
{
	assert_clean("Caf\xc3\xa9   \xc3\x9c", "Caf\xc3\xa9 \xc3\x9c");
	assert_clean("Nabila\xe2\x80\x99s", "Nabila\xe2\x80\x99s");

	/* U+200B ZERO WIDTH SPACE is a format character, not white space. */
	assert_clean("a\xe2\x80\x8b"
	             "b",
	             "a\xe2\x80\x8b"
	             "b");

	/* Invalid bytes are copied unchanged. */
	assert_clean(" a\xff  \xc3 b ", "a\xff \xc3 b");
}

static void
norm_clean_empty_and_blank(void **state)
{
	assert_clean("", "");
	assert_clean(" \t\r\n\xc2\xa0 ", "");
}

static void
norm_match_lowercases_ascii(void **state)
{
	assert_match("Golden Gate BRIDGE", "golden gate bridge");
	assert_match("Pier 39", "pier 39");
}

static void
norm_match_strips_accents(void **state)
{
	assert_match("Caf\xc3\xa9", "cafe");
	assert_match("\xc3\x9c", "u");
	assert_match("Deniz Gamze Erg\xc3\xbcven", "deniz gamze erguven");
	assert_match("Mart\xc3\xadn Zimmerman", "martin zimmerman");

	/* e followed by U+0301 COMBINING ACUTE ACCENT. */
	assert_match("Cafe\xcc\x81", "cafe");
}

static void
norm_match_folds_case(void **state)
{
	assert_match("Stra\xc3\x9f"
	             "e",
	             "strasse");
	assert_match("\xc3\x9f", "ss");

	/* U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE. */
	assert_match("\xc4\xb0stanbul", "istanbul");

	/* U+03A3 GREEK CAPITAL LETTER SIGMA. */
	assert_match("\xce\xa3", "\xcf\x83");
}

static void
norm_match_compat_forms(void **state)
{
	/* U+FB01 LATIN SMALL LIGATURE FI. */
	assert_match("\xef\xac\x81lm", "film");

	/* Fullwidth "SF" and U+2460 CIRCLED DIGIT ONE. */
	assert_match("\xef\xbc\xb3\xef\xbc\xa6 \xe2\x91\xa0", "sf 1");

	/* U+00BD VULGAR FRACTION ONE HALF becomes 1, U+2044, 2. */
	assert_match("\xc2\xbd", "1 2");
}

static void
norm_match_drops_apostrophes(void **state)
{
	assert_match("Nabila\xe2\x80\x99s Health Foods",
	             "nabilas health foods");
	assert_match("Nabila's", "nabilas");
	assert_match("'Round Midnight'", "round midnight");

	/* U+FF07 FULLWIDTH APOSTROPHE decomposes to '. */
	assert_match("Nabila\xef\xbc\x87s", "nabilas");

	/* U+2018 LEFT SINGLE QUOTATION MARK is punctuation. */
	assert_match("\xe2\x80\x98Nabila", "nabila");
}

static void
norm_match_drops_ignorables(void **state)
{
	/* U+00AD SOFT HYPHEN and U+200B ZERO WIDTH SPACE. */
	assert_match("Embar\xc2\xad"
	             "cadero",
	             "embarcadero");
	assert_match("Coit\xe2\x80\x8bTower", "coittower");
}

static void
norm_match_splits_on_punctuation(void **state)
{
	assert_match("Blindspotting (Season 2)", "blindspotting season 2");
	assert_match("Blindspotting Season 2", "blindspotting season 2");
	assert_match("Goodbye, Mr.Chips", "goodbye mr chips");
	assert_match("Hamburger Haven \xe2\x80\x93 800 Clement St.",
	             "hamburger haven 800 clement st");
	assert_match("AT&T Stadium", "at t stadium");
	assert_match("Oded Binnun/ Michel Brezis", "oded binnun michel brezis");
	assert_match("\xe2\x80\x9cThe Rock\xe2\x80\x9d", "the rock");
	assert_match("Ling-Hui Chen", "ling hui chen");
	assert_match("a\xc2\xa0\xc2\xa0"
	             "b\te",
	             "a b e");
	assert_match("#1 $2 @3 +4 ~5", "1 2 3 4 5");
}

static void
norm_match_keeps_other_letters(void **state)
{
	/* L with stroke has no decomposition, so only the acute goes. */
	assert_match("\xc5\x81\xc3\xb3\x64\xc5\xba", "\xc5\x82odz");
	assert_match("\xc3\x98resund", "\xc3\xb8resund");
	assert_match("\xe6\x97\xa7\xe9\x87\x91\xe5\xb1\xb1",
	             "\xe6\x97\xa7\xe9\x87\x91\xe5\xb1\xb1");

	/* U+FDFA decomposes to 18 codepoints, four Arabic words. */
	assert_match("\xef\xb7\xba", "\xd8\xb5\xd9\x84\xd9\x89 "
	                             "\xd8\xa7\xd9\x84\xd9\x84\xd9\x87 "
	                             "\xd8\xb9\xd9\x84\xd9\x8a\xd9\x87 "
	                             "\xd9\x88\xd8\xb3\xd9\x84\xd9\x85");
}

static void
norm_match_empty_and_blank(void **state)
{
	assert_match("", "");
	assert_match(" \t\r\n", "");
	assert_match("\xc2\xa0 - & () ., / ' \xe2\x80\x99", "");
}

static void
norm_match_appends(void **state)
{
	core_buf out = {NULL, 0, 0};

	assert_int_equal(core_buf_append(&out, "prefix|", 7), 0);
	assert_int_equal(core_norm_match(&out, " (Caf\xc3\xa9) ", 9), 0);
	assert_string_equal(out.data, "prefix|cafe");

	assert_int_equal(core_norm_match(&out, " ", 1), 0);
	assert_int_equal(out.len, 11);
	core_buf_free(&out);
}

static void
norm_match_rejects_invalid_utf8(void **state)
{
	static const char *const bad[] = {
	    "\xff",             /* never valid */
	    "\x80",             /* lone continuation byte */
	    "\xc0\xaf",         /* overlong '/' */
	    "\xe0\x80\xaf",     /* overlong '/' */
	    "\xed\xa0\x80",     /* surrogate U+D800 */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	    "Caf\xc3",          /* truncated at the end */
	    "Caf\xc3(",         /* bad continuation byte */
	};
	core_buf out = {NULL, 0, 0};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		core_buf_reset(&out);
		assert_int_equal(core_buf_append(&out, "kept", 4), 0);
		assert_int_equal(core_norm_match(&out, bad[i], strlen(bad[i])),
		                 CORE_EUTF8);
		assert_int_equal(out.len, 4);
		assert_string_equal(out.data, "kept");
	}

	/* Tokens before the invalid byte are removed too. */
	core_buf_reset(&out);
	assert_int_equal(core_norm_match(&out, "Pier 39 \xff", 9), CORE_EUTF8);
	assert_int_equal(out.len, 0);
	core_buf_free(&out);
}

static void
norm_match_long_input(void **state)
{
	static const char unit[] = "Caf\xc3\xa9, \xc3\x9c-Bahn ";
	static const char expected[] = "cafe u bahn";
	enum { REPEAT = 20000 };
	core_buf in = {NULL, 0, 0};
	core_buf out = {NULL, 0, 0};
	size_t i;

	for (i = 0; i < REPEAT; i++) {
		assert_int_equal(core_buf_append(&in, unit, strlen(unit)), 0);
	}
	assert_int_equal(core_norm_match(&out, in.data, in.len), 0);

	assert_int_equal(out.len, REPEAT * (strlen(expected) + 1) - 1);
	for (i = 0; i < REPEAT; i++) {
		assert_memory_equal(out.data + i * (strlen(expected) + 1),
		                    expected, strlen(expected));
	}

	/* One token of 100000 letters stays one token. */
	core_buf_reset(&in);
	core_buf_reset(&out);
	for (i = 0; i < 100000; i++) {
		assert_int_equal(core_buf_putc(&in, 'Q'), 0);
	}
	assert_int_equal(core_norm_match(&out, in.data, in.len), 0);
	assert_int_equal(out.len, 100000);
	assert_int_equal(out.data[0], 'q');
	assert_int_equal(out.data[99999], 'q');
	assert_null(strchr(out.data, ' '));

	core_buf_free(&in);
	core_buf_free(&out);
}

static void
norm_match_every_codepoint(void **state)
{
	core_buf out = {NULL, 0, 0};
	utf8proc_uint8_t utf8[4];
	utf8proc_ssize_t n;
	utf8proc_int32_t cp;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff) {
			continue;
		}
		n = utf8proc_encode_char(cp, utf8);
		core_buf_reset(&out);
		if (core_norm_match(&out, (const char *)utf8, (size_t)n) != 0) {
			fail_msg("U+%04X was rejected", (unsigned)cp);
		}
		if (check_match_form(out.data, out.len) != 0) {
			fail_msg("U+%04X gave a malformed result",
			         (unsigned)cp);
		}
	}
	core_buf_free(&out);
}

static void
norm_match_real_file(void **state)
{
	core_buf out = {NULL, 0, 0};
	size_t len;
	char *data = read_data_file(DATA_FILE, &len);
	const char *line = data;
	const char *end;
	size_t lines = 0;
	size_t i;

	while (line < data + len) {
		end = memchr(line, '\n', (size_t)(data + len - line));
		assert_non_null(end);
		lines++;

		core_buf_reset(&out);
		assert_int_equal(
		    core_norm_match(&out, line, (size_t)(end - line)), 0);
		assert_int_equal(check_match_form(out.data, out.len), 0);

		/* Every non-ASCII character in this file maps to ASCII. */
		for (i = 0; i < out.len; i++) {
			assert_true(
			    (out.data[i] >= 'a' && out.data[i] <= 'z') ||
			    (out.data[i] >= '0' && out.data[i] <= '9') ||
			    out.data[i] == ' ');
		}

		if (lines == 101) {
			assert_prefix(
			    out.data,
			    "contagion 2011 nabilas health foods 559 hayes "
			    "street the keres corporation ");
		}
		if (lines == 257) {
			assert_prefix(
			    out.data,
			    "outerlands 2025 hamburger haven 800 clement st "
			    "vajra films llc ");
		}
		if (lines == 251) {
			assert_non_null(
			    strstr(out.data, " deniz gamze erguven "));
		}
		line = end + 1;
	}
	assert_int_equal(lines, 2215);

	free(data);
	core_buf_free(&out);
}

static void
norm_split_commas_and_ampersand(void **state)
{
	names ns;

	split(&ns, "Umarji Anuradha, Jayendra, Aarthi Sriram, & Suba ");
	assert_int_equal(ns.n, 4);
	assert_string_equal(ns.text[0], "Umarji Anuradha");
	assert_string_equal(ns.text[1], "Jayendra");
	assert_string_equal(ns.text[2], "Aarthi Sriram");
	assert_string_equal(ns.text[3], "Suba");

	split(&ns, "Blaine Chiappetta ,Marguerite Henry");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.text[0], "Blaine Chiappetta");
	assert_string_equal(ns.text[1], "Marguerite Henry");

	split(&ns, "Michael Golamco, Randall Park, Ali Wong");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.text[0], "Michael Golamco");
	assert_string_equal(ns.text[1], "Randall Park");
	assert_string_equal(ns.text[2], "Ali Wong");
}

static void
norm_split_semicolon_and_slash(void **state)
{
	names ns;

	split(&ns, "Oded Binnun/ Michel Brezis; Jon Lucas");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.text[0], "Oded Binnun");
	assert_string_equal(ns.text[1], "Michel Brezis");
	assert_string_equal(ns.text[2], "Jon Lucas");
}

static void
norm_split_word_and(void **state)
{
	names ns;

	split(&ns, "Alexandra Cunningham and Kem Nunn");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.text[0], "Alexandra Cunningham");
	assert_string_equal(ns.text[1], "Kem Nunn");

	split(&ns, "Brad Anderson AND Sandy Andrews,and Band");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.text[0], "Brad Anderson");
	assert_string_equal(ns.text[1], "Sandy Andrews");
	assert_string_equal(ns.text[2], "Band");

	/* "and" at either end leaves an empty piece, which is skipped. */
	split(&ns, "and Anderson and");
	assert_int_equal(ns.n, 1);
	assert_string_equal(ns.text[0], "Anderson");
}

static void
norm_split_keeps_suffix(void **state)
{
	names ns;

	split(&ns, "Freddie Prinze, Jr.");
	assert_int_equal(ns.n, 1);
	assert_string_equal(ns.text[0], "Freddie Prinze, Jr.");

	split(&ns, "Robert Downey, Jr., Cuba Gooding, jr & Joseph Loeb, III");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.text[0], "Robert Downey, Jr.");
	assert_string_equal(ns.text[1], "Cuba Gooding, jr");
	assert_string_equal(ns.text[2], "Joseph Loeb, III");

	split(&ns, "Clifton Collins Jr.");
	assert_int_equal(ns.n, 1);
	assert_string_equal(ns.text[0], "Clifton Collins Jr.");

	/* A suffix joins only after a comma and only to a name. */
	split(&ns, "Jr., Sam Miller & Sr.");
	assert_int_equal(ns.n, 3);
	assert_string_equal(ns.text[0], "Jr.");
	assert_string_equal(ns.text[1], "Sam Miller");
	assert_string_equal(ns.text[2], "Sr.");

	/* Only the exact suffix joins, not a name that starts with one. */
	split(&ns, "Sam Miller, Jrn Smith");
	assert_int_equal(ns.n, 2);
}

static void
norm_split_cleans_names(void **state)
{
	names ns;

	split(&ns, "  Jean\tLoup  Dabadie &\xc2\xa0Yves\r\nRobert\xc2\xa0, ");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.text[0], "Jean Loup Dabadie");
	assert_string_equal(ns.text[1], "Yves Robert");

	split(&ns, "Deniz Gamze Erg\xc3\xbcven , Mart\xc3\xadn Zimmerman");
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.text[0], "Deniz Gamze Erg\xc3\xbcven");
	assert_string_equal(ns.text[1], "Mart\xc3\xadn Zimmerman");
}

static void
norm_split_empty_and_blank(void **state)
{
	names ns;

	split(&ns, "");
	assert_int_equal(ns.n, 0);

	split(&ns, " , & ; / and \xc2\xa0, ");
	assert_int_equal(ns.n, 0);
}

static void
norm_split_stops_on_callback(void **state)
{
	static const char s[] = "Jon Lucas, Scott Moore, Ali Wong";
	names ns;

	memset(&ns, 0, sizeof(ns));
	ns.stop_after = 2;
	assert_int_equal(
	    core_norm_split_people(s, strlen(s), collect_name, &ns), 7);
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.text[1], "Scott Moore");
}

static int
check_real_name(void *arg, const char *name, size_t len)
{
	size_t *count = arg;
	size_t i;

	assert_true(len > 0);
	assert_true(name[0] != ' ');
	assert_true(name[len - 1] != ' ');
	for (i = 0; i < len; i++) {
		assert_true(name[i] != '&' && name[i] != ';' && name[i] != '/');
		assert_false(name[i] == ' ' && i + 1 < len &&
		             name[i + 1] == ' ');
	}
	(*count)++;
	return 0;
}

static void
norm_split_real_file(void **state)
{
	core_buf field = {NULL, 0, 0};
	size_t len;
	char *data = read_data_file(DATA_FILE, &len);
	const char *line;
	const char *end;
	size_t count = 0;
	size_t column;
	names ns;

	/* Skip the header line. */
	line = (const char *)memchr(data, '\n', len) + 1;
	while (line < data + len) {
		end = memchr(line, '\n', (size_t)(data + len - line));
		assert_non_null(end);
		for (column = PEOPLE_FIRST; column <= PEOPLE_LAST; column++) {
			csv_field(line, (size_t)(end - line), column, &field);
			assert_int_equal(
			    core_norm_split_people(field.data, field.len,
			                           check_real_name, &count),
			    0);
		}
		line = end + 1;
	}

	/* Counted with a Python version of the same rules: 10485 fields. */
	assert_int_equal(count, 11937);

	/* The Writer column of line 302. */
	line = data;
	for (count = 1; count < 302; count++) {
		line = strchr(line, '\n') + 1;
	}
	end = strchr(line, '\n');
	csv_field(line, (size_t)(end - line), 7, &field);
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(
	    core_norm_split_people(field.data, field.len, collect_name, &ns),
	    0);
	assert_int_equal(ns.n, 9);
	assert_string_equal(ns.text[2], "Rafael Casal");
	assert_string_equal(ns.text[3], "Daveed Diggs");
	assert_string_equal(ns.text[8], "Susan Park");

	free(data);
	core_buf_free(&field);
}

static void
norm_distance_equal(void **state)
{
	assert_int_equal(core_norm_distance("kitten", 6, "kitten", 6, 0), 0);
	assert_int_equal(core_norm_distance("kitten", 6, "kitten", 6, 2), 0);
	assert_int_equal(core_norm_distance("", 0, "", 0, 0), 0);
}

static void
norm_distance_bounds(void **state)
{
	/* kitten -> sitting takes 3 edits. */
	assert_int_equal(core_norm_distance("kitten", 6, "sitting", 7, 0), 1);
	assert_int_equal(core_norm_distance("kitten", 6, "sitting", 7, 1), 2);
	assert_int_equal(core_norm_distance("kitten", 6, "sitting", 7, 2), 3);
	assert_int_equal(core_norm_distance("kitten", 6, "sitting", 7, 3), 3);
	assert_int_equal(core_norm_distance("sitting", 7, "kitten", 6, 9), 3);

	assert_int_equal(core_norm_distance("abc", 3, "abd", 3, 0), 1);
	assert_int_equal(core_norm_distance("abc", 3, "abd", 3, 1), 1);
	assert_int_equal(core_norm_distance("abc", 3, "xyz", 3, 1), 2);
	assert_int_equal(core_norm_distance("abc", 3, "xyz", 3, 2), 3);
	assert_int_equal(core_norm_distance("flaw", 4, "lawn", 4, 2), 2);
	assert_int_equal(core_norm_distance("flaw", 4, "lawn", 4, 1), 2);
	assert_int_equal(core_norm_distance("mission", 7, "misson", 6, 1), 1);
}

static void
norm_distance_empty(void **state)
{
	assert_int_equal(core_norm_distance("", 0, "abc", 3, 0), 1);
	assert_int_equal(core_norm_distance("", 0, "abc", 3, 2), 3);
	assert_int_equal(core_norm_distance("abc", 3, "", 0, 3), 3);
	assert_int_equal(core_norm_distance("abc", 3, "", 0, UINT_MAX), 3);
}

/* Plain Levenshtein has no transposition step, so a swap costs 2. */
static void
norm_distance_transposition_costs_two(void **state)
{
	assert_int_equal(core_norm_distance("ab", 2, "ba", 2, 1), 2);
	assert_int_equal(core_norm_distance("ab", 2, "ba", 2, 2), 2);
	assert_int_equal(core_norm_distance("coit", 4, "ciot", 4, 2), 2);
}

static void
norm_distance_counts_bytes(void **state)
{
	/* e to U+00E9 is one substitution and one insertion of a byte. */
	assert_int_equal(core_norm_distance("cafe", 4, "caf\xc3\xa9", 5, 2), 2);
	assert_int_equal(core_norm_distance("cafe", 4, "caf\xc3\xa9", 5, 1), 2);
}

static void
norm_distance_long(void **state)
{
	char a[200];
	char b[200];
	char c[100];

	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[10] = 'y';
	b[100] = 'y';
	b[190] = 'y';
	assert_int_equal(core_norm_distance(a, 200, b, 200, 3), 3);
	assert_int_equal(core_norm_distance(a, 200, b, 200, 2), 3);
	assert_int_equal(core_norm_distance(a, 200, b, 200, 0), 1);
	assert_int_equal(core_norm_distance(a, 200, b, 200, UINT_MAX), 3);

	/* 100 deletions at the end of a. */
	assert_int_equal(core_norm_distance(a, 200, a, 100, 150), 100);
	assert_int_equal(core_norm_distance(a, 200, a, 100, 99), 100);

	memset(c, 'z', sizeof(c));
	assert_int_equal(core_norm_distance(a, 100, c, 100, 200), 100);
	assert_int_equal(core_norm_distance(a, 100, c, 100, 5), 6);
}

/* Computes the full Levenshtein matrix, without bounds or shortcuts. */
static unsigned
reference_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned *d = malloc((alen + 1) * (blen + 1) * sizeof(*d));
	unsigned v;
	size_t i;
	size_t j;

	assert_non_null(d);
	for (i = 0; i <= alen; i++) {
		for (j = 0; j <= blen; j++) {
			if (i == 0 || j == 0) {
				d[i * (blen + 1) + j] = (unsigned)(i + j);
				continue;
			}
			v = d[(i - 1) * (blen + 1) + j - 1] +
			    (a[i - 1] != b[j - 1]);
			if (d[(i - 1) * (blen + 1) + j] + 1 < v) {
				v = d[(i - 1) * (blen + 1) + j] + 1;
			}
			if (d[i * (blen + 1) + j - 1] + 1 < v) {
				v = d[i * (blen + 1) + j - 1] + 1;
			}
			d[i * (blen + 1) + j] = v;
		}
	}
	v = d[alen * (blen + 1) + blen];
	free(d);
	return v;
}

/* Compares with the full matrix on pairs of real location strings. */
static void
norm_distance_matches_reference(void **state)
{
	static const unsigned maxes[] = {0, 1, 2, 5, 100};
	enum { LOCATIONS = 150, LOCATION_COLUMN = 2 };
	core_buf fields[LOCATIONS];
	size_t len;
	char *data = read_data_file(DATA_FILE, &len);
	const char *line;
	const char *end;
	size_t i;
	size_t j;
	size_t k;
	unsigned full;
	unsigned want;

	line = (const char *)memchr(data, '\n', len) + 1;
	for (i = 0; i < LOCATIONS; i++) {
		end = strchr(line, '\n');
		fields[i] = (core_buf){NULL, 0, 0};
		csv_field(line, (size_t)(end - line), LOCATION_COLUMN,
		          &fields[i]);
		line = end + 1;
	}

	for (i = 0; i < LOCATIONS; i++) {
		for (j = i; j < LOCATIONS; j++) {
			full =
			    reference_distance(fields[i].data, fields[i].len,
			                       fields[j].data, fields[j].len);
			for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
				want = full <= maxes[k] ? full : maxes[k] + 1;
				assert_int_equal(
				    core_norm_distance(fields[i].data,
				                       fields[i].len,
				                       fields[j].data,
				                       fields[j].len, maxes[k]),
				    want);
			}
		}
	}

	for (i = 0; i < LOCATIONS; i++) {
		core_buf_free(&fields[i]);
	}
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(norm_clean_trims_and_collapses),
	    cmocka_unit_test(norm_clean_unicode_spaces),
	    cmocka_unit_test(norm_clean_keeps_other_text),
	    cmocka_unit_test(norm_clean_empty_and_blank),
	    cmocka_unit_test(norm_match_lowercases_ascii),
	    cmocka_unit_test(norm_match_strips_accents),
	    cmocka_unit_test(norm_match_folds_case),
	    cmocka_unit_test(norm_match_compat_forms),
	    cmocka_unit_test(norm_match_drops_apostrophes),
	    cmocka_unit_test(norm_match_drops_ignorables),
	    cmocka_unit_test(norm_match_splits_on_punctuation),
	    cmocka_unit_test(norm_match_keeps_other_letters),
	    cmocka_unit_test(norm_match_empty_and_blank),
	    cmocka_unit_test(norm_match_appends),
	    cmocka_unit_test(norm_match_rejects_invalid_utf8),
	    cmocka_unit_test(norm_match_long_input),
	    cmocka_unit_test(norm_match_every_codepoint),
	    cmocka_unit_test(norm_match_real_file),
	    cmocka_unit_test(norm_split_commas_and_ampersand),
	    cmocka_unit_test(norm_split_semicolon_and_slash),
	    cmocka_unit_test(norm_split_word_and),
	    cmocka_unit_test(norm_split_keeps_suffix),
	    cmocka_unit_test(norm_split_cleans_names),
	    cmocka_unit_test(norm_split_empty_and_blank),
	    cmocka_unit_test(norm_split_stops_on_callback),
	    cmocka_unit_test(norm_split_real_file),
	    cmocka_unit_test(norm_distance_equal),
	    cmocka_unit_test(norm_distance_bounds),
	    cmocka_unit_test(norm_distance_empty),
	    cmocka_unit_test(norm_distance_transposition_costs_two),
	    cmocka_unit_test(norm_distance_counts_bytes),
	    cmocka_unit_test(norm_distance_long),
	    cmocka_unit_test(norm_distance_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
