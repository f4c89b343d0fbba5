"""The words a panel prints, in the wall's language: `say = words(config)`, then `say("personas.title")`.

The catalog and the formatting live in obeya/labels.py; this is how the screen asks for them.
"""

from __future__ import annotations

from obeya.config import Config
from obeya.labels import ENGLISH, Labels, labels_for

__all__ = ["ENGLISH", "Labels", "words"]


def words(config: Config | None) -> Labels:
    """The labels of `config`'s wall (its language and the team's overrides); English without a config."""
    if config is None:
        return ENGLISH
    return labels_for(config.wall.language, config.wall.labels)
