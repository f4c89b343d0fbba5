"""Which code a server runs: the boot id screens compare to know when to reload.

A screen reloads its page when the boot id of `/_obeya/health` changes
(assets/wall.js). The id is a digest of what the browser's page depends on:
the wall's code (obeya/, layouts/, app.py), its assets/ and the versions of
Dash and its component packages. Every process, worker or server, that runs
the same code gives the same id, so a screen whose requests land on another
server behind a load balancer never reloads; a deploy of new code does.
`OBEYA_BOOT_ID` overrides it.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata

from obeya import settings

CODE_FOLDERS = ("obeya", "layouts", "assets")
CODE_FILES = ("app.py",)
PAGE_PACKAGES = ("dash", "dash-bootstrap-components", "plotly")


@functools.cache
def code_digest() -> str:
    """A digest of the code and assets under the project folder and of the page's packages (read once)."""
    root = settings.PROJECT_ROOT
    paths = [root / name for name in CODE_FILES]
    for folder in CODE_FOLDERS:
        paths += (path for path in (root / folder).rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."))
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes() + b"\0")
        except OSError:
            digest.update(b"-\0")
    for package in PAGE_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-\0".encode())
    return digest.hexdigest()[:20]


def boot_id() -> str:
    """`OBEYA_BOOT_ID` when set, else the code's digest: equal in every process running the same code."""
    return settings.boot_id() or code_digest()
