#!/usr/bin/env bash
# The SIP-TLS registrar against Kamailio, on this machine, in one run: digest-authenticated
# REGISTERs per second over TLS, and registered phones held with CRLF keepalives with the resident
# memory each costs. The hub runs first, then Kamailio (a minimal TLS registrar: tls, auth_db on
# db_text, usrloc in memory, registrar), with the same server certificate from the hub's PKI, the
# same accounts, and the same load: the phone emulator (hub phone register).
#
#   bench/registrar.sh [--quick] [--runs N] [--jfr FILE] [--tls tcnative|conscrypt|jdk] [--phone-tls conscrypt|jdk]
# Prints one line per measure with the median of the runs and the ratio hub/Kamailio; for the
# server's CPU per registration (read from /proc, Kamailio's processes summed) the ratio is
# Kamailio/hub, since lower wins; the same for the emulator's CPU per registration against each
# (the emulator shares the cores, so what it spends is taken from the server's share; its JVM's
# start is counted, the same against both). --quick (200 phones, one run) shows that everything
# works; its memory per connection is within a JVM's noise.
# --jfr records the hub's JVM with Flight Recorder (profile settings) into FILE, read it with
# `jfr print --events jdk.ExecutionSample FILE` or `jfr summary FILE`. --tls runs the hub's TLS, SIP
# and HTTPS, on that provider (the settings sipTlsProvider and tlsProvider; default tcnative, the
# hub's). --phone-tls is the TLS the emulated phones
# speak (`hub phone register --tls`; default conscrypt, so the load costs the shared cores less).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=3 accounts=2000 flows=50 seconds=10 rate=250 hold=15 warmup=30 jfr="" tls_provider=tcnative phone_tls=conscrypt
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=1 accounts=200 flows=20 seconds=5 rate=100 hold=8 warmup=10; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --jfr) jfr="$(realpath -m "$2")"; shift 2 ;;
    --tls) tls_provider="$2"; shift 2 ;;
    --phone-tls) phone_tls="$2"; shift 2 ;;
    *) echo "usage: bench/registrar.sh [--quick] [--runs N] [--jfr FILE] [--tls tcnative|conscrypt|jdk]" \
            "[--phone-tls conscrypt|jdk]" >&2; exit 2 ;;
  esac
done
[ "$accounts" -ge "$flows" ] || { echo "bench: more flows than accounts" >&2; exit 2; }

# shellcheck source=lib/kamailio.sh
. "$repo/bench/lib/kamailio.sh"
kamailio_install
# Thousands of TLS connections on each side: lift the descriptor limit for everything started here.
ulimit -n "$(ulimit -Hn)"

# shellcheck source=lib/hub.sh
. "$repo/bench/lib/hub.sh"
hub_pid="" kamailio_pid=""
bench_scratch hub_pid kamailio_pid

home="$work/var"
hub_sip=18561 kamailio_sip=18562
"$repo/scripts/hub" pki init --home "$home" >/dev/null
# One machine plays a building of phones: the load comes from many loopback addresses (see
# --local-addresses), and the per-address device limit is lifted for the provisioning that makes
# the accounts.
# The load re-registers each account many times a second, far above a phone's pace, so the per-AOR
# REGISTER cap and the per-flow request budget (guards Kamailio is not asked to run here; a flow over
# its budget of 100 requests a second is closed, and 50 flows at Kamailio's pace carry about 150 each)
# are lifted to their ceilings.
printf 'deviceRequestsPerSecond: 1000000\nsipKeepaliveSeconds: 30\nsipRegistersPerAorPerSecond: 1000\n%s\n%s\n%s\n' \
    'sipFlowRequestsPer2Seconds: 100000' "tlsProvider: $tls_provider" "sipTlsProvider: $tls_provider" > "$home/hub.yaml"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-}${jfr:+ -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$jfr}" \
"$repo/scripts/hub" start --home "$home" --bind 127.0.0.1 --https-port 18543 --admin-port 18544 \
    --sip-tls-port "$hub_sip" --web-port 0 >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!
for _ in $(seq 120); do grep -q '^ready' "$work/hub.out" 2>/dev/null && break; sleep 0.5; done
grep -q '^ready' "$work/hub.out" || { echo "bench: the hub did not start" >&2; cat "$work/hub.err" >&2; exit 1; }

