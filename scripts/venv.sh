# Sourced by the scripts: makes sure .venv holds exactly scripts/requirements-test.txt,
# then points the test harness at its Python.
ensure_venv() {
  local root="$1"
  local venv="$root/.venv"
  local wanted="$root/scripts/requirements-test.txt"
  local stamp="$venv/.eventfold-requirements"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$wanted" "$stamp"; then
    echo "Preparing $venv (moto, cfn-lint) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$wanted"
    cp "$wanted" "$stamp"
  fi
  export EVENTFOLD_MOTO_PYTHON="$venv/bin/python"
}
