-- wrk script for bench/catalogue.sh: replays a list of request paths.
--
--   wrk ... -s bench/paths.lua http://127.0.0.1:PORT -- LIST_FILE
--
-- LIST_FILE holds one path per line ("/objects?page=2"). Each wrk thread loads the list in
-- init() (every thread has its own Lua state) and walks it round-robin, starting at its own
-- offset so that the threads do not request the same URL in lockstep. The requests are
-- formatted once up front so that building them costs wrk as little CPU as possible: wrk
-- shares the machine with the server it measures.
--
-- done() prints one machine-readable line (BENCH ...) with exact numbers, which
-- catalogue.sh parses instead of wrk's rounded human-readable summary.

local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
end

local requests = {}
local next_index = 0

function init(args)
   -- args[0] is the URL; the list file is the last argument (a "--" may come before it).
   local file = args[#args]
   if file == nil or file == "--" then
      error("paths.lua: give the URL list file after the URL, e.g. -- bench/out/urls/warm-zbor.txt")
   end
   for line in io.lines(file) do
      if line ~= "" then
         requests[#requests + 1] = wrk.format("GET", line)
      end
   end
   if #requests == 0 then
      error("paths.lua: no paths in " .. file)
   end
   -- Spread the threads over the list: thread i starts i/nthreads of the way in.
   local index = thread_index or 0
   local threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "2")
   next_index = math.floor(#requests * index / threads) % #requests
end

function request()
   next_index = next_index % #requests + 1
   return requests[next_index]
end

function done(summary, latency, requests_stats)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f " ..
      "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
