#!/usr/bin/env bash
# The test command: `bash tests/run.sh [pytest args]` from anywhere in the repo (no args: every test).
#
# On a fresh Debian or Ubuntu machine (as root) it installs what the tests need:
# a virtual environment in .venv with the wall and its test packages
# (`pip install -e .[test]`, again only when pyproject.toml or a requirements
# file changed), and Chromium with its driver for the browser tests. It starts
# PostgreSQL, MariaDB and Redis when they are installed but down (tests that
# use them skip themselves otherwise, and fail under CI=true). Safe to run again
# and again. PYTHON names the Python that makes the environment (default python3).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
PYTHON="${PYTHON:-python3}"
VENV=.venv

say() { printf '%s\n' "tests/run.sh: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo -n "$@"; else return 1; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Python packages, in a virtual environment (Debian's Python refuses pip outside one) -----
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"  # Debian and Ubuntu ship venv without ensurepip until python3-venv is installed
    say "installing python3-venv"
    apt_install python3-venv && "$PYTHON" -m venv "$VENV" || { say "could not make $VENV with $PYTHON"; exit 2; }
  fi
fi
VENV_PYTHON="$VENV/bin/python"
wanted="$(cat pyproject.toml requirements.txt requirements-test.txt | sha256sum)"
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$wanted" ]; then
  "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check -e ".[test]" \
    || { say "pip install -e .[test] failed"; exit 2; }
  printf '%s\n' "$wanted" >"$VENV/.installed"
fi

# --- Chromium for the browser tests (Debian packages, not Playwright's download) -------------
if [ ! -x /usr/bin/chromium ]; then
  say "installing chromium and chromium-driver"
  apt_install chromium chromium-driver || say "could not install chromium; the browser tests will fail"
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
    "$VENV_PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', 3306), 1)" 2>/dev/null && break
    sleep 1
  done
fi
if have redis-server && ! { have redis-cli && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" >/dev/null 2>&1 \
    || say "Redis did not start"
fi

# --- the tests ------------------------------------------------------------------------------
# -p no:dash: Dash installs a pytest plugin for its own Selenium harness, which we do not use.
# Without arguments pytest runs tests/ (testpaths in pyproject.toml); with them, what they name.
"$VENV_PYTHON" -m pytest -p no:cacheprovider -p no:dash "$@"
status=$?
if [ "$status" -eq 5 ]; then
  say "pytest collected no tests: that is a failure"
  exit 1
fi
exit "$status"
