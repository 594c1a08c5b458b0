#!/usr/bin/env bash
# Benchmark of `zbor backup` against `tar` of the very same files piped through the `age` CLI
# to the same recipients, side by side in one run, on a demo collection.
#
#   bench/backup.sh                      # the full run (10 000 objects)
#   BENCH_OBJECTS=300 bench/backup.sh    # a quick smoke run
#   BENCH_REUSE=1 bench/backup.sh        # keep the demo collection of the previous run
#
# Runs as root (it installs age with apt when missing). Everything lives in bench/out/backup/
# (gitignored). Writes bench/out/backup/results.md.
#
# Targets (printed, never enforced): zbor backup <= 1.5x tar | age; peak RSS <= 200 MiB.
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBJECTS=${BENCH_OBJECTS:-10000}
OUT=bench/out/backup
BIN=target/release/zbor
DATA=$OUT/data
UPLOADS=$OUT/uploads

log() { printf '\n==> %s\n' "$*" >&2; }

command -v age >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq age; }
for tool in time bc; do command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; }; done
[ -x "$BIN" ] || cargo build --release

if [ "${BENCH_REUSE:-}" != 1 ] || [ ! -f "$DATA/zbor.sqlite" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    log "seeding a demo collection of $OBJECTS objects"
    "$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS" demo --objects "$OBJECTS" --no-serve >"$OUT/seed.txt" 2>"$OUT/seed.log"
fi
rm -f "$OUT"/*.age "$OUT"/*.time
sync

# Both read the same files: the databases, recipients.txt and every master.
MASTERS=$(find "$UPLOADS" -name 'master.*' | wc -l)
BYTES=$(( $(find "$UPLOADS" -name 'master.*' -printf '%s\n' | paste -sd+ | bc) + $(stat -c %s "$DATA/zbor.sqlite" "$DATA/contacts.sqlite" | paste -sd+ | bc) ))

log "zbor backup"
/usr/bin/time -f '%e %M' -o "$OUT/zbor.time" \
    "$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS" backup --out "$OUT/full.age" >"$OUT/zbor.out" 2>"$OUT/zbor.log"

log "tar | age"
/usr/bin/time -f '%e %M' -o "$OUT/tar.time" bash -c "
    cd '$OUT' && { find uploads -name 'master.*' | sort; printf '%s\n' data/zbor.sqlite data/contacts.sqlite data/recipients.txt; } |
    tar -cf - -T - | age -R data/recipients.txt >tar.age"

log "zbor backup --since (nothing changed: the databases only)"
/usr/bin/time -f '%e %M' -o "$OUT/inc.time" \
    "$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS" backup --out "$OUT/inc.age" --since "$OUT/full.age" >"$OUT/inc.out" 2>"$OUT/inc.log"

read -r ZBOR_S ZBOR_KB <"$OUT/zbor.time"
read -r TAR_S _ <"$OUT/tar.time"
read -r INC_S INC_KB <"$OUT/inc.time"
RATIO=$(echo "scale=2; $ZBOR_S / $TAR_S" | bc)
{
    echo "# bench/backup.sh — $OBJECTS objects, $MASTERS masters, $(( BYTES / 1048576 )) MiB of input"
    echo
    echo "| run | wall time | peak RSS | archive |"
    echo "|---|---|---|---|"
    echo "| zbor backup (full) | ${ZBOR_S} s | $(( ZBOR_KB / 1024 )) MiB | $(( $(stat -c %s "$OUT/full.age") / 1048576 )) MiB |"
    echo "| tar \| age, same files | ${TAR_S} s | — | $(( $(stat -c %s "$OUT/tar.age") / 1048576 )) MiB |"
    echo "| zbor backup --since (no new image) | ${INC_S} s | $(( INC_KB / 1024 )) MiB | $(( $(stat -c %s "$OUT/inc.age") / 1048576 )) MiB |"
    echo
    echo "zbor / tar|age: ${RATIO}x (target <= 1.5x); peak RSS target <= 200 MiB."
} | tee "$OUT/results.md"
