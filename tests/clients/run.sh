#!/usr/bin/env bash
# Run the official-SDK client-conformance suite against a fresh searchplane.
#
#   tests/clients/run.sh [path-to-searchplane-binary [pytest args...]]
#
# The binary defaults to target/debug/searchplane at the repo root. The
# virtualenv ($VENV, default .venv; relative paths from the repo root) must hold
# tests/clients/requirements.txt (tests/clients/setup-venv.sh does that).
# Starts the server on a free port with its own temporary data dir and fixed
# test credentials, waits for /healthz, runs pytest, stops the server.
# Arguments after the binary go to pytest (e.g. -k upgrade -x).
# Exit code: pytest's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

BIN="${1:-$ROOT/target/debug/searchplane}"
[ "$#" -eq 0 ] || shift
case "$BIN" in
    /*) ;;
    *) BIN="$(pwd)/$BIN" ;;
esac
cd "$ROOT"

VENV="${VENV:-$ROOT/.venv}"
case "$VENV" in
    /*) ;;
    *) VENV="$ROOT/$VENV" ;;
esac
PY="$VENV/bin/python"

if [ ! -x "$BIN" ]; then
    echo "run.sh: no searchplane binary at $BIN (cargo build -p searchplane)" >&2
    exit 2
fi
if [ ! -x "$PY" ]; then
    echo "run.sh: no virtualenv at $VENV (tests/clients/setup-venv.sh)" >&2
    exit 2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/searchplane-sdk.XXXXXX")"
SERVER_PID=""

cleanup() {
    local rc=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -f "$TMP/server.log" ]; then
        echo "---- last 50 lines of $TMP/server.log ----" >&2
        tail -n 50 "$TMP/server.log" >&2 || true
        echo "---- end of server log ----" >&2
    fi
    if [ -z "${KEEP_TMP:-}" ]; then
        rm -rf "$TMP"
    else
        echo "run.sh: kept $TMP" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

# Fixed test credentials: project id 32 lowercase hex, AK 20 uppercase
# alphanumerics, SK 40 alphanumerics.
export SEARCHPLANE_PROJECT_ID="5f0e1d2c3b4a59687766554433221100"
export SEARCHPLANE_ACCESS_KEY="SPTESTAK0SDK00000001"
export SEARCHPLANE_SECRET_KEY="SpTestSk0Sdk0000000000000000000000000001"
export SEARCHPLANE_ADMIN_TOKEN="sp-test-admin-token-sdk-0000000000000001"
# Keystone user for the otcextensions suite (test_otc_css.py).
export SEARCHPLANE_USER="sdk-tester"
export SEARCHPLANE_PASSWORD="Sp-Test-Passw0rd-Sdk-1"
export SEARCHPLANE_ENDPOINT="http://127.0.0.1:$PORT"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$TMP" --sim-speed 100000 \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

healthy() {
    "$PY" - "$SEARCHPLANE_ENDPOINT/healthz" <<'PYEOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PYEOF
}

deadline=$((SECONDS + 30))
until healthy; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "run.sh: searchplane exited before answering /healthz" >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "run.sh: searchplane did not answer GET /healthz with 200 within 30 s" >&2
        exit 1
    fi
    sleep 0.2
done

set +e
"$PY" -m pytest -q -p no:cacheprovider tests/clients "$@"
RC=$?
set -e
exit "$RC"
