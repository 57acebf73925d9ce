# Shared by the bench/*.sh scripts (sourced, not run: bench/run runs only
# *.sh). Each script sets BENCH_NAME, then calls, in order:
#
#   bench_setup                   checks, $TMP, the cleanup trap
#   gazette_start                 a demo site served on a free port: $GAZETTE_URL
#   gazette_serve SITE            serve an existing site the same way
#   nginx_start "server body"     nginx with that server {} body: $NGINX_URL
#   measure LABEL GAZETTE_URL NGINX_URL [wrk args...]
#                                 every connection count of $CONNS, $ROUNDS
#                                 rounds of (gazette, nginx)
#   report                        ratios and wrk's errors
#
# and, where they need them: gazette_stop, mirror_paths (gazette's pages
# as files under nginx's root), views_start/views_stop (view beacons
# counted in the background), wrk_parse, cpu_ticks and proc_mem_kib.
# PROC_STATS=1 before measure adds, per run, the load average before it,
# the server's CPU time per request and, for gazette, its memory after it,
# and waits after each gazette run until gazette is idle (gazette_drain).
#
# Everything listens on 127.0.0.1 and lives in $TMP, removed on exit, with
# every process started here stopped again (also on Ctrl-C).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${GAZETTE_BIN:-$ROOT/build/gazette}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-2}
WORKERS=${BENCH_WORKERS:-2}
CONNS=${BENCH_CONNS:-64 256}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
NGINX_OPEN_FILES=1000 # nginx's open_file_cache max; a script may raise it
PROC_STATS=
HZ=$(getconf CLK_TCK)
# A browser's User-Agent: gazette counts views only from browsers, so the
# beacon takes its whole path (bots are answered before the address check).
BENCH_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }

# The value of the variable named $1, or $2 when it is unset or empty;
# dies unless it is a whole number above 0.  For VAR=$(count_var NAME N).
count_var() {
	local v=${!1:-$2}
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "$1: '$v' is not a number"
	echo "$v"
}

GAZETTE_PID=
NGINX_PID=
EXTRA_PIDS=() # other processes a script starts in the background
TMP=

