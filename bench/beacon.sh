#!/usr/bin/env bash
# The view beacon: POST /api/v1/views/ID (Content-Type: application/json,
# body "{}", a browser's User-Agent), gazette vs nginx answering the same
# POST path with the same fixed JSON (`return 200 '...'`: no file, no
# upstream: the cheapest answer nginx has).
#
# gazette's side is the whole beacon path: route, Content-Type check, the
# bot filter, the post's state (in memory, re-read after each flush), the
# keyed hash of (address, post) and the window lookup, the JSON answer.
# Every request comes from 127.0.0.1, so after the first it is a repeat
# (counted:false): the path is the same, only the pending-count increment
# and the flush's write are skipped. Varied addresses are not needed.
#
# Environment: as post-page.sh (BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS,
# BENCH_CONNS default "64 256", BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN).
set -euo pipefail
BENCH_NAME=beacon.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

bench_setup
gazette_start
POST_PATH=$(first_post_path)
curl -fsS --max-time 10 -o "$TMP/post.html" "$GAZETTE_URL$POST_PATH" || die "could not fetch $POST_PATH"
POST_ID=$(grep -oE 'data-post-id="[0-9]+"' "$TMP/post.html" | head -n 1 | grep -oE '[0-9]+') ||
	die "no data-post-id on $POST_PATH"
BEACON=/api/v1/views/$POST_ID

post() {
	curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' -A "$BENCH_UA" \
		-d '{}' -o "$TMP/beacon.json" -w '%{http_code}' "$1"
}
code=$(post "$GAZETTE_URL$BEACON") # the first: counted
[[ $code == 200 ]] || die "gazette answered $code to the beacon: $(cat "$TMP/beacon.json")"
code=$(post "$GAZETTE_URL$BEACON") # a repeat, as every request of the run
[[ $code == 200 ]] || die "gazette answered $code to the beacon: $(cat "$TMP/beacon.json")"
ANSWER=$(cat "$TMP/beacon.json")
[[ $ANSWER == *'"counted":false'* ]] || die "the repeat was counted: $ANSWER"
[[ $ANSWER != *"'"* && $ANSWER != *'\'* ]] || die "unexpected quote in $ANSWER"

nginx_start "        location = $BEACON {
            default_type application/json;
            return 200 '$ANSWER';
        }
        location / {
            return 404;
        }"
code=$(post "$NGINX_URL$BEACON")
[[ $code == 200 && $(cat "$TMP/beacon.json") == "$ANSWER" ]] ||
	die "nginx answered $code: $(cat "$TMP/beacon.json")"

cat >"$TMP/beacon.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "$BENCH_UA"
LUA

echo "view beacon POST $BEACON: wrk -t$WRK_THREADS -c{${CONNS// /,}} -d${SECONDS_PER_RUN}s --latency -s beacon.lua,"
echo "  gazette --threads $WORKERS vs nginx worker_processes $WORKERS answering the same path with"
echo "  return 200 '$ANSWER' (a fixed string), $(nproc) CPUs"
echo "  all from 127.0.0.1 with a browser User-Agent: after the first, every beacon is a repeat"
echo "gazette: $BIN"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo

measure beacon "$GAZETTE_URL$BEACON" "$NGINX_URL$BEACON" -s "$TMP/beacon.lua"
report
