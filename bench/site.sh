#!/usr/bin/env bash
# A real site's traffic (issue 12): random pages of a large site, gazette
# against nginx serving static copies of the same pages.
#
# Generates a site of BENCH_SITE_POSTS posts with `gazette demo` (or reuses
# BENCH_SITE_DIR), reads the list of its articles from its sitemaps, saves
# every article page, and a sample of its deep list pages, with gazette's
# own bytes as PATH/index.html under nginx's root, then restarts gazette
# (so that nothing the copying read is cached), warms both servers up for
# 2 s of random articles each (not measured), and measures, each case
# gazette then nginx for BENCH_ROUNDS rounds, wrk choosing a path at random
# per request (bench/site.lua):
#
#   uniform  every article alike, views counted
#   zipf     articles by a Zipf law with s = 1 (rank k read in proportion
#            to 1/k, as readership is), views counted
#   deep     the sampled list pages (/page/N/, /category/S/page/N/,
#            /tag/T/page/N/, /YYYY/page/N/, /YYYY/MM/page/N/), views counted
#   quiet    uniform with no views counted
#   render   uniform, views counted, gazette started with --cache-mb 0: no
#            page cache, every request rendered; its cpu_us is the cost of
#            a cache miss with the network's, and a second run through
#            bench/timing.lua reads each page's Server-Timing (the
#            thread CPU time of making it: issue 12's target, 50 µs)
#
# "Views counted": a background wrk POSTs BENCH_SITE_VIEW_RATE view beacons
# a second (bench/views.lua) on random articles from random addresses, for
# the whole case, the nginx runs included: the beacons only reach gazette,
# but they are part of a site being read, and the machine's load then is
# the same for both sides.  The counts are flushed every second; that
# drops no cached page (a page may show a count up to a minute old).
#
# Prints req/s, p50 and p99 per run, the load average before it, the
# server's CPU time per request (µs, from /proc; nginx: master and workers)
# and gazette's VmRSS and RssAnon after the run; then the gazette/nginx
# ratios of req/s and p99 per round, and checks that the views were
# counted.  Targets (issue 12, on 2 CPUs): uniform >= 0.5 at 20,000 posts,
# and within 10% of that at 100,000; zipf >= 0.9; p99 ratio <= 2; deep
# >= 0.3.
#
# Environment (and common.bash's BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS,
# BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN):
#   BENCH_SITE_POSTS       posts generated (default 20000; up to 100000)
#   BENCH_SITE_DIR         a site to reuse (kept); generated there the first
#                          time.  A reused site is only changed by the views
#                          this script counts
#   BENCH_SITE_VIEW_RATE   view beacons a second (default 50)
#   BENCH_SITE_LIST_PAGES  deep list pages sampled (default 300)
#   BENCH_SITE_WARM        seconds of random articles on each server before
#                          the runs (default 2; 30 or more at 100,000 posts
#                          to measure a site that has been read a while)
#   BENCH_SITE_CASES       cases, in order (default "uniform zipf deep quiet
#                          render")
#   BENCH_SITE_PERF        a file: after the cases, profile one more uniform
#                          run of gazette with `perf record -g` into it
#   BENCH_CONNS            wrk connections (default 64)
set -euo pipefail
BENCH_NAME=site.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
CONNS=${BENCH_CONNS:-64}
POSTS=$(count_var BENCH_SITE_POSTS 20000)
VIEW_RATE=$(count_var BENCH_SITE_VIEW_RATE 50)
LIST_PAGES=$(count_var BENCH_SITE_LIST_PAGES 300)
WARM=$(count_var BENCH_SITE_WARM 2)
CASES=${BENCH_SITE_CASES:-uniform zipf deep quiet render}
PERF_OUT=${BENCH_SITE_PERF:-}
SEED=1 # of the draws in site.lua, the Zipf ranks and the list-page sample
for c in $CASES; do
	case $c in uniform | zipf | deep | quiet | render) ;; *) die "BENCH_SITE_CASES: no case '$c'" ;; esac
	[[ $(tr ' ' '\n' <<<"$CASES" | grep -cx "$c") == 1 ]] || die "BENCH_SITE_CASES: '$c' twice"
done
[[ -z $PERF_OUT ]] || command -v perf >/dev/null || die "BENCH_SITE_PERF: perf not found (apt-get install linux-perf)"
bench_setup

elapsed() { echo "$(($(date +%s) - $1))"; }

# --- the site -------------------------------------------------------------------
SITE=${BENCH_SITE_DIR:-$TMP/site}
if [[ -n ${BENCH_SITE_DIR:-} && -f $SITE/gazette.db ]]; then
	echo "reusing the site in $SITE (this script changes it only by the views it counts)"
