#!/usr/bin/env bash
# Contract test: schemathesis fuzzes a fresh searchplane against its own /openapi.json and
# fails on any finding.
#
#   tests/schemathesis/run.sh [path-to-searchplane-binary]
#
# The binary defaults to target/debug/searchplane at the repo root; the virtualenv ($VENV,
# default .venv) must hold tests/schemathesis/requirements.txt (tests/clients/setup-venv.sh
# installs it). Starts the server on a free port with its own temporary data dir and fixed test
# credentials, seeds test data (tests/schemathesis/seed.py writes the run's schemathesis.toml:
# a cluster with a failed upgrade task, a cluster to delete, their ids), then runs schemathesis
# twice: the CSS, Keystone and ops operations, then the operator API (whose fuzzing rewrites
# the catalog, so it goes last). Requests are signed by tests/schemathesis/hooks.py.
#
# Checks: not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance, response_headers_conformance, negative_data_rejection,
# missing_required_header, use_after_free, ensure_resource_availability, and the hooks'
# authentication_accepted (a request the hooks signed must not be answered 401). Not run:
# positive_data_acceptance (the create bodies are validated by rules the schema does not
# encode), unsupported_method (an undeclared method is 404 APIG.0101, as the gateway answers,
# not 405), ignored_auth (the hooks authenticate every request at the transport level).
#
# SCHEMATHESIS_MAX_EXAMPLES (default 100) and SCHEMATHESIS_SEED (default fixed) tune the run.
# Exit code: 0 when both runs pass.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/schemathesis"

BIN="${1:-$ROOT/target/debug/searchplane}"
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
ST="$VENV/bin/schemathesis"

if [ ! -x "$BIN" ]; then
    echo "schemathesis/run.sh: no searchplane binary at $BIN (cargo build -p searchplane)" >&2
    exit 2
fi
if [ ! -x "$ST" ]; then
    echo "schemathesis/run.sh: no schemathesis in $VENV (tests/clients/setup-venv.sh)" >&2
    exit 2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/searchplane-schemathesis.XXXXXX")"
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
        echo "schemathesis/run.sh: kept $TMP" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

export SEARCHPLANE_PROJECT_ID="6a1f2e3d4c5b6a798877665544332211"
export SEARCHPLANE_ACCESS_KEY="SPTESTAK0FUZZ0000001"
export SEARCHPLANE_SECRET_KEY="SpTestSk0Fuzz000000000000000000000000001"
export SEARCHPLANE_ADMIN_TOKEN="sp-test-admin-token-fuzz-000000000000001"
export SEARCHPLANE_USER="fuzzer"
export SEARCHPLANE_PASSWORD="Sp-Fuzz-Passw0rd-1"
export SEARCHPLANE_ENDPOINT="http://127.0.0.1:$PORT"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
export SCHEMATHESIS_HOOKS="hooks"
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"

"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$TMP/data" --sim-speed 100000 \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + 30))
until "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$SEARCHPLANE_ENDPOINT/healthz" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "schemathesis/run.sh: searchplane exited before answering /healthz" >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "schemathesis/run.sh: searchplane did not answer GET /healthz within 30 s" >&2
        exit 1
    fi
    sleep 0.2
done

"$PY" "$HERE/seed.py" >"$TMP/schemathesis.toml"

CHECKS="not_a_server_error,status_code_conformance,content_type_conformance"
CHECKS="$CHECKS,response_schema_conformance,response_headers_conformance"
CHECKS="$CHECKS,negative_data_rejection,missing_required_header,use_after_free"
CHECKS="$CHECKS,ensure_resource_availability,authentication_accepted"

fuzz() {
    # Run from the temp dir: schemathesis writes its report directory into the working dir.
    (cd "$TMP" && "$ST" --config-file "$TMP/schemathesis.toml" run \
        "$SEARCHPLANE_ENDPOINT/openapi.json" \
        --checks "$CHECKS" \
        --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-100}" \
        --seed "${SCHEMATHESIS_SEED:-20240102}" \
        --generation-with-security-parameters false \
        --generation-database none \
        --request-timeout 20 \
        --no-color \
        "$@")
}

echo "==> schemathesis: CSS, Keystone and ops operations"
fuzz --exclude-tag operator
echo "==> schemathesis: operator API"
fuzz --include-tag operator
