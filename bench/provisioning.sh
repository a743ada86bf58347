#!/usr/bin/env bash
# Provisioning against nginx, on this machine, in one run: configuration fetches over kept-alive
# mutual TLS, full handshakes (a boot storm), and firmware download throughput. nginx serves the
# same configuration document as a static file with ssl_verify_client on and the same TLS
# settings, so the difference is the hub's work per request (validation, lookup, rendering).
# Last, one phone's discovery on a new connection, as after a reboot: its median time in ms.
#
#   bench/provisioning.sh [--quick] [--runs N] [--warmup SECONDS] [--jfr FILE] [--tls tcnative|conscrypt|jdk]
# Prints one line per measure with the median of the runs and the ratio hub/nginx, and for the two
# request rates a second line with the median server CPU a request (user and system, from /proc).
# --jfr records the hub's JVM with Flight Recorder (profile settings) into FILE, read it with
# `jfr print --events jdk.ExecutionSample FILE` or `jfr summary FILE`.
# --tls runs the hub's HTTPS ports on that provider (the setting tlsProvider; default tcnative, as the hub's).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=3 requests=100000 handshakes=2000 firmware_mib=64 concurrency=16 jfr="" lookups=50 warmup=20 tls_provider=tcnative
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=1 requests=2000 handshakes=200 firmware_mib=8 lookups=20 warmup=8; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --jfr) jfr="$(realpath -m "$2")"; shift 2 ;;
    --tls) tls_provider="$2"; shift 2 ;;
    *) echo "usage: bench/provisioning.sh [--quick] [--runs N] [--warmup SECONDS] [--jfr FILE] [--tls tcnative|conscrypt|jdk]" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
missing=()
need nginx nginx-light; need ab apache2-utils; need curl curl; need openssl openssl
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# shellcheck source=lib/hub.sh
. "$repo/bench/lib/hub.sh"
hub_pid="" nginx_pid=""
bench_scratch hub_pid nginx_pid

home="$work/var"
mac=00809faabbcc
"$repo/scripts/hub" pki init --home "$home" >/dev/null
# ab sends everything from one address; the per-address limit stands for a NAT of phones, not a load tool.
printf 'deviceRequestsPerSecond: 1000000\ntlsProvider: %s\n' "$tls_provider" > "$home/hub.yaml"
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-}${jfr:+ -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$jfr}" \
"$repo/scripts/hub" start --home "$home" --bind 127.0.0.1 --https-port 18500 --admin-port 18501 \
    --sip-tls-port 0 --web-port 0 >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!
for _ in $(seq 120); do grep -q '^ready' "$work/hub.out" 2>/dev/null && break; sleep 0.5; done
grep -q '^ready' "$work/hub.out" || { echo "bench: the hub did not start" >&2; cat "$work/hub.err" >&2; exit 1; }

