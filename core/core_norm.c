#include "core_norm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core_err.h"

/*
 * Options for one codepoint of the matching form. UTF8PROC_IGNORE drops
 * default ignorable codepoints such as U+00AD SOFT HYPHEN and U+200B ZERO
 * WIDTH SPACE, so they join the letters around them.
 */
#define NORM_MATCH_OPTIONS                                                     \
	(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |            \
	 UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

/*
 * Room for the decomposition of one codepoint. The longest, measured over
 * all codepoints with utf8proc 2.8, is 18 codepoints, for U+FDFA.
 */
#define NORM_DECOMP_MAX 32

/* Distance rows up to this many cells live on the stack. */
#define NORM_ROW_STACK 65

typedef struct norm_match {
	core_buf *out;
	size_t start; /* out->len on entry; errors truncate back to it */
	int sep;      /* a separator came after the last token byte */
} norm_match;

typedef struct norm_piece {
	size_t start;
	size_t end;
} norm_piece;

static int
norm_is_ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static unsigned char
norm_ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int
norm_is_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Returns the byte length of the character at s, at least 1, and sets *space
 * when it is white space. An invalid byte counts as one character that is
 * not white space, so cleaning copies it unchanged.
 */
static size_t
norm_clean_char(const char *s, size_t len, int *space)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	utf8proc_category_t cat;

	if ((unsigned char)s[0] < 0x80) {
		*space = norm_is_ascii_space((unsigned char)s[0]);
		return 1;
	}

	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	                     (utf8proc_ssize_t)(len < 4 ? len : 4), &cp);
	if (n <= 0) {
		*space = 0;
		return 1;
	}

	/* U+0085 NEXT LINE is a control character that breaks lines. */
	cat = utf8proc_category(cp);
	*space = cp == 0x85 || cat == UTF8PROC_CATEGORY_ZS ||
	         cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
	return (size_t)n;
}

size_t
core_norm_clean(char *s, size_t len)
{
	size_t r = 0;
	size_t w = 0;
	size_t n;
	int space;
	int pending = 0;

	/* Every run of white space shrinks to at most one byte, so w <= r. */
	while (r < len) {
		n = norm_clean_char(s + r, len - r, &space);
		if (space) {
			pending = w > 0;
			r += n;
			continue;
		}

		if (pending) {
			s[w++] = ' ';
			pending = 0;
		}
		memmove(s + w, s + r, n);
		w += n;
		r += n;
	}
	return w;
}

static int
norm_append_token(norm_match *m, const char *p, size_t n)
{
	int rv;

	if (m->sep && m->out->len > m->start) {
		if ((rv = core_buf_putc(m->out, ' ')) != 0) {
			return rv;
		}
	}
	m->sep = 0;
	return core_buf_append(m->out, p, n);
}

/* Appends a run of ASCII letters and digits, lower-cased. */
static int
norm_append_ascii(norm_match *m, const char *p, size_t n)
{
	char *q;
	size_t i;
	int rv;

	if ((rv = norm_append_token(m, p, n)) != 0) {
		return rv;
	}

	q = m->out->data + m->out->len - n;
	for (i = 0; i < n; i++) {
		q[i] = (char)norm_ascii_lower((unsigned char)q[i]);
	}
	return 0;
}

