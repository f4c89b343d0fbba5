"""Serve the Obeya Wall: `python app.py` (http://127.0.0.1:8050 by default).

OBEYA_CONFIG_DIR, OBEYA_DATABASE_URL, OBEYA_HOST and OBEYA_PORT configure it.
"""

import logging
import os

from layouts.application import create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    app.run(host=os.environ.get("OBEYA_HOST", "127.0.0.1"), port=int(os.environ.get("OBEYA_PORT", "8050")),
            debug=False)


if __name__ == "__main__":
    main()
