#!/usr/bin/env bash
# Scale-out (issue 18): the same loads on three setups, side by side in one
# run —
#
#   sqlite   one `gazette serve` on the site's SQLite file (the default)
#   pg1      one node on PostgreSQL (the site moved there by `gazette
#            migrate --to`), `db = postgresql://…` in gazette.conf
#   pg2      two nodes on that database behind nginx (an upstream of both)
#
# and the loads:
#
#   page      one article page, over and over (the page cache answers)
#   articles  a random article per request, uniformly over the site's
#             articles (bench/site.lua), the page cache filling as they are
#             read, as on a real site: a miss reads the database
#   uncached  the same with no page cache (`serve --cache-mb 0`; sqlite and
#             pg1 only): every request renders its page and reads the
#             database, the path a cache miss takes (on PostgreSQL 4 round
#             trips a page: decision 101)
#   submit    comments POSTed through the JSON API (bench/submit.lua), each
#             a write transaction; every 201 must be in the database
#
# Each run prints req/s, p50 and p99, and the CPU time per request of
# gazette (all its nodes) and of PostgreSQL (the postmaster and every
# backend), from /proc.  On a 2-core machine two nodes cannot show scaling:
# they share the cores with PostgreSQL and wrk.  What follows instead is
# the computation printed at the end: a node serving R req/s costs
# R * gazette_us of CPU there and R * pg_us on the database's machine, so
# N nodes of C cores each serve up to N * C / gazette_us requests a second
# until the database's D cores are full at D / pg_us.
#
# PostgreSQL runs as a throw-away cluster (tests/pg/cluster) with its
# durable defaults (GAZETTE_PG_DURABLE=1: fsync and synchronous commit on,
# as SQLite's synchronous=FULL), on a Unix socket.
#
# Environment (and common.bash's BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS,
# BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN):
#   BENCH_CLUSTER_POSTS  posts generated (default 2000)
#   BENCH_CONNS          wrk connections for the reads (default 64)
#   BENCH_SUBMIT_CONNS   concurrent comment posters (default 16)
#   BENCH_CLUSTER_CASES  loads, in order (default "page articles uncached
#                        submit")
set -euo pipefail
BENCH_NAME=cluster.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
CONNS=${BENCH_CONNS:-64}
POSTS=$(count_var BENCH_CLUSTER_POSTS 2000)
SUBMIT_CONNS=$(count_var BENCH_SUBMIT_CONNS 16)
CASES=${BENCH_CLUSTER_CASES:-page articles uncached submit}
PG_CLUSTER=$ROOT/tests/pg/cluster
PG_BIN=/usr/lib/postgresql/15/bin
[[ -x $PG_BIN/initdb ]] || die "no PostgreSQL 15 in $PG_BIN (apt-get install postgresql-15)"
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client-15)"
command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
bench_setup

# The cluster lives outside $TMP: the postgres user must get into its
# parent, which mktemp makes closed.
PG_PARENT=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench-pg.XXXXXX")
chmod 755 "$PG_PARENT"
PG_DIR=$PG_PARENT/db
NODE2_PID=
cluster_cleanup() {
	local rc=$?
	[[ -n $NODE2_PID ]] && kill -TERM "$NODE2_PID" 2>/dev/null
	"$PG_CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || true
	rm -rf "$PG_PARENT"
	(exit "$rc")
	bench_cleanup
}
trap cluster_cleanup EXIT

# --- the site, on both engines ---------------------------------------------
SITE=$TMP/site
"$BIN" demo --site "$SITE" --posts "$POSTS" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
	die "gazette demo failed: $(tail -n 3 "$TMP/demo.err")"
for kv in "comments_hold none" "comments_min_seconds 0" "comments_rate_minute 0" \
	"comments_rate_hour 0" "comments_max_links 1000"; do
	# shellcheck disable=SC2086
	"$BIN" settings set $kv --site "$SITE" >/dev/null || die "settings set $kv failed"
done
PG_URL=$(GAZETTE_PG_DURABLE=1 "$PG_CLUSTER" start "$PG_DIR") || die "the PostgreSQL cluster would not start"
t=$(date +%s)
"$BIN" migrate --site "$SITE" --to "$PG_URL" >"$TMP/migrate.out" 2>"$TMP/migrate.err" ||
	die "gazette migrate failed: $(tail -n 3 "$TMP/migrate.err")"
