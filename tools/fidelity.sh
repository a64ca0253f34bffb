#!/usr/bin/env bash
# The SDK oracle's fidelity run (../shared/sdk-oracle/fidelity/run_all.sh) with flowzip's own builder,
# which gives links their columns through flowzip's link schema API.
#   bash tools/fidelity.sh OUT [PYTHON]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SHARED="${FLOWZIP_SHARED:-$HERE/../../shared}"
OUT="${1:?usage: tools/fidelity.sh OUT [PYTHON]}"
PY="${2:-python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SHARED/sdk-oracle" "$WORK/"
cp "$HERE/fidelity_build_flowzip.py" "$WORK/sdk-oracle/fidelity/build_flowzip.py"
F="$WORK/sdk-oracle/fidelity"
# build_sdk.py reads each SDK document back with the SDK, whose field model adds a top-level "odbc_type" to
# every field dict it validates, in place: the recorded SDK document then holds a key the SDK's writer never
# writes. Read back a copy instead, so that the comparison sees what the SDK wrote.
sed -i 's/fc = C.sdk_load(C.sdk_parse(doc))/fc = C.sdk_load(C.sdk_parse(json.loads(json.dumps(doc))))/' "$F/build_sdk.py"
grep -q 'json.loads(json.dumps(doc))' "$F/build_sdk.py" || { echo "tools/fidelity.sh: build_sdk.py changed; update the patch" >&2; exit 2; }
mkdir -p "$OUT"
"$F/build_sdk.py" "$OUT" 2>"$OUT/build_sdk.log"
"$PY" "$F/build_flowzip.py" "$OUT"
python3 "$F/compare.py" "$OUT" --variant schema --json "$OUT/compare-schema.json" >"$OUT/compare-schema.md"
python3 "$F/compare.py" "$OUT" --variant bare --json "$OUT/compare-bare.json" >"$OUT/compare-bare.md"
"$F/accepts_summary.py" "$OUT" --json "$OUT/accepts.json" >"$OUT/accepts.md"
echo "reports: $OUT/compare-schema.md $OUT/compare-bare.md $OUT/accepts.md"
