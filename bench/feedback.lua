-- wrk script for bench/load.sh: exactly POSTS_PER_THREAD "was this helpful?" posts per wrk thread
-- (the form a browser sends, from this site's origin), then only GET /healthz until every post has
-- its answer, so no post is left in flight when the thread stops. Counts the answers by status:
-- 303 (stored), 429 (refused: rate limit or full queue), anything else.
--
-- wrk calls `request()` once more than it sends, on the first thread only: before any thread
-- starts, it builds one request with the first thread's script to check how many requests a call
-- returns (wrk.c, `main`: `cfg.pipeline = script_verify_request(t->L)` when `i == 0`), and never
-- sends it. That thread's count of posts sent starts at -1 so that the check is not counted: counted
-- as sent, it was a post that never got an answer, and its thread waited out wrk's `-d` bound.
local posts_per_thread = tonumber(os.getenv("POSTS_PER_THREAD") or "5000")
local origin = os.getenv("ORIGIN")
local body = "page=" .. (os.getenv("PAGE") or "%2Ffaq") .. "&helpful=yes"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("checked_by_wrk", #threads == 1)
end

function init(args)
  sent, answered, s303, s429, other = 0, 0, 0, 0, 0
  if checked_by_wrk then
    sent = -1
  end
end

function request()
  if sent < posts_per_thread then
    sent = sent + 1
    return wrk.format("POST", "/feedback", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Origin"] = origin,
    }, body)
  end
  return wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  if status == 200 then
    return -- a /healthz filler
  end
  answered = answered + 1
  if status == 303 then
    s303 = s303 + 1
  elseif status == 429 then
    s429 = s429 + 1
  else
    other = other + 1
  end
  if answered >= posts_per_thread then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local totals = { sent = 0, s303 = 0, s429 = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + thread:get(key)
    end
  end
  io.write(string.format("POSTS sent=%d stored303=%d refused429=%d other=%d\n",
    totals.sent, totals.s303, totals.s429, totals.other))
end
