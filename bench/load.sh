#!/usr/bin/env bash
# Load benchmark: builds and starts the release server on 127.0.0.1 (a free port; recording to a
# throwaway SQLite file, as a default start records to data/), runs a bounded load
# against home, an article, a plan page and a two-answer plan form (when the content has a planner), /search, /api/search, /api/suggest and a fingerprinted static asset, and
# prints req/s, p50/p99 latency, errors and the server's peak RSS (VmHWM). Then serves the same article
# HTML from disk with nginx (temporary config, same port rules, same load) for comparison. "CPU µs" is
# the server's own CPU time (user + system, all threads and worker processes) per request: it does
# not depend on what else the machine is running, unlike req/s on a shared 2-core machine.
# Then (ANALYTICS=1) the same server against one started with `--database off` (or the binary
# BASE_BIN, e.g. one built from before analytics): CPU µs per request of cached pages and searches,
# alternating rounds, medians. Then
# (FEEDBACK=1, wrk only) a burst of 10,000 "was this helpful?" posts from CONNECTIONS connections
# (bench/feedback.lua), once at the default per-client limit and once with the limit lifted: every
# post must be stored (303) or refused with 429, and the stored rows are counted in the database.
#
#   bench/load.sh                       # 10 s per target, 64 connections, content/
#   DURATION=5s CONNECTIONS=32 bench/load.sh
#   CONTENT=/tmp/site-10k NGINX=0 bench/load.sh
#
# Settings (environment): DURATION (10s), CONNECTIONS (64), WORKERS (server threads; 2), CONTENT
# (content/), ARTICLE (slug; lost-or-stolen-card when present), NGINX (1 = compare with nginx),
# ROUNDS (alternating helpcenter/nginx rounds per encoding in the comparison; 3), TOOL (oha or wrk),
# BIN (a helpcenter binary to measure instead of building this checkout's; for before/after runs).
# Load tool: wrk (apt-get install wrk when missing), or oha (`cargo install oha --locked` when missing)
# with TOOL=oha or when apt cannot install wrk. Everything it starts is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-2}
CONTENT=${CONTENT:-content}
NGINX=${NGINX:-1}
ROUNDS=${ROUNDS:-3}
HOST=127.0.0.1

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. bench/lib.sh  # after the cd above, so the path is from the repository root
# Where cargo puts the release build (CARGO_TARGET_DIR moves it).
release_dir="${CARGO_TARGET_DIR:-target}/release"

# --- load tool ---------------------------------------------------------------------------------
# wrk by default: written in C, it leaves more of the two cores to the server than oha does (oha at
# 80,000 req/s takes about a core itself), which matters when comparing servers on this machine.
export PATH="$HOME/.cargo/bin:$PATH"
if [ -n "${TOOL:-}" ]; then
    tool=$TOOL
elif command -v wrk >/dev/null; then
    tool=wrk
elif apt_install wrk >"$work/wrk-install.log" 2>&1; then
    tool=wrk
else
    tool=oha
fi
if [ "$tool" = oha ] && ! command -v oha >/dev/null; then
    say "installing oha (cargo install oha --locked)…"
    cargo install oha --locked >"$work/oha-install.log" 2>&1
fi
command -v jq >/dev/null || [ "$tool" = wrk ] || apt_install jq

# --- helpers -----------------------------------------------------------------------------------
# CPU time (user + system, clock ticks) used so far by a process and its children processes
# (nginx workers); threads are included in a process's own figures.
cpu_ticks() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}


# Words for random queries (help-center words, so most queries match something); the same list
# examples/search_latency.rs times in-process (`--random N`).
read -r -d '' -a words <bench/words.txt || true

