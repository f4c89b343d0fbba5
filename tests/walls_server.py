"""A real server of several walls for tests: a walls folder, each wall's database and tokens, the server.

    served = WallsServer(folder, env=...)
    served.add_wall("a", database=url_or_None)      # a copy of the test config; its database filled by the test
    token = served.walls_command("token", "a")      # python -m obeya walls ..., as the operator runs it
    served.start()                                  # tests/wall_server.py's WallServer on the walls folder

The server sees only the variables given here: no OBEYA_DATABASE_URL unless a
test sets one, so a wall without its own database gets its embedded SQLite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.wall_server import APP, REPO_ROOT, WallServer

TEST_CONFIG_DIR = REPO_ROOT / "tests" / "fixtures" / "config"
ADMIN_TOKEN = "admin-test-token-for-the-index"


class WallsServer:
    def __init__(self, folder: Path, *, env: dict[str, str] | None = None, command: tuple[str, ...] = APP) -> None:
        self.folder = folder
        self.walls_dir = folder / "walls"
        self.data_dir = folder / "data"
        self.walls_dir.mkdir(parents=True, exist_ok=True)
        self.env = {"OBEYA_WALLS_DIR": str(self.walls_dir), "OBEYA_DATA_DIR": str(self.data_dir),
                    "OBEYA_ADMIN_TOKEN": ADMIN_TOKEN, "OBEYA_DATABASE_URL": "", **(env or {})}
        self.command = command
        self.server: WallServer | None = None

    def add_wall(self, wall_id: str, *, database: str | None = None, config: Path = TEST_CONFIG_DIR) -> Path:
        """A wall folder (a copy of `config`); with `database`, the wall's own database URL."""
        folder = self.walls_dir / wall_id
        shutil.copytree(config, folder)
        if database:
            self.walls_command("database", wall_id, database)
        return folder

    def cli(self, *argv: str) -> subprocess.CompletedProcess:
        """`python -m obeya ...` with the server's environment: (exit code, stdout, stderr) in the result."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("OBEYA_")}
        env.update(self.env)
        return subprocess.run([sys.executable, "-m", "obeya", *argv], cwd=REPO_ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    def walls_command(self, *argv: str) -> str:
        """`python -m obeya walls ...`, which must succeed; its standard output (a new token: the token)."""
        result = self.cli("walls", *argv)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def start(self) -> WallsServer:
        self.server = WallServer(self.walls_dir, "", self.folder / "server.log", command=self.command,
                                 env=self.env).start()
        return self

    @property
    def url(self) -> str:
        return self.server.url

    def get(self, path: str, *, cookie: str | None = None, bearer: str | None = None,
            method: str = "GET", body: bytes | None = None) -> tuple[int, dict, str]:
        """(status, headers, text) of one request, redirects not followed."""
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, headers=headers, method=method, data=body)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def login(self, path: str, token: str) -> str:
        """Open `path?token=` as a screen does; the cookie it is given ("name=value"), with its Path checked."""
        status, headers, _ = self.get(f"{path}?token={token}")
        assert status == 303, f"{path} with the token answered {status}"
        cookie = headers["Set-Cookie"]
        return cookie.split(";")[0], cookie

    def stop(self) -> str:
        return self.server.stop() if self.server else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
