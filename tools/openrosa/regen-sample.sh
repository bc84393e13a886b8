#!/usr/bin/env bash
# Regenerates sample/protection_request.xml from its XLSForm (Markdown flavour)
# with the pinned pyxform, and checks both sample forms with ODK Validate.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=${RESGUARDO_OPENROSA_PREFIX:-/opt/resguardo-openrosa}
out=$("$prefix/venv/bin/xls2xform" --pretty_print --skip_validate \
  "$here/sample/protection_request.md" "$here/sample/protection_request.xml" 2>&1) \
  || { echo "$out" >&2; exit 1; }
for f in "$here"/sample/*.xml; do
  java -jar "${RESGUARDO_ODK_JAR:-$prefix/ODK_Validate.jar}" "$f" | grep -q 'Xform is valid!' \
    || { echo "regen-sample.sh: $f is not valid" >&2; exit 1; }
done
