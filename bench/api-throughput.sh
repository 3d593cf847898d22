#!/usr/bin/env bash
# API throughput: wrk (Debian's) against a real epcfleetd on loopback, over TLS (the default) and
# plain HTTP, for /healthz (no store, no auth) and an authenticated GET of a small resource (a
# session lookup and a tenant read in the store per request). Prints requests/s and latency
# percentiles. Client and server share this machine's cores: compare runs on the same machine.
set -euo pipefail
bin="${1:-build/release/apps/epcfleetd/epcfleetd}"
duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-32}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }

echo "bench-admin-password-1" > "$work/pw"
"$bin" init --data-dir "$work/data" --admin-password-file "$work/pw" >/dev/null

run_server() {  # $1 = extra flag (--http or nothing); sets BASE
  local port; port="$(free_port)"
  "$bin" serve --data-dir "$work/data" --listen "127.0.0.1:$port" $1 >"$work/server-$port.log" 2>&1 &
  pids+=($!)
  local scheme=https; [[ "$1" == "--http" ]] && scheme=http
  for _ in $(seq 1 100); do curl -sk "$scheme://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  BASE="$scheme://127.0.0.1:$port"
}

measure() {  # $1 label, $2 url, $3 optional bearer token
  local out
  if [[ -n "${3:-}" ]]; then
    out="$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $3" "$2")"
  else
    out="$(wrk -t2 -c"$connections" -d"$duration" --latency "$2")"
  fi
  local rps p50 p99 errors
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '| %-48s | %10s | %8s | %8s | %7s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}

echo "wrk -t2 -c$connections -d$duration on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
printf '| %-48s | %10s | %8s | %8s | %7s |\n' "endpoint" "req/s" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" "------------" "----------" "----------" "---------"
for mode in "" "--http"; do
  run_server "$mode"
  base="$BASE"
  token="$(curl -sk "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
           -d '{"username":"admin","password":"bench-admin-password-1"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')"
  curl -sk "$base/api/v1/tenants" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
       -d '{"id":"acme","name":"Acme Wireless"}' >/dev/null || true
  label="$([[ -z "$mode" ]] && echo https || echo http)"
  measure "$label GET /healthz" "$base/healthz"
  measure "$label GET /api/v1/tenants/acme (bearer, SQLite)" "$base/api/v1/tenants/acme" "$token"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done
