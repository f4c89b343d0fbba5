"""JSON Schemas of the config files, generated from the pydantic models.

Editors with the YAML language server read the `# yaml-language-server:
$schema=...` line at the top of each shipped file and then complete keys and
flag mistakes while the team types. `python -m obeya schema` rewrites them;
a test keeps the committed copies current.
"""

from __future__ import annotations

import json
from pathlib import Path

from obeya.config import FILE_MODELS, PANEL_IDS, Wall

SCHEMA_MODELS = FILE_MODELS  # every config file has a schema
SCHEMA_FOLDER = "schema"


def schema_name(config_file: str) -> str:
    return config_file.removesuffix(".yaml") + ".schema.json"


def schema_for(config_file: str) -> dict:
    """The JSON Schema (draft 2020-12) of one config file."""
    model = SCHEMA_MODELS[config_file]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = config_file
    if model is Wall:
        # `- nps` is shorthand for `- id: nps`: allow both in editors too.
        panel = schema["properties"]["panels"]
        panel["items"] = {"anyOf": [{"enum": list(PANEL_IDS)}, panel["items"]]}
        panel.pop("default", None)
    return schema


def schema_text(config_file: str) -> str:
    return json.dumps(schema_for(config_file), indent=2, sort_keys=True, default=str) + "\n"


def write_schemas(config_dir: str | Path) -> list[Path]:
    """Write every schema into CONFIG_DIR/schema/; returns the paths written."""
    folder = Path(config_dir) / SCHEMA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for config_file in SCHEMA_MODELS:
        path = folder / schema_name(config_file)
        path.write_text(schema_text(config_file), encoding="utf-8")
        written.append(path)
    return written
