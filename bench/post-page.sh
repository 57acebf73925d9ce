#!/usr/bin/env bash
# Article page: gazette vs nginx serving the same bytes from a file.
#
# Builds a demo site, starts `gazette serve` on a free loopback port, picks
# the first post permalink on its front page, saves that page's body as a
# static file under an nginx root at the same path, and runs wrk against
# both at each connection count, alternating (gazette, nginx, gazette,
# nginx) so drift on the machine hits both alike. gazette renders the page
# dynamically (header, live view count, sidebar, from its per-thread page
# cache while the database is unchanged); nginx sends a file. Two cases:
#
#   page  nobody is reading: no view is counted, the page cache holds.
#   live  readers are: a background wrk sends view beacons that count
#         (BENCH_LIVE_RATE a second, each from its own X-Forwarded-For
#         address), so the flush writes every second and every worker's
#         page cache is dropped and the page rendered again with the new
#         count, as on a site being read.
#
# Prints req/s, p50 and p99 latency per run and the gazette/nginx req/s
# ratio per round.
#
# Environment:
#   BENCH_SECONDS   wrk duration per run (default 10)
#   BENCH_ROUNDS    rounds of (gazette, nginx) per connection count (default 2)
#   BENCH_WORKERS   gazette --threads and nginx worker_processes (default 2)
#   BENCH_CONNS     wrk connection counts (default "64 256")
#   BENCH_WRK_THREADS  wrk threads (default 2)
#   BENCH_LIVE_RATE    counted views a second in the live case (default 20)
#   GAZETTE_BIN     binary to measure (default: build/gazette, the plain build;
#                   never measure the sanitizer build)
#   NGINX_BIN       default /usr/sbin/nginx
set -euo pipefail
BENCH_NAME=post-page.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

bench_setup
gazette_start
POST_PATH=$(first_post_path)

# --- nginx: the same bytes as a file ------------------------------------------
mkdir -p "$TMP/www$POST_PATH"
curl -fsS --max-time 10 -o "$TMP/www${POST_PATH}index.html" "$GAZETTE_URL$POST_PATH" ||
	die "could not fetch $POST_PATH from gazette"
nginx_start "        root $TMP/www;
        index index.html;
        location / {
            try_files \$uri \$uri/ =404;
        }"

check() { curl -s -o /dev/null --max-time 10 -w '%{http_code} %{size_download}\n' "$1"; }
read -r g_code g_size < <(check "$GAZETTE_URL$POST_PATH")
read -r n_code n_size < <(check "$NGINX_URL$POST_PATH")
[[ $g_code == 200 ]] || die "gazette answered $g_code for $POST_PATH"
[[ $n_code == 200 ]] || die "nginx answered $n_code for $POST_PATH"
[[ $g_size == "$n_size" ]] || die "body sizes differ: gazette $g_size, nginx $n_size bytes"

echo "post page $POST_PATH ($g_size bytes): wrk -t$WRK_THREADS -c{${CONNS// /,}} -d${SECONDS_PER_RUN}s --latency,"
echo "  gazette --threads $WORKERS (dynamic render, page cache) vs nginx worker_processes $WORKERS" \
	"serving the same bytes from a file, $(nproc) CPUs"
echo "gazette: $BIN"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo

measure page "$GAZETTE_URL$POST_PATH" "$NGINX_URL$POST_PATH"

# --- live: beacons counted while the page is measured ---------------------------
POST_ID=$(grep -oE 'data-post-id="[0-9]+"' "$TMP/www${POST_PATH}index.html" | head -n 1 | grep -oE '[0-9]+') ||
	die "no data-post-id on $POST_PATH"
LIVE_RATE=${BENCH_LIVE_RATE:-20}
[[ $LIVE_RATE =~ ^[1-9][0-9]*$ ]] || die "BENCH_LIVE_RATE: '$LIVE_RATE' is not a number"
views_now() { # the post's total, read with a bot's beacon (never counted)
	curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' -A 'curl (bench)' -d '{}' \
		"$GAZETTE_URL/api/v1/views/$POST_ID" | grep -oE '"views":[0-9]+' | grep -oE '[0-9]+'
}
views_before=$(views_now)
echo "$POST_ID" >"$TMP/live-ids"
views_start "$LIVE_RATE" "$TMP/live-ids"
sleep 1
measure live "$GAZETTE_URL$POST_PATH" "$NGINX_URL$POST_PATH"
views_stop
sleep 1.5 # the last flush
views_after=$(views_now)
# As a page rendered now shows it: the cached page may hold a count up to a
# minute old (views drop no cached page; the beacon's answer updates the
# reader's page), and a request with a cookie is never answered from it.
shown=$(curl -fsS --max-time 10 -H 'Cookie: render=now' "$GAZETTE_URL$POST_PATH" |
	grep -oE '<span data-views>[0-9]+' | grep -oE '[0-9]+$')
report
echo
echo "live: $((views_after - views_before)) views counted during the live runs" \
	"(about $LIVE_RATE a second); the page now shows $shown, the total is $views_after"
[[ $shown == "$views_after" ]] || die "the page shows $shown views, the total is $views_after"
