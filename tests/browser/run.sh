#!/usr/bin/env bash
# The browser suite: builds the debug binary, serves content/ on a free loopback port, and runs the
# Node tests in tests/browser/tests against it in Debian's Chromium. The server is always stopped.
#
#   tests/browser/run.sh                        # everything
#   tests/browser/run.sh tests/flows.test.js    # some files (paths relative to tests/browser)
#
# Needs node >= 20, npm and /usr/bin/chromium (or CHROMIUM_PATH). Never downloads a browser.
# Screenshots go to screenshots/ at the top of the repository (git-ignored).
set -euo pipefail

suite_dir="$(cd "$(dirname "$0")" && pwd)"
repo_dir="$(cd "$suite_dir/../.." && pwd)"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
# The whole run, tests only, is bounded: a hang fails instead of eating CI's time.
suite_timeout="${BROWSER_SUITE_TIMEOUT:-900}"
# shellcheck source=tests/browser/lib.sh
. "$suite_dir/lib.sh"

if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "run.sh: no Chromium at $CHROMIUM_PATH (apt-get install chromium)" >&2
  exit 1
fi

cd "$suite_dir"
npm_ci_if_stale run.sh

cd "$repo_dir"
echo "run.sh: cargo build"
cargo build --quiet

port="$(free_port)"
export BASE_URL="http://127.0.0.1:$port"
server_log="$(mktemp -t helpcenter-browser.XXXXXX.log)"
# Feedback and searches go to a throwaway SQLite file; the suite answers "was this helpful?" more
# often than a person would, so the per-client limit is raised.
data_dir="$(mktemp -d -t helpcenter-browser-data.XXXXXX)"
# The editors' dashboard is on, with a token made for this run (the admin tests read it too).
HELPCENTER_ADMIN_TOKEN="browser-suite-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export HELPCENTER_ADMIN_TOKEN

# CARGO_TARGET_DIR, when set, moves the build.
HELPCENTER_LOG="${HELPCENTER_LOG:-warn}" "${CARGO_TARGET_DIR:-target}/debug/helpcenter" --addr "127.0.0.1:$port" --content content \
  --database "$data_dir/helpcenter.db" --feedback-per-minute 1000 \
  >"$server_log" 2>&1 &
server_pid=$!

stop_server() {
  status=$?
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Graceful shutdown takes a moment; do not wait for ever.
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "run.sh: failed (exit $status); last lines of the server log:" >&2
    tail -n 40 "$server_log" >&2 || true
  fi
  rm -f "$server_log"
  rm -rf "$data_dir"
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run.sh: waiting for $BASE_URL/healthz"
wait_healthy "$BASE_URL" "$server_pid"

cd "$suite_dir"
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(tests/*.test.js)
fi
echo "run.sh: ${#files[@]} test files against $BASE_URL with $("$CHROMIUM_PATH" --version 2>/dev/null || echo chromium)"
timeout --kill-after=10 "$suite_timeout" \
  node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 "${files[@]}"
