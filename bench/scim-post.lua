-- wrk: POST /Users with a new userName each time.
local base = os.getenv("BENCH_PATH")
local prefix = os.getenv("BENCH_PREFIX") or "new"
local counter = 0
math.randomseed(os.time())
local salt = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local name = prefix .. salt .. "-" .. counter .. "@example.com"
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","active":true,"name":{"givenName":"New","familyName":"User"},' ..
    '"emails":[{"value":"' .. name .. '","type":"work","primary":true}]}'
  -- headers given here replace those of wrk -H: keep them
  local headers = {["Content-Type"] = "application/scim+json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", base .. "/Users", headers, body)
end
