#!/usr/bin/env bash
# Scale benchmark: the shipped content and synthetic sites (examples/generate.rs; 1k, 10k and 100k
# articles by default); for each, starts the release server on 127.0.0.1 and measures
#   - startup: seconds from launch until /healthz answers, and the server's own "content ready"
#     timings (load, index, render);
#   - peak RSS (VmHWM) after startup and after the search load;
#   - search and suggest latency in-process: examples/search_latency.rs times SearchIndex::search
#     directly over a fixed mix of 13 queries and SearchIndex::suggest over 6 prefixes (no HTTP, no
#     cache);
#   - search over HTTP: oha against /api/search with random three-word queries (so the answer cache
#     almost never hits) at 2 connections, i.e. latency without queueing;
#   - the first request of an article (rendered and compressed on demand at this size) and a repeat;
#   - two more starts with --index-dir: the first writes the index (reported: its peak RSS, "1st"),
#     the second (reported: startup,
#     the index step of it, and peak RSS) reuses it.
# Then bench/load.sh (no nginx) on the shipped content gives the uncached /api/search figures against
# a cached article, and the answer cache's hit rate over its mixed load. Every figure of the search
# speed targets (README, "Search speed") comes from this one run.
#
#   bench/scale.sh                      # shipped 1000 10000 100000, then the load run
#   SIZES="shipped 1000" LOAD=0 bench/scale.sh
#
# Settings (environment): BIN_DIR (a folder holding helpcenter, generate and search_latency of
# another build, for before/after runs; default: build this checkout), SIZES ("shipped" is content/), DURATION (HTTP search load per size; 10s),
# ROUNDS (in-process rounds over the query mix; 40), WORKERS (2), LOAD (1: run bench/load.sh at the
# end), LOAD_DURATION (its time per target; 5s). Needs oha (bench/load.sh installs it). Every server it starts
# is stopped on exit; the generated sites live in a temporary folder removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"shipped 1000 10000 100000"}
LOAD=${LOAD:-1}
LOAD_DURATION=${LOAD_DURATION:-5s}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-40}
WORKERS=${WORKERS:-2}
HOST=127.0.0.1
export PATH="$HOME/.cargo/bin:$PATH"

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. bench/lib.sh  # after the cd above, so the path is from the repository root
# Where cargo puts the release build (CARGO_TARGET_DIR moves it).
release_dir="${CARGO_TARGET_DIR:-target}/release"

command -v oha >/dev/null || cargo install oha --locked
command -v jq >/dev/null || apt_install jq



# Words for random queries: help-center words the generator writes, so most queries match.
words="lost|stolen|card|fraud|alert|dispute|charge|refund|points|rewards|travel|fee|annual|payment"
words="$words|statement|balance|account|address|replacement|activate|declined|abroad|cancel|limit"
words="$words|transfer|merchant|secure|message|online|app|business|gift|hotel|flight|pin|late|autopay"

if [ -n "${BIN_DIR:-}" ]; then
    # Another build's binaries (helpcenter, generate, search_latency side by side), for before/after.
    say "using the binaries in $BIN_DIR (not building)"
    mkdir -p "$work/bin/examples"
    ln -s "$BIN_DIR/helpcenter" "$work/bin/helpcenter"
    ln -s "$BIN_DIR/generate" "$BIN_DIR/search_latency" "$work/bin/examples/"
    release_dir="$work/bin"
else
    say "building the release server and the examples…"
    cargo build --release --quiet --bin helpcenter --example generate --example search_latency
fi

echo "# helpcenter scale benchmark — $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, server workers: $WORKERS"
printf '%-8s %8s %9s %26s %8s %8s %19s %12s %27s %15s %29s %16s\n' \
    "articles" "docs" "startup" "load/index/render (ms)" "RSS MB" "peak MB" "in-proc p50/p99 ms" "suggest p99" "HTTP req/s p50/p99 ms" "article 1st/2nd" "index-dir restart (index) MB" "index-dir 1st MB"
