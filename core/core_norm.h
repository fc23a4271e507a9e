/*
 * Text normalization: display cleaning and the matching form used by the
 * word index.
 *
 * All functions take UTF-8 and are pure: they keep no state and may run on
 * many threads at once.
 */
#ifndef CORE_NORM_H
#define CORE_NORM_H

#include <stddef.h>

#include "core_buf.h"

/*
 * Cleans display text in place and returns its new length: trims leading
 * and trailing white space, and replaces every run of inner white space
 * (including line breaks, tabs and U+00A0 NO-BREAK SPACE) by one ASCII space.
 * The input must be valid UTF-8; the result stays valid UTF-8.
 */
size_t core_norm_clean(char *s, size_t len);

/*
 * Appends the matching form of s to out: compatibility-decomposed, Unicode
 * case folded, with combining marks stripped (so "Café" becomes "cafe"),
 * apostrophes (' and U+2019) removed so that "Nabila's" becomes "nabilas",
 * every other character that is not a letter or number turned into a
 * separator, and tokens joined by single spaces without leading or trailing
 * space. Returns 0, CORE_EUTF8 or CORE_ENOMEM. On error, out keeps its
 * previous length.
 */
int core_norm_match(core_buf *out, const char *s, size_t len);

/*
 * Splits a list of people ("A, B & C", "A ,B", "A and B", "A; B", "A / B")
 * into cleaned names and calls fn for each non-empty one, in order. "and"
 * splits only as a whole word in any case, and a piece after a comma that is
 * a suffix such as "Jr." or "III" stays with the name before it. The name
 * passed to fn is valid only during the call. fn returns 0 to continue; any
 * other value stops the split and is returned. Returns 0, CORE_ENOMEM or the
 * value of fn that stopped the split.
 */
typedef int (*core_norm_name_fn)(void *arg, const char *name, size_t len);
int core_norm_split_people(const char *s, size_t len, core_norm_name_fn fn,
    void *arg);

/*
 * Returns the edit distance (Levenshtein; insert, delete or substitute one
 * byte) between a and b if it is at most max, else max + 1. A transposition
 * costs 2. Strings up to 64 bytes need no allocation.
 */
unsigned core_norm_distance(const char *a, size_t alen, const char *b,
    size_t blen, unsigned max);

#endif