# Runs the load against `url` with extra headers in the remaining arguments ("identity" sends no
# Accept-Encoding; "random" appends three random words to `url`, a prefix ending in `q=`, for every
# request), and prints: req/s, p50 ms, p99 ms, errors, bytes per response (oha: body; wrk: with
# headers) and the server's CPU microseconds per request (`$server_pid`'s).
measure() {
    local url=$1
    shift
    local rps p50 p99 errors size ticks_before ticks_after requests
    ticks_before=$(cpu_ticks "$server_pid")
    if [ "$tool" = oha ]; then
        local args=(-z "$DURATION" -c "$CONNECTIONS" -w --no-tui --output-format json)
        for header in "$@"; do
            case "$header" in
                identity) args+=(--disable-compression) ;;
                random)
                    local alternatives
                    alternatives=$(IFS='|'; echo "${words[*]}")
                    args+=(--rand-regex-url)
                    url="${url/\?/\\?}($alternatives)\\+($alternatives)\\+($alternatives)"
                    ;;
                *) args+=(-H "$header") ;;
            esac
        done
        oha "${args[@]}" "$url" >"$work/result.json"
        rps=$(jq '.summary.requestsPerSec' "$work/result.json")
        p50=$(jq '.latencyPercentiles.p50 * 1000' "$work/result.json")
        p99=$(jq '.latencyPercentiles.p99 * 1000' "$work/result.json")
        # Anything but 200/304 counts as an error, as do failed connections and requests.
        errors=$(jq '[(.statusCodeDistribution // {} | to_entries[] | select(.key != "200" and .key != "304") | .value),
                      (.errorDistribution // {} | to_entries[] | .value)] | add // 0' "$work/result.json")
        size=$(jq '.summary.sizePerRequest // 0' "$work/result.json")
        requests=$(jq '[.statusCodeDistribution // {} | to_entries[] | .value] | add // 0' "$work/result.json")
    else
        local args=(-t 2 -c "$CONNECTIONS" -d "$DURATION" --latency)
        for header in "$@"; do
            case "$header" in
                identity) ;;
                random)
                    # A request() function builds each request's path.
                    local path="/${url#*://*/}"
                    {
                        printf 'local words = {'
                        printf '"%s", ' "${words[@]}"
                        printf '}\nmath.randomseed(os.time())\n'
                        printf 'local function word() return words[math.random(#words)] end\n'
                        printf 'request = function()\n'
                        printf '  return wrk.format(nil, "%s" .. word() .. "+" .. word() .. "+" .. word())\n' "$path"
                        printf 'end\n'
                    } >"$work/random.lua"
                    args+=(-s "$work/random.lua")
                    ;;
                *) args+=(-H "$header") ;;
            esac
        done
        wrk "${args[@]}" "$url" >"$work/result.txt"
        rps=$(awk '/^Requests\/sec:/ { print $2 }' "$work/result.txt")
        # shellcheck disable=SC2016 # an awk program, not shell
        to_ms='{ v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v }'
        p50=$(awk '$1 == "50%"' "$work/result.txt" | awk "$to_ms")
        p99=$(awk '$1 == "99%"' "$work/result.txt" | awk "$to_ms")
        errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$work/result.txt")
        requests=$(awk '/requests in/ { print $1 }' "$work/result.txt")
        size=$(awk -v n="$requests" '/requests in/ {
                   v = $5; u = v; sub(/[0-9.]+/, "", u); v += 0
                   m = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1
                   if (n > 0) printf "%.0f", v * m / n; else print "-" }' "$work/result.txt")
    fi
    ticks_after=$(cpu_ticks "$server_pid")
    cpu=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
    echo "$rps $p50 $p99 $errors $size $cpu"
}

