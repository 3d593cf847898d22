#!/usr/bin/env bash
# SNMP polling (issue 4): epcfleet's poller (build/release/bench/snmp-collector-bench: the real
# collector::Poller with snmp::Client, samples appended to a tsdb::Engine) side by side with
# Debian's prometheus-snmp-exporter 0.21 (driven by bench/snmp/exporter_scraper.py the way
# Prometheus would scrape it), against the simulated fleet of ../shared/acceptance/snmp-fleet
# (fastsim on loopback), each run measured by its run-poller-bench.py.
#
# One poll = GET sysUpTime.0 + the 10 EPC scalars, GETBULK walks of every ifTable and ifXTable
# column (8..48 interfaces per device: about 1,170 varbinds); max-repetitions 25, timeout 1.5 s,
# 2 retries for both (bench/snmp/issue4_profile.hpp, bench/snmp/snmp_exporter.yml).
# Runs, one at a time:
#   scheduled  1,000 and 10,000 devices every --interval s: ours v2c, ours v3 SHA/AES, exporter v2c,
#              exporter v3; a warm-up, then the measured window (due times in its last 10 s are
#              not judged). Ours at 10,000 devices creates about 10 M series (41 columns × ~28
#              interfaces × 10,000) in its first round, which takes about 5 minutes on 2 shared
#              cores: its v2c run gets --first-warmup, and its v3 run reuses that store (the series
#              exist; reopening it and the first round still need --reuse-warmup).
#   loss       ours v2c, 1,000 devices, every --interval s, fleet dropping 1 % of requests
#              (--loss-exporter: the exporter too).
#   peak       1,000 devices every --peak-interval s (both pollers saturate or come close): the
#              best varbinds per CPU-second each achieves. Ours creates its 1 M series in the
#              first 20-30 s: --peak-warmup covers that.
# Before each run, waits (up to --max-wait s) for the 1-minute load average to fall to --max-load:
# the machine is shared. Prints the table of bench/snmp/fleet_report.py; rows are kept in
# build/bench-results/snmp-fleet-<time>.jsonl.
#
# Usage: bench/snmp-fleet.sh [--sizes "1000 10000"] [--interval 60] [--warmup 65] [--window 75]
#          [--first-warmup 300] [--reuse-warmup 120] [--peak-interval 5] [--peak-warmup 35]
#          [--peak-window 25] [--runs "scheduled peak loss"] [--loss-exporter] [--no-exporter]
#          [--max-load 3] [--max-wait 600] [--keep DIR]
#   --keep DIR  copies each run's harness JSON, summary and per-poll results there
#   SNMP_FLEET_DIR (default ../shared/acceptance/snmp-fleet) holds fastsim.c and the harness.
# The defaults take about 30 minutes; ours at 10,000 devices needs about 11 GB of memory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
sizes="1000 10000" interval=60 warmup=65 window=75 first_warmup=300 reuse_warmup=120
peak_interval=5 peak_warmup=35 peak_window=25 runs="scheduled peak loss" loss_exporter=0 exporter=1
max_load=3 max_wait=600 keep=""
while (($#)); do
  case "$1" in
    --sizes) sizes="$2"; shift ;;
    --interval) interval="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --window) window="$2"; shift ;;
    --first-warmup) first_warmup="$2"; shift ;;
    --reuse-warmup) reuse_warmup="$2"; shift ;;
    --peak-interval) peak_interval="$2"; shift ;;
    --peak-warmup) peak_warmup="$2"; shift ;;
    --peak-window) peak_window="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --loss-exporter) loss_exporter=1 ;;
    --no-exporter) exporter=0 ;;
    --max-load) max_load="$2"; shift ;;
    --max-wait) max_wait="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "snmp-fleet: $*" >&2; exit 1; }

ours="$root/build/release/bench/snmp-collector-bench"
[[ -x "$ours" ]] || die "$ours is missing: cmake --build --preset release --target snmp-collector-bench"
fleet_dir="${SNMP_FLEET_DIR:-$root/../shared/acceptance/snmp-fleet}"
[[ -x "$fleet_dir/run-poller-bench.py" ]] || die "run-poller-bench.py not found in $fleet_dir (set SNMP_FLEET_DIR)"
if ((exporter)); then
  command -v prometheus-snmp-exporter >/dev/null || die "prometheus-snmp-exporter is not installed (scripts/install-deps)"
  prometheus-snmp-exporter --config.file="$here/snmp/snmp_exporter.yml" --dry-run >/dev/null 2>&1 ||
    die "prometheus-snmp-exporter does not accept bench/snmp/snmp_exporter.yml"
fi

