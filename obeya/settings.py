"""What the environment says: every `OBEYA_*` variable and its default, in one place.

Each function reads the environment when called, never at import, so tests and
`serve` (which sets `OBEYA_CACHE_DIR` for its workers) can
change a value before the app is built. No Dash here.

The project folder is where `assets/`, `config/` and `data/` live: the wall
runs from a clone (`pip install -e .`), not from a copy in site-packages.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "obeya.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
DEFAULT_PAIRING_SECONDS = 300  # a QR code on the TV pairs a phone within five minutes


class SettingsError(ValueError):
    """An environment variable holds a value the wall cannot use; the message says which and why."""


def _text(name: str) -> str | None:
    """The variable's value, None when unset or empty (an empty value means "use the default")."""
    return os.environ.get(name) or None


def config_dir() -> Path:
    """The team's YAML: `OBEYA_CONFIG_DIR`, else the project's `config/` folder."""
    return Path(_text("OBEYA_CONFIG_DIR") or DEFAULT_CONFIG_DIR)


def named_config_dir() -> str | None:
    """`OBEYA_CONFIG_DIR` as the operator wrote it (None when unset): commands print paths the way they were given."""
    return _text("OBEYA_CONFIG_DIR")


def named_database_url() -> str | None:
    """`OBEYA_DATABASE_URL` when set: the commands that may overwrite data want to know it was asked for."""
    return _text("OBEYA_DATABASE_URL")


def default_database_url() -> str:
    """The embedded SQLite file under the project's `data/`, filled with demo data on first start."""
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"


def database_url() -> str:
    """The database the wall reads: `OBEYA_DATABASE_URL`, else the embedded SQLite file."""
    return _text("OBEYA_DATABASE_URL") or default_database_url()


def host() -> str:
    """Where to listen: `OBEYA_HOST`, else loopback only."""
    return _text("OBEYA_HOST") or DEFAULT_HOST


def port() -> int:
    """The port to listen on: `OBEYA_PORT`, else 8050."""
    return _whole_number("OBEYA_PORT", DEFAULT_PORT, 1, 65535, "a port number")


def _whole_number(name: str, default: int, low: int, high: int, what: str) -> int:
    value = _text(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise SettingsError(f"{name} must be {what} from {low} to {high}, not {value!r}")
    return int(value)


def wall_token() -> str | None:
    """The token screens need once in their link (`OBEYA_WALL_TOKEN`); None: open to whoever reaches the port."""
    return _text("OBEYA_WALL_TOKEN")


def remote_token() -> str | None:
    """The token of the facilitator's remote control (`OBEYA_REMOTE_TOKEN`); None: no `/remote`."""
    return _text("OBEYA_REMOTE_TOKEN")


def pairing_seconds() -> int:
    """How long the QR code the TV shows on key R pairs a phone (`OBEYA_PAIRING_SECONDS`, 5–3600; default 300)."""
    return _whole_number("OBEYA_PAIRING_SECONDS", DEFAULT_PAIRING_SECONDS, 5, 3600, "a whole number of seconds")


def data_dir() -> Path:
    """Where the wall keeps what it writes itself (`OBEYA_DATA_DIR`, default the project's `data/`):
    the annotations added on the remote. The embedded database's place is `default_database_url`."""
    value = _text("OBEYA_DATA_DIR")
    return Path(value) if value else DEFAULT_DATABASE_PATH.parent


def remote_notes_path() -> Path:
    """The annotations added on the remote: a JSON file in the data folder."""
    return data_dir() / "remote-annotations.json"


def ingest_token() -> str | None:
    """The bearer token of the ingest API (`OBEYA_INGEST_TOKEN`); None: no `POST /api/v1/...`."""
    return _text("OBEYA_INGEST_TOKEN")


def ingest_database_url() -> str | None:
    """The database the ingest API writes to (`OBEYA_INGEST_DATABASE_URL`, a user that may write the wall's
    tables); None: the wall's own URL, when the wall reads as a user that may also write."""
    return _text("OBEYA_INGEST_DATABASE_URL")


def ingest_writer_url(reading_url: str) -> str:
    """What the ingest API writes with: `OBEYA_INGEST_DATABASE_URL`, else `reading_url`, the wall's database."""
    return ingest_database_url() or reading_url


def admin_token() -> str | None:
    """The token of the index of walls at `/` (`OBEYA_ADMIN_TOKEN`, with `OBEYA_WALLS_DIR`); None: no index."""
    return _text("OBEYA_ADMIN_TOKEN")


def secrets() -> list[str]:
    """Every token that is set: the values no log line may show."""
    return [token for token in (wall_token(), remote_token(), ingest_token(), admin_token()) if token]


CACHE_SCHEMES = ("redis://", "rediss://", "unix://")


def cache_url() -> str | None:
    """A Redis URL (`OBEYA_CACHE_URL`) through which workers and servers share what they read."""
    value = _text("OBEYA_CACHE_URL")
    if value is not None and not value.lower().startswith(CACHE_SCHEMES):
        shown = value.rpartition("@")[2] if "@" in value else value  # never a password in a message
        raise SettingsError(f"OBEYA_CACHE_URL must be a Redis URL like redis://127.0.0.1:6379/0 "
                            f"(redis://, rediss:// or unix://), not {shown!r}")
    return value


def cache_dir() -> Path | None:
    """A folder (`OBEYA_CACHE_DIR`) through which the workers of one server share what they read."""
    value = _text("OBEYA_CACHE_DIR")
    return Path(value) if value else None


def boot_id() -> str | None:
    """The boot id screens reload on (`OBEYA_BOOT_ID`); unset: the code's digest (obeya/release.py)."""
    return _text("OBEYA_BOOT_ID")


def walls_dir() -> Path | None:
    """A folder with one config folder per wall (`OBEYA_WALLS_DIR`); None: the single wall at `/`."""
    value = _text("OBEYA_WALLS_DIR")
    return Path(value) if value else None
