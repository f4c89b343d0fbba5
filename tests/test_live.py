"""The wall never goes blank: live YAML with a last good version, cached data with a stale badge."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event, insert

from layouts.application import create_app
from obeya.database import create_schema, make_engine, survey_responses
from obeya.rollups import refresh_rollups
from obeya.live import LiveWall
from tests.test_engine import fill

NOW = datetime(2025, 6, 18, 9, 30, tzinfo=timezone.utc)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    return make_engine(url)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def live(config_copy, engine, clock):
    return LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW)


def count_queries(engine) -> list[str]:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_an_edit_to_the_yaml_is_picked_up(live, config_copy):
    assert live.config_state().config.wall.title == "Lab wall"
    config_copy.edit("wall.yaml", "title: Lab wall", "title: Night shift wall")
    state = live.config_state()
    assert state.config.wall.title == "Night shift wall"
    assert state.problems == ()


def test_broken_yaml_keeps_the_last_good_config_and_names_the_problem(live, config_copy):
    good = live.config_state()
    config_copy.edit("personas.yaml", "    role: Pathologist", "      role: Pathologist")
    broken = live.config_state()
    assert broken.config == good.config
    assert broken.version == good.version
    assert [str(problem) for problem in broken.problems] == [
        "personas.yaml:17:11: YAML syntax: mapping values are not allowed here (check the indentation)"
    ]
    config_copy.edit("personas.yaml", "      role: Pathologist", "    role: Pathologist")
    fixed = live.config_state()
    assert fixed.problems == ()
    assert fixed.version == good.version + 1


def test_a_wall_started_on_broken_yaml_has_problems_and_no_config(config_copy, engine):
    config_copy.write("wall.yaml", "title: [unclosed\n")
    state = LiveWall(config_copy.path, engine).config_state()
    assert state.config is None
    assert str(state.problems[0]).startswith("wall.yaml:2:1: YAML syntax:")


def test_twenty_walls_cost_the_database_no_more_queries_than_one(config_copy, engine):
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(Engine, "before_cursor_execute", listener)
    try:
        app = create_app(config_dir=config_copy.path, database_url=str(engine.url))
        client = app.server.test_client()
        assert client.get("/_dash-layout").status_code == 200
        app.live.settle()
        reads = lambda: [statement for statement in statements if "nps_daily" in statement]  # noqa: E731
        one_wall = len(reads())
        assert one_wall > 0
        for _ in range(19):
            assert client.get("/_dash-layout").status_code == 200
        app.live.settle()
        assert len(reads()) == one_wall
    finally:
        event.remove(Engine, "before_cursor_execute", listener)


def test_data_is_read_again_after_the_refresh_period(live, engine, clock):
    live.settle()
    statements = count_queries(engine)
    clock.seconds += 299
    live.settle()
    assert not any("nps_daily" in statement for statement in statements)  # only the cheap change marker
    clock.seconds += 2
    live.settle()
    assert any("nps_daily" in statement for statement in statements)


def test_unreadable_database_keeps_the_last_good_numbers_marked_stale(live, engine, clock, tmp_path):
    good = live.settle()
    assert good.data is not None and good.stale_since is None
    engine.dispose()
    database_file = tmp_path / "wall.db"
    original = database_file.read_bytes()
    database_file.write_bytes(b"this is not a database at all" * 200)
    clock.seconds += 301
    stale = live.settle()
    assert stale.data is good.data
    assert stale.stale_since == NOW
    assert stale.problem == "other"

    engine.dispose()
    database_file.write_bytes(original)
    clock.seconds += 31  # while stale, the wall retries every 30 seconds
    recovered = live.settle()
    assert recovered.stale_since is None
    assert recovered.version == good.version + 1


def test_a_database_that_was_never_reachable_gives_no_data_and_an_error(config_copy):
    engine = make_engine("postgresql://wall_reader@127.0.0.1:1/desk")
    state = LiveWall(config_copy.path, engine, now=lambda: NOW).settle()
    assert state.data is None
    assert state.stale_since == NOW
    assert state.problem


# --- a real PostgreSQL whose connections the test cuts -----------------------


@pytest.fixture
def postgres_through_proxy(tmp_path):
    from tests.db_servers import fresh_database
    from tests.tcp_proxy import TcpProxy

    with fresh_database("postgresql", tmp_path) as url:
        fill(url)
        proxy = TcpProxy("127.0.0.1", 5432)
        engine = make_engine(url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}") + "?connect_timeout=3")
        try:
            yield engine, proxy
        finally:
            engine.dispose()
            proxy.close()


def test_cut_postgres_connections_keep_the_last_numbers_stale_until_it_answers_again(postgres_through_proxy,
                                                                                      config_copy, clock):
    engine, proxy = postgres_through_proxy
    live = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW)
    good = live.settle()
    assert good.data is not None and good.stale_since is None

    proxy.cut()
    clock.seconds += 301
    stale = live.settle()
    assert stale.data is good.data
    assert stale.stale_since == NOW
    assert stale.problem

    clock.seconds += 31
    assert live.settle().data is good.data  # still cut: still the last good numbers

    proxy.restore()
    clock.seconds += 31
    recovered = live.settle()
    assert recovered.stale_since is None and recovered.problem is None
    assert recovered.version == good.version + 1



def test_a_database_whose_network_holds_its_bytes_is_said_too_slow_and_the_numbers_stay(postgres_through_proxy,
                                                                                       config_copy, clock):
    """Nothing answers and nothing fails (a stalled proxy, a half-open connection): no timeout of the driver
    fires. Past the wall's own timeouts the screens say "too slow since" the read began; when the bytes
    flow again, the read finishes and the badge goes."""
    from obeya.engine import CONNECT_SECONDS
    from obeya.live import HUNG_GRACE_SECONDS

    engine, proxy = postgres_through_proxy
    live = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW)
    good = live.settle()
    timeout = live.config_state().config.wall.database_timeout_seconds
    proxy.hold()
    try:
        clock.seconds += 301
        assert live.data_state().stale_since is None  # a read has begun, and may still answer in time
        clock.seconds += timeout + CONNECT_SECONDS + HUNG_GRACE_SECONDS
        hung = live.data_state()
        assert (hung.data, hung.stale_since, hung.problem) == (good.data, NOW, "slow")
    finally:
        proxy.release()
    recovered = live.settle()
    assert (recovered.data, recovered.stale_since, recovered.problem) == (good.data, None, None)



def test_a_database_too_slow_to_answer_is_asked_less_and_less_often(tmp_path, config_copy, clock):
    from tests.db_servers import fresh_database

    with fresh_database("postgresql", tmp_path) as url:
        fill(url)
        config_copy.edit("wall.yaml", "rotate_seconds: 20", "rotate_seconds: 20\ndatabase_timeout_seconds: 1")
        live = LiveWall(config_copy.path, make_engine(url, read_only=True), clock=clock,
                        now=lambda: NOW + timedelta(seconds=clock.seconds - 1000))
        good = live.settle()
        # from now on the team's query takes longer than the wall waits for it
        config_copy.write("sources.yaml", "responses: |\n  SELECT r.* FROM survey_responses r "
                          "CROSS JOIN (SELECT pg_sleep(5)) AS slow\n")
        reads = count_queries(live.engine)

        def read_at(seconds: float) -> bool:
            clock.seconds = 1000 + seconds
            before = len(reads)
            live.settle()
            return any("pg_sleep" in statement for statement in reads[before:])

        assert read_at(1) and live.data_state().problem == "slow"  # the edit is read at once: too slow
        assert (read_at(20), read_at(32)) == (False, True)  # 30 s later, as for any failure
        assert (read_at(600), read_at(899), read_at(901)) == (True, False, True)  # 10 min in: every 5 min
        assert live.data_state().data is good.data  # the numbers stay up all along
        live.engine.dispose()


def test_a_restarted_server_shows_the_last_numbers_at_once_stale_while_the_database_is_away(
        postgres_through_proxy, config_copy, clock, tmp_path):
    """A TV never goes blank after a restart: the numbers the server had are on disk, shown as of their
    read and marked stale while the database is away, replaced by the next read."""
    from obeya.live import kept_numbers_file

    engine, proxy = postgres_through_proxy
    kept = kept_numbers_file(tmp_path / "data", str(engine.url))
    good = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW, kept=kept).settle()
    assert kept.exists()
    proxy.cut()
    later = NOW + timedelta(hours=1)
    restarted = LiveWall(config_copy.path, engine, clock=clock, now=lambda: later, kept=kept)
    first = restarted.data_state()
    assert (first.data, first.reading, first.read_at, first.stale_since) == (good.data, False, NOW, None)
    stale = restarted.settle()
    assert (stale.data, stale.stale_since) == (good.data, later) and stale.problem
    other = LiveWall(config_copy.path, engine, clock=clock, kept=kept_numbers_file(tmp_path / "data", "sqlite:///x"))
    assert other.data_state().data is None  # another database's numbers are never shown


def test_kept_numbers_that_cannot_be_read_are_left_and_the_database_read(tmp_path, config_copy, caplog):
    url = f"sqlite:///{tmp_path / 'wall.db'}"
    fill(url)
    kept = tmp_path / "last-numbers.json"
    kept.write_text('{"data": {"as_of": "yesterday"}}')
    live = LiveWall(config_copy.path, make_engine(url), kept=kept)
    assert live.data_state().reading
    assert live.settle().data is not None
    assert f"the last numbers in {kept} are not used:" in caplog.text


# --- several processes, one reader ----------------------------------------------


def shared_caches(kind: str, tmp_path):
    """Two caches that see the same store, as two workers of one server would."""
    import os
    import uuid

    from obeya.cache import FileCache, RedisCache

    if kind == "file":
        return FileCache(tmp_path / "cache"), FileCache(tmp_path / "cache")
    prefix = f"obeya-test-{uuid.uuid4().hex[:8]}:"
    first = RedisCache("redis://127.0.0.1:6379/0", prefix=prefix)
    try:
        first.client.ping()
    except Exception as error:  # the server is not there
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis not reachable at 127.0.0.1:6379: {error}")
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {error}")
    return first, RedisCache("redis://127.0.0.1:6379/0", prefix=prefix)


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_workers_sharing_a_cache_read_the_database_once_per_period(kind, config_copy, engine, tmp_path):
    first_cache, second_cache = shared_caches(kind, tmp_path)
    workers = [LiveWall(config_copy.path, engine, now=lambda: NOW, cache=cache) for cache in (first_cache,
                                                                                            second_cache)]
    workers[0].settle()  # the roll-ups are counted in the wall's zone once
    statements = count_queries(engine)
    fresh = [LiveWall(config_copy.path, engine, now=lambda: NOW, cache=cache) for cache in (first_cache,
                                                                                         second_cache)]
    states = [worker.settle() for worker in fresh]
    assert not any("nps_daily" in statement for statement in statements)  # both took what the first had read
    assert states[0].data == states[1].data == workers[0].settle().data
    assert states[0].read_at == states[1].read_at


def test_the_memory_cache_keeps_a_bounded_number_of_results():
    from obeya.cache import MemoryCache

    cache = MemoryCache(most=4)
    for number in range(10):
        cache.set(f"data:{number}", str(number), 300)
    assert [cache.get(f"data:{number}") for number in range(10)] == [None] * 6 + ["6", "7", "8", "9"]


def test_the_folder_cache_forgets_expired_results(tmp_path):
    from obeya.cache import FileCache

    cache = FileCache(tmp_path)
    cache.set("data:old", "old", -1)
    cache.set("data:new", "new", 300)
    assert sorted(path.name for path in tmp_path.glob("*.json")) == ["data_new.json"]
    assert cache.get("data:new") == "new"


# --- screens never wait; new rows show within seconds; the cache holds data, not code ---------------------


def test_screens_never_wait_for_a_read_that_hangs(tmp_path, config_copy):
    from tests.db_servers import fresh_database

    with fresh_database("postgresql", tmp_path) as url:
        fill(url)
        # The team's query waits on a lock the test holds: the read hangs until the test lets go.
        config_copy.write("sources.yaml", "responses: |\n  SELECT r.* FROM survey_responses r "
                          "CROSS JOIN (SELECT pg_advisory_xact_lock_shared(4242) AS held) wait\n")
        holder = make_engine(url).connect()
        holder.exec_driver_sql("SELECT pg_advisory_lock(4242)")
        app = create_app(config_dir=config_copy.path, database_url=url)
        client = app.server.test_client()
        try:
            layout = client.get("/_dash-layout")
            assert layout.status_code == 200 and "Reading the numbers" in layout.get_data(as_text=True)
            assert app.live._reader.is_alive()  # the read is still waiting on the database
            health = [client.get("/_obeya/health").status_code for _ in range(5)]
            assert health == [200] * 5
            assert "Reading the numbers" in client.get("/_dash-layout").get_data(as_text=True)
        finally:
            holder.exec_driver_sql("SELECT pg_advisory_unlock(4242)")
            holder.close()
        state = app.live.settle()
        app.live.engine.dispose()
        assert state.data is not None and state.problem is None


def test_new_rows_show_within_seconds_of_a_write_that_marks_them(config_copy, engine, clock):
    from datetime import timedelta

    from obeya.rollups import mark_data_changed
    from obeya.live import MARKER_SECONDS

    live = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW + timedelta(seconds=clock.seconds - 1000))
    first = live.settle()
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"NEW{i}", "ticket_id": f"N{i}", "service": "lims",
             "responded_at": datetime(2025, 6, 11, 10, 0), "score": 9, "comment": None} for i in range(10)])
        mark_data_changed(connection)
    refresh_rollups(engine, zone="Europe/Berlin")
    clock.seconds += 1
    assert live.settle().version == first.version  # the marker is checked every few seconds, not on every poll
    clock.seconds += MARKER_SECONDS
    after = live.settle()
    assert after.version == first.version + 1
    assert after.data.nps_by_service["lims"] != first.data.nps_by_service["lims"]


@pytest.mark.parametrize("kind", ["file", "redis"])
def test_a_pickle_planted_in_the_shared_cache_is_refused_not_run(kind, config_copy, engine, tmp_path):
    import pickle

    planted = tmp_path / "planted-code-ran"

    class Exploit:
        def __reduce__(self):
            return (open, (str(planted), "w"))

    cache, _ = shared_caches(kind, tmp_path)
    live = LiveWall(config_copy.path, engine, now=lambda: NOW, cache=cache)
    key = f"data:{live.config_state().digest}:-"
    hostile = pickle.dumps(Exploit())
    if kind == "redis":
        cache.client.set(cache.prefix + key, hostile)
    else:
        cache.set(key, hostile.decode("latin-1"), 300)
    state = live.settle()
    assert not planted.exists()
    assert state.data is not None  # read from the database instead


@pytest.mark.parametrize("kind", ["memory", "file", "redis"])
def test_a_worker_whose_lock_expired_never_releases_the_lock_another_took(kind, tmp_path):
    import time as clock_time

    from obeya.cache import MemoryCache

    first, second = (MemoryCache(), None) if kind == "memory" else shared_caches(kind, tmp_path)
    second = second or first
    mine = first.lock("data:x", 0.05)
    assert mine and first.lock("data:x", 0.05) is None
    deadline = clock_time.monotonic() + 10
    theirs = None
    while theirs is None and clock_time.monotonic() < deadline:  # wait for mine to expire
        theirs = second.lock("data:x", 30)
    assert theirs
    first.unlock("data:x", mine)  # the slow worker finishes late
    assert second.lock("data:x", 30) is None  # theirs still holds
    second.unlock("data:x", theirs)
    assert second.lock("data:x", 30)


def test_stale_times_on_the_wall_are_in_the_walls_zone(config_copy):
    from zoneinfo import ZoneInfo

    app = create_app(config_dir=config_copy.path, database_url="postgresql://wall_reader:s3cret@127.0.0.1:1/desk")
    app.live.settle()
    page = app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    since = app.live.data_state().stale_since.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"trying to read since {since:%H:%M}" in page  # never read since the start: not "stale"
    assert "Problem: cannot reach the database." in page
    assert not any(secret in page for secret in ("wall_reader", "s3cret", "127.0.0.1", "desk"))


THEMES_YAML = """themes:
  - id: waiting
    name: Waiting without news
    cause: process
    phrases: [waited]