# One table row from a name and the six figures of `measure`.
print_row() {
    printf '%-34s %10.0f %9.2f %9.2f %7s %9s %9s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}

# Also keeps the row's req/s and p99 in `last_rps` and `last_p99`.
load_row() {
    local name=$1 figures
    shift
    figures=$(measure "$@")
    # shellcheck disable=SC2086 # the six figures are words by design
    print_row "$name" $figures
    last_rps=$(awk '{ print $1 }' <<<"$figures")
    last_p99=$(awk '{ print $3 }' <<<"$figures")
}

# Median of each column over lines of `measure` output (read from stdin).
median_columns() {
    awk '{ for (i = 1; i <= NF; i++) v[i, NR] = $i; n = NR; f = NF }
         END {
             for (i = 1; i <= f; i++) {
                 for (j = 1; j <= n; j++) a[j] = v[i, j]
                 for (j = 2; j <= n; j++) { x = a[j]; k = j - 1; while (k > 0 && a[k] > x) { a[k + 1] = a[k]; k-- } a[k + 1] = x }
                 printf "%s%s", a[int((n + 1) / 2)], (i < f ? " " : "\n")
             }
         }'
}

header_row() {
    printf '%-34s %10s %9s %9s %7s %9s %9s\n' "target" "req/s" "p50 ms" "p99 ms" "errors" "bytes" "CPU µs"
}

# --- helpcenter --------------------------------------------------------------------------------
if [ -n "${BIN:-}" ]; then
    say "using $BIN (not building)"
    server_bin=$BIN
else
    say "building the release server…"
    cargo build --release --quiet --bin helpcenter
    server_bin="$release_dir/helpcenter"
fi
port=$(free_port)
base="http://$HOST:$port"
# One log line per request would measure the terminal, not the server; nginx runs without an access
# log too.
HELPCENTER_LOG="info,helpcenter::request=off" "$server_bin" serve \
    --addr "$HOST:$port" --content "$CONTENT" --workers "$WORKERS" \
    --database "$work/helpcenter.db" >"$work/helpcenter.log" 2>&1 &
server=$!
server_pid=$server
pids+=("$server")
startup=$(wait_for "$base/healthz" 300)
ready=$(grep -m1 'content ready' "$work/helpcenter.log" | sed 's/.*content ready //' || true)

if [ -z "${ARTICLE:-}" ]; then
    if [ -f "$CONTENT/articles/lost-or-stolen-card.md" ]; then
        ARTICLE=lost-or-stolen-card
    else
        ARTICLE=$(find "$CONTENT/articles" -name '*.md' -printf '%f\n' | sort | head -n1 | sed 's/\.md$//')
    fi
fi
asset=$(curl -fs "$base/" | grep -o '/static/app\.[0-9a-f]*\.css' | head -n1)
targets=(
    "home|/"
    "article|/articles/$ARTICLE"
    "search page|/search?q=lost+card"
    "api search|/api/search?q=lost+card"
    "api suggest|/api/suggest?q=los"
    "static asset|$asset"
)
# A plan page and the form a searched situation links to, when the content has a call planner:
# prerendered like an article.
if curl -fs -o /dev/null "$base/plan?need=lost-stolen&card=personal&where=abroad"; then
    targets+=("plan page|/plan?need=lost-stolen&card=personal&where=abroad")
    targets+=("plan form (search)|/plan?need=lost-stolen&where=abroad")
fi
# One request each first: the steady state is measured, not the first render or compression.
for target in "${targets[@]}"; do
    curl -fs -o /dev/null -H 'Accept-Encoding: gzip, deflate, br' "$base${target#*|}"
    curl -fs -o /dev/null -H 'Accept-Encoding: gzip' "$base${target#*|}"
done

echo "# helpcenter load benchmark — $(date -u +%Y-%m-%d), $(nproc) cores, tool $tool, $CONNECTIONS connections, $DURATION per target"
echo "# content: $CONTENT; started in ${startup} s ($ready); server workers: $WORKERS"
echo "# requests send Accept-Encoding: gzip, deflate, br (as browsers do) unless the row says otherwise"
header_row
for target in "${targets[@]}"; do
    load_row "${target%%|*}" "$base${target#*|}" "Accept-Encoding: gzip, deflate, br"
    [ "${target%%|*}" = article ] && article_rps=$last_rps
done
# Three random words per query: the answer cache (1024 entries) almost never hits, so these rows
# are the cost of searching and rendering every time.
load_row "search page, uncached (random q)" "$base/search?q=" "Accept-Encoding: gzip, deflate, br" random
load_row "api search, uncached (random q)" "$base/api/search?q=" "Accept-Encoding: gzip, deflate, br" random
uncached_rps=$last_rps
uncached_p99=$last_p99
load_row "article (gzip)" "$base/articles/$ARTICLE" "Accept-Encoding: gzip"
load_row "article (identity)" "$base/articles/$ARTICLE" identity
echo "# helpcenter peak RSS (VmHWM): $(peak_rss_mb "$server") MB"
# The answer cache over this whole mixed load (the cached search rows, then the random ones), from
# the counters /healthz shows.
health=$(curl -fs "$base/healthz")
cache_figure() { sed -n "s/.*\"search_cache\":{[^}]*\"$1\":\([0-9.]*\).*/\1/p" <<<"$health"; }
awk -v u="$uncached_rps" -v a="$article_rps" -v p="$uncached_p99" 'BEGIN {
    printf "# api search uncached: %.2f x the req/s of the cached article (target 0.3), p99 %.2f ms (target 5)\n", u / a, p }'
