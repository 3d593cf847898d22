#!/usr/bin/env bash
# Time-series store (issue 5): epcfleetd's embedded store side by side with InfluxDB 1.6 and
# VictoriaMetrics (Debian's influxdb and victoria-metrics), fed the same generated SNMP-like data
# as InfluxDB line protocol over HTTP, one system at a time, each on a free loopback port with a
# temporary data directory. For each system:
#   ingest   bench/tsdb/gen.cpp's data (D devices x 50 series every 60 s for H hours, fixed seed)
#            piped into bench/tsdb/feed.cpp: batches of 5,000 lines or 5 minutes of data, each
#            device's lines on one of 3 keep-alive connections (every series in time order),
#            failing on the first non-2xx answer. Wall samples/s, and samples per
#            CPU second of the server process (utime+stime from /proc/<pid>/stat);
#   settle   flush and compact the way the system allows, and wait for it to finish:
#              InfluxDB: its config sets cache-snapshot-write-cold-duration=5s and
#                compact-full-write-cold-duration=30s (defaults 10m and 4h: only *when* the
#                snapshot and the full compaction happen changes); wait until every shard's cache
#                is empty, no compaction is active or queued and each shard has one TSM file or
#                has been fully compacted (/debug/vars);
#              VictoriaMetrics: /internal/force_flush, then /internal/force_merge for each month
#                of the data; wait until no merge is active and the sizes stop changing;
#              epcfleetd: no endpoint forces a flush: one marker sample 31 minutes after the
#                data's end lets it flush its last head window (see settle_epcfleet); wait until
#                the head holds only that sample, one block per day and tier, nothing changes;
#            then bytes per sample = growth of the data directory since before the ingest
#            (allocated bytes, du) / samples;
#   queries  q1 one device's 32 interface counters as a per-second rate over the last 24 h (or
#            all the data if shorter) at 5-minute step; q2 the latest value of one gauge
#            (AttachedUEs) of every device; q3 one raw series for the last hour. First run and
#            median of BENCH_TSDB_RUNS (20) runs, client wall time (curl's time_total, a new
#            connection per run). Each first answer is checked (bench/tsdb/check.py): the
#            right number of series and points, else the run fails; q2's and q3's values are
#            compared between the systems and a difference is printed as a WARNING;
#   memory   the server's peak RSS (VmHWM) over the whole run;
#   verify   the stored sample count (InfluxDB count(*), VictoriaMetrics vm_rows, epcfleetd
#            epcfleet_tsdb_block_raw_samples).
# epcfleetd is skipped ("not available yet") while its write endpoint answers 404.
#
# Usage: bench/tsdb-bench.sh [--full] [--devices N] [--hours H] [--only SYSTEMS] [--keep]
#                            [path/to/epcfleetd]
#   default 100 devices x 6 h (1.8 M samples, about 3 minutes); --full is 1,000 x 24 h (72 M
#   samples, issue 5's data set: about 20 minutes on 2 loaded cores)
#   --only influxdb,victoriametrics,epcfleet   a subset
#   --keep                                     keep the work directory (data dirs, logs, answers)
#   BENCH_TSDB_RUNS=20 BENCH_TSDB_CONNS=3 BENCH_TSDB_BATCH=5000 BENCH_TSDB_SPAN=300 (seconds of
#   data per batch at most) BENCH_TSDB_SEED=42
#   BENCH_TSDB_OUT=FILE   the JSON results (default build/bench-results/tsdb-<D>x<H>h-<time>.json)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
devices=100
hours=6
only="epcfleet influxdb victoriametrics"
keep=0
bin="$root/build/release/apps/epcfleetd/epcfleetd"
while (($#)); do
  case "$1" in
    --full) devices=1000; hours=24 ;;
    --devices) devices="$2"; shift ;;
    --hours) hours="$2"; shift ;;
    --only) only="${2//,/ }"; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "tsdb-bench: unknown option $1" >&2; exit 2 ;;
    *) bin="$1" ;;
  esac
  shift
done
[[ "$devices" =~ ^[1-9][0-9]*$ && "$hours" =~ ^[1-9][0-9]*$ ]] ||
  { echo "tsdb-bench: --devices and --hours take positive integers" >&2; exit 2; }
