#include "rpc_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
rpc_file_read(const char *path, size_t max, char **data, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(
		    err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(
		    err, errlen, "cannot read %s: not a regular file", path);
		fclose(f);
		return -1;
	}
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%s is %lld bytes, over the limit of %zu",
		    path, (long long)st.st_size, max);
		fclose(f);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "cannot read %s: out of memory", path);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		snprintf(
		    err, errlen, "cannot read %s: %s", path, strerror(errno));
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}
