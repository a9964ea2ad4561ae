-- create.lua: wrk script for bench/run.sh.  Every request is a
-- POST /api/users with a username no other request uses: a random
-- per-run prefix, the thread number and a per-thread counter.
-- Environment: BENCH_TOKEN (bearer token, required), BENCH_PASSWORD
-- (when set, each body carries it as "password"), BENCH_TAG (a name
-- prefix, default "u"), BENCH_IDEM ("each": every request has an
-- Idempotency-Key of its own; "one": all send the first request again
-- under one key, so all but the first are replays).  done() prints one "BENCH key=value ..." line.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

-- Runs once per thread, in that thread's Lua state.
function init(args)
   local f = io.open("/dev/urandom", "rb")
   local r = f:read(4)
   f:close()
   local tag = os.getenv("BENCH_TAG") or "u"
   prefix = string.format("%s%02x%02x%02x%02x_%d_", tag,
      r:byte(1), r:byte(2), r:byte(3), r:byte(4), tid)
   counter = 0
   ok2xx = 0
   non2xx = 0
   local pw = os.getenv("BENCH_PASSWORD")
   extra = ""
   if pw and pw ~= "" then
      extra = ',"password":"' .. pw .. '"'
   end
   headers = {
      ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN")),
      ["Content-Type"] = "application/json",
   }
   idem = os.getenv("BENCH_IDEM") or ""
   if idem == "one" then
      headers["Idempotency-Key"] = tag .. "-one"
   end
end

function request()
   counter = counter + 1
   if idem == "one" then
      return wrk.format("POST", "/api/users", headers,
         '{"username":"' .. os.getenv("BENCH_TAG") .. '_one"}')
   end
   if idem == "each" then
      headers["Idempotency-Key"] = prefix .. counter
   end
   local body = '{"username":"' .. prefix .. counter .. '"' .. extra .. '}'
   return wrk.format("POST", "/api/users", headers, body)
end

function response(status, hdrs, body)
   if status >= 200 and status < 300 then
      ok2xx = ok2xx + 1
   else
      non2xx = non2xx + 1
      if non2xx <= 3 then
         io.stderr:write("non-2xx " .. status .. ": " .. body .. "\n")
      end
   end
end

function done(summary, latency, requests)
   local ok, bad = 0, 0
   for _, t in ipairs(threads) do
      ok = ok + t:get("ok2xx")
      bad = bad + t:get("non2xx")
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH rps=%.1f ok_rps=%.1f requests=%d ok=%d non2xx=%d " ..
      "sockerr=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      summary.requests / (summary.duration / 1e6),
      ok / (summary.duration / 1e6), summary.requests, ok, bad,
      e.connect + e.read + e.write + e.timeout,
      latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
      latency.max / 1e3))
end
