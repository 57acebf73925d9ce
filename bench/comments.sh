#!/usr/bin/env bash
# Comments: a post page carrying BENCH_PAGE_COMMENTS (1,000) approved
# comments, gazette vs nginx serving the same bytes from a file; and comment
# submission throughput with BENCH_SUBMIT_CONNS (32) concurrent posters.
#
# The comments are added the honest way, through the JSON API (with the
# rules that would refuse or hold them switched off: hold none, no rate
# limits, no minimum time): first top-level ones, so that with the demo's
# own threads the post has LIM_COMMENT_THREADS threads and every comment is
# on the first page, then replies to them. The page is then measured like
# post-page.sh's `page` case (the page cache holds: nothing is written).
#
# Submission: wrk -c$BENCH_SUBMIT_CONNS POSTs JSON comments to
# /api/v1/comments, each with a unique body (a counter in the Lua script,
# so the duplicate rule never answers 409) from one of $BENCH_SUBMIT_CONNS
# addresses (X-Forwarded-For, trusted from loopback), to another post. Each
# accepted comment is one write transaction with synchronous=FULL, so the
# figure depends on the disk's fsync. There is no nginx equivalent of
# storing a comment: the absolute figures are what counts; nginx answering
# the same POST with a fixed 201 (`return 201`) is printed for context only.
# After each gazette run the comments in the database are counted: every
# 201 wrk received must be there, and at most the requests wrk still had in
# flight when it stopped (which the server may have committed) on top.
#
# Environment: as post-page.sh (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS,
# BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN), and
#   BENCH_CONNS          wrk connections for the page (default 64)
#   BENCH_PAGE_COMMENTS  approved comments on the page (default 1000)
#   BENCH_SUBMIT_CONNS   concurrent posters (wrk connections, default 32)
set -euo pipefail
BENCH_NAME=comments.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
CONNS=${BENCH_CONNS:-64}
PAGE_COMMENTS=${BENCH_PAGE_COMMENTS:-1000}
SUBMIT_CONNS=${BENCH_SUBMIT_CONNS:-32}
[[ $PAGE_COMMENTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_PAGE_COMMENTS: '$PAGE_COMMENTS' is not a number"
[[ $SUBMIT_CONNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SUBMIT_CONNS: '$SUBMIT_CONNS' is not a number"
command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
THREADS_PER_PAGE=$(awk '$1 == "#define" && $2 == "LIM_COMMENT_THREADS" {print $3}' "$ROOT/src/util/limits.h")
[[ $THREADS_PER_PAGE =~ ^[1-9][0-9]*$ ]] || die "no LIM_COMMENT_THREADS in src/util/limits.h"

bench_setup
gazette_start
DB=$TMP/site/gazette.db
# The rules are read at each submission: no restart needed.
for kv in "comments_hold none" "comments_min_seconds 0" "comments_rate_minute 0" \
	"comments_rate_hour 0" "comments_max_links 1000"; do
	# shellcheck disable=SC2086
	"$BIN" settings set $kv --site "$TMP/site" >/dev/null || die "settings set $kv failed"
done

# Two posts from the front page: the one that gets the page's comments and
# the one submissions go to.
curl -fsS --max-time 10 -o "$TMP/front.html" "$GAZETTE_URL/" || die "could not read the front page"
mapfile -t POST_PATHS < <(grep -oE 'href="(https?://[^/"]+)?/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/"?#]+/"' "$TMP/front.html" |
	sed -E 's|^href="(https?://[^/"]+)?||; s|"$||' | awk '!seen[$0]++' | head -n 2)
((${#POST_PATHS[@]} == 2)) || die "fewer than two post links on the front page"
post_id() {
	curl -fsS --max-time 10 "$GAZETTE_URL$1" | grep -oE 'data-post-id="[0-9]+"' | head -n 1 | grep -oE '[0-9]+' ||
		die "no data-post-id on $1"
}
POST_PATH=${POST_PATHS[0]}
POST_ID=$(post_id "$POST_PATH")
SUBMIT_ID=$(post_id "${POST_PATHS[1]}")
api_field() { # post id, field of GET /api/v1/posts/ID/comments
	curl -fsS --max-time 10 "$GAZETTE_URL/api/v1/posts/$1/comments" | grep -oE "\"$2\":[0-9]+" | head -n 1 | grep -oE '[0-9]+$'
}
have=$(api_field "$POST_ID" count)
threads=$(api_field "$POST_ID" threads)
roots=$((THREADS_PER_PAGE - threads))
replies=$((PAGE_COMMENTS - have - roots))
((roots > 0 && replies >= 0)) ||
	die "post $POST_ID has $have comments in $threads threads: cannot make $PAGE_COMMENTS on one page"

# --- the comments, through the API -----------------------------------------
# One curl config block per comment: curl runs them in one process.
# $1 = file, $2 = first number, $3 = count, $4 = "parents" (space-separated
# ids to reply to in turn, or empty), $5 = write-out (awk -v reads its
# escapes: \\n for curl's \n), $6 = output.
comment_config() {
	awk -v url="$GAZETTE_URL" -v post="$POST_ID" -v first="$2" -v n="$3" -v parents="$4" \
		-v wo="$5" -v out="$6" 'BEGIN {
		split("the minister|the committee|the inspectorate|the regulator|the river commission|the auditors", who, "|")
		split("answered|avoided|repeated|corrected|dodged|clarified", did, "|")
		split("the question on the reserve fund|the figures from last week|the harvest estimates|the timetable|the satellite images", what, "|")
		np = split(parents, par, " ")
		for (i = first; i < first + n; i++) {
			if (i > first) print "next"
			body = sprintf("Comment %d. As I read the transcript, %s %s %s; *that* is the part worth quoting. " \
				"Compare the earlier briefing, where the wording was different, and see the [record](https://example.org/record/%d). " \
				"More of this, please.", i, who[i % 6 + 1], did[i % 6 + 1], what[i % 5 + 1], i)
			parent = np ? par[(i - first) % np + 1] : 0
			print "no-progress-meter"
			printf "url = \"%s/api/v1/comments\"\n", url
			print "header = \"Content-Type: application/json\""
			printf "header = \"Origin: %s\"\n", url
			printf "header = \"X-Forwarded-For: 10.%d.%d.%d\"\n", 50 + int(i / 65536) % 100, int(i / 256) % 256, i % 256
			printf "data = \"{\\\"post_id\\\":%d,\\\"parent_id\\\":%d,\\\"author\\\":\\\"Reader %d\\\",\\\"body\\\":\\\"%s\\\"}\"\n", post, parent, i % 97, body
			printf "write-out = \"%s\"\n", wo
			printf "output = \"%s\"\n", out
		}
	}' >"$1"
}
start=$(date +%s.%N)
# Top-level ones one after another (their ids are needed), then the replies
# 16 at a time.
comment_config "$TMP/roots.cfg" 1 "$roots" "" '\\n' '-'
curl --no-progress-meter -K "$TMP/roots.cfg" >"$TMP/roots.out" || die "posting the top-level comments failed"
mapfile -t ROOT_IDS < <(grep -oE '^\{"id":[0-9]+,"status":"approved"' "$TMP/roots.out" | grep -oE '[0-9]+')
((${#ROOT_IDS[@]} == roots)) || die "$roots top-level comments sent, ${#ROOT_IDS[@]} approved: $(head -c 300 "$TMP/roots.out")"
SAMPLE_ANSWER=$(head -n 1 "$TMP/roots.out")
if ((replies > 0)); then
	comment_config "$TMP/replies.cfg" $((roots + 1)) "$replies" "${ROOT_IDS[*]}" '%{http_code}\\n' /dev/null
	curl --no-progress-meter --parallel --parallel-max 16 -K "$TMP/replies.cfg" >"$TMP/replies.out" || die "posting the replies failed"
	ok=$(grep -c '^201$' "$TMP/replies.out" || true)
	((ok == replies)) || die "$replies replies sent, $ok answered 201: $(sort "$TMP/replies.out" | uniq -c | tr '\n' ' ')"
fi
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
read -r approved count < <(sqlite3 -separator ' ' "$DB" "SELECT (SELECT count(*) FROM comments WHERE post_id = $POST_ID AND status = 'approved'), comment_count FROM posts WHERE id = $POST_ID")
[[ $approved == "$PAGE_COMMENTS" && $count == "$PAGE_COMMENTS" ]] ||
	die "post $POST_ID: $approved approved comments, comment_count $count; wanted $PAGE_COMMENTS"

# --- nginx: the same page as a file, and a fixed 201 for the POST ----------
mkdir -p "$TMP/www$POST_PATH"
curl -fsS --max-time 30 -o "$TMP/www${POST_PATH}index.html" "$GAZETTE_URL$POST_PATH" ||
	die "could not fetch $POST_PATH from gazette"
shown=$(grep -oE '<li class="comment depth-[0-9]+"' "$TMP/www${POST_PATH}index.html" | wc -l)
((shown == PAGE_COMMENTS)) || die "$POST_PATH shows $shown comments, not $PAGE_COMMENTS"
[[ $SAMPLE_ANSWER != *"'"* && $SAMPLE_ANSWER != *'\'* ]] || die "unexpected quote in $SAMPLE_ANSWER"
nginx_start "        root $TMP/www;
        index index.html;
        location = /api/v1/comments {
            default_type application/json;
            return 201 '$SAMPLE_ANSWER';
        }
        location / {
            try_files \$uri \$uri/ =404;
        }"

check() { curl -s -o /dev/null --max-time 30 -w '%{http_code} %{size_download}\n' "$1"; }
read -r g_code g_size < <(check "$GAZETTE_URL$POST_PATH")
read -r n_code n_size < <(check "$NGINX_URL$POST_PATH")
[[ $g_code == 200 ]] || die "gazette answered $g_code for $POST_PATH"
[[ $n_code == 200 ]] || die "nginx answered $n_code for $POST_PATH"
[[ $g_size == "$n_size" ]] || die "body sizes differ: gazette $g_size, nginx $n_size bytes"

echo "post page $POST_PATH with $PAGE_COMMENTS approved comments ($g_size bytes; $roots top-level and $replies" \
	"replies added through the API in ${took}s):"
echo "  wrk -t$WRK_THREADS -c{${CONNS// /,}} -d${SECONDS_PER_RUN}s --latency, gazette --threads $WORKERS" \
	"(page cache) vs nginx worker_processes $WORKERS serving the same bytes from a file, $(nproc) CPUs"
echo "comment submission: wrk -t$WRK_THREADS -c$SUBMIT_CONNS -d${SECONDS_PER_RUN}s --latency -s submit.lua," \
	"POST /api/v1/comments, unique bodies from $SUBMIT_CONNS addresses;"
echo "  no nginx equivalent (nginx-201 is nginx's fixed 'return 201', for context only)"
echo "gazette: $BIN"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo

measure page "$GAZETTE_URL$POST_PATH" "$NGINX_URL$POST_PATH"

# --- submission ----------------------------------------------------------------
# bench/submit.lua: unique bodies, each thread cycling through its share of
# the addresses.
PER_THREAD=$(((SUBMIT_CONNS + WRK_THREADS - 1) / WRK_THREADS))

SUBMIT_NOTES=()
submit_run() { # target url round
	local name=$1 url=$2 round=$3 marker out rps p50 p99 lua sent created other in_db
	marker="run${round}${name//[^a-z]/}$RANDOM"
	out=$(wrk -t"$WRK_THREADS" -c"$SUBMIT_CONNS" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/submit.lua" \
		"$url" -- "$SUBMIT_ID" "$marker" "$url" "$PER_THREAD")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	lua=$(grep '^lua: ' <<<"$out") || true
	[[ -n $rps && -n $p50 && -n $p99 && -n $lua ]] || die "could not parse wrk output for $name:"$'\n'"$out"
	read -r _ _ sent _ created _ other _ <<<"$lua"
	printf '%-8s %5s %5s %-8s %12.0f %10s %10s\n' submit "$SUBMIT_CONNS" "$round" "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")"
	((other == 0)) || die "$name: $other answers were not 201: $lua"
	if [[ $name == gazette ]]; then
		sleep 0.5 # what was in flight when wrk stopped
		in_db=$(sqlite3 "$DB" "SELECT count(*) FROM comments WHERE body_src LIKE 'Bench comment $marker %' AND status = 'approved'")
		SUBMIT_NOTES+=("round $round: $created answered 201, $((sent - created)) in flight when wrk stopped;
    in the database: $in_db approved")
		((in_db >= created && in_db <= sent)) ||
			die "round $round: $created comments answered 201 ($sent sent), but $in_db in the database"
	fi
}
for round in $(seq "$ROUNDS"); do
	submit_run gazette "$GAZETTE_URL" "$round"
	submit_run nginx-201 "$NGINX_URL" "$round"
done

report
echo
echo "comment submission (gazette; every 201 must be in the database, plus at most what was in flight):"
printf '  %s\n' "${SUBMIT_NOTES[@]}"
read -r approved count < <(sqlite3 -separator ' ' "$DB" "SELECT (SELECT count(*) FROM comments WHERE post_id = $SUBMIT_ID AND status = 'approved'), comment_count FROM posts WHERE id = $SUBMIT_ID")
echo "  post $SUBMIT_ID now has $approved approved comments; its comment_count is $count"
[[ $approved == "$count" ]] || die "comment_count $count, approved comments $approved"
