"""Serve the Obeya Wall: `python app.py` (http://127.0.0.1:8050 by default).

OBEYA_CONFIG_DIR, OBEYA_DATABASE_URL, OBEYA_HOST and OBEYA_PORT configure it
(see obeya/settings.py); with OBEYA_WALLS_DIR it serves every wall of that
folder at /w/<id>/ (layouts/walls.py). For the box behind the TV use `obeya serve`.
"""

import logging
import sys

from obeya.logs import hide_tokens_in_logs
from layouts.application import create_app
from obeya import settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hide_tokens_in_logs()
    try:
        host, port = settings.host(), settings.port()
        settings.cache_url()  # a wrong one is said here, in a sentence
    except settings.SettingsError as error:
        print(f"app.py: {error}", file=sys.stderr)
        return 2
    if settings.walls_dir():
        return _serve_walls(host, port)
    create_app().run(host=host, port=port, debug=False)
    return 0


def _serve_walls(host: str, port: int) -> int:
    from werkzeug.serving import run_simple

    from layouts.walls import create_walls_server
    from obeya.walls import WallsError

    try:
        server = create_walls_server(prepare=True)
    except WallsError as error:
        print(f"app.py: {error}", file=sys.stderr)
        return 2
    run_simple(host, port, server, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
