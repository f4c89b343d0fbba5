"""Shared fixtures: the small test config (never the shipped `config/`) and editable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from obeya.config import Config, load_config

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_CONFIG_DIR = Path(__file__).resolve().parent / "fixtures" / "config"

# Property tests leave no example database behind in the working tree.
settings.register_profile("obeya", database=None)
settings.load_profile("obeya")


class ConfigCopy:
    """A copy of the test config in a temp folder, to break one thing at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def edit(self, name: str, old: str, new: str) -> ConfigCopy:
        """Replace the one occurrence of `old` in file `name` with `new`."""
        file = self.path / name
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        file.write_text(text.replace(old, new), encoding="utf-8")
        return self

    def write(self, name: str, text: str) -> ConfigCopy:
        (self.path / name).write_text(text, encoding="utf-8")
        return self

    def remove(self, name: str) -> ConfigCopy:
        (self.path / name).unlink()
        return self

    def load(self) -> Config:
        return load_config(self.path)


@pytest.fixture(scope="session", autouse=True)
def own_data_folder(tmp_path_factory):
    """What walls built in the tests write for themselves (the last numbers, the remote's notes) goes to a
    folder of the session's, never the project's data/."""
    import os

    before = os.environ.get("OBEYA_DATA_DIR")
    os.environ["OBEYA_DATA_DIR"] = str(tmp_path_factory.mktemp("obeya-data"))
    yield
    if before is None:
        os.environ.pop("OBEYA_DATA_DIR", None)
    else:
        os.environ["OBEYA_DATA_DIR"] = before


@pytest.fixture(scope="session")
def test_config_dir() -> Path:
    """The small valid config the tests run against."""
    return TEST_CONFIG_DIR


@pytest.fixture(scope="session")
def test_config() -> Config:
    return load_config(TEST_CONFIG_DIR)


@pytest.fixture
def config_copy(tmp_path: Path) -> ConfigCopy:
    """A fresh, editable copy of the test config in `tmp_path / "config"`."""
    folder = tmp_path / "config"
    shutil.copytree(TEST_CONFIG_DIR, folder)
    return ConfigCopy(folder)
