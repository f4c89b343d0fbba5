"""One plotly look for TVs: big type, thick lines, no mode bar, nothing hover-only.

Sizes are pixels at 1080p; `scale` (viewport height / 1080) multiplies them
so a 4K wall draws the same chart twice as large.
"""

from __future__ import annotations

import plotly.graph_objects as go

PALETTES = {
    "dark": {
        "text": "#f3f6f9",
        "muted": "#c3ccd6",
        "grid": "#2a3440",
        "line": "#7cc7ff",
        "band": "rgba(124, 199, 255, 0.22)",
        "target": "#ffd75e",
        "good": "#5fe0b0",
        "warn": "#ffd75e",
        "bad": "#ff9b73",
        "annotation": "#c3ccd6",
    },
    "light": {
        "text": "#0d1319",
        "muted": "#2f3b47",
        "grid": "#d5dbe2",
        "line": "#004f8f",
        "band": "rgba(0, 79, 143, 0.18)",
        "target": "#5c4700",
        "good": "#00614a",
        "warn": "#5c4700",
        "bad": "#a3320b",
        "annotation": "#2f3b47",
    },
}

BASE_FONT_PX = 24  # the smallest chart text at 1080p: 2.2% of the screen height
FONT_FAMILY = "Atkinson Hyperlegible, DejaVu Sans, sans-serif"

# dcc.Graph(config=GRAPH_CONFIG): a picture, not a tool.
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def palette(theme: str) -> dict[str, str]:
    return PALETTES.get(theme, PALETTES["dark"])


def px(value: float, scale: float) -> float:
    """A 1080p pixel size on this screen."""
    return round(value * scale, 1)


def tv_layout(theme: str = "dark", scale: float = 1.0, **overrides) -> go.Layout:
    """The base layout every chart on the wall starts from."""
    colours = palette(theme)
    font = dict(family=FONT_FAMILY, size=px(BASE_FONT_PX, scale), color=colours["text"])
    axis = dict(
        showgrid=True,
        gridcolor=colours["grid"],
        gridwidth=px(1, scale),
        zeroline=False,
        linecolor=colours["grid"],
        tickfont=dict(size=px(BASE_FONT_PX, scale), color=colours["muted"]),
        ticklen=px(6, scale),
        automargin=True,
    )
    layout = go.Layout(
        font=font,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=px(10, scale), r=px(10, scale), t=px(10, scale), b=px(10, scale), pad=0),
        showlegend=False,
        hovermode=False,
        xaxis=axis,
        yaxis=axis,
    )
    layout.update(overrides)
    return layout
