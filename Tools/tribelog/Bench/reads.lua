-- wrk script of the bench's HTTP part: GET requests over a mix of read routes, each as
-- the member it is about (a member's dashboard, matches, feed and notifications; their
-- tribe's page, members, dashboard and feed). File (written by the bench): reads.txt,
-- "PATH TOKEN" per line. Each wrk thread starts at its own offset and walks the lines.

local dir = os.getenv("LOAD_DIR") or "."
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  paths, tokens = {}, {}
  for line in io.lines(dir .. "/reads.txt") do
    local path, token = line:match("^(%S+)%s+(%S+)$")
    if path then
      paths[#paths + 1] = path
      tokens[#tokens + 1] = token
    end
  end
  k = (index or 0) * 7
end

function request()
  k = k + 1
  local i = (k % #paths) + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. tokens[i] })
end
