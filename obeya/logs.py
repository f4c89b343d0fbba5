"""The wall's logging: one format, and no secret in any line.

Screens open the wall once with `?token=...`; the development server (werkzeug)
and gunicorn would log that URL. `hide_tokens_in_logs` rewrites every record
so that no `token=` value and no configured token (obeya.settings.secrets)
shows in it.
"""

from __future__ import annotations

import logging
import re

from obeya import settings

TOKEN_IN_TEXT = re.compile(r"(token=)[^&\s\"']+", re.IGNORECASE)
HIDDEN = "[hidden]"


class HideTokens(logging.Filter):
    """Rewrites a log record so that no `token=...` value and no configured token shows in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = TOKEN_IN_TEXT.sub(r"\g<1>" + HIDDEN, message)
        for secret in settings.secrets():
            hidden = hidden.replace(secret, HIDDEN)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_HIDE_TOKENS = HideTokens()


def hide_tokens_in_logs() -> None:
    """Keep tokens out of werkzeug's and gunicorn's logs and out of every handler of the root logger.

    Call it after `logging.basicConfig`; calling it again adds nothing.
    """
    for name in ("werkzeug", "gunicorn.error", "gunicorn.access"):
        logging.getLogger(name).addFilter(_HIDE_TOKENS)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_HIDE_TOKENS)
