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
