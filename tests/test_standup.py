"""The stand-up without a browser: standup.yaml, the shared state's commands, pairing codes, the remote's routes.

The browser side (keys, the timer, two TVs and a phone) is tests/browser/test_browser_standup.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from layouts.application import create_app
from obeya.__main__ import main
from obeya.cache import MemoryCache
from obeya.config import AgendaItem, Annotation, ConfigError, load_config
from obeya.live import LiveWall
from obeya.database import make_engine
from obeya.labels import labels_for
from obeya.remote import (Command, CommandError, Meeting, Pairings, RemoteNotes, WallState, WallStateStore,
                          agenda_slides, annotations_yaml, apply, merged_annotations, overrun, parse_command,
                          parse_note)
from tests.conftest import REPO_ROOT

PANELS = ["mission", "personas", "journey", "nps", "ftr", "voices", "actions"]
AGENDA = (AgendaItem(panel="nps", minutes=3, who="Priya"), AgendaItem(panel="personas", minutes=2),
          AgendaItem(panel="voices", minutes=1))
PAGES = {"mission": 1, "personas": 2, "journey": 1, "nps": 2, "ftr": 1, "voices": 1}
STANDUP_YAML = """starts: ["09:15"]
days: [mon, tue, wed, thu, fri]
agenda:
  - {panel: nps, minutes: 3, who: Priya}
  - {panel: personas, minutes: 2, page: 2}
  - voices
