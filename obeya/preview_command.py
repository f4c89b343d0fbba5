"""`python -m obeya preview DIR`: an edited copy of the config served on another port, before it goes live.

The preview is the production server with one worker, reading the same
database read-only; only the config folder and the port differ. Problems in
the folder are printed first; the preview shows them as the wall would.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from obeya import settings
from obeya.config import ConfigError, load_config
from obeya.console import EXIT_USAGE


def run(arguments: argparse.Namespace) -> int:
    """Serve `arguments.config_dir` with the production server on another port; the exit code."""
    from obeya.server import serve

    if not Path(arguments.config_dir).is_dir():
        print(f"{arguments.config_dir}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        port = arguments.port or settings.port() + 1
    except settings.SettingsError as error:
        print(f"obeya preview: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not 1 <= port <= 65535:
        print(f"obeya preview: --port must be a port number from 1 to 65535, not {port}", file=sys.stderr)
        return EXIT_USAGE
    try:
        load_config(arguments.config_dir)
    except ConfigError as error:
        for problem in error.problems:
            print(f"{os.path.join(arguments.config_dir, '')}{problem}")
    print(f"previewing {arguments.config_dir} on http://{settings.host()}:{port}/ (Ctrl-C stops it)", flush=True)
    os.environ["OBEYA_CONFIG_DIR"] = str(arguments.config_dir)  # read by the server's workers (obeya.settings)
    os.environ["OBEYA_PORT"] = str(port)
    return serve(workers=1)
