#!/usr/bin/env bash
# The hub's SRTP relay against rtpengine, on this machine, in one run: the same load generator
# (bench/relay-load) drives each relay over the ng control protocol with emulated G.711 calls
# (two legs each, 172-byte RTP every 20 ms per direction, SRTP with AES_CM_128_HMAC_SHA1_80) in
# SRTP passthrough and SRTP termination, one relay after the other; and DTLS-SRTP ⇄ SDES bridging
# (a WebRTC browser's UDP/TLS/RTP/SAVPF leg with its fingerprint, a desk phone's SDES leg), whose
# emulated browsers run their own DTLS handshakes (Bouncy Castle, as client) with each relay.
#
#   bench/relay.sh [--quick] [--runs N] [--pin]
#
# Per run and relay: a fixed level (packets/s, loss, one-way time p50/p99 through the relay, the
# relay's CPU from /proc), then, outside --quick and in the first run only, a climb to the highest
# level that stays under 0.1 % loss; and the phones talking without a relay, so the time a relay adds
# can be told apart. The DTLS-SRTP row times the handshakes of its calls (8 in flight at a time,
# after 40 unmeasured ones that warm both JVMs) with the relay's CPU per handshake, then carries
# their media as the fixed level does. Prints the medians and the ratios hub/rtpengine.
#
# The SDES rows send and check their packets from a small native pump (bench/relay-load/native,
# built here with cc): every packet is still encrypted in advance under the phone emulator's SRTP and
# compared byte for byte with what the phone must receive, but the pump costs the machine only its
# system calls, made in batches (one socket, each phone its own 127/8 address). On loopback a send
# costs about what a relay's does, so on two cores the climb still ends where the relay and the pump
# together run out of them (the same pump for both relays). The DTLS row keeps the generator's Java
# phones, which run the handshakes.
#
# --pin puts the relay on the first core and the generator (its Java and the pump) on the second,
# so that the generator has a core of its own and a climb ends where the relay does, not where the
# two run out of the machine together. The hub's JVM then sees one core: one relay loop.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=3 fixed_calls=200 dtls_calls=200 warmup=3 seconds=5 search=yes
pin_relay=() pin_load=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=1 fixed_calls=50 dtls_calls=50 warmup=2 seconds=3 search=no; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --pin) pin_relay=(taskset -c 0) pin_load=(taskset -c 1); shift ;;
    *) echo "usage: bench/relay.sh [--quick] [--runs N] [--pin]" >&2; exit 2 ;;
  esac
done
if [ "${#pin_relay[@]}" -gt 0 ] && [ "$(nproc)" -lt 2 ]; then
  echo "bench: --pin needs two cores" >&2; exit 2
fi

