#include "core_buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"

int
core_buf_reserve(core_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1; /* +1 keeps room for the NUL */
	size_t cap;
	char *data;

	if (need < b->len) {
		return CORE_ENOMEM;
	}
	if (need <= b->cap) {
		return 0;
	}
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		cap *= 2;
	}
	if ((data = realloc(b->data, cap)) == NULL) {
		return CORE_ENOMEM;
	}
	b->data = data;
	b->cap = cap;
	return 0;
}

int
core_buf_append(core_buf *b, const char *s, size_t len)
{
	int rv;

	if ((rv = core_buf_reserve(b, len)) != 0) {
		return rv;
	}
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
core_buf_putc(core_buf *b, char c)
{
	return core_buf_append(b, &c, 1);
}

int
core_array_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap) {
		return 0;
	}
	ncap = *cap ? *cap * 2 : 64;
	if (ncap < *cap || ncap > SIZE_MAX / size) {
		return CORE_ENOMEM;
	}
	if ((p = realloc(*v, ncap * size)) == NULL) {
		return CORE_ENOMEM;
	}
	*v = p;
	*cap = ncap;
	return 0;
}

void
core_buf_reset(core_buf *b)
{
	b->len = 0;
	if (b->data != NULL) {
		b->data[0] = '\0';
	}
}

void
core_buf_free(core_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
