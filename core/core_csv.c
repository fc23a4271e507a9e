/*
 * RFC 4180 CSV reader.
 *
 * The reader walks the input once. Content bytes are checked as UTF-8 where
 * they are read and copied run by run into one buffer that is reused for
 * every record. After the first error in a record the reader only looks for
 * the end of that record, so the caller can go on with the next one.
 *
 * Beyond RFC 4180 the reader accepts input whose intent is clear. A quote
 * inside an unquoted field is kept as a literal byte. Text between a closing
 * quote and the next comma or line break is appended to the field, so `"a"b`
 * reads as `ab`.
 */
#include "core_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"

struct core_csv {
	const char *data;
	size_t len;
	size_t pos;        /* offset of the next byte to read */
	size_t line;       /* line of data[pos], from 1 */
	size_t line_start; /* offset of the first byte of that line */
	size_t rec_start;  /* offset of the current record's first byte */
	int rv;            /* first error of the current record, or 0 */
	size_t nfields;
	core_buf buf;                     /* unescaped fields, back to back */
	size_t ends[CORE_CSV_MAX_FIELDS]; /* end of each field in buf */
	core_str fields[CORE_CSV_MAX_FIELDS];
	char err[128];
};

/*
 * Returns the length of the UTF-8 sequence at s, or 0 if it is not well
 * formed. The byte ranges are those of table 3-7 in chapter 3 of the Unicode
 * Standard, which exclude overlong forms, surrogates and code points above
 * U+10FFFF.
 */
static size_t
csv_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t n;
	size_t i;

	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		if (s[0] == 0xE0) {
			lo = 0xA0;
		} else if (s[0] == 0xED) {
			hi = 0x9F;
		}
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		if (s[0] == 0xF0) {
			lo = 0x90;
		} else if (s[0] == 0xF4) {
			hi = 0x8F;
		}
	} else {
		return 0;
	}

	if (n > avail) {
		return 0;
	}
	if (s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF) {
			return 0;
		}
	}
	return n;
}

static size_t
csv_column(const core_csv *r, size_t off)
{
	return off - r->line_start + 1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void
csv_fail(core_csv *r, int err, size_t line, size_t column, const char *fmt,
         ...);

/*
 * Records the first error of the current record. Later errors in the same
 * record are ignored, so the message names the first bad byte.
 */
static void
csv_fail(core_csv *r, int err, size_t line, size_t column, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (r->rv != 0) {
		return;
	}
	r->rv = err;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	n = strlen(r->err);
	snprintf(r->err + n, sizeof(r->err) - n, " at line %zu, column %zu",
	         line, column);
}

/*
 * Consumes n bytes of the current record. Every byte of a record up to its
 * line break passes through here, so this is where its size is bounded.
 */
static void
csv_advance(core_csv *r, size_t n)
{
	if (r->pos + n - r->rec_start > CORE_CSV_MAX_RECORD) {
		csv_fail(r, CORE_ETOOBIG, r->line, csv_column(r, r->pos),
		         "record longer than %lu bytes",
		         (unsigned long)CORE_CSV_MAX_RECORD);
	}
	r->pos += n;
}

/* Consumes a CRLF, LF or CR line break at data[pos]. */
static void
csv_newline(core_csv *r, int in_record)
{
	size_t n = 1;

	if (r->data[r->pos] == '\r' && r->pos + 1 < r->len &&
	    r->data[r->pos + 1] == '\n') {
		n = 2;
	}
	if (in_record) {
		csv_advance(r, n);
	} else {
		r->pos += n;
	}
	r->line++;
	r->line_start = r->pos;
}

/* Consumes one character of field content, checking that it is UTF-8. */
static void
csv_char(core_csv *r)
{
	size_t n;

	n = csv_utf8_len((const unsigned char *)r->data + r->pos,
	                 r->len - r->pos);
	if (n == 0) {
		csv_fail(r, CORE_EUTF8, r->line, csv_column(r, r->pos),
		         "invalid UTF-8");
		n = 1;
	}
	csv_advance(r, n);
}

/* Appends the content bytes data[from..to) to the current field. */
static void
csv_emit(core_csv *r, size_t from, size_t to)
{
	if (r->rv != 0 || from == to) {
		return;
	}
	if (core_buf_append(&r->buf, r->data + from, to - from) != 0) {
		csv_fail(r, CORE_ENOMEM, r->line, csv_column(r, r->pos),
		         "out of memory");
	}
}

/* Reads unquoted content up to the next comma, line break or end of input. */
static void
csv_read_plain(core_csv *r)
{
	size_t from = r->pos;
	char c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (c == ',' || c == '\r' || c == '\n') {
			break;
		}
		csv_char(r);
	}
	csv_emit(r, from, r->pos);
}

