"""What the commands of `python -m obeya` share: exit codes, the config folder, the wall's config,
the engine for $OBEYA_DATABASE_URL, and the wording of counts and errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from obeya import settings
from obeya.config import Config, ConfigError, load_config
from obeya.database import make_engine

PROJECT_CONFIG_DIR = settings.DEFAULT_CONFIG_DIR

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def config_folder(given: str | None) -> tuple[str, bool]:
    """(the config folder as it is shown, whether the user named it): the given folder,
    else $OBEYA_CONFIG_DIR, else the project's own config/ (never the current folder)."""
    named = given or settings.named_config_dir()
    if named:
        return named, True
    try:
        shown = PROJECT_CONFIG_DIR.relative_to(Path.cwd())
    except ValueError:
        shown = PROJECT_CONFIG_DIR
    return str(shown), False


def wall_config(given: str | None) -> tuple[Config | None, int | None]:
    """(the wall's config, None) for the writers; (None, None) when the project's default folder is
    not there; (None, exit code) after printing why a config folder that is there cannot be used."""
    directory, named = config_folder(given)
    shown = os.path.join(directory, "")
    if not Path(directory).is_dir():
        if not named:
            return None, None
        print(f"{directory}: {'not a folder' if Path(directory).exists() else 'no such folder'}", file=sys.stderr)
        return None, EXIT_INVALID
    try:
        return load_config(directory), None
    except ConfigError as error:
        for problem in error.problems:
            print(f"{shown}{problem}", file=sys.stderr)
        print(f"{shown}: the config is not valid; fix it (python -m obeya validate) or name another folder "
              "with --config", file=sys.stderr)
        return None, EXIT_INVALID


class CommandStopped(Exception):
    """A command cannot go on; what is wrong has been said. `main` returns `code`."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def config_and_engine(config_dir: str | None) -> tuple[Config | None, Engine, str]:
    """The wall's config (None when the project's folder is not there), the engine for
    $OBEYA_DATABASE_URL and that database as it is shown (no password).

    Raises CommandStopped with the exit code, after saying what is wrong.
    """
    config, failed = wall_config(config_dir)
    if failed is not None:
        raise CommandStopped(failed)
    engine = engine_or_message()
    if engine is None:
        raise CommandStopped(EXIT_INVALID)
    return config, engine, engine.url.render_as_string(hide_password=True)


def engine_or_message(*, read_only: bool = False) -> Engine | None:
    """The engine for $OBEYA_DATABASE_URL, or None after saying why it cannot be made."""
    try:
        return make_engine(read_only=read_only)
    except (SQLAlchemyError, ImportError, OSError) as error:  # malformed URL, driver not installed, no folder
        print(f"cannot use OBEYA_DATABASE_URL: {error}", file=sys.stderr)
        return None


def usage_error(message: str, command: str = "import") -> int:
    print(f"python -m obeya {command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


# --- wording -----------------------------------------------------------------


def counted(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {plural or noun + 's'}"


def spellings(counts: dict[str, int], shown: int = 10) -> str:
    """'"Printers" (2), "Clinical workstations" (1)', the first `shown` of them and a count of the rest."""
    listed = ", ".join(f'"{spelling}" ({rows:,})' for spelling, rows in list(counts.items())[:shown])
    if len(counts) > shown:
        listed += f" and {counted(len(counts) - shown, 'more spelling')}"
    return listed


def first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]

