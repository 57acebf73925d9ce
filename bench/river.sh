#!/usr/bin/env bash
# The river (issue 15): how fast feeds parse, and what fetching them costs
# the site's pages.
#
# 1. Parsing: build/bench/feed-parse (bench/feed-parse.c) reads every file
#    of the fixture corpus ($GAZETTE_FIXTURES/feeds: feedparser's cases,
#    miniflux's and rss-parser's real feeds) into memory and parses them
#    with feed_parse() again and again for BENCH_RIVER_PARSE_SECONDS;
#    prints items, feeds and MB parsed a second.
#
# 2. Fetching beside the article page: a demo site served by gazette, an
#    aggregator section following BENCH_RIVER_FEEDS feeds (default 500,
#    imported as OPML) of 20 items each, served as files by nginx on
#    loopback (with ETag and Last-Modified, so an unchanged feed is a 304);
#    every second BENCH_RIVER_CHANGED of them (default 5) get a new item.
#    Then wrk on the article page (as post-page.sh), alternating runs
#    without fetching (every feed's next fetch far away) and with the
#    server's feed thread fetching all of them in a cycle (every feed made
#    due again each second: a new cycle starts as soon as the last one
#    ended).  Prints the page's req/s and p99 for each run, the feeds
#    fetched a second during the fetching runs (nginx's log) and their
#    new headlines, and per round the ratio of req/s with fetching to
#    without.  Target: 0.90 or more (within 10%).
#
# Environment (and common.bash's BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS,
# BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN):
#   BENCH_RIVER_FEEDS          feeds followed (default 500)
#   BENCH_RIVER_CHANGED        feeds given a new item each second (default 5)
#   BENCH_RIVER_PARSE_SECONDS  seconds of parsing (default 5)
#   BENCH_CONNS                wrk connections (default 64)
#   GAZETTE_FIXTURES           the fixtures (default ../shared/fixtures)
set -euo pipefail
BENCH_NAME=river.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
CONNS=${BENCH_CONNS:-64}
FEEDS=$(count_var BENCH_RIVER_FEEDS 500)
CHANGED=${BENCH_RIVER_CHANGED:-5}
[[ $CHANGED =~ ^[0-9]+$ ]] || die "BENCH_RIVER_CHANGED: '$CHANGED' is not a number"
PARSE_SECONDS=$(count_var BENCH_RIVER_PARSE_SECONDS 5)
FIXTURES=${GAZETTE_FIXTURES:-$ROOT/../shared/fixtures}
PARSER=$(dirname "$BIN")/bench/feed-parse

bench_setup
[[ -x $PARSER ]] || die "no $PARSER (make build)"
[[ -d $FIXTURES/feeds ]] || die "no fixture feeds at $FIXTURES/feeds (set GAZETTE_FIXTURES)"
command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"

# --- 1. parsing ----------------------------------------------------------------
echo "parsing: $FIXTURES/feeds, every file in memory, for ${PARSE_SECONDS} s"
read -r _ files _ feeds _ items _ bytes _ passes _ secs < <("$PARSER" -s "$PARSE_SECONDS" "$FIXTURES/feeds")
awk -v f="$files" -v fd="$feeds" -v i="$items" -v b="$bytes" -v p="$passes" -v s="$secs" 'BEGIN {
	printf "  %d files (%.1f MB), %d of them feeds, %d items a pass; %d passes in %.1f s\n", f, b / 1e6, fd, i, p, s
	printf "  %.0f items/s, %.0f feeds/s, %.1f MB/s (one thread)\n", i * p / s, fd * p / s, b * p / s / 1e6 }'
echo

# --- 2. fetching beside the article page --------------------------------------
gazette_start
SITE=$TMP/site
DB=$SITE/gazette.db
POST_PATH=$(first_post_path)
gz() { "$BIN" "$@" --site "$SITE" >/dev/null 2>"$TMP/gz.err" || die "gazette $1 $2: $(tail -n 3 "$TMP/gz.err")"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$1"; }

# feed N at version V: its 20 newest items, V down to V-19
feed_file() {
	awk -v n="$1" -v v="$2" -v now="$(date +%s)" 'BEGIN {
		printf "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
		printf "<title>Feed %d</title><link>https://site%d.example/</link>", n, n
		for (k = v; k > v - 20; k--) {
			printf "<item><title>Feed %d, story %d</title>", n, k
			printf "<link>https://site%d.example/%d/</link><guid>feed-%d-%d</guid>", n, k, n, k
			printf "<description>Story %d of feed %d, as a feed reader sees it.</description>", k, n
			printf "<pubDate>%s</pubDate></item>", strftime("%a, %d %b %Y %H:%M:%S +0000", now - 60 * (v - k) - 600, 1)
		}
		printf "</channel></rss>\n" }' >"$TMP/www/feeds/$1.xml.tmp"
	mv "$TMP/www/feeds/$1.xml.tmp" "$TMP/www/feeds/$1.xml"
}
mkdir -p "$TMP/www/feeds"
declare -a VERSION
for n in $(seq "$FEEDS"); do
	VERSION[n]=20
	feed_file "$n" 20
done
nginx_start "        root $TMP/www;
        access_log $TMP/feeds.log;
        location / { }"

