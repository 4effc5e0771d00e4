-- Requests for wrk from a file, for bench/run.sh:
--
--   wrk ... -s bench/requests.lua URL -- FILE MODE THREADS [OFFSET]
--
-- FILE has one request per line: METHOD<TAB>PATH, or METHOD<TAB>PATH<TAB>BODY
-- for a form POST (the body already urlencoded). MODE:
--   rotate  every thread starts at a random line and goes round the file;
--   once    each line is sent at most once over all threads, from line
--           OFFSET + 1 on (thread t of THREADS takes OFFSET + t, then
--           + THREADS each time); done() prints "NEXT_OFFSET n" (the next
--           run's OFFSET: every line up to n may have been sent) and
--           "WRAPPED k": k requests found the lines used up and reused one.
-- No response() function: wrk then does not hand bodies to Lua.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local lines, hdrs, form = {}, {}, {}
-- Globals, so that done() can read them from each thread (thread:get).
mode, nthreads, offset, count, wrapped = nil, 1, 0, 0, 0

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in file:lines() do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    assert(method, "bad request line: " .. line)
    lines[#lines + 1] = { method, path, body ~= "" and body or nil }
  end
  file:close()
  assert(#lines > 0, "no requests in " .. args[1])
  mode, nthreads, offset = args[2], tonumber(args[3]), tonumber(args[4] or "0")
  assert(mode == "rotate" or mode == "once", "MODE is rotate or once")
  for k, v in pairs(wrk.headers) do hdrs[k] = v; form[k] = v end
  form["Content-Type"] = "application/x-www-form-urlencoded"
  if mode == "rotate" then
    math.randomseed(os.time() * 16 + id)
    count = math.random(#lines) - 1
  end
end

function request()
  local i
  if mode == "rotate" then
    i = count % #lines + 1
  else
    i = offset + id + count * nthreads
    if i > #lines then
      wrapped = wrapped + 1
      i = (i - 1) % #lines + 1
    end
  end
  count = count + 1
  local r = lines[i]
  return wrk.format(r[1], r[2], r[3] and form or hdrs, r[3])
end

function done(summary, latency, requests)
  if threads[1] == nil or threads[1]:get("mode") ~= "once" then return end
  local reached, wraps = threads[1]:get("offset"), 0
  for _, t in ipairs(threads) do
    local n = t:get("count")
    local last = t:get("offset") + t:get("id") + (n - 1) * t:get("nthreads")
    if n > 0 and last > reached then reached = last end
    wraps = wraps + t:get("wrapped")
  end
  io.write(string.format("NEXT_OFFSET %d\nWRAPPED %d\n", reached, wraps))
end
