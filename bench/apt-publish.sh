#!/usr/bin/env bash
# APT publishing: epcfleetd side by side with aptly and reprepro (Debian's), on the same generated
# packages. For each N in BENCH_APT_SIZES it measures
#   import  getting N packages into the tool (aptly repo add, reprepro includedeb, N API uploads);
#   (a)     a full publish of the repository holding N packages (median of BENCH_APT_REPEAT runs;
#           epcfleetd is restarted before each, so that its cache of compressed index blocks is
#           cold, as it is for aptly and reprepro, which keep none);
#   (b)     the daily case: add one new package and publish again (median of BENCH_APT_REPEAT runs,
#           a different new package each run; epcfleetd keeps running, as in production);
# with wall time, CPU seconds (user+sys) and peak RSS, and the bytes of the published indexes.
# Every tool signs its Release files: epcfleet with its tenant's Ed25519 key (librnp, in process),
# aptly and reprepro with a throwaway Ed25519 key in a private GNUPGHOME (gpg; the signing itself
# runs in gpg-agent, which the figures do not include). reprepro writes the same compressions of
# Packages as epcfleetd did in the same run; aptly 1.5 cannot write .xz (it writes .gz and .bz2).
#
# Usage: bench/apt-publish.sh [path/to/epcfleetd]
#   BENCH_APT_SIZES="2000 10000"  package counts (default)
#   BENCH_QUICK=1                 smoke run: N=200 unless BENCH_APT_SIZES is set
#   BENCH_APT_REPEAT=3            runs per measurement (median reported)
#   BENCH_CACHE=build/bench-cache where the generated .deb sets are kept, keyed by N
#   BENCH_APT_KEEP=DIR            keep each tool's published dists/<suite>/ in DIR/<N>/<tool>/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:-build/release/apps/epcfleetd/epcfleetd}")"
if [[ "${BENCH_QUICK:-}" == 1 ]]; then sizes="${BENCH_APT_SIZES:-200}"; else sizes="${BENCH_APT_SIZES:-2000 10000}"; fi
repeat="${BENCH_APT_REPEAT:-3}"
cache="$(mkdir -p "${BENCH_CACHE:-build/bench-cache}" && realpath "${BENCH_CACHE:-build/bench-cache}")"
tick="$(getconf CLK_TCK)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -d "$work/gnupg" ]]; then GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for tool in aptly reprepro gpg /usr/bin/time curl python3; do
  command -v "$tool" >/dev/null || { echo "apt-publish: $tool is missing: run scripts/install-deps" >&2; exit 1; }
done
[[ -x "$bin" ]] || { echo "apt-publish: no epcfleetd at $bin (make build)" >&2; exit 1; }

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
log() { echo "apt-publish: $*" >&2; }

# Bytes of the index files under a published dists/<suite>/ (symlinks followed), every file once
# per inode, without by-hash/ directories (aptly and reprepro write none by default; epcfleet's
# hard-link the current indexes and carry over the previous generation's) and without dot files
# (epcfleet's internal .by-hash-manifest).
index_bytes() {
  find "$(readlink -f "$1")" -name by-hash -prune -o -type f ! -name '.*' -printf '%i %s\n' |
    sort -u | awk '{s += $2} END {print s + 0}'
}
index_files() {
  (cd "$(readlink -f "$1")" && find . -name by-hash -prune -o -type f ! -name '.*' -printf '%P=%s\n' | sort | xargs)
}

# Runs a command under GNU time; appends "wall cpu rss_kib" to the file $1.
timed() {
  local out="$1"; shift
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" >"$work/cmd.log" 2>&1; then
    log "failed: $*"; tail -n 20 "$work/cmd.log" >&2; exit 1
  fi
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/time.out" >>"$out"
}

# Sums several "wall cpu rss" lines (one logical operation made of several commands): wall and
# CPU add up, the peak is the largest.
sum_lines() { awk '{w += $1; c += $2; if ($3 > r) r = $3} END {printf "%.3f %.2f %d\n", w, c, r}'; }

# One result per tool and N: results/<N>/<tool>.{import,a,b,bytes,files}
record() { mkdir -p "$work/results/$1"; cat >"$work/results/$1/$2.$3"; }
keep() {  # N tool dists-dir
  [[ -n "${BENCH_APT_KEEP:-}" ]] || return 0
  mkdir -p "$BENCH_APT_KEEP/$1"; rm -rf "${BENCH_APT_KEEP:?}/$1/$2"
  cp -a "$(readlink -f "$3")" "$BENCH_APT_KEEP/$1/$2"
}

# --- the throwaway gpg key for aptly and reprepro ------------------------------------------------
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'epcfleet bench <bench@epcfleet.invalid>' ed25519 sign never 2>/dev/null
gpg --batch --check-trustdb >/dev/null 2>&1 || true
fpr="$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')"

