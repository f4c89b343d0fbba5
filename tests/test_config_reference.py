"""The README's config reference and the models say the same: keys, defaults, and a meaning for every field.

The reference is one table per file (`| key | default | meaning |`) under the
line naming the file; a key is its path from the top of the file, `[]` for
each item of a list (`journeys[].stages[].name`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_origin

import pytest
from pydantic import BaseModel

from obeya.config import FILE_MODELS

README = Path(__file__).resolve().parent.parent / "README.md"


def reference_rows() -> dict[str, dict[str, str]]:
    """{file: {key: default as written}} from the README's "Config reference" section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Config reference"):]
    section = section[: section.index("\n## ")]
    rows: dict[str, dict[str, str]] = {}
    file = None
    for line in section.splitlines():
        if (named := re.match(r"`([a-z]+\.yaml)`", line)) and named.group(1) in FILE_MODELS:
            file = named.group(1)
        elif row := re.match(r"\| `([^`]+)` \| (.+?) \| .+ \|$", line):
            assert file, f"a table row before any file is named: {line}"
            assert row.group(1) not in rows.get(file, {}), f"{file}: {row.group(1)} is documented twice"
            rows.setdefault(file, {})[row.group(1)] = row.group(2)
    return rows


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    return [arg for arg in getattr(annotation, "__args__", ()) if isinstance(arg, type) and issubclass(arg, BaseModel)]


def model_keys(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """{key path: field} for every key a file may hold; a mapping of keys is documented by its keys."""
    keys = {}
    for name, field in model.model_fields.items():
        name = field.alias or name  # `from` is a Python keyword: the model says `start`, the YAML `from`
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            keys |= model_keys(field.annotation, f"{prefix}{name}.")
            continue
        keys[prefix + name] = field
        for inner in _models_in(field.annotation):  # a mapping or nothing: its keys; a list of mappings: each item's
            keys |= model_keys(inner, f"{prefix}{name}{'[]' if get_origin(field.annotation) is list else ''}.")
    return keys


def default_as_written(field: Any) -> str:
    """A model default the way the README writes it."""
    if field.is_required():
        return "required"
    value = field.default
    if value is None:
        return "none"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):  # panels: their ids
        return "[" + ", ".join(item.id for item in value) + "]"
    if isinstance(value, list) and value and isinstance(value[0], str):  # days: as YAML writes them inline
        return "[" + ", ".join(value) + "]"
    if isinstance(value, bool):  # as YAML writes it
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def default_in_readme(cell: str) -> str:
    return cell.strip().strip("`").strip('"')


ROWS = reference_rows()
CASES = [(file, key, field) for file, model in FILE_MODELS.items() for key, field in model_keys(model).items()]


def test_every_config_file_has_a_reference_table():
    assert sorted(ROWS) == sorted(FILE_MODELS)


@pytest.mark.parametrize("file", sorted(FILE_MODELS))
def test_every_documented_key_is_a_key_of_the_models_and_every_key_is_documented(file):
    assert sorted(ROWS[file]) == sorted(model_keys(FILE_MODELS[file]))


@pytest.mark.parametrize(("file", "key", "field"), CASES, ids=[f"{file}:{key}" for file, key, _ in CASES])
def test_documented_default_is_the_models_default(file, key, field):
    assert default_in_readme(ROWS[file][key]) == default_as_written(field)


@pytest.mark.parametrize(("file", "key", "field"), CASES, ids=[f"{file}:{key}" for file, key, _ in CASES])
def test_every_key_has_a_meaning_for_editors(file, key, field):
    assert field.description, f"{file}: give {key} a Field(description=...) in obeya/config.py"


def test_the_reference_parser_sees_what_a_reader_sees():
    assert ROWS["wall.yaml"]["daily_reload_at"] == '`"04:00"`'
    assert ROWS["journeys.yaml"]["journeys[].stages[].emotion"] == "required"
    assert default_as_written(FILE_MODELS["wall.yaml"].model_fields["panels"]) == (
        "[mission, personas, journey, nps, ftr, voices, themes, actions, changes]"
    )
