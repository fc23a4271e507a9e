/*
 * Tests of the CSV reader: each RFC 4180 quirk and tolerance on small inline
 * inputs, then the real DataSF exports read from $SFMOVIES_DATA_DIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_csv.h"
#include "core_err.h"

/* Opens a reader over the first len bytes of s. */
static core_csv *
open_bytes(const char *s, size_t len)
{
	core_csv *r = NULL;

	assert_int_equal(core_csv_open(&r, s, len), 0);
	assert_non_null(r);
	return r;
}

static core_csv *
open_str(const char *s)
{
	return open_bytes(s, strlen(s));
}

/* Reads the next record and checks that it starts on line and has nfields. */
static void
expect_record(core_csv *r, core_csv_record *rec, size_t line, size_t nfields)
{
	assert_int_equal(core_csv_next(r, rec), 1);
	assert_int_equal(rec->line, line);
	assert_int_equal(rec->nfields, nfields);
}

static void
expect_field(const core_csv_record *rec, size_t i, const char *want)
{
	char *got;

	assert_true(i < rec->nfields);
	got = malloc(rec->fields[i].len + 1);
	assert_non_null(got);
	memcpy(got, rec->fields[i].ptr, rec->fields[i].len);
	got[rec->fields[i].len] = '\0';
	assert_string_equal(got, want);
	assert_int_equal(rec->fields[i].len, strlen(want));
	free(got);
}

static void
expect_error(core_csv *r, int err, const char *message)
{
	core_csv_record rec;

	assert_int_equal(core_csv_next(r, &rec), err);
	assert_string_equal(core_csv_error(r), message);
}

static void
expect_end(core_csv *r)
{
	core_csv_record rec;

	assert_int_equal(core_csv_next(r, &rec), 0);
	assert_int_equal(core_csv_next(r, &rec), 0);
}