bench_aptly() {  # $1 N, $2 dir of the set
  local n="$1" set="$2" d="$work/aptly" r
  rm -rf "$d"; mkdir -p "$d"
  printf '{"rootDir":"%s","architectures":["amd64"],"gpgProvider":"gpg","skipContentsPublishing":true}\n' "$d/root" >"$d/aptly.conf"
  local aptly=(aptly -config="$d/aptly.conf")
  "${aptly[@]}" repo create -distribution=bench -component=main bench >/dev/null
  timed "$d/import" "${aptly[@]}" repo add bench "$set/pool"
  for r in $(seq 1 "$repeat"); do
    if ((r > 1)); then "${aptly[@]}" publish drop bench >/dev/null; fi
    timed "$d/a" "${aptly[@]}" publish repo -architectures=amd64 -gpg-key="$fpr" -skip-contents bench
  done
  record "$n" aptly bytes <<<"$(index_bytes "$d/root/public/dists/bench")"
  record "$n" aptly files <<<"$(index_files "$d/root/public/dists/bench")"
  keep "$n" aptly "$d/root/public/dists/bench"
  for deb in $(ls "$set/extra/"*.deb | head -n "$repeat"); do
    : >"$d/one"
    timed "$d/one" "${aptly[@]}" repo add bench "$deb"
    timed "$d/one" "${aptly[@]}" publish update -gpg-key="$fpr" -skip-contents bench
    sum_lines <"$d/one" >>"$d/b"
  done
  cp "$d/import" "$work/results/$n/aptly.import"; cp "$d/a" "$work/results/$n/aptly.a"; cp "$d/b" "$work/results/$n/aptly.b"
  rm -rf "$d"
}

bench_reprepro() {
  local n="$1" set="$2" d="$work/reprepro" r
  rm -rf "$d"; mkdir -p "$d/conf"
  cat >"$d/conf/distributions" <<EOF
Codename: bench
Suite: bench
Architectures: amd64
Components: main
DebIndices: Packages Release $(cat "$work/results/$n/epcfleet.debindices")
SignWith: $fpr
EOF
  # All N files in one includedeb (it exports once, at the end).
  timed "$d/import" reprepro -b "$d" --silent includedeb bench "$set/pool/"*.deb
  for r in $(seq 1 "$repeat"); do timed "$d/a" reprepro -b "$d" --silent export bench; done
  record "$n" reprepro bytes <<<"$(index_bytes "$d/dists/bench")"
  record "$n" reprepro files <<<"$(index_files "$d/dists/bench")"
  keep "$n" reprepro "$d/dists/bench"
  for deb in $(ls "$set/extra/"*.deb | head -n "$repeat"); do
    timed "$d/b" reprepro -b "$d" --silent includedeb bench "$deb"
  done
  cp "$d/import" "$work/results/$n/reprepro.import"; cp "$d/a" "$work/results/$n/reprepro.a"; cp "$d/b" "$work/results/$n/reprepro.b"
  rm -rf "$d"
}

# --- epcfleetd through its API -----------------------------------------------------------------
server_cpu() { awk -v t="$tick" '{printf "%.2f\n", ($14 + $15) / t}' "/proc/$1/stat"; }
server_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
# Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each figure is the peak of that step.
reset_hwm() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || log "cannot reset VmHWM: RSS figures are since start"; }

api() {  # method path [curl args...]; prints the body, fails loudly on a non-2xx answer
  local method="$1" path="$2"; shift 2
  local code
  code="$(curl -s -o "$work/api.out" -w '%{http_code}' -X "$method" "$base$path" -H "Authorization: Bearer $token" "$@")"
  if [[ "$code" != 2* ]]; then log "$method $path -> $code: $(head -c 600 "$work/api.out")"; return 1; fi
  cat "$work/api.out"
}

# Uploads the given .deb files over two keep-alive connections (two curl processes, one config
# each, --next between requests); fails on any answer other than 201.
upload() {
  local list="$work/upload.list" i
  printf '%s\n' "$@" >"$list"
  split -n r/2 -d "$list" "$work/upload.part."
  for part in "$work"/upload.part.*; do
    [[ -s "$part" ]] || { rm -f "$part"; continue; }
    local first=1
    while read -r f; do
      ((first)) || echo next
      first=0
      printf 'url = "%s/api/v1/tenants/bench/repos/bench/packages?component=main"\n' "$base"
      printf 'data-binary = "@%s"\nheader = "Authorization: Bearer %s"\n' "$f" "$token"
      printf 'header = "Content-Type: application/vnd.debian.binary-package"\n'
      printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
    done <"$part" >"$part.curl"
  done
  local cpids=()
  for part in "$work"/upload.part.*.curl; do curl -s -K "$part" >"$part.codes" & cpids+=($!); done
  for p in "${cpids[@]}"; do wait "$p" || true; done
  local bad
  bad="$(cat "$work"/upload.part.*.codes | grep -cv '^201$' || true)"
  local got; got="$(cat "$work"/upload.part.*.codes | wc -l)"
  rm -f "$work"/upload.part.*
  if [[ "$bad" != 0 || "$got" != "$#" ]]; then
    log "$bad of $# uploads did not answer 201 ($got answers); the first file again:"
    curl -s -X POST "$base/api/v1/tenants/bench/repos/bench/packages?component=main" \
      -H "Authorization: Bearer $token" --data-binary "@$1" >&2 || true
    return 1
  fi
}

