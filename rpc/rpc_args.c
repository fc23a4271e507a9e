#include "rpc_args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int
rpc_args_unsigned(const char *flag, const char *value, unsigned min,
    unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
	    v < min || v > max) {
		fprintf(stderr,
		    "sfmovies: invalid %s \"%s\": expected a whole "
		    "number from %u to %u\n",
		    flag, value, min, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int
rpc_args_double(
    const char *flag, const char *value, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (end == value || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < min || v > max) {
		fprintf(stderr,
		    "sfmovies: invalid %s \"%s\": expected a number "
		    "from %g to %g\n",
		    flag, value, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

const char *
rpc_args_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "sfmovies: %s needs a value\n", argv[*i]);
		return NULL;
	}
	*i += 1;
	return argv[*i];
}
