#include "gw_metrics.h"

#include <stdio.h>
#include <string.h>

#include "core_json.h"

static const int gw_statuses[GW_STATUS_COUNT - 1] = {
    200, 204, 304, 400, 404, 405, 414, 431, 500, 502, 503, 504};

static const double gw_bounds[GW_LATENCY_BUCKETS] = {0.0001, 0.00025, 0.0005,
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

static const char *const gw_err_names[GW_ERR_COUNT] = {
    [GW_ERR_INVALID_ARGUMENT] = "invalid_argument",
    [GW_ERR_NOT_FOUND] = "not_found",
    [GW_ERR_METHOD] = "method_not_allowed",
    [GW_ERR_TOO_LARGE] = "request_too_large",
    [GW_ERR_UNAVAILABLE] = "rpc_unavailable",
    [GW_ERR_DEADLINE] = "rpc_deadline_exceeded",
    [GW_ERR_NODE] = "rpc_node_error",
    [GW_ERR_CALL] = "rpc_call_failed",
    [GW_ERR_BAD_REPLY] = "rpc_bad_reply",
    [GW_ERR_NOMEM] = "out_of_memory",
    [GW_ERR_SHUTDOWN] = "shutting_down",
    [GW_ERR_FILE] = "file_unreadable",
};

void
gw_metrics_init(gw_metrics *m)
{
	memset(m, 0, sizeof(*m));
}

static int
gw_status_index(int status)
{
	for (int i = 0; i < GW_STATUS_COUNT - 1; i++) {
		if (gw_statuses[i] == status) {
			return i;
		}
	}
	return GW_STATUS_COUNT - 1;
}

void
gw_metrics_request(gw_metrics *m, gw_endpoint ep, int status, uint64_t usec)
{
	double s = (double)usec / 1e6;
	int b = 0;

	if ((unsigned)ep >= GW_EP_COUNT) {
		return;
	}
	while (b < GW_LATENCY_BUCKETS && s > gw_bounds[b]) {
		b++;
	}
	atomic_fetch_add_explicit(
	    &m->requests[ep][gw_status_index(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency[ep][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(
	    &m->latency_sum_us[ep], usec, memory_order_relaxed);
}

void
gw_metrics_error(gw_metrics *m, gw_err_kind kind)
{
	atomic_fetch_add_explicit(&m->errors[kind], 1, memory_order_relaxed);
}

const char *
gw_err_kind_name(gw_err_kind kind)
{
	return gw_err_names[kind];
}

static uint64_t
gw_load(atomic_uint_fast64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* Appends a label value with the escapes of the text format: backslash,
 * double quote and newline. */
static int
gw_label_value(core_buf *out, const char *s)
{
	int rv = 0;

	for (; *s != '\0' && rv == 0; s++) {
		if (*s == '\\' || *s == '"') {
			char esc[2] = {'\\', *s};

			rv = core_buf_append(out, esc, 2);
		} else if (*s == '\n') {
			rv = core_buf_append(out, "\\n", 2);
		} else {
			rv = core_buf_putc(out, *s);
		}
	}
	return rv;
}

static int
gw_render_requests(gw_metrics *m, core_buf *out)
{
	int rv = core_json_printf(out,
	    "# HELP sfmovies_gateway_requests_total HTTP requests "
	    "answered, by endpoint and status code.\n"
	    "# TYPE sfmovies_gateway_requests_total counter\n");

	for (int ep = 0; ep < GW_EP_COUNT && rv == 0; ep++) {
		for (int s = 0; s < GW_STATUS_COUNT && rv == 0; s++) {
			uint64_t n = gw_load(&m->requests[ep][s]);
			char code[16];

			if (n == 0) {
				continue;
			}
			if (s < GW_STATUS_COUNT - 1) {
				snprintf(
				    code, sizeof(code), "%d", gw_statuses[s]);
			} else {
				strcpy(code, "other");
			}
			rv = core_json_printf(out,
			    "sfmovies_gateway_requests_total{endpoint=\"%s\","
			    "code=\"%s\"} %llu\n",
			    gw_endpoint_name((gw_endpoint)ep), code,
			    (unsigned long long)n);
		}
	}
	return rv;
}

static int
gw_render_latency(gw_metrics *m, core_buf *out)
{
	int rv = core_json_printf(out,
	    "# HELP sfmovies_gateway_request_duration_seconds Time from "
	    "the gateway reading a request to queueing its answer.\n"
	    "# TYPE sfmovies_gateway_request_duration_seconds "
	    "histogram\n");

	for (int ep = 0; ep < GW_EP_COUNT && rv == 0; ep++) {
		const char *name = gw_endpoint_name((gw_endpoint)ep);
		uint64_t cum = 0;

		for (int b = 0; b <= GW_LATENCY_BUCKETS && rv == 0; b++) {
			char le[32];

			cum += gw_load(&m->latency[ep][b]);
			if (b < GW_LATENCY_BUCKETS) {
				snprintf(le, sizeof(le), "%g", gw_bounds[b]);
			} else {
				strcpy(le, "+Inf");
			}
			rv = core_json_printf(out,
			    "sfmovies_gateway_request_duration_seconds_bucket"
			    "{endpoint=\"%s\",le=\"%s\"} %llu\n",
			    name, le, (unsigned long long)cum);
		}
		if (rv == 0) {
			rv = core_json_printf(out,
			    "sfmovies_gateway_request_duration_seconds_sum"
			    "{endpoint=\"%s\"} %.6f\n"
			    "sfmovies_gateway_request_duration_seconds_count"
			    "{endpoint=\"%s\"} %llu\n",
			    name, (double)gw_load(&m->latency_sum_us[ep]) / 1e6,
			    name, (unsigned long long)cum);
		}
	}
	return rv;
}

static int
gw_render_errors(gw_metrics *m, core_buf *out)
{
	int rv = core_json_printf(out,
	    "# HELP sfmovies_gateway_errors_total Errors caught by the "
	    "gateway, by kind.\n"
	    "# TYPE sfmovies_gateway_errors_total counter\n");

	for (int k = 0; k < GW_ERR_COUNT && rv == 0; k++) {
		rv = core_json_printf(out,
		    "sfmovies_gateway_errors_total{kind=\"%s\"} %llu\n",
		    gw_err_names[k],
		    (unsigned long long)gw_load(&m->errors[k]));
	}
	return rv;
}

typedef struct gw_sample {
	const char *name;
	const char *type;
	const char *help;
	double value;
} gw_sample;

static int
gw_render_views(const gw_metrics_view *v, core_buf *out)
{
	const gw_sample samples[] = {
	    {"sfmovies_gateway_rpc_calls_total", "counter",
	        "RPC calls started.", (double)v->rpc.calls},
	    {"sfmovies_gateway_rpc_failures_total", "counter",
	        "RPC calls that completed with a code other than OK.",
	        (double)v->rpc.failures},
	    {"sfmovies_gateway_rpc_timeouts_total", "counter",
	        "RPC calls that completed with DEADLINE_EXCEEDED.",
	        (double)v->rpc.timeouts},
	    {"sfmovies_gateway_rpc_retries_total", "counter",
	        "RPC requests resent after an attempt timed out.",
	        (double)v->rpc.retries},
	    {"sfmovies_gateway_rpc_in_flight", "gauge",
	        "RPC calls waiting for a reply.", (double)v->rpc.in_flight},
	    {"sfmovies_gateway_cache_hits_total", "counter",
	        "Query answers served from the response cache.",
	        (double)v->cache.hits},
	    {"sfmovies_gateway_cache_misses_total", "counter",
	        "Query lookups that missed the response cache.",
	        (double)v->cache.misses},
	    {"sfmovies_gateway_cache_evictions_total", "counter",
	        "Cache entries dropped to stay within the byte budget.",
	        (double)v->cache.evictions},
	    {"sfmovies_gateway_cache_purged_total", "counter",
	        "Cache entries dropped because the dataset version changed.",
	        (double)v->cache.purged},
	    {"sfmovies_gateway_cache_entries", "gauge",
	        "Entries in the response cache.", (double)v->cache.entries},
	    {"sfmovies_gateway_cache_bytes", "gauge",
	        "Bytes charged to the response cache.", (double)v->cache.bytes},
	    {"sfmovies_gateway_nodes", "gauge",
	        "Query nodes that answered a status call in the last 3 "
	        "seconds.",
	        (double)v->nodes},
	    {"sfmovies_gateway_suspended_connections", "gauge",
	        "HTTP connections waiting for a node's reply.",
	        (double)v->suspended},
	    {"sfmovies_gateway_uptime_seconds", "gauge",
	        "Seconds since the gateway started.", v->uptime_s},
	};
	int rv = 0;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]) && rv == 0;
	     i++) {
		rv = core_json_printf(out,
		    "# HELP %s %s\n# TYPE %s %s\n%s %.15g\n", samples[i].name,
		    samples[i].help, samples[i].name, samples[i].type,
		    samples[i].name, samples[i].value);
	}
	if (rv != 0 || v->version == NULL || *v->version == '\0') {
		return rv;
	}
	if ((rv = core_json_printf(out,
	         "# HELP sfmovies_gateway_dataset_info The dataset version "
	         "the gateway serves, as a label.\n"
	         "# TYPE sfmovies_gateway_dataset_info gauge\n"
	         "sfmovies_gateway_dataset_info{version=\"")) != 0 ||
	    (rv = gw_label_value(out, v->version)) != 0) {
		return rv;
	}
	return core_json_printf(out, "\"} 1\n");
}

int
gw_metrics_render(gw_metrics *m, const gw_metrics_view *v, core_buf *out)
{
	int rv;

	if ((rv = gw_render_requests(m, out)) != 0 ||
	    (rv = gw_render_latency(m, out)) != 0 ||
	    (rv = gw_render_errors(m, out)) != 0) {
		return rv;
	}
	return gw_render_views(v, out);
}
