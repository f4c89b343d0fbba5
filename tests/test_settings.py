"""The environment the wall reads, and what it uses when a variable is not set."""

from __future__ import annotations

from pathlib import Path

import pytest

from obeya import settings

PROJECT = Path(__file__).resolve().parent.parent
VARIABLES = ["OBEYA_CONFIG_DIR", "OBEYA_DATABASE_URL", "OBEYA_HOST", "OBEYA_PORT", "OBEYA_WALL_TOKEN",
             "OBEYA_REMOTE_TOKEN", "OBEYA_INGEST_TOKEN", "OBEYA_CACHE_URL", "OBEYA_CACHE_DIR", "OBEYA_BOOT_ID",
             "OBEYA_WALLS_DIR"]


@pytest.fixture
def environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_variables_the_wall_serves_the_projects_config_and_demo_database_on_loopback(environment):
    assert settings.config_dir() == PROJECT / "config"
    assert settings.database_url() == f"sqlite:///{PROJECT / 'data' / 'obeya.db'}"
    assert (settings.host(), settings.port()) == ("127.0.0.1", 8050)
    assert settings.wall_token() is None and settings.remote_token() is None and settings.ingest_token() is None
    assert settings.cache_url() is None and settings.cache_dir() is None and settings.boot_id() is None
    assert settings.walls_dir() is None
    assert settings.secrets() == []


def test_variables_are_read_when_asked_so_a_test_or_serve_can_set_them(environment, tmp_path):
    environment.setenv("OBEYA_CONFIG_DIR", str(tmp_path))
    environment.setenv("OBEYA_DATABASE_URL", "postgresql://wall_reader@db-host/servicedesk")
    environment.setenv("OBEYA_PORT", "8123")
    environment.setenv("OBEYA_WALL_TOKEN", "wall")
    environment.setenv("OBEYA_INGEST_TOKEN", "ingest")
    environment.setenv("OBEYA_WALLS_DIR", str(tmp_path / "walls"))
    assert settings.config_dir() == tmp_path
    assert settings.database_url() == "postgresql://wall_reader@db-host/servicedesk"
    assert settings.port() == 8123
    assert settings.secrets() == ["wall", "ingest"]
    assert settings.walls_dir() == tmp_path / "walls"


def test_an_empty_variable_means_its_default(environment):
    environment.setenv("OBEYA_CONFIG_DIR", "")
    environment.setenv("OBEYA_PORT", "")
    assert settings.config_dir() == PROJECT / "config"
    assert settings.port() == 8050


@pytest.mark.parametrize("value", ["80a", "0", "65536", "-1", "٨٠٥٠"])
def test_a_port_that_is_not_a_port_is_named(environment, value):
    environment.setenv("OBEYA_PORT", value)
    with pytest.raises(settings.SettingsError) as error:
        settings.port()
    assert str(error.value) == f"OBEYA_PORT must be a port number from 1 to 65535, not {value!r}"