runs="${BENCH_TSDB_RUNS:-20}"
conns="${BENCH_TSDB_CONNS:-3}"
batch="${BENCH_TSDB_BATCH:-5000}"
span="${BENCH_TSDB_SPAN:-300}"
seed="${BENCH_TSDB_SEED:-42}"
settle_timeout="${BENCH_TSDB_SETTLE_TIMEOUT:-1800}"
out="${BENCH_TSDB_OUT:-$root/build/bench-results/tsdb-${devices}x${hours}h-$(date -u +%Y%m%dT%H%M%SZ).json}"
tick="$(getconf CLK_TCK)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do [[ -n "$p" ]] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }; done
  if ((keep)); then echo "tsdb-bench: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

log() { echo "tsdb-bench: $*" >&2; }
die() { log "$*"; exit 1; }
for tool in curl python3 g++ influxd victoria-metrics; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps"
done

# --- the generator and the feeder ----------------------------------------------------------------
# The release build has them (bench/CMakeLists.txt); otherwise, or when a source is newer, they
# are compiled here (a few seconds each).
tool_bin() {  # name source [libs...]
  local name="$1" src="$2"; shift 2
  local built="$root/build/release/bench/$name" own="$root/build/bench-tools/$name"
  if [[ -x "$built" && "$built" -nt "$src" ]]; then echo "$built"; return; fi
  if [[ ! -x "$own" || "$src" -nt "$own" ]]; then
    log "compiling $name"
    mkdir -p "$(dirname "$own")"
    g++ -std=c++20 -O2 -o "$own" "$src" "$@" >&2 || die "cannot compile $src"
  fi
  echo "$own"
}
gen="$(tool_bin tsdb-gen "$here/tsdb/gen.cpp")"
feed="$(tool_bin tsdb-feed "$here/tsdb/feed.cpp" -lcurl -pthread)"