else
	[[ ! -e $SITE || -z $(ls -A "$SITE") ]] || die "BENCH_SITE_DIR: $SITE is not empty and holds no gazette.db"
	t=$(date +%s)
	"$BIN" demo --site "$SITE" --posts "$POSTS" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
		die "gazette demo failed: $(tail -n 3 "$TMP/demo.err")"
	echo "generated $POSTS posts in $(elapsed "$t") s (gazette demo --posts $POSTS)"
fi
gazette_serve "$SITE"

# Every URL in the sitemaps, as a path: /sitemap.xml, or the sitemaps its
# index names (past LIM_SITEMAP_URLS URLs).  Their <loc>s carry the site's
# configured URL, not the address served here.
t=$(date +%s)
curl -fsS --max-time 120 -o "$TMP/sitemap-0.xml" "$GAZETTE_URL/sitemap.xml" || die "could not read /sitemap.xml"
locs() { grep -hoE '<loc>[^<]*' "$@" | sed -E 's|^<loc>https?://[^/]+||; s|&amp;|\&|g'; }
if grep -q '<sitemapindex' "$TMP/sitemap-0.xml"; then
	n=0
	while read -r p; do
		n=$((n + 1))
		curl -fsS --max-time 120 -o "$TMP/sitemap-$n.xml" "$GAZETTE_URL$p" || die "could not read $p"
	done < <(locs "$TMP/sitemap-0.xml")
	locs "$TMP"/sitemap-[1-9]*.xml >"$TMP/urls"
else
	locs "$TMP/sitemap-0.xml" >"$TMP/urls"
fi
# Articles are /YYYY/MM/DD/slug/.  A slug that needs percent-encoding would
# name its file differently from its URL for nginx, so such articles are
# left out (a demo site has none).
ARTICLE='^/[0-9]{4}/[0-9]{2}/[0-9]{2}/'
grep -E "${ARTICLE}[A-Za-z0-9._~-]+/\$" "$TMP/urls" >"$TMP/articles" || die "no articles in the sitemaps"
NARTICLES=$(wc -l <"$TMP/articles")
skipped=$(grep -E "$ARTICLE" "$TMP/urls" | grep -cvE "${ARTICLE}[A-Za-z0-9._~-]+/\$") || true
echo "sitemaps: $(wc -l <"$TMP/urls") URLs, $NARTICLES articles"
((skipped == 0)) || echo "  ($skipped more left out: their slugs need percent-encoding)"
((NARTICLES == POSTS)) || echo "  (BENCH_SITE_POSTS is $POSTS: the site holds another number of posts)"

mirror_paths "$TMP/articles" >"$TMP/mirrored"
read -r nfiles mib <"$TMP/mirrored"
echo "mirrored $nfiles article pages ($mib MiB) in $(elapsed "$t") s"

# The ids for the view beacons, and the tags, from the pages themselves.
t=$(date +%s)
grep -rhoE 'data-post-id="[0-9]+"|href="/tag/[A-Za-z0-9._~-]+/"' "$TMP/www" >"$TMP/found"
grep -oE '^data-post-id="[0-9]+' "$TMP/found" | grep -oE '[0-9]+$' | sort -un >"$TMP/ids"
[[ -s $TMP/ids ]] || die "no data-post-id in the article pages"

# The lists with more than one page: the front page, the sections, the tags
# and the archives of years and months, each with its number of pages from
# its first page ("Page 1 of N").
{
	echo /
	grep -E '^/category/[A-Za-z0-9._~-]+/$' "$TMP/urls" || true
	grep -oE '/tag/[^/]+/' "$TMP/found" | sort -u
	grep -oE '^/[0-9]{4}/([0-9]{2}/)?' "$TMP/articles" | sort -u
	sed -E 's|^(/[0-9]{4}/)[0-9]{2}/.*|\1|' "$TMP/articles" | sort -u
} | awk '!seen[$0]++' >"$TMP/lists"
while read -r base; do
	pages=$(curl -fsS --max-time 120 "$GAZETTE_URL$base" | grep -oE 'Page 1 of [0-9]+' | grep -oE '[0-9]+$') || true
	if [[ -n $pages ]] && ((pages > 1)); then
		echo "$base $pages"
	fi
