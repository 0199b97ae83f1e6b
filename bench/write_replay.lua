-- wrk script for writes: each wrk thread sends its own slice of a list of pre-signed requests,
-- each request once (CreateUser of distinct users), so every request is a real commit.
-- usage: wrk -tT -cC -dDs -s bench/write_replay.lua URL -- REQUESTS.tsv T
-- REQUESTS.tsv (scripts/bench-writes): a first line "X-Amz-Date<TAB>date" (with a third field,
-- the X-Amz-Security-Token of temporary credentials), then one POST / request a line:
-- "Authorization header<TAB>form body".
-- A thread that runs out of requests wraps around; the driver sizes the list so none does,
-- and checks that no answer was an error.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local reqs, first, last, idx = {}, 0, 0, 0

function init(args)
  local list, date, token = {}, nil, nil
  for line in io.lines(args[1]) do
    local a, b = line:match("^([^\t]*)\t(.*)$")
    if date == nil then
      date = b
      local d, t = b:match("^([^\t]*)\t(.*)$")
      if d ~= nil then date, token = d, t end
    else
      list[#list + 1] = {auth = a, body = b}
    end
  end
  local threads = tonumber(args[2])
  local per = math.floor(#list / threads)
  first = id * per + 1
  last = first + per - 1
  for i = first, last do
    local r = list[i]
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8", ["X-Amz-Date"] = date,
                     ["Authorization"] = r.auth}
    if token ~= nil then headers["X-Amz-Security-Token"] = token end
    reqs[i] = wrk.format("POST", "/", headers, r.body)
  end
  idx = first - 1
end

function request()
  idx = idx + 1
  if idx > last then idx = first end
  return reqs[idx]
end
