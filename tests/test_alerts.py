"""Alerts (obeya/alerts.py): which news is an alert, and the cool-down that keeps one from repeating."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from obeya.alerts import Alert, AlertLog, find_alerts
from obeya.changes import ChangesView, movements
from obeya.config import Theme
from obeya.metrics import NpsCounts
from obeya.snapshot import Voice

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
COOLDOWN = timedelta(hours=12)
WAITING = Theme(id="waiting", name="Waiting without news", cause="process", phrases=["waited"], watch=True)
SLOW = Theme(id="slow", name="Took too long", cause="process", phrases=["too long"])


def moved(this_week: NpsCounts, week_before: NpsCounts):
    """The changes panel's moves for service lims, this rolling week against the one before."""
    nps = {("lims", date(2026, 11, 25)): this_week, ("lims", date(2026, 11, 18)): week_before}
    return movements(nps, {}, [("lims", "LIMS")], TODAY, min_responses=30)


def voice(score: int, themes: tuple[str, ...], new: bool = True) -> Voice:
    return Voice(response_id=f"R-{score}-{'-'.join(themes)}", service="LIMS", score=score,
                 band="detractor" if score <= 6 else "promoter" if score >= 9 else "passive",
                 responded_at=NOW, text="waited", themes=themes, new=new)


def data(moves=(), voices=()):
    return SimpleNamespace(changes=ChangesView(since=NOW, days=7, movements=tuple(moves)), voices=tuple(voices))


def test_a_drop_beyond_noise_alerts_its_panel_and_a_rise_does_not(test_config):
    drop = moved(NpsCounts(20, 40, 40), NpsCounts(60, 20, 20))  # 60 points down, 100 responses a week
    assert set(find_alerts(test_config, data(drop))) == {Alert("nps:lims", "nps"), Alert("nps:all", "nps")}
    rise = moved(NpsCounts(60, 20, 20), NpsCounts(20, 40, 40))
    assert find_alerts(test_config, data(rise)) == ()


def test_a_drop_on_too_few_responses_is_no_alert(test_config):
    assert find_alerts(test_config, data(moved(NpsCounts(2, 4, 4), NpsCounts(6, 2, 2)))) == ()


def test_a_new_detractor_comment_on_a_watched_theme_alerts_the_voices_panel(test_config):
    config = SimpleNamespace(wall=test_config.wall, themes=(WAITING, SLOW))
    assert find_alerts(config, data(voices=[voice(2, ("waiting",))])) == (Alert("theme:waiting", "voices"),)
    assert find_alerts(config, data(voices=[voice(2, ("slow",))])) == ()             # not watched
    assert find_alerts(config, data(voices=[voice(10, ("waiting",))])) == ()         # a promoter
    assert find_alerts(config, data(voices=[voice(2, ("waiting",), new=False)])) == ()  # before the last stand-up


def test_an_alert_for_a_panel_out_of_rotation_is_dropped(test_config):
    config = SimpleNamespace(wall=test_config.wall.model_copy(update={"panels": test_config.wall.panels[:3]}),
                             themes=(WAITING,))
    assert find_alerts(config, data(moved(NpsCounts(20, 40, 40), NpsCounts(60, 20, 20)),
                                    [voice(2, ("waiting",))])) == ()


def test_an_alert_fires_once_when_its_news_appears_and_stays_live_for_the_cooldown():
    log = AlertLog()
    news = [Alert("nps:lims", "nps")]
    (live,) = log.update(news, NOW, COOLDOWN)
    assert (live.panel, live.until) == ("nps", NOW + COOLDOWN)
    # every screen size draws the same data: the same alert, not a new one
    assert log.update(news, NOW + timedelta(minutes=5), COOLDOWN) == (live,)
    # still there after the cool-down: it is old news, not a repeat
    assert log.update(news, NOW + timedelta(hours=13), COOLDOWN) == ()


def test_news_that_comes_back_within_the_cooldown_does_not_alert_again():
    log = AlertLog()
    news = [Alert("nps:lims", "nps")]
    (first,) = log.update(news, NOW, COOLDOWN)
    assert log.update([], NOW + timedelta(hours=1), COOLDOWN) == ()  # back within noise
    assert log.update(news, NOW + timedelta(hours=2), COOLDOWN) == (first,)  # the same firing, not a new one
    log.update([], NOW + timedelta(hours=3), COOLDOWN)
    (again,) = log.update(news, NOW + timedelta(hours=13), COOLDOWN)  # after the cool-down: news again
    assert again.key != first.key and again.until == NOW + timedelta(hours=25)


def test_two_servers_sharing_a_cache_fire_an_alert_once_and_draw_it_alike(tmp_path):
    """Behind one load balancer both servers draw the same wall: the same alert key, one firing per cool-down."""
    from obeya.alerts import SharedAlertLog
    from obeya.cache import FileCache

    first, second = (SharedAlertLog(FileCache(tmp_path / "shared")) for _ in range(2))
    news = [Alert("nps:lims", "nps")]
    drawn_first = first.update(news, NOW, COOLDOWN)
    drawn_second = second.update(news, NOW + timedelta(minutes=5), COOLDOWN)  # its own refresh, a bit later
    assert drawn_first == drawn_second and len(drawn_first) == 1
    assert second.update([], NOW + timedelta(minutes=10), COOLDOWN) == ()  # the news went away ...
    back = first.update(news, NOW + timedelta(hours=1), COOLDOWN)  # ... and came back within the cool-down
    assert back == drawn_first, "an alert fired again within its cool-down on the other server"
