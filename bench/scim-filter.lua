-- wrk: GET /Users?filter=userName eq "userN@example.com" for random N of the loaded users.
-- BENCH_USERS and BENCH_PATH come from the environment.
--
-- BENCH_DELAY_MS (unset: none) makes each connection wait that long before
-- each request: an offered rate of at most connections / delay, well under
-- what provisiod can serve, so that wrk's latencies are provisiod's service
-- time and not the queue of a saturated machine (tools/bench-scim-builds).
local n = tonumber(os.getenv("BENCH_USERS"))
local base = os.getenv("BENCH_PATH")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
math.randomseed(os.time())
request = function()
  local name = "user" .. math.random(1, n) .. "%40example.com"
  return wrk.format("GET", base .. "/Users?filter=userName%20eq%20%22" .. name .. "%22")
end
if pause then
  delay = function()
    return pause
  end
end
