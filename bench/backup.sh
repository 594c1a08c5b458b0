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
for tool in time bc hyperfine; do command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; }; done
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

RUNS=${BENCH_RUNS:-10}
ZBOR="$BIN --data-dir $DATA --uploads-dir $UPLOADS"
TAR="cd '$OUT' && { find uploads -name 'master.*' | sort; printf '%s\n' data/zbor.sqlite data/contacts.sqlite data/recipients.txt; } | tar -cf - -T - | age -R data/recipients.txt >tar.age"

# Wall time: the mean of $RUNS runs of each, alternating in one hyperfine call (a new archive
# each run; every zbor backup is also a ledger row and an audit entry, as in real use).
log "zbor backup vs tar | age, $RUNS runs each"
hyperfine --style basic --runs "$RUNS" --warmup 1 --export-json "$OUT/times.json" \
    --prepare "rm -f '$OUT/full.age'" --prepare "rm -f '$OUT/tar.age'" \
    -n "zbor backup" "$ZBOR backup --out '$OUT/full.age'" \
    -n "tar | age" "bash -c \"$TAR\"" >"$OUT/hyperfine.txt"
hyperfine --style basic --runs "$RUNS" --export-json "$OUT/inc-times.json" \
    --prepare "rm -f '$OUT/inc.age'" \
    -n "zbor backup --since" "$ZBOR backup --out '$OUT/inc.age' --since '$OUT/full.age'" >>"$OUT/hyperfine.txt"

# Peak memory: one more run of each under time(1).
/usr/bin/time -f '%M' -o "$OUT/zbor.rss" $ZBOR backup --out "$OUT/rss.age" >"$OUT/zbor.out" 2>"$OUT/zbor.log"
rm -f "$OUT/rss.age" "$OUT/inc.age"
/usr/bin/time -f '%M' -o "$OUT/inc.rss" $ZBOR backup --out "$OUT/inc.age" --since "$OUT/full.age" >"$OUT/inc.out" 2>"$OUT/inc.log"

# Restore of the full archive into empty folders (it also rebuilds every derivative).
log "zbor restore"
KEY_FILE=$(sed -n 's/.*demo keyholder identity (DEMO ONLY, outside the data folder): //p' "$OUT/seed.txt" | head -1)
rm -rf "$OUT/restored"
/usr/bin/time -f '%e %M' -o "$OUT/restore.time" \
    "$BIN" --data-dir "$OUT/restored/data" --uploads-dir "$OUT/restored/uploads" \
    restore "$OUT/full.age" --identity "$KEY_FILE" >"$OUT/restore.out" 2>"$OUT/restore.log" || echo "restore failed: see $OUT/restore.log" >&2

stat_of() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(f\"{[x for x in r if x['command']==sys.argv[2]][0][sys.argv[3]]:.3f}\")" "$1" "$2" "$3"; }
mean() { stat_of "$1" "$2" mean; }
ZBOR_S=$(mean "$OUT/times.json" "zbor backup")
TAR_S=$(mean "$OUT/times.json" "tar | age")
INC_S=$(mean "$OUT/inc-times.json" "zbor backup --since")
read -r ZBOR_KB <"$OUT/zbor.rss"
read -r INC_KB <"$OUT/inc.rss"
read -r RESTORE_S RESTORE_KB <"$OUT/restore.time" || true
RATIO=$(echo "scale=2; $ZBOR_S / $TAR_S" | bc)
ZBOR_MIN=$(stat_of "$OUT/times.json" "zbor backup" min)
TAR_MIN=$(stat_of "$OUT/times.json" "tar | age" min)
MIN_RATIO=$(echo "scale=2; $ZBOR_MIN / $TAR_MIN" | bc)
{
    echo "# bench/backup.sh — $OBJECTS objects, $MASTERS masters, $(( BYTES / 1048576 )) MiB of input, mean of $RUNS runs"
    echo
    echo "| run | wall time | peak RSS | archive |"
    echo "|---|---|---|---|"
    echo "| zbor backup (full) | ${ZBOR_S} s | $(( ZBOR_KB / 1024 )) MiB | $(( $(stat -c %s "$OUT/full.age") / 1048576 )) MiB |"
    echo "| tar \| age, same files | ${TAR_S} s | — | $(( $(stat -c %s "$OUT/tar.age") / 1048576 )) MiB |"
    echo "| zbor backup --since (no new image) | ${INC_S} s | $(( INC_KB / 1024 )) MiB | $(( $(stat -c %s "$OUT/inc.age") / 1048576 )) MiB |"
    echo "| zbor restore (full archive, derivatives rebuilt) | ${RESTORE_S:-?} s | $(( ${RESTORE_KB:-0} / 1024 )) MiB | — |"
    echo
    echo "zbor / tar|age: ${RATIO}x by the means, ${MIN_RATIO}x by the fastest runs (${ZBOR_MIN} s vs ${TAR_MIN} s); target <= 1.5x; peak RSS target <= 200 MiB."
} | tee "$OUT/results.md"
