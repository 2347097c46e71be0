#!/usr/bin/env bash
# `npm test`: every check and test of the project, on a fresh clone too. Installs dependencies
# when they are missing, then hands over to tools/test.mjs (which needs them).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] installing dependencies" >&2
  npm ci --no-audit --no-fund
fi
exec node tools/test.mjs "$@"
