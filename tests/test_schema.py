"""Editors get help while typing: JSON Schemas that match the models, referenced by every shipped file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from obeya.schema import SCHEMA_MODELS, schema_name, schema_text

SHIPPED = Path(__file__).resolve().parent.parent / "config"


@pytest.mark.parametrize("config_file", sorted(SCHEMA_MODELS))
def test_committed_schema_matches_the_models(config_file):
    committed = (SHIPPED / "schema" / schema_name(config_file)).read_text(encoding="utf-8")
    assert committed == schema_text(config_file), "run: python -m obeya schema"


@pytest.mark.parametrize("config_file", sorted(SCHEMA_MODELS))
def test_every_shipped_file_names_its_schema_for_the_yaml_language_server(config_file):
    first_line = (SHIPPED / config_file).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=schema/{schema_name(config_file)}"


def test_schema_forbids_unknown_keys_like_the_loader():
    schema = json.loads(schema_text("personas.yaml"))
    assert schema["$defs"]["Persona"]["additionalProperties"] is False
    assert set(schema["$defs"]["Persona"]["required"]) == {"id", "name", "role", "quote"}


def test_shipped_files_validate_against_their_schema():
    for config_file in SCHEMA_MODELS:
        data = yaml.safe_load((SHIPPED / config_file).read_text(encoding="utf-8")) or {}  # all comments: empty
        jsonschema.validate(json.loads(json.dumps(data, default=str)), json.loads(schema_text(config_file)))


@pytest.mark.parametrize("config_file", sorted(SCHEMA_MODELS))
def test_every_key_in_the_schema_has_a_description_for_hover(config_file):
    schema = json.loads(schema_text(config_file))
    undescribed = [f"{name}.{key}" for name, model in [(config_file, schema), *schema.get("$defs", {}).items()]
                   for key, spec in model.get("properties", {}).items()
                   if not spec.get("description") and "$ref" not in spec]
    assert undescribed == []


def test_hover_text_is_the_field_description():
    schema = json.loads(schema_text("journeys.yaml"))
    assert schema["$defs"]["Stage"]["properties"]["pain_points"]["description"] == "what hurts"
