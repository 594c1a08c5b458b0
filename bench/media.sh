#!/usr/bin/env bash
# Benchmark of zbor's photo pipeline (sanitise + master + derivatives 2400/1200/400) against
# libvips doing the same job, on three photo-like inputs made by examples/media_bench.rs.
#
#   bench/media.sh                  # the full run (3 runs of everything)
#   BENCH_RUNS=1 bench/media.sh     # a quick smoke run
#
# Runs as root (it installs libvips-tools, GNU time and pyvips when they are missing). Everything
# it makes lives in bench/out/media/ (gitignored): the inputs, the pyvips venv and script, each
# run's log and results.md. Each run's output goes into a fresh folder, removed afterwards.
#
# Inputs (`media_bench generate`): photo-24mp.jpg (6000×4000), photo-48mp.jpg (8000×6000), both
# JPEG quality 90, and scan-24mp.png (6000×4000 RGB). Three ways of doing the job, each run as its
# own process under `/usr/bin/time -f '%e %M %U %S'` (wall s, peak RSS KiB, user s, sys s):
#   zbor     `media_bench run FILE OUT`: sanitise (decode, orientation, 8-bit, new master JPEG
#            q92, or PNG only when there is transparency) + put_master, then write_derivatives from the same decoded pixels (as the worker does after an upload)
#            (decode the master, Lanczos3 cascade 2400 → 1200 → 400, JPEG q85). Single-threaded.
#   vips CLI `vips copy FILE OUT/master.jpg[Q=92,strip]` (master.png[strip] for the PNG), then
#            `vipsthumbnail OUT/master.* --size N -o OUT/N.jpg[Q=85,strip]` for N = 2400, 1200,
#            400, all four in one `bash -c`. GNU time's %M for it is the largest RSS of any one
#            of the four commands (Linux passes the children's maximum up through bash; checked:
#            three children of 100, 300 and 50 MiB give 300 MiB), which, as they run one after
#            the other, is the chain's peak.
#   pyvips   libvips in one Python process (bench/out/media/vips_one.py): load once into memory,
#            write the master, then thumbnail_image 2400 from the loaded image, 1200 from the
#            2400 (kept in memory), 400 from the 1200, each written as JPEG q85 without metadata.
# libvips runs at its defaults (its thread pool has as many threads as cores, unless
# VIPS_CONCURRENCY says otherwise); zbor decodes on one thread, encodes the master in strips on
# every core and the derivatives' JPEGs and WebPs on two threads. Both are reported as they are:
# that is the honest comparison on this machine.
#
# Targets (printed, never enforced): zbor ≤ 0.5× the CLI's wall time for the JPEGs and ≤ 0.25×
# for the PNG; zbor ≤ 1.0× pyvips; zbor's peak RSS ≤ W·H·3 bytes + 80 MiB.
#
# Environment overrides:
#   BENCH_RUNS   runs of each way on each input; the table gives the median time and the
#                largest peak RSS                                         (default 3)
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench/media.sh: BENCH_RUNS must be a positive integer" >&2; exit 2; }

OUT=bench/out/media
INPUT_DIR=$OUT/inputs
BIN=target/release/examples/media_bench
VENV=$OUT/venv
PY_SCRIPT=$OUT/vips_one.py
INPUTS=(photo-24mp.jpg photo-48mp.jpg scan-24mp.png)
# Longest any single measured run may take before it counts as a failure.
RUN_TIMEOUT=600
# The Python that imports pyvips (set by install_tools).
PY=""

# Set when we put a policy-rc.d in place ourselves (see install_tools).
POLICY_RC_D_OURS=""
# Per-run output folders live here; removed on exit whatever happens.
SCRATCH=""

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nbench/media.sh: %s\n' "$*" >&2; exit 1; }

