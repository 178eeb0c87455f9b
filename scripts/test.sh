#!/usr/bin/env bash
# Runs the whole test suite. Creates the project-local Python venv with moto (the emulator the
# integration tests start on 127.0.0.1) when it is missing, then runs the Maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=venv.sh
. "$root/scripts/venv.sh"
ensure_venv "$root"

mvn -B -ntp install "$@"

# The example service, built as a user builds it: against the library the line above installed
# into ~/.m2, through the BOM; -Pe2e adds its end-to-end test on moto and the SAM checks (sam
# validate --lint, sam build) with the venv's SAM CLI. Skipped when arguments narrowed the build
# above (-pl ...): the library in ~/.m2 may then be partial.
if [ "$#" -eq 0 ]; then
  EVENTFOLD_SAM="$root/.venv/bin/sam" mvn -B -ntp -f examples/wallet-service/pom.xml verify -Pe2e
else
  echo "examples/wallet-service not built (arguments given); ./scripts/test.sh without arguments builds it" >&2
fi
