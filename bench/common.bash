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
# A browser's User-Agent: gazette counts views only from browsers, so the
# beacon takes its whole path (bots are answered before the address check).
BENCH_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }

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
	"$BIN" serve --site "$1" --listen 127.0.0.1:0 --threads "$WORKERS" \
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
# server {} block (after listen).
nginx_start() {
	local server_body=$1 temp_paths="" nginx_v user_line m
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
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    types {
        text/html html;
        text/css css;
    }
    default_type application/octet-stream;
$temp_paths
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

# wrk prints latencies as 812.00us / 1.23ms / 1.02s; report milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
		printf "%.2f", n }'
}

declare -A RPS
NOTES=()
KEYS=()

# One wrk run: name url conns round [wrk args...]
wrk_run() {
	local name=$1 url=$2 conns=$3 round=$4 out rps p50 p99 errs
	shift 4
	out=$(wrk -t"$WRK_THREADS" -c"$conns" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	[[ -n $rps && -n $p50 && -n $p99 ]] || die "could not parse wrk output for $name:"$'\n'"$out"
	errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | sed 's/^ *//' | paste -sd ';' -) || true
	[[ -n $errs ]] && NOTES+=("$LABEL c$conns round $round $name: $errs")
	RPS[$LABEL.$conns.$round.$name]=$rps
	printf '%-8s %5s %5s %-8s %12.0f %10s %10s\n' "$LABEL" "$conns" "$round" "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")"
}

TABLE_HEADER_DONE=
measure() {
	local g_url=$2 n_url=$3 conns round
	LABEL=$1
	shift 3
	if [[ -z $TABLE_HEADER_DONE ]]; then
		printf '%-8s %5s %5s %-8s %12s %10s %10s\n' what conns round target req/s p50_ms p99_ms
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

report() {
	local k
	echo
	printf '%-8s %5s %5s %s\n' what conns round 'gazette/nginx req/s'
	for k in "${KEYS[@]}"; do
		IFS=. read -r what conns round <<<"$k"
		printf '%-8s %5s %5s %s\n' "$what" "$conns" "$round" \
			"$(awk -v g="${RPS[$k.gazette]}" -v n="${RPS[$k.nginx]}" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }')"
	done
	if ((${#NOTES[@]})); then
		echo
		echo "errors reported by wrk (the req/s of such a run are not comparable):"
		printf '  %s\n' "${NOTES[@]}"
	fi
	kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve died during the benchmark"
}
