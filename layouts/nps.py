"""The nps panel."""

from __future__ import annotations

from dash import html

from layouts.components import Screen, panel_heading
from obeya.config import Config
from obeya.snapshot import WallData


def render(config: Config, data: WallData | None, screen: Screen) -> list:
    """Pages of the nps panel (placeholder)."""
    return [html.Div([panel_heading("nps")])]
