"""A wall server that this process starts and stops: a free loopback port, whether it answers, stopping it.

`python -m obeya snapshot` starts a wall of its own this way; so do the tests (tests/wall_server.py).
"""

from __future__ import annotations

import socket
import subprocess
import urllib.error
import urllib.request

STOP_SECONDS = 10  # a server that has not stopped this long after being asked to is killed


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wall_answers(url: str) -> bool:
    """The wall at `url` answers HTTP (its health check), if only to ask for its token."""
    try:
        with urllib.request.urlopen(url + "/_obeya/health", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def stop(process: subprocess.Popen | None) -> None:
    """Ask the process to stop; kill it when it has not after STOP_SECONDS."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
