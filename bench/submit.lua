-- Comment submission for bench/comments.sh and bench/cluster.sh: each
-- request POSTs a JSON comment to /api/v1/comments with a unique body (the
-- thread's number and a counter, so the duplicate rule never answers 409)
-- from one of the thread's share of addresses (X-Forwarded-For, trusted
-- from loopback); done() prints the totals of all threads as
-- "lua: sent N created N other N STATUSES".
--
-- Arguments after wrk's --: POST_ID MARKER ORIGIN ADDRESSES_PER_THREAD
-- (MARKER goes into every body, so a run's comments can be counted).

local threads = {}
local count = 0

setup = function(thread)
	thread:set("tid", count)
	count = count + 1
	table.insert(threads, thread)
end

init = function(args)
	post_id, marker, origin = args[1], args[2], args[3]
	per = tonumber(args[4])
	assert(post_id and marker and origin and per, "submit.lua: POST_ID MARKER ORIGIN ADDRESSES_PER_THREAD")
	sent, created, other, statuses = 0, 0, 0, ""
end

request = function()
	sent = sent + 1
	local who = sent % per
	return wrk.format("POST", "/api/v1/comments", {
		["Content-Type"] = "application/json",
		["Origin"] = origin,
		["X-Forwarded-For"] = string.format("10.99.%d.%d", tid % 256, who + 1),
	}, string.format('{"post_id":%s,"author":"Poster %d.%d","body":"Bench comment %s %d %d: ' ..
		'a reply to the briefing, with *some* emphasis and a [link](https://example.org/%d)."}',
		post_id, tid, who, marker, tid, sent, sent))
end

response = function(status, headers, body)
	if status == 201 then
		created = created + 1
	else
		other = other + 1
		if #statuses < 100 then statuses = statuses .. status .. " " end
	end
end

done = function(summary, latency, requests)
	local s, c, o, st = 0, 0, 0, ""
	for _, t in ipairs(threads) do
		s, c, o, st = s + t:get("sent"), c + t:get("created"), o + t:get("other"), st .. t:get("statuses")
	end
	io.write(string.format("lua: sent %d created %d other %d %s\n", s, c, o, st))
end
