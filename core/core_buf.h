/*
 * Growable byte buffer, always NUL-terminated after its length.
 *
 * Ownership: the buffer owns its bytes; core_buf_free releases them.
 * Thread-safety: none; a buffer belongs to one thread at a time.
 */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stddef.h>

typedef struct core_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
} core_buf;

/* A view of bytes owned by someone else; not NUL-terminated. */
typedef struct core_str {
	const char *ptr;
	size_t len;
} core_str;

/* Appends len bytes. Returns 0 or CORE_ENOMEM, leaving b unchanged. */
int core_buf_append(core_buf *b, const char *s, size_t len);

/* Appends one byte. Returns 0 or CORE_ENOMEM. */
int core_buf_putc(core_buf *b, char c);

/* Makes room for extra more bytes. Returns 0 or CORE_ENOMEM. */
int core_buf_reserve(core_buf *b, size_t extra);

/*
 * Makes room in the array *v of *cap elements of size bytes for one more
 * element after the first n, doubling the capacity (from 64) when it is
 * full. Returns 0, or CORE_ENOMEM leaving *v and *cap unchanged.
 */
int core_array_grow(void **v, size_t *cap, size_t n, size_t size);

/* Empties the buffer and keeps its memory. */
void core_buf_reset(core_buf *b);

/* Releases the memory; the buffer is empty and reusable afterwards. */
void core_buf_free(core_buf *b);

#endif
