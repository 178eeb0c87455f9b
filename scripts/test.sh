#!/usr/bin/env bash
# Runs the whole test suite. Creates the project-local Python venv with moto (the emulator the
# integration tests start on 127.0.0.1) when it is missing, then runs the Maven build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

venv="$root/.venv"
if ! "$venv/bin/python" -c "import moto.moto_server.werkzeug_app" >/dev/null 2>&1; then
  echo "Creating $venv with moto[server] ..."
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]>=5.1,<6"
fi
# cfn-lint checks the deployment template in examples/ (TemplateLintTest).
if [ ! -x "$venv/bin/cfn-lint" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint>=1.58,<2"
fi
export EVENTFOLD_MOTO_PYTHON="$venv/bin/python"

exec mvn -B -ntp verify "$@"
