#!/usr/bin/env bash
# Create the virtualenv for the SDK client-conformance suite (if missing) and
# install tests/clients/requirements.txt into it.
#   VENV   virtualenv path (default: .venv; a relative path is taken from the repo root)
#   PYTHON interpreter used to create it (default: python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
case "$VENV" in
    /*) ;;
    *) VENV="$ROOT/$VENV" ;;
esac
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$ROOT/tests/clients/requirements.txt" \
    -r "$ROOT/tests/clients/requirements-otc.txt" \
    -r "$ROOT/tests/schemathesis/requirements.txt"
