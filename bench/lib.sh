# Shell helpers shared by the benchmark scripts (sourced, not run). Expects HOST to be set.

say() { printf '%s\n' "$*" >&2; }

# A free TCP port on 127.0.0.1: random candidates below the kernel's ephemeral range (where the
# load tools' own connections take their local ports, so a candidate there could be taken between
# this check and the server's bind), skipping any that accept a connection.
free_port() {
    local port low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    for _ in $(seq 1 50); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    say "no free port found"
    exit 1
}

# Waits until `url` answers 200, up to `limit` seconds; prints the seconds it took.
wait_for() {
    local url=$1 limit=$2 started now
    started=$(date +%s.%N)
    while ! curl -fs -o /dev/null "$url"; do
        now=$(date +%s.%N)
        if awk -v a="$started" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
            say "timed out waiting for $url"
            return 1
        fi
        sleep 0.05
    done
    awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

# Installs Debian packages, as root or through sudo. A fresh machine has no package lists, so when
# the install fails the lists are fetched once and the install tried again.
apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; then
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
    fi
}

# Peak resident memory (VmHWM) of a process, in MB.
peak_rss_mb() {
    awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}
