#!/usr/bin/env bash
# Rewrites the API files (<module>/api/<artifactId>.api) of every library module from the compiled
# classes, then shows what changed. Review the diff and commit it with the change that caused it.
# Only the ApiSurfaceTest of each module runs (no emulator needed); nothing is installed in ~/.m2.
# Extra arguments go to Maven (./scripts/api.sh -o -pl eventfold-core -am).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -Dstyle.color=never test -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Deventfold.api.update=true "$@"
git status --short -- '*/api/*.api'
