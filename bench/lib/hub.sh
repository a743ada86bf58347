# Shared by the benches that start the hub: the jar as the sources are now, and stopping a child.
# shellcheck shell=bash

# Builds hub-app/target/hub.jar when it is missing or older than any module's main sources.
hub_jar_fresh() { # repo
  local repo="$1"
  if [ ! -f "$repo/hub-app/target/hub.jar" ] \
      || [ -n "$(find "$repo" -path '*/src/main/*' -newer "$repo/hub-app/target/hub.jar" -print -quit)" ]; then
    echo "bench: building the hub ..." >&2
    (cd "$repo" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl hub-app -am package) >&2
  fi
}

# Stops a process this script started (SIGTERM, then waits for it); nothing when it is gone.
stop() { # pid
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1"; wait "$1" 2>/dev/null || true; fi
}

# Makes $work, the run's scratch directory (readable by all: nginx's workers run as nobody and read
# files from it), and on exit stops the processes whose pids the named variables then hold and removes
# $work. The variables must be set (empty) before.
bench_scratch() { # pid variable names...
  work="$(mktemp -d)"
  chmod 755 "$work"
  bench_children=("$@")
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local name
  for name in "${bench_children[@]}"; do stop "${!name}"; done
  rm -rf "$work"
}

# User and system clock ticks (getconf CLK_TCK a second) of the processes and their children.
cpu_ticks() { # pids...
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p" || true; done); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
