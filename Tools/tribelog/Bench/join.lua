-- wrk script of the bench's HTTP part (tribelog bench --only http, Tools/load): POST /partups/{id}/partners, each request a different
-- (member, part-up) pair so that no join is refused as "already a partner".
-- Files (written by the bench): tokens.txt "MEMBER TOKEN" per line, partups.txt one id per line.
-- Each wrk thread walks its own share of the pairs: g = k * threads + thread index.

local dir = os.getenv("LOAD_DIR") or "."
local threads = {}
local counter = 0

local function lines(path)
  local result = {}
  for line in io.lines(path) do
    if line ~= "" then result[#result + 1] = line end
  end
  return result
end

function setup(thread)
  thread:set("index", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  tokens = {}
  for _, line in ipairs(lines(dir .. "/tokens.txt")) do
    local _, token = line:match("^(%S+)%s+(%S+)$")
    tokens[#tokens + 1] = token
  end
  partups = lines(dir .. "/partups.txt")
  k = 0
  -- wrk sets `index` through setup; the thread count comes from the environment.
  count = tonumber(os.getenv("LOAD_THREADS") or "2")
end

function request()
  local g = k * count + index
  k = k + 1
  local token = tokens[(g % #tokens) + 1]
  local partup = partups[(math.floor(g / #tokens) % #partups) + 1]
  return wrk.format("POST", "/partups/" .. partup .. "/partners",
                    { ["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0" })
end
