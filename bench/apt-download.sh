#!/usr/bin/env bash
# APT downloads: a 50 MiB .deb fetched over loopback from epcfleetd's /apt/{tenant}/{repo}/ (HTTP
# Basic with per-device credentials) and from nginx-light serving the same file from the same
# directory (auth_basic too, so both check a password per request). Plain HTTP for both.
#   1. median of BENCH_DL_RUNS (10) sequential downloads from each, and the ratio;
#   2. 20 concurrent clients (BENCH_DL_CLIENTS) each downloading the file BENCH_DL_ROUNDS (10)
#      times: aggregate throughput for each server, and the latency of an authenticated
#      epcfleetd API GET sampled meanwhile (during the nginx run it shows what the machine's load
#      alone does to it), against the same GET on an idle server.
# Skips (exit 0) when this epcfleetd has no credentials route or /apt endpoint yet (404).
# Usage: bench/apt-download.sh [path/to/epcfleetd]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-build/release/apps/epcfleetd/epcfleetd}")"
runs="${BENCH_DL_RUNS:-10}"
clients="${BENCH_DL_CLIENTS:-20}"
rounds="${BENCH_DL_ROUNDS:-10}"
mib="${BENCH_DL_MIB:-50}"
cache="$(mkdir -p "${BENCH_CACHE:-build/bench-cache}" && realpath "${BENCH_CACHE:-build/bench-cache}")"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for tool in nginx curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "apt-download: $tool is missing: run scripts/install-deps" >&2; exit 1; }
done
[[ -x "$bin" ]] || { echo "apt-download: no epcfleetd at $bin (make build)" >&2; exit 1; }

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print v[i]}'; }
log() { echo "apt-download: $*" >&2; }
skip() { echo "apt-download: skipped: $*"; exit 0; }

deb="$cache/download-$mib.deb"
python3 "$here/make-debs.py" big "$deb" "$mib"
size="$(stat -c %s "$deb")"

# --- epcfleetd: tenant, key, repo, the package, a publish, device credentials ------------------
echo "bench-admin-password-1" >"$work/pw"
"$bin" init --data-dir "$work/data" --admin-password-file "$work/pw" >/dev/null
port="$(free_port)"
"$bin" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --http >"$work/server.log" 2>&1 &
server=$!; pids+=("$server")
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -s "$base/healthz" >/dev/null && break; sleep 0.1; done
token="$(curl -s "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
         -d '{"username":"admin","password":"bench-admin-password-1"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')"
api() {  # method path [curl args...]; prints the body; returns 1 on non-2xx (code in $work/code)
  local method="$1" path="$2"; shift 2
  curl -s -o "$work/api.out" -w '%{http_code}' -X "$method" "$base$path" -H "Authorization: Bearer $token" "$@" >"$work/code"
  if [[ "$(cat "$work/code")" != 2* ]]; then log "$method $path -> $(cat "$work/code"): $(head -c 600 "$work/api.out")"; return 1; fi
  cat "$work/api.out"
}
json=(-H 'Content-Type: application/json')
api POST /api/v1/tenants "${json[@]}" -d '{"id":"bench","name":"Bench"}' >/dev/null
api POST /api/v1/tenants/bench/signing-keys "${json[@]}" -d '{"algorithm":"ed25519"}' >/dev/null
api POST /api/v1/tenants/bench/repos "${json[@]}" -d '{"name":"bench","components":["main"],"architectures":["amd64"]}' >/dev/null
filename="$(api POST '/api/v1/tenants/bench/repos/bench/packages?component=main' --data-binary "@$deb" \
            -H 'Content-Type: application/vnd.debian.binary-package' | python3 -c 'import json,sys;print(json.load(sys.stdin)["filename"])')"
api POST /api/v1/tenants/bench/repos/bench/publish >/dev/null
if ! api POST /api/v1/tenants/bench/repos/bench/credentials "${json[@]}" -d '{"name":"bench"}' >"$work/cred.json"; then
  [[ "$(cat "$work/code")" == 404 ]] && skip "POST /api/v1/tenants/bench/repos/bench/credentials answers 404: this epcfleetd has no device credentials yet"
  exit 1
fi
user="$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["username"])' "$work/cred.json")"
pass="$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["password"])' "$work/cred.json")"
path="/apt/bench/bench/$filename"
code="$(curl -s -o /dev/null -w '%{http_code}' -u "$user:$pass" "$base$path")"
[[ "$code" == 404 ]] && skip "GET $path answers 404: this epcfleetd does not serve /apt/ yet"
[[ "$code" == 200 ]] || { log "GET $path -> $code"; exit 1; }

