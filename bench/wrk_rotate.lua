-- Sends each request to the next path of a list, so that wrk's requests
-- go through many distinct queries instead of one:
--
--   wrk ... -s bench/wrk_rotate.lua URL -- PATHS_FILE THREADS
--
-- PATHS_FILE has one path per line, such as /complete?term=ver; THREADS is
-- wrk's -t. Thread k of T sends paths k, k + T, k + 2T, ... and then starts
-- again at k, so the threads share no path and each path comes back only
-- after a whole pass of its thread. When the list is longer than a
-- least-recently-used cache holds, that walk misses the cache on every
-- request, whether or not the threads run at the same speed.
-- Prints the same summary line as wrk_report.lua.

local paths = {}
local index = 1
local step = 1
local thread_number = 0

-- Runs in the main Lua state once per thread, before init.
function setup(thread)
	thread_number = thread_number + 1
	thread:set("thread_id", thread_number)
end

function init(args)
	local file = args[1]
	local threads = tonumber(args[2] or "1")
	if file == nil then
		error("usage: wrk ... -s wrk_rotate.lua URL -- PATHS_FILE THREADS")
	end
	for line in io.lines(file) do
		if line ~= "" then
			paths[#paths + 1] = line
		end
	end
	if #paths == 0 then
		error("no paths in " .. file)
	end
	if #paths < threads then
		error("fewer paths than threads in " .. file)
	end
	index = thread_id
	step = threads
end

function request()
	local path = paths[index]
	index = index + step
	if index > #paths then
		index = thread_id
	end
	return wrk.format(nil, path)
end

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
