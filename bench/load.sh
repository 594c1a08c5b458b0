#!/usr/bin/env bash
# Load and fault benchmark: zbor under a storm of donors, staff and readers with hostile
# clients among them, then kill -9 in the middle of a second storm. Loopback only, bounded
# in time, stops by itself.
#
#   bench/load.sh                                     # the full run
#   BENCH_DONORS=40 BENCH_STAFF=5 bench/load.sh       # a quick smoke run
#
# What it does (everything it makes lives in bench/out/load/, gitignored):
#   1. builds zbor and its load generator (examples/load.rs) in release mode;
#   2. makes a demo collection (BENCH_OBJECTS objects) and BENCH_STAFF curator accounts, and
#      raises the intake form's hourly limits (zbor.toml) so that every donor of both storms
#      is within them: the limits themselves are tested in tests/it/, not here;
#   3. starts `zbor serve` and runs the generator: catalogue readers at a steady rate
#      (40 req/s) for BENCH_REST seconds at rest, then the storm: BENCH_DONORS donors at once,
#      each sending an offer with one to three photos (800×600, 2000×1500, 4000×3000 JPEGs),
#      BENCH_STAFF staff creating, editing and publishing objects, the readers at the same
#      rate, and the hostile mix: 200 slow clients (one header byte a second, reconnecting
#      when cut off), requests with a 1 MiB header, a sign-in flood from 8 addresses and junk
#      offers (no token or a forged one, with a photo) from 4; until every donor has an
#      answer or BENCH_STORM seconds have passed;
#   4. reads the server's peak RSS (VmHWM) and stops it;
#   5. restarts it and sends BENCH_DONORS donors again, kills it with SIGKILL once
#      BENCH_KILL_AFTER offers have been answered (0: skip this step), restarts it, and checks that every offer
#      whose answer reached its donor is whole (row, photos held in the database, sealed record), that no
#      half-written file is left, and that `zbor audit verify` passes;
#   6. prints the table (also in bench/out/load/results.md).
#
# Environment: the BENCH_* variables above, and BENCH_GENERATOR_NICE (default 0), the nice
# value of the generator's donors, staff and attackers (the readers stay at 0; setting it
# above 0 needs root for that). The generator shares the server's cores here, where real
# attackers would bring CPUs of their own: 19 leaves the cores to the server first, and the
# storm is then only as strong as what the server leaves over (the table counts it).
#
# Targets (printed, never enforced): nothing lost; no 5xx; catalogue p99 in the storm <= 3x
# at rest; peak RSS <= 1 GiB.
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBJECTS=${BENCH_OBJECTS:-300}
DONORS=${BENCH_DONORS:-200}
STAFF=${BENCH_STAFF:-20}
REST=${BENCH_REST:-60}
STORM=${BENCH_STORM:-300}
KILL_AFTER=${BENCH_KILL_AFTER:-40}
PORT=${BENCH_PORT:-18180}
HOST=127.0.0.1
URL="http://$HOST:$PORT"
OUT=bench/out/load
# BENCH_BIN: the zbor binary to measure (default the release build of this tree), for a "before"
# run of an older build; the results name it.
BIN=${BENCH_BIN:-target/release/zbor}
LOAD=target/release/examples/load
export BENCH_STAFF_PASSWORD="a staff password for the bench"

SERVER_PID=""
log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nbench/load.sh: %s\n' "$*" >&2; exit 1; }
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        sleep 2
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# The server holds a connection per client: far more than the usual 1024 descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

start_server() {
    ZBOR_CONFIG="$OUT/zbor.toml" RUST_LOG=zbor=warn,warn "$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" \
        serve --listen "$HOST:$PORT" >>"$OUT/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS --max-time 2 "$URL/healthz" >/dev/null 2>&1; then return 0; fi
        kill -0 "$SERVER_PID" 2>/dev/null || die "zbor serve exited; see $OUT/server.log"
        sleep 0.2
    done
    die "zbor serve did not answer /healthz"
}

stop_server() {
    kill -TERM "$SERVER_PID"
    timeout 90 tail --pid="$SERVER_PID" -f /dev/null || kill -KILL "$SERVER_PID"
    SERVER_PID=""
}

log "building zbor and the load generator (release)"
nice -n 10 cargo build --release --quiet --bin zbor --example load