done <"$TMP/lists" >"$TMP/list-pages"
[[ -s $TMP/list-pages ]] || die "no list with a second page"
# LIST_PAGES of all the lists' pages past the first, one drawn at random
# from each of LIST_PAGES equal stretches of them in turn, so the sample
# spans every list and every depth.
awk -v k="$LIST_PAGES" -v seed="$SEED" '
	{ base[NR] = $1; deep[NR] = $2 - 1; total += deep[NR] }
	END {
		srand(seed)
		if (k > total) k = total
		for (i = 0; i < k; i++) {
			lo = int(i * total / k); hi = int((i + 1) * total / k)
			x = lo + int(rand() * (hi - lo))
			for (j = 1; x >= deep[j]; j++) x -= deep[j]
			printf "%spage/%d/\n", base[j], x + 2
		}
	}' "$TMP/list-pages" >"$TMP/deep"
NLISTS=$(wc -l <"$TMP/list-pages")
DEEP_TOTAL=$(awk '{ t += $2 - 1 } END { print t }' "$TMP/list-pages")
mirror_paths "$TMP/deep" >"$TMP/mirrored"
read -r ndeep dmib <"$TMP/mirrored"
echo "mirrored $ndeep of the $DEEP_TOTAL list pages past the first of $NLISTS lists ($dmib MiB) in $(elapsed "$t") s"

# Zipf ranks: the articles in an order shuffled with a fixed seed, rank 1
# first.  Not newest first: that would put the most read posts side by side
# in the database and in the file tree, and the benchmark would then also
# measure locality, which a popular old post does not have.
awk -v seed="$SEED" 'BEGIN { srand(seed) } { printf "%.9f\t%s\n", rand(), $0 }' "$TMP/articles" |
	sort -k1,1 | cut -f2- >"$TMP/zipf"

# A fresh server: nothing the copying read stays in its page cache.
gazette_stop
gazette_serve "$SITE"

# nginx: the copies, each path's file opened directly, and a cache of open
# files as large as the files or half the descriptors a worker may hold.
nofile=$(ulimit -n)
NGINX_OPEN_FILES=$((nfiles + ndeep))
[[ $nofile == unlimited ]] || ((NGINX_OPEN_FILES <= nofile / 2)) || NGINX_OPEN_FILES=$((nofile / 2))
nginx_start "        root $TMP/www;
        location / {
            try_files \${uri}index.html =404;
        }"

check() { curl -s -o /dev/null --max-time 60 -w '%{http_code} %{size_download}\n' "$1"; }
for p in "$(head -n 1 "$TMP/articles")" "$(tail -n 1 "$TMP/articles")" "$(head -n 1 "$TMP/deep")"; do
	read -r g_code g_size < <(check "$GAZETTE_URL$p")
	read -r n_code n_size < <(check "$NGINX_URL$p")
	[[ $g_code == 200 && $n_code == 200 ]] || die "$p: gazette answered $g_code, nginx $n_code"
	[[ $g_size == "$n_size" ]] || die "$p: gazette sent $g_size bytes, nginx $n_size"
done

# Views in the database so far (read-only; sqlite3 is optional).
views_total() {
	command -v sqlite3 >/dev/null || return 0
	sqlite3 -readonly "$SITE/gazette.db" 'SELECT coalesce(sum(views_total), 0) FROM posts'
}
views_before=$(views_total)

# Warm-up, not measured: WARM seconds of random articles on each server,
# so the first run does not pay for a fresh process (faulting its mapping
# of the database in, growing its heap), and, when long enough, so that
# the runs see a site that has been read for a while: at 100,000 posts a
# 10 s run from a cold start draws most articles for the first time, and
# so measures first renders only, which a site serving for days does not
# see.
# nginx first: gazette's pages live PAGE_CACHE_SECONDS (60), and a
# warm-up they outlived before the runs began would warm nothing.
LUA=$ROOT/bench/site.lua
for u in "$NGINX_URL/" "$GAZETTE_URL/"; do
	wrk -t"$WRK_THREADS" -c"${CONNS%% *}" -d"${WARM}s" --timeout 10s "$u" -s "$LUA" -- "$TMP/articles" uniform "$SEED" >/dev/null
done

echo
echo "site: $NARTICLES articles, database $(($(stat -c %s "$SITE/gazette.db") / 1048576)) MiB; $(nproc) CPUs;" \
	"gazette --threads $WORKERS, nginx $("$NGINX" -v 2>&1 | sed 's/^nginx version: nginx\///') worker_processes $WORKERS" \
	"(open_file_cache max=$NGINX_OPEN_FILES)"
echo "wrk -t$WRK_THREADS -c{${CONNS// /,}} -d${SECONDS_PER_RUN}s --timeout 10s --latency, a random path a request" \
	"(bench/site.lua, seed $SEED); views: $VIEW_RATE a second (uniform, zipf, deep); warm-up ${WARM} s each"
echo "load1: the load average before the run; cpu_us: the server's CPU time per request" \
	"(nginx: master + workers); rss/anon: gazette's VmRSS/RssAnon after the run"
