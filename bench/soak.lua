-- wrk script for bench/soak.sh: every connection rotates through a mix of
-- page reads, searches, feeds, API reads and (one request in WRITE_EVERY)
-- writes made with an API bearer token.
--
--   wrk ... -s bench/soak.lua URL -- TOKEN CAMPAIGN_IDS THREAD_IDS POST_ID REPLY_THREAD ORG THREADS
--
-- CAMPAIGN_IDS and THREAD_IDS are comma lists of ids to read; POST_ID is a
-- post the writer marks "useful" (idempotent); REPLY_THREAD is a thread only
-- the writes reply to (no read renders it, so its growth does not slow the
-- reads down); ORG is the organisation new draft campaigns belong to;
-- THREADS is wrk's -t (to keep write texts unique across its threads).

local WRITE_EVERY = 20

local function split(list)
  local out = {}
  for v in string.gmatch(list or "", "[^,]+") do out[#out + 1] = v end
  return out
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local reads = {}
local writes = {}
local token, counter, nthreads

function init(args)
  token = args[1]
  local campaigns = split(args[2])
  local thread_ids = split(args[3])
  local post = args[4]
  local reply_thread = args[5]
  local org = args[6]
  counter = 0
  nthreads = tonumber(args[7]) or 1

  reads = {
    "/", "/campaigns", "/campaigns?q=migrant", "/campaigns?q=xenophobia&country=GRC",
    "/campaigns?theme=inclusion&status=running", "/campaigns?q=migracion&lang=es",
    "/campaigns.atom", "/api/v1/campaigns?q=migrant&per_page=5", "/api/v1/campaigns?theme=xenophobia",
    "/api/v1/campaigns.csv?q=migrant", "/ideas", "/discussions?q=radio", "/api/v1/posts?q=migrant",
    "/api/v1/threads?kind=idea", "/groups", "/organisations", "/api/v1/organisations",
    "/organisations/jcwi", "/static/waymark.css", "/healthz",
  }
  for _, id in ipairs(campaigns) do
    reads[#reads + 1] = "/campaigns/" .. id
    reads[#reads + 1] = "/campaigns/" .. id .. "/lineage"
    reads[#reads + 1] = "/api/v1/campaigns/" .. id
  end
  for _, id in ipairs(thread_ids) do
    reads[#reads + 1] = "/threads/" .. id
  end

  local auth = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  writes = {
    function(n)
      return wrk.format("POST", "/api/v1/threads/" .. reply_thread .. "/posts", auth,
        string.format('{"body":"soak reply %d"}', n))
    end,
    function(n)
      return wrk.format("POST", "/api/v1/campaigns", auth,
        string.format('{"organisation":"%s","title":{"en":"Soak draft %d"}}', org, n))
    end,
    function(n)
      return wrk.format("POST", "/api/v1/posts/" .. post .. "/useful", auth, nil)
    end,
    function(n)
      return wrk.format("POST", "/api/v1/threads", auth,
        string.format('{"title":"Soak idea %d","body":"An idea written by the soak test."}', n))
    end,
  }
end

function request()
  counter = counter + 1
  -- Unique across wrk threads, so no two writes carry the same text.
  local n = counter * nthreads + tid
  if counter % WRITE_EVERY == 0 then
    local w = writes[(counter / WRITE_EVERY) % #writes + 1]
    return w(n)
  end
  return wrk.format("GET", reads[(counter + tid) % #reads + 1])
end