needs=()
command -v rtpengine >/dev/null 2>&1 || needs+=(rtpengine-daemon)
command -v cc >/dev/null 2>&1 || needs+=(gcc)
if [ "${#needs[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needs[@]}" >/dev/null
fi
# Where systemd runs, the Debian package also starts a system rtpengine; it is left alone (a port it
# holds is one either relay skips, and its ng port is 2223, not ours).

load_jar="$repo/bench/relay-load/target/relay-load.jar"
stale() { # jar, source directories...
  local jar="$1"; shift
  [ ! -f "$jar" ] || [ -n "$(find "$@" -type f \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]
}
if stale "$load_jar" "$repo/bench/relay-load" "$repo/media-relay/src/main" "$repo/phone-emulator/src/main" \
    || stale "$repo/hub-app/target/hub.jar" "$repo/hub-app/src/main" "$repo/sip-registrar/src/main"; then
  echo "bench: building the hub and the load generator ..." >&2
  (cd "$repo" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl hub-app,bench/relay-load -am package) >&2
fi

work="$(mktemp -d)"
relay_pid=""
stop_relay() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  relay_pid=""
}
trap 'stop_relay; rm -rf "$work"' EXIT
pump="$work/rtp-pump"
cc -O2 -Wall -pthread -o "$pump" "$repo/bench/relay-load/native/rtp-pump.c"

ng_port=18700 ports=(20000 39999)
start_hub() {
  HUB_NO_BUILD=1 "${pin_relay[@]}" "$repo/scripts/hub" relay --ng "127.0.0.1:$ng_port" --bind 127.0.0.1 \
      --relay-ports "${ports[0]}-${ports[1]}" >"$work/hub.out" 2>"$work/hub.err" &
  relay_pid=$!
}
start_rtpengine() {
  # Userspace only (no kernel table), no config file, one interface, the same port range as the hub;
  # deleted calls give their ports back at once, as the hub's do. DTLS: the passive (server) role, as
  # the hub takes toward an actpass offer, with an ECDSA P-256 certificate, as the hub's and browsers'.
  "${pin_relay[@]}" rtpengine --dtls-passive --dtls-cert-cipher=EC-PRIME256v1 --table=-1 --config-file=none --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng_port" \
      --port-min="${ports[0]}" --port-max="${ports[1]}" --delete-delay=0 --foreground --log-stderr \
      --log-level=4 >"$work/rtpengine.log" 2>&1 &
  relay_pid=$!
}
load() { # label, load options...
  local label="$1"; shift
  "${pin_load[@]}" java -jar "$load_jar" --ng "127.0.0.1:$ng_port" --label "$label" --pid "$relay_pid" --pump "$pump" \
      --clk-tck "$(getconf CLK_TCK)" --mode passthrough,termination --warmup "$warmup" "$@"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
     "$(java -version 2>&1 | head -1), rtpengine $(rtpengine --version 2>&1 | awk '{print $2}')"
echo "load: G.711, 172-byte RTP every 20 ms each way, SRTP AES_CM_128_HMAC_SHA1_80; fixed level" \
     "$fixed_calls calls ($((fixed_calls * 100)) packets/s through the relay), DTLS-SRTP <-> SDES" \
     "$dtls_calls calls, $runs run(s), median$([ "${#pin_relay[@]}" -gt 0 ] && echo "; the relay on core 0, the generator on core 1")"
for run in $(seq "$runs"); do
  # The phones alone, talking to each other: what one-way time the generator and loopback take.
  "${pin_load[@]}" java -jar "$load_jar" --direct --label direct --pump "$pump" --mode passthrough,termination --calls "$fixed_calls" \
      --attempts 3 --warmup "$warmup" --seconds "$seconds" | sed "s/^/run=$run fixed /" | tee -a "$work/lines" >&2
  # Each run swaps who goes first, so a neighbour's load that comes and goes does not always fall on one.
  order="hub rtpengine"; [ $((run % 2)) = 0 ] && order="rtpengine hub"
  for relay in $order; do
    "start_$relay"
    load "$relay" --calls "$fixed_calls" --attempts 3 --seconds "$seconds" | sed "s/^/run=$run fixed /" \
        | tee -a "$work/lines" >&2
    load "$relay" --mode dtls --calls "$dtls_calls" --attempts 3 --seconds "$seconds" \
        | sed "s/^/run=$run fixed /" | tee -a "$work/lines" >&2
    if [ "$search" = yes ] && [ "$run" = 1 ]; then
      load "$relay" --start 200 --max 3200 --warmup 1.5 --seconds 3 | sed "s/^/run=$run climb /" \
          | tee -a "$work/lines" >&2
    fi
    stop_relay
  done
done

# Medians over the runs of every field of the result lines, then the table.
awk -v calls="$fixed_calls" -v dtls_calls="$dtls_calls" '
  / result / {
    kind = $2
    for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = kind SUBSEP f["relay"] SUBSEP f["mode"]
    for (name in f) { n = ++count[key, name]; v[key, name, n] = f[name] }
    delete f
  }
  function median(key, name,   n, i, j, t, a) {
    n = count[key, name]
    if (n == 0) return ""
    for (i = 1; i <= n; i++) a[i] = v[key, name, i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return a[int((n + 1) / 2)]
  }
  function row(label, h, r, unit) {
    printf "%-46s %12s %12s %8s\n", label, h unit, r unit, (h + 0 > 0 && r + 0 > 0) ? sprintf("%.2f", h / r) : "-"
  }
  END {
    printf "\n%-46s %12s %12s %8s\n", "", "hub", "rtpengine", "hub/rtp"
    split("passthrough termination", modes, " ")
    for (m = 1; m <= 2; m++) {
      mode = modes[m]
      hub = "fixed" SUBSEP "hub" SUBSEP mode; rtp = "fixed" SUBSEP "rtpengine" SUBSEP mode
      direct = "fixed" SUBSEP "direct" SUBSEP mode
      row(mode ", " calls " calls: loss", median(hub, "loss_pct"), median(rtp, "loss_pct"), " %")
      for (p = 50; p <= 99; p += 49) {
        row(mode ": one-way time p" p " through the relay", median(hub, "p" p "_us"), median(rtp, "p" p "_us"), " us")
      }
      base = median(direct, "p50_us")
      row(mode ": time added, p50", median(hub, "p50_us") - base, median(rtp, "p50_us") - base, " us")
      row(mode ": relay CPU", median(hub, "relay_cpu_pct"), median(rtp, "relay_cpu_pct"), " %")
      row(mode ": relay CPU per packet", median(hub, "cpu_us_per_packet"), median(rtp, "cpu_us_per_packet"), " us")
      printf "    (one-way time without a relay: p50 %s us, p99 %s us)\n", median(direct, "p50_us"), median(direct, "p99_us")
      hub = "climb" SUBSEP "hub" SUBSEP mode; rtp = "climb" SUBSEP "rtpengine" SUBSEP mode
      if (count[hub, "pps"]) {
        row(mode ": loss-free packets/s", median(hub, "pps"), median(rtp, "pps"), "")
        printf "    (hub %s calls, climb stopped by %s; rtpengine %s calls, stopped by %s)\n",
            median(hub, "calls"), median(hub, "limit"), median(rtp, "calls"), median(rtp, "limit")
        printf "    (at that level: relay CPU hub %s %%, rtpengine %s %%; generator CPU %s %% and %s %%)\n",
            median(hub, "relay_cpu_pct"), median(rtp, "relay_cpu_pct"), median(hub, "generator_cpu_pct"),
            median(rtp, "generator_cpu_pct")
      }
    }
    hub = "fixed" SUBSEP "hub" SUBSEP "dtls"; rtp = "fixed" SUBSEP "rtpengine" SUBSEP "dtls"
    if (count[hub, "handshakes"] || count[rtp, "handshakes"]) {
      row("DTLS-SRTP <-> SDES, " dtls_calls " calls: handshakes/s", median(hub, "handshakes_per_s"),
          median(rtp, "handshakes_per_s"), "")
      row("dtls: relay CPU per handshake", median(hub, "relay_cpu_ms_per_handshake"),
          median(rtp, "relay_cpu_ms_per_handshake"), " ms")
      row("dtls: generator CPU per handshake", median(hub, "generator_cpu_ms_per_handshake"),
          median(rtp, "generator_cpu_ms_per_handshake"), " ms")
      row("dtls: loss", median(hub, "loss_pct"), median(rtp, "loss_pct"), " %")
      for (p = 50; p <= 99; p += 49) {
        row("dtls: one-way time p" p " through the relay", median(hub, "p" p "_us"), median(rtp, "p" p "_us"), " us")
      }
      row("dtls: relay CPU", median(hub, "relay_cpu_pct"), median(rtp, "relay_cpu_pct"), " %")
      row("dtls: relay CPU per packet", median(hub, "cpu_us_per_packet"), median(rtp, "cpu_us_per_packet"), " us")
    }
    for (k in count) {
      split(k, parts, SUBSEP)
      if (parts[1] != "fixed" || parts[4] != "limit") continue
      for (i = 1; i <= count[k]; i++) if (v[parts[1], parts[2], parts[3], "limit", i] == "generator") late++
    }
    if (late) printf "warning: %d fixed measurement(s) never had the generator on schedule; their times are not the relay'"'"'s\n", late
    print "hub/rtp above 1: the hub is higher (better for packets/s, worse for time and CPU)"
  }' "$work/lines"
