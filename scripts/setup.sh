#!/usr/bin/env bash
# Installs everything into .venv (CPU torch first, so no CUDA build is pulled), then, unless
# --no-run is given, ingests the bundled corpus (first run only does real work) and opens the app.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -d .venv ] || "$PY" -m venv .venv
. .venv/bin/activate
pip install -q "torch==2.13.0"
pip install -q -e ".[test]"
if pip list 2>/dev/null | grep -qi '^nvidia'; then
  echo "error: CUDA packages were installed; torch must be the CPU build" >&2
  exit 1
fi
[ "${1:-}" = "--no-run" ] && exit 0
cspkb ingest
exec cspkb serve
