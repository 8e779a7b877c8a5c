-- wrk_report.lua: wrk script for bench_gateway.sh. With WRK_BODY set, every request is a POST of
-- that file as application/timestamp-query; otherwise the command line's GET. At the end one
-- machine-readable line: "RESULT ok_per_s p50_ms p99_ms non2xx errors", where ok_per_s counts
-- 2xx/3xx answers only (a 503 from a full signing queue is not throughput).
local body_file = os.getenv("WRK_BODY")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/timestamp-query"
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n", (summary.requests - e.status) / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
