#!/usr/bin/env bash
# The test command: `bash tests/run.sh [pytest args]` from anywhere in the repo.
#
# On a fresh Debian machine (as root) it installs what the tests need:
# the Python requirements, and Chromium with its driver for the browser tests.
# It starts PostgreSQL, MariaDB and Redis when they are installed but down
# (tests that use them skip themselves otherwise). Safe to run again and again.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
PYTHON="${PYTHON:-python}"

say() { printf '%s\n' "tests/run.sh: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo -n "$@"; else return 1; fi; }

# --- Python packages ------------------------------------------------------------------------
PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements.txt \
  || { say "pip install -r requirements.txt failed"; exit 2; }

# --- Chromium for the browser tests (Debian packages, not Playwright's download) -------------
if [ ! -x /usr/bin/chromium ]; then
  say "installing chromium and chromium-driver"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || say "could not install chromium; the browser tests will fail"
fi

# --- databases: start them if installed and down; never fail because one is missing --------
if have pg_ctlcluster && [ -d /etc/postgresql ] && ! { have pg_isready && pg_isready -q; }; then
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 \
      || say "PostgreSQL $version did not start"
  done
fi
if [ -x /usr/sbin/mariadbd ] && ! pgrep -x mariadbd >/dev/null 2>&1; then
  if have start-stop-daemon; then
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 \
      || say "MariaDB did not start"
  fi
fi
# mariadbd starts in the background: give it a little while to accept connections.
if [ -x /usr/sbin/mariadbd ]; then
  for _ in $(seq 1 30); do
    "$PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', 3306), 1)" 2>/dev/null && break
    sleep 1
  done
fi
if have redis-server && ! { have redis-cli && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" >/dev/null 2>&1 \
    || say "Redis did not start"
fi

# --- the tests ------------------------------------------------------------------------------
# -p no:dash: Dash installs a pytest plugin for its own Selenium harness, which we do not use.
exec "$PYTHON" -m pytest -p no:cacheprovider -p no:dash tests "$@"
