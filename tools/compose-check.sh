#!/usr/bin/env bash
# Validates the compose files without a Docker engine, with whichever client is installed:
# the `docker compose` plugin or the standalone docker-compose (v1, from Debian's packages).
set -euo pipefail

cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "compose-check: skipped: no compose client (install docker-compose or the docker compose plugin)"
  exit 0
fi

# An empty env file keeps a developer's docker/.env from changing what is checked
# (docker-compose 1.x rejects /dev/null, so it is a real file).
empty_env=$(mktemp)
trap 'rm -f "$empty_env"' EXIT
no_env=(--env-file "$empty_env")
failed=0

check() {
  local file=$1
  if SECRET_KEY=compose-check-dummy-secret-of-at-least-32-bytes \
    "${compose[@]}" "${no_env[@]}" -f "$file" config -q; then
    echo "compose-check: ok: $file"
  else
    echo "compose-check: INVALID: $file" >&2
    failed=1
  fi
}

check docker/docker-compose.middleware.yaml
check docker/docker-compose.yaml

# The full system must refuse to start without a real SECRET_KEY rather than run with none.
if output=$(env -u SECRET_KEY "${compose[@]}" "${no_env[@]}" -f docker/docker-compose.yaml \
  config -q 2>&1); then
  echo "compose-check: docker/docker-compose.yaml accepts an unset SECRET_KEY" >&2
  failed=1
elif [[ $output == *SECRET_KEY* ]]; then
  echo "compose-check: ok: docker/docker-compose.yaml requires SECRET_KEY"
else
  echo "compose-check: docker/docker-compose.yaml failed without SECRET_KEY for another reason:" >&2
  echo "$output" >&2
  failed=1
fi

exit "$failed"
