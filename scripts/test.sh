#!/usr/bin/env bash
# The test command from the README: installs what the tests need (venv, CPU torch, the
# project, Chromium for browser tests), starts a real `chroma run` server on 127.0.0.1 for
# the server-mode index tests, runs pytest, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-run
. .venv/bin/activate
# Browser tests drive Debian's Chromium (never a browser download): install it when missing.
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
  else
    echo "warning: /usr/bin/chromium is missing and apt-get is not available; browser tests will be skipped (fail under CI=true)" >&2
  fi
fi
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False
port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chroma_dir=$(mktemp -d)
chroma run --path "$chroma_dir" --host 127.0.0.1 --port "$port" >"$chroma_dir/server.log" 2>&1 &
chroma_pid=$!
trap 'kill $chroma_pid 2>/dev/null || true; wait $chroma_pid 2>/dev/null || true; rm -rf "$chroma_dir"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
  sleep 0.5
done
export CSPKB_TEST_CHROMA_URL="http://127.0.0.1:$port"
python -m pytest -q "$@"
