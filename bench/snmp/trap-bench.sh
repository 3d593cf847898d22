#!/usr/bin/env bash
# Trap intake: snmp::TrapReceiver (build/release/bench/snmp-trap-bench) side by side with
# Debian's snmptrapd, both fed by fastsim's paced trap sender
# (../shared/acceptance/snmp-fleet/fastsim.c, `fastsim trap`) on loopback. For each version
# (v2c, and v3 authPriv SHA/AES from engine "fastsimtrap"), each rate and each receiver: a fresh
# receiver on a free port, fastsim sends at the rate for the duration, 2 s to drain, SIGTERM.
# Reported per run: traps sent (fastsim), received (ours: notifications delivered to the sink;
# snmptrapd: lines it logged), loss, and the receiver's CPU per trap (ours: getrusage of the
# process from ready to exit; snmptrapd: utime+stime from /proc/<pid>/stat over the same span).
#
# Both authenticate every trap (snmptrapd: authCommunity / authUser ... priv) and get the same
# socket buffer: serverRecvBuf 4 MiB for snmptrapd, --socket-buffer 4 MiB for ours (the kernel
# doubles both: 8 MiB). snmptrapd writes one short line per trap to a file (-F "T %v"), with
# doNotRetainNotificationLogs; ours counts and drops (nothing is stored or formatted).
#
# Usage: bench/snmp/trap-bench.sh [--rates "2000 5000 ..."] [--seconds N] [--versions "2c 3"]
#   BENCH_TRAP_RATES, BENCH_TRAP_SECONDS, BENCH_TRAP_VERSIONS do the same;
#   SNMP_FLEET_DIR (default ../shared/acceptance/snmp-fleet) holds fastsim.c.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rates="${BENCH_TRAP_RATES:-2000 5000 10000 20000 40000}"
seconds="${BENCH_TRAP_SECONDS:-10}"
versions="${BENCH_TRAP_VERSIONS:-2c 3}"
while (($#)); do
  case "$1" in
    --rates) rates="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --versions) versions="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "trap-bench: $*" >&2; exit 1; }

ours="$root/build/release/bench/snmp-trap-bench"
[[ -x "$ours" ]] || die "$ours is missing: cmake --build --preset release --target snmp-trap-bench"
trapd="$(command -v snmptrapd || echo /usr/sbin/snmptrapd)"
[[ -x "$trapd" ]] || die "snmptrapd is not installed (scripts/install-deps)"
fleet="${SNMP_FLEET_DIR:-$root/../shared/acceptance/snmp-fleet}"
[[ -f "$fleet/fastsim.c" ]] || die "fastsim.c not found in $fleet (set SNMP_FLEET_DIR)"
fastsim="$root/build/bench-tools/fastsim"
if [[ ! -x "$fastsim" || "$fleet/fastsim.c" -nt "$fastsim" ]]; then
  mkdir -p "$(dirname "$fastsim")"
  gcc -O2 -Wno-deprecated-declarations -o "$fastsim" "$fleet/fastsim.c" -lcrypto -lpthread -lm ||
    die "cannot compile fastsim"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export MIBS="" SNMPCONFPATH="$work" SNMP_PERSISTENT_DIR="$work/state"
ticks="$(getconf CLK_TCK)"

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_of() {  # utime+stime of a PID in seconds
  awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"
}
json() {  # json FILE KEY
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' "$1" "$2"
}
send() {  # send PORT VERSION RATE > fastsim's JSON
  local v=2 extra=()
  [[ "$2" == 3 ]] && { v=3; extra=(--v3user simuser:SHA:authpass123:AES:privpass123); }
  "$fastsim" trap --target "127.0.0.1:$1" --version "$v" --rate "$3" --duration "$seconds" "${extra[@]}"
}

cat > "$work/snmptrapd.conf" <<'EOF'
[snmp] serverRecvBuf 4194304
doNotRetainNotificationLogs yes
authCommunity log public
createUser -e 0x80001f88046661737473696d74726170 simuser SHA authpass123 AES privpass123
authUser log simuser priv
EOF

# run_ours VERSION RATE / run_snmptrapd VERSION RATE: print "sent received cpu_s"
run_ours() {
  local out="$work/ours.out" sent
  "$ours" --socket-buffer 4194304 > "$out" 2> "$work/ours.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q '^ready' "$out" 2>/dev/null && break; sleep 0.05; done
  local port
  port="$(awk '/^ready/ { print $2 }' "$out")"
  [[ -n "$port" ]] || die "snmp-trap-bench did not start: $(cat "$work/ours.err")"
  send "$port" "$1" "$2" > "$work/send.json"
  sleep 2
  kill -TERM "$pid"
  wait "$pid" || true
  tail -1 "$out" > "$work/ours.json"
  sent="$(json "$work/send.json" sent)"
  echo "$sent $(json "$work/ours.json" delivered) $(json "$work/ours.json" cpu_s)"
}

run_snmptrapd() {
  local port sent
  port="$(free_udp_port)"
  rm -f "$work/traps.log" "$work/trapd.pid"
  "$trapd" -f -C -c "$work/snmptrapd.conf" -n -Lf "$work/traps.log" -F 'T %v\n' \
    -p "$work/trapd.pid" "udp:127.0.0.1:$port" > "$work/trapd.out" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do ss -ulnH "sport = :$port" | grep -q . && break; sleep 0.05; done
  local cpu0 cpu1
  cpu0="$(cpu_of "$pid")"
  send "$port" "$1" "$2" > "$work/send.json"
  sleep 2
  cpu1="$(cpu_of "$pid")"
  kill -TERM "$pid"
  wait "$pid" || true
  sent="$(json "$work/send.json" sent)"
  echo "$sent $(grep -c '^T ' "$work/traps.log" || true) $(echo "$cpu1 - $cpu0" | bc -l)"
}

echo "SNMP trap intake, ${seconds} s per run, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %7s | %-28s | %-28s | %s\n' version rate \
  "ours: recv/sent loss µs-CPU" "snmptrapd: recv/sent loss µs" "CPU per trap snmptrapd/ours"
for version in $versions; do
  for rate in $rates; do
    run_ours "${version%c}" "$rate" > "$work/row.ours"
    run_snmptrapd "${version%c}" "$rate" > "$work/row.trapd"
    read -r s1 r1 c1 < "$work/row.ours"
    read -r s2 r2 c2 < "$work/row.trapd"
    python3 - "$version" "$rate" "$s1" "$r1" "$c1" "$s2" "$r2" "$c2" <<'EOF'
import sys
version, rate = sys.argv[1], int(sys.argv[2])
s1, r1, c1, s2, r2, c2 = (float(x) for x in sys.argv[3:])
def cell(s, r, c):
    loss = 100.0 * (s - r) / s if s else 0.0
    per = 1e6 * c / r if r else float("nan")
    return f"{int(r):>7}/{int(s):<7} {loss:5.1f}% {per:5.1f}", per
a, pa = cell(s1, r1, c1)
b, pb = cell(s2, r2, c2)
print(f"{version:<4} {rate:>7} | {a:<28} | {b:<28} | {pb / pa if pa else float('nan'):.1f}x")
EOF
  done
done
