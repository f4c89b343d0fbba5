"""The one registry of panels: id, title and whether it shows numbers from the database.

A panel is one entry here and one module `layouts/<id>.py` with a
`render(config, data, screen)` function; the config model's allowed panel
ids, the default rotation, the frame's tabs and the test driver all derive
from this list. To add a panel: add its entry (in default rotation order),
write `layouts/<id>.py`, and its title to the label catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Panel:
    id: str  # used in URLs (?panel=), wall.yaml and data-panel: a contract, never renamed
    title: str  # the tab's words
    data: bool  # shows numbers read from the database (so it waits for the first read)


PANELS: tuple[Panel, ...] = (
    Panel("mission", "Mission", data=False),
    Panel("personas", "Personas", data=False),
    Panel("journey", "Journey", data=True),
    Panel("nps", "NPS", data=True),
    Panel("ftr", "First time right", data=True),
    Panel("voices", "Voices", data=True),
)
PANEL_IDS: tuple[str, ...] = tuple(panel.id for panel in PANELS)
PanelId = Literal[PANEL_IDS]  # type: ignore[valid-type]  (the allowed values of wall.yaml's panels)


def panel(panel_id: str) -> Panel:
    """The registry entry of `panel_id` (KeyError for an unknown id)."""
    return {entry.id: entry for entry in PANELS}[panel_id]