static void
csv_simple_records(void **state)
{
	core_csv *r = open_str("a,b,c\n1,2,3\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 3);
	expect_field(&rec, 0, "a");
	expect_field(&rec, 1, "b");
	expect_field(&rec, 2, "c");
	expect_record(r, &rec, 2, 3);
	expect_field(&rec, 0, "1");
	expect_field(&rec, 2, "3");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_crlf_endings(void **state)
{
	core_csv *r = open_str("a,b\r\nc,d\r\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 1, "b");
	expect_record(r, &rec, 2, 2);
	expect_field(&rec, 0, "c");
	expect_field(&rec, 1, "d");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_cr_endings(void **state)
{
	core_csv *r = open_str("a,b\rc,d\re");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 1, "b");
	expect_record(r, &rec, 2, 2);
	expect_field(&rec, 1, "d");
	expect_record(r, &rec, 3, 1);
	expect_field(&rec, 0, "e");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_mixed_endings(void **state)
{
	core_csv *r = open_str("a\r\nb\nc\rd\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 1);
	expect_field(&rec, 0, "a");
	expect_record(r, &rec, 2, 1);
	expect_field(&rec, 0, "b");
	expect_record(r, &rec, 3, 1);
	expect_field(&rec, 0, "c");
	expect_record(r, &rec, 4, 1);
	expect_field(&rec, 0, "d");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_bom_skipped(void **state)
{
	core_csv *r = open_str("\xEF\xBB\xBFTitle,Year\nx,\xEF\xBB\xBF\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 0, "Title");
	expect_field(&rec, 1, "Year");

	/* Only a mark at the very start is skipped. Later it is content. */
	expect_record(r, &rec, 2, 2);
	expect_field(&rec, 1, "\xEF\xBB\xBF");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_bom_counts_in_column(void **state)
{
	core_csv *r = open_str("\xEF\xBB\xBF"
	                       "a\x80\n");

	expect_error(r, CORE_EUTF8, "invalid UTF-8 at line 1, column 5");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_quoted_comma(void **state)
{
	core_csv *r = open_str("\"Goodbye, Mr.Chips\",\"a,b,c\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 0, "Goodbye, Mr.Chips");
	expect_field(&rec, 1, "a,b,c");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_doubled_quotes(void **state)
{
	core_csv *r = open_str("\"Looking \"\"Special\"\"\",\"\"\"\"\n"
	                       "\"\"\"a\"\"\"\"b\"\"\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 0, "Looking \"Special\"");
	expect_field(&rec, 1, "\"");
	expect_record(r, &rec, 2, 1);
	expect_field(&rec, 0, "\"a\"\"b\"");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_embedded_newline(void **state)
{
	core_csv *r = open_str("\"a\nb\",x\n"
	                       "\"c\r\nd\",y\r\n"
	                       "\"e\rf\",z\r"
	                       "\"\n\n\"\n"
	                       "last\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_field(&rec, 0, "a\nb");
	expect_field(&rec, 1, "x");
	expect_record(r, &rec, 3, 2);
	expect_field(&rec, 0, "c\r\nd");
	expect_field(&rec, 1, "y");
	expect_record(r, &rec, 5, 2);
	expect_field(&rec, 0, "e\rf");
	expect_field(&rec, 1, "z");
	expect_record(r, &rec, 7, 1);
	expect_field(&rec, 0, "\n\n");
	expect_record(r, &rec, 10, 1);
	expect_field(&rec, 0, "last");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_blank_lines_skipped(void **state)
{
	core_csv *r = open_str("\n\na\n\r\n\r\rb\n\n");
	core_csv_record rec;

	expect_record(r, &rec, 3, 1);
	expect_field(&rec, 0, "a");
	expect_record(r, &rec, 7, 1);
	expect_field(&rec, 0, "b");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_no_final_newline(void **state)
{
	core_csv *r = open_str("a,b\nc,\"d\"");
	core_csv_record rec;

	expect_record(r, &rec, 1, 2);
	expect_record(r, &rec, 2, 2);
	expect_field(&rec, 0, "c");
	expect_field(&rec, 1, "d");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_empty_fields(void **state)
{
	core_csv *r = open_str(",,\n\"\",a,\n\"\"\nb,");
	core_csv_record rec;

	expect_record(r, &rec, 1, 3);
	expect_field(&rec, 0, "");
	expect_field(&rec, 1, "");
	expect_field(&rec, 2, "");
	expect_record(r, &rec, 2, 3);
	expect_field(&rec, 0, "");
	expect_field(&rec, 1, "a");
	expect_field(&rec, 2, "");

	/* A quoted empty field makes a record, unlike a blank line. */
	expect_record(r, &rec, 3, 1);
	expect_field(&rec, 0, "");
	expect_record(r, &rec, 4, 2);
	expect_field(&rec, 0, "b");
	expect_field(&rec, 1, "");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_quote_in_plain_field(void **state)
{
	core_csv *r = open_str("5\" floppy,a\"b\", \"c\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 3);
	expect_field(&rec, 0, "5\" floppy");
	expect_field(&rec, 1, "a\"b\"");
	expect_field(&rec, 2, " \"c\"");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_text_after_quote(void **state)
{
	core_csv *r = open_str("\"a\"b,\"c\" ,\"d\"\"\"e\"f\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 3);
	expect_field(&rec, 0, "ab");
	expect_field(&rec, 1, "c ");
	expect_field(&rec, 2, "d\"e\"f\"");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_utf8_valid(void **state)
{
	/* Two-, three- and four-byte forms, including the largest code point
	 * U+10FFFF and the noncharacter U+FFFF, which UTF-8 allows. */
	core_csv *r = open_str("Atlas Caf\xC3\xA9,Hamburger Haven \xE2\x80\x93,"
	                       "\xF0\x9F\x8E\xAC,\xF4\x8F\xBF\xBF,\xEF\xBF\xBF,"
	                       "\"Nabila\xE2\x80\x99s\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 6);
	expect_field(&rec, 0, "Atlas Caf\xC3\xA9");
	expect_field(&rec, 1, "Hamburger Haven \xE2\x80\x93");
	expect_field(&rec, 2, "\xF0\x9F\x8E\xAC");
	expect_field(&rec, 3, "\xF4\x8F\xBF\xBF");
	expect_field(&rec, 4, "\xEF\xBF\xBF");
	expect_field(&rec, 5, "Nabila\xE2\x80\x99s");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_utf8_invalid(void **state)
{
	static const struct {
		const char *bytes;
		const char *message;
	} cases[] = {
	    {"\xC0\x80", "invalid UTF-8 at line 2, column 4"}, /* overlong */
	    {"\xC1\xBF", "invalid UTF-8 at line 2, column 4"}, /* overlong */
	    {"\xE0\x80\xAF",
	     "invalid UTF-8 at line 2, column 4"}, /* overlong */
	    {"\xF0\x80\x80\xAF", "invalid UTF-8 at line 2, column 4"},
	    {"\xED\xA0\x80", "invalid UTF-8 at line 2, column 4"}, /* U+D800 */
	    {"\xED\xBF\xBF", "invalid UTF-8 at line 2, column 4"}, /* U+DFFF */
	    {"\xF4\x90\x80\x80", "invalid UTF-8 at line 2, column 4"},
	    {"\xF5\x80\x80\x80", "invalid UTF-8 at line 2, column 4"},
	    {"\xFF", "invalid UTF-8 at line 2, column 4"},
	    {"\x80", "invalid UTF-8 at line 2, column 4"},     /* stray */
	    {"\xE2\x82", "invalid UTF-8 at line 2, column 4"}, /* truncated */
	    {"\xC3", "invalid UTF-8 at line 2, column 4"},     /* truncated */
	    {"\xC3\xA9\xC3", "invalid UTF-8 at line 2, column 6"},
	};
	char input[64];
	core_csv *r;
	core_csv_record rec;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(input, sizeof(input), "head\nab,%sz,\"q\"\nnext\n",
		         cases[i].bytes);
		r = open_str(input);

		expect_record(r, &rec, 1, 1);
		expect_error(r, CORE_EUTF8, cases[i].message);
		expect_record(r, &rec, 3, 1);
		expect_field(&rec, 0, "next");
		expect_end(r);
		core_csv_free(r);
	}
}

static void
csv_utf8_truncated_at_end(void **state)
{
	core_csv *r = open_str("a\nb\xE2\x82");

	core_csv_record rec;

	expect_record(r, &rec, 1, 1);
	expect_error(r, CORE_EUTF8, "invalid UTF-8 at line 2, column 2");
	expect_end(r);
	core_csv_free(r);

	/* A closing quote cuts the sequence short as well. */
	r = open_str("\"\xE2\x82\",x\nnext\n");
	expect_error(r, CORE_EUTF8, "invalid UTF-8 at line 1, column 2");
	expect_record(r, &rec, 2, 1);
	expect_field(&rec, 0, "next");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_utf8_error_in_multiline_field(void **state)
{
	/* The bad byte is on the second line of a quoted field, and the
	 * record goes on past a later line break and a quoted comma. */
	core_csv *r = open_str("h\n"
	                       "\"first\nsec\xFFond\n\xFEthird\",\"x,\ny\"\n"
	                       "next\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 1);
	expect_error(r, CORE_EUTF8, "invalid UTF-8 at line 3, column 4");
	expect_record(r, &rec, 6, 1);
	expect_field(&rec, 0, "next");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_unterminated_quote(void **state)
{
	core_csv *r = open_str("a\nb,\"open\nmore,\"\"\n");
	core_csv_record rec;

	expect_record(r, &rec, 1, 1);
	expect_error(r, CORE_ESYNTAX, "unterminated quote at line 2, column 3");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_unterminated_after_error(void **state)
{
	/* The unterminated quote explains why the input ended, so it is the
	 * error reported even after invalid UTF-8 in the same record. */
	core_csv *r = open_str("\xFF,\"abc\"\"");

	expect_error(r, CORE_ESYNTAX, "unterminated quote at line 1, column 3");
	expect_end(r);
	core_csv_free(r);
}

static void
csv_too_many_fields(void **state)
{
	size_t max = CORE_CSV_MAX_FIELDS;
	char *input;
	char *p;
	char message[64];
	core_csv *r;
	core_csv_record rec;

	/* Line 1 has max fields and line 2 one more, all empty. */
	input = malloc(2 * max + 16);
	assert_non_null(input);
	p = input;
	memset(p, ',', max - 1);
	p += max - 1;
	*p++ = '\n';
	memset(p, ',', max);
	p += max;
	strcpy(p, "\nnext\n");

	r = open_str(input);
	expect_record(r, &rec, 1, max);
	expect_field(&rec, max - 1, "");
	snprintf(message, sizeof(message),
	         "more than %zu fields at line 2, column %zu", max, max + 1);
	expect_error(r, CORE_ETOOBIG, message);
	expect_record(r, &rec, 3, 1);
	expect_field(&rec, 0, "next");
	expect_end(r);
	core_csv_free(r);
	free(input);
}

static void
csv_record_too_long(void **state)
{
	size_t max = CORE_CSV_MAX_RECORD;
	char *input;
	char *p;
	char message[80];
	core_csv *r;
	core_csv_record rec;

	/* Line 1 is max bytes, line 2 is max + 1 bytes with the overflow on
	 * its closing quote, and line 3 is max + 1 bytes unquoted. */
	input = malloc(3 * max + 32);
	assert_non_null(input);
	p = input;
	memset(p, 'x', max);
	p += max;
	*p++ = '\n';
	*p++ = '"';
	memset(p, 'y', max - 1);
	p += max - 1;
	*p++ = '"';
	*p++ = '\n';
	memset(p, 'z', max + 1);
	p += max + 1;
	strcpy(p, "\nnext\n");

	r = open_str(input);
	expect_record(r, &rec, 1, 1);
	assert_int_equal(rec.fields[0].len, max);
	snprintf(message, sizeof(message),
	         "record longer than %zu bytes at line 2, column %zu", max,
	         max + 1);
	expect_error(r, CORE_ETOOBIG, message);
	snprintf(message, sizeof(message),
	         "record longer than %zu bytes at line 3, column %zu", max,
	         max + 1);
	expect_error(r, CORE_ETOOBIG, message);
	expect_record(r, &rec, 4, 1);
	expect_field(&rec, 0, "next");
	expect_end(r);
	core_csv_free(r);
	free(input);
}

static void
csv_empty_input(void **state)
{
	core_csv *r;

	r = open_bytes(NULL, 0);
	expect_end(r);
	core_csv_free(r);

	r = open_str("\n\r\n\r");
	expect_end(r);
	core_csv_free(r);

	r = open_str("\xEF\xBB\xBF");
	expect_end(r);
	core_csv_free(r);

	core_csv_free(NULL);
}

/* Reads $SFMOVIES_DATA_DIR/name into memory; the caller frees it. */
static char *
read_data_file(const char *name, size_t *len)
{
	const char *dir = getenv("SFMOVIES_DATA_DIR");
	char path[4096];
	FILE *f;
	char *data;
	long size;

	if (dir == NULL || dir[0] == '\0') {
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

	data = malloc((size_t)size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return data;
}

static int
field_contains(const core_str *field, char c)
{
	return field->len > 0 && memchr(field->ptr, c, field->len) != NULL;
}

static void
csv_real_2026(void **state)
{
	size_t len;
	char *data =
	    read_data_file("film_locations_2026-04_2214rows.csv", &len);
	core_csv *r = open_bytes(data, len);
	core_csv_record rec;
	size_t nrecords = 0;
	size_t nquoted = 0;
	size_t i;
	int rv;

	while ((rv = core_csv_next(r, &rec)) == 1) {
		nrecords++;

		/* The file has no line breaks inside fields. */
		assert_int_equal(rec.line, nrecords);
		assert_int_equal(rec.nfields, 18);
		for (i = 0; i < rec.nfields; i++) {
			nquoted += field_contains(&rec.fields[i], '"');
		}

		switch (rec.line) {
		case 1:
			expect_field(&rec, 0, "Title");
			expect_field(&rec, 17, "data_loaded_at");
			break;
		case 61:
			expect_field(&rec, 0, "Sense8");
			expect_field(&rec, 2,
			             "Atlas Caf\xC3\xA9, 3049 20th St.");
			break;
		case 135:
			expect_field(&rec, 0, "Looking \"Special\"");
			expect_field(&rec, 2, "3079 16th Street");
			expect_field(&rec, 3, "");
			expect_field(&rec, 4,
			             "Mission Street Productions, LLC");
			break;
		case 1883:
			expect_field(&rec, 0, "Goodbye, Mr.Chips");
			expect_field(&rec, 1, "");
			expect_field(&rec, 2, "Hanger 3, Treasure island");
			break;
		case 2215:
			expect_field(&rec, 0, "Dope Queens");
			expect_field(&rec, 9, "Pierson Fod\xC3\xA9");
			expect_field(&rec, 17, "2026/02/20 04:44:43 PM");
			break;
		}
	}
	assert_int_equal(rv, 0);
	assert_int_equal(nrecords, 2215);
	assert_int_equal(nquoted, 53);

	core_csv_free(r);
	free(data);
}

static void
csv_real_2014(void **state)
{
	size_t len;
	char *data =
	    read_data_file("film_locations_2014-11_1151rows.csv", &len);
	core_csv *r = open_bytes(data, len);
	core_csv_record rec;
	size_t nrecords = 0;
	size_t nmultiline = 0;
	size_t i;
	int rv;

	while ((rv = core_csv_next(r, &rec)) == 1) {
		nrecords++;
		assert_int_equal(rec.nfields, 11);
		for (i = 0; i < rec.nfields; i++) {
			nmultiline += field_contains(&rec.fields[i], '\n');
		}

		switch (rec.line) {
		case 1:
			expect_field(&rec, 0, "Title");
			expect_field(&rec, 10, "Actor 3");
			break;
		case 2:
			expect_field(&rec, 0, "180");
			expect_field(
			    &rec, 7,
			    "Umarji Anuradha, Jayendra, Aarthi Sriram, "
			    "& Suba ");
			break;
		case 150:
			assert_int_equal(nrecords, 150);
			expect_field(&rec, 0, "Bullitt");
			expect_field(&rec, 2,
			             "Caf\xC3\xA9 Cantata (2040 Union Street)");
			expect_field(
			    &rec, 4,
			    "Warner Brothers / Seven Arts\nSeven Arts");
			expect_field(&rec, 5, "Warner Brothers");
			break;
		case 152:
			/* The record before spans lines 150 and 151. */
			assert_int_equal(nrecords, 151);
			expect_field(
			    &rec, 2,
			    "Bayshore Blvd near Cesar Chavez (Bayview)");
			break;
		case 1175:
			assert_int_equal(nrecords, 1152);
			expect_field(&rec, 0, "Zodiac");
			expect_field(&rec, 10, "");
			break;
		}
	}
	assert_int_equal(rv, 0);
	assert_int_equal(nrecords, 1152);
	assert_int_equal(nmultiline, 23);

	core_csv_free(r);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(csv_simple_records),
	    cmocka_unit_test(csv_crlf_endings),
	    cmocka_unit_test(csv_cr_endings),
	    cmocka_unit_test(csv_mixed_endings),
	    cmocka_unit_test(csv_bom_skipped),
	    cmocka_unit_test(csv_bom_counts_in_column),
	    cmocka_unit_test(csv_quoted_comma),
	    cmocka_unit_test(csv_doubled_quotes),
	    cmocka_unit_test(csv_embedded_newline),
	    cmocka_unit_test(csv_blank_lines_skipped),
	    cmocka_unit_test(csv_no_final_newline),
	    cmocka_unit_test(csv_empty_fields),
	    cmocka_unit_test(csv_quote_in_plain_field),
	    cmocka_unit_test(csv_text_after_quote),
	    cmocka_unit_test(csv_utf8_valid),
	    cmocka_unit_test(csv_utf8_invalid),
	    cmocka_unit_test(csv_utf8_truncated_at_end),
	    cmocka_unit_test(csv_utf8_error_in_multiline_field),
	    cmocka_unit_test(csv_unterminated_quote),
	    cmocka_unit_test(csv_unterminated_after_error),
	    cmocka_unit_test(csv_too_many_fields),
	    cmocka_unit_test(csv_record_too_long),
	    cmocka_unit_test(csv_empty_input),
	    cmocka_unit_test(csv_real_2026),
	    cmocka_unit_test(csv_real_2014),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