echo "site: $POSTS posts (gazette demo), moved to PostgreSQL in $(($(date +%s) - t)) s ($(tail -n 1 "$TMP/migrate.err" | sed 's/^gazette: //'))"
# The same site folder on PostgreSQL: its media and gazette.conf, and db.
PG_SITE=$TMP/site-pg
cp -a "$SITE" "$PG_SITE"
rm -f "$PG_SITE"/gazette.db*
printf '\ndb = %s\n' "$PG_URL" >>"$PG_SITE/gazette.conf"

# The articles, from the SQLite site's sitemaps; the post comments go to.
gazette_serve "$SITE"
curl -fsS --max-time 60 -o "$TMP/sitemap.xml" "$GAZETTE_URL/sitemap.xml" || die "could not read /sitemap.xml"
grep -hoE '<loc>[^<]*' "$TMP/sitemap.xml" | sed -E 's|^<loc>https?://[^/]+||' |
	grep -E '^/[0-9]{4}/[0-9]{2}/[0-9]{2}/[A-Za-z0-9._~-]+/$' >"$TMP/articles" || die "no articles in the sitemap"
PAGE=$(first_post_path)
SUBMIT_ID=$(curl -fsS --max-time 10 "$GAZETTE_URL$PAGE" | grep -oE 'data-post-id="[0-9]+"' | head -n 1 | grep -oE '[0-9]+') ||
	die "no data-post-id on $PAGE"
gazette_stop
echo "loads: $CASES; reads wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s, submit -c$SUBMIT_CONNS;" \
	"$(wc -l <"$TMP/articles") articles; gazette --threads $WORKERS a node; $(nproc) CPUs"
echo

pg_pids() {
	local pm
	pm=$(head -n 1 "$PG_DIR/postmaster.pid")
	echo "$pm" "$(ps -o pid= --ppid "$pm" | paste -sd ' ' -)"
}

# One run: setup load url pids-of-gazette [wrk args...]
declare -A RUN_G RUN_P
run_case() {
	local setup=$1 load=$2 url=$3 gpids=$4 out g0 p0 g1 p1 gus pus marker lua sent created other
	shift 4
	local ppids
	read -r -a ppids <<<"$(pg_pids)"
	# shellcheck disable=SC2086
	g0=$(cpu_ticks $gpids)
	p0=$(cpu_ticks "${ppids[@]}")
	if [[ $load == submit ]]; then
		marker="m$setup$RANDOM"
		out=$(wrk -t"$WRK_THREADS" -c"$SUBMIT_CONNS" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/submit.lua" \
			"$url" -- "$SUBMIT_ID" "$marker" "$url" "$(((SUBMIT_CONNS + WRK_THREADS - 1) / WRK_THREADS))")
	else
		out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency "$url" "$@")
	fi
	wrk_parse "$out" || die "could not parse wrk output for $setup $load:"$'\n'"$out"
	# shellcheck disable=SC2086
	g1=$(cpu_ticks $gpids)
	read -r -a ppids <<<"$(pg_pids)" # backends come and go: those alive now
	p1=$(cpu_ticks "${ppids[@]}")
	gus=$(awk -v t=$((g1 - g0)) -v hz="$HZ" -v n="$WRK_REQS" 'BEGIN { printf "%.0f", n ? 1e6 * t / hz / n : 0 }')
	pus=$(awk -v t=$((p1 - p0)) -v hz="$HZ" -v n="$WRK_REQS" 'BEGIN { v = n ? 1e6 * t / hz / n : 0; printf "%.0f", v < 0 ? 0 : v }')
	[[ $setup == sqlite ]] && pus=0
	RUN_G[$setup.$load]=$gus
	RUN_P[$setup.$load]=$pus
	printf '%-8s %-9s %10.0f %8s %8s %11s %8s\n' "$setup" "$load" "$WRK_RPS" "$(to_ms "$WRK_P50")" "$(to_ms "$WRK_P99")" "$gus" "$pus"
	[[ -n $WRK_ERRS ]] && NOTES+=("$setup $load: $WRK_ERRS")
	if [[ $load == submit ]]; then
		lua=$(grep '^lua: ' <<<"$out") || die "$setup submit: no totals from submit.lua"
		read -r _ _ sent _ created _ other _ <<<"$lua"
		((other == 0)) || NOTES+=("$setup submit: $other answers were not 201: $lua")
		sleep 0.5
		local in_db
		if [[ $setup == sqlite ]]; then
			in_db=$(sqlite3 "$SITE/gazette.db" "SELECT count(*) FROM comments WHERE body_src LIKE 'Bench comment $marker %'")
		else
			in_db=$(psql -X -Atc "SELECT count(*) FROM comments WHERE body_src LIKE 'Bench comment $marker %'" "$PG_URL")
		fi
		((in_db >= created && in_db <= sent)) ||
			die "$setup: $created comments answered 201 ($sent sent), but $in_db in the database"
	fi
	return 0
}

