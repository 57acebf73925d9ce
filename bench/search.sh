#!/usr/bin/env bash
# Search latency on a generated site (issue 6).
#
# Generates BENCH_SEARCH_POSTS posts (default 100,000) of about
# BENCH_SEARCH_WORDS words (default 800) with bench/search-gen.c, written
# as SQL straight into a new site's database through the sqlite3 shell
# (migration 005's triggers index them as they go in; about 3 minutes on 2
# CPUs), serves the site, and runs wrk at 16 connections against
# /search?q= and /api/v1/search?q= for one-word, three-word and phrase
# queries of words in three frequency classes:
#
#   rare     each word in about 0.05% of posts (400 words)
#   medium   about 2% (400 words)
#   common   about 30% (100 words, and the filler words in 25-35%)
#   all      (one-word only) the 20 most frequent filler words, in
#            95-100% of posts
#
# After a warm-up of 2 s per class (not measured: a fresh server faults
# its mapping of the database in as it first reads it), each (class, kind)
# sends hundreds of different queries (search-gen's queries.txt: 400
# one-word, 400 three-word and 200 phrases for rare and medium), each wrk
# thread starting at its own place in the list, so that a cache of results
# could not answer most of them; the "queries" column says how many.  Every request carries a Cookie, so gazette's page cache
# (which serves repeated anonymous GETs) never answers: every request runs
# the search.  The per-address search limit is turned off
# (search_rate_per_minute = 0).  Prints the measured share of posts per
# class, then req/s, p50 and p99 per (class, kind), and gazette's CPU time
# per request (from /proc, so it holds on a shared machine where latency
# does not); the target is p99 under 20 ms for rare, medium and phrases.
# There is no peer here: the figures are absolute, and the latencies only
# mean something with the machine otherwise idle (the load average before
# the runs is printed).
#
# Environment:
#   BENCH_SEARCH_POSTS    posts to generate (default 100000)
#   BENCH_SEARCH_WORDS    words per post (default 800)
#   BENCH_SEARCH_SECONDS  wrk duration per (class, kind) (default 5)
#   BENCH_SEARCH_CONNS    wrk connections (default 16)
#   BENCH_SEARCH_SITE     a site generated before to reuse (kept; default:
#                         generate one in the temp dir); it must come from
#                         the same search-gen corpus (the bench_corpus
#                         setting says which), or its words would not be
#                         the queries'
#   BENCH_SEARCH_ONLY     measure only these CLASS/KIND pairs and pages,
#                         e.g. "medium/three page" or "rare/one api"
#                         (default: every pair, page and api)
#   BENCH_WORKERS         gazette --threads (default 2)
#   GAZETTE_BIN           binary to measure (default build/gazette)
set -euo pipefail
BENCH_NAME=search.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

POSTS=${BENCH_SEARCH_POSTS:-100000}
WORDS=${BENCH_SEARCH_WORDS:-800}
SEARCH_SECONDS=${BENCH_SEARCH_SECONDS:-5}
SEARCH_CONNS=${BENCH_SEARCH_CONNS:-16}
ONLY=${BENCH_SEARCH_ONLY:-}
SQLITE3=${SQLITE3_BIN:-sqlite3}
CC=${CC:-cc}

