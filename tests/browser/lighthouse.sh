#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) for home, an article, a
# search page, the call planner's form and one of its plans, served by the release build, audited in Debian's Chromium with Lighthouse's mobile
# defaults (emulated phone, simulated slow 4G) and its desktop preset. Not part of .ci/run: the
# numbers go in the README. Reports (HTML and JSON) are written to screenshots/lighthouse/.
#
#   tests/browser/lighthouse.sh            # prints one line of scores per page and form factor
#   LIGHTHOUSE_MIN=100 tests/browser/lighthouse.sh   # also fails if any score is below 100
set -euo pipefail

suite_dir="$(cd "$(dirname "$0")" && pwd)"
repo_dir="$(cd "$suite_dir/../.." && pwd)"
export CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
chrome_flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic"
pages=(
  "home /"
  "article /articles/talk-to-a-live-person"
  "search /search?q=lost+card"
  "plan /plan?need=lost-stolen&card=personal&where=abroad"
  "plan-form /plan"
)
report_dir="$repo_dir/screenshots/lighthouse"
# shellcheck source=tests/browser/lib.sh
. "$suite_dir/lib.sh"

cd "$suite_dir/lighthouse"
npm_ci_if_stale lighthouse.sh

cd "$repo_dir"
echo "lighthouse.sh: cargo build --release"
cargo build --release --quiet

port="$(free_port)"
base_url="http://127.0.0.1:$port"
# CARGO_TARGET_DIR, when set, moves the build.
HELPCENTER_LOG=warn "${CARGO_TARGET_DIR:-target}/release/helpcenter" --addr "127.0.0.1:$port" --content content &
server_pid=$!
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

wait_healthy "$base_url" "$server_pid"

mkdir -p "$report_dir"
lighthouse="$suite_dir/lighthouse/node_modules/.bin/lighthouse"
"$lighthouse" --version | sed 's/^/lighthouse.sh: lighthouse /'
for form_factor in mobile desktop; do
  preset=()
  [ "$form_factor" = desktop ] && preset=(--preset=desktop)
  for entry in "${pages[@]}"; do
    name="${entry%% *}"
    path="${entry#* }"
    # Lighthouse sometimes fails to record the page-load trace on this VM (NO_NAVSTART); one retry.
    for attempt in 1 2; do
      if timeout 180 "$lighthouse" "$base_url$path" "${preset[@]}" \
        --chrome-flags="$chrome_flags" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output=html --output-path="$report_dir/$name-$form_factor" \
        --quiet; then
        break
      fi
      [ "$attempt" = 2 ] && exit 1
      echo "lighthouse.sh: $name ($form_factor) failed, retrying once" >&2
    done
  done
done

node - "$report_dir" "${LIGHTHOUSE_MIN:-0}" "${pages[@]}" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [dir, minimum, ...pages] = process.argv.slice(2);
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
let failed = false;
console.log(`\n${'page'.padEnd(18)}${categories.map((c) => c.padStart(16)).join('')}`);
for (const formFactor of ['mobile', 'desktop']) {
  for (const entry of pages) {
    const name = entry.split(' ')[0];
    const report = JSON.parse(fs.readFileSync(path.join(dir, `${name}-${formFactor}.report.json`), 'utf8'));
    const scores = categories.map((id) => Math.round(report.categories[id].score * 100));
    console.log(`${`${name} (${formFactor})`.padEnd(18)}${scores.map((s) => String(s).padStart(16)).join('')}`);
    for (const id of categories) {
      for (const ref of report.categories[id].auditRefs) {
        const audit = report.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          console.log(`    ${id}: ${ref.id} ${audit.score} ${audit.displayValue || ''}`);
        }
      }
    }
    if (scores.some((score) => score < Number(minimum))) failed = true;
  }
}
console.log(`\nreports: ${dir}`);
process.exit(failed ? 1 : 0);
JS
