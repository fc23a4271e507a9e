-- Prints one machine-readable line after a wrk run, which scripts/bench-http
-- parses: requests per second, latency percentiles in microseconds and the
-- error counts. wrk counts a response with a status of 400 or more as a
-- status error.
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"wrk-summary requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d " ..
		"max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
		summary.requests, summary.duration / 1e6,
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50), latency:percentile(99), latency.max,
		e.connect, e.read, e.write, e.status, e.timeout))
end