static int
norm_is_letter_or_number(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Appends one codepoint that is already decomposed and case folded. */
static int
norm_append_folded(norm_match *m, utf8proc_int32_t cp)
{
	utf8proc_uint8_t utf8[4];
	utf8proc_ssize_t n;

	if (cp == '\'' || cp == 0x2019) {
		return 0;
	}
	if (!norm_is_letter_or_number(cp)) {
		m->sep = 1;
		return 0;
	}

	n = utf8proc_encode_char(cp, utf8);
	return norm_append_token(m, (const char *)utf8, (size_t)n);
}

static int
norm_append_codepoint(norm_match *m, utf8proc_int32_t cp)
{
	utf8proc_int32_t decomp[NORM_DECOMP_MAX];
	utf8proc_ssize_t n;
	utf8proc_ssize_t i;
	int boundclass = 0;
	int rv;

	n = utf8proc_decompose_char(cp, decomp, NORM_DECOMP_MAX,
	                            NORM_MATCH_OPTIONS, &boundclass);

	/*
	 * NOTE: a decomposition longer than NORM_DECOMP_MAX would become a
	 * separator; none exists up to Unicode 15 (utf8proc 2.8).
	 */
	if (n < 0 || n > NORM_DECOMP_MAX) {
		m->sep = 1;
		return 0;
	}

	for (i = 0; i < n; i++) {
		if ((rv = norm_append_folded(m, decomp[i])) != 0) {
			return rv;
		}
	}
	return 0;
}

int
core_norm_match(core_buf *out, const char *s, size_t len)
{
	norm_match m = {out, out->len, 0};
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t i = 0;
	size_t j;
	unsigned char c;
	int rv = 0;

	while (i < len) {
		c = (unsigned char)s[i];

		/* ASCII needs no utf8proc call. */
		if (norm_is_ascii_alnum(c)) {
			j = i + 1;
			while (j < len &&
			       norm_is_ascii_alnum((unsigned char)s[j])) {
				j++;
			}
			if ((rv = norm_append_ascii(&m, s + i, j - i)) != 0) {
				goto fail;
			}
			i = j;
			continue;
		}
		if (c < 0x80) {
			if (c != '\'') {
				m.sep = 1;
			}
			i++;
			continue;
		}

		n = utf8proc_iterate(
		    (const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i < 4 ? len - i : 4), &cp);
		if (n <= 0) {
			rv = CORE_EUTF8;
			goto fail;
		}
		if ((rv = norm_append_codepoint(&m, cp)) != 0) {
			goto fail;
		}
		i += (size_t)n;
	}
	return 0;

fail:
	out->len = m.start;
	if (out->data != NULL) {
		out->data[out->len] = '\0';
	}
	return rv;
}

static int
norm_is_people_sep(unsigned char c)
{
	return c == ',' || c == '&' || c == ';' || c == '/';
}

/* Reports whether the whole word "and", in any case, starts at s[i]. */
static int
norm_is_and(const char *s, size_t len, size_t i)
{
	unsigned char before;
	unsigned char after;

	if (len - i < 3 || norm_ascii_lower((unsigned char)s[i]) != 'a' ||
	    norm_ascii_lower((unsigned char)s[i + 1]) != 'n' ||
	    norm_ascii_lower((unsigned char)s[i + 2]) != 'd') {
		return 0;
	}

	before = i > 0 ? (unsigned char)s[i - 1] : ' ';
	after = i + 3 < len ? (unsigned char)s[i + 3] : ' ';
	return (norm_is_ascii_space(before) || norm_is_people_sep(before)) &&
	       (norm_is_ascii_space(after) || norm_is_people_sep(after));
}

/* Reports whether a cleaned piece is a suffix such as "Jr." or "III". */
static int
norm_is_name_suffix(const char *p, size_t n)
{
	static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.",
	                                       "ii", "iii", "iv"};
	size_t i;
	size_t k;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strlen(suffixes[i]) != n) {
			continue;
		}
		for (k = 0; k < n; k++) {
			if (norm_ascii_lower((unsigned char)p[k]) !=
			    (unsigned char)suffixes[i][k]) {
				break;
			}
		}
		if (k == n) {
			return 1;
		}
	}
	return 0;
}

/* Copies s[piece] into scratch and cleans it there. */
static int
norm_clean_piece(core_buf *scratch, const char *s, norm_piece piece)
{
	int rv;

	core_buf_reset(scratch);
	if ((rv = core_buf_append(scratch, s + piece.start,
	                          piece.end - piece.start)) != 0) {
		return rv;
	}
	scratch->len = core_norm_clean(scratch->data, scratch->len);
	scratch->data[scratch->len] = '\0';
	return 0;
}

static int
norm_emit_name(core_buf *scratch, const char *s, norm_piece piece,
               core_norm_name_fn fn, void *arg)
{
	int rv;

	if ((rv = norm_clean_piece(scratch, s, piece)) != 0) {
		return rv;
	}
	return fn(arg, scratch->data, scratch->len);
}

/*
 * Takes the piece that ends at a separator. A name is emitted only when the
 * next non-empty piece is known, because a suffix after a comma ("Cuba
 * Gooding, Jr.") joins the name before it.
 */
