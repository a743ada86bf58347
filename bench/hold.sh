#!/usr/bin/env bash
# Holding phones: N registered phones with CRLF keepalives (RFC 5626) held by the hub, then by
# Kamailio, in one run, with the same accounts, certificate and emulator. Each phone is its own
# SIP-TLS connection from its own loopback address (127.64.0.0/10, so no per-address limit and no
# ephemeral port exhaustion), registers with digest, then only sends keepalives.
#
#   bench/hold.sh [--phones N] [--quick] [--rate R] [--provision-rate R] [--emulators P] [--loops L] [--idle SECONDS]
#                 [--histogram FILE] [--jfr FILE] [--only hub|kamailio] [--tls tcnative|conscrypt|jdk]
# --rate is the phones offered per second over SIP, --provision-rate the accounts provisioned per
# second before (each a mutual-TLS boot: discovery, configuration, status).
# Reports per server: phones held, time until all were registered, resident memory of the server
# (RSS of its main process and PSS of it with its children, as bench/registrar.sh), the growth per
# held connection, and its CPU over --idle seconds of holding (keepalives only); then ratios
# hub/Kamailio. --histogram writes the hub's heap histogram (jcmd GC.class_histogram) taken with all
# phones held. --tls runs the hub's TLS, HTTPS and SIP, on that provider (the settings tlsProvider
# and sipTlsProvider; default tcnative, the hub's; Conscrypt holds three descriptors per
# connection). Run it niced on a shared machine: nice -n 10 bench/hold.sh ...
#
# The open-file limit bounds N: each held phone is one descriptor in the server (three on Conscrypt)
# and one in an emulator. The script raises the soft limit to the hard one; the emulator's phones are split over P
# processes so that none of them needs more than its limit.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
phones=10000 rate=200 provision_rate=20 emulators=2 loops=2 idle=30 histogram="" jfr="" only="" tls_provider=tcnative
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) phones=500 rate=25 idle=10; shift ;;
    --phones) phones="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --provision-rate) provision_rate="$2"; shift 2 ;;
    --emulators) emulators="$2"; shift 2 ;;
    --loops) loops="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --histogram) histogram="$(realpath -m "$2")"; shift 2 ;;
    --jfr) jfr="$(realpath -m "$2")"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --tls) tls_provider="$2"; shift 2 ;;
    *) echo "usage: bench/hold.sh [--phones N] [--quick] [--rate R] [--provision-rate R] [--emulators P] [--loops L] [--idle S]" \
            "[--histogram FILE] [--jfr FILE] [--only hub|kamailio] [--tls tcnative|conscrypt|jdk]" >&2; exit 2 ;;
  esac
done
# The hub keeps at most 10 contacts per AOR: ten phones share an account, as desk phones of one
# extension would.
accounts=$(( (phones + 9) / 10 ))
[ $((accounts % emulators)) -eq 0 ] || accounts=$(( (accounts / emulators + 1) * emulators ))

# shellcheck source=lib/kamailio.sh
. "$repo/bench/lib/kamailio.sh"
kamailio_install
ulimit -n "$(ulimit -Hn)"
limit="$(ulimit -n)"
if [ "$phones" -gt $((limit - 500)) ]; then
  echo "bench: $phones phones need as many descriptors in the server; the limit here is $limit" \
       "(hard; raising it needs CAP_SYS_RESOURCE)" >&2
  exit 2
fi
if [ $((phones / emulators)) -gt $((limit - 500)) ]; then
  echo "bench: $((phones / emulators)) phones per emulator exceed the limit $limit; use more --emulators" >&2
  exit 2
fi

# shellcheck source=lib/hub.sh
. "$repo/bench/lib/hub.sh"
hub_pid="" kamailio_pid=""
bench_scratch hub_pid kamailio_pid

home="$work/var"
hub_sip=18571 kamailio_sip=18572
# The jar as built now, copied, so that sources edited during a long run do not stop it.
[ -f "$repo/hub-app/target/hub.jar" ] || { echo "bench: build hub-app/target/hub.jar first" >&2; exit 2; }
mkdir -p "$work/dist" && cp -r "$repo/hub-app/target/hub.jar" "$repo/hub-app/target/lib" "$work/dist/"
# shellcheck disable=SC2086 # HUB_JAVA_OPTS is a list of options
hub() { java ${HUB_JAVA_OPTS:-} -jar "$work/dist/hub.jar" "$@"; }
hub pki init --home "$home" >/dev/null
# The load re-registers an account's ten phones within a second, above a phone's pace: the per-AOR
# cap is lifted; the connection cap is set above the phones.
printf 'deviceRequestsPerSecond: 1000000\nsipKeepaliveSeconds: 30\nsipRegistersPerAorPerSecond: 1000\nsipMaxConnections: %d\ntlsProvider: %s\nsipTlsProvider: %s\n' \
    $((phones + 1000)) "$tls_provider" "$tls_provider" > "$home/hub.yaml"
