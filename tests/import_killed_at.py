"""`python -m obeya import ...` that kills itself (SIGKILL) at a chosen point, for the crash tests.

    python tests/import_killed_at.py POINT import responses FILE.csv ...

POINT is one of KILL_POINTS: after taking the writer lock, while writing the
second chunk of rows, after the roll-ups are counted (before the commit), or
right after the commit. Nothing is cleaned up: the process just dies, as it
would under the OOM killer or a pulled plug.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import obeya.__main__  # noqa: E402
import obeya.import_command  # noqa: E402
import obeya.importer  # noqa: E402

KILL_POINTS = ("locked", "writing", "counted", "committed")


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _then_die(function, calls: int = 1):
    done = []

    def wrapper(*arguments, **keywords):
        result = function(*arguments, **keywords)
        done.append(True)
        if len(done) == calls:
            _die()
        return result

    return wrapper


def main(point: str, argv: list[str]) -> int:
    if point == "locked":
        obeya.importer.lock_for_writing = _then_die(obeya.importer.lock_for_writing)
    elif point == "writing":
        obeya.importer.CHUNK_ROWS = 3  # several chunks, so the kill falls between two of them
        obeya.importer._Writer.write = _then_die(obeya.importer._Writer.write, calls=2)
    elif point == "counted":
        obeya.importer.mark_data_changed = _then_die(obeya.importer.mark_data_changed)
    elif point == "committed":
        obeya.import_command.import_rows = _then_die(obeya.import_command.import_rows)
    else:
        raise SystemExit(f"unknown point {point!r}: use one of {', '.join(KILL_POINTS)}")
    return obeya.__main__.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