"""


def test_an_edited_themes_yaml_is_counted_in_the_background_while_the_wall_shows_the_counts_it_had(
        config_copy, tmp_path, clock, caplog):
    from obeya.config import load_config
    from obeya.theme_rollups import ThemeRules

    url = f"sqlite:///{tmp_path / 'themes.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:  # in the themes window of NOW: 20 waited, 20 were treated rudely
        connection.execute(insert(survey_responses), [
            {"response_id": f"R{i}", "ticket_id": f"T{i}", "service": "lims", "responded_at": datetime(2025, 6, 10, 10),
             "score": 3, "comment": "I waited two days" if i < 20 else "The agent was rude"} for i in range(40)])
    config_copy.write("themes.yaml", THEMES_YAML)
    refresh_rollups(engine, zone="Europe/Berlin", rules=ThemeRules.of(load_config(config_copy.path)))
    reads = itertools.count()  # every read a second later, so each is a new one
    live = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW + timedelta(seconds=next(reads)))
    themes = live.settle().data.themes
    assert (themes.theme("waiting").mentions.responses, themes.recounting) == (20, False)  # from the roll-ups

    caplog.set_level("INFO", logger="obeya.theme_recount")
    config_copy.write("themes.yaml", THEMES_YAML + "  - id: rude\n    name: Rude\n    cause: people\n    phrases: [rude]\n")
    shown = live.settle().data.themes  # the new rules are not in the roll-ups: counted with the earlier ones
    assert shown.recounting and shown.theme("rude").mentions.responses == 0
    assert shown.theme("waiting").mentions.responses == 20, "the wall keeps the counts it had"
    live.recounts.join(30)
    recounted = live.settle().data.themes
    assert not recounted.recounting and recounted.theme("rude").mentions.responses == 20
    assert recounted.cause_share("people") == 50.0
    assert any("comment themes counted" in record.message for record in caplog.records)


def test_with_the_teams_own_sql_the_wall_counts_the_themes_itself(config_copy, tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'own.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [
            {"response_id": f"R{i}", "ticket_id": f"T{i}", "service": "lims", "responded_at": datetime(2025, 6, 10, 10),
             "score": 2, "comment": "I waited a week"} for i in range(12)])
    config_copy.write("themes.yaml", THEMES_YAML)
    config_copy.write("sources.yaml", "responses: SELECT response_id, ticket_id, service, responded_at, score, comment "
                                      "FROM survey_responses\n")
    reads = itertools.count()
    live = LiveWall(config_copy.path, engine, clock=clock, now=lambda: NOW + timedelta(seconds=next(reads)))
    assert live.settle().data.themes is None  # nothing counted yet: the panel says the comments are being counted
    live.recounts.join(30)
    assert live.settle().data.themes.theme("waiting").mentions.responses == 12
