"""Pieces every panel uses: headings, freshness, status with icon and word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dash import html

from obeya.metrics import Status

STATUS_WORDS: dict[str, str] = {
    "on_target": "On target",
    "within_noise": "Within noise",
    "off_target": "Off target",
    "no_data": "No data",
}
STATUS_ICONS: dict[str, str] = {
    "on_target": "bi-check-circle-fill",
    "within_noise": "bi-dash-circle-fill",
    "off_target": "bi-x-circle-fill",
    "no_data": "bi-question-circle",
}


@dataclass(frozen=True)
class Screen:
    """How the wall is being shown: chart sizing and data freshness."""

    scale: float = 1.0  # viewport height / 1080: chart pixel sizes are multiplied by it
    theme: str = "dark"
    stale_since: datetime | None = None  # the data could not be refreshed since then


def icon(name: str, label: str | None = None) -> html.I:
    """A Bootstrap icon; decorative unless `label` is given."""
    if label:
        return html.I(className=f"bi {name}", role="img", **{"aria-label": label})
    return html.I(className=f"bi {name}", **{"aria-hidden": "true"})


def status_badge(status: Status, *, chip: bool = False, words: str | None = None) -> html.Span:
    """Status as colour, icon and word together, never colour alone."""
    classes = f"status status-{status}" + (" status-chip" if chip else "")
    return html.Span([icon(STATUS_ICONS[status]), words or STATUS_WORDS[status]], className=classes)


def freshness(as_of: datetime | None, stale_since: datetime | None = None) -> html.Div:
    """'as of HH:MM', plus a stale badge when the database could not be read since then."""
    parts: list = [f"as of {as_of:%H:%M}" if as_of else "no data yet"]
    if stale_since is not None:
        parts.append(html.Span([icon("bi-exclamation-triangle-fill"), f" stale since {stale_since:%H:%M}"],
                               className="stale-badge"))
    return html.Div(parts, className="freshness")


def panel_heading(title: str, subtitle: str | None = None, *, as_of: datetime | None = None,
                  stale_since: datetime | None = None, data_panel: bool = False) -> html.Div:
    """The heading row of a page: title, optional subtitle, and freshness on data panels."""
    children: list = [html.H1(title, className="panel-title")]
    if subtitle:
        children.append(html.Div(subtitle, className="panel-subtitle"))
    if data_panel:
        children.append(freshness(as_of, stale_since))
    return html.Div(children, className="panel-heading")


def signed(value: float, decimals: int = 0) -> str:
    """A number with its sign, using a real minus sign: +12, −3, 0."""
    text = f"{abs(value):.{decimals}f}"
    if round(value, decimals) > 0:
        return "+" + text
    if round(value, decimals) < 0:
        return "\u2212" + text
    return text
