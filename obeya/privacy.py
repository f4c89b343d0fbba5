"""Masking personal data in survey comments before they reach a screen."""

from __future__ import annotations

import re

# Order matters: e-mail before the bare numbers that may sit inside one.
_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\b(?:INC|REQ|RITM|CHG|PRB|TASK|SCTASK)\d{4,}\b", re.IGNORECASE), "[ticket]"),
    (re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b"), "[ticket]"),
    (re.compile(r"\b(?:employee|emp|personnel|staff)\s*(?:no\.?|number|nr\.?|#|id)?\s*[:#]?\s*\d{3,}\b", re.IGNORECASE),
     "[employee no.]"),
    (re.compile(r"\b[EP]\d{5,8}\b"), "[employee no.]"),
    (re.compile(r"(?<![\w])\+?\d[\d ()./-]{6,}\d(?![\w])"), "[phone]"),
)


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses, phone numbers, ticket and employee numbers replaced by labels."""
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text
