"""Production serving: the wall under gunicorn, debug never on.

Gunicorn forks its workers from this process. Before it does, the database is
prepared once (schema, demo data on the embedded default) so workers do not
race to build it, and a temporary folder is set as `OBEYA_CACHE_DIR` so the
workers share what they read: always, or, with `OBEYA_CACHE_URL` naming a
Redis, while that Redis is away. The boot id screens reload on is the code's
digest (obeya/release.py): the same in every worker and every server.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile

from gunicorn import util
from gunicorn.app.base import BaseApplication

from obeya import settings


APP_FACTORY = "layouts.application:create_server()"  # the WSGI app gunicorn serves
WALLS_FACTORY = "layouts.walls:create_walls_server()"  # with OBEYA_WALLS_DIR: every wall of the folder
# Each open screen and remote holds a thread with its event stream (the stand-up's state); the rest of a
# worker's threads answer pages, polls and commands. Waiting threads cost little memory.
SERVE_THREADS = 16


class WallServer(BaseApplication):
    """Gunicorn running the wall's Flask server in each worker."""

    def __init__(self, options: dict, factory: str = APP_FACTORY) -> None:
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # By its name, in the worker after the fork: the domain does not import the screen.
        return util.import_app(self.factory)


def serve(workers: int = 2, threads: int = SERVE_THREADS) -> int:
    """Run gunicorn on OBEYA_HOST:OBEYA_PORT until stopped; returns its exit status."""
    from obeya.database import prepare_database
    from obeya.logs import hide_tokens_in_logs

    if not (settings.PROJECT_ROOT / "assets").is_dir():
        print(f"obeya serve: no assets/ in {settings.PROJECT_ROOT}: the wall runs from its project folder, "
              "installed with `pip install -e .` there", file=sys.stderr)
        return 2
    try:
        host = settings.host()
        bind = f"[{host}]:{settings.port()}" if ":" in host else f"{host}:{settings.port()}"  # IPv6 in brackets
        settings.cache_url()  # a wrong one is said here, once, not by every worker failing to start
    except settings.SettingsError as error:
        print(f"obeya serve: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    hide_tokens_in_logs()  # gunicorn's error log names the URL of a request that failed
    factory = _prepare_walls() if settings.walls_dir() else None
    if factory is None:
        url = settings.database_url()
        prepare_database(url, settings.config_dir(),
                         writer=settings.ingest_writer_url(url) if settings.ingest_token() else None)
    elif not factory:
        return 2
    cache_dir = None
    if not settings.cache_dir():
        cache_dir = tempfile.mkdtemp(prefix="obeya-cache-")
        os.environ["OBEYA_CACHE_DIR"] = cache_dir
    options = {
        "bind": bind,
        "workers": max(workers, 1),
        "worker_class": "gthread",  # long-polling screens must not block each other
        "threads": max(threads, 1),
        "timeout": 60,
        "keepalive": 30,  # screens poll every 2 s: keep their connections instead of resetting them
        "graceful_timeout": 10,
        "accesslog": None,  # screens poll every 2 s; were it on, hide_tokens_in_logs keeps tokens out of it
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "obeya-wall",
    }
    try:
        WallServer(options, factory or APP_FACTORY).run()
    finally:
        if cache_dir:
            shutil.rmtree(cache_dir, ignore_errors=True)
    return 0


def _prepare_walls() -> str:
    """Several walls (OBEYA_WALLS_DIR): each wall's database prepared before the fork; the factory to serve,
    or "" after saying why the folder cannot be served."""
    from obeya.walls import WallsError, prepare_wall, walls_from_env

    try:
        walls = walls_from_env()
    except WallsError as error:
        print(f"obeya serve: {error}", file=sys.stderr)
        return ""
    for wall in walls.walls:
        try:
            prepare_wall(wall)
        except Exception as error:  # that wall answers 503 with the reason; the others are served
            logging.getLogger(__name__).warning("the wall %s: %s", wall.id, error)
    return WALLS_FACTORY
