#!/usr/bin/env bash
# Sets the version of every pom of the reactor: the parent, every module's <parent> and the BOM
# (which has no parent and its own <version>). The CLI reads its version from the pom at build time
# (eventfold-cli/src/main/resources-filtered), so nothing else needs it. Changes files only: it
# does not build, commit or tag. See DEVELOPERS.md, "Releasing".
#
#   ./scripts/release.sh 0.2.0            # the release
#   ./scripts/release.sh 0.3.0-SNAPSHOT   # main again, after the release is tagged
#
# Then it lists the other files that still name the old version (README snippets, the example
# service), which are edited by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

new="${1:-}"
if ! [[ "$new" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-SNAPSHOT)?$ ]]; then
  echo "usage: $0 MAJOR.MINOR.PATCH[-SNAPSHOT]   (releases: 0.2.0; main: 0.3.0-SNAPSHOT)" >&2
  exit 2
fi

# The current version: the one right after eventfold-parent's artifactId in the root pom.
old="$(perl -0777 -ne 'print $1 if m{<artifactId>eventfold-parent</artifactId>\s*<version>([^<]+)</version>}' pom.xml)"
if [ -z "$old" ]; then
  echo "cannot read the version of eventfold-parent from pom.xml" >&2
  exit 1
fi
if [ "$old" = "$new" ]; then
  echo "the version is $new already"
  exit 0
fi

# The reactor's poms: the root and its <modules>.
poms=(pom.xml)
while IFS= read -r m; do
  poms+=("$m/pom.xml")
done < <(perl -ne 'print "$1\n" if m{^\s*<module>([^<]+)</module>}' pom.xml)

# Only a <version> that directly follows the artifactId of eventfold-parent or eventfold-bom
# changes: the project's own, each <parent>'s, and the BOM's (its usage comment too). Versions of
# other artifacts are left alone even when they are equal (log4j-transform's is 0.2.0, say).
for p in "${poms[@]}"; do
  OLD="$old" NEW="$new" perl -0777 -i -pe \
    's{(<artifactId>eventfold-(?:parent|bom)</artifactId>\s*<version>)\Q$ENV{OLD}\E(</version>)}{$1$ENV{NEW}$2}g' "$p"
done

# Every pom must now name the new version and none the old one in those places.
status=0
for p in "${poms[@]}"; do
  if ! grep -q "<version>$new</version>" "$p"; then
    echo "$p: the version was not changed" >&2
    status=1
  fi
  if OLD="$old" perl -0777 -ne 'exit 1 if m{<artifactId>eventfold-(?:parent|bom)</artifactId>\s*<version>\Q$ENV{OLD}\E</version>}' "$p"; then :; else
    echo "$p: still names $old" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] || exit "$status"
echo "version $old -> $new in ${#poms[@]} poms: ${poms[*]}"

others="$(grep -rIl -F --exclude-dir=.git --exclude-dir=target --exclude-dir=.venv --exclude-dir=results \
  -- "$old" . | sed 's|^\./||' | sort || true)"
for p in "${poms[@]}"; do
  others="$(printf '%s\n' "$others" | grep -v -x -F -- "$p" || true)"
done
if [ -n "$others" ]; then
  echo
  echo "these files still name $old (edit them by hand where they mean the current version):"
  printf '%s\n' "$others" | sed 's/^/  /'
fi