rm -rf "$OUT"
mkdir -p "$OUT"
log "a demo collection of $OBJECTS objects and $STAFF curators"
"$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" demo --no-serve --objects "$OBJECTS" >"$OUT/demo.log"
for i in $(seq -w 1 "$STAFF"); do
    ZBOR_USER_PASSWORD="$BENCH_STAFF_PASSWORD" "$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" \
        user add "staff$(printf '%02d' "$((10#$i))")" --role curator >/dev/null
done
# Curators read offers, so they sign in with a second factor: one one-time code each.
"$LOAD" enrol "$OUT/data" "$STAFF" >"$OUT/staff-codes.txt"
export BENCH_STAFF_CODES="$OUT/staff-codes.txt"
cat >"$OUT/zbor.toml" <<TOML
offers_per_hour = 10000
offers_per_address_per_hour = 100
TOML

log "storm: $DONORS donors, $STAFF staff, readers, slow clients, huge headers, sign-in flood, junk (at most ${STORM}s)"
start_server
BEFORE_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
timeout $((REST + STORM + 120)) "$LOAD" storm "$URL" "$REST" "$STORM" "$DONORS" "$STAFF" | tee "$OUT/storm.txt"
PEAK_KIB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
echo "peak_rss_mib=$((PEAK_KIB / 1024))" | tee -a "$OUT/storm.txt"
stop_server
STORED=$(sqlite3 "$OUT/data/zbor.sqlite" "SELECT COUNT(*) FROM offers WHERE title LIKE 'Offer from donor %'" 2>/dev/null || echo "?")
echo "offers_stored=$STORED" | tee -a "$OUT/storm.txt"

if [[ $KILL_AFTER -gt 0 ]]; then
    log "second storm: kill -9 after $KILL_AFTER answered offers, restart, verify"
    start_server
    timeout 900 "$LOAD" kill "$URL" "$SERVER_PID" "$KILL_AFTER" "$OUT/answered.txt" "$DONORS" | tee "$OUT/kill.txt"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    start_server
    stop_server
    timeout 300 "$LOAD" verify "$OUT/data" "$OUT/uploads" "$OUT/answered.txt" | tee -a "$OUT/kill.txt"
    if "$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" audit verify >"$OUT/audit.txt" 2>&1; then
        AUDIT=passes
    else
        AUDIT="FAILS (see $OUT/audit.txt)"
    fi
else
    log "second storm skipped (BENCH_KILL_AFTER=0)"
    : >"$OUT/kill.txt"
    AUDIT="not run (BENCH_KILL_AFTER=0)"
fi

val() { grep -m1 "^$1=" "$2" | cut -d= -f2-; }
S="$OUT/storm.txt"; K="$OUT/kill.txt"
REST_P99=$(val rest_p99_ms "$S"); STORM_P99=$(val storm_p99_ms "$S")
RATIO=$(awk -v a="$STORM_P99" -v b="$REST_P99" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
cat >"$OUT/results.md" <<MD
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average before the storm: $BEFORE_LOAD.
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); zbor $(git rev-parse --short HEAD)${BENCH_BIN:+ (binary: $BENCH_BIN)}.
- Command: \`BENCH_DONORS=$DONORS BENCH_STAFF=$STAFF BENCH_OBJECTS=$OBJECTS BENCH_REST=$REST BENCH_STORM=$STORM BENCH_KILL_AFTER=$KILL_AFTER BENCH_GENERATOR_NICE=${BENCH_GENERATOR_NICE:-0} bench/load.sh\`

| measure | figure | target |
|---|---:|---|
| offers accepted (answered 200) / donors | $(val offers_accepted "$S") / $DONORS | all |
| offers stored (rows after the storm) | $STORED | = accepted |
| storm length (until every donor had an answer) | $(val storm_seconds "$S") s | |
| catalogue p50 at rest / in the storm | $(val rest_p50_ms "$S") / $(val storm_p50_ms "$S") ms | |
| catalogue p99 at rest / in the storm | $REST_P99 / $STORM_P99 ms (${RATIO}×) | ≤ 3× |
| the slowest hundredth in the storm, by page | $(val storm_reader_slowest_hundredth "$S") | |
| catalogue requests at rest / in the storm | $(val rest_requests "$S") / $(val storm_requests "$S") | |
| 5xx answers, all clients | $(val server_errors_5xx "$S") | 0 |
| peak RSS of zbor | $(val peak_rss_mib "$S") MiB | ≤ 1024 MiB |
| slow clients cut off / longest open | $(val slow_cut_off "$S") / $(val slow_longest_open_s "$S") s | |
| kill -9: offers answered before the kill / in all | $(val kill_answered_before_kill "$K") / $(val kill_answered_total "$K") | |
| kill -9: answered offers whole after restart / broken | $(val verify_whole "$K") / $(val verify_broken "$K") | all / 0 |
| kill -9: half-written files after restart | $(val verify_half_written_files "$K") | 0 |
| \`zbor audit verify\` after restart | $AUDIT | passes |

Every answer by client (status counts; connection errors are closes by the server or the kill):

\`\`\`
$(grep -E '_status_|_errors|_closed|_cut_off' "$S" "$K" | sed 's|^bench/out/load/||')
\`\`\`
MD
log "results (also in $OUT/results.md)"
cat "$OUT/results.md"
