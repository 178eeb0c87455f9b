#!/usr/bin/env bash
# Runs the demo on the embedded in-memory runtime: no AWS, no emulator, no setup.
# Extra arguments go to `eventfold demo` (for example --endpoint http://127.0.0.1:5000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="$root/eventfold-cli/target/eventfold.jar"
if [ ! -f "$jar" ] || [ -n "$(find . -path ./.venv -prune -o -name '*.java' -newer "$jar" -print -quit)" ]; then
  log="$(mktemp)"
  if ! mvn -B -q -ntp -Dstyle.color=never install -DskipTests >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi
exec java -jar "$jar" demo "$@"