"""


def problems(config_copy) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_copy.load()
    return [str(problem) for problem in caught.value.problems]


# --- standup.yaml ----------------------------------------------------------------------------------------------


def test_the_shipped_standup_yaml_follows_an_agenda_of_the_shipped_panels():
    config = load_config(REPO_ROOT / "config")
    assert config.standup.starts == ["09:15"]
    assert [(item.panel, item.minutes, item.who) for item in config.agenda()] == [
        ("changes", 2, None), ("nps", 3, "Priya"), ("ftr", 3, "Sam"), ("voices", 2, None), ("actions", 3, None)]


def test_without_standup_yaml_the_agenda_is_the_rotation_two_minutes_a_panel(test_config):
    assert test_config.standup.starts == []
    assert [(item.panel, item.minutes) for item in test_config.agenda()] == [(panel, 2) for panel in PANELS]


def test_standup_yaml_is_read_with_its_shorthand(config_copy):
    config = config_copy.write("standup.yaml", STANDUP_YAML).load()
    assert [(item.panel, item.minutes, item.page) for item in config.agenda()] == [
        ("nps", 3, None), ("personas", 2, 2), ("voices", 2, None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("agenda:\n  - {panel: charts, minutes: 2}\n",
     "standup.yaml:2:13: agenda[0]: unknown panel 'charts'; use mission, personas, journey, nps, ftr, voices, themes, "
     "actions or changes"),
    ("agenda:\n  - {panel: nps, minutes: 0}\n", "standup.yaml:2:27: agenda[0].minutes: must be more than 0"),
    ("starts: [9:15]\n", 'standup.yaml:1:10: starts[0]: write the time in quotes, like "09:15" '
                         "(unquoted, YAML reads 9:15 as the number 555)"),
    ("days: [monday]\n", "standup.yaml:1:8: days[0]: must be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"),
    ("agenda:\n  - {panel: nps, minute: 3}\n",
     "standup.yaml:2:18: unknown key 'minute' in agenda[0] (did you mean 'minutes'?)"),
])
def test_a_wrong_standup_yaml_is_named_by_file_line_and_key(config_copy, text, expected):
    assert problems(config_copy.write("standup.yaml", text)) == [expected]


def test_an_agenda_panel_must_be_on_the_wall(config_copy):
    config_copy.edit("wall.yaml", "  - voices\n", "")
    config_copy.write("standup.yaml", "agenda:\n  - {panel: voices, minutes: 2}\n")
    assert problems(config_copy) == [
        "standup.yaml:2:13: agenda[0].panel: panel 'voices' is not on the wall; add it to wall.yaml's panels "
        "or use mission, personas, journey, nps, ftr, actions"]


def test_a_broken_standup_yaml_keeps_the_last_good_config(config_copy, tmp_path):
    live = LiveWall(config_copy.path, make_engine(f"sqlite:///{tmp_path / 'wall.db'}"))
    config_copy.write("standup.yaml", STANDUP_YAML)
    good = live.config_state()
    config_copy.write("standup.yaml", STANDUP_YAML.replace("minutes: 3", "minutes: lots"))
    broken = live.config_state()
    assert broken.config == good.config and len(broken.config.agenda()) == 3
    assert [str(problem) for problem in broken.problems] == [
        "standup.yaml:4:27: agenda[0].minutes: must be a number, not 'lots'"]


# --- commands ---------------------------------------------------------------------------------------------------


def test_commands_are_the_remotes_buttons():
    assert parse_command({"command": "next"}, PANELS) == Command("next")
    assert parse_command({"command": "goto:voices"}, PANELS) == Command("goto", panel="voices")
    assert parse_command({"command": "hold", "on": True}, PANELS) == Command("hold", on=True)
    assert parse_command({"command": "standup", "on": True, "slot": "2026-12-07T09:15"}, PANELS) == \
        Command("standup", on=True, slot="2026-12-07T09:15")


@pytest.mark.parametrize(("body", "message"), [
    ("next", 'send JSON like {"command": "next"}; the commands are next, prev, hold, standup or goto:<panel>'),
    ({"command": "reboot"}, "unknown command 'reboot': the commands are next, prev, hold, standup or goto:<panel>"),
    ({"command": "goto"}, "unknown command 'goto': the commands are next, prev, hold, standup or goto:<panel>"),
    ({"command": "goto:charts"},
     "unknown panel 'charts': this wall shows mission, personas, journey, nps, ftr, voices, actions"),
    ({"command": "next", "sql": "drop table"}, "unknown key 'sql': a command may have command, on, slot, standup"),
    ({"command": "next", "on": True}, "'on' is true or false, and only for hold and standup"),
    ({"command": "standup", "on": True, "slot": "tomorrow"},
     "'slot' is a scheduled start like 2026-12-07T09:15, only with standup and on: true"),
])
def test_a_wrong_command_is_a_sentence(body, message):
    with pytest.raises(CommandError) as caught:
        parse_command(body, PANELS)
    assert str(caught.value) == message


def run(state: WallState, *commands: Command, now: float = 1000.0) -> WallState:
    for command in commands:
        state = apply(state, command, AGENDA, PAGES, now, new_id=lambda: "0123456789abcdef")
    return state


def test_a_standup_steps_through_every_page_of_each_item_and_then_the_wall_rotates():
    assert agenda_slides(AGENDA, PAGES) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
    state = run(WallState(), Command("standup"))
    assert state.mode == "standup"
    assert state.standup == Meeting("0123456789abcdef", 1000.0, 0, 0, 1000.0)
    state = apply(state, Command("next"), AGENDA, PAGES, 1060.0)
    assert (state.standup.item, state.standup.page, state.standup.item_started_at) == (0, 1, 1000.0)
    state = apply(state, Command("next"), AGENDA, PAGES, 1200.0)
    assert (state.standup.item, state.standup.page, state.standup.item_started_at) == (1, 0, 1200.0)
    state = run(state, Command("next"), Command("next"))
    assert (state.standup.item, state.standup.page) == (2, 0)
    assert run(state, Command("next")).mode == "rotating"


def test_previous_on_the_first_item_stays_there():
    state = run(WallState(), Command("standup"))
    assert run(state, Command("prev")) == state


def test_a_jump_in_a_standup_goes_to_that_item_or_shows_the_panel_off_the_agenda():
    state = run(WallState(), Command("standup"), Command("goto", panel="voices"))
    assert (state.standup.item, state.standup.detour) == (2, None)
    state = run(state, Command("goto", panel="journey"))
    assert (state.standup.item, state.standup.detour) == (2, "journey")
    state = run(state, Command("next"))
    assert (state.standup.item, state.standup.detour) == (2, None), "next first goes back to the agenda"


def test_hold_stops_the_standups_clock_and_resuming_moves_it_on():
    state = run(WallState(), Command("standup"))
    held = apply(state, Command("hold"), AGENDA, PAGES, 1030.0)
    assert held.held and held.mode == "standup"
    resumed = apply(held, Command("hold"), AGENDA, PAGES, 1100.0)
    assert not resumed.held
    assert (resumed.standup.started_at, resumed.standup.item_started_at) == (1070.0, 1070.0)


def test_a_scheduled_start_starts_once_and_a_screen_ends_only_the_standup_it_saw():
    slot = Command("standup", on=True, slot="2026-12-07T09:15")
    state = run(WallState(), slot)
    assert state.mode == "standup" and state.last_slot == "2026-12-07T09:15"
    ended = run(state, Command("standup", on=False))
    assert run(ended, slot) == ended, "a second screen's start of the same slot starts nothing"
    again = run(ended, Command("standup", on=True))
    assert run(again, Command("standup", on=False, meeting="fedcba9876543210")) == again


def test_a_standup_left_open_past_its_end_and_the_overrun_is_over():
    state = run(WallState(), Command("standup"))
    planned = 6 * 60
    assert not overrun(state, AGENDA, 15, 1000 + planned + 15 * 60)
    assert overrun(state, AGENDA, 15, 1000 + planned + 15 * 60 + 1)


def test_moves_outside_a_standup_are_numbered_for_every_screen_to_make_once():
    state = run(WallState(), Command("next"), Command("goto", panel="nps"))
    assert (state.move.seq, state.move.kind, state.move.panel) == (2, "goto", "nps")
    assert state.mode == "rotating"


def test_the_shared_state_survives_in_the_cache_and_a_command_that_changes_nothing_writes_nothing():
    cache = MemoryCache()
    store = WallStateStore(cache)
    store.change(lambda state: run(state, Command("hold")))
    assert WallStateStore(cache).read().held
    version = store.read().version
    store.change(lambda state: run(state, Command("hold", on=True)))
    assert store.read().version == version


# --- pairing codes -----------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pairing_code_pairs_one_phone_within_its_minutes():
    clock = Clock()
    pairings = Pairings(MemoryCache(), 300, clock)
    first, second, third = pairings.issue(), pairings.issue(), pairings.issue()
    assert pairings.redeem(first.code) is None
    assert pairings.redeem(first.code) == ("This pairing link was used already: each QR code pairs one phone. "
                                           "Press R on the TV for a new QR code.")
    clock.now += 299
    assert pairings.redeem(second.code) is None
    clock.now += 1
    assert pairings.redeem(third.code) == ("This pairing link has expired: a QR code is valid for 5 minutes. "
                                           "Press R on the TV for a new QR code.")
    assert pairings.redeem("x" * 22) == ("This pairing link is not known (or expired long ago). "
                                         "Press R on the TV for a new QR code.")
    assert pairings.redeem("../../etc") == "This pairing link is not one the wall made. Press R on the TV for a new QR code."
    assert pairings.redeem(first.code, labels_for("nl")) == (
        "Deze koppellink is al gebruikt: elke QR-code koppelt één telefoon. Druk op R op de tv voor een nieuwe QR-code.")


# --- annotations from the remote ---------------------------------------------------------------------------


def test_an_annotation_is_checked_and_kept_in_the_data_folder(test_config, tmp_path):
    today = date(2026, 12, 1)
    note = parse_note({"text": "  New analyser   firmware ", "service": "analysers"}, test_config, today)
    assert note == Annotation(date=today, text="New analyser firmware", service="analysers")
    notes = RemoteNotes(tmp_path / "data" / "remote-annotations.json")
    notes.add(note)
    notes.add(parse_note({"text": "Night line staffed"}, test_config, today))
    assert [item.text for item in notes.read()] == ["New analyser firmware", "Night line staffed"]
    assert annotations_yaml(notes.read()) == (
        "annotations:\n- date: 2026-12-01\n  text: New analyser firmware\n  service: analysers\n"
        "- date: 2026-12-01\n  text: Night line staffed\n")


@pytest.mark.parametrize(("body", "message"), [
    ({"text": "x" * 61}, "the text has 61 characters; an annotation has at most 60"),
    ({"text": "   "}, "write what happened: the text is empty"),
    ({"text": "Firmware", "service": "printers"},
     "unknown service 'printers': use one of analysers, lims, or none for every chart"),
    ({"text": "Firmware", "date": "2020-01-01"},
     "unknown key 'date': an annotation has text and, optionally, service"),
])
def test_a_wrong_annotation_is_a_sentence(test_config, body, message):
    with pytest.raises(CommandError) as caught:
        parse_note(body, test_config, date(2026, 12, 1))
    assert str(caught.value) == message


def test_remote_annotations_join_the_configs_once(test_config):
    from dataclasses import replace

    mine = Annotation(date=date(2026, 12, 1), text="Firmware", service="lims")
    config = replace(test_config, annotations=(mine,))
    gone = Annotation(date=date(2026, 12, 1), text="Old", service="printers")
    every = Annotation(date=date(2026, 12, 2), text="Outage")
    assert merged_annotations(config, [mine, gone, every]) == (mine, every)


def test_annotations_export_prints_yaml_for_annotations_yaml(capsys, monkeypatch, tmp_path, test_config):
    monkeypatch.setenv("OBEYA_DATA_DIR", str(tmp_path))
    RemoteNotes(tmp_path / "remote-annotations.json").add(
        parse_note({"text": "Night line staffed"}, test_config, date(2026, 12, 1)))
    assert main(["annotations", "export"]) == 0
    out, err = capsys.readouterr()
    assert out == "annotations:\n- date: 2026-12-01\n  text: Night line staffed\n"
    assert err.startswith("# 1 annotation added on the remote, from ")


# --- the routes ------------------------------------------------------------------------------------------------


@pytest.fixture
def make_app(test_config_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("OBEYA_DATA_DIR", str(tmp_path / "data"))

    def make(token=None, remote_token=None):
        return create_app(config_dir=test_config_dir, database_url=f"sqlite:///{tmp_path / 'wall.db'}",
                          token=token, remote_token=remote_token)
    return make


@pytest.mark.parametrize("path", ["/remote", "/remote/", "/remote?token=x", "/remote/events", "/remote/_dash-layout"])
def test_without_a_remote_token_there_is_no_remote(make_app, path):
    client = make_app().server.test_client()
    assert client.get(path).status_code == 404
    assert client.post("/remote/command", json={"command": "next"}).status_code == 404
    assert client.post("/_obeya/pairing", json={}).status_code == 404


def test_the_remote_opens_with_its_token_once_and_refuses_a_wrong_one_in_a_sentence(make_app):
    client = make_app(token="w4ll", remote_token="r3mote").server.test_client()
    refused = client.get("/remote?token=w4ll")
    assert refused.status_code == 403
    assert "opens with its link and token, or with the QR code the TV shows on key R" in refused.text
    response = client.get("/remote?token=r3mote")
    assert response.status_code == 303 and response.headers["Location"] == "/remote"
    assert "HttpOnly" in response.headers["Set-Cookie"] and "r3mote" not in response.headers["Set-Cookie"]
    assert client.get("/remote/").status_code == 200
    assert client.get("/").status_code == 401, "the remote's cookie does not open the wall"


def test_a_tv_pairs_a_phone_once(make_app):
    app = make_app(token="w4ll", remote_token="r3mote")
    tv, phone, other = (app.server.test_client() for _ in range(3))
    assert tv.post("/_obeya/pairing", json={}).status_code == 401, "only a screen of the wall asks for a code"
    tv.get("/?token=w4ll")
    answer = tv.post("/_obeya/pairing", json={}).json
    assert answer["seconds"] == 300 and answer["qr"].startswith("data:image/svg+xml")
    link = answer["link"].removeprefix("http://localhost")
    assert link.startswith("/remote?pair=")
    assert phone.get(link).status_code == 303
    assert phone.get("/remote/").status_code == 200
    used = other.get(link)
    assert used.status_code == 403 and "was used already" in used.text


def test_a_wrong_command_answers_400_and_changes_nothing(make_app):
    client = make_app(remote_token="r3mote").server.test_client()
    client.get("/remote?token=r3mote")
    before = client.post("/remote/command", json={"command": "hold", "on": False}).json
    answer = client.post("/remote/command", json={"command": "goto:charts"})
    assert answer.status_code == 400
    assert answer.json == {"error": "unknown panel 'charts': this wall shows mission, personas, journey, nps, "
                                    "ftr, voices, actions"}
    assert client.post("/remote/command", data="command=next").status_code == 400, "JSON only"
    after = client.post("/remote/command", json={"command": "hold", "on": False}).json
    assert after["version"] == before["version"]


def test_a_remote_annotation_shows_on_the_trends_and_a_wrong_one_is_refused(make_app):
    app = make_app(remote_token="r3mote")
    client = app.server.test_client()
    client.get("/remote?token=r3mote")
    refused = client.post("/remote/annotation", json={"text": "x" * 61})
    assert refused.status_code == 400
    assert refused.json == {"error": "the text has 61 characters; an annotation has at most 60"}
    assert app.live.config_state().config.annotations_for("lims") == ()
    added = client.post("/remote/annotation", json={"text": "Night line staffed", "service": "lims"})
    assert added.status_code == 200 and added.json["text"] == "Night line staffed"
    assert [note.text for note in app.live.config_state().config.annotations_for("lims")] == ["Night line staffed"]


def test_a_screens_event_stream_starts_with_the_shared_state(make_app):
    client = make_app().server.test_client()
    client.post("/_obeya/command", json={"command": "standup"})
    stream = client.get("/_obeya/events", buffered=False)
    assert stream.mimetype == "text/event-stream"
    chunks = iter(stream.response)
    assert next(chunks).startswith(b"retry:")
    message = json.loads(next(chunks).decode().removeprefix("data: "))
    stream.close()
    assert message["mode"] == "standup" and message["standup"]["item"] == 0
    assert [item["panel"] for item in message["agenda"]] == PANELS
