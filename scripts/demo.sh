#!/usr/bin/env bash
# Runs the demo on the embedded in-memory runtime: no AWS, no emulator, no setup.
# Extra arguments go to `eventfold demo` (for example --endpoint http://127.0.0.1:5000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="$root/eventfold-cli/target/eventfold.jar"
if [ ! -f "$jar" ] || [ -n "$(find . -path ./.venv -prune -o -name '*.java' -newer "$jar" -print -quit)" ]; then
  mvn -B -q -ntp install -DskipTests >&2
fi
exec java -jar "$jar" demo "$@"
