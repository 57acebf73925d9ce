#!/usr/bin/env bash
# Media (issue 16): images stored a second, and a 50 MB audio file served
# with byte ranges against nginx serving the same file.
#
# 1. Images: build/bench/media-variants (bench/media-variants.c) stores a
#    2400 x 1600 JPEG made from a fixture photo with media_add() again and
#    again for BENCH_MEDIA_IMAGE_SECONDS (each time with other trailing
#    bytes, so each is a new file: decoded, checked, made upright, stripped,
#    written at full size and at 300, 768, 1024, 1536 and 2048 wide, as
#    JPEG and WebP), then has libvips alone make the same twelve copies
#    for as long; prints images and copies a second and the ratio
#    (gazette over libvips alone: what the checks, hashing, libmagic and
#    renames cost).
#
# 2. Serving: a 50 MB file of random bytes, audio/mpeg by its name, at
#    /media/podcast/episode.mp3 of a demo site and at the same path under
#    nginx's root; wrk with bench/range.lua asks for random single ranges
#    of BENCH_MEDIA_CHUNK bytes (default 256 KiB, an audio player's
#    seek), `range`; and for the whole file, `whole`.  Prints req/s, p50
#    and p99 for each and gazette/nginx ratios.  Target: req/s ratio 0.8
#    or more.
#
# Environment (and common.bash's BENCH_SECONDS, BENCH_ROUNDS,
# BENCH_WORKERS, BENCH_WRK_THREADS, GAZETTE_BIN, NGINX_BIN):
#   BENCH_MEDIA_IMAGE_SECONDS  seconds of each image loop (default 10)
#   BENCH_MEDIA_CHUNK          bytes a range asks for (default 262144)
#   BENCH_CONNS                wrk connections (default "16 64")
#   GAZETTE_FIXTURES           the fixtures (default ../shared/fixtures)
set -euo pipefail
BENCH_NAME=media.sh
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
CONNS=${BENCH_CONNS:-16 64}
IMAGE_SECONDS=$(count_var BENCH_MEDIA_IMAGE_SECONDS 10)
CHUNK=$(count_var BENCH_MEDIA_CHUNK 262144)
FIXTURES=${GAZETTE_FIXTURES:-$ROOT/../shared/fixtures}
DRIVER=$(dirname "$BIN")/bench/media-variants
PHOTO=$FIXTURES/media/exif-samples/jpg/gps/DSCN0010.jpg
SIZE=$((50 * 1024 * 1024))

bench_setup
[[ -x $DRIVER ]] || die "no $DRIVER (make build)"
[[ -f $PHOTO ]] || die "no fixture photo at $PHOTO (set GAZETTE_FIXTURES)"

# --- 1. images -------------------------------------------------------------------
echo "images: media_add of a 2400 x 1600 JPEG, ${IMAGE_SECONDS} s, then libvips alone as long"
mkdir -p "$TMP/images"
read -r _ w _ h _ copies _ g_img _ g_copies _ v_img _ ratio < <("$DRIVER" -d "$TMP/images" -s "$IMAGE_SECONDS" "$PHOTO")
printf '  %d x %d, %d copies each\n' "$w" "$h" "$copies"
printf '  gazette: %s images/s (%s copies/s); libvips alone: %s images/s; ratio %s\n' \
	"$g_img" "$g_copies" "$v_img" "$ratio"
echo

# --- 2. a 50 MB file with ranges -------------------------------------------------
gazette_start
mkdir -p "$TMP/site/media/podcast" "$TMP/www/media/podcast"
head -c "$SIZE" /dev/urandom >"$TMP/site/media/podcast/episode.mp3"
cp "$TMP/site/media/podcast/episode.mp3" "$TMP/www/media/podcast/episode.mp3"
nginx_start "        root $TMP/www;
        types { audio/mpeg mp3; }"
P=/media/podcast/episode.mp3
for u in "$GAZETTE_URL$P" "$NGINX_URL$P"; do
	code=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -r 0-99 "$u")
	[[ $code == "206 100" ]] || die "$u: a range answered '$code'"
	code=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$u")
	[[ $code == "200 $SIZE" ]] || die "$u: the whole file answered '$code'"
done
measure range "$GAZETTE_URL$P" "$NGINX_URL$P" -s "$ROOT/bench/range.lua" -- "$SIZE" "$CHUNK"
CONNS=${BENCH_MEDIA_WHOLE_CONNS:-4}
measure whole "$GAZETTE_URL$P" "$NGINX_URL$P"
report
