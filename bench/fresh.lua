-- wrk script for bench/bench.sh: every request asks for the same page with
-- a new, ignored query parameter (fresh=N), so that no answer is served from
-- a page cache: what a page costs the first time someone asks for it.
--
--   wrk ... -s bench/fresh.lua URL
--
-- Each thread counts on its own, its numbers apart from the other threads'.

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local n = 0
local path, sep

function init(args)
  path = wrk.path
  sep = string.find(path, "?", 1, true) and "&" or "?"
end

function request()
  n = n + 1
  return wrk.format(nil, path .. sep .. "fresh=" .. tid .. "-" .. n)
end