# Runs "$@" (API calls) and appends "wall cpu rss_kib" of the server to the file $1.
server_timed() {
  local out="$1"; shift
  reset_hwm "$server"
  local c0 t0 t1 c1
  c0="$(server_cpu "$server")"; t0="$(now)"
  "$@" >/dev/null
  t1="$(now)"; c1="$(server_cpu "$server")"
  echo "$t0 $t1 $c0 $c1 $(server_hwm "$server")" | awk '{printf "%.3f %.2f %s\n", $2 - $1, $4 - $3, $5}' >>"$out"
}

publish() { api POST /api/v1/tenants/bench/repos/bench/publish; }
daily() { upload "$1" && publish; }

start_server() {  # $1 data dir; sets server, base, token
  local port; port="$(free_port)"
  "$bin" serve --data-dir "$1" --listen "127.0.0.1:$port" --http >>"$1.log" 2>&1 &
  server=$!; pids+=("$server")
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -s "$base/healthz" >/dev/null && break; sleep 0.1; done
  token="$(curl -s "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
           -d '{"username":"admin","password":"bench-admin-password-1"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')"
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; pids=("${pids[@]/$server}"); }

bench_epcfleet() {
  local n="$1" set="$2" d="$work/epcfleet" r
  rm -rf "$d"; mkdir -p "$d"
  echo "bench-admin-password-1" >"$d/pw"
  "$bin" init --data-dir "$d/data" --admin-password-file "$d/pw" >/dev/null
  start_server "$d/data"
  local json=(-H 'Content-Type: application/json')
  api POST /api/v1/tenants "${json[@]}" -d '{"id":"bench","name":"Bench"}' >/dev/null
  api POST /api/v1/tenants/bench/signing-keys "${json[@]}" -d '{"algorithm":"ed25519"}' >/dev/null
  api POST /api/v1/tenants/bench/repos "${json[@]}" \
    -d '{"name":"bench","codename":"bench","components":["main"],"architectures":["amd64"]}' >/dev/null
  record "$n" epcfleet rss_start <<<"$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")"
  server_timed "$d/import" upload "$set/pool/"*.deb
  # (a) from a freshly started server each time: epcfleetd keeps compressed index blocks in
  # memory, and a publish of an unchanged repository would only measure that cache.
  for r in $(seq 1 "$repeat"); do
    stop_server; start_server "$d/data"
    server_timed "$d/a" publish
  done
  local dists="$d/data/apt/bench/bench/dists/bench"
  record "$n" epcfleet bytes <<<"$(index_bytes "$dists")"
  record "$n" epcfleet files <<<"$(index_files "$dists")"
  keep "$n" epcfleet "$dists"
  local pk; pk="$(readlink -f "$dists")/main/binary-amd64/Packages"
  local listed; listed="$(grep -c '^Package: ' "$pk")"
  [[ "$listed" == "$n" ]] || log "epcfleetd's Packages lists $listed packages, expected $n"
  # For reference, what the compressors alone cost on this Packages file on this machine.
  for c in "xz -6" "gzip -6" "bzip2 -9"; do
    /usr/bin/time -f "$c %U %S" -o "$work/time.out" $c -c "$pk" >/dev/null
    awk '{printf "%s %s %.2f s CPU; ", $1, $2, $3 + $4}' "$work/time.out"
  done | record "$n" epcfleet compressors
  # reprepro is then told to write the same compressions as epcfleetd did.
  local ext=". "
  for x in gz xz bz2; do [[ -e "$pk.$x" ]] && ext+=".$x "; done
  record "$n" epcfleet debindices <<<"$ext"
  # (b) on the running server, which has published before: the ordinary case.
  for deb in $(ls "$set/extra/"*.deb | head -n "$repeat"); do server_timed "$d/b" daily "$deb"; done
  cp "$d/import" "$work/results/$n/epcfleet.import"; cp "$d/a" "$work/results/$n/epcfleet.a"; cp "$d/b" "$work/results/$n/epcfleet.b"
  stop_server
  rm -rf "$d"
}

