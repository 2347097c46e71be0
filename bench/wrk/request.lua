-- One bench scenario under wrk: builds each request, checks each answer, and reports in done()
-- one line `BENCH_RESULT {json}` that bench/load.mjs parses. Configured through the environment
-- (bench/load.mjs sets it), so every scenario uses this one script:
--
--   BENCH_METHOD, BENCH_PATH       the request line
--   BENCH_HEADERS_FILE             `name: value` lines
--   BENCH_BODY                     a fixed body, or, with BENCH_CODES_FILE, a template whose
--                                  `{code}` each request fills with the next device code
--   BENCH_CODES_FILE               one device code a line; thread i of n sends codes
--   BENCH_CODES_OFFSET, BENCH_THREADS   offset + i, offset + i + n, ... (wrapping), so no two
--                                  threads share a code and each code comes back only after
--                                  the whole pool has gone round
--   BENCH_EXPECT_STATUS            the status every answer must have
--   BENCH_EXPECT_BODY              text the body must contain (plain, not a pattern), if set
--   BENCH_COLLECT_PATTERN          a Lua pattern with one capture; each capture of an expected
--   BENCH_COLLECT_FILE             answer is appended to <file>.<thread> (issued device codes)
--
-- A code is counted as `early` when it is sent again within the 5 s poll interval. Lua has
-- only whole seconds (os.time), so anything under 6 s counts: the count can only be too high.

local INTERVAL_S = 5
local threads = {}
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local function read_lines(file)
  local lines = {}
  for line in io.lines(file) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

local method, path, headers, body_template
local codes, code_count, last_sent
local expect_status, expect_body, collect_pattern, collect_out
local fixed_request

-- Globals, not locals: done() reads them from each thread with thread:get.
cursor = 0
expected = 0
early = 0
sent = 0
unexpected = {}

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH") or "/"
  headers = {}
  local headers_file = os.getenv("BENCH_HEADERS_FILE")
  if headers_file and headers_file ~= "" then
    for _, line in ipairs(read_lines(headers_file)) do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then headers[name] = value end
    end
  end
  body_template = os.getenv("BENCH_BODY")
  if body_template == "" then body_template = nil end
  expect_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")
  expect_body = os.getenv("BENCH_EXPECT_BODY")
  if expect_body == "" then expect_body = nil end

  local codes_file = os.getenv("BENCH_CODES_FILE")
  if codes_file and codes_file ~= "" then
    codes = read_lines(codes_file)
    code_count = #codes
    cursor = tonumber(os.getenv("BENCH_CODES_OFFSET") or "0") + thread_index
    last_sent = {}
  else
    fixed_request = wrk.format(method, path, headers, body_template)
  end

  collect_pattern = os.getenv("BENCH_COLLECT_PATTERN")
  if collect_pattern and collect_pattern ~= "" then
    collect_out = assert(io.open(os.getenv("BENCH_COLLECT_FILE") .. "." .. thread_index, "a"))
    -- wrk never closes a thread's Lua state, so nothing may wait in a buffer at exit.
    collect_out:setvbuf("line")
  end
end

function request()
  sent = sent + 1
  if fixed_request then return fixed_request end
  local index = cursor % code_count + 1
  cursor = cursor + thread_count
  local now = os.time()
  local last = last_sent[index]
  if last and now - last <= INTERVAL_S then early = early + 1 end
  last_sent[index] = now
  local body = body_template:gsub("{code}", codes[index])
  return wrk.format(method, path, headers, body)
end

local function label(status, body)
  local code = body and (body:match('"error"%s*:%s*"([^"]+)"') or body:match('"code"%s*:%s*"([^"]+)"'))
  if code then return status .. " " .. code:sub(1, 64) end
  return tostring(status)
end

function response(status, response_headers, body)
  if status == expect_status and (not expect_body or (body and body:find(expect_body, 1, true))) then
    expected = expected + 1
    if collect_out then
      local value = body:match(collect_pattern)
      if value then collect_out:write(value, "\n") end
    end
  else
    local kind = label(status, body)
    unexpected[kind] = (unexpected[kind] or 0) + 1
  end
end

local function json_string(value)
  return '"' .. tostring(value):gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

function done(summary, latency, requests)
  local total_expected, total_early, total_sent, max_cursor = 0, 0, 0, 0
  local kinds = {}
  for _, thread in ipairs(threads) do
    total_expected = total_expected + thread:get("expected")
    total_early = total_early + thread:get("early")
    total_sent = total_sent + thread:get("sent")
    local reached = thread:get("cursor")
    if reached and reached > max_cursor then max_cursor = reached end
    local theirs = thread:get("unexpected")
    for kind, count in pairs(theirs) do kinds[kind] = (kinds[kind] or 0) + count end
  end
  local parts = {}
  for kind, count in pairs(kinds) do parts[#parts + 1] = json_string(kind) .. ":" .. count end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"sent":%d,"expected":%d,"early":%d,' ..
    '"cursor":%d,"unexpected":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, total_sent, total_expected, total_early, max_cursor,
    table.concat(parts, ","), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