# Starts the release server on the generated site of `size` (extra arguments passed on) and waits
# for /healthz; sets server, started_in ("12.3 s") and ready (the "content ready" log line).
start_server() {
    local size=$1 launched
    shift
    port=$(free_port)
    base="http://$HOST:$port"
    launched=$(date +%s.%N)
    HELPCENTER_LOG="info,helpcenter::request=off" "$release_dir/helpcenter" serve \
        --addr "$HOST:$port" --content "$work/site-$size" --workers "$WORKERS" "$@" \
        >"$work/server-$size.log" 2>&1 &
    server=$!
    until curl -fs -o /dev/null "$base/healthz"; do
        if ! kill -0 "$server" 2>/dev/null; then
            say "the server stopped:"
            tail -20 "$work/server-$size.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    started_in=$(awk -v a="$launched" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')
    ready=$(grep -m1 'content ready' "$work/server-$size.log")
}

stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

# One number from the "content ready" line, e.g. `field load_ms`.
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$ready"; }

for size in $SIZES; do
    site="$work/site-$size"
    if [ "$size" = shipped ]; then
        cp -r content "$site"
    else
        say "generating $size articles…"
        "$release_dir/examples/generate" --articles "$size" --out "$site" 2>/dev/null
    fi

    say "starting the server on $size articles…"
    start_server "$size"
    startup=$started_in
    timings="$(field load_ms)/$(field index_ms)/$(field render_ms)"
    rss_start=$(peak_rss_mb "$server")
    # First and second request of an article: on a large site the first renders and compresses it.
    slug=$(find "$site/articles" -name '*.md' -printf '%f\n' | sort | sed -n '7p' | sed 's/\.md$//')
    first=$(curl -fs -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip, deflate, br' "$base/articles/$slug")
    second=$(curl -fs -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip, deflate, br' "$base/articles/$slug")
    article=$(awk -v a="$first" -v b="$second" 'BEGIN { printf "%.1f/%.1f ms", a * 1000, b * 1000 }')

    say "HTTP search load ($DURATION)…"
    oha -z "$DURATION" -c 2 -w --no-tui --output-format json --rand-regex-url \
        "$base/api/search\\?q=($words)\\+($words)\\+($words)" >"$work/http.json"
    http=$(jq -r '"\(.summary.requestsPerSec | floor) \(.latencyPercentiles.p50 * 1000 * 100 | floor / 100)/\(.latencyPercentiles.p99 * 1000 * 100 | floor / 100)"' "$work/http.json")
    errors=$(jq '[(.statusCodeDistribution // {} | to_entries[] | select(.key != "200") | .value), (.errorDistribution // {} | to_entries[] | .value)] | add // 0' "$work/http.json")
    [ "$errors" = 0 ] || say "warning: $errors failed search requests"
    rss_peak=$(peak_rss_mb "$server")
    stop_server

    # Restarts with --index-dir: the first start writes the index, the second reuses it.
    say "starting twice with --index-dir…"
    start_server "$size" --index-dir "$work/index-$size"
    first_peak=$(peak_rss_mb "$server")
    stop_server
    start_server "$size" --index-dir "$work/index-$size"
    grep -q 'index="reused"' <<<"$ready" || say "warning: the index folder was not reused"
    restart="$started_in ($(field index_ms) ms) $(peak_rss_mb "$server")"
    stop_server
    rm -rf "$work/index-$size"

    say "in-process search latency ($ROUNDS rounds)…"
    "$release_dir/examples/search_latency" --content "$site" --rounds "$ROUNDS" >"$work/inproc.txt"
    value() { sed -n "s/^$1=//p" "$work/inproc.txt"; }
    docs=$(value documents)
    inproc="$(value search_p50_ms)/$(value search_p99_ms)"
    suggest="$(value suggest_p99_ms)"

    printf '%-8s %8s %9s %26s %8s %8s %19s %12s %27s %15s %29s %16s\n' \
        "$size" "$docs" "$startup" "$timings" "$rss_start" "$rss_peak" "$inproc" "$suggest" "$http" "$article" "$restart" "$first_peak"
    rm -rf "$site"
done

if [ "$LOAD" = 1 ]; then
    say "HTTP load on the shipped content (bench/load.sh, $LOAD_DURATION per target)…"
    BIN="$release_dir/helpcenter" NGINX=0 DURATION=$LOAD_DURATION bench/load.sh >"$work/load.txt"
    grep -E '^(article |api search|# api search|# answer cache)' "$work/load.txt"
fi
