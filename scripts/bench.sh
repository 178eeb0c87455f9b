#!/usr/bin/env bash
# Runs the benchmark harnesses against a single-threaded moto they start themselves, and writes
# their results to bench/results/. Usage: ./scripts/bench.sh [store|dispatch|fleet|lambda|aggregate|process ...]
# `dispatch` runs the in-process dispatch benchmark and then `fleet` (the same load from separate writer JVMs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=venv.sh
. "$root/scripts/venv.sh"
ensure_venv "$root"
mvn -B -q -ntp -Dstyle.color=never install -DskipTests
cpfile=$(mktemp)
mvn -B -q -ntp -Dstyle.color=never -pl eventfold-bench dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
cp=$(cat "$cpfile")
cp="$root/eventfold-bench/target/classes:$cp"
declare -A mains=(
  [store]=dev.eventfold.bench.store.StoreBenchmark
  [dispatch]=dev.eventfold.bench.dispatch.DispatchBench
  [lambda]=dev.eventfold.bench.lambda.LambdaBench
  [aggregate]=dev.eventfold.bench.aggregate.AggregateBenchmark
  [fleet]=dev.eventfold.bench.dispatch.FleetBench
  [process]=dev.eventfold.bench.process.ProcessBench
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(store dispatch lambda aggregate process)
for n in "${names[@]}"; do
  [ -n "${mains[$n]:-}" ] || { echo "unknown benchmark '$n'; known: ${!mains[*]}" >&2; exit 2; }
  echo "== $n"
  java -cp "$cp" "${mains[$n]}"
  if [ "$n" = dispatch ]; then
    # Writers in separate processes meet only in the table: the case Lambda runs in.
    echo "== fleet"
    java -cp "$cp" "${mains[fleet]}"
  fi
done