# The data ends at the last midnight (UTC), so that it is within every system's retention, and
# starts H hours before: the same options give the same values on any day.
end=$(( $(date +%s) / 86400 * 86400 ))
start=$(( end - hours * 3600 ))
polls=$(( hours * 60 ))
expected=$(( devices * 50 * polls ))
window=$(( (hours < 24 ? hours : 24) * 3600 ))  # q1
flush_forced=0
days=$(( (end - 1) / 86400 - start / 86400 + 1 ))  # UTC days the data touches
device1="$(printf "epc-%0$(( ${#devices} > 4 ? ${#devices} : 4 ))d" 1)"
gauge=AttachedUEs

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
server_cpu() { awk -v t="$tick" '{printf "%.2f\n", ($14 + $15) / t}' "/proc/$1/stat"; }
server_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
du_alloc() { du -s --block-size=1 "$@" | awk '{s += $1} END {print s + 0}'; }
du_apparent() { du -sb "$@" | awk '{s += $1} END {print s + 0}'; }
now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# url BASE PATH key=value...: a URL with an encoded query string.
url() {
  python3 - "$@" <<'EOF'
import sys, urllib.parse
base, path, *kv = sys.argv[1:]
print(base + path + ("?" + urllib.parse.urlencode([tuple(a.split("=", 1)) for a in kv]) if kv else ""))
EOF
}
wait_http() {  # url [tries]
  local i
  for i in $(seq 1 "${2:-150}"); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$server" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
rec() { echo "$1=$2" >>"$res"; }  # a result of the current system
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  local p rest=()
  for p in "${pids[@]}"; do [[ "$p" == "$server" ]] || rest+=("$p"); done
  pids=("${rest[@]}")
}

# Times the queries of one kind: QUERY URL... (several URLs: one logical query made of several
# requests on one connection, times added), with the headers in query_headers. Records first and
# median milliseconds; the first answer is checked.
measure_query() {
  local q="$1"; shift
  local d="$sys_dir/answers" i
  mkdir -p "$d"
  : >"$d/$q.times"
  for i in $(seq 0 "$runs"); do
    local args=() n=0 u
    for u in "$@"; do args+=("$u" -o "$d/$q.$n.json"); n=$((n + 1)); done
    curl -s -w '%{http_code} %{time_total}\n' "${query_headers[@]}" "${args[@]}" >"$d/$q.curl" || die "$sys $q: curl failed"
    if grep -qv '^2' "$d/$q.curl"; then
      die "$sys $q: HTTP $(cut -d' ' -f1 "$d/$q.curl" | xargs): $(head -c 400 "$d/$q.0.json")"
    fi
    awk '{s += $2} END {printf "%.3f\n", s * 1000}' "$d/$q.curl" >>"$d/$q.times"
    if ((i == 0)); then
      local files=() k found
      for ((k = 0; k < n; k++)); do files+=("$d/$q.$k.json"); cp "$d/$q.$k.json" "$d/$q.first.$k.json"; done
      found="$(python3 "$here/tsdb/check.py" "$sys" "$q" "${files[@]}" --devices "$devices" --window "$window")" ||
        die "$sys $q: implausible answer (kept in $d; rerun with --keep to inspect)"
      rec "${q}_found" "${found% digest=*}"
      rec "${q}_digest" "${found##* digest=}"
    fi
  done
  rec "${q}_first_ms" "$(head -n 1 "$d/$q.times")"
  rec "${q}_median_ms" "$(tail -n +2 "$d/$q.times" | median)"
}

ingest() {  # url [curl-style headers for the feeder...]
  local write_url="$1"; shift
  local c0 c1
  c0="$(server_cpu "$server")"
  "$gen" --devices "$devices" --hours "$hours" --start "$start" --seed "$seed" |
    "$feed" --url "$write_url" "$@" --batch "$batch" --max-span "$span" --conns "$conns" --progress 60 >"$sys_dir/feed.out" ||
    die "$sys: ingest failed"
  c1="$(server_cpu "$server")"
  local got; got="$(grep -o 'samples=[0-9]*' "$sys_dir/feed.out" | cut -d= -f2)"
  [[ "$got" == "$expected" ]] || die "$sys: the feeder sent $got samples, expected $expected"
  rec samples "$got"
  rec ingest_wall_s "$(grep -o 'wall_s=[0-9.]*' "$sys_dir/feed.out" | cut -d= -f2)"
  rec ingest_cpu_s "$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')"
  rec feed_cpu_s "$(grep -o 'cpu_s=[0-9.]*' "$sys_dir/feed.out" | cut -d= -f2)"
  log "$sys: $(cat "$sys_dir/feed.out")"
}

# Runs the settle function $1 with its wall and CPU time recorded, then the disk figures.
settle() {
  local c0 t0
  c0="$(server_cpu "$server")"; t0="$(now)"
  "$1"
  rec settle_wall_s "$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}')"
  rec settle_cpu_s "$(awk -v a="$c0" -v b="$(server_cpu "$server")" 'BEGIN {printf "%.2f", b - a}')"
  rec bytes_after "$(du_alloc "${data_dirs[@]}")"
  rec bytes_apparent "$(du_apparent "${data_dirs[@]}")"
}

# Waits until the output of "$@" is the same three times in a row, 3 s apart.
wait_stable() {
  local prev="" same=0 cur="" t0=$SECONDS
  while ((same < 2)); do
    ((SECONDS - t0 < settle_timeout)) || die "$sys: did not settle in ${settle_timeout}s (last: $cur)"
    sleep 3
    cur="$("$@")"
    if [[ -n "$cur" && "$cur" == "$prev" ]]; then same=$((same + 1)); else same=0; fi
    prev="$cur"
  done
}

# --- InfluxDB 1.6 ------------------------------------------------------------------------------
influx_state() {  # "busy" or a fingerprint of the settled shards
  curl -s "$base/debug/vars" | python3 -c '
import json, sys
d = json.load(sys.stdin)
shards = {}
for v in d.values():
    if isinstance(v, dict) and v.get("name") in ("tsm1_engine", "tsm1_cache", "tsm1_filestore"):
        shards.setdefault(v["tags"]["path"], {}).update(v["values"])
busy = not shards
for s in shards.values():
    active = sum(x for k, x in s.items() if k.endswith(("Active", "Queue")))
    if s.get("memBytes", 0) or active or not (s.get("numFiles", 0) <= 1 or s.get("tsmFullCompactions", 0)):
        busy = True
print("busy" if busy else sorted((p, s.get("numFiles"), s.get("diskBytes")) for p, s in shards.items()))'
}
influx_settled() { local s; s="$(influx_state)"; [[ "$s" == busy ]] && echo "busy $RANDOM" || echo "$s"; }
settle_influxdb() { sleep 30; wait_stable influx_settled; }

bench_influxdb() {
  local d="$sys_dir" port rpc
  port="$(free_port)"; rpc="$(free_port)"
  cat >"$d/influxdb.conf" <<EOF
reporting-enabled = false
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "5s"
  compact-full-write-cold-duration = "30s"
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[continuous_queries]
  enabled = false
[ifql]
  enabled = false
EOF
  influxd run -config "$d/influxdb.conf" >"$d/server.log" 2>&1 &
  server=$!; pids+=("$server")
  base="http://127.0.0.1:$port"
  wait_http "$base/ping" || die "influxd did not start: $(tail -n 5 "$d/server.log")"
  curl -sf "$base/query" --data-urlencode 'q=CREATE DATABASE bench' >/dev/null || die "CREATE DATABASE failed"
  rec version "$(influxd version 2>/dev/null | awk '{print $2}')"
  data_dirs=("$d/data" "$d/wal" "$d/meta")
  mkdir -p "${data_dirs[@]}"
  rec bytes_before "$(du_alloc "${data_dirs[@]}")"
  ingest "$base/write?db=bench&precision=ns"
  settle settle_influxdb
  rec disk_detail "data+wal+meta; TSM files $(find "$d/data" -name '*.tsm' -printf '%s\n' | awk '{s += $1} END {print s + 0}') B"
  local e=$((end * 1000)) iq
  iq() { url "$base" /query db=bench epoch=ms "q=$1"; }
  measure_query q1 "$(iq "SELECT non_negative_derivative(last(\"HCInOctets\"), 1s) AS \"in\", non_negative_derivative(last(\"HCOutOctets\"), 1s) AS \"out\" FROM \"if\" WHERE \"device\" = '$device1' AND time >= $((e - window * 1000))ms AND time < ${e}ms GROUP BY time(5m), \"ifName\"")"
  measure_query q2 "$(iq "SELECT last(\"$gauge\") FROM \"epc\" WHERE time > $((e - 900000))ms AND time <= ${e}ms GROUP BY \"device\"")"
  measure_query q3 "$(iq "SELECT \"HCInOctets\" FROM \"if\" WHERE \"device\" = '$device1' AND \"ifName\" = 'eth1' AND time >= $((e - 3600000))ms AND time < ${e}ms")"
  rec hwm_kib "$(server_hwm "$server")"
  local stored
  stored="$(curl -s "$(iq 'SELECT count(*) FROM "if"; SELECT count(*) FROM "epc"')" | python3 -c '
import json, sys
print(sum(sum(row[1:]) for r in json.load(sys.stdin)["results"] for s in r.get("series", []) for row in s["values"]))')"
  rec stored "$stored"
  [[ "$stored" == "$expected" ]] || die "influxdb: count(*) says $stored samples stored, $expected sent"
  stop_server
}

# --- VictoriaMetrics -------------------------------------------------------------------------------
vm_state() {  # "busy" or the rows and bytes of the settled storage
  curl -s "$base/metrics" | awk '
    /^vm_active_merges|^vm_active_force_merges/ {active += $2}
    /^vm_rows\{type="storage\/(big|small)"\}/ {rows += $2}
    /^vm_data_size_bytes/ {bytes += $2}
    END {if (active > 0) print "busy"; else printf "%d %d\n", rows, bytes}'
}
vm_settled() { local s; s="$(vm_state)"; [[ "$s" == busy ]] && echo "busy $RANDOM" || echo "$s"; }
settle_victoriametrics() {
  curl -sf "$base/internal/force_flush" >/dev/null || die "force_flush failed"
  local m
  for m in $(python3 -c "
import datetime, sys
s, e = (datetime.datetime.fromtimestamp(int(x), datetime.timezone.utc) for x in sys.argv[1:])
print(' '.join(sorted({(s + datetime.timedelta(days=i)).strftime('%Y_%m') for i in range((e - s).days + 2)})))" "$start" "$end"); do
    curl -sf "$base/internal/force_merge?partition_prefix=$m" >/dev/null || die "force_merge failed"
  done
  sleep 3
  wait_stable vm_settled
  rec stored "$(vm_state | cut -d' ' -f1)"
}

bench_victoriametrics() {
  local d="$sys_dir" port
  port="$(free_port)"
  victoria-metrics -storageDataPath "$d/data" -httpListenAddr "127.0.0.1:$port" >"$d/server.log" 2>&1 &
  server=$!; pids+=("$server")
  base="http://127.0.0.1:$port"
  wait_http "$base/health" || die "victoria-metrics did not start: $(tail -n 5 "$d/server.log")"
  rec version "$(victoria-metrics -version 2>&1 | head -n 1 | grep . || dpkg-query -W -f '${Version}' victoria-metrics)"
  data_dirs=("$d/data")
  rec bytes_before "$(du_alloc "${data_dirs[@]}")"
  ingest "$base/write"
  settle settle_victoriametrics
  rec disk_detail "storageDataPath: data + indexdb"
  local e="$end"
  measure_query q1 "$(url "$base" /api/v1/query_range \
    "query=rate({__name__=~\"if_HCInOctets|if_HCOutOctets\",device=\"$device1\"}[5m]) keep_metric_names" \
    start=$((e - window)) end="$e" step=300)"
  measure_query q2 "$(url "$base" /api/v1/query "query=epc_$gauge" time="$e")"
  measure_query q3 "$(url "$base" /api/v1/query "query=if_HCInOctets{device=\"$device1\",ifName=\"eth1\"}[1h]" time="$e")"
  rec hwm_kib "$(server_hwm "$server")"
  local stored; stored="$(grep '^stored=' "$res" | cut -d= -f2)"
  [[ "$stored" == "$expected" ]] || die "victoriametrics: vm_rows says $stored samples stored, $expected sent"
  stop_server
}

# --- epcfleetd -----------------------------------------------------------------------------------
# The store flushes a 2-hour head window to blocks once its newest sample is 30 minutes past the
# window's end, and merges a day's window blocks once the day is wholly flushed; there is no
# endpoint to force either. So, as time passing would, one marker sample (metric bench_clock)
# 31 minutes after the data's end is written; then the harness waits until the head holds only
# that sample, each tier has one block per day of data and the figures stop changing. (The WAL
# segment holding the marker, and the last window's samples before it, stays until the marker's
# own window is flushed: it is counted in the directory's bytes; the blocks alone are reported
# beside them.)
epc_metric() { curl -s "$base/metrics" | awk -v k="epcfleet_tsdb_$1" '$1 == k {printf "%.0f\n", $2}'; }
epc_state() {
  if ((flush_forced)); then
    local head tier n
    head="$(epc_metric head_samples)"
    if [[ -z "$head" || "$head" -gt 1 ]]; then echo "busy $RANDOM"; return; fi
    for tier in raw 5m 1h; do
      # (a tier without blocks has no directory yet: rollups appear when raw data ages out)
      n="$({ find "$tsdb_dir/blocks/bench/$tier" -name '*.blk' 2>/dev/null || true; } | wc -l)"
      if ((n > days)); then echo "busy $RANDOM"; return; fi
    done
  fi
  curl -s "$base/metrics" |
    awk '/^epcfleet_tsdb_(blocks|block_bytes|wal_bytes|compactions_total|flushes_total) / {printf "%s ", $2}'
  du_apparent "${data_dirs[@]}"
}
settle_epcfleet() {
  local code
  code="$(curl -s -o "$sys_dir/marker.out" -w '%{http_code}' -X POST "${query_headers[@]}" \
    --data-binary "bench,device=bench-clock clock=1i $(( (end + 31 * 60) * 1000000000 ))" \
    "$base/api/v1/tenants/bench/write?precision=ns")"
  if [[ "$code" == 2* ]]; then
    flush_forced=1
  else
    flush_forced=0
    log "epcfleet: the marker sample was refused ($code: $(head -c 300 "$sys_dir/marker.out")):" \
      "the last window stays in the head and WAL"
  fi
  sleep 3
  wait_stable epc_state
}

bench_epcfleet() {
  local d="$sys_dir" port token
  if [[ ! -x "$bin" ]]; then
    rec status pending; rec reason "no epcfleetd at $bin (make build)"; log "epcfleet: not built"; return
  fi
  echo "bench-admin-password-1" >"$d/pw"
  "$bin" init --data-dir "$d/data" --admin-password-file "$d/pw" >/dev/null
  port="$(free_port)"
  "$bin" serve --data-dir "$d/data" --listen "127.0.0.1:$port" --http >"$d/server.log" 2>&1 &
  server=$!; pids+=("$server")
  base="http://127.0.0.1:$port"
  wait_http "$base/healthz" || die "epcfleetd did not start: $(tail -n 5 "$d/server.log")"
  local session
  session="$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"bench-admin-password-1"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')"
  curl -sf "$base/api/v1/tenants" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
    -d '{"id":"bench","name":"Bench"}' >/dev/null || die "epcfleetd: cannot create the tenant"
  token="$(curl -sf "$base/api/v1/tenants/bench/tokens" -H "Authorization: Bearer $session" \
    -H 'Content-Type: application/json' -d '{"name":"bench-writer","role":"operator"}' |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')" || die "epcfleetd: cannot create a token"
  rec version "$("$bin" --version 2>/dev/null | head -n 1 || echo '?') ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  local auth=(-H "Authorization: Bearer $token") code
  query_headers=("${auth[@]}")
  # An empty body writes nothing; a 404 means this build has no write endpoint yet.
  code="$(curl -s -o "$d/probe.out" -w '%{http_code}' -X POST "${auth[@]}" --data-binary '' \
    "$base/api/v1/tenants/bench/write?precision=ns")"
  if [[ "$code" == 404 ]]; then
    rec status pending; rec reason "not available yet (POST /api/v1/tenants/{t}/write answers 404)"
    log "epcfleet: not available yet (write endpoint answers 404)"
    stop_server; return
  fi
  data_dirs=("$d/data")
  tsdb_dir="$d/data/tsdb"
  rec bytes_before "$(du_alloc "${data_dirs[@]}")"
  ingest "$base/api/v1/tenants/bench/write?precision=ns" "${auth[@]}"
  settle settle_epcfleet
  local blocks wal tier tiers=""
  blocks="$(du_alloc "$tsdb_dir/blocks")"; wal="$(du_alloc "$tsdb_dir/wal")"
  per_sample() { awk -v b="$1" -v s="$expected" 'BEGIN {printf "%.2f", b / s}'; }
  for tier in raw 5m 1h; do
    local b; b="$({ find "$tsdb_dir/blocks/bench/$tier" -name '*.blk' -printf '%s\n' 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}')"
    rec "blocks_${tier}_bytes" "$b"
    tiers+="$tier $(per_sample "$b"), "
  done
  rec blocks_bytes "$blocks"
  rec disk_detail "the whole data directory; blocks $blocks B = $(per_sample "$blocks") B/sample (${tiers%, }), WAL $wal B; head flushed by a marker: $( ((flush_forced)) && echo yes || echo no)"
  local e="$end" t="/api/v1/tenants/bench"
  measure_query q1 \
    "$(url "$base" "$t/query_range" metric=if_HCInOctets device="$device1" fn=rate step=5m start=$((e - window)) end="$e")" \
    "$(url "$base" "$t/query_range" metric=if_HCOutOctets device="$device1" fn=rate step=5m start=$((e - window)) end="$e")"
  measure_query q2 "$(url "$base" "$t/query" metric="epc_$gauge" at="$e")"
  measure_query q3 "$(url "$base" "$t/query_range" metric=if_HCInOctets device="$device1" labels=ifName=eth1 \
    fn=last step=60s start=$((e - 3600)) end=$((e - 1)))"
  rec hwm_kib "$(server_hwm "$server")"
  local stored
  if ((flush_forced)); then stored="$(epc_metric block_raw_samples)"; else stored="$(epc_metric samples_appended_total)"; fi
  rec stored "$stored"
  [[ "$stored" == "$expected" ]] || die "epcfleet: /metrics says $stored samples stored, $expected sent"
  stop_server
}

# --- run -------------------------------------------------------------------------------------------
results="$work/results"
mkdir -p "$results"
{
  echo "devices=$devices"; echo "hours=$hours"; echo "seed=$seed"; echo "start=$start"; echo "end=$end"
  echo "expected_samples=$expected"; echo "batch=$batch"; echo "span=$span"; echo "conns=$conns"; echo "runs=$runs"
  echo "cores=$(nproc)"; echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"; echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$results/meta.kv"
log "$devices devices x $hours h = $expected samples, $(date -u -d "@$start" +%FT%TZ) .. $(date -u -d "@$end" +%FT%TZ)"
for sys in $only; do
  case "$sys" in epcfleet|influxdb|victoriametrics) ;; *) die "unknown system $sys" ;; esac
  sys_dir="$work/$sys"; mkdir -p "$sys_dir"
  query_headers=()
  res="$results/$sys.kv"; : >"$res"
  rec name "$(case "$sys" in epcfleet) echo epcfleetd ;; influxdb) echo InfluxDB ;; *) echo VictoriaMetrics ;; esac)"
  log "$sys"
  "bench_$sys"
  grep -q '^status=' "$res" || rec status ok
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/meta.kv"
python3 "$here/tsdb/report.py" "$results" "$out"
