#!/usr/bin/env bash
# Benchmark of zbor's public catalogue against nginx serving the very same HTML as static
# files, on loopback only.
#
#   bench/catalogue.sh                                  # the full run (10 000 objects, 15 s per run)
#   BENCH_OBJECTS=300 BENCH_SECONDS=3 bench/catalogue.sh # a quick smoke run
#
# Runs as root (it installs wrk and nginx with apt when they are missing). Everything it
# makes lives in bench/out/ (gitignored): the demo collection, the URL lists, the static
# copy, nginx's config and logs, wrk's raw output and results.md.
#
# Two scenarios, each measured against zbor and then against nginx, in BENCH_ROUNDS pairs of
# runs (the machine's speed drifts between minutes), one run at a time:
#   warm  a handful of popular pages requested over and over; zbor answers them from its
#         render cache, so this compares zbor's cached path with nginx's static files.
#   cold  thousands of random catalogue URLs (objects, list pages, facets, searches) against
#         a second zbor started with --no-render-cache, so that every request renders.
# nginx serves, for each zbor URL, the body zbor gave for it, saved under bench/out/static/,
# with the URL lists mapped one to one: same bytes, same mix, same order.
#
# Targets (printed, never enforced): warm >= 1.0x nginx; cold >= 0.10x nginx with zbor p99 < 15 ms.
#
# Environment overrides:
#   BENCH_OBJECTS     objects in the demo collection          (default 10000)
#   BENCH_SECONDS     duration of each wrk run                (default 15)
#   BENCH_COLD_URLS   length of the cold URL list             (default 6000)
#   BENCH_CONNECTIONS wrk connections                         (default 64)
#   BENCH_THREADS     wrk threads                             (default 2)
#   BENCH_ROUNDS      pairs of runs (zbor, then nginx) per scenario; the median
#                     round by ratio is reported, with every round's ratio (default 3)
#   BENCH_ENCODING    Accept-Encoding wrk sends to both       (default gzip; "identity" for none)
#                     nginx serves the same bodies pre-compressed (gzip -9, gzip_static), as a
#                     static site would; zbor compresses each page once in its render cache
#                     (warm) or on every request (cold)
#   BENCH_REUSE       1: keep the demo collection of an earlier run of the same size (default 0)
#   BENCH_BIN         the zbor binary to measure (default target/release/zbor), for a "before"
#                     run of an older build on the same collection; results.md names it
#   BENCH_CLASSES     1: also run zbor's cold path on each URL class alone (objects, lists,
#                     facets, searches), for where the time goes (default 1)
#   BENCH_ZBOR_PORT / BENCH_ZBOR_COLD_PORT / BENCH_NGINX_PORT (18080 / 18081 / 18090)
set -euo pipefail
exec </dev/null

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OBJECTS=${BENCH_OBJECTS:-10000}
DURATION=${BENCH_SECONDS:-15}
COLD_URLS=${BENCH_COLD_URLS:-6000}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
ENCODING=${BENCH_ENCODING:-gzip}
CLASSES=${BENCH_CLASSES:-1}
ZBOR_PORT=${BENCH_ZBOR_PORT:-18080}
ZBOR_COLD_PORT=${BENCH_ZBOR_COLD_PORT:-18081}
NGINX_PORT=${BENCH_NGINX_PORT:-18090}

# Loopback only: every server below listens here and wrk and curl only ever talk to it.
HOST=127.0.0.1
OUT=bench/out
BIN=${BENCH_BIN:-target/release/zbor}
LUA=bench/paths.lua
# Fixed seed, so that two runs of the script request the same cold URLs.
URL_SEED=20201109

# Everything we start in the background, killed on exit whatever happens.
PIDS=()
# Set when we put a policy-rc.d in place ourselves (see install_tools).
POLICY_RC_D_OURS=""

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nbench/catalogue.sh: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n $POLICY_RC_D_OURS ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------------

have() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 ]]; }

# Installs what is missing: wrk, nginx (nginx-light when the archive has it), curl, python3.
# apt-get update runs once, and only when something has to be installed.
install_tools() {
    local missing=()
    have wrk || missing+=(wrk)
    have curl || missing+=(curl)
    have python3 || missing+=(python3)
    if ! have nginx; then
        missing+=(nginx)
    fi
    [[ ${#missing[@]} -eq 0 ]] && return
    log "installing ${missing[*]}"
    [[ $(id -u) -eq 0 ]] || die "need root to install ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq >&2
    local packages=() name
    for name in "${missing[@]}"; do
        if [[ $name == nginx ]]; then
            # nginx-light is enough (static files only); Debian dropped it after bookworm.
            if apt-cache policy nginx-light 2>/dev/null | grep -q 'Candidate: [0-9]'; then
                packages+=(nginx-light)
            else
                packages+=(nginx)
            fi
        else
            packages+=("$name")
        fi
    done
    # The package would start the system nginx service on port 80; we run our own nginx
    # instead, so tell invoke-rc.d to start nothing while installing (unless a policy is
    # already in place, as in most containers).
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_D_OURS=1
    fi
    mkdir -p "$OUT"
    timeout 900 apt-get install -y -qq "${packages[@]}" >"$OUT/apt.log" 2>&1 ||
        { tail -n 30 "$OUT/apt.log" >&2; die "apt-get install ${packages[*]} failed (see $OUT/apt.log)"; }
    if [[ -n $POLICY_RC_D_OURS ]]; then
        rm -f /usr/sbin/policy-rc.d
        POLICY_RC_D_OURS=""
    fi
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# --- zbor --------------------------------------------------------------------------------------

build() {
    log "cargo build --release"
    timeout 3600 cargo build --release
    [[ -x $BIN ]] || die "$BIN was not built"
}

# A fresh demo collection: `demo` refuses a data folder that already holds one. With
# BENCH_REUSE=1, the collection of an earlier run of the same size is kept.
seed() {
    if [[ ${BENCH_REUSE:-0} == 1 && $(cat "$OUT/seed-objects.txt" 2>/dev/null) == "$OBJECTS" && -s $OUT/seed.txt ]]; then
        log "reusing the demo collection of $OBJECTS objects in $OUT/data (BENCH_REUSE=1)"
        return
    fi
    log "seeding a demo collection of $OBJECTS objects"
    rm -rf "$OUT/data" "$OUT/uploads" "$OUT"/DEMO-ONLY-keyholder-identity.txt "$OUT/seed-objects.txt"
    mkdir -p "$OUT"
    # The progress bar goes to stderr; keep it out of the way in a log.
    timeout 1800 "$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" \
        demo --objects "$OBJECTS" --no-serve >"$OUT/seed.txt" 2>"$OUT/seed.log" ||
        { cat "$OUT/seed.log" >&2; die "seeding failed (log above)"; }
    echo "$OBJECTS" >"$OUT/seed-objects.txt"
    cat "$OUT/seed.txt" >&2
}

port_free() { ! curl -s -o /dev/null --max-time 1 "http://$HOST:$1/"; }

# Waits until GET http://HOST:PORT$path answers 200, while process PID is alive.
wait_ready() {
    local port=$1 pid=$2 path=$3 name=$4 i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited before it was ready (see its log in $OUT)"
        if curl -fs -o /dev/null --max-time 1 "http://$HOST:$port$path"; then
            return
        fi
        sleep 0.1
    done
    die "$name did not answer on $HOST:$port within 30 s"
}

# start_zbor NAME PORT [serve flags...]
start_zbor() {
    local name=$1 port=$2
    shift 2
    port_free "$port" || die "something already listens on $HOST:$port"
    "$BIN" --data-dir "$OUT/data" --uploads-dir "$OUT/uploads" \
        serve --listen "$HOST:$port" "$@" >"$OUT/$name.log" 2>&1 &
    PIDS+=($!)
    wait_ready "$port" "$!" /healthz "$name"
    log "$name is serving at http://$HOST:$port $*"
}

# --- URL lists ---------------------------------------------------------------------------------

# Hrefs on a page, with minijinja's attribute escaping undone (it writes / as &#x2f;).
hrefs() {
    curl -fsS --max-time 30 "http://$HOST:$ZBOR_PORT$1" |
        grep -o 'href="[^"]*"' | sed -e 's/^href="//' -e 's/"$//' -e 's|&#x2f;|/|g' -e 's|&amp;|\&|g'
}

# Writes, under $OUT/urls/:
#   warm-zbor.txt / cold-zbor.txt    the paths wrk requests from zbor
#   warm-nginx.txt / cold-nginx.txt  the matching static files, line for line
#   fetch-warm.cfg / fetch-cold.cfg  curl configs saving each distinct zbor URL's body
make_url_lists() {
    log "collecting URLs"
    local urls=$OUT/urls
    rm -rf "$urls"
    mkdir -p "$urls"
    # Makers and events from their index pages; the list's last page from its pagination;
    # the objects a visitor sees first (page 1 of the list) for the warm set.
    hrefs /makers | sed -n 's|^/makers/\([0-9][0-9]*\)$|\1|p' | sort -un >"$urls/makers.txt"
    hrefs /events | sed -n 's|^/events/\([0-9][0-9]*\)$|\1|p' | sort -un >"$urls/events.txt"
    hrefs /objects | sed -n 's|^/objects/\([^/?]*\)$|\1|p' | head -n 5 >"$urls/warm-objects.txt"
    LAST_PAGE=$(hrefs /objects | sed -n 's|^/objects?page=\([0-9][0-9]*\)$|\1|p' | sort -n | tail -n 1)
    [[ -n $LAST_PAGE ]] || LAST_PAGE=1
    [[ -s $urls/makers.txt && -s $urls/events.txt && -s $urls/warm-objects.txt ]] ||
        die "could not scrape makers, events or objects from http://$HOST:$ZBOR_PORT"

    # Every published accession number straight from the database (walking ~420 list pages
    # would give the same); python3's sqlite3 module because the sqlite3 CLI may be missing.
    python3 - "$OUT/data/zbor.sqlite" "$urls" "$COLD_URLS" "$LAST_PAGE" "$URL_SEED" \
        "$HOST" "$ZBOR_PORT" "$ZBOR_COLD_PORT" "$OUT/static" <<'PY'
import hashlib, random, sqlite3, sys
from urllib.parse import quote

db, urls, n_cold, last_page, seed, host, warm_port, cold_port, static = sys.argv[1:]
n_cold, last_page = int(n_cold), int(last_page)
rng = random.Random(int(seed))

con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
accessions = [r[0] for r in con.execute(
    "SELECT accession_number FROM objects WHERE state = 'published' ORDER BY accession_number")]
con.close()
if not accessions:
    sys.exit("no published objects in " + db)
# The list has 24 objects a page; trust the count over the scraped pagination, but say so.
pages = -(-len(accessions) // 24)
if pages != last_page:
    print(f"note: the list's pagination links to page {last_page}, the count gives {pages}", file=sys.stderr)
    last_page = pages
read = lambda name: [l.strip() for l in open(f"{urls}/{name}") if l.strip()]
makers, events, warm_objects = read("makers.txt"), read("events.txt"), read("warm-objects.txt")

types = "painting poster flag ribbon badge banner clothing letter photograph document other".split()
years = [2020, 2021, 2022, 2023]
# Words and prefixes found in the demo titles (search matches every word as a prefix),
# in Belarusian, Russian and English, plus a few that match little or nothing.
words = ["Стужка", "Значок", "Плакат", "Сцяг", "Марш", "Кот", "Ribbon", "Badge", "Poster",
         "Flag", "Cat", "Лента", "Флаг", "political", "палітвязню", "Жыве", "пл", "знач", "ca",
         "Расцяжка", "разам", "Freedom", "Свабоду", "здымак", "Протокол", "вместе",
         "Марш здымак", "Poster freedom", "Стужка 81", "Жыве Беларусь"]

def page_suffix(max_page):
    page = rng.randint(1, max_page)
    return "" if page == 1 else f"page={page}"

def with_query(pairs):
    pairs = [p for p in pairs if p]
    return "/objects" + ("?" + "&".join(pairs) if pairs else "")

def object_url():
    return "/objects/" + quote(rng.choice(accessions), safe="")

def list_url():
    return with_query([page_suffix(last_page)])

def facet_url():
    # One or two facets, then a page among the first three (past the end gives the last).
    facets = {
        "type": lambda: "type=" + rng.choice(types),
        "year": lambda: f"year={rng.choice(years)}",
        "maker": lambda: "maker=" + rng.choice(makers),
        "event": lambda: "event=" + rng.choice(events),
    }
    chosen = rng.sample(sorted(facets), rng.choice([1, 2, 2]))
    if rng.random() < 0.5:  # the combination the brief names first
        chosen = ["type", "year"]
    return with_query([facets[f]() for f in chosen] + [page_suffix(3)])

def search_url():
    return with_query(["q=" + quote(rng.choice(words), safe=""), page_suffix(2)])

# 40% objects, 20% list pages, 20% facets, 20% searches, shuffled.
kinds = ([object_url] * 4 + [list_url] * 2 + [facet_url] * 2 + [search_url] * 2)
cold = [rng.choice(kinds)() for _ in range(n_cold)]
# Each class alone, for the per-class runs (fewer URLs: each is requested more often).
for name, make in (("objects", object_url), ("lists", list_url), ("facets", facet_url), ("searches", search_url)):
    with open(f"{urls}/class-{name}.txt", "w") as f:
        f.writelines(make() + "\n" for _ in range(n_cold // 2))
warm = ["/", "/objects", "/objects?page=2"] + ["/objects/" + quote(a, safe="") for a in warm_objects]

def static_path(url):
    return "/" + hashlib.sha1(url.encode()).hexdigest() + ".html"

for name, paths, port in (("warm", warm, warm_port), ("cold", cold, cold_port)):
    with open(f"{urls}/{name}-zbor.txt", "w") as f:
        f.writelines(p + "\n" for p in paths)
    with open(f"{urls}/{name}-nginx.txt", "w") as f:
        f.writelines(static_path(p) + "\n" for p in paths)
    with open(f"{urls}/fetch-{name}.cfg", "w") as f:
        for p in dict.fromkeys(paths):  # distinct, in first-seen order
            f.write(f'url = "http://{host}:{port}{p}"\noutput = "{static}{static_path(p)}"\n')
    print(f"{name}: {len(paths)} URLs, {len(set(paths))} distinct", file=sys.stderr)
PY
}

# Saves zbor's answer to every distinct URL of a list as a static file for nginx. It is
# also the check of the list itself: any answer but 200 means a broken list, so abort.
fetch_static() {
    local name=$1 statuses bad
    log "saving zbor's answers for the $name URLs under $OUT/static/"
    statuses=$OUT/urls/fetch-$name.status
    # One curl for the whole list, so the connection is reused; %{http_code} per URL.
    timeout 1800 curl -sS --max-time 30 -K "$OUT/urls/fetch-$name.cfg" \
        -w '%{http_code} %{url_effective}\n' >"$statuses"
    bad=$(awk '$1 != 200' "$statuses")
    if [[ -n $bad ]]; then
        printf '%s\n' "$bad" | head -n 20 >&2
        die "zbor answered $(printf '%s\n' "$bad" | wc -l) of the $name URLs with something other than 200 (first ones above): fix the URL list"
    fi
    echo "$(wc -l <"$statuses") pages saved, all 200" >&2
    if [[ $ENCODING == gzip ]]; then
        # What a static site serving pre-compressed files holds: file.html.gz beside file.html.
        find "$OUT/static" -name '*.html' -newer "$OUT/urls/fetch-$name.cfg" -print0 |
            xargs -0 -r gzip -9 -k -n -f
    fi
}

# --- nginx -------------------------------------------------------------------------------------

start_nginx() {
    local dir=$ROOT/$OUT/nginx
    rm -rf "$dir"
    mkdir -p "$dir/temp"
    port_free "$NGINX_PORT" || die "something already listens on $HOST:$NGINX_PORT"
    cat >"$dir/nginx.conf" <<EOF
# Written by bench/catalogue.sh: nginx serving zbor's pages as static files.
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
# Workers drop root; www-data can read bench/out/static (files are 0644, dirs 0755).
user www-data;

events {
    worker_connections 1024;
}

http {
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    # nginx closes a keep-alive connection after 1000 requests by default; zbor never does,
    # so lift the limit to compare the serving of pages, not reconnects.
    keepalive_requests 1000000;
    # What a static site would use: keep open file descriptors instead of opening each file.
    open_file_cache max=20000 inactive=60s;
    # Pre-compressed files (file.html.gz) for clients that accept gzip; nothing compressed
    # on the fly.
    gzip off;
    gzip_static on;
    gzip_vary on;

    client_body_temp_path $dir/temp/client_body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;

    server {
        listen $HOST:$NGINX_PORT;
        root $ROOT/$OUT/static;
        location / {
            try_files \$uri =404;
        }
    }
}
EOF
    local nginx
    nginx=$(nginx_bin)
    timeout 30 "$nginx" -t -q -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" ||
        die "nginx rejected $dir/nginx.conf"
    "$nginx" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    PIDS+=($!)
    wait_ready "$NGINX_PORT" "$!" "$(head -n 1 "$OUT/urls/warm-nginx.txt")" nginx
    log "nginx is serving $OUT/static at http://$HOST:$NGINX_PORT"
}

# Every warm file and the first 200 cold ones must come back from nginx as 200.
check_nginx() {
    local list bad
    list=$(cat "$OUT/urls/warm-nginx.txt"; head -n 200 "$OUT/urls/cold-nginx.txt")
    bad=$(printf '%s\n' "$list" | sed "s|^|url = \"http://$HOST:$NGINX_PORT|; s|\$|\"\noutput = \"/dev/null\"|" |
        timeout 300 curl -sS --max-time 10 -K - -w '%{http_code} %{url_effective}\n' | awk '$1 != 200')
    [[ -z $bad ]] || { printf '%s\n' "$bad" | head >&2; die "nginx did not serve the static copy (see $OUT/nginx/error.log)"; }
}

# --- measuring ---------------------------------------------------------------------------------

# run_wrk LABEL PORT LIST: one wrk run; sets R_RPS R_P50 R_P99 (ms) R_NON2XX R_ERRORS.
run_wrk() {
    local label=$1 port=$2 list=$3 out line
    out=$OUT/wrk-$label.txt
    log "wrk: $label ($(wc -l <"$list") URLs from $list)"
    BENCH_WRK_THREADS=$THREADS timeout $((DURATION + 60)) \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" -H "Accept-Encoding: $ENCODING" \
        "http://$HOST:$port" -- "$list" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $label"; }
    grep -E 'Requests/sec|Latency  |    50%|    99%|Non-2xx|Socket errors' "$out" >&2 || true
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "no BENCH line in wrk's output for $label"; }
    field() { sed -n "s/.* $1=\\([0-9]*\\).*/\\1/p" <<<"$line"; }
    R_RPS=$(awk -v n="$(field requests)" -v us="$(field duration_us)" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    R_P50=$(awk -v us="$(field p50_us)" 'BEGIN { printf "%.2f", us / 1000 }')
    R_P99=$(awk -v us="$(field p99_us)" 'BEGIN { printf "%.2f", us / 1000 }')
    R_NON2XX=$(field non2xx)
    R_ERRORS=$(($(field connect_errors) + $(field read_errors) + $(field write_errors) + $(field timeouts)))
    if ((R_NON2XX > 0 || R_ERRORS > 0)); then
        echo "WARNING: $label: $R_NON2XX non-2xx/3xx responses, $R_ERRORS socket errors/timeouts" >&2
    fi
    sleep 2 # let the machine settle between runs
}

# compare SCENARIO DESCRIPTION ZBOR_PORT: ROUNDS pairs of runs on the same mix, a zbor run and
# then an nginx run in each, so that both see the machine in the same state; appends the median
# round (by ratio) to TABLE, with every round's ratio, and the non-2xx and socket errors of all.
TABLE=""
CLASS_TABLE=""
compare() {
    local scenario=$1 description=$2 zbor_port=$3
    local round rows=() ratios="" median bad_z=0 bad_n=0 err_z=0 err_n=0
    local ratio z_rps n_rps z_p50 z_p99 n_p50 n_p99 target verdict
    for ((round = 1; round <= ROUNDS; round++)); do
        run_wrk "zbor-$scenario-$round" "$zbor_port" "$OUT/urls/$scenario-zbor.txt"
        z_rps=$R_RPS z_p50=$R_P50 z_p99=$R_P99
        bad_z=$((bad_z + R_NON2XX)) err_z=$((err_z + R_ERRORS))
        run_wrk "nginx-$scenario-$round" "$NGINX_PORT" "$OUT/urls/$scenario-nginx.txt"
        bad_n=$((bad_n + R_NON2XX)) err_n=$((err_n + R_ERRORS))
        ratio=$(awk -v a="$z_rps" -v b="$R_RPS" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
        rows+=("$ratio $z_rps $R_RPS $z_p50 $z_p99 $R_P50 $R_P99")
        ratios+="${ratios:+, }$(awk -v r="$ratio" 'BEGIN { printf "%.2f", r }')×"
    done
    median=$(printf '%s\n' "${rows[@]}" | sort -g -k1,1 | sed -n "$(((ROUNDS + 1) / 2))p")
    read -r ratio z_rps n_rps z_p50 z_p99 n_p50 n_p99 <<<"$median"
    ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.2f", r }')
    if [[ $scenario == warm ]]; then
        target="≥ 1.0×"
        verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.0 ? "met" : "missed") }')
    else
        target="≥ 0.10×, zbor p99 < 15 ms"
        verdict=$(awk -v r="$ratio" -v p="$z_p99" 'BEGIN { print (r >= 0.10 && p < 15 ? "met" : "missed") }')
    fi
    TABLE+="| $description | $z_rps | $n_rps | **${ratio}×** (target $target: $verdict; rounds: $ratios) | $z_p50 ms | $z_p99 ms | $n_p50 ms | $n_p99 ms | $bad_z / $bad_n | $err_z / $err_n |"$'\n'
}

report() {
    local published drafts cpu cold_total cold_distinct commit
    published=$(sed -n 's/^Demo collection: \([0-9]*\) published.*/\1/p' "$OUT/seed.txt")
    drafts=$(sed -n 's/.* \([0-9]*\) drafts.*/\1/p' "$OUT/seed.txt")
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    cold_total=$(wc -l <"$OUT/urls/cold-zbor.txt")
    cold_distinct=$(sort -u "$OUT/urls/cold-zbor.txt" | wc -l)
    commit=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
    [[ -n $(git status --porcelain 2>/dev/null | head -n 1) ]] && commit+=", uncommitted changes"
    [[ $BIN != target/release/zbor ]] && commit="binary $BIN, not the checkout's build; checkout $commit"
    cat <<EOF
### Public catalogue vs nginx serving the same pages

- Machine: $(nproc) cores, ${cpu:-unknown CPU}; wrk, zbor and nginx share them.
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); zbor $("$BIN" --version 2>/dev/null | awk '{print $2}') ($commit); $(wrk -v 2>&1 | head -n 1 | awk '{print "wrk", $2}'); $("$(nginx_bin)" -v 2>&1 | sed 's|.*nginx/|nginx |').
- Collection: ${published:-?} published objects (+ ${drafts:-?} drafts) from \`zbor demo --objects $OBJECTS\`.
- Command: \`BENCH_OBJECTS=$OBJECTS BENCH_SECONDS=$DURATION BENCH_ROUNDS=$ROUNDS bench/catalogue.sh\`; each run is
  \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/paths.lua http://$HOST:PORT -- LIST\`, one run at a time;
  each scenario is $ROUNDS pairs of runs (zbor, then nginx), and the table shows the round with the median ratio.
- warm: $(wc -l <"$OUT/urls/warm-zbor.txt") pages (home, list pages 1–2, 5 objects) over and over, zbor's render cache on.
- cold: $cold_total random URLs ($cold_distinct distinct; 40% objects, 20% list pages, 20% facets, 20% searches), zbor started with \`--no-render-cache\` so every request renders.
- nginx serves, for every URL, the body zbor answered, as a static file (\`sendfile\`, \`open_file_cache\`, 2 workers).

| scenario | zbor req/s | nginx req/s | ratio zbor/nginx | zbor p50 | zbor p99 | nginx p50 | nginx p99 | non-2xx zbor / nginx | socket errors zbor / nginx |
|---|---:|---:|---|---:|---:|---:|---:|---:|---:|
${TABLE%$'\n'}

- Accept-Encoding sent by wrk: \`$ENCODING\`. Resident memory of zbor with the public snapshot loaded, before any request: ${START_RSS_KB} kB; peak RSS of the warm zbor (render cache on, after every run): ${RSS_KB} kB.
EOF
    if [[ -n $CLASS_TABLE ]]; then
        cat <<EOF

zbor's cold path, one URL class at a time (same server, \`--no-render-cache\`):

| class | req/s | p50 | p99 | non-2xx | socket errors |
|---|---:|---:|---:|---:|---:|
${CLASS_TABLE%$'\n'}
EOF
    fi
}

# --- main --------------------------------------------------------------------------------------

main() {
    install_tools
    build
    seed
    mkdir -p "$OUT/static"
    rm -f "$OUT"/static/*.html "$OUT"/wrk-*.txt "$OUT/results.md"

    start_zbor zbor "$ZBOR_PORT"
    ZBOR_WARM_PID=${PIDS[-1]}
    start_zbor zbor-cold "$ZBOR_COLD_PORT" --no-render-cache
    # Resident memory of a server that has loaded the public snapshot and served nothing yet.
    START_RSS_KB=$(awk '/^VmRSS/ {print $2}' "/proc/${PIDS[-1]}/status" 2>/dev/null || echo "?")
    make_url_lists
    fetch_static warm
    fetch_static cold
    start_nginx
    check_nginx

    compare warm "warm (render cache)" "$ZBOR_PORT"
    compare cold "cold (no render cache)" "$ZBOR_COLD_PORT"

    if [[ $CLASSES == 1 ]]; then
        local class
        for class in objects lists facets searches; do
            run_wrk "zbor-cold-$class" "$ZBOR_COLD_PORT" "$OUT/urls/class-$class.txt"
            CLASS_TABLE+="| $class | $R_RPS | $R_P50 ms | $R_P99 ms | $R_NON2XX | $R_ERRORS |"$'\n'
        done
    fi
    RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$ZBOR_WARM_PID/status" 2>/dev/null || echo "?")

    report >"$OUT/results.md"
    log "results (also in $OUT/results.md)"
    cat "$OUT/results.md"
}

main "$@"
