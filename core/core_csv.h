/*
 * RFC 4180 CSV reader over a buffer in memory.
 *
 * Accepts a leading UTF-8 byte order mark, CRLF, LF or CR-only line endings,
 * and quoted fields with embedded commas, doubled quotes and line breaks.
 * Every field is checked to be valid UTF-8.
 *
 * Ownership: the reader borrows the input, which must outlive it. The fields
 * of a record stay valid until the next core_csv_next or core_csv_free call.
 * Thread-safety: one reader is used by one thread at a time.
 */
#ifndef CORE_CSV_H
#define CORE_CSV_H

#include <stddef.h>

#include "core_buf.h"

/*
 * A record with more fields than CORE_CSV_MAX_FIELDS, or more input bytes
 * than CORE_CSV_MAX_RECORD (quotes included, line break excluded), is
 * rejected as CORE_ETOOBIG.
 */
#define CORE_CSV_MAX_FIELDS 256
#define CORE_CSV_MAX_RECORD (1u << 20)

typedef struct core_csv core_csv;

typedef struct core_csv_record {
	const core_str *fields;
	size_t          nfields;
	size_t          line; /* 1-based line on which the record starts */
} core_csv_record;

/* Creates a reader over data[0..len). Returns 0 or CORE_ENOMEM. */
int core_csv_open(core_csv **out, const char *data, size_t len);

/* Frees the reader. Accepts NULL. */
void core_csv_free(core_csv *r);

/*
 * Reads the next record into rec. Returns 1 when a record was read, 0 at the
 * end of input, or a negative error for a record that could not be read. The
 * errors are CORE_EUTF8 (a field is not valid UTF-8), CORE_ESYNTAX (a quote
 * is never closed), CORE_ETOOBIG (too many fields or too many bytes) and
 * CORE_ENOMEM. After CORE_EUTF8, CORE_ETOOBIG or CORE_ENOMEM the reader has
 * skipped that record and the next call continues with the following one;
 * after CORE_ESYNTAX it is at the end.
 * core_csv_error describes the failure. Blank lines are skipped.
 */
int core_csv_next(core_csv *r, core_csv_record *rec);

/*
 * Returns a message for the last error that names the line and column, for
 * example "invalid UTF-8 at line 12, column 40". Columns count bytes from 1,
 * and on line 1 a byte order mark counts too.
 */
const char *core_csv_error(const core_csv *r);

#endif
