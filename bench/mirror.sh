#!/usr/bin/env bash
# Benchmark of `zbor export-site` (the static mirror) on a demo collection, side by side in
# one run with `cp -a` of the very tree it produced (three rounds, `BENCH_ROUNDS`; the median
# round's ratio is the figure); then an incremental export after one
# object's title changed; then what `zbor serve` and nginx serving the mirror each sustain
# for the same pages (wrk, loopback only).
#
#   bench/mirror.sh                                   # the full run (10 000 objects)
#   BENCH_OBJECTS=300 BENCH_SECONDS=3 bench/mirror.sh # a quick smoke run
#   BENCH_REUSE=1 bench/mirror.sh                     # keep the demo collection of the last run
#
# Runs as root (installs nginx, wrk and time with apt when missing). Everything lives in
# bench/out/mirror/ (gitignored). Writes bench/out/mirror/results.md.
#
# Targets (printed, never enforced): export <= 3x `cp -a` of its own output; an incremental
# export after one change <= 2 s.
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBJECTS=${BENCH_OBJECTS:-10000}
DURATION=${BENCH_SECONDS:-10}
ZBOR_PORT=${BENCH_ZBOR_PORT:-18280}
NGINX_PORT=${BENCH_NGINX_PORT:-18290}
HOST=127.0.0.1
OUT=bench/out/mirror
BIN=target/release/zbor
DATA=$OUT/data
UPLOADS=$OUT/uploads
# Where the exports and their copies are written (the disk under bench/out unless set; e.g.
# BENCH_TREES=/dev/shm/zbor-mirror for memory, where only the CPU's work is left to compare).
TREES=${BENCH_TREES:-$ROOT/$OUT}
SITE=$TREES/site

log() { printf '\n==> %s\n' "$*" >&2; }
ZBOR_PID=""
NGINX_PID=""
cleanup() {
    [ -n "$ZBOR_PID" ] && kill "$ZBOR_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT

for tool in nginx wrk bc; do
    command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; }
done
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
cargo build --release --quiet --bin zbor

