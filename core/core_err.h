/*
 * Error codes of the core library.
 *
 * Functions return 0 on success or one of these negative codes, so callers
 * check them as `if ((rv = core_f()) != 0)`.
 */
#ifndef CORE_ERR_H
#define CORE_ERR_H

enum core_err {
	CORE_OK = 0,
	CORE_ENOMEM = -1,    /* allocation failed */
	CORE_EINVAL = -2,    /* invalid argument */
	CORE_EUTF8 = -3,     /* input is not valid UTF-8 */
	CORE_ESYNTAX = -4,   /* malformed input, e.g. an unterminated quote */
	CORE_ENOTFOUND = -5, /* no such film, location or column */
	CORE_ETOOBIG = -6,   /* input exceeds a documented limit */
};

/* Returns a static English description of an error code. */
const char *core_strerror(int err);

#endif
