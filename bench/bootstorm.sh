#!/usr/bin/env bash
# A site's boot storm, on this machine, in one run: N enrolled phones power on as after a power cut
# (the phone emulator, `hub phone fleet`, with a real phone's retries and backoff, each phone on its
# own loopback address, one kept-alive HTTPS connection for discovery, configuration and status,
# then SIP-TLS registration with digest and keepalives), against the hub, then the same phones
# against the anchor pair: nginx serving the same discovery and configuration documents as static
# files with mutual TLS, and Kamailio as the registrar with the same kind of accounts. The phones'
# factory certificates are made before both storms (`hub phone fleet --certificates-only`).
#
#   bench/bootstorm.sh [--quick] [--phones N] [--rate R] [--jfr FILE] [--tls tcnative|conscrypt|jdk]
#                      [--sip-tls tcnative|conscrypt|jdk] [--phone-tls conscrypt|jdk] [--emulators E]
#                      [--attempts A] [--timeout S] [--handshakes-in-flight C] [--warmup W] [--only hub]
#
# Prints, per side: the time until every phone was registered, how many registered, the p50/p99 of
# each step, retries and failures by cause, and the CPU seconds of the server(s) and of the emulator
# (so it shows when the emulator, not the server, is the limit); then the ratios hub/anchor. The hub's
# side is printed as soon as its storm is over. A server that dies during its storm (Kamailio under TLS
# load, see bench/RESULTS.md) has its phones stopped at once and is reported, without ratios.
# --quick: 300 phones at 100/s, to show that everything works. Before the storm, a few hundred other
# phones boot against the hub so that its JVM is warm, as a hub that was running when the site lost
# power is. --jfr records the hub's JVM with Flight Recorder (profile settings) into FILE. --tls runs
# the hub's HTTPS on that provider (the setting tlsProvider), --sip-tls its SIP (sipTlsProvider); both
# default to tcnative, as the hub's settings do.
# --phone-tls is the TLS the emulated phones speak (`hub phone fleet --tls`; default conscrypt, since
# on the JDK's the emulator spent more CPU on its handshakes than the hub did on the whole boot).
# --emulators splits the phones over E emulator processes (default one per 2,500 phones): a phone
# on Conscrypt holds three descriptors per connection, up to six while its HTTPS and SIP connections
# are both open, and one process may open at most the hard open-file limit (20,000 here); 3,000
# phones in one process ran out of descriptors in a storm against the anchor.
# --attempts and --timeout are each phone's attempts per step (default 30) and seconds per attempt
# (default 20): patient phones, so the time until all are registered is measured; a desk phone's own
# are about 4 and 10. --handshakes-in-flight sets the hub's httpHandshakesInFlight (default none).
# --warmup is how many other phones boot against the hub before the storm (default 500, --quick 100);
# the hub's report says how much of its CPU in the storm its JIT compiler took, so a hub still
# compiling shows as such.
# --only hub runs the hub's storm alone, without the anchor's (no ratios then).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
phones=10000 rate=500 attempts=30 warmup=500 jfr="" tls_provider=tcnative sip_tls=tcnative phone_tls=conscrypt emulators=""
only="" timeout=20 handshakes=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) phones=300 rate=100 warmup=100; shift ;;
    --phones) phones="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --jfr) jfr="$(realpath -m "$2")"; shift 2 ;;
    --tls) tls_provider="$2"; shift 2 ;;
    --sip-tls) sip_tls="$2"; shift 2 ;;
    --phone-tls) phone_tls="$2"; shift 2 ;;
    --emulators) emulators="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --attempts) attempts="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --handshakes-in-flight) handshakes="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    *) echo "usage: bench/bootstorm.sh [--quick] [--phones N] [--rate R] [--jfr FILE] [--tls tcnative|conscrypt|jdk]" \
            "[--sip-tls tcnative|conscrypt|jdk] [--phone-tls conscrypt|jdk] [--emulators E] [--attempts A] [--timeout S]" \
            "[--handshakes-in-flight C] [--warmup W] [--only hub]" >&2; exit 2 ;;
  esac
done
emulators="${emulators:-$(((phones + 2499) / 2500))}"
case "$only" in ""|hub) ;; *) echo "bench: --only takes hub" >&2; exit 2 ;; esac