bench_cleanup() {
	local rc=$?
	for pid in "${EXTRA_PIDS[@]}" $GAZETTE_PID $NGINX_PID; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${EXTRA_PIDS[@]}" $GAZETTE_PID $NGINX_PID; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ $rc -ne 0 && -n $TMP ]]; then
		for f in "$TMP"/serve.err "$TMP"/nginx.err; do
			[[ -s $f ]] && { echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
		done
	fi
	[[ -n $TMP ]] && rm -rf "$TMP"
	exit "$rc"
}

bench_setup() {
	[[ -x $BIN ]] || die "no gazette binary at $BIN (build it first: make build)"
	[[ -x $NGINX ]] || die "no nginx at $NGINX (apt-get install nginx-light)"
	command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
	command -v curl >/dev/null || die "curl not found (apt-get install curl)"
	for c in $CONNS; do
		[[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNS: '$c' is not a number"
	done
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

free_port() {
	if command -v node >/dev/null; then
		node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
	else
		python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
	fi
}

gazette_start() {
	"$BIN" demo --site "$TMP/site" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
		die "gazette demo failed: $(tail -n 3 "$TMP/demo.err")"
	gazette_serve "$TMP/site"
}

# Serve the site in $1 on a free port: $GAZETTE_URL, $GAZETTE_PID.
gazette_serve() {
	# Emptied here, not by the redirection below, which the child may do
	# only after the loop has read an earlier server's line.
	: >"$TMP/serve.out"
	"$BIN" serve --site "$1" --listen 127.0.0.1:0 --threads "$WORKERS" "${@:2}" \
		>"$TMP/serve.out" 2>"$TMP/serve.err" &
	GAZETTE_PID=$!
	GAZETTE_URL=
	for _ in $(seq 200); do
		GAZETTE_URL=$(sed -n 's|^listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$TMP/serve.out" | head -n 1)
		[[ -n $GAZETTE_URL ]] && break
		kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve exited before listening"
		sleep 0.1
	done
	[[ -n $GAZETTE_URL ]] || die "gazette serve printed no 'listening on' line within 20 s"
}

# Stop the server gazette_serve started and wait for it (SIGTERM flushes the
# pending views first).
gazette_stop() {
	kill -TERM "$GAZETTE_PID" 2>/dev/null || true
	wait "$GAZETTE_PID" 2>/dev/null || true
	GAZETTE_PID=
}

# The first /YYYY/MM/DD/slug/ link on gazette's front page.
first_post_path() {
	local p
	curl -fsS --max-time 10 -o "$TMP/front.html" "$GAZETTE_URL/" || die "could not read the front page"
	p=$(grep -oE 'href="(https?://[^/"]+)?/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/"?#]+/"' "$TMP/front.html" |
		head -n 1 | sed -E 's|^href="(https?://[^/"]+)?||; s|"$||') || true
	[[ -n $p ]] || die "no /YYYY/MM/DD/slug/ link on the front page"
	echo "$p"
}

# nginx set up the way one would serve fast: sendfile, open_file_cache,
# long keep-alive, no access log, $WORKERS workers. $1 is the body of the
# server {} block (after listen); $2, when given, goes into http {} before
# it (an upstream block).
nginx_start() {
	local server_body=$1 http_extra=${2:-} temp_paths="" nginx_v user_line m
	mkdir -p "$TMP/nginx-temp" "$TMP/www"
	NGINX_PORT=$(free_port)
	NGINX_URL=http://127.0.0.1:$NGINX_PORT
	# Keep nginx's temp files in $TMP, for the modules this nginx has.
	nginx_v=$("$NGINX" -V 2>&1)
	for m in client_body proxy fastcgi uwsgi scgi; do
		case $m in client_body) ;; *) [[ $nginx_v == *"--without-http_${m}_module"* ]] && continue ;; esac
		temp_paths+="    ${m}_temp_path $TMP/nginx-temp/$m;"$'\n'
	done
	# As root, workers would otherwise run as nobody and could not read the
	# mktemp directory (mode 0700).
	user_line="# user: the invoking user"
	[[ $(id -u) -eq 0 ]] && user_line="user root;"
	cat >"$TMP/nginx.conf" <<EOF
$user_line
worker_processes $WORKERS;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx.err warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    open_file_cache max=$NGINX_OPEN_FILES inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    types {
        text/html html;
        text/css css;
    }
    default_type application/octet-stream;
$temp_paths
$http_extra
    server {
        listen 127.0.0.1:$NGINX_PORT;
$server_body
    }
}
EOF
	"$NGINX" -e "$TMP/nginx.err" -c "$TMP/nginx.conf" -p "$TMP" >"$TMP/nginx.out" 2>>"$TMP/nginx.err" &
	NGINX_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 1 "$NGINX_URL/" && return 0
		kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(tail -n 3 "$TMP/nginx.err")"
		sleep 0.1
	done
	die "nginx did not answer within 10 s"
}

# Save gazette's answer to each path in the file $1 (one a line, each
# starting and ending with /) as $TMP/www/PATH/index.html, the bytes nginx
# will serve: one curl fetching 8 at a time over kept-alive connections,
# which takes 100,000 pages in about a minute where a curl per page would
# spend more on starting processes than on the pages.  Any answer but 200
# fails.  Prints the number of files and their MiB.
mirror_paths() {
	local list=$1 bad
	mkdir -p "$TMP/www"
	awk -v g="$GAZETTE_URL" -v w="$TMP/www" \
		'NF { printf "url = \"%s%s\"\noutput = \"%s%sindex.html\"\n", g, $0, w, $0 }' \
		"$list" >"$TMP/mirror.curl"
	# --no-progress-meter: in parallel mode curl 7.88 draws its meter even
	# with -s, and the meter would fill mirror.err.
	curl -sS --no-progress-meter --parallel --parallel-max 8 --create-dirs --max-time 120 \
		-w '%{http_code} %{size_download} %{url_effective}\n' -K "$TMP/mirror.curl" \
		>"$TMP/mirror.log" 2>"$TMP/mirror.err" || true
	# awk stops itself after three: a head(1) closing the pipe early would
	# end the script by SIGPIPE (pipefail) before die() said why.
	bad=$(awk '$1 != 200 { print; if (++n == 3) exit }' "$TMP/mirror.log")
	[[ -z $bad ]] || die "mirroring: gazette answered"$'\n'"$bad"
	[[ $(wc -l <"$TMP/mirror.log") -eq $(grep -c . "$list") ]] ||
		die "mirroring: $(wc -l <"$TMP/mirror.log") of $(grep -c . "$list") pages fetched: $(tail -n 3 "$TMP/mirror.err")"
	awk '{ n++; b += $2 } END { printf "%d %.0f\n", n, b / 1048576 }' "$TMP/mirror.log"
}

# View beacons in the background, as on a site being read: a wrk with one
# connection POSTs /api/v1/views/ID (bench/views.lua) $1 times a second on
# a schedule, each for an id drawn at random from the file $2 (one a line)
# and from its own X-Forwarded-For address (gazette trusts the header from
# a loopback peer: the reader is its last entry), until views_stop.  Each
# views_start draws its own addresses, so no beacon repeats an earlier
# one's (address, post), which the window would not count.
VIEWS_PID=
VIEWS_RUNS=0
views_start() {
	VIEWS_RUNS=$((VIEWS_RUNS + 1))
	wrk -t1 -c1 -d24h -s "$ROOT/bench/views.lua" "$GAZETTE_URL" -- \
		"$2" "$1" "$VIEWS_RUNS" "$BENCH_UA" >"$TMP/views-$VIEWS_RUNS.out" 2>&1 &
	VIEWS_PID=$!
	EXTRA_PIDS+=("$VIEWS_PID")
}

# Stop them (wrk ends on SIGINT and runs views.lua's done()): VIEWS_ANSWERED
# beacons were answered in VIEWS_SECONDS, VIEWS_COUNTED of them with
# "counted":true.
views_stop() {
	local line pid kept=()
	kill -INT "$VIEWS_PID" 2>/dev/null || true
	wait "$VIEWS_PID" 2>/dev/null || true
	line=$(grep '^views: ' "$TMP/views-$VIEWS_RUNS.out") ||
		die "the view beacons' wrk printed no summary: $(tail -n 3 "$TMP/views-$VIEWS_RUNS.out")"
	# shellcheck disable=SC2034 # for the caller
	read -r _ _ VIEWS_ANSWERED _ VIEWS_COUNTED _ VIEWS_SECONDS <<<"$line"
	for pid in "${EXTRA_PIDS[@]}"; do
		[[ $pid == "$VIEWS_PID" ]] || kept+=("$pid")
	done
	EXTRA_PIDS=("${kept[@]}")
	VIEWS_PID=
}

# User + system CPU time of the processes $@ so far, in clock ticks ($HZ a
# second).  The fields after the command name in /proc/PID/stat, since a
# command name may hold spaces.
cpu_ticks() {
	local pid t=0
	for pid in "$@"; do
		t=$((t + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
	done
	echo "$t"
}

# "VmRSS RssAnon" of the process $1, in KiB.
proc_mem_kib() {
	awk '$1 == "VmRSS:" {r = $2} $1 == "RssAnon:" {a = $2} END {print r + 0, a + 0}' "/proc/$1/status"
}

# wrk prints latencies as 812.00us / 1.23ms / 1.02s; report milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
		printf "%.2f", n }'
}

# wrk's figures from its output $1: WRK_RPS, WRK_P50 and WRK_P99 (as wrk
# prints them; see to_ms), WRK_REQS (requests completed) and WRK_ERRS (its
# non-2xx and socket-error lines joined by ';', empty when none).  Returns 1
# when the output has no such figures.
wrk_parse() {
	WRK_RPS=$(awk '/^Requests\/sec:/ {print $2}' <<<"$1")
	WRK_P50=$(awk '$1 == "50%" {print $2}' <<<"$1")
	WRK_P99=$(awk '$1 == "99%" {print $2}' <<<"$1")
	WRK_REQS=$(awk '/ requests in / {print $1}' <<<"$1")
	[[ -n $WRK_RPS && -n $WRK_P50 && -n $WRK_P99 && -n $WRK_REQS ]] || return 1
	WRK_ERRS=$(grep -E 'Non-2xx|Socket errors' <<<"$1" | sed 's/^ *//' | paste -sd ';' -) || true
}

# The processes serving as target $1 (gazette or nginx: its master and
# workers).
server_pids() {
	case $1 in
	gazette) echo "$GAZETTE_PID" ;;
	nginx) echo "$NGINX_PID" "$(ps -o pid= --ppid "$NGINX_PID" | paste -sd ' ' -)" ;;
	esac
}

