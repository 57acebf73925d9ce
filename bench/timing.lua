-- bench/site.sh's render timing: the same random paths as site.lua (whose
-- functions this loads), and from each answer the Server-Timing
-- "render;dur=MS" gazette sends for a page its cache did not hold (the
-- thread CPU time of making it).  Prints one line at the end:
--   render_us: n N mean M p50 P p90 Q p99 R
-- over the answers that carried it.  Arguments: as site.lua's.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "site.lua")

local threads = {}
local site_setup = setup
setup = function(thread)
	site_setup(thread)
	threads[#threads + 1] = thread
end

-- Per thread: a count per whole microsecond (capped at 100 ms), and n.
hist, n = {}, 0

response = function(status, headers, body)
	local v = headers["Server-Timing"] or headers["server-timing"]
	if v then
		local ms = tonumber(v:match("render;dur=([%d%.]+)"))
		if ms then
			local us = math.min(math.floor(ms * 1000 + 0.5), 100000)
			hist[us] = (hist[us] or 0) + 1
			n = n + 1
		end
	end
end

done = function(summary, latency, requests)
	local all, total, sum = {}, 0, 0
	for _, t in ipairs(threads) do
		for us, c in pairs(t:get("hist")) do
			all[us] = (all[us] or 0) + c
			total = total + c
			sum = sum + us * c
		end
	end
	if total == 0 then
		io.write("render_us: n 0\n")
		return
	end
	local keys = {}
	for us in pairs(all) do
		keys[#keys + 1] = us
	end
	table.sort(keys)
	local function pct(p)
		local want, seen = p * total, 0
		for _, us in ipairs(keys) do
			seen = seen + all[us]
			if seen >= want then
				return us
			end
		end
		return keys[#keys]
	end
	io.write(string.format("render_us: n %d mean %.1f p50 %d p90 %d p99 %d\n",
		total, sum / total, pct(0.5), pct(0.9), pct(0.99)))
end