echo "# answer cache over this run: $(cache_figure hits) hits, $(cache_figure misses) misses, hit rate $(cache_figure hit_rate), $(cache_figure entries) answers held"

# --- nginx, same article from disk -------------------------------------------------------------
if [ "$NGINX" = 1 ]; then
    if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
        say "installing nginx (apt-get install -y nginx)…"
        apt_install nginx
    fi
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    mkdir -p "$work/www/articles" "$work/nginx-tmp"
    # nginx workers run as an unprivileged user: they must be able to read the files.
    chmod 755 "$work" "$work/www" "$work/www/articles"
    # The very bytes helpcenter serves, uncompressed and gzip (nginx serves the .gz with gzip_static,
    # as a tuned static server would; it compresses nothing per request).
    curl -fs "$base/articles/$ARTICLE" -o "$work/www/articles/$ARTICLE.html"
    curl -fs -H 'Accept-Encoding: gzip' "$base/articles/$ARTICLE" -o "$work/www/articles/$ARTICLE.html.gz"
    chmod 644 "$work/www/articles/"*
    nginx_port=$(free_port)
    cat >"$work/nginx.conf" <<EOF
worker_processes $WORKERS;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    open_file_cache max=64 inactive=60s;
    open_file_cache_valid 60s;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    default_type text/html;
    charset utf-8;
    gzip_static on;
    gzip_vary on;
    server {
        listen $HOST:$nginx_port;
        root $work/www;
        location /articles/ { try_files \$uri.html =404; }
    }
}
EOF
    "$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
    nginx=$!
    pids+=("$nginx")
    wait_for "http://$HOST:$nginx_port/articles/$ARTICLE" 30 >/dev/null || {
        cat "$work/nginx-error.log" >&2
        exit 1
    }
    echo
    echo "# helpcenter vs nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') ($WORKERS workers, no access log) serving the same article bytes:"
    echo "# $ROUNDS alternating rounds of $DURATION each, median of each column (background load drifts)"
    header_row
    for encoding in gzip identity; do
        if [ "$encoding" = gzip ]; then header="Accept-Encoding: gzip"; else header=identity; fi
        : >"$work/ours.txt"
        : >"$work/theirs.txt"
        for _ in $(seq 1 "$ROUNDS"); do
            server_pid=$server
            measure "$base/articles/$ARTICLE" "$header" >>"$work/ours.txt"
            server_pid=$nginx
            measure "http://$HOST:$nginx_port/articles/$ARTICLE" "$header" >>"$work/theirs.txt"
        done
        # shellcheck disable=SC2046
        print_row "helpcenter article ($encoding)" $(median_columns <"$work/ours.txt")
        # shellcheck disable=SC2046
        print_row "nginx article ($encoding)" $(median_columns <"$work/theirs.txt")
    done
    echo "# helpcenter peak RSS after all runs (VmHWM): $(peak_rss_mb "$server") MB"
fi

