#!/usr/bin/env bash
# Runs the whole test suite. Creates the project-local Python venv with moto (the emulator the
# integration tests start on 127.0.0.1) when it is missing, then runs the Maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=venv.sh
. "$root/scripts/venv.sh"
ensure_venv "$root"

exec mvn -B -ntp verify "$@"