need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
missing=()
need nginx nginx-light; need curl curl
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# shellcheck source=lib/kamailio.sh
. "$repo/bench/lib/kamailio.sh"
kamailio_install
ulimit -n "$(ulimit -Hn)"

# shellcheck source=lib/hub.sh
. "$repo/bench/lib/hub.sh"
hub_jar_fresh "$repo"

hub_pid="" nginx_pid="" kamailio_pid=""
bench_scratch hub_pid nginx_pid kamailio_pid

hub() { HUB_NO_BUILD=1 "$repo/scripts/hub" "$@"; }
home="$work/var"
https=18710 admin=18711 sip=18712 nginx_port=18720 kamailio_sip=18722
first=1
mac() { printf '00809d%06x' "$1"; }

hub pki init --home "$home" >/dev/null
printf 'sipKeepaliveSeconds: 30\ntlsProvider: %s\nsipTlsProvider: %s\nhttpHandshakesInFlight: %s\n' "$tls_provider" \
    "$sip_tls" "$handshakes" > "$home/hub.yaml"
# Started without the function, so that $! is the hub (scripts/hub execs java) and kill reaches it.
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-}${jfr:+ -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$jfr}" \
HUB_NO_BUILD=1 "$repo/scripts/hub" start --home "$home" --bind 127.0.0.1 --https-port "$https" --web-port 0 \
    --admin-port "$admin" --sip-tls-port "$sip" >"$work/server.out" 2>"$work/server.err" &
hub_pid=$!
for _ in $(seq 120); do grep -q '^ready' "$work/server.out" 2>/dev/null && break; sleep 0.5; done
grep -q '^ready' "$work/server.out" || { echo "bench: the hub did not start" >&2; cat "$work/server.err" >&2; exit 1; }
{ echo "action,macAddress,deviceType,extension"
  for i in $(seq "$first" "$phones"); do echo "create,$(mac "$i"),Myriad M7,$((100000 + i))"; done
  for i in $(seq 1 "$warmup"); do printf 'create,00809c%06x,Myriad M7,%d\n' "$i" $((200000 + i)); done
} > "$work/phones.csv"
hub device import --home "$home" --admin-url "https://127.0.0.1:$admin/" "$work/phones.csv" >/dev/null

tick="$(getconf CLK_TCK)"
storm() { # label url first-octet server-pids...: one boot storm over the emulators, reports in $work/LABEL.E.out
  local label="$1" url="$2" octet="$3"; shift 3
  local before after jit_before e start count share children=()
  before="$(cpu_ticks "$@")" jit_before="$(jit_ticks "$1")"
  TIMEFORMAT='%U %S'
  share=$(((phones + emulators - 1) / emulators))
  for ((e = 0; e < emulators; e++)); do
    start=$((first + e * share)) count=$((phones - e * share < share ? phones - e * share : share))
    [ "$count" -gt 0 ] || break
    # Each emulator its own block of source addresses and its share of the rate.
    { time hub phone fleet --home "$home" --hub "$url" --count "$count" --tls "$phone_tls" \
        --rate "$(awk -v r="$rate" -v n="$emulators" 'BEGIN {print r / n}')" --first-mac "$(mac "$start")" \
        --local-addresses "127.$((octet + e)).0.0/16" --attempts "$attempts" --timeout "$timeout" --cert-dir "$work/certs" \
        >"$work/$label.$e.out" 2>"$work/$label.$e.err" || true; } 2>"$work/$label.$e.time" &
    children+=($!)
  done
  # At most as long as the slowest phone may take: its power-on, then every attempt of its six steps.
  watch_servers "$label" "$((phones / (${rate%.*} > 0 ? ${rate%.*} : 1) + attempts * timeout * 6 + 60))" \
      "${children[*]}" "$@"
  wait "${children[@]}"
  after="$(cpu_ticks "$@")"
  awk -v b="$before" -v a="$after" -v t="$tick" 'BEGIN {printf "%.1f\n", (a - b) / t}' > "$work/$label.cpu"
  awk -v b="$jit_before" -v a="$(jit_ticks "$1")" -v t="$tick" 'BEGIN {printf "%.1f\n", (a - b) / t}' > "$work/$label.jit"
}
watch_servers() { # label max-seconds "emulator-pids" server-pids...: stops the emulators if a server dies
  # A server that died (Kamailio's TLS crash, see RESULTS) would leave its phones retrying every
  # step until their attempts run out; its emulators are stopped at once and the death reported.
  local label="$1" limit="$2" emulator_pids="$3" pid s running; shift 3
  for ((s = 0; s < limit; s++)); do
    running=""
    for pid in $emulator_pids; do kill -0 "$pid" 2>/dev/null && running=yes; done
    [ -n "$running" ] || return 0
    for pid in "$@"; do
      kill -0 "$pid" 2>/dev/null && continue
      echo "$label: a server (pid $pid) died during the storm; its phones were stopped" | tee "$work/$label.died" >&2
      pkill -P "$(tr ' ' ',' <<<"$emulator_pids")" || true
      return 0
    done
    sleep 1
  done
}
jit_ticks() { # pid: CPU ticks of a JVM's JIT compiler threads (none for another process)
  local total=0 task
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) total=$((total + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$total"
}

# The phones' factory certificates, made before either storm: a phone has its certificate before it
# boots, and issuing them during the storm was a third of the emulator's CPU.
hub phone fleet --home "$home" --count "$phones" --first-mac "$(mac "$first")" --cert-dir "$work/certs" \
    --certificates-only >/dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), \
