#include "rpc_log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048

static atomic_int log_level = -1; /* -1 until read from the environment */
static const char *log_component = "sfmovies";

static const char *const log_level_names[] = {"debug", "info", "warn", "error"};

static int
log_current_level(void)
{
	int level = atomic_load(&log_level);
	const char *env;

	if (level >= 0) {
		return level;
	}
	level = RPC_LOG_INFO;
	if ((env = getenv("SFMOVIES_LOG_LEVEL")) != NULL) {
		for (int i = 0; i < 4; i++) {
			if (strcasecmp(env, log_level_names[i]) == 0) {
				level = i;
			}
		}
	}
	atomic_store(&log_level, level);
	return level;
}

void
rpc_log_set_level(rpc_log_level level)
{
	atomic_store(&log_level, (int)level);
}

void
rpc_log_set_component(const char *name)
{
	log_component = name;
}

/* Appends value, quoted when logfmt needs it; stops at the line's end. */
static size_t
log_append_value(char *line, size_t n, const char *value)
{
	int quote = value[0] == '\0' || strpbrk(value, " \"=\t\n") != NULL;

	if (quote) {
		line[n++] = '"';
	}
	/* Each step writes at most two bytes, and the closing quote and the
	 * caller's newline need two more, so stop four bytes early. */
	for (const char *p = value; *p != '\0' && n < LOG_LINE_MAX - 4; p++) {
		if (*p == '"' || *p == '\\') {
			line[n++] = '\\';
		}
		line[n++] = *p == '\n' ? ' ' : *p;
	}
	if (quote) {
		line[n++] = '"';
	}
	return n;
}

void
rpc_log(rpc_log_level level, const char *msg, ...)
{
	char line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t n;
	va_list ap;
	const char *key;

	if ((int)level < log_current_level()) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n,
	    ".%03ldZ level=%s comp=%s msg=", ts.tv_nsec / 1000000,
	    log_level_names[level], log_component);
	n = log_append_value(line, n, msg);

	va_start(ap, msg);
	while (
	    (key = va_arg(ap, const char *)) != NULL && n < LOG_LINE_MAX - 8) {
		const char *value = va_arg(ap, const char *);

		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=", key);
		if (n > LOG_LINE_MAX - 4) {
			n = LOG_LINE_MAX - 4;
		}
		n = log_append_value(line, n, value != NULL ? value : "");
	}
	va_end(ap);

	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* Nowhere left to report a failed log write. */
	}
}
