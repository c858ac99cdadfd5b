-- wrk script for bench/load.py: random paths from a file, optional JSON body, bearer token,
-- and a machine-readable summary line (latencies in microseconds).
--   WRK_PATHS=file WRK_METHOD=GET|POST WRK_BODY='{"rating":"unverifiable"}' WRK_TOKEN=ctk_… wrk -s wrk_scenario.lua URL
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body == "" then body = nil end
local headers = {}
local token = os.getenv("WRK_TOKEN")
if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
if body then headers["Content-Type"] = "application/json" end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