echo "gazette: $BIN"
echo
PROC_STATS=1
MEM_CACHED=
RENDER_US=
VIEW_NOTES=()
counted=0
for c in $CASES; do
	case $c in
	uniform) paths=articles mode=uniform views=1 ;;
	zipf) paths=zipf mode=zipf views=1 ;;
	deep) paths=deep mode=uniform views=1 ;;
	quiet) paths=articles mode=uniform views= ;;
	render) paths=articles mode=uniform views=1 ;;
	esac
	if [[ $c == render ]]; then
		# No page cache: every request is a miss.  The memory of the
		# server with its cache, first.
		read -r rss anon <<<"$(proc_mem_kib "$GAZETTE_PID")"
		MEM_CACHED="VmRSS $((rss / 1024)) MiB, RssAnon $((anon / 1024)) MiB"
		gazette_stop
		gazette_serve "$SITE" --cache-mb 0
		wrk -t"$WRK_THREADS" -c"${CONNS%% *}" -d2s --timeout 10s "$GAZETTE_URL/" \
			-s "$LUA" -- "$TMP/articles" uniform "$SEED" >/dev/null
	fi
	[[ -n $views ]] && views_start "$VIEW_RATE" "$TMP/ids"
	measure "$c" "$GAZETTE_URL/" "$NGINX_URL/" --timeout 10s -s "$LUA" -- "$TMP/$paths" "$mode" "$SEED"
	if [[ $c == render ]]; then
		# The CPU time of each render, as gazette reports it per
		# request (Server-Timing), views still counted.
		RENDER_US=$(wrk -t"$WRK_THREADS" -c"${CONNS%% *}" -d"${SECONDS_PER_RUN}s" --timeout 10s \
			"$GAZETTE_URL/" -s "$ROOT/bench/timing.lua" -- "$TMP/articles" uniform "$SEED" |
			grep '^render_us:') || die "no render timing from gazette"
	fi
	if [[ -n $views ]]; then
		views_stop
		counted=$((counted + VIEWS_COUNTED))
		rate=$(awk -v n="$VIEWS_ANSWERED" -v s="$VIEWS_SECONDS" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
		VIEW_NOTES+=("$c: $VIEWS_ANSWERED beacons answered in $VIEWS_SECONDS s ($rate a second), $VIEWS_COUNTED counted")
	fi
done
report

if [[ -n $PERF_OUT ]]; then
	views_start "$VIEW_RATE" "$TMP/ids"
	perf record -g -o "$PERF_OUT" -p "$GAZETTE_PID" -- sleep "$SECONDS_PER_RUN" >"$TMP/perf.out" 2>&1 &
	perf_pid=$!
	EXTRA_PIDS+=("$perf_pid")
	wrk -t"$WRK_THREADS" -c"${CONNS%% *}" -d"${SECONDS_PER_RUN}s" --timeout 10s "$GAZETTE_URL/" \
		-s "$LUA" -- "$TMP/articles" uniform "$SEED" >/dev/null
	wait "$perf_pid" || die "perf record failed: $(tail -n 3 "$TMP/perf.out")"
	views_stop
	counted=$((counted + VIEWS_COUNTED))
	echo
	echo "profile of one more uniform run (views counted): $PERF_OUT;" \
		"perf report -i $PERF_OUT --no-children --sort symbol"
fi

read -r rss anon <<<"$(proc_mem_kib "$GAZETTE_PID")"
echo
if [[ -n ${RENDER_US:-} ]]; then
	echo "render (Server-Timing, thread CPU per page made, no cache; target mean <= 50):" \
		"${RENDER_US#render_us: } us"
fi
if [[ -n ${MEM_CACHED:-} ]]; then
	echo "gazette after the cached runs: $MEM_CACHED"
	echo "gazette after the render run (no page cache): VmRSS $((rss / 1024)) MiB, RssAnon $((anon / 1024)) MiB"
else
	echo "gazette after the runs: VmRSS $((rss / 1024)) MiB, RssAnon $((anon / 1024)) MiB"
fi
if ((${#VIEW_NOTES[@]})); then
	echo "views:"
	printf '  %s\n' "${VIEW_NOTES[@]}"
	((counted > 0)) || die "no view was counted"
	gazette_stop # SIGTERM flushes the last counts
	if [[ -n $views_before ]]; then
		views_after=$(views_total)
		# Each views_stop may leave one beacon in flight, which gazette
		# may still have counted.
		added=$((views_after - views_before))
		echo "  the posts' view totals in the database moved by $added (answered as counted: $counted)"
		((added >= counted && added <= counted + VIEWS_RUNS)) ||
			die "the database holds $added new views, gazette answered $counted as counted"
	fi
fi