# Wait until gazette is idle: under 25% of a CPU for half a second, for at
# most 300 s.  A server slower than the load still works through the
# requests wrk left in flight when its run ended (wrk closes their
# connections, but the server learns that only when it sends the answer),
# which would otherwise run into the next run, nginx's included.  Says how
# long that took, if more than a second.
gazette_drain() {
	local t0 t1 waited=0
	t0=$(cpu_ticks "$GAZETTE_PID")
	while ((waited < 600)); do
		sleep 0.5
		waited=$((waited + 1))
		t1=$(cpu_ticks "$GAZETTE_PID")
		((4 * 2 * (t1 - t0) < HZ)) && break
		t0=$t1
	done
	((waited > 2)) && NOTES+=("$LABEL c$conns round $round gazette: still busy $((waited / 2)) s after the run (requests wrk left in flight)")
	return 0
}

declare -A RPS P99
NOTES=()
KEYS=()

# One wrk run: name url conns round [wrk args...].  The URL goes before the
# wrk arguments, so that these may end in `-- ARGS` for a Lua script.
wrk_run() {
	local name=$1 url=$2 conns=$3 round=$4 out pids=() load t0 cpu mem rss anon stats=
	shift 4
	if [[ -n $PROC_STATS ]]; then
		read -r -a pids <<<"$(server_pids "$name")"
		load=$(cut -d' ' -f1 /proc/loadavg)
		t0=$(cpu_ticks "${pids[@]}")
	fi
	out=$(wrk -t"$WRK_THREADS" -c"$conns" -d"${SECONDS_PER_RUN}s" --latency "$url" "$@")
	wrk_parse "$out" || die "could not parse wrk output for $name:"$'\n'"$out"
	[[ -n $WRK_ERRS ]] && NOTES+=("$LABEL c$conns round $round $name: $WRK_ERRS")
	((WRK_REQS > 0)) || NOTES+=("$LABEL c$conns round $round $name: no request completed within the run")
	RPS[$LABEL.$conns.$round.$name]=$WRK_RPS
	P99[$LABEL.$conns.$round.$name]=$(to_ms "$WRK_P99")
	if [[ -n $PROC_STATS ]]; then
		cpu=$(awk -v t=$(($(cpu_ticks "${pids[@]}") - t0)) -v hz="$HZ" -v n="$WRK_REQS" \
			'BEGIN { if (n > 0) printf "%.0f", 1e6 * t / hz / n; else print "-" }')
		mem="- -"
		if [[ $name == gazette ]]; then
			read -r rss anon <<<"$(proc_mem_kib "$GAZETTE_PID")"
			mem="$((rss / 1024)) $((anon / 1024))"
		fi
		read -r rss anon <<<"$mem"
		stats=$(printf ' %6s %7s %8s %8s' "$load" "$cpu" "$rss" "$anon")
		[[ $name == gazette ]] && gazette_drain
	fi
	printf '%-8s %5s %5s %-8s %12.0f %10s %10s%s\n' "$LABEL" "$conns" "$round" "$name" "$WRK_RPS" \
		"$(to_ms "$WRK_P50")" "${P99[$LABEL.$conns.$round.$name]}" "$stats"
}

