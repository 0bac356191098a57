-- wrk: GET /Users?filter=userName eq "userN@example.com" for random N of the loaded users.
-- BENCH_USERS and BENCH_PATH come from the environment.
local n = tonumber(os.getenv("BENCH_USERS"))
local base = os.getenv("BENCH_PATH")
math.randomseed(os.time())
request = function()
  local name = "user" .. math.random(1, n) .. "%40example.com"
  return wrk.format("GET", base .. "/Users?filter=userName%20eq%20%22" .. name .. "%22")
end