# --- nginx-light on the same directory ---------------------------------------------------------
nport="$(free_port)"
mkdir -p "$work/nginx/logs"
printf '%s:%s\n' "$user" "$(openssl passwd -apr1 "$pass")" >"$work/nginx/htpasswd"
# As root, nginx's workers would run as nobody, who cannot enter the private temp dir.
nginx_user=""; [[ "$(id -u)" == 0 ]] && nginx_user="user root root;"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
$nginx_user
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 256; }
http {
  access_log $work/nginx/logs/access.log;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { application/vnd.debian.binary-package deb; }
  server {
    listen 127.0.0.1:$nport;
    location /apt/bench/bench/ {
      alias $work/data/apt/bench/bench/;
      auth_basic "apt";
      auth_basic_user_file $work/nginx/htpasswd;
    }
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/logs/error.log" &
pids+=($!)
nbase="http://127.0.0.1:$nport"
for _ in $(seq 1 100); do [[ "$(curl -s -o /dev/null -w '%{http_code}' -u "$user:$pass" "$nbase$path")" == 200 ]] && break; sleep 0.1; done

# --- 1: sequential downloads -------------------------------------------------------------------
download() {  # url; prints seconds, fails unless 200 and the whole file
  local out
  out="$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' -u "$user:$pass" "$1")"
  read -r c s t <<<"$out"
  [[ "$c" == 200 && "$s" == "$size" ]] || { log "GET $1 -> $c, $s of $size bytes"; return 1; }
  echo "$t"
}
# The file was just written: flush it, warm both paths, then alternate so drift hits both alike.
sync
for _ in 1 2; do download "$base$path" >/dev/null; download "$nbase$path" >/dev/null; done
for _ in $(seq 1 "$runs"); do
  download "$base$path" >>"$work/seq.epcfleetd"
  download "$nbase$path" >>"$work/seq.nginx"
done
e="$(median <"$work/seq.epcfleetd")"; n="$(median <"$work/seq.nginx")"
echo "Downloads of a $((size / 1048576)) MiB .deb over loopback, plain HTTP with Basic auth, on $(nproc) cores"
echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); epcfleetd $("$bin" --version 2>/dev/null || echo '?'), $(nginx -v 2>&1 | cut -d' ' -f3)"
printf '| %-26s | %9s | %9s | %13s |\n' "sequential, median of $runs" "epcfleetd" "nginx" "epcfleetd/nginx"
printf '|%s|%s|%s|%s|\n' :--------------------------- ----------: ----------: ----------------:
printf '| %-26s | %9.3f | %9.3f | %15.2f |\n' "seconds per download" "$e" "$n" "$(awk -v a="$e" -v b="$n" 'BEGIN {print a / b}')"
printf '| %-26s | %9.0f | %9.0f | %15s |\n' "MiB/s" "$(awk -v t="$e" -v s="$size" 'BEGIN {print s / 1048576 / t}')" \
  "$(awk -v t="$n" -v s="$size" 'BEGIN {print s / 1048576 / t}')" ""

# --- 2: concurrent downloads, API latency meanwhile --------------------------------------------
probe() {  # samples GET /api/v1/tenants/bench until the file $1 exists; prints ms, one a line
  while [[ ! -e "$1" ]]; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" "$base/api/v1/tenants/bench"
    sleep 0.02
  done | awk '$1 != 200 {bad++} $1 == 200 {printf "%.2f\n", $2 * 1000} END {if (bad) print "non-200: " bad > "/dev/stderr"}'
}
for _ in $(seq 1 50); do
  curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$base/api/v1/tenants/bench"; sleep 0.02
done | awk '{printf "%.2f\n", $1 * 1000}' >"$work/lat.idle"
concurrent() {  # url label; prints aggregate MiB/s; API latencies sampled meanwhile go to lat.<label>
  local url="$1" label="$2" cpids=() t0 t1 i
  rm -f "$work/stop"
  local probe_pid=""
  probe "$work/stop" >"$work/lat.$label" & probe_pid=$!
  t0="$(date +%s.%N)"
  for i in $(seq 1 "$clients"); do
    (for _ in $(seq 1 "$rounds"); do download "$url" >/dev/null || exit 1; done) & cpids+=($!)
  done
  local failed=0
  for p in "${cpids[@]}"; do wait "$p" || failed=1; done
  t1="$(date +%s.%N)"
  touch "$work/stop"
  wait "$probe_pid"
  ((failed == 0)) || { log "a concurrent download from $label failed"; exit 1; }
  awk -v a="$t0" -v b="$t1" -v s="$size" -v k="$((clients * rounds))" 'BEGIN {printf "%.0f", s * k / 1048576 / (b - a)}'
}
ce="$(concurrent "$base$path" epcfleetd)"
cn="$(concurrent "$nbase$path" nginx)"
echo
printf '| %-44s | %9s | %9s |\n' "$clients clients x $rounds downloads each" epcfleetd nginx
printf '|%s|%s|%s|\n' :--------------------------------------------- ----------: ----------:
printf '| %-44s | %9s | %9s |\n' "aggregate MiB/s" "$ce" "$cn"
echo
echo "Authenticated GET /api/v1/tenants/bench on epcfleetd (bearer, one every 20 ms), ms:"
printf '| %-35s | %7s | %7s | %7s | %7s |\n' "" samples p50 p95 max
printf '|%s|%s|%s|%s|%s|\n' :------------------------------------ --------: --------: --------: --------:
for s in idle epcfleetd nginx; do
  label="idle"; [[ "$s" != idle ]] && label="during the downloads from $s"
  printf '| %-35s | %7s | %7s | %7s | %7s |\n' "$label" "$(wc -l <"$work/lat.$s")" \
    "$(median <"$work/lat.$s")" "$(pct 95 <"$work/lat.$s")" "$(pct 100 <"$work/lat.$s")"
done