cleanup() {
    if [[ -n $SCRATCH ]]; then
        rm -rf "$SCRATCH"
    fi
    if [[ -n $POLICY_RC_D_OURS ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------------

have() { command -v "$1" >/dev/null 2>&1; }

# Whether the apt archive offers PACKAGE (in the package lists as they are now).
apt_has() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }

# Sets PY to a Python that imports pyvips (the venv's, else the system's), if there is one.
find_pyvips() {
    local candidate
    for candidate in "$VENV/bin/python" /usr/bin/python3; do
        if [[ -x $candidate ]] && "$candidate" -c 'import pyvips' >/dev/null 2>&1; then
            PY=$candidate
            return 0
        fi
    done
    return 1
}

# Installs what is missing: libvips-tools (vips, vipsthumbnail, vipsheader; it pulls libvips42),
# GNU time, and pyvips: Debian's python3-pyvips when the archive has it, else pyvips from PyPI
# into a venv under bench/out/media/ (cffi's ABI mode: no compiler, no libvips headers needed).
install_tools() {
    local packages=() pip_pyvips=""
    have vips && have vipsthumbnail && have vipsheader || packages+=(libvips-tools)
    [[ -x /usr/bin/time ]] || packages+=(time)
    have python3 || packages+=(python3)
    if [[ ${#packages[@]} -eq 0 ]] && find_pyvips; then
        return
    fi
    [[ $(id -u) -eq 0 ]] || die "need root to install ${packages[*]:-pyvips} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if [[ ${#packages[@]} -gt 0 ]] || ! apt_has libvips42; then
        log "apt-get update"
        timeout 600 apt-get update -qq >&2
    fi
    if ! find_pyvips 2>/dev/null; then
        if apt_has python3-pyvips; then
            packages+=(python3-pyvips)
        else
            pip_pyvips=1
            # Debian's own python3 needs python3-venv for `python3 -m venv` (ensurepip).
            if have python3 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
                packages+=(python3-venv)
            fi
        fi
    fi
    mkdir -p "$OUT"
    if [[ ${#packages[@]} -gt 0 ]]; then
        log "installing ${packages[*]}"
        # Install starts no services (none of these has one, but be safe in a shared machine).
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            POLICY_RC_D_OURS=1
        fi
        timeout 900 apt-get install -y -qq "${packages[@]}" >"$OUT/apt.log" 2>&1 ||
            { tail -n 30 "$OUT/apt.log" >&2; die "apt-get install ${packages[*]} failed (see $OUT/apt.log)"; }
        if [[ -n $POLICY_RC_D_OURS ]]; then
            rm -f /usr/sbin/policy-rc.d
            POLICY_RC_D_OURS=""
        fi
    fi
    if [[ -n $pip_pyvips ]]; then
        log "installing pyvips from PyPI into $VENV"
        rm -rf "$VENV"
        timeout 300 python3 -m venv "$VENV" >&2 || die "python3 -m venv $VENV failed"
        timeout 600 "$VENV/bin/pip" install -q --disable-pip-version-check pyvips >"$OUT/pip.log" 2>&1 ||
            { tail -n 30 "$OUT/pip.log" >&2; die "pip install pyvips failed (see $OUT/pip.log)"; }
    fi
    have vips && have vipsthumbnail && have vipsheader || die "vips, vipsthumbnail or vipsheader is still missing"
    [[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is still missing"
    find_pyvips || die "no Python imports pyvips, even after installing it"
}

# The one-process libvips way. Loads once into memory (random access, the default; memory=True
# keeps a large image in RAM instead of libvips' disc temp file above 100 MB, as zbor does), then a
# cascade in which each size is kept in memory and made from the previous one.
write_py_script() {
    cat >"$PY_SCRIPT" <<'PY'
# Written by bench/media.sh: libvips in one process doing zbor's job on one file.
#   python vips_one.py FILE OUTDIR     (or: python vips_one.py --info)
import os
import sys

import pyvips


def concurrency():
    try:
        return pyvips.vips_lib.vips_concurrency_get()
    except Exception:  # not declared by this pyvips
        return "unknown"


if sys.argv[1:] == ["--info"]:
    print(f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}, "
          f"pyvips {pyvips.__version__} ({'API' if pyvips.API_mode else 'ABI'} mode), "
          f"{concurrency()} threads")
    sys.exit(0)

src, out = sys.argv[1], sys.argv[2]
# libvips 8.15 replaced strip=True with keep=<flags>; ForeignKeep.NONE is 0.
no_metadata = {"keep": 0} if (pyvips.version(0), pyvips.version(1)) >= (8, 15) else {"strip": True}

image = pyvips.Image.new_from_file(src, memory=True)
if src.lower().endswith(".png"):
    image.write_to_file(os.path.join(out, "master.png"), **no_metadata)
else:
    image.write_to_file(os.path.join(out, "master.jpg"), Q=92, **no_metadata)
current = image
for size in (2400, 1200, 400):
    current = current.thumbnail_image(size).copy_memory()
    current.write_to_file(os.path.join(out, f"{size}.jpg"), Q=85, **no_metadata)
PY
}

# --- inputs ------------------------------------------------------------------------------------

build() {
    log "cargo build --release --example media_bench"
    timeout 3600 cargo build --release --example media_bench
    [[ -x $BIN ]] || die "$BIN was not built"
}

# Made once; again only when the example was rebuilt since.
generate() {
    local stamp=$INPUT_DIR/.generated name
    if [[ -f $stamp && ! $BIN -nt $stamp ]]; then
        for name in "${INPUTS[@]}"; do
            [[ -s $INPUT_DIR/$name ]] || break
        done
        if [[ -s $INPUT_DIR/$name ]]; then
            log "inputs already generated in $INPUT_DIR"
            return
        fi
    fi
    log "generating the inputs in $INPUT_DIR"
    rm -rf "$INPUT_DIR"
    timeout 600 "$BIN" generate "$INPUT_DIR" >&2 || die "media_bench generate failed"
    touch "$stamp"
}

# --- measuring ---------------------------------------------------------------------------------

# way_cmd WAY FILE OUTDIR: sets CMD to the command line of one way on FILE.
CMD=()
way_cmd() {
    local way=$1 file=$2 dir=$3
    case $way in
        zbor) CMD=("$ROOT/$BIN" run "$file" "$dir") ;;
        cli)
            # shellcheck disable=SC2016 # expanded by the inner bash
            CMD=(bash -c 'set -e
                in=$1 out=$2
                if [[ $in == *.png ]]; then master=$out/master.png opts="[strip]"; else master=$out/master.jpg opts="[Q=92,strip]"; fi
                vips copy "$in" "$master$opts"
                for size in 2400 1200 400; do
                    vipsthumbnail "$master" --size "$size" -o "$out/$size.jpg[Q=85,strip]"
                done' vips_cli "$file" "$dir") ;;
        pyvips) CMD=("$PY" "$ROOT/$PY_SCRIPT" "$file" "$dir") ;;
        *) die "unknown way $way" ;;
    esac
}

# measure WAY INPUT RUN: one run in a fresh folder, under GNU time (timeout inside it, so that
# time waits for the whole run); appends "wall rss_kib user sys" to $OUT/logs/WAY-INPUT.times
# and keeps the program's output in $OUT/logs/WAY-INPUT-RUN.log.
measure() {
    local way=$1 input=$2 run=$3 dir tfile logf made wall rss user sys
    dir=$(mktemp -d "$SCRATCH/$way.XXXXXX")
    tfile=$OUT/logs/$way-$input-$run.time
    logf=$OUT/logs/$way-$input-$run.log
    way_cmd "$way" "$ROOT/$INPUT_DIR/$input" "$dir"
    if ! /usr/bin/time -o "$tfile" -f '%e %M %U %S' timeout "$RUN_TIMEOUT" "${CMD[@]}" >"$logf" 2>&1; then
        cat "$logf" "$tfile" >&2
        die "$way failed on $input (run $run; log above)"
    fi
    # Four images: the master and three derivatives.
    made=$(find "$dir" -type f \( -name '*.jpg' -o -name '*.png' \) | wc -l)
    [[ $made -eq 4 ]] || die "$way made $made images from $input instead of 4 (see $logf)"
    if [[ $run -eq 1 ]]; then
        describe_outputs "$dir" >"$OUT/logs/$way-$input.outputs"
    fi
    read -r wall rss user sys < <(tail -n 1 "$tfile")
    printf '%s %s %s %s\n' "$wall" "$rss" "$user" "$sys" >>"$OUT/logs/$way-$input.times"
    rm -rf "$dir"
    printf '%-7s %-15s run %d: %5.2f s wall, %5.2f s CPU, %4d MiB peak RSS\n' "$way" "$input" "$run" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((rss / 1024))" >&2
}

# "master 6000×4000 9123 kB; 2400 2400×1600 391 kB; …" for the images under DIR.
describe_outputs() {
    local dir=$1 f base parts=()
    while IFS= read -r f; do
        base=$(basename "$f")
        parts+=("${base%.*} $(vipsheader -f width "$f")×$(vipsheader -f height "$f") $(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.0f", b / 1e3 }') kB")
    done < <(find "$dir" -type f \( -name '*.jpg' -o -name '*.png' \) | sort_outputs)
    local IFS=';'
    printf '%s\n' "${parts[*]}" | sed 's/;/; /g'
}

# Orders output paths master, 2400, 1200, 400.
sort_outputs() {
    awk -F/ '{ n = $NF; k = (n ~ /^master/) ? 0 : (n ~ /^2400/) ? 1 : (n ~ /^1200/) ? 2 : 3; print k "\t" $0 }' |
        sort -n | cut -f2-
}

# The median of the numbers on stdin, one a line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# stats WAY INPUT: "median_wall_s max_rss_mib cpu" over the runs, cpu being "user + sys" (the
# medians of each, in s).
stats() {
    local times=$OUT/logs/$1-$2.times
    printf '%s %s %s + %s\n' "$(awk '{ print $1 }' "$times" | median)" \
        "$(awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$times")" \
        "$(awk '{ print $3 }' "$times" | median)" "$(awk '{ print $4 }' "$times" | median)"
}

# zbor_phases INPUT: medians of zbor's own timers (s) and largest memory figures (MiB):
# "sanitise_s put_master_s derivatives_s sanitise_peak_mib rss_between_mib".
zbor_phases() {
    local logs=("$OUT"/logs/zbor-"$1"-*.log)
    field() { sed -n "s/^file=.* $1=\\([0-9]*\\).*/\\1/p" "${logs[@]}"; }
    printf '%s %s %s %s %s\n' "$(field sanitise_ms | awk '{ print $1 / 1000 }' | median)" \
        "$(field put_master_ms | awk '{ print $1 / 1000 }' | median)" \
        "$(field derivatives_ms | awk '{ print $1 / 1000 }' | median)" \
        "$(field sanitise_peak_mib | sort -n | tail -n 1)" "$(field rss_between_mib | sort -n | tail -n 1)"
}

verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "met" : "missed") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

TABLE=""
PHASES=""
OUTPUTS=""
report_input() {
    local input=$1 path=$INPUT_DIR/$1 w h mb mp z put d peak between zw zr zc cw cr cc pw pr pc r_cli r_py target budget
    w=$(vipsheader -f width "$path")
    h=$(vipsheader -f height "$path")
    mb=$(awk -v b="$(stat -c %s "$path")" 'BEGIN { printf "%.1f", b / 1e6 }')
    mp=$(awk -v w="$w" -v h="$h" 'BEGIN { printf "%.0f", w * h / 1e6 }')
    read -r zw zr zc <<<"$(stats zbor "$input")"
    read -r cw cr cc <<<"$(stats cli "$input")"
    read -r pw pr pc <<<"$(stats pyvips "$input")"
    r_cli=$(ratio "$zw" "$cw")
    r_py=$(ratio "$zw" "$pw")
    if [[ $input == *.png ]]; then target=0.25; else target=0.5; fi
    budget=$(awk -v w="$w" -v h="$h" 'BEGIN { printf "%.0f", w * h * 3 / 1048576 + 80 }')
    TABLE+="| $input | $mb | ${w}×${h} (${mp} MP) | $zw | $cw | $pw"
    TABLE+=" | **${r_cli}×** (≤ ${target}×: $(verdict "$r_cli" "$target")) | **${r_py}×** (≤ 1.0×: $(verdict "$r_py" 1.0))"
    TABLE+=" | $zr ($(verdict "$zr" "$budget")) | $budget | $cr | $pr |"$'\n'
    read -r z put d peak between <<<"$(zbor_phases "$input")"
    PHASES+="| $input | $z | $put | $d | $(awk -v a="$z" -v b="$d" 'BEGIN { printf "%.0f%%", (a + b > 0 ? 100 * a / (a + b) : 0) }')"
    PHASES+=" | $peak | $between | $zr | $zc | $cc | $pc |"$'\n'
    OUTPUTS+="- $input — zbor: $(cat "$OUT/logs/zbor-$input.outputs")"$'\n'
    OUTPUTS+="  vips CLI: $(cat "$OUT/logs/cli-$input.outputs")"$'\n'
    OUTPUTS+="  pyvips: $(cat "$OUT/logs/pyvips-$input.outputs")"$'\n'
}

report() {
    local cpu commit
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    commit=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
    [[ -n $(git status --porcelain 2>/dev/null | head -n 1) ]] && commit+=", uncommitted changes"
    cat <<EOF
### Photo pipeline: zbor vs libvips

- Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average before the runs: $LOAD_BEFORE (the machine is shared).
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); zbor $commit; $(vips --version); $("$PY" "$PY_SCRIPT" --info), VIPS_CONCURRENCY=${VIPS_CONCURRENCY:-unset}; $(python3 --version 2>&1 | head -n 1).
- Command: \`BENCH_RUNS=$RUNS bench/media.sh\`; each of the $RUNS runs of each way is its own process under \`/usr/bin/time -f '%e %M %U %S'\`, the ways taking turns, output into a fresh folder.
- zbor: \`$BIN run FILE OUT\` — sanitise + put_master, then the derivatives from the same decoded pixels (as the worker does after an upload); the decode on one thread, the master's encode in strips on every core, the derivatives' encodes on two threads (mimalloc set up as in the zbor binary).
- vips CLI: \`vips copy FILE OUT/master.jpg[Q=92,strip]\` (\`master.png[strip]\` for the PNG), then \`vipsthumbnail OUT/master.* --size N -o OUT/N.jpg[Q=85,strip]\` for N = 2400, 1200, 400, all in one \`bash -c\`; RSS is the largest of the four.
- Masters differ for the PNG: zbor's sanitise keeps PNG only for images with transparency, so for the opaque scan it writes a JPEG q92 master, while both vips ways write a PNG master (deflate) as specified; their PNG times include that encode and PNG decodes.
- pyvips: \`$PY_SCRIPT\`: \`new_from_file(memory=True)\`, write the master, then \`thumbnail_image\` 2400 → 1200 → 400, each \`copy_memory()\` and written as JPEG q85 without metadata; Python start-up and \`import pyvips\` are included.
- Times are the median wall time in seconds; RSS is the largest peak RSS over the runs, in MiB. Targets: zbor ≤ 0.5× the CLI for the JPEGs, ≤ 0.25× for the PNG; zbor ≤ 1.0× pyvips; zbor's peak RSS ≤ W·H·3 bytes + 80 MiB.

| input | size (MB) | pixels | zbor s | vips CLI s | pyvips s | zbor/CLI | zbor/pyvips | zbor peak RSS MiB | budget W·H·3 + 80 MiB | CLI RSS MiB | pyvips RSS MiB |
|---|---:|---|---:|---:|---:|---|---|---:|---:|---:|---:|
${TABLE%$'\n'}

Where zbor's time and memory go (medians of its own timers; its own VmHWM at the end of the first
phase, its VmRSS between the phases, and its overall peak), and the CPU time of each way as
user + sys seconds (medians of each): CPU time above wall time means more than one thread at work,
and sys is mostly the kernel handing out fresh memory (page faults).

| input | zbor sanitise + master s | of which put_master s | zbor derivatives s | sanitise share | zbor peak in sanitise MiB | zbor RSS between phases MiB | zbor overall peak MiB | zbor CPU s | vips CLI CPU s | pyvips CPU s |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${PHASES%$'\n'}

Images made (first run; name, pixels, size):

${OUTPUTS%$'\n'}
EOF
}

# --- main --------------------------------------------------------------------------------------

main() {
    install_tools
    build
    generate
    write_py_script
    log "libvips: $("$PY" "$PY_SCRIPT" --info)"
    mkdir -p "$OUT/logs"
    rm -f "$OUT"/logs/* "$OUT/results.md"
    SCRATCH=$(mktemp -d "$ROOT/$OUT/scratch.XXXXXX")
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

    local input run way
    for input in "${INPUTS[@]}"; do
        log "measuring $input ($RUNS runs of each way, taking turns)"
        for ((run = 1; run <= RUNS; run++)); do
            for way in zbor cli pyvips; do
                measure "$way" "$input" "$run"
                sleep 1 # let the page cache writeback and the other tenants settle
            done
        done
        report_input "$input"
    done

    report >"$OUT/results.md"
    log "results (also in $OUT/results.md)"
    cat "$OUT/results.md"
}

main "$@"