if [ "${BENCH_REUSE:-}" != 1 ] || [ ! -f "$DATA/zbor.sqlite" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    log "seeding a demo collection of $OBJECTS objects"
    "$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS" demo --objects "$OBJECTS" --no-serve >"$OUT/seed.txt" 2>"$OUT/seed.log"
fi
# Trees of an earlier run are moved aside now and deleted only after every measurement: right
# after tens of thousands of files are deleted, ext4 spends seconds of kernel time skipping the
# freed inodes when it creates new ones (recently_deleted), charged to whichever command writes
# next. Each round writes and copies into new folders, so export and cp -a meet the same disk.
TRASH="$TREES/trash.$$"
mkdir -p "$TRASH"
mkdir -p "$TREES"
for old in "$SITE" "$TREES"/copy* "$TREES"/round-*; do
    [ -e "$old" ] && mv "$old" "$TRASH/"
done
rm -f "$OUT"/*.time
sync

ZBOR=("$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS")

ROUNDS=${BENCH_ROUNDS:-3}
for round in $(seq "$ROUNDS"); do
    # The last round's export is the one updated by --incremental below and served.
    out="$TREES/round-$round"
    [ "$round" = "$ROUNDS" ] && out="$SITE"
    log "round $round of $ROUNDS: zbor export-site (full), then cp -a of the same tree"
    /usr/bin/time -f '%e %M' -o "$OUT/export-$round.time" "${ZBOR[@]}" export-site --out "$out" --base-url https://mirror.example.org >"$OUT/export.out" 2>"$OUT/export.log"
    sync
    /usr/bin/time -f '%e %M' -o "$OUT/cp-$round.time" cp -a "$out" "$TREES/copy-$round"
    sync
done
FILES=$(find "$SITE" -type f | wc -l)
BYTES=$(du -sb "$SITE" | cut -f1)

log "one object's English title changed, then zbor export-site --incremental"
python3 - "$DATA/zbor.sqlite" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE objects SET title_en = title_en || ' (restored)' WHERE id = (SELECT MIN(id) FROM objects WHERE state = 'published')")
db.commit()
EOF
/usr/bin/time -f '%e %M' -o "$OUT/incremental.time" "${ZBOR[@]}" export-site --out "$SITE" --base-url https://mirror.example.org --incremental >"$OUT/incremental.out" 2>"$OUT/incremental.log"

log "what zbor serve and nginx serving the mirror sustain, the same pages"
# The same pages both ways: the home page, list pages and object pages in English.
# (awk, not head: head would close the pipe early and fail the script under pipefail)
find "$SITE/en/objects" -name '*.html' | sort | awk 'NR <= 500' | sed "s|^$SITE||" >"$OUT/mirror-urls.txt"
{ echo "$SITE/en/list/index.html"; find "$SITE/en/list" -name 'all-page-*.html' | sort | awk 'NR <= 100'; } | sed "s|^$SITE||" >>"$OUT/mirror-urls.txt"
sed -e 's|^/en/objects/\(.*\)\.html$|/objects/\1?lang=en|' \
    -e 's|^/en/list/index\.html$|/objects?lang=en|' \
    -e 's|^/en/list/all-page-\([0-9]*\)\.html$|/objects?page=\1\&lang=en|' \
    "$OUT/mirror-urls.txt" >"$OUT/zbor-urls.txt"
cat >"$OUT/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $ROOT/$OUT/nginx.pid;
error_log $ROOT/$OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path $ROOT/$OUT/tmp;
  proxy_temp_path $ROOT/$OUT/tmp;
  fastcgi_temp_path $ROOT/$OUT/tmp;
  uwsgi_temp_path $ROOT/$OUT/tmp;
  scgi_temp_path $ROOT/$OUT/tmp;
  server { listen $HOST:$NGINX_PORT; root $SITE; }
}
EOF
mkdir -p "$OUT/tmp"
nginx -c "$ROOT/$OUT/nginx.conf" -p "$ROOT/$OUT" &
NGINX_PID=$!
"${ZBOR[@]}" serve --listen "$HOST:$ZBOR_PORT" >"$OUT/serve.out" 2>"$OUT/serve.log" &
ZBOR_PID=$!
for _ in $(seq 100); do
    curl -sf "http://$HOST:$ZBOR_PORT/healthz" >/dev/null && curl -sf "http://$HOST:$NGINX_PORT/index.html" >/dev/null && break
    sleep 0.2
done
# Warm both (zbor's render cache, nginx's page cache), then measure one at a time.
wrk -t2 -c32 -d2s -s bench/paths.lua "http://$HOST:$ZBOR_PORT" -- "$OUT/zbor-urls.txt" >/dev/null
wrk -t2 -c32 -d2s -s bench/paths.lua "http://$HOST:$NGINX_PORT" -- "$OUT/mirror-urls.txt" >/dev/null
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/paths.lua "http://$HOST:$ZBOR_PORT" -- "$OUT/zbor-urls.txt" >"$OUT/wrk-zbor.txt"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/paths.lua "http://$HOST:$NGINX_PORT" -- "$OUT/mirror-urls.txt" >"$OUT/wrk-nginx.txt"

rps() { grep '^Requests/sec' "$1" | awk '{print $2}'; }
p99() { grep -E '^ +99%' "$1" | awk '{print $2}'; }
# Each round's ratio; the median round is the figure.
for round in $(seq "$ROUNDS"); do
    read -r export_s export_kb <"$OUT/export-$round.time"
    read -r cp_s _ <"$OUT/cp-$round.time"
    echo "$(echo "scale=2; $export_s / $cp_s" | bc) $export_s $cp_s $export_kb $round"
done | sort -n >"$OUT/rounds.txt"
read -r RATIO EXPORT_S CP_S EXPORT_KB _ < <(awk -v m=$(( (ROUNDS + 1) / 2 )) 'NR == m' "$OUT/rounds.txt")
read -r INC_S INC_KB <"$OUT/incremental.time"
{
    echo "# bench/mirror.sh — $OBJECTS objects; the mirror: $FILES files, $(( BYTES / 1048576 )) MiB, written to $(df --output=fstype "$TREES" | tail -1) ($TREES)"
    echo
    echo "| run | wall time | peak RSS | files written |"
    echo "|---|---|---|---|"
    echo "| zbor export-site (full), median round of $ROUNDS | ${EXPORT_S} s | $(( EXPORT_KB / 1024 )) MiB | $(grep -o '[0-9]* written' "$OUT/export.out") |"
    echo "| cp -a of the same tree, same round | ${CP_S} s | — | $FILES |"
    echo "| zbor export-site --incremental, one title changed | ${INC_S} s | $(( INC_KB / 1024 )) MiB | $(grep -o '[0-9]* page(s) rendered' "$OUT/incremental.out"), $(grep -o '[0-9]* written' "$OUT/incremental.out") |"
    echo
    echo "export / cp -a: ${RATIO}x (target <= 3x); incremental: ${INC_S} s (target <= 2 s)."
    echo
    echo "Every round (export / cp -a, export, cp -a): $(awk '{printf "%s%sx %s s / %s s", (NR > 1 ? "; " : ""), $1, $2, $3}' "$OUT/rounds.txt")."
    echo
    echo "| server, same $(wc -l <"$OUT/mirror-urls.txt") pages | requests/s | p99 |"
    echo "|---|---|---|"
    echo "| zbor serve (render cache warm) | $(rps "$OUT/wrk-zbor.txt") | $(p99 "$OUT/wrk-zbor.txt") |"
    echo "| nginx serving the mirror | $(rps "$OUT/wrk-nginx.txt") | $(p99 "$OUT/wrk-nginx.txt") |"
} | tee "$OUT/results.md"

# Only now, with every measurement made: the trees of this and earlier runs but the served one.
rm -rf "$TRASH" "$TREES"/round-* "$TREES"/copy-*
