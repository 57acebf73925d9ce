-- bench/media.sh: GET of one file with a random single byte range of
-- CHUNK bytes each time, as an audio player seeking or a download resumed
-- in pieces.  Arguments (after --): the file's size, the chunk.
local size, chunk

function init(args)
	size = tonumber(args[1])
	chunk = tonumber(args[2])
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	local from = math.random(0, size - chunk)
	return wrk.format("GET", nil, { ["Range"] = "bytes=" .. from .. "-" .. (from + chunk - 1) })
end

function response(status, headers, body)
	if status ~= 206 then
		error("status " .. status)
	end
end
