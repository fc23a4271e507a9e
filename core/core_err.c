#include "core_err.h"

const char *
core_strerror(int err)
{
	switch (err) {
	case CORE_OK:
		return "success";
	case CORE_ENOMEM:
		return "out of memory";
	case CORE_EINVAL:
		return "invalid argument";
	case CORE_EUTF8:
		return "invalid UTF-8";
	case CORE_ESYNTAX:
		return "syntax error";
	case CORE_ENOTFOUND:
		return "not found";
	case CORE_ETOOBIG:
		return "input too large";
	}
	return "unknown error";
}
