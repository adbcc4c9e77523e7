# Shell helpers shared by run.sh and lighthouse.sh (sourced, not run).

# Runs `npm ci` in the current folder when node_modules is missing or older than the lockfile.
npm_ci_if_stale() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "$1: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Waits up to 20 s for `$1/healthz` to answer 200 while process `$2` is alive; fails otherwise.
wait_healthy() {
  local base_url=$1 pid=$2
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server exited before it was ready" >&2
      return 1
    fi
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$base_url/healthz"; then
      return 0
    fi
    sleep 0.2
  done
  echo "$base_url/healthz did not answer within 20 s" >&2
  return 1
}
