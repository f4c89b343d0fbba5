"""Several servers, one wall (issue 15): what must be equal on every server, and a Redis that goes away.

The servers themselves, a proxy and a browser: tests/browser/test_browser_hosts.py.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys

import pytest

from obeya import release, settings
from obeya.cache import FileCache, RedisCache, SharedCache
from obeya.processes import free_port
from tests.wall_server import REPO_ROOT


def project_copy(folder):
    for name in release.CODE_FOLDERS:
        shutil.copytree(REPO_ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "app.py", folder / "app.py")
    return folder


def test_the_boot_id_is_the_same_for_the_same_code_and_changes_with_new_code(tmp_path, monkeypatch):
    digest = release.code_digest.__wrapped__  # without the once-per-process memory
    here = digest()
    monkeypatch.setattr(settings, "PROJECT_ROOT", project_copy(tmp_path / "other-host"))
    assert digest() == here, "two hosts with the same code must give screens the same boot id"
    (tmp_path / "other-host" / "assets" / "wall.js").write_text("// a new release\n", encoding="utf-8")
    assert digest() != here, "new code must reload the screens"
    monkeypatch.setenv("OBEYA_BOOT_ID", "release-42")
    assert release.boot_id() == "release-42"


@pytest.mark.parametrize("command", [["app.py"], ["-m", "obeya", "serve"]], ids=["app.py", "serve"])
def test_a_cache_url_that_is_not_redis_is_refused_in_a_sentence_without_its_password(command):
    env = {"PATH": "/usr/bin:/bin", "OBEYA_CACHE_URL": "http://wall:secret-pw@cache.example:6379/0",
           "OBEYA_PORT": str(free_port())}
    result = subprocess.run([sys.executable, *command], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert ("OBEYA_CACHE_URL must be a Redis URL like redis://127.0.0.1:6379/0 (redis://, rediss:// or unix://), "
            "not 'cache.example:6379/0'") in result.stderr
    assert "secret-pw" not in result.stderr + result.stdout


@pytest.fixture(params=["refused", "hangs"])
def lost_redis(request):
    """The URL of a Redis that is not there (connections refused) or that hangs (connects, never answers)."""
    if request.param == "refused":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return
    with socket.socket() as listener:  # listening, never accepting: the kernel connects, nobody answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_without_redis_a_server_uses_its_own_cache_and_says_so_once(lost_redis, tmp_path, caplog):
    cache = SharedCache(RedisCache(lost_redis), FileCache(tmp_path / "own"))
    with caplog.at_level(logging.WARNING, logger="obeya.cache"):
        for _ in range(5):
            cache.set("data:x", "numbers", 60)
            assert cache.get("data:x") == "numbers"
            token = cache.lock("data:x", 5)
            assert token is not None and cache.lock("data:x", 5) is None  # still one reader at a time
            cache.unlock("data:x", token)
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "this server reads the database for itself until Redis is back" in warnings[0]
    assert cache.count("rate:x", 60) is None  # the ingest pace: counted by each process meanwhile


def test_two_servers_count_one_ingest_pace_through_redis():
    import time
    import uuid

    from obeya.cache import MemoryCache
    from obeya.ingest import RateLimit

    def server() -> RateLimit:
        cache = SharedCache(RedisCache("redis://127.0.0.1:6379/0", prefix=f"obeya-test-{run}:"), MemoryCache())
        return RateLimit(3, shared=cache)

    for _ in range(2):  # a count that straddled a minute of the clock is tried once more
        run = uuid.uuid4().hex[:8]
        first, second = server(), server()
        minute = int(time.time() // 60)
        answers = [first.retry_after("token"), second.retry_after("token"), first.retry_after("token"),
                   second.retry_after("token")]
        if int(time.time() // 60) == minute:
            break
    assert answers[:3] == [None, None, None]
    assert isinstance(answers[3], int) and 1 <= answers[3] <= 61, "the fourth request of the minute is refused"


def test_fifty_walls_hear_their_own_news_over_one_redis_connection():
    """Stand-up news goes over Redis pub/sub; fifty walls on a server listen on one connection, and a wall
    hears only its own news."""
    import threading
    import time
    import uuid

    from obeya.cache import MemoryCache
    from obeya.walls import WallCache

    run = uuid.uuid4().hex[:8]
    shared = SharedCache(RedisCache("redis://127.0.0.1:6379/0", prefix=f"obeya-test-{run}:"), MemoryCache())
    before = set(threading.enumerate())
    heard: dict[str, threading.Event] = {}
    subscriptions = []
    for number in range(50):
        wall = f"wall-{number:02d}"
        heard[wall] = threading.Event()
        # The first call is the catch-up each listener gets once it listens: the news comes after.
        calls = iter([lambda: None])
        subscriptions.append(WallCache(shared, wall).subscribe(
            "state", lambda calls=calls, wall=wall: next(calls, heard[wall].set)()))
    deadline = time.monotonic() + 10
    while not all(subscription.live.is_set() for subscription in subscriptions) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(subscription.live.is_set() for subscription in subscriptions), "not every wall listens"
    listeners = [thread for thread in set(threading.enumerate()) - before if thread.name == "obeya-subscribe"]
    assert len(listeners) == 1
    assert shared.shared.client.pubsub_channels(f"obeya-test-{run}:*") == []  # one pattern, no channel each
    WallCache(shared, "wall-07").publish("state")
    assert heard["wall-07"].wait(10), "wall-07 did not hear its news"
    assert [wall for wall, event in heard.items() if event.is_set()] == ["wall-07"]
