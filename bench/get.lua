-- get.lua: wrk script for bench/run.sh --users.  Every request is a GET
-- of the next path of BENCH_PATHS (a file, one request path with its
-- query per line), each thread starting at its own offset, so one run
-- spreads over many users.  Environment: BENCH_TOKEN (bearer token,
-- required), BENCH_PATHS (required).  done() prints one
-- "BENCH key=value ..." line, as create.lua does.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   paths = {}
   for line in io.lines(assert(os.getenv("BENCH_PATHS"))) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   assert(#paths > 0, "BENCH_PATHS is empty")
   n = (tid * 7919) % #paths
   ok2xx = 0
   non2xx = 0
   headers = {
      ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN")),
   }
end

function request()
   n = n % #paths + 1
   return wrk.format("GET", paths[n], headers)
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