{
	echo '<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head><body>'
	for n in $(seq "$FEEDS"); do
		echo "<outline type=\"rss\" text=\"Feed $n\" xmlUrl=\"$NGINX_URL/feeds/$n.xml\"/>"
	done
	echo '</body></opml>'
} >"$TMP/feeds.opml"
gz settings set feeds_allow_private 1
# the demo's first aggregator section takes imported feeds
RIVER=$("$BIN" sections list --site "$SITE" | awk -F'\t' '$3 == "aggregator" { print $2; exit }')
if [[ -z $RIVER ]]; then
	RIVER=river
	gz sections add river --name River --kind aggregator
fi
# imported due: the feed thread starts fetching them at once
gz feeds import "$TMP/feeds.opml"

FAR=4102444800 # 2100-01-01: no fetch during the quiet runs
DUE_PID=
CHANGE_PID=
fetching_on() {
	(while :; do
		sql "UPDATE river_sources SET next_fetch_at = 0" || true
		sleep 1
	done) >/dev/null 2>&1 &
	DUE_PID=$!
	EXTRA_PIDS+=("$DUE_PID")
}
fetching_off() {
	kill "$DUE_PID" 2>/dev/null || true
	wait "$DUE_PID" 2>/dev/null || true
	DUE_PID=
	sql "UPDATE river_sources SET next_fetch_at = $FAR"
	# the batch in flight ends, then the thread is idle
	local n0 n1
	n1=$(wc -l <"$TMP/feeds.log")
	for _ in $(seq 300); do
		sleep 0.5
		n0=$n1
		n1=$(wc -l <"$TMP/feeds.log")
		((n0 == n1)) && return 0
	done
	die "the feed thread still fetches 150 s after the feeds were set far away"
}
# $CHANGED feeds a second get a new item, for as long as the script runs
(
	while :; do
		for _ in $(seq "$CHANGED"); do
			n=$((RANDOM % FEEDS + 1))
			VERSION[n]=$((${VERSION[n]:-20} + 1))
			feed_file "$n" "${VERSION[n]}"
		done
		sleep 1
	done
) >/dev/null 2>&1 &
CHANGE_PID=$!
EXTRA_PIDS+=("$CHANGE_PID")

# the first cycle stores 20 headlines a feed: wait for it, outside the runs
fetched=0
for _ in $(seq 600); do
	fetched=$(sql "SELECT count(*) FROM river_sources WHERE last_fetch_at > 0")
	((fetched == FEEDS)) && break
	sleep 0.5
done
((fetched == FEEDS)) || die "only $fetched of $FEEDS feeds fetched in 300 s"
errors=$(sql "SELECT count(*) FROM river_sources WHERE last_error <> ''")
((errors == 0)) || die "$errors feeds failed: $(sql "SELECT last_error FROM river_sources WHERE last_error <> '' LIMIT 1")"
fetching_off
river_page=$(curl -fsS --max-time 10 "$GAZETTE_URL/category/$RIVER/") || die "the river's page failed"
[[ $river_page == *'class="headline"'* ]] || die "the river's page shows no headline"

echo "article page $POST_PATH: wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency, gazette --threads $WORKERS, $(nproc) CPUs"
echo "beside it: $FEEDS feeds (20 items each, $CHANGED a second changed) served by nginx on loopback,"
echo "fetched by gazette's feed thread in a cycle during the 'fetching' runs"
echo "gazette: $BIN"
echo
printf '%-8s %5s %5s %-8s %12s %10s %10s %10s %8s\n' what conns round target req/s p50_ms p99_ms fetches/s new
declare -A PAGE
for round in $(seq "$ROUNDS"); do
	for mode in quiet fetching; do
		LABEL=$mode
		entries0=$(sql "SELECT count(*) FROM river_entries")
		lines0=$(wc -l <"$TMP/feeds.log")
		# (the first second of a fetching run: the cycle starting)
		[[ $mode == fetching ]] && fetching_on && sleep 1
		t0=$(date +%s.%N)
		wrk_run gazette "$GAZETTE_URL$POST_PATH" "$CONNS" "$round" >"$TMP/row"
		row=$(<"$TMP/row")
		t1=$(date +%s.%N)
		lines1=$(wc -l <"$TMP/feeds.log")
		[[ $mode == fetching ]] && fetching_off
		entries1=$(sql "SELECT count(*) FROM river_entries")
		read -r _ _ _ _ rps _ <<<"$row"
		PAGE[$mode.$round]=$rps
		printf '%s %10s %8s\n' "$row" \
			"$(awk -v n=$((lines1 - lines0)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')" \
			"$((entries1 - entries0))"
	done
done
echo
printf '%-8s %5s %22s\n' conns round 'req/s fetching/quiet'
for round in $(seq "$ROUNDS"); do
	printf '%-8s %5s %22s\n' "$CONNS" "$round" "$(awk -v f="${PAGE[fetching.$round]}" -v q="${PAGE[quiet.$round]}" \
		'BEGIN { if (q > 0) printf "%.2f", f / q; else print "-" }')"
done
echo "(the article page's req/s while $FEEDS feeds are fetched, over its req/s without; target >= 0.90)"
codes=$(awk '$7 ~ /^\/feeds\// { print $9 }' "$TMP/feeds.log" | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')
echo "feed answers in all: ${codes%, }"
if ((${#NOTES[@]})); then
	echo
	echo "errors reported by wrk (the req/s of such a run are not comparable), and notes:"
	printf '  %s\n' "${NOTES[@]}"
fi
kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve died during the benchmark"
