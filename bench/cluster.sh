#!/usr/bin/env bash
# Three hub nodes on one PostgreSQL against one node on the same PostgreSQL: a boot storm of N
# enrolled phones (the phone emulator, `hub phone fleet`: HTTPS discovery and configuration, then
# SIP-TLS registration with digest), all at once against the single node, then split in three
# against the three nodes at the same time (each third provisioned by, and registered on, its node).
#
#   bench/cluster.sh [--quick] [--runs N] [--phones N] [--rate R]
#
# Prints per run and side the seconds until the storm was over and the phones registered, then the
# medians over the runs: registrations per second of each side and the ratios three nodes / one.
# PostgreSQL is started here in a temporary directory as the postgres user (initdb refuses root),
# and stopped at the end. All of it shares this machine's cores: three nodes on one box measure the
# cost of the cluster's coordination, not the gain of three machines.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
phones=3000 rate=300 runs=3 attempts=30
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) phones=300 rate=100 runs=1; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --phones) phones="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    *) echo "usage: bench/cluster.sh [--quick] [--runs N] [--phones N] [--rate R]" >&2; exit 2 ;;
  esac
done
third=$((phones / 3)) phones=$((3 * (phones / 3))) share=$(( (rate + 2) / 3 ))

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pgbin" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
ulimit -n "$(ulimit -Hn)"

# shellcheck source=lib/hub.sh
. "$repo/bench/lib/hub.sh"
hub_jar_fresh "$repo"

work="$(mktemp -d)"
chmod 755 "$work"
pgport=18899
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
hubs=()
stop_hubs() {
  local pid
  for pid in "${hubs[@]}"; do if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi; done
  hubs=()
}
cleanup() {
  stop_hubs
  [ -d "$work/pg" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $work/pg -c max_connections=300" start >/dev/null
sql() { as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -q -c "$1" >/dev/null; }

hub() { HUB_NO_BUILD=1 "$repo/scripts/hub" "$@"; }
mac() { printf '00809d%06x' "$1"; }
start_node() { # home name https admin sip url
  HUB_NO_BUILD=1 "$repo/scripts/hub" start --home "$1" --node "$2" --node-address 127.0.0.1 --bind 127.0.0.1 \
      --https-port "$3" --web-port 0 --admin-port "$4" --sip-tls-port "$5" --database-url "$6" \
      >"$1.out" 2>"$1.err" &
  hubs+=("$!")
  for _ in $(seq 240); do grep -q '^ready' "$1.out" 2>/dev/null && return 0; sleep 0.5; done
  echo "bench: node $2 did not start" >&2; cat "$1.err" >&2; exit 1
}
import() { # home admin-port
  { echo "action,macAddress,deviceType,extension"
    for i in $(seq 1 "$phones"); do echo "create,$(mac "$i"),Myriad M7,$((100000 + i))"; done
  } > "$work/phones.csv"
  hub device import --home "$1" --admin-url "https://127.0.0.1:$2/" "$work/phones.csv" >/dev/null
}
fleet() { # home https count first-index local-addresses out rate
  hub phone fleet --home "$1" --hub "https://localhost:$2" --count "$3" --rate "$7" --first-mac "$(mac "$4")" \
      --local-addresses "$5" --attempts "$attempts" --timeout 20 >"$6" 2>"$6.err" || true
}
seconds() { awk '/^done in/ {print $3}' "$1"; }
registered() { awk '/^done in/ {print $5}' "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), \
$(java -version 2>&1 | head -1), $("$pgbin/postgres" --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "storm: $phones phones powered on at $rate/s in all (three fleets of $third at $share/s against three nodes), $runs run(s)"
: > "$work/one.rates"; : > "$work/three.rates"
for run in $(seq 1 "$runs"); do
  # One node on PostgreSQL.
  sql "CREATE DATABASE one_$run"
  solo="$work/solo-$run"
  hub pki init --home "$solo" >/dev/null
  printf 'sipKeepaliveSeconds: 30\n' > "$solo/hub.yaml"
  start_node "$solo" solo 18810 18811 18812 "jdbc:postgresql://127.0.0.1:$pgport/one_$run?user=postgres"
  import "$solo" 18811
  fleet "$solo" 18810 "$phones" 1 127.40.0.0/16 "$work/one-$run.out" "$rate"
  stop_hubs
  one_s="$(seconds "$work/one-$run.out")" one_r="$(registered "$work/one-$run.out")"
  awk -v r="$one_r" -v s="$one_s" 'BEGIN {if (s > 0) printf "%.1f\n", r / s}' >> "$work/one.rates"

  # Three nodes on one PostgreSQL, each third of the phones on its own node.
  sql "CREATE DATABASE three_$run"
  url="jdbc:postgresql://127.0.0.1:$pgport/three_$run?user=postgres"
  a="$work/a-$run" b="$work/b-$run" c="$work/c-$run"
  hub pki init --home "$a" >/dev/null
  printf 'sipKeepaliveSeconds: 30\n' > "$a/hub.yaml"
  start_node "$a" node-a 18820 18821 18822 "$url"
  hub node init --from "$a" --home "$b" >/dev/null
  hub node init --from "$a" --home "$c" >/dev/null
  start_node "$b" node-b 18830 18831 18832 "$url"
  start_node "$c" node-c 18840 18841 18842 "$url"
  import "$a" 18821
  start=$(date +%s.%N)
  fleet "$a" 18820 "$third" 1 127.41.0.0/16 "$work/three-a-$run.out" "$share" &
  fa=$!
  fleet "$b" 18830 "$third" $((third + 1)) 127.42.0.0/16 "$work/three-b-$run.out" "$share" &
  fb=$!
  fleet "$c" 18840 "$third" $((2 * third + 1)) 127.43.0.0/16 "$work/three-c-$run.out" "$share" &
  fc=$!
  wait "$fa" "$fb" "$fc"
  stop_hubs
  three_r=0 three_s=0
  for n in a b c; do
    three_r=$((three_r + $(registered "$work/three-$n-$run.out" || echo 0)))
    three_s="$(awk -v x="$three_s" -v y="$(seconds "$work/three-$n-$run.out")" 'BEGIN {print (y > x ? y : x)}')"
  done
  awk -v r="$three_r" -v s="$three_s" 'BEGIN {if (s > 0) printf "%.1f\n", r / s}' >> "$work/three.rates"
  printf 'run %d: one node %s of %d registered in %s s; three nodes %s of %d registered in %s s\n' \
      "$run" "$one_r" "$phones" "$one_s" "$three_r" "$phones" "$three_s"
done

median() { sort -n "$1" | awk '{v[NR] = $1} END {print (NR == 0 ? 0 : (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2))}'; }
one="$(median "$work/one.rates")" three="$(median "$work/three.rates")"
printf '%-52s one node %8s  three nodes %8s  ratio %s\n' "registrations per second in the storm (median)" \
    "$one" "$three" "$(awk -v a="$one" -v b="$three" 'BEGIN {printf "%.2f", (a > 0 ? b / a : 0)}')"