# --- analytics on vs off -----------------------------------------------------------------------
if [ "${ANALYTICS:-1}" = 1 ]; then
    off_port=$(free_port)
    # BASE_BIN: compare with another binary (today's, built from the commit before analytics)
    # instead of this one with --database off.
    if [ -n "${BASE_BIN:-}" ]; then
        off_label="base"
        HELPCENTER_LOG="info,helpcenter::request=off" "$BASE_BIN" serve \
            --addr "$HOST:$off_port" --content "$CONTENT" --workers "$WORKERS" \
            >"$work/helpcenter-off.log" 2>&1 &
    else
        off_label="off"
        HELPCENTER_LOG="info,helpcenter::request=off" "$server_bin" serve \
            --addr "$HOST:$off_port" --content "$CONTENT" --workers "$WORKERS" --database off \
            >"$work/helpcenter-off.log" 2>&1 &
    fi
    server_off=$!
    pids+=("$server_off")
    wait_for "http://$HOST:$off_port/healthz" 300 >/dev/null
    echo
    if [ "$off_label" = base ]; then
        echo "# analytics on (recording every search to SQLite) vs $BASE_BIN: $ROUNDS alternating rounds of $DURATION, median CPU µs per request"
    else
        echo "# analytics on (recording every search to SQLite) vs off (--database off): $ROUNDS alternating rounds of $DURATION, median CPU µs per request"
    fi
    printf '%-34s %12s %12s %8s\n' "target" "on CPU µs" "$off_label CPU µs" "on/$off_label"
    for target in "home|/" "article|/articles/$ARTICLE" "search page|/search?q=lost+card" "api search|/api/search?q=lost+card"; do
        path=${target#*|}
        curl -fs -o /dev/null -H 'Accept-Encoding: gzip, deflate, br' "http://$HOST:$off_port$path"
        : >"$work/on.txt"
        : >"$work/off.txt"
        for _ in $(seq 1 "$ROUNDS"); do
            server_pid=$server
            measure "$base$path" "Accept-Encoding: gzip, deflate, br" >>"$work/on.txt"
            server_pid=$server_off
            measure "http://$HOST:$off_port$path" "Accept-Encoding: gzip, deflate, br" >>"$work/off.txt"
        done
        on=$(median_columns <"$work/on.txt" | awk '{ print $6 }')
        off=$(median_columns <"$work/off.txt" | awk '{ print $6 }')
        printf '%-34s %12s %12s %8s\n' "${target%%|*}" "$on" "$off" \
            "$(awk -v a="$on" -v b="$off" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')"
    done
    echo "# queue on the recording server: $(curl -fs "$base/healthz" | sed 's/.*"store"://')"
fi

# --- a burst of feedback posts -----------------------------------------------------------------
if [ "${FEEDBACK:-1}" = 1 ] && [ "$tool" = wrk ]; then
    echo
    echo "# 10,000 \"was this helpful?\" posts from $CONNECTIONS connections (bench/feedback.lua): answers, and rows in the database after a graceful stop"
    echo "# (unanswered: posts sent that got no answer; a stored one would show as stored > 303. wrk's -d 30s is only a bound: its threads stop at their last answer, its clock does not)"
    printf '%-26s %8s %8s %8s %8s %11s %10s %8s\n' "per-client limit" "posts" "303" "429" "other" "unanswered" "stored" "dropped"
    for limit in 10 100000; do
        burst_port=$(free_port)
        HELPCENTER_LOG="warn" "$server_bin" serve --addr "$HOST:$burst_port" --content "$CONTENT" \
            --workers "$WORKERS" --database "$work/burst-$limit.db" --feedback-per-minute "$limit" \
            >"$work/burst-$limit.log" 2>&1 &
        burst=$!
        pids+=("$burst")
        wait_for "http://$HOST:$burst_port/healthz" 300 >/dev/null
        POSTS_PER_THREAD=5000 ORIGIN="http://$HOST:$burst_port" PAGE="%2Farticles%2F$ARTICLE" \
            wrk -t 2 -c "$CONNECTIONS" -d 30s --timeout 10s -s bench/feedback.lua "http://$HOST:$burst_port/" >"$work/burst.txt"
        dropped=$(curl -fs "http://$HOST:$burst_port/healthz" | sed 's/.*"dropped":\([0-9]*\).*/\1/')
        kill -TERM "$burst"
        wait "$burst" 2>/dev/null || true
        stored=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM feedback").fetchone()[0])' "$work/burst-$limit.db")
        read -r sent s303 s429 other < <(sed -n 's/^POSTS sent=\([0-9]*\) stored303=\([0-9]*\) refused429=\([0-9]*\) other=\([0-9]*\)$/\1 \2 \3 \4/p' "$work/burst.txt")
        unanswered=$((sent - s303 - s429 - other))
        if grep -q 'Socket errors' "$work/burst.txt"; then
            say "feedback burst: wrk $(grep -o 'Socket errors.*' "$work/burst.txt")"
            exit 1
        fi
        printf '%-26s %8s %8s %8s %8s %11s %10s %8s\n' "$limit a minute" "$sent" "$s303" "$s429" "$other" "$unanswered" "$stored" "$dropped"
        if [ "$sent" != 10000 ] || [ "$stored" != "$s303" ] || [ "$other" != 0 ] || [ "$unanswered" != 0 ]; then
            say "feedback burst: stored $stored rows for $s303 answers 303; $s429 answers 429, $other other, of $sent posts"
            exit 1
        fi
    done
fi