TABLE_HEADER_DONE=
measure() {
	local g_url=$2 n_url=$3 conns round
	LABEL=$1
	shift 3
	if [[ -z $TABLE_HEADER_DONE ]]; then
		printf '%-8s %5s %5s %-8s %12s %10s %10s' what conns round target req/s p50_ms p99_ms
		[[ -n $PROC_STATS ]] && printf ' %6s %7s %8s %8s' load1 cpu_us rss_MiB anon_MiB
		echo
		TABLE_HEADER_DONE=1
	fi
	for conns in $CONNS; do
		for round in $(seq "$ROUNDS"); do
			wrk_run gazette "$g_url" "$conns" "$round" "$@"
			wrk_run nginx "$n_url" "$conns" "$round" "$@"
			KEYS+=("$LABEL.$conns.$round")
		done
	done
}

# gazette's figure $1 over nginx's $2; "-" when either is 0 (a run in which
# no request completed).
ratio() {
	awk -v g="$1" -v n="$2" 'BEGIN { if (g > 0 && n > 0) printf "%.2f", g / n; else print "-" }'
}

report() {
	local k
	echo
	printf '%-8s %5s %5s %12s %12s\n' what conns round 'req/s ratio' 'p99 ratio'
	for k in "${KEYS[@]}"; do
		IFS=. read -r what conns round <<<"$k"
		printf '%-8s %5s %5s %12s %12s\n' "$what" "$conns" "$round" \
			"$(ratio "${RPS[$k.gazette]}" "${RPS[$k.nginx]}")" "$(ratio "${P99[$k.gazette]}" "${P99[$k.nginx]}")"
	done
	echo "(gazette/nginx: a req/s ratio above 1 and a p99 ratio below 1 favour gazette)"
	if ((${#NOTES[@]})); then
		echo
		echo "errors reported by wrk (the req/s of such a run are not comparable), and notes:"
		printf '  %s\n' "${NOTES[@]}"
	fi
	kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve died during the benchmark"
}