# --- run ---------------------------------------------------------------------------------------
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
  set="$cache/debs-$n"
  log "N=$n: packages in $set"
  python3 "$here/make-debs.py" set "$set" "$n" "$repeat"
  mkdir -p "$work/results/$n"
  log "N=$n: epcfleet"; bench_epcfleet "$n" "$set"
  log "N=$n: aptly";    bench_aptly "$n" "$set"
  log "N=$n: reprepro"; bench_reprepro "$n" "$set"
done

# --- report ------------------------------------------------------------------------------------
col() { awk -v c="$2" '{print $c}' "$1" | median; }  # median of column c of a results file
mib() { awk '{printf "%.0f", $1 / 1024}'; }
echo "APT publishing on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); median of $repeat runs;" \
  "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "aptly $(aptly version | awk '{print $3}'), reprepro $(reprepro --version 2>&1 | awk '{print $NF}'), epcfleetd $("$bin" --version 2>/dev/null || echo '?'); all sign (Ed25519)"
printf '| %6s | %-8s | %9s | %8s | %7s | %8s | %8s | %7s | %8s | %11s |\n' \
  N tool "import s" "(a) s" "(a) CPU" "(a) MiB" "(b) s" "(b) CPU" "(b) MiB" "index bytes"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------: :--------- ----------: ---------: --------: ---------: ---------: --------: ---------: ------------:
for n in $sizes; do
  for tool in epcfleet aptly reprepro; do
    f="$work/results/$n/$tool"
    printf '| %6s | %-8s | %9.2f | %8.3f | %7.2f | %8s | %8.3f | %7.2f | %8s | %11s |\n' "$n" "$tool" \
      "$(col "$f.import" 1)" "$(col "$f.a" 1)" "$(col "$f.a" 2)" "$(col "$f.a" 3 | mib)" \
      "$(col "$f.b" 1)" "$(col "$f.b" 2)" "$(col "$f.b" 3 | mib)" "$(cat "$f.bytes")"
  done
done
echo
echo "Ratios (peer / epcfleet; above 1 means epcfleet is faster, leaner or smaller):"
printf '| %6s | %-19s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n' N ratio "import" "(a) s" "(a) CPU" "(a) RSS" "(b) s" "(b) CPU" "index"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------: :-------------------- ---------: ---------: ---------: ---------: ---------: ---------: ---------:
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "inf"}'; }
for n in $sizes; do
  e="$work/results/$n/epcfleet"
  for tool in aptly reprepro; do
    f="$work/results/$n/$tool"
    printf '| %6s | %-19s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n' "$n" "$tool/epcfleet" \
      "$(ratio "$(col "$f.import" 1)" "$(col "$e.import" 1)")" \
      "$(ratio "$(col "$f.a" 1)" "$(col "$e.a" 1)")" "$(ratio "$(col "$f.a" 2)" "$(col "$e.a" 2)")" \
      "$(ratio "$(col "$f.a" 3)" "$(col "$e.a" 3)")" \
      "$(ratio "$(col "$f.b" 1)" "$(col "$e.b" 1)")" "$(ratio "$(col "$f.b" 2)" "$(col "$e.b" 2)")" \
      "$(ratio "$(cat "$f.bytes")" "$(cat "$e.bytes")")"
  done
done
echo
for n in $sizes; do
  echo "epcfleetd N=$n: RSS $(mib <"$work/results/$n/epcfleet.rss_start") MiB before the uploads (tenant, key and repo made), peak $(col "$work/results/$n/epcfleet.import" 3 | mib) MiB during them"
  echo "  the compressors alone on its Packages file: $(cat "$work/results/$n/epcfleet.compressors")"
done
echo "Index files counted, bytes (dists/<suite>/, by-hash/ excluded, hard links once; largest N):"
for tool in epcfleet aptly reprepro; do
  n="${sizes##* }"; printf '  %-8s %s\n' "$tool" "$(cat "$work/results/$n/$tool.files")"
done
cat <<'EOF'
import: aptly repo add of the N files; reprepro includedeb of the N files (one call, exports at the
end); epcfleet N API uploads over 2 keep-alive connections. (a): aptly publish repo (after a publish
drop from the second run on: it also links the pool into public/), reprepro export, epcfleet POST
.../publish. (b): aptly repo add + publish update, reprepro includedeb (exports), epcfleet upload +
publish. epcfleet wall time is what the client saw; its CPU is the server process's utime+stime
delta and its RSS is the whole server process's VmHWM, reset before each step (peers: GNU time of
the command, gpg-agent not included). aptly writes Packages, .gz and .bz2 (no .xz) and is run with
-skip-contents; reprepro is told to write the compressions epcfleetd wrote. epcfleetd's (a) runs
each start from a freshly started server (no cached index blocks); its (b) runs follow on the
running server.
EOF