# Started with exec, so that $! is the JVM itself (its RSS, jcmd).
# shellcheck disable=SC2086 # HUB_JAVA_OPTS is a list of options
exec_hub() { exec java ${HUB_JAVA_OPTS:-} ${jfr:+-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$jfr} \
    -jar "$work/dist/hub.jar" "$@"; }
exec_hub start --home "$home" --bind 127.0.0.1 --https-port 18553 --admin-port 18554 \
    --sip-tls-port "$hub_sip" --web-port 0 >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!
for _ in $(seq 240); do grep -q '^ready' "$work/hub.out" 2>/dev/null && break; sleep 0.5; done
grep -q '^ready' "$work/hub.out" || { echo "bench: the hub did not start" >&2; cat "$work/hub.err" >&2; exit 1; }

# The accounts: enrolled phones (CSV import through the admin API) that learn their passwords by
# provisioning with their certificates, as real ones do.
{ echo "action,macAddress,deviceType,extension"
  for i in $(seq 1 "$accounts"); do printf 'create,00809f%06x,Myriad M7,%d\n' "$i" $((200000 + i)); done
} > "$work/phones.csv"
hub device import --home "$home" --admin-url https://127.0.0.1:18554/ "$work/phones.csv" >/dev/null
hub phone fleet --home "$home" --hub https://localhost:18553 --count "$accounts" --rate "$provision_rate" --provision-only \
    --attempts 8 --timeout 20 --first-mac 00809f000001 --local-addresses 127.30.0.0/16 \
    --accounts-out "$work/accounts" >"$work/fleet.out" || true
made="$(wc -l < "$work/accounts" 2>/dev/null || echo 0)"
if [ "$made" -lt "$accounts" ]; then
  echo "bench: provisioning made $made accounts of $accounts" >&2; tail -20 "$work/fleet.out" >&2; exit 1
fi
# One slice of accounts per emulator process, ten phones per account in each.
split -n "l/$emulators" -d "$work/accounts" "$work/accounts."