$(java -version 2>&1 | head -1), $(nginx -v 2>&1), $(kamailio -v | head -1)"
echo "storm: $phones phones powered on at $rate/s, up to $attempts attempts of $timeout s a step; hub TLS provider $tls_provider," \
    "SIP $sip_tls; phones' TLS $phone_tls, over $emulators emulator process(es)"
# The hub has run for a while before a site loses power: its JVM has compiled its hot paths. Other
# phones boot first so that the storm does not measure a cold JVM (nginx and Kamailio need none).
hub phone fleet --home "$home" --hub "https://localhost:$https" --count "$warmup" --rate 50 --tls "$phone_tls" \
    --first-mac 00809c000001 --local-addresses 127.29.0.0/16 --attempts "$attempts" >"$work/warmup.out" 2>&1 || true
echo "warm-up: $(grep '^done in' "$work/warmup.out" || echo "no result")"
storm hub "https://localhost:$https" 40 "$hub_pid"
report() { # label
  local out
  echo "== $1"
  for out in "$work/$1".*.out; do
    [ "$emulators" -eq 1 ] || echo "-- emulator $(basename "$out" .out | sed 's/.*\.//')"
    # A fleet that never reported (it could not start, say) shows why, rather than a row of zeros.
    grep -q '^done in' "$out" || { echo "the emulator did not finish:"; tail -5 "${out%.out}.err"; }
    sed -n '/^done in/,$p' "$out"
  done
  echo "server CPU $(cat "$work/$1.cpu") s$([ "$1" = hub ] && echo " (its JIT compiler $(cat "$work/hub.jit") s)");" \
       "emulator CPU $(cat "$work/$1".*.time | awk '{s += $1 + $2} END {printf "%.1f", s}') s"
  [ ! -e "$work/$1.died" ] || cat "$work/$1.died"
}
# The hub's figures first, so that they stand whatever becomes of the anchor's storm.
report hub
[ "$only" != hub ] || exit 0