/*
 * Reads a quoted field that starts at data[pos]. Returns 0, or CORE_ESYNTAX
 * when the input ends before the closing quote.
 */
static int
csv_read_quoted(core_csv *r)
{
	size_t open_line = r->line;
	size_t open_column = csv_column(r, r->pos);
	size_t from;
	char c;

	csv_advance(r, 1);
	from = r->pos;
	for (;;) {
		if (r->pos == r->len) {
			/* This error outranks any earlier one in the record,
			 * because it is why the rest of the input was lost. */
			r->rv = 0;
			csv_fail(r, CORE_ESYNTAX, open_line, open_column,
			         "unterminated quote");
			return CORE_ESYNTAX;
		}

		c = r->data[r->pos];
		if (c == '"') {
			csv_emit(r, from, r->pos);
			csv_advance(r, 1);
			if (r->pos == r->len || r->data[r->pos] != '"') {
				break;
			}
			/* A doubled quote: the second one starts the next
			 * run, so exactly one quote is kept. */
			from = r->pos;
			csv_advance(r, 1);
		} else if (c == '\r' || c == '\n') {
			csv_newline(r, 1);
		} else {
			csv_char(r);
		}
	}

	csv_read_plain(r);
	return 0;
}

static int
csv_read_field(core_csv *r)
{
	int rv;

	if (r->pos < r->len && r->data[r->pos] == '"') {
		if ((rv = csv_read_quoted(r)) != 0) {
			return rv;
		}
	} else {
		csv_read_plain(r);
	}

	if (r->rv == 0) {
		r->ends[r->nfields++] = r->buf.len;
	}
	return 0;
}

/*
 * Reads the fields of the record at data[pos] and its line break. Returns the
 * first error in the record, or 0.
 */
static int
csv_read_record(core_csv *r)
{
	int rv;

	for (;;) {
		if (r->nfields == CORE_CSV_MAX_FIELDS) {
			csv_fail(r, CORE_ETOOBIG, r->line,
			         csv_column(r, r->pos), "more than %d fields",
			         CORE_CSV_MAX_FIELDS);
		}
		if ((rv = csv_read_field(r)) != 0) {
			return rv;
		}
		if (r->pos == r->len || r->data[r->pos] != ',') {
			break;
		}
		csv_advance(r, 1);
	}

	if (r->pos < r->len) {
		csv_newline(r, 0);
	}
	return r->rv;
}

int
core_csv_open(core_csv **out, const char *data, size_t len)
{
	core_csv *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		return CORE_ENOMEM;
	}

	/* Reserving now makes buf.data non-NULL, so a record of empty fields
	 * still gets valid pointers. */
	if (core_buf_reserve(&r->buf, 1024) != 0) {
		free(r);
		return CORE_ENOMEM;
	}

	r->data = data;
	r->len = len;
	r->line = 1;

	/* The byte order mark is skipped but still counts in the columns of
	 * line 1, because columns are byte offsets in the line. */
	if (len >= 3 && (unsigned char)data[0] == 0xEF &&
	    (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF) {
		r->pos = 3;
	}

	*out = r;
	return 0;
}

void
core_csv_free(core_csv *r)
{
	if (r == NULL) {
		return;
	}
	core_buf_free(&r->buf);
	free(r);
}

int
core_csv_next(core_csv *r, core_csv_record *rec)
{
	size_t start = 0;
	size_t i;
	int rv;

	while (r->pos < r->len &&
	       (r->data[r->pos] == '\r' || r->data[r->pos] == '\n')) {
		csv_newline(r, 0);
	}
	if (r->pos == r->len) {
		return 0;
	}

	r->rec_start = r->pos;
	r->rv = 0;
	r->nfields = 0;
	core_buf_reset(&r->buf);
	rec->line = r->line;

	if ((rv = csv_read_record(r)) != 0) {
		return rv;
	}

	for (i = 0; i < r->nfields; i++) {
		r->fields[i].ptr = r->buf.data + start;
		r->fields[i].len = r->ends[i] - start;
		start = r->ends[i];
	}
	rec->fields = r->fields;
	rec->nfields = r->nfields;
	return 1;
}

const char *
core_csv_error(const core_csv *r)
{
	return r->err;
}
