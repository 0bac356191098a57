-- wrk: the initial load, BENCH_USERS users named user1@example.com to
-- userN@example.com (the names bench/scim-filter.lua looks up) through
-- POST /Users, each once; prints the time and rate
-- once the last one is answered.
--
--   BENCH_USERS=100000 BENCH_PATH=/t/…/scim/users/v2 \
--     wrk -t1 -c32 -d600s -s bench/scim-load.lua -H "Authorization: Bearer …" URL
--
-- BENCH_FIRST (1 unless set) numbers the first user: two loaders, one per
-- provisiod node, load user1 to userN/2 and userN/2+1 to userN.
--
-- A user counts as loaded on a 201 only; any other answer to a POST is a
-- failure, and the script exits non-zero (wrk itself counts every answer).  Once every
-- user was sent, connections that come back for more get a GET of
-- ServiceProviderConfig, which creates nothing and whose 200 counts neither
-- way.  One thread (-t1): the counter is the thread's.  -d is a time-out.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } pv_timespec;
  int clock_gettime (int clock, pv_timespec *ts);
]]
local CLOCK_MONOTONIC = 1

local function now()
  local ts = ffi.new("pv_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local n = tonumber(os.getenv("BENCH_USERS"))
local first = tonumber(os.getenv("BENCH_FIRST") or "1")
local base = os.getenv("BENCH_PATH")
local sent = 0
local created = 0
local failed = 0
local first_failure = nil
local start = nil
local primed = false

function init(args)
  wrk.headers["Content-Type"] = "application/scim+json"
end

-- wrk 4.1 asks each thread for one request before its connections start
-- and never sends it: that one creates nothing.
function request()
  if not primed or sent >= n then
    primed = true
    return wrk.format("GET", base .. "/ServiceProviderConfig")
  end
  start = start or now()
  sent = sent + 1
  local number = first + sent - 1
  local name = "user" .. number .. "@example.com"
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","active":true,"name":{"givenName":"User","familyName":"Number' .. number .. '"},' ..
    '"emails":[{"value":"' .. name .. '","type":"work","primary":true}]}'
  return wrk.format("POST", base .. "/Users", nil, body)
end

-- wrk runs for its -d whatever a thread does: once the last answer is in,
-- print the figure and end the process.
function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status ~= 200 then
    failed = failed + 1
    first_failure = first_failure or status
  end
  if created + failed < n then
    return
  end
  local seconds = now() - start
  if failed > 0 then
    io.stderr:write(string.format("%d POSTs failed, e.g. HTTP %d\n", failed, first_failure))
    os.exit(1)
  end
  io.write(string.format("%d users in %.1f s, %.0f users/s\n", created, seconds, created / seconds))
  io.flush()
  os.exit(0)
end

-- Reached only when -d ran out first.
function done(summary, latency, requests)
  io.stderr:write("the load did not finish within wrk's -d\n")
  os.exit(1)
end
