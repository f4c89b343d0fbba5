"""The one registry of panels: id, title and whether it shows numbers from the database.

A panel is one entry here and one module `layouts/<id>.py` with a
`render(config, data, screen)` function; the config model's allowed panel
ids, the default rotation, the frame's tabs and the test driver all derive
from this list. To add a panel: add its entry (in default rotation order),
write `layouts/<id>.py`, and its tab's words to the label catalogs
(`tab.<id>` in obeya/catalog/*.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from obeya.labels import catalog


@dataclass(frozen=True)
class Panel:
    id: str  # used in URLs (?panel=), wall.yaml and data-panel: a contract, never renamed
    data: bool  # shows numbers read from the database (so it waits for the first read)

    @property
    def title(self) -> str:
        """The tab's words in English; a wall shows them in its language (catalog key `tab.<id>`)."""
        return catalog("en")[f"tab.{self.id}"]


PANELS: tuple[Panel, ...] = (
    Panel("mission", data=False),
    Panel("personas", data=False),
    Panel("journey", data=True),
    Panel("nps", data=True),
    Panel("ftr", data=True),
    Panel("voices", data=True),
    Panel("themes", data=True),
    Panel("actions", data=True),
    Panel("changes", data=True),
)
PANEL_IDS: tuple[str, ...] = tuple(panel.id for panel in PANELS)
PanelId = Literal[PANEL_IDS]  # type: ignore[valid-type]  (the allowed values of wall.yaml's panels)


def panel(panel_id: str) -> Panel:
    """The registry entry of `panel_id` (KeyError for an unknown id)."""
    return {entry.id: entry for entry in PANELS}[panel_id]