static int
norm_take_piece(core_buf *scratch, const char *s, norm_piece piece,
                unsigned char sep_before, norm_piece *pending,
                core_norm_name_fn fn, void *arg)
{
	int rv;

	if ((rv = norm_clean_piece(scratch, s, piece)) != 0) {
		return rv;
	}
	if (scratch->len == 0) {
		return 0;
	}

	if (pending->end > pending->start && sep_before == ',' &&
	    norm_is_name_suffix(scratch->data, scratch->len)) {
		pending->end = piece.end;
		return 0;
	}

	if (pending->end > pending->start) {
		if ((rv = norm_emit_name(scratch, s, *pending, fn, arg)) != 0) {
			return rv;
		}
	}
	*pending = piece;
	return 0;
}

int
core_norm_split_people(const char *s, size_t len, core_norm_name_fn fn,
                       void *arg)
{
	core_buf scratch = {NULL, 0, 0};
	norm_piece pending = {0, 0};
	norm_piece piece = {0, 0};
	unsigned char sep = '\0'; /* the separator before piece */
	size_t i = 0;
	size_t seplen;
	int rv = 0;

	while (i <= len) {
		if (i == len) {
			seplen = 0;
		} else if (norm_is_people_sep((unsigned char)s[i])) {
			seplen = 1;
		} else if (norm_is_and(s, len, i)) {
			seplen = 3;
		} else {
			i++;
			continue;
		}

		piece.end = i;
		if ((rv = norm_take_piece(&scratch, s, piece, sep, &pending, fn,
		                          arg)) != 0) {
			goto done;
		}

		sep = i < len ? (unsigned char)s[i] : '\0';
		piece.start = i + seplen;
		i += seplen > 0 ? seplen : 1;
	}

	if (pending.end > pending.start) {
		rv = norm_emit_name(&scratch, s, pending, fn, arg);
	}

done:
	core_buf_free(&scratch);
	return rv;
}

/* Computes the bounded distance with row[0..blen] as the only DP state. */
static unsigned
norm_levenshtein(const char *a, size_t alen, const char *b, size_t blen,
                 unsigned max, size_t *row)
{
	size_t i;
	size_t j;
	size_t diag;
	size_t up;
	size_t cell;
	size_t row_min;

	for (j = 0; j <= blen; j++) {
		row[j] = j;
	}

	for (i = 1; i <= alen; i++) {
		diag = row[0];
		row[0] = i;
		row_min = i;
		for (j = 1; j <= blen; j++) {
			up = row[j];
			cell = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < cell) {
				cell = up + 1;
			}
			if (row[j - 1] + 1 < cell) {
				cell = row[j - 1] + 1;
			}
			row[j] = cell;
			diag = up;
			if (cell < row_min) {
				row_min = cell;
			}
		}

		/*
		 * The row minimum never decreases from one row to the next, so
		 * the distance already exceeds max.
		 */
		if (row_min > max) {
			return max + 1;
		}
	}
	return row[blen] <= max ? (unsigned)row[blen] : max + 1;
}

unsigned
core_norm_distance(const char *a, size_t alen, const char *b, size_t blen,
                   unsigned max)
{
	size_t stack_row[NORM_ROW_STACK];
	size_t *row;
	const char *t;
	size_t tlen;
	unsigned d;

	/* A shared prefix or suffix never changes the distance. */
	while (alen > 0 && blen > 0 && a[0] == b[0]) {
		a++;
		b++;
		alen--;
		blen--;
	}
	while (alen > 0 && blen > 0 && a[alen - 1] == b[blen - 1]) {
		alen--;
		blen--;
	}

	/* Keep b the shorter string, because the row spans b. */
	if (alen < blen) {
		t = a;
		a = b;
		b = t;
		tlen = alen;
		alen = blen;
		blen = tlen;
	}

	/*
	 * The distance is at most alen, so a larger max changes nothing, and
	 * clamping keeps max + 1 from wrapping when max is UINT_MAX.
	 */
	if (alen < max) {
		max = (unsigned)alen;
	}
	if (alen - blen > max) {
		return max + 1;
	}
	if (blen == 0) {
		return (unsigned)alen;
	}

	if (blen < NORM_ROW_STACK) {
		return norm_levenshtein(a, alen, b, blen, max, stack_row);
	}

	/* NOTE: if this allocation fails, the strings count as too far apart.
	 */
	if ((row = malloc((blen + 1) * sizeof(*row))) == NULL) {
		return max + 1;
	}
	d = norm_levenshtein(a, alen, b, blen, max, row);
	free(row);
	return d;
}