work="$(mktemp -d)"
export SNMP_FLEET_STATE="$work/fleet"
fleets=()
cleanup() {
  for f in "${fleets[@]}"; do "$fleet_dir/fleet-stop" -n "$f" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
out="$root/build/bench-results/snmp-fleet-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
mkdir -p "$(dirname "$out")"

fleet_up() {  # fleet_up NAME K [fastsim args...]
  local name="$1" k="$2"
  shift 2
  if (($#)); then
    "$fleet_dir/fleet-start" -n "$name" -k "$k" -- "$@" >/dev/null
  else
    "$fleet_dir/fleet-start" -n "$name" -k "$k" >/dev/null
  fi
  fleets+=("$name")
}
fleet_down() {
  "$fleet_dir/fleet-stop" -n "$1" >/dev/null
}
wait_load() {
  local waited=0 load
  while :; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    awk -v l="$load" -v m="$max_load" 'BEGIN { exit !(l <= m) }' && return 0
    if ((waited >= max_wait)); then
      echo "  load average $load still above $max_load after ${max_wait} s: running anyway" >&2
      return 0
    fi
    if ((waited == 0)); then echo "  load average $load > $max_load: waiting" >&2; fi
    sleep 15
    waited=$((waited + 15))
  done
}

# run LABEL FLEET POLLER VERSION MODE EVERY WARMUP WINDOW [TSDB_DIR]
run() {
  local label="$1" fleet="$2" poller="$3" version="$4" mode="$5" every="$6" w="$7" d="$8"
  local tsdb="${9:-$work/tsdb-$label}" summary="$work/$label.summary" cmd extra=()
  wait_load
  if [[ "$poller" == ours ]]; then
    cmd="$ours --version $version --interval $every --summary $summary --tsdb-dir $tsdb"
  else
    cmd="python3 $here/snmp/exporter_scraper.py --module issue4_v$version --interval $every"
    cmd+=" --pidfile $work/exporter.pid --summary $summary"
    extra=(--component-pidfile "$work/exporter.pid")
  fi
  echo "  $label: $poller v$version, every $every s, warm-up $w s, window $d s" >&2
  "$fleet_dir/run-poller-bench.py" --reuse "$fleet" -w "$w" -d "$d" --label "$label" \
    "${extra[@]}" --json "$work/$label.json" -- "$cmd" >/dev/null
  [[ -s "$summary" ]] || die "$label: no summary (see $SNMP_FLEET_STATE/run/$fleet/poller.log)"
  cp "$SNMP_FLEET_STATE/run/$fleet/poller_results.txt" "$work/$label.results"
  python3 "$here/snmp/fleet_report.py" row --label "$label" --poller "$poller" --version "$version" \
    --mode "$mode" "$work/$label.json" "$summary" "$work/$label.results" >>"$out"
  if [[ -n "$keep" ]]; then mkdir -p "$keep" && cp "$work/$label".{json,summary,results} "$keep/"; fi
  [[ -n "${9:-}" ]] || rm -rf "$tsdb"
}

want() { [[ " $runs " == *" $1 "* ]]; }
for k in $sizes; do
  want scheduled || { want peak && ((k == 1000)); } || continue
  echo "$k devices:" >&2
  fleet_up "f$k" "$k"
  if ! want scheduled; then
    :
  elif ((k >= 5000)); then
    # The first round creates the store's series: a long warm-up, then v3 reuses the store.
    run "ours-v2c-$k" "f$k" ours 2c scheduled "$interval" "$first_warmup" "$window" "$work/tsdb-$k"
    run "ours-v3-$k" "f$k" ours 3 scheduled "$interval" "$reuse_warmup" "$window" "$work/tsdb-$k"
    rm -rf "$work/tsdb-$k"
  else
    run "ours-v2c-$k" "f$k" ours 2c scheduled "$interval" "$warmup" "$window"
    run "ours-v3-$k" "f$k" ours 3 scheduled "$interval" "$warmup" "$window"
  fi
  if want scheduled && ((exporter)); then
    run "exporter-v2c-$k" "f$k" exporter 2c scheduled "$interval" "$warmup" "$window"
    run "exporter-v3-$k" "f$k" exporter 3 scheduled "$interval" "$warmup" "$window"
  fi
  if want peak && ((k == 1000)); then
    for v in 2c 3; do
      run "ours-v$v-peak" "f$k" ours "$v" peak "$peak_interval" "$peak_warmup" "$peak_window"
      if ((exporter)); then
        run "exporter-v$v-peak" "f$k" exporter "$v" peak "$peak_interval" "$peak_warmup" "$peak_window"
      fi
    done
  fi
  fleet_down "f$k"
done
if want loss; then
  echo "1,000 devices, 1 % of requests dropped:" >&2
  fleet_up loss 1000 --drop 0.01
  run ours-v2c-loss loss ours 2c "1% loss" "$interval" "$warmup" "$window"
  if ((loss_exporter && exporter)); then
    run exporter-v2c-loss loss exporter 2c "1% loss" "$interval" "$warmup" "$window"
  fi
  fleet_down loss
fi

echo "SNMP polling, issue 4 (rows: $out)"
python3 "$here/snmp/fleet_report.py" table "$out"
