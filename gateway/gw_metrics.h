/*
 * The gateway's counters and their Prometheus text exposition (format
 * 0.0.4) for GET /metrics.
 *
 * Thread-safety: every counter is a relaxed atomic, so any thread may count
 * at any time; a scrape reads each counter once and may see one request
 * counted in requests_total but not yet in the histogram.
 */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "core_buf.h"
#include "gw_cache.h"
#include "gw_route.h"
#include "rpc_client.h"

/* The statuses counted by code; any other counts as "other". */
#define GW_STATUS_COUNT 13

/* Upper bounds of the latency histogram's buckets, in seconds, then +Inf. */
#define GW_LATENCY_BUCKETS 14

typedef enum gw_err_kind {
	GW_ERR_INVALID_ARGUMENT, /* a 400 from the gateway or a node */
	GW_ERR_NOT_FOUND,        /* unknown path, id or file */
	GW_ERR_METHOD,           /* a method other than GET, HEAD, OPTIONS */
	GW_ERR_TOO_LARGE,        /* the gateway's own 414 and 431 */
	GW_ERR_UNAVAILABLE,      /* no node answered (CODE_UNAVAILABLE) */
	GW_ERR_DEADLINE,         /* the RPC deadline passed */
	GW_ERR_NODE,             /* a node failed (CODE_INTERNAL and others) */
	GW_ERR_CALL,             /* rpc_client_call could not start */
	GW_ERR_BAD_REPLY,        /* a reply payload that does not unpack */
	GW_ERR_NOMEM,
	GW_ERR_SHUTDOWN, /* answered 503 because the gateway is stopping */
	GW_ERR_FILE,     /* a static file that could not be read */
	GW_ERR_COUNT
} gw_err_kind;

typedef struct gw_metrics {
	atomic_uint_fast64_t requests[GW_EP_COUNT][GW_STATUS_COUNT];
	atomic_uint_fast64_t latency[GW_EP_COUNT][GW_LATENCY_BUCKETS + 1];
	atomic_uint_fast64_t latency_sum_us[GW_EP_COUNT];
	atomic_uint_fast64_t errors[GW_ERR_COUNT];
} gw_metrics;

/* Values read from other modules at scrape time. */
typedef struct gw_metrics_view {
	rpc_client_stats rpc;
	gw_cache_stats cache;
	unsigned nodes;      /* nodes that answered recently */
	const char *version; /* dataset version served, "" when none */
	double uptime_s;
	uint64_t suspended; /* connections waiting for a node */
} gw_metrics_view;

void gw_metrics_init(gw_metrics *m);

/* Counts one answered request and its time in the gateway. */
void gw_metrics_request(
    gw_metrics *m, gw_endpoint ep, int status, uint64_t usec);

void gw_metrics_error(gw_metrics *m, gw_err_kind kind);

/* Returns the label of an error kind: "invalid_argument" ... */
const char *gw_err_kind_name(gw_err_kind kind);

/* Appends the exposition. Returns 0 or CORE_ENOMEM. */
int gw_metrics_render(gw_metrics *m, const gw_metrics_view *v, core_buf *out);

#endif
