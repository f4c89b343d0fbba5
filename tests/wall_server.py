"""The one way tests and benches start a real wall: a server subprocess on a free loopback port.

`WallServer(config_dir, database_url, log_path).start()` runs `python app.py`
(or, with `command=SERVE`, the production server) and returns once it
answers; its output goes to a file (an unread pipe would fill and block the
server) and is shown whenever it fails to start or dies. The server sees no
OBEYA_* variable of the caller's environment, only the ones it is given
(`env=`), so a developer's own token, cache or database never leaks in.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from obeya.processes import free_port, stop, wall_answers

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = ("app.py",)
SERVE = ("-m", "obeya", "serve", "--workers", "2")
START_SECONDS = 60


class ServerFailed(AssertionError):
    """The server did not start or died; the message ends with its output."""


def demo_wall(folder: Path) -> tuple[Path, str]:
    """A copy of the shipped config and a fresh demo database in `folder`: (config folder, database URL)."""
    import shutil

    config_dir = folder / "config"
    shutil.copytree(REPO_ROOT / "config", config_dir)
    database_url = f"sqlite:///{folder / 'wall.db'}"
    subprocess.run([sys.executable, "-m", "obeya", "demo", "--force"], cwd=REPO_ROOT, check=True,
                   env=dict(os.environ, OBEYA_CONFIG_DIR=str(config_dir), OBEYA_DATABASE_URL=database_url),
                   stdout=subprocess.DEVNULL)
    return config_dir, database_url


class WallServer:
    """A wall server in a subprocess; `url` once `start` returns."""

    def __init__(self, config_dir: Path, database_url: str, log_path: Path, *, command: tuple[str, ...] = APP,
                 env: dict[str, str] | None = None) -> None:
        self.config_dir = config_dir
        self.database_url = database_url
        self.log_path = log_path
        self.command = command
        self.extra_env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, *, until: str = "answers") -> WallServer:
        """Start it and wait until it `answers` an HTTP request, or only `listens` (no request made yet);
        or, `until="started"`, return at once, for a caller that asks the moment it listens."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("OBEYA_")}
        env.update(OBEYA_HOST="127.0.0.1", OBEYA_PORT=str(self.port), OBEYA_CONFIG_DIR=str(self.config_dir),
                   OBEYA_DATABASE_URL=self.database_url, PYTHONUNBUFFERED="1",
                   OBEYA_DATA_DIR=str(self.log_path.parent / "obeya-data"))  # what it writes: its own, not data/
        env.update(self.extra_env)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, *self.command], cwd=REPO_ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        if until == "started":
            return self
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"the server exited with code {self.process.returncode} before answering")
            if self._listens() if until == "listens" else self._answers():
                return self
            try:  # returns at once if the server dies meanwhile
                self.process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        self.fail(f"the server did not answer on {self.url} within {START_SECONDS} s")
        return self

    def _listens(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def _answers(self) -> bool:
        return wall_answers(self.url)

    def send_command(self, **body) -> dict:
        """Send a command to the wall's shared state as a TV's key does (`command="standup", on=False`)."""
        request = urllib.request.Request(self.url + "/_obeya/command", data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def rotate_again(self) -> None:
        """End any stand-up and hold: what one test left on the wall's shared state is not the next one's."""
        self.send_command(command="standup", on=False)
        self.send_command(command="hold", on=False)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def fail(self, message: str) -> None:
        self.stop()
        raise ServerFailed(f"{message}\n--- server output ---\n{self.output()}")

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise ServerFailed(f"the server died (code {self.process.returncode})\n--- server output ---\n"
                               f"{self.output()}")

    def stop(self) -> str:
        """Stop the server (if it runs); returns everything it wrote."""
        stop(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.output()

    def __enter__(self) -> WallServer:
        return self if self.process is not None else self.start()  # `with WallServer(...).start(...)` starts once

    def __exit__(self, *_exc) -> None:
        self.stop()
