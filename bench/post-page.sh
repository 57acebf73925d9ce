#!/usr/bin/env bash
# Article page: gazette vs nginx serving the same bytes from a file.
#
# Builds a demo site, starts `gazette serve` on a free loopback port, picks
# the first post permalink on its front page, saves that page's body as a
# static file under an nginx root at the same path, and runs wrk against
# both, alternating (gazette, nginx, gazette, nginx) so drift on the machine
# hits both alike. Prints req/s, p50 and p99 latency per run and the
# gazette/nginx req/s ratio per round.
#
# Environment:
#   BENCH_SECONDS   wrk duration per run (default 10)
#   BENCH_ROUNDS    rounds of (gazette, nginx) (default 2)
#   BENCH_WORKERS   gazette --threads and nginx worker_processes (default 2)
#   BENCH_CONNS     wrk connections (default 64)
#   BENCH_WRK_THREADS  wrk threads (default 2)
#   GAZETTE_BIN     binary to measure (default: build/gazette, the plain build;
#                   never measure the sanitizer build)
#   NGINX_BIN       default /usr/sbin/nginx
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${GAZETTE_BIN:-$ROOT/build/gazette}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-2}
WORKERS=${BENCH_WORKERS:-2}
CONNS=${BENCH_CONNS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}

die() { echo "post-page.sh: $*" >&2; exit 1; }

[[ -x $BIN ]] || die "no gazette binary at $BIN (build it first: meson setup build && ninja -C build)"
[[ -x $NGINX ]] || die "no nginx at $NGINX (apt-get install nginx-light)"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench.XXXXXX")
GAZETTE_PID=
NGINX_PID=

cleanup() {
	local rc=$?
	for pid in $GAZETTE_PID $NGINX_PID; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in $GAZETTE_PID $NGINX_PID; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ $rc -ne 0 ]]; then
		for f in "$TMP"/serve.err "$TMP"/nginx.err; do
			[[ -s $f ]] && { echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
		done
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	if command -v node >/dev/null; then
		node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
	else
		python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
	fi
}

# --- gazette ---------------------------------------------------------------
"$BIN" demo --site "$TMP/site" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
	die "gazette demo failed: $(tail -n 3 "$TMP/demo.err")"

"$BIN" serve --site "$TMP/site" --listen 127.0.0.1:0 --threads "$WORKERS" \
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

curl -fsS --max-time 10 -o "$TMP/front.html" "$GAZETTE_URL/" || die "could not read the front page"
POST_PATH=$(grep -oE 'href="(https?://[^/"]+)?/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/"?#]+/"' "$TMP/front.html" |
	head -n 1 | sed -E 's|^href="(https?://[^/"]+)?||; s|"$||') || true
[[ -n $POST_PATH ]] || die "no /YYYY/MM/DD/slug/ link on the front page"

# --- nginx -----------------------------------------------------------------
mkdir -p "$TMP/www$POST_PATH" "$TMP/nginx-temp"
curl -fsS --max-time 10 -o "$TMP/www${POST_PATH}index.html" "$GAZETTE_URL$POST_PATH" ||
	die "could not fetch $POST_PATH from gazette"

NGINX_PORT=$(free_port)
NGINX_URL=http://127.0.0.1:$NGINX_PORT

# Keep nginx's temp files in $TMP, for the modules this nginx has.
temp_paths=""
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
        root $TMP/www;
        index index.html;
        location / {
            try_files \$uri \$uri/ =404;
        }
    }
}
EOF

"$NGINX" -e "$TMP/nginx.err" -c "$TMP/nginx.conf" -p "$TMP" >"$TMP/nginx.out" 2>>"$TMP/nginx.err" &
NGINX_PID=$!
for _ in $(seq 100); do
	curl -s -o /dev/null --max-time 1 "$NGINX_URL$POST_PATH" && break
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(tail -n 3 "$TMP/nginx.err")"
	sleep 0.1
done

# --- same page from both ---------------------------------------------------
check() { curl -s -o /dev/null --max-time 10 -w '%{http_code} %{size_download}\n' "$1"; }
read -r g_code g_size < <(check "$GAZETTE_URL$POST_PATH")
read -r n_code n_size < <(check "$NGINX_URL$POST_PATH")
[[ $g_code == 200 ]] || die "gazette answered $g_code for $POST_PATH"
[[ $n_code == 200 ]] || die "nginx answered $n_code for $POST_PATH"
[[ $g_size == "$n_size" ]] || die "body sizes differ: gazette $g_size, nginx $n_size bytes"

echo "post page $POST_PATH ($g_size bytes): wrk -t$WRK_THREADS -c$CONNS -d${SECONDS_PER_RUN}s --latency," \
	"gazette --threads $WORKERS vs nginx worker_processes $WORKERS, $(nproc) CPUs"
echo "gazette: $BIN"
echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo

# --- measure ---------------------------------------------------------------
# wrk prints latencies as 812.00us / 1.23ms / 1.02s; report milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
		printf "%.2f", n }'
}

declare -A RPS
ROWS=()
NOTES=()
bench() { # name url round
	local name=$1 url=$2 round=$3 out rps p50 p99 errs
	out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency "$url")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	[[ -n $rps && -n $p50 && -n $p99 ]] || die "could not parse wrk output for $name:"$'\n'"$out"
	errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | sed 's/^ *//' | paste -sd ';' -) || true
	[[ -n $errs ]] && NOTES+=("round $round $name: $errs")
	RPS[$name.$round]=$rps
	ROWS+=("$(printf '%-5s %-8s %12.0f %10s %10s' "$round" "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")")")
	echo "${ROWS[-1]}"
}

printf '%-5s %-8s %12s %10s %10s\n' round target req/s p50_ms p99_ms
for round in $(seq "$ROUNDS"); do
	bench gazette "$GAZETTE_URL$POST_PATH" "$round"
	bench nginx "$NGINX_URL$POST_PATH" "$round"
done

echo
printf '%-5s %s\n' round 'gazette/nginx req/s'
for round in $(seq "$ROUNDS"); do
	printf '%-5s %s\n' "$round" "$(awk -v g="${RPS[gazette.$round]}" -v n="${RPS[nginx.$round]}" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }')"
done
if ((${#NOTES[@]})); then
	echo
	echo "errors reported by wrk (the req/s of such a run are not comparable):"
	printf '  %s\n' "${NOTES[@]}"
fi

kill -0 "$GAZETTE_PID" 2>/dev/null || die "gazette serve died during the benchmark"
