-- Random paths for bench/site.sh: each request GETs one path drawn from
-- PATHS_FILE (one a line), uniformly or Zipf-distributed with s = 1 over
-- the lines in their order (line k is rank k, drawn with probability
-- (1/k) / H(n)).
--
-- Arguments after wrk's --: PATHS_FILE uniform|zipf SEED.  Each wrk thread
-- seeds its generator with SEED and its own number, so the threads draw
-- different sequences and every run with the same SEED the same ones:
-- gazette and nginx are sent the same requests.

local paths, pick = {}, nil
local nthreads = 0

setup = function(thread)
	thread:set("id", nthreads)
	nthreads = nthreads + 1
end

init = function(args)
	for line in io.lines(args[1]) do
		if line ~= "" then
			paths[#paths + 1] = line
		end
	end
	local n = #paths
	assert(n > 0, "site.lua: no paths in " .. tostring(args[1]))
	math.randomseed(tonumber(args[3]) * 1000003 + id) -- id: set by setup
	if args[2] == "uniform" then
		pick = function()
			return paths[math.random(n)]
		end
	elseif args[2] == "zipf" then
		-- cum[k] = H(k); the rank drawn is the first k with cum[k] >= u.
		local cum, h = {}, 0
		for k = 1, n do
			h = h + 1 / k
			cum[k] = h
		end
		pick = function()
			local u, lo, hi = math.random() * h, 1, n
			while lo < hi do
				local mid = math.floor((lo + hi) / 2)
				if cum[mid] < u then
					lo = mid + 1
				else
					hi = mid
				end
			end
			return paths[lo]
		end
	else
		error("site.lua: want uniform or zipf, not " .. tostring(args[2]))
	end
end

request = function()
	return wrk.format(nil, pick())
end
