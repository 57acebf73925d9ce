-- View beacons for the bench scripts (common.bash's views_start): on one
-- connection, RATE a second on a fixed schedule, each a
-- POST /api/v1/views/ID as static/views.js sends it, for an id drawn at
-- random from IDS_FILE and from its own X-Forwarded-For address.
--
-- Arguments after wrk's --: IDS_FILE RATE RUN USER_AGENT.  RUN (1, 2, ...)
-- gives each views_start of a script its own addresses and draw, so no
-- beacon repeats an earlier run's (address, post), which would not count.
-- done() prints "views: answered N counted M seconds S".

local ids, interval, first, ua = {}, 1000, 0, ""
local sent, start = 0, nil
answered, counted = 0, 0 -- globals: done() reads them with thread:get

-- A monotonic clock in milliseconds (wrk's LuaJIT has ffi), so that the
-- rate holds whatever the answers' latency; without it, a fixed pause.
local now_ms
do
	local ok, ffi = pcall(require, "ffi")
	if ok then
		ffi.cdef [[
			struct views_timespec { long tv_sec; long tv_nsec; };
			int clock_gettime(int clock, struct views_timespec *ts);
		]]
		local ts = ffi.new("struct views_timespec")
		now_ms = function()
			ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
			return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
		end
	end
end

local threads = {}
setup = function(thread)
	threads[#threads + 1] = thread
end

init = function(args)
	for line in io.lines(args[1]) do
		if line:match("^%d+$") then
			ids[#ids + 1] = line
		end
	end
	assert(#ids > 0, "views.lua: no post ids in " .. tostring(args[1]))
	interval = 1000 / tonumber(args[2])
	local run = tonumber(args[3])
	first = (run - 1) * 1048576 -- 16 runs before the 10/8 addresses repeat
	ua = args[4]
	math.randomseed(run * 7919)
end

delay = function()
	if now_ms == nil then
		return math.floor(interval)
	end
	local now = now_ms()
	if start == nil then
		start = now
	end
	local d = start + sent * interval - now
	return d > 0 and math.floor(d) or 0
end

request = function()
	local n = (first + sent) % 16777216
	sent = sent + 1
	local ip = string.format("10.%d.%d.%d", math.floor(n / 65536),
		math.floor(n / 256) % 256, n % 256)
	return wrk.format("POST", "/api/v1/views/" .. ids[math.random(#ids)], {
		["Content-Type"] = "application/json",
		["User-Agent"] = ua,
		["X-Forwarded-For"] = ip,
	}, "{}")
end

response = function(status, headers, body)
	answered = answered + 1
	if status == 200 and body:find('"counted":true', 1, true) then
		counted = counted + 1
	end
end

done = function(summary, latency, requests)
	local a, c = 0, 0
	for _, t in ipairs(threads) do
		a = a + t:get("answered")
		c = c + t:get("counted")
	end
	io.write(string.format("views: answered %d counted %d seconds %.1f\n",
		a, c, summary.duration / 1e6))
end
