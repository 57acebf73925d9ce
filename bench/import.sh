#!/usr/bin/env bash
# WordPress import speed and memory (issue 7).
#
# Generates a WXR file of BENCH_IMPORT_POSTS posts (default 50,000) and
# BENCH_IMPORT_COMMENTS comments (default 500,000, threaded) with
# bench/wxr-gen.c, then times `gazette import wxr` into a new site under
# /usr/bin/time -v and prints items/s, seconds, CPU seconds and peak RSS
# against the targets: the whole file in under 60 s, memory under 200 MB.
# There is no peer here: WordPress's importer cannot run on this machine,
# so the figures are absolute.  Wall time counts everything the command
# does: reading, writing, the commit and SQLite's checkpoint.
#
# Environment:
#   BENCH_IMPORT_POSTS     posts to generate (default 50000)
#   BENCH_IMPORT_COMMENTS  comments to generate (default 500000)
#   BENCH_IMPORT_FILE      a WXR file to import instead of generating one
#   GAZETTE_BIN            binary to measure (default build/gazette)
set -euo pipefail
BENCH_NAME=import.sh
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${GAZETTE_BIN:-$ROOT/build/gazette}
POSTS=${BENCH_IMPORT_POSTS:-50000}
COMMENTS=${BENCH_IMPORT_COMMENTS:-500000}
CC=${CC:-cc}
TARGET_SECONDS=60
TARGET_MB=200

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

[[ $POSTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_IMPORT_POSTS: '$POSTS' is not a number"
[[ $COMMENTS =~ ^[0-9]+$ ]] || die "BENCH_IMPORT_COMMENTS: '$COMMENTS' is not a number"
[[ -x $BIN ]] || die "no gazette binary at $BIN (build it first: make build)"
[[ -x /usr/bin/time ]] || die "no /usr/bin/time (apt-get install time)"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FILE=${BENCH_IMPORT_FILE:-}
if [[ -z $FILE ]]; then
	"$CC" -O2 -o "$TMP/wxr-gen" "$ROOT/bench/wxr-gen.c" || die "cannot build bench/wxr-gen.c"
	FILE=$TMP/big.xml
	start=$(date +%s)
	"$TMP/wxr-gen" -p "$POSTS" -c "$COMMENTS" >"$FILE" || die "generating the file failed"
	echo "generated $POSTS posts and $COMMENTS comments in $(($(date +%s) - start)) s" \
		"($(($(stat -c %s "$FILE") / 1048576)) MiB of WXR)"
fi
[[ -r $FILE ]] || die "cannot read $FILE"

"$BIN" init --site "$TMP/site" >/dev/null 2>"$TMP/init.err" ||
	die "gazette init failed: $(tail -n 3 "$TMP/init.err")"
echo "import: $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "$BIN" import wxr "$FILE" --site "$TMP/site" >"$TMP/import.out" 2>"$TMP/import.err" ||
	die "gazette import failed: $(grep -v '^	' "$TMP/import.err" | tail -n 3)"

field() { awk -F': ' -v k="$1" '$1 ~ k {print $2}' "$TMP/import.err" | head -n 1; }
wall=$(field 'Elapsed \(wall clock\)')
user=$(field 'User time')
sys=$(field 'System time')
rss_kb=$(field 'Maximum resident set size')
# m:ss.ss or h:mm:ss
secs=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$wall")
items=$(awk '/^imported / {print $(NF-1)}' "$TMP/import.out")
comments=$(awk '$1 == "comments" {print $2}' "$TMP/import.out")
[[ -n $items && -n $secs && -n $rss_kb ]] || die "could not read the results:"$'\n'"$(cat "$TMP/import.out" "$TMP/import.err")"

sed 's/^/  /' "$TMP/import.out"
echo
printf '%-28s %12s %12s\n' '' measured target
printf '%-28s %12.1f %12s\n' 'seconds (wall)' "$secs" "< $TARGET_SECONDS"
printf '%-28s %12.1f %12s\n' 'CPU seconds (user + sys)' "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" ''
printf '%-28s %12.0f %12s\n' 'items/s (posts and pages)' "$(awk -v n="$items" -v s="$secs" 'BEGIN {print n / s}')" ''
printf '%-28s %12.0f %12s\n' 'comments/s' "$(awk -v n="${comments:-0}" -v s="$secs" 'BEGIN {print n / s}')" ''
printf '%-28s %12.0f %12s\n' 'peak RSS (MB)' "$(awk -v k="$rss_kb" 'BEGIN {print k / 1024}')" "< $TARGET_MB"
db_mb=$(($(stat -c %s "$TMP/site/gazette.db") / 1048576))
echo "database afterwards: $db_mb MiB"
