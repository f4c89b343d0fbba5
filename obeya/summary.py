"""The wall's current numbers, themes and actions as plain JSON, for chat bots and other dashboards.

    wall_summary(config, data, stale_since=None) -> {"as_of": ..., "services": [...], "themes": ..., "actions": ...}

Built from the same `WallData` the panels are drawn from (the live wall's last
read), so the summary and the TV never disagree and asking costs no database
read. The shape is documented with an example in the README ("The summary API").
"""

from __future__ import annotations

from datetime import date, datetime

from obeya.actions import ActionItem, ActionsView, BeforeAfter
from obeya.config import CAUSES, Config
from obeya.metrics import Change, Estimate
from obeya.snapshot import FtrSeries, NpsSeries, WallData
from obeya.theme_stats import ThemesView


def wall_summary(config: Config, data: WallData, stale_since: datetime | None = None) -> dict:
    """The summary of `data` as the wall shows it; `stale_since` when the database has failed since."""
    return {
        "wall": {"title": config.wall.title, "team": config.wall.team},
        "as_of": data.as_of.isoformat(),
        "stale_since": stale_since.isoformat() if stale_since else None,
        "period": data.period,
        "min_responses": data.min_responses,
        "all_services": {"nps": _nps(data.nps_overall)},
        "services": [
            {
                "id": service.id,
                "name": service.name,
                "nps": _nps(data.nps_by_service.get(service.id)),
                "ftr": _ftr(data.ftr_by_service.get(service.id)),
            }
            for service in config.services
        ],
        "unknown_services": dict(data.unknown_services),
        "themes": _themes(data.themes),
        "actions": _actions(data.actions),
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _estimate(estimate: Estimate | None) -> dict:
    if estimate is None:  # below the minimum: the wall says "not enough responses", never a number
        return {"value": None, "low": None, "high": None}
    return {"value": round(estimate.value, 1), "low": round(estimate.low, 1), "high": round(estimate.high, 1)}


def _change(change: Change | None) -> dict | None:
    return None if change is None else {"delta": round(change.delta, 1), "significant": change.significant}


def _nps(series: NpsSeries | None) -> dict | None:
    return None if series is None else _current(series, series.current.counts.responses)


def _ftr(series: FtrSeries | None) -> dict | None:
    if series is None:
        return None
    return {**_current(series, series.current.counts.resolved), "main_miss_reason": series.main_miss_reason}


def _current(series: NpsSeries | FtrSeries, n: int) -> dict:
    """The current period of a trend: its value with the 95% interval, how many it counts, target and status."""
    return {
        **_estimate(series.current.estimate),
        "n": n,
        "period_start": _day(series.current.start),
        "target": series.target,
        "status": series.status,
        "change": _change(series.change),
    }


def _themes(view: ThemesView | None) -> dict | None:
    if view is None:
        return None
    return {
        "start": _day(view.start),
        "end": _day(view.end),
        "comments": view.comments.responses,
        "recounting": view.recounting,
        "cause_shares": {cause: _rounded(view.cause_share(cause)) for cause in CAUSES},
        "themes": [
            {
                "id": stat.theme_id,
                "name": stat.name,
                "cause": stat.cause,
                "mentions": stat.mentions.responses,
                "detractor_mentions": stat.mentions.detractors,
                "share": _rounded(stat.share),
                "impact": _rounded(stat.impact),
                "trend": _change(stat.trend),
                "rising": stat.rising,
            }
            for stat in view.themes
        ],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _actions(view: ActionsView) -> dict:
    return {
        "today": _day(view.today),
        "unanswered_gaps": view.unanswered,
        "overdue": view.overdue,
        "gaps": [
            {
                "kind": gap.kind,
                "id": gap.id,
                "name": gap.name,
                "shortfalls": [{"measure": shortfall.measure, "value": _rounded(shortfall.value),
                                "target": shortfall.target, "rise": _rounded(shortfall.rise)}
                               for shortfall in gap.shortfalls],
                "actions": [_action(item) for item in gap.actions],
            }
            for gap in view.gaps
        ],
        "other_actions": [_action(item) for item in view.other],
    }


def _action(item: ActionItem) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "owner": item.owner,
        "status": item.status,
        "started": _day(item.started),
        "due": _day(item.due),
        "done": _day(item.done),
        "overdue": item.overdue,
        "linked": list(item.linked),
        "before_after": [_before_after(change) for change in item.before_after],
    }


def _before_after(change: BeforeAfter) -> dict:
    return {
        "measure": change.measure,
        "subject": change.subject,
        "before": _rounded(change.before_value),
        "after": _rounded(change.after_value),
        "before_n": change.before_n,
        "after_n": change.after_n,
        "change": _change(change.change),
        "complete": change.complete,
    }