run_setup() { # setup url gazette-pids
	local c
	for c in $CASES; do
		case $c in
		page) run_case "$1" page "$2$PAGE" "$3" ;;
		articles) run_case "$1" articles "$2" "$3" -s "$ROOT/bench/site.lua" -- "$TMP/articles" uniform 1 ;;
		submit) run_case "$1" submit "$2" "$3" ;;
		uncached) ;; # run_uncached, on a server of its own
		*) die "BENCH_CLUSTER_CASES: no load '$c'" ;;
		esac
	done
}

run_uncached() { # setup site
	[[ " $CASES " == *" uncached "* ]] || return 0
	gazette_serve "$2" --cache-mb 0
	run_case "$1" uncached "$GAZETTE_URL" "$GAZETTE_PID" -s "$ROOT/bench/site.lua" -- "$TMP/articles" uniform 1
	gazette_stop
}

printf '%-8s %-9s %10s %8s %8s %11s %8s\n' setup load req/s p50_ms p99_ms gazette_us pg_us
gazette_serve "$SITE"
run_setup sqlite "$GAZETTE_URL" "$GAZETTE_PID"
gazette_stop
run_uncached sqlite "$SITE"

run_uncached pg1 "$PG_SITE"
gazette_serve "$PG_SITE"
run_setup pg1 "$GAZETTE_URL" "$GAZETTE_PID"
NODE1_URL=$GAZETTE_URL
: >"$TMP/node2.out"
"$BIN" serve --site "$PG_SITE" --listen 127.0.0.1:0 --threads "$WORKERS" >"$TMP/node2.out" 2>"$TMP/node2.err" &
NODE2_PID=$!
NODE2_URL=
for _ in $(seq 200); do
	NODE2_URL=$(sed -n 's|^listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$TMP/node2.out" | head -n 1)
	[[ -n $NODE2_URL ]] && break
	kill -0 "$NODE2_PID" 2>/dev/null || die "the second node exited: $(tail -n 3 "$TMP/node2.err")"
	sleep 0.1
done
[[ -n $NODE2_URL ]] || die "the second node printed no 'listening on' line"
nginx_start "    location / {
        proxy_pass http://gazette;
        proxy_http_version 1.1;
        proxy_set_header Connection \"\";
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }" "    upstream gazette {
        server ${NODE1_URL#http://} max_fails=1 fail_timeout=5s;
        server ${NODE2_URL#http://} max_fails=1 fail_timeout=5s;
        keepalive 64;
    }"
run_setup pg2 "$NGINX_URL" "$GAZETTE_PID $NODE2_PID"

echo
echo "(gazette_us: CPU time of every gazette node per request; pg_us: of PostgreSQL per request;"
echo " pg2 goes through nginx, whose CPU is in neither)"
echo
echo "what N nodes could serve, from the CPU per request (not measured: computed):"
for c in $CASES; do
	g=${RUN_G[pg1.$c]:-0}
	p=${RUN_P[pg1.$c]:-0}
	awk -v c="$c" -v g="$g" -v p="$p" 'BEGIN {
		if (g <= 0) { printf "  %-9s no figure\n", c; exit }
		printf "  %-9s a node costs %d us of its CPU and %d us of the database'"'"'s per request:\n", c, g, p
		printf "            one 2-core node: %.0f req/s; N such nodes: N x %.0f", 2e6 / g, 2e6 / g
		if (p > 0) printf ", until a 4-core database is full at %.0f req/s (N = %.1f)\n", 4e6 / p, (4e6 / p) / (2e6 / g)
		else print ""
	}'
done
if ((${#NOTES[@]})); then
	echo
	echo "errors reported by wrk (the req/s of such a run are not comparable), and notes:"
	printf '  %s\n' "${NOTES[@]}"
fi
kill -0 "$GAZETTE_PID" 2>/dev/null || die "node 1 died during the benchmark"
kill -0 "$NODE2_PID" 2>/dev/null || die "node 2 died during the benchmark"