# The anchor's documents: the hub's own discovery answer and configuration for the first phone,
# turned into every phone's by replacing its MAC, extension, password and the two servers, so both
# sides send the same bytes. Kamailio gets the same accounts.
hub pki device-cert --home "$home" --mac "$(mac "$first")" --model "Myriad M7" --out "$work/phone" >/dev/null
tls=(--cacert "$home/pki/ca.pem" --cert "$work/phone/cert.pem" --key "$work/phone/key.pem")
curl -sS --fail "${tls[@]}" "https://localhost:$https/rdd/v1/discovery" > "$work/discovery.xml"
curl -sS --fail "${tls[@]}" "https://localhost:$https/prov/v1/config/$(mac "$first").xml" > "$work/config.xml"
stop "$hub_pid"; hub_pid=""
password="$(sed -n 's/.*password="\([^"]*\)".*/\1/p' "$work/config.xml" | head -1)"
mkdir -p "$work/www/discovery" "$work/www/prov/v1/config"
awk -v first="$first" -v last="$phones" -v pw="$password" -v fm="$(mac "$first")" -v hp="$https" -v np="$nginx_port" \
    -v sp="$sip" -v kp="$kamailio_sip" -v dir="$work/www" -v acc="$work/anchor-accounts" '
  function readall(file,   line, text) { text = ""; while ((getline line < file) > 0) text = text line "\n"; close(file); return text }
  function swap(text, from, to) { gsub(from, to, text); return text }
  BEGIN {
    discovery = readall(dir "/../discovery.xml"); config = readall(dir "/../config.xml")
    for (i = first; i <= last; i++) {
      m = sprintf("00809d%06x", i); ext = 100000 + i; own = sprintf("%s%06d", substr(pw, 1, length(pw) - 6), i)
      d = swap(swap(swap(discovery, fm, m), ":" hp "/", ":" np "/"), "port=\"" sp "\"", "port=\"" kp "\"")
      c = swap(swap(config, fm, m), "port=\"" sp "\"", "port=\"" kp "\"")
      c = swap(swap(c, "\"" (100000 + first) "\"", "\"" ext "\""), "password=\"" pw "\"", "password=\"" own "\"")
      c = swap(c, ":" hp "/", ":" np "/")
      printf "%s", d > (dir "/discovery/" m ".xml"); close(dir "/discovery/" m ".xml")
      printf "%s", c > (dir "/prov/v1/config/" m ".xml"); close(dir "/prov/v1/config/" m ".xml")
      print ext, own > acc
    }
  }'
chmod -R a+rX "$work/www" "$home/pki/dev-manufacturer-ca.pem"
# shellcheck source=lib/nginx.sh
. "$repo/bench/lib/nginx.sh"
nginx_start "$work" "$nginx_port" "$home" \
    'map $ssl_client_s_dn $phone { "~CN=(?<m>[0-9a-f]{12})" $m; default none; }' \
    'ssl_session_cache shared:phones:16m;
    default_type application/xml;
    location = /rdd/v1/discovery { try_files /discovery/$phone.xml =404; }
    location /prov/v1/status/ { client_max_body_size 8k; return 204; }'
for _ in $(seq 50); do curl -s -o /dev/null "${tls[@]}" "https://localhost:$nginx_port/rdd/v1/discovery" && break; sleep 0.2; done
curl -sS --fail -o /dev/null "${tls[@]}" "https://localhost:$nginx_port/rdd/v1/discovery" \
    || { echo "bench: nginx does not serve discovery" >&2; cat "$work/nginx-error.log" >&2; exit 1; }
domain="$(sed -n 's/.*account [^>]*domain="\([^"]*\)".*/\1/p' "$work/config.xml" | head -1)"
kamailio_start "$work/kamailio" "$kamailio_sip" "$work/anchor-accounts" "$home/pki/server.pem" "$home/pki/server.key" \
    "$domain"
storm anchor "https://localhost:$nginx_port" 60 "$nginx_pid" "$kamailio_pid"

report anchor
if [ -e "$work/anchor.died" ]; then
  echo "no ratios: the anchor died during its storm"
  exit 0
fi
# Over all emulators: the storm is over when the last one is; the phones registered add up.
seconds() { cat "$work/$1".*.out | awk '/^done in/ {if ($3 + 0 > m) m = $3 + 0} END {print m + 0}'; }
registered() { cat "$work/$1".*.out | awk '/^done in/ {s += $5} END {print s + 0}'; }
ratio() { awk -v h="$1" -v a="$2" 'BEGIN {printf "%.2f", (h > 0 && a > 0 ? h / a : 0)}'; }
printf '%-44s hub %8s  anchor %8s  ratio %s\n' "phones registered (of $phones)" "$(registered hub)" \
    "$(registered anchor)" "$(ratio "$(registered hub)" "$(registered anchor)")"
printf '%-44s hub %8s  anchor %8s  ratio %s\n' "seconds until the storm was over (lower wins)" "$(seconds hub)" \
    "$(seconds anchor)" "$(ratio "$(seconds anchor)" "$(seconds hub)")"
printf '%-44s hub %8s  anchor %8s  ratio %s\n' "server CPU seconds (lower wins)" "$(cat "$work/hub.cpu")" \
    "$(cat "$work/anchor.cpu")" "$(ratio "$(cat "$work/anchor.cpu")" "$(cat "$work/hub.cpu")")"