"$repo/scripts/hub" pki device-cert --home "$home" --mac "$mac" --model "Myriad M7" --out "$work/phone" >/dev/null
cat "$work/phone/cert.pem" "$work/phone/key.pem" > "$work/phone/both.pem"
admin=(--home "$home" --admin-url https://127.0.0.1:18501/)
"$repo/scripts/hub" device enroll "${admin[@]}" --mac "$mac" --model "Myriad M7" --extension 1001 >/dev/null
head -c "$((firmware_mib * 1024 * 1024))" /dev/urandom > "$work/firmware.bin"
"$repo/scripts/hub" firmware upload "${admin[@]}" --model "Myriad M7" --version 9.9 "$work/firmware.bin" >/dev/null
"$repo/scripts/hub" firmware target "${admin[@]}" --model "Myriad M7" --version 9.9 >/dev/null

tls=(--cacert "$home/pki/ca.pem" --cert "$work/phone/cert.pem" --key "$work/phone/key.pem")
mkdir -p "$work/www/prov/v1/config" "$work/www/prov/v1/firmware"
curl -sS --fail "${tls[@]}" "https://localhost:18500/prov/v1/config/$mac.xml" > "$work/www/prov/v1/config/$mac.xml"
mkdir -p "$work/www/rdd/v1"
curl -sS --fail "${tls[@]}" "https://localhost:18500/rdd/v1/discovery" > "$work/www/rdd/v1/discovery"
cp "$work/firmware.bin" "$work/www/prov/v1/firmware/image.bin"
chmod -R a+rX "$work/www" "$home/pki/dev-manufacturer-ca.pem"

# shellcheck source=lib/nginx.sh
. "$repo/bench/lib/nginx.sh"
nginx_start "$work" 18600 "$home"
for _ in $(seq 50); do curl -s -o /dev/null "${tls[@]}" "https://localhost:18600/prov/v1/config/$mac.xml" && break; sleep 0.2; done

tick="$(getconf CLK_TCK)"
rps() { # url keepalive count server-pid: the rate on stdout, the server's CPU a request (µs) appended to $work/cpu-PID
  local keep=() out before
  [ "$2" = yes ] && keep=(-k)
  before="$(cpu_ticks "$4")"
  out="$(ab -q "${keep[@]}" -n "$3" -c "$concurrency" -E "$work/phone/both.pem" "$1" 2>&1 || true)"
  awk -v ticks="$(($(cpu_ticks "$4") - before))" -v tick="$tick" '/^Complete requests/ && $3 > 0 {
      printf "%.1f\n", ticks * 1000000 / tick / $3 }' <<<"$out" >> "$work/cpu-$4"
  grep -q "^Non-2xx responses" <<<"$out" && { echo "bench: non-2xx answers from $1" >&2; echo 0; return; }
  awk '/^Requests per second/ {print $4}' <<<"$out"
}
mibps() { # url: the mean of 5 downloads, one download being a tenth of a second
  for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{speed_download}\n' "${tls[@]}" "$1"; done \
      | awk '{sum += $1} END {printf "%.1f", sum / NR / 1048576}'
}
median() { sort -g | awk 'NF {a[++n] = $1} END {print a[int((n + 1) / 2)]}'; }
discovery_ms() { # url: one phone's discovery, a new connection and full handshake each time (curl, a native client)
  for _ in $(seq "$lookups"); do curl -s -o /dev/null -w '%{time_total}\n' "${tls[@]}" "$1"; done \
      | awk '{printf "%.1f\n", $1 * 1000}' | median
}
measure() { # name unit hub-command nginx-command; the runs on stderr, the medians on stdout
  local hub nginx hub_runs nginx_runs hub_cpu nginx_cpu
  # One run of each server is not counted: the hub's compiler still finishes the methods of this
  # kind of request there (the warm-up's other kinds kept its queue busy; that run costs the hub
  # about half again the CPU a request of the next ones), and nginx gets the same run.
  # The counted runs alternate, hub then nginx, so that a machine growing slower or faster during
  # the measure (it is shared) weighs on both alike.
  eval "$3" >/dev/null; eval "$4" >/dev/null; : > "$work/cpu-$hub_pid"; : > "$work/cpu-$nginx_pid"
  hub_runs="" nginx_runs=""
  for _ in $(seq "$runs"); do
    hub_runs+="$(eval "$3")"$'\n'
    nginx_runs+="$(eval "$4")"$'\n'
  done
  hub_cpu="$(cat "$work/cpu-$hub_pid")"
  nginx_cpu="$(cat "$work/cpu-$nginx_pid")"
  echo "$1, runs: hub $(tr '\n' ' ' <<<"$hub_runs")nginx $(tr '\n' ' ' <<<"$nginx_runs")" >&2
  hub="$(median <<<"$hub_runs")"
  nginx="$(median <<<"$nginx_runs")"
  printf '%-34s hub %10s %-6s nginx %10s %-6s ratio %s\n' "$1" "$hub" "$2" "$nginx" "$2" \
      "$(awk -v h="$hub" -v n="$nginx" 'BEGIN {printf "%.2f", (n > 0 ? h / n : 0)}')"
  [ -n "$hub_cpu" ] || return 0
  # The rate depends on how the two cores are shared with ab at that moment; the server's own CPU
  # a request is steadier. Lower is better, so the ratio is nginx/hub: above 1 means the hub spends less.
  echo "$1, server CPU a request (µs), runs: hub $(tr '\n' ' ' <<<"$hub_cpu")nginx $(tr '\n' ' ' <<<"$nginx_cpu")" >&2
  hub_cpu="$(median <<<"$hub_cpu")"
  nginx_cpu="$(median <<<"$nginx_cpu")"
  printf '%-34s hub %10s %-6s nginx %10s %-6s ratio %s\n' "  server CPU a request" "$hub_cpu" "µs" "$nginx_cpu" \
      "µs" "$(awk -v h="$hub_cpu" -v n="$nginx_cpu" 'BEGIN {printf "%.2f", (h > 0 ? n / h : 0)}')"
}

config="/prov/v1/config/$mac.xml"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "runs: $runs (median), concurrency $concurrency, hub TLS provider $tls_provider"
# Warm-up, the same for both servers: the hub is a long-running JVM whose compiler needs many
# thousands of requests of each kind before it runs at its pace (2,000 left it at a third of it),
# and a few downloads before it streams firmware at its pace. Handshakes get a time of their own:
# the handshake path is compiled in full only after about 15,000 of them (the hub's CPU per
# handshake fell from 1.3 ms to 0.4-0.55 ms over the first 20,000), and 1,000 left it half-way.
warm() { # base-url firmware-path
  ab -q -k -t "$warmup" -n 10000000 -c "$concurrency" -E "$work/phone/both.pem" "$1$config" >/dev/null 2>&1 || true
  ab -q -t "$warmup" -n 10000000 -c "$concurrency" -E "$work/phone/both.pem" "$1$config" >/dev/null 2>&1 || true
  mibps "$1$2" >/dev/null
}
hub_firmware="/prov/v1/firmware/Myriad%20M7/9.9" nginx_firmware="/prov/v1/firmware/image.bin"
warm https://localhost:18500 "$hub_firmware"
warm https://localhost:18600 "$nginx_firmware"
measure "config, kept-alive mTLS" "req/s" "rps https://localhost:18500$config yes $requests $hub_pid" \
    "rps https://localhost:18600$config yes $requests $nginx_pid"
measure "config, new handshake each" "req/s" "rps https://localhost:18500$config no $handshakes $hub_pid" \
    "rps https://localhost:18600$config no $handshakes $nginx_pid"
measure "firmware download ($firmware_mib MiB)" "MiB/s" "mibps https://localhost:18500$hub_firmware" \
    "mibps https://localhost:18600$nginx_firmware"
# Lower is better here, so the ratio is nginx/hub: above 1 still means the hub is faster.
hub_ms="$(for _ in $(seq "$runs"); do discovery_ms https://localhost:18500/rdd/v1/discovery; done | median)"
nginx_ms="$(for _ in $(seq "$runs"); do discovery_ms https://localhost:18600/rdd/v1/discovery; done | median)"
printf '%-34s hub %10s %-6s nginx %10s %-6s ratio %s\n' "one discovery, new handshake" "$hub_ms" "ms" "$nginx_ms" \
    "ms" "$(awk -v h="$hub_ms" -v n="$nginx_ms" 'BEGIN {printf "%.2f", (h > 0 ? n / h : 0)}')"
echo "hub resident memory after the run: $(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' /proc/"$hub_pid"/status)"
