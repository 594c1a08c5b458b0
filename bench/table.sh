#!/usr/bin/env bash
# Benchmark of the CSV round trip: `zbor export-csv`, then `zbor import-csv --dry-run` and
# `zbor import-csv` of a table of 10 000 objects in which every row has two cells edited
# (title_en and rights), on a demo collection.
#
#   bench/table.sh                      # the full run (10 000 objects)
#   BENCH_OBJECTS=300 bench/table.sh    # a quick smoke run
#   BENCH_REUSE=1 bench/table.sh        # keep the demo collection of the previous run
#
# Everything lives in bench/out/table/ (gitignored). Writes bench/out/table/results.md.
#
# Target (printed, never enforced): a 10 000-row import, dry run and real, under 10 s each.
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBJECTS=${BENCH_OBJECTS:-10000}
OUT=bench/out/table
BIN=target/release/zbor
DATA=$OUT/data
UPLOADS=$OUT/uploads

log() { printf '\n==> %s\n' "$*" >&2; }

command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
[ -x "$BIN" ] || cargo build --release

if [ "${BENCH_REUSE:-}" != 1 ] || [ ! -f "$DATA/zbor.sqlite" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    log "seeding a demo collection of $OBJECTS objects"
    "$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS" demo --objects "$OBJECTS" --no-serve >"$OUT/seed.txt" 2>"$OUT/seed.log"
fi
rm -f "$OUT"/*.csv "$OUT"/*.time "$OUT"/*.out

ZBOR=("$BIN" --data-dir "$DATA" --uploads-dir "$UPLOADS")
# Wall seconds and peak RSS (KiB) of one command, from GNU time.
timed() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>/dev/null
    read -r secs kib <"$OUT/$name.time"
    printf '%s %s %s\n' "$name" "$secs" "$kib"
}

log "export"
timed export "${ZBOR[@]}" export-csv --out "$OUT/objects.csv" | tee "$OUT/figures.txt"
ROWS=$(($(wc -l <"$OUT/objects.csv") - 1))

log "edit every row: title_en and rights"
python3 - "$OUT/objects.csv" "$OUT/edited.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as src, open(sys.argv[2], 'w', newline='', encoding='utf-8') as dst:
    reader = csv.DictReader(src)
    writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
    writer.writeheader()
    for row in reader:
        row['title_en'] = (row['title_en'] or 'Untitled') + ' (checked)'
        row['rights'] = 'http://creativecommons.org/licenses/by-nc/4.0/'
        writer.writerow(row)
PY

log "import, unchanged (a no-op)"
timed noop "${ZBOR[@]}" import-csv "$OUT/objects.csv" | tee -a "$OUT/figures.txt"
log "import --dry-run, every row edited"
timed dry-run "${ZBOR[@]}" import-csv "$OUT/edited.csv" --dry-run | tee -a "$OUT/figures.txt"
log "import, every row edited"
timed import "${ZBOR[@]}" import-csv "$OUT/edited.csv" | tee -a "$OUT/figures.txt"
tail -n 1 "$OUT/import.out"

{
    echo "# CSV round trip, $ROWS rows ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| step | seconds | peak RSS (MiB) |"
    echo "|---|---|---|"
    while read -r name secs kib; do
        printf '| %s | %s | %d |\n' "$name" "$secs" $((kib / 1024))
    done <"$OUT/figures.txt"
} >"$OUT/results.md"
cat "$OUT/results.md"