pss_kib() { # pid: proportional set size of the process and its children, KiB
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
settle() { # pid: a JVM collects its garbage first, so heap slack is not counted as connections
  if [ "$(cat "/proc/$1/comm")" = java ]; then jcmd "$1" GC.run >/dev/null 2>&1 || true; sleep 2; fi
}
now() { date +%s.%N; }

hold() { # label port pid
  local label="$1" port="$2" pid="$3" base_pss base_rss started e per hold_s pids=() out
  per=$((phones / emulators))
  # The phones hold until the measures are taken: ramp, settle, idle window, histogram.
  hold_s=$((idle + 60))
  settle "$pid"
  base_pss="$(pss_kib "$pid")" base_rss="$(rss_kib "$pid")"
  if [ "$label" = hub ] && [ -n "$histogram" ]; then jcmd "$pid" GC.class_histogram > "$histogram.before" 2>&1 || true; fi
  started="$(now)"
  for e in $(seq 0 $((emulators - 1))); do
    hub phone register --home "$home" --registrar "127.0.0.1:$port" --server-name localhost --domain localhost \
        --accounts "$work/accounts.0$e" --digest md5 --keepalive 30 --expires 3600 --loops "$loops" \
        --count "$per" --rate "$(awk -v r="$rate" -v p="$emulators" 'BEGIN {print r / p}')" --hold "$hold_s" \
        --progress --local-addresses "127.$((64 + e)).0.0/16" >"$work/$label.emulator$e" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq $((per * emulators * 4 / rate * 2 + 600))); do
    [ "$(cat "$work/$label".emulator* | grep -c '^holding')" -ge "$emulators" ] && break; sleep 0.5
  done
  local registered_s
  registered_s="$(awk -v a="$started" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}')"
  sleep 2
  # Idle: only keepalives (one per phone per ~30 s) and nothing else on the server.
  local t0 t1 c0 c1 e0 e1
  e0=0; for e in "${pids[@]}"; do e0=$((e0 + $(cpu_ticks "$e"))); done
  t0="$(now)" c0="$(cpu_ticks "$pid")"
  sleep "$idle"
  t1="$(now)" c1="$(cpu_ticks "$pid")"
  e1=0; for e in "${pids[@]}"; do e1=$((e1 + $(cpu_ticks "$e"))); done
  settle "$pid"
  local pss rss held
  pss="$(pss_kib "$pid")" rss="$(rss_kib "$pid")"
  if [ "$label" = hub ] && [ -n "$histogram" ]; then
    jcmd "$pid" GC.class_histogram > "$histogram" 2>&1 || true
    # What the held phones added, by class: bytes per held connection, largest first.
    awk -v n="$phones" 'NR == FNR && $1 ~ /^[0-9]+:$/ {before[$4] = $3; next}
        $1 ~ /^[0-9]+:$/ {d = $3 - before[$4]; if (d > 0) printf "%10.1f %s\n", d / n, $4}' \
        "$histogram.before" "$histogram" | sort -rn > "$histogram.per-connection" || true
  fi
  for e in "${pids[@]}"; do wait "$e" || true; done
  held="$(cat "$work/$label".emulator* | awk -F= '/^result held=/ {s += $2} END {print s + 0}')"
  local keepalives
  keepalives="$(cat "$work/$label".emulator* | awk '/keepalives answered/ {s += $(NF - 2)} END {print s + 0}')"
  local hz; hz="$(getconf CLK_TCK)"
  awk -v l="$label" -v h="$held" -v n="$phones" -v r="$registered_s" -v bp="$base_pss" -v p="$pss" \
      -v br="$base_rss" -v rr="$rss" -v c="$((c1 - c0))" -v ec="$((e1 - e0))" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
      -v hz="$hz" -v k="$keepalives" 'BEGIN {
        printf "%s held=%d of=%d registered_s=%s rss_mib=%.0f pss_mib=%.0f rss_kib_per=%.1f pss_kib_per=%.1f idle_cpu_pct=%.2f emulator_idle_cpu_pct=%.2f keepalives=%d\n",
          l, h, n, r, rr / 1024, p / 1024, (h > 0 ? (rr - br) / h : 0), (h > 0 ? (p - bp) / h : 0),
          100 * c / hz / t, 100 * ec / hz / t, k }'
  grep -h "failed:" "$work/$label".emulator* | sed "s/^/  $label /" >&2 || true
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), \
$(java -version 2>&1 | head -1), $(kamailio -v | head -1), open files $limit, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "phones: $phones on $made accounts, offered at $rate/s by $emulators emulator processes of $loops loops;" \
     "idle window $idle s"
[ "$only" = kamailio ] || hold hub "$hub_sip" "$hub_pid" | tee "$work/hub.line"
stop "$hub_pid"; hub_pid=""
[ "$only" != hub ] || exit 0

# Kamailio: the same certificate and accounts, bindings in memory; shared memory sized for the
# phones' TLS state (its OpenSSL allocations live there).
KAMAILIO_SHM_MB=$(( 2048 + phones / 8 )) KAMAILIO_MAX_CONNECTIONS=$((phones + 1000)) \
  kamailio_start "$work" "$kamailio_sip" "$work/accounts" "$home/pki/server.pem" "$home/pki/server.key" localhost
# Its first process, which the others are children of, whatever $! named.
kamailio_pid="$(pgrep -o -f "$work/kamailio.cfg")"
hold kamailio "$kamailio_sip" "$kamailio_pid" | tee "$work/kamailio.line"
kill -0 "$kamailio_pid" 2>/dev/null || { echo "bench: kamailio exited during the run:" >&2; tail -5 "$work/kamailio.log" >&2; }

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$work/$1.line" 2>/dev/null || true; }
ratio() { awk -v h="$1" -v k="$2" 'BEGIN {printf "%.2f", (k > 0 ? h / k : 0)}'; }
for f in held registered_s rss_mib pss_mib rss_kib_per pss_kib_per idle_cpu_pct; do
  printf '%-22s hub %10s  kamailio %10s  hub/kamailio %s\n' "$f" "$(field hub "$f")" "$(field kamailio "$f")" \
      "$(ratio "$(field hub "$f")" "$(field kamailio "$f")")"
done