[[ $POSTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_SEARCH_POSTS: '$POSTS' is not a number"
command -v "$SQLITE3" >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"
bench_setup
# posts_fts's tokenizer (decision 088), which sqlite3 loads to write posts.
STEM_EXT=${GAZETTE_SQLITE_EXT:-$(dirname "$BIN")/src/gazette_stem}
[[ -f $STEM_EXT.so ]] || die "no $STEM_EXT.so (built with gazette; GAZETTE_SQLITE_EXT names another)"

"$CC" -O2 -o "$TMP/search-gen" "$ROOT/bench/search-gen.c" -lm || die "cannot build bench/search-gen.c"
SITE=${BENCH_SEARCH_SITE:-$TMP/site}
if [[ -n ${BENCH_SEARCH_SITE:-} && -f $SITE/gazette.db ]]; then
	"$TMP/search-gen" -n "$POSTS" -w "$WORDS" -q "$TMP/queries.txt" >/dev/null
	want=$(sed -n '1s/^# //p' "$TMP/queries.txt")
	have=$("$SQLITE3" "$SITE/gazette.db" "SELECT value FROM settings WHERE key = 'bench_corpus'" 2>/dev/null) || true
	[[ $have == "$want" ]] ||
		die "$SITE holds corpus '${have:-older than search-gen 2}', not '$want': generate it again (unset BENCH_SEARCH_SITE, or point it at a new directory)"
	echo "reusing the site in $SITE ($have)"
else
	"$BIN" init --site "$SITE" >"$TMP/init.out" 2>"$TMP/init.err" ||
		die "gazette init failed: $(tail -n 3 "$TMP/init.err")"
	start=$(date +%s)
	"$TMP/search-gen" -n "$POSTS" -w "$WORDS" -q "$TMP/queries.txt" |
		"$SQLITE3" -cmd ".load $STEM_EXT" "$SITE/gazette.db" >/dev/null 2>"$TMP/gen.err" ||
		die "generating the posts failed: $(tail -n 3 "$TMP/gen.err")"
	gen_seconds=$(($(date +%s) - start))
	db_mb=$(($(stat -c %s "$SITE/gazette.db") / 1048576))
	echo "generated $POSTS posts of ~$WORDS words in ${gen_seconds}s (database ${db_mb} MiB, index built by the triggers)"
fi
"$BIN" settings set search_rate_per_minute 0 --site "$SITE" >/dev/null

# The share of posts holding each class's words (the first two of each).
share() {
	"$SQLITE3" -cmd ".load $STEM_EXT" "$SITE/gazette.db" \
		"SELECT printf('%.3f', 100.0 * count(*) / $POSTS) FROM posts_fts WHERE posts_fts MATCH '$1'"
}
for cls in rare medium common; do
	words=$(awk -v c="$cls" '$1 == c && $2 == "one" {print $3}' "$TMP/queries.txt" | head -n 3)
	out=
	for w in $words; do out+="$w $(share "$w")%  "; done
	echo "  $cls: $out"
done
echo "  all: baba $(share baba)%  daba $(share daba)%"

# Serve the generated site.
gazette_serve "$SITE"

# A wrk script cycling through the queries of one (class, kind) at the
# path $3 (/search or /api/v1/search), each wrk thread from its own place.
lua_for() {
	local cls=$1 kind=$2 base=$3 f=$TMP/$1-$2-${3//\//_}.lua
	{
		echo 'local paths = {'
		awk -v c="$cls" -v k="$kind" -v b="$base" '$1 == c && $2 == k {printf "  \"%s?q=%s\",\n", b, $3}' "$TMP/queries.txt"
		echo '}'
		echo 'local threads = 0'
		echo 'setup = function(thread) thread:set("id", threads); threads = threads + 1 end'
		echo 'local i = 0'
		echo "init = function() i = math.floor(id * #paths / $WRK_THREADS) end"
		echo 'request = function()'
		echo '  i = i + 1'
		echo '  return wrk.format("GET", paths[(i % #paths) + 1], { ["Cookie"] = "bench=1" })'
		echo 'end'
	} >"$f"
	echo "$f"
}

# Whether BENCH_SEARCH_ONLY lets (what, class, kind) run: every word it
# names that looks like a CLASS/KIND must include this pair, and page or
# api, if named, this one.
wanted() {
	[[ -z $ONLY ]] && return 0
	local w pairs=0 pair_ok=0 whats=0 what_ok=0
	for w in $ONLY; do
		case $w in
		*/*) pairs=1; [[ $w == "$2/$3" ]] && pair_ok=1 ;;
		page | api) whats=1; [[ $w == "$1" ]] && what_ok=1 ;;
		*) die "BENCH_SEARCH_ONLY: '$w' is neither CLASS/KIND nor page or api" ;;
		esac
	done
	((pairs == pair_ok && whats == what_ok))
}

# Results per class for one sample query each, so the table says what the
# pages held.
sample() {
	curl -s --max-time 30 -H 'Cookie: bench=1' "$GAZETTE_URL/search?q=$1" |
		grep -oE '<p class="search-count">[^<]*' | sed 's/.*>//'
}

# Warm up: a fresh server's read connections fault the mapped database in
# page by page on first touch, which a server that has been up a while no
# longer does.  Not measured.
for cls in rare medium common; do
	wrk -t"$WRK_THREADS" -c"$SEARCH_CONNS" -d2s -s "$(lua_for "$cls" one /search)" "$GAZETTE_URL" >/dev/null
done

echo
echo "search: wrk -t$WRK_THREADS -c$SEARCH_CONNS -d${SEARCH_SECONDS}s --latency, gazette --threads $WORKERS," \
	"$(nproc) CPUs, page cache bypassed; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  page: GET /search?q= (the whole HTML page: layout, sidebar, snippets, gzip)"
echo "  api:  GET /api/v1/search?q= (the same search and snippets as JSON)"
echo "  cpu_ms: gazette's CPU time (user + system) during the run per request served: what a"
echo "          search costs whatever else the machine runs (wall-clock latency does not)"
printf '%-5s %-8s %-7s %7s %10s %10s %10s %7s  %s\n' what class kind queries req/s p50_ms p99_ms cpu_ms 'results of the first query'
for what in page api; do
	base=/search
	[[ $what == api ]] && base=/api/v1/search
	for cls in rare medium common all; do
		for kind in one three phrase; do
			grep -q "^$cls $kind " "$TMP/queries.txt" || continue
			wanted "$what" "$cls" "$kind" || continue
			first=$(awk -v c="$cls" -v k="$kind" '$1 == c && $2 == k {print $3; exit}' "$TMP/queries.txt")
			curl -fsS -o /dev/null --max-time 30 -H 'Cookie: bench=1' "$GAZETTE_URL$base?q=$first" ||
				die "gazette did not answer $base?q=$first"
			cpu0=$(cpu_ticks "$GAZETTE_PID")
			out=$(wrk -t"$WRK_THREADS" -c"$SEARCH_CONNS" -d"${SEARCH_SECONDS}s" --latency \
				-s "$(lua_for "$cls" "$kind" "$base")" "$GAZETTE_URL")
			cpu1=$(cpu_ticks "$GAZETTE_PID")
			wrk_parse "$out" || die "could not parse wrk output:"$'\n'"$out"
			[[ -n $WRK_ERRS ]] && NOTES+=("$what $cls $kind: $WRK_ERRS")
			nq=$(awk -v c="$cls" -v k="$kind" '$1 == c && $2 == k' "$TMP/queries.txt" | wc -l)
			cpu=$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="$WRK_REQS" \
				'BEGIN { if (n > 0) printf "%.2f", 1000 * t / hz / n; else print "-" }')
			printf '%-5s %-8s %-7s %7s %10.0f %10s %10s %7s  %s\n' "$what" "$cls" "$kind" "$nq" "$WRK_RPS" \
				"$(to_ms "$WRK_P50")" "$(to_ms "$WRK_P99")" "$cpu" "$([[ $what == page ]] && sample "$first")"
		done
	done
done
if ((${#NOTES[@]})); then
	echo
	echo "errors reported by wrk:"
	printf '  %s\n' "${NOTES[@]}"
fi
kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve died during the benchmark"
