/*
 * Logging in logfmt: one line per event on stderr, for example
 *
 *   ts=2026-12-04T20:15:03.120Z level=info msg="node started" url=tcp://...
 *
 * Thread-safety: any thread may log; each line is written with one write(2)
 * so lines from different threads do not interleave.
 */
#ifndef RPC_LOG_H
#define RPC_LOG_H

typedef enum rpc_log_level {
	RPC_LOG_DEBUG,
	RPC_LOG_INFO,
	RPC_LOG_WARN,
	RPC_LOG_ERROR,
} rpc_log_level;

/* Sets the lowest level written; the default is RPC_LOG_INFO, or the value
 * of SFMOVIES_LOG_LEVEL (debug, info, warn, error) when set. */
void rpc_log_set_level(rpc_log_level level);

/* Sets the component name written as comp=NAME on every line. */
void rpc_log_set_component(const char *name);

/*
 * Writes one line at level with message msg and then the key=value pairs
 * given as alternating const char * keys and values, ended by NULL.
 * Values with spaces, quotes or '=' are quoted.
 */
void rpc_log(rpc_log_level level, const char *msg, ...);

#define rpc_log_debug(...) rpc_log(RPC_LOG_DEBUG, __VA_ARGS__, (char *)0)
#define rpc_log_info(...)  rpc_log(RPC_LOG_INFO, __VA_ARGS__, (char *)0)
#define rpc_log_warn(...)  rpc_log(RPC_LOG_WARN, __VA_ARGS__, (char *)0)
#define rpc_log_error(...) rpc_log(RPC_LOG_ERROR, __VA_ARGS__, (char *)0)

#endif