hub() { HUB_NO_BUILD=1 "$repo/scripts/hub" "$@"; }
# The accounts: enrolled phones, which learn their passwords by provisioning, as real ones do.
{ echo "action,macAddress,deviceType,extension"
  for i in $(seq 1 "$accounts"); do printf 'create,00809e%06x,Myriad M7,%d\n' "$i" $((100000 + i)); done
} > "$work/phones.csv"
hub device import --home "$home" --admin-url https://127.0.0.1:18544/ "$work/phones.csv" >/dev/null
# Provisioning only (no SIP), patiently: a phone that times out tries again, as in a boot storm.
hub phone fleet --home "$home" --hub https://localhost:18543 --count "$accounts" --rate 40 --provision-only --tls "$phone_tls" \
    --attempts 8 --timeout 20 --first-mac 00809e000001 --local-addresses 127.30.0.0/16 \
    --accounts-out "$work/accounts" >"$work/fleet.out" || true
held="$(wc -l < "$work/accounts" 2>/dev/null || echo 0)"
if [ "$held" -lt "$flows" ]; then
  echo "bench: provisioning made $held accounts, fewer than $flows flows" >&2; tail -20 "$work/fleet.out" >&2; exit 1
fi

median() { sort -g | awk 'NF {a[++n] = $1} END {print a[int((n + 1) / 2)]}'; }
pss_kib() { # pid: proportional resident memory of the process and its children, KiB
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
register() { # port extra-args...: one emulator run against a registrar
  local port="$1"; shift
  hub phone register --home "$home" --registrar "127.0.0.1:$port" --server-name localhost --domain localhost \
      --accounts "$work/accounts" --digest md5 --keepalive 30 --tls "$phone_tls" "$@"
}
tick="$(getconf CLK_TCK)"
children_cpu() { # file written by the builtin times: the CPU seconds of the shell's finished children
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$1"
}
throughput() { # port pid: prints "registrations-per-second server-µs-per-registration emulator-µs-per-registration"
  local before out
  before="$(cpu_ticks "$2")"
  # times runs in this shell, the one that waits for the emulator, so the emulator's CPU is counted.
  times > "$work/times.before"
  out="$(register "$1" --flows "$flows" --duration "$seconds" --local-addresses 127.40.0.0/16)"
  times > "$work/times.after"
  awk -v ticks="$(($(cpu_ticks "$2") - before))" -v tick="$tick" \
      -v emulator="$(awk -v a="$(children_cpu "$work/times.before")" -v b="$(children_cpu "$work/times.after")" \
          'BEGIN {print b - a}')" '
      / registrations \(REGISTER/ {count = $1}
      /^result registers_per_second=/ {split($0, kv, "="); rate = kv[2]}
      END {printf "%s %.1f %.1f\n", rate, (count > 0 ? ticks * 1e6 / tick / count : 0),
           (count > 0 ? emulator * 1e6 / count : 0)}' <<<"$out"
}
settle() { # pid: a JVM collects its garbage first, so heap slack is not counted as connections
  if [ "$(cat "/proc/$1/comm")" = java ]; then jcmd "$1" GC.run >/dev/null 2>&1 || true; sleep 1; fi
}
hold() { # port pid: prints "held kib-per-connection"
  local base out got
  settle "$2"
  base="$(pss_kib "$2")"
  register "$1" --count "$held" --rate "$rate" --hold "$hold" --local-addresses 127.50.0.0/16 >"$work/hold.out" &
  local emulator=$!
  for _ in $(seq $((held / rate * 4 + 120))); do grep -q '^holding' "$work/hold.out" && break; sleep 0.5; done
  sleep 2
  settle "$2"
  out="$(pss_kib "$2")"
  wait "$emulator" || true
  got="$(awk -F= '/^result held=/ {print $2}' "$work/hold.out")"
  awk -v b="$base" -v a="$out" -v n="${got:-0}" 'BEGIN {printf "%d %.1f\n", n, (n > 0 ? (a - b) / n : 0)}'
}
measure_all() { # label port pid
  local i
  # Warm-up, the same for both: the hub is a long-running JVM whose compiler needs tens of seconds of
  # this load before it runs at its pace (a cold hub is what bench/bootstorm.sh measures).
  register "$2" --flows "$flows" --duration "$warmup" --local-addresses 127.60.0.0/16 >/dev/null || true
  for i in $(seq "$runs"); do echo "rate $(throughput "$2" "$3")"; done > "$work/$1.rates"
  for i in $(seq "$runs"); do echo "hold $(hold "$2" "$3")"; done > "$work/$1.holds"
  echo "$1: REGISTERs per second $(awk '{printf "%s ", $2}' "$work/$1.rates");" \
      "server CPU per registration, µs: $(awk '{printf "%s ", $3}' "$work/$1.rates");" \
      "emulator CPU per registration, µs: $(awk '{printf "%s ", $4}' "$work/$1.rates");" \
      "held, KiB per connection: $(awk '{printf "%s %s; ", $2, $3}' "$work/$1.holds")"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), \
$(java -version 2>&1 | head -1), $(kamailio -v | head -1)"
echo "accounts: $held provisioned in $(awk '/^done in/ {print $3, $4}' "$work/fleet.out" | tr -d :)"
echo "runs: $runs (median); REGISTERs over $flows TLS flows for $seconds s; $held phones at $rate/s held $hold s; hub TLS provider $tls_provider; phones' TLS $phone_tls"
measure_all hub "$hub_sip" "$hub_pid"
stop "$hub_pid"; hub_pid=""

# Kamailio: the same certificate, the same accounts in a db_text subscriber table, MD5 digest
# with qop=auth and nonce-count checks as the hub does, bindings in memory.
kamailio_start "$work" "$kamailio_sip" "$work/accounts" "$home/pki/server.pem" "$home/pki/server.key" localhost
measure_all kamailio "$kamailio_sip" "$kamailio_pid"

ratio() { awk -v h="$1" -v k="$2" 'BEGIN {printf "%.2f", (k > 0 ? h / k : 0)}'; }
hub_rate="$(awk '{print $2}' "$work/hub.rates" | median)"
kam_rate="$(awk '{print $2}' "$work/kamailio.rates" | median)"
hub_held="$(awk '{print $2}' "$work/hub.holds" | median)"
kam_held="$(awk '{print $2}' "$work/kamailio.holds" | median)"
hub_kib="$(awk '{print $3}' "$work/hub.holds" | median)"
kam_kib="$(awk '{print $3}' "$work/kamailio.holds" | median)"
printf '%-40s hub %9s  kamailio %9s  ratio %s\n' "REGISTER with digest over TLS, per s" "$hub_rate" "$kam_rate" \
    "$(ratio "$hub_rate" "$kam_rate")"
hub_cpu="$(awk '{print $3}' "$work/hub.rates" | median)"
kam_cpu="$(awk '{print $3}' "$work/kamailio.rates" | median)"
# Lower is better here, so the ratio is Kamailio/hub: above 1 still means the hub is ahead.
printf '%-40s hub %9s  kamailio %9s  ratio %s\n' "server CPU per registration, µs" "$hub_cpu" "$kam_cpu" \
    "$(ratio "$kam_cpu" "$hub_cpu")"
hub_emulator="$(awk '{print $4}' "$work/hub.rates" | median)"
kam_emulator="$(awk '{print $4}' "$work/kamailio.rates" | median)"
# The emulator shares the two cores: what it spends a registration against each server is CPU that
# server's registrations cannot have, so the rates depend on it as well as on the servers' own.
printf '%-40s hub %9s  kamailio %9s  ratio %s\n' "emulator CPU per registration, µs" "$hub_emulator" \
    "$kam_emulator" "$(ratio "$kam_emulator" "$hub_emulator")"
printf '%-40s hub %9s  kamailio %9s  ratio %s\n' "phones held with keepalives (of $held)" "$hub_held" "$kam_held" \
    "$(ratio "$hub_held" "$kam_held")"
printf '%-40s hub %9s  kamailio %9s  ratio %s\n' "resident memory per connection, KiB" "$hub_kib" "$kam_kib" \
    "$(ratio "$hub_kib" "$kam_kib")"
