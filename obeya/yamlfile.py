"""One YAML config file: read within limits, parsed with positions, its mistakes in sentences.

A `Document` keeps the data and the node tree it was built from, so any later
problem (a wrong value, a broken reference) can point at the line and column
the team wrote it on.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from obeya.files import megabytes
from obeya.problems import ConfigError, Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 10_000  # values in one file, each use of an alias counted again: the biggest team config has a few hundred
MAX_DEPTH = 50  # levels of nesting; the models need six
_LINE_BREAKS = re.compile("[\n\x85\u2028\u2029]")


@dataclass
class Document:
    """A parsed YAML file: its data and its node tree, to locate problems."""

    name: str
    data: Any
    root: yaml.Node | None

    def node_at(self, path: tuple[Any, ...], *, key: bool = False) -> yaml.Node | None:
        """The node at `path` (its key node when `key`), or the nearest parent; None for an empty file."""
        node = self.root
        for depth, step in enumerate(path, start=1):
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(step):
                        child = key_node if key and depth == len(path) else value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = child
        return node

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of the nearest parent."""
        node = self.node_at(path, key=key)
        if node is None:
            return 1, 1
        return node.start_mark.line + 1, node.start_mark.column + 1

    def problem(self, path: tuple[Any, ...], message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.name, line, column, message)


def key_path(path: tuple[Any, ...]) -> str:
    """`path` as the editor writes it: journeys[0].stages[2].services."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def read_document(path: Path, name: str, *, optional: bool = False) -> Document:
    """The parsed file at `path`, shown to people as `name`; an optional file that is absent is empty.

    Raises `ConfigError` for a file that is missing, too big, not UTF-8, not YAML
    or past the loader's limits, located where the trouble starts.
    """
    if not path.is_file() and optional:
        return Document(name, {}, None)
    if not path.is_file():
        raise ConfigError([Problem(name, 1, 1, "file not found")])
    text = _read_text(path, name)
    try:
        root, data = _parse(text)
    except RecursionError:
        raise ConfigError([Problem(name, 1, 1, "YAML nested too deeply")]) from None
    except yaml.reader.ReaderError as error:
        character = f"#x{error.character:04x}" if isinstance(error.character, int) else repr(error.character)
        raise ConfigError([Problem(name, *_position(text[: error.position]),
                                   f"YAML syntax: unacceptable character {character}: {error.reason}")]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ConfigError([Problem(name, line, column, _syntax_message(error, text))]) from None
    except yaml.YAMLError as error:
        raise ConfigError([Problem(name, 1, 1, f"YAML syntax: {error}")]) from None
    repeated = _repeated_keys(root)
    if repeated:
        raise ConfigError([Problem(name, *position, message) for position, message in repeated])
    return Document(name, {} if data is None else data, root)


class _Loader(yaml.SafeLoader):
    """The safe loader, with limits and located errors.

    A value it cannot build (2026-02-30, `!!int twenty`, 5,000 digits) is a located
    YAML error. A document nested deeper than MAX_DEPTH, or holding more than
    MAX_VALUES values once its aliases are expanded (a "billion laughs"), is refused
    while it is composed, before it costs time or memory.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._anchored_values: dict[int, int] = {}  # id(anchored node) -> values it stands for

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self._depth >= MAX_DEPTH:
            raise _Refused(f"YAML nested more than {MAX_DEPTH} levels deep", event.start_mark)
        counted_before = self._values
        self._depth += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(event, yaml.AliasEvent):
            self._values += self._anchored_values.get(id(node), 1)  # 1: an alias inside its own anchor
            if self._values > MAX_VALUES:
                raise _Refused(f"YAML aliases expand to more than {MAX_VALUES:,} values; "
                               f"a config file may hold at most {MAX_VALUES:,}", event.start_mark)
            return node
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(f"YAML holds more than {MAX_VALUES:,} values; a config file may hold at most {MAX_VALUES:,}",
                           event.start_mark)
        if event.anchor is not None:
            self._anchored_values[id(node)] = self._values - counted_before
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            shown = node.value if isinstance(node.value, str) else ""
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            kind = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(None, None, f"cannot read {shown!r} as a {kind}", node.start_mark) from None


class _Refused(yaml.MarkedYAMLError):
    """A document past the loader's limits; its message is the whole problem."""

    def __init__(self, message: str, mark: yaml.Mark):
        super().__init__(problem=message, problem_mark=mark)


def _position(before: str) -> tuple[int, int]:
    """Line and column (1-based) just after `before`, counting the line breaks YAML counts."""
    lines = _LINE_BREAKS.split(before)
    return len(lines), len(lines[-1]) + 1


def _read_text(path: Path, name: str) -> str:
    """The file's text, refused before parsing when too big or not UTF-8 (located at the bad byte)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
            size = max(len(data), os.fstat(file.fileno()).st_size)
    except OSError as error:
        raise ConfigError([Problem(name, 1, 1, f"cannot read the file ({error.strerror or error})")]) from None
    if size > MAX_FILE_BYTES:
        raise ConfigError([Problem(name, 1, 1, f"file is {megabytes(size)}, "
                                               f"more than the {megabytes(MAX_FILE_BYTES)} a config file may be")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        byte = data[error.start]
        raise ConfigError([Problem(name, *_position(before),
                                   f"not UTF-8 text (byte 0x{byte:02x}: {error.reason}); save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as open() in text mode


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (to locate problems) and the data built from that same tree: one pass over the text."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's words for a syntax error, or a sentence for the mistakes people make most."""
    if isinstance(error, _Refused):
        return error.problem
    if "'\\t'" in (error.problem or "") and error.problem_mark is not None:
        line = _LINE_BREAKS.split(text)[error.problem_mark.line]
        if not line[: error.problem_mark.column].strip():
            return "a tab character: YAML indents with spaces; replace the tab with spaces"
        return "a tab character: YAML separates with spaces; replace the tab with a space"
    words = " ".join(part for part in (error.context, error.problem) if part)
    if error.context and error.problem and error.problem.startswith("but "):
        words = f"{error.context}, {error.problem}"
    if "mapping values are not allowed" in words or "expected <block end>" in words:
        words += " (check the indentation)"
    return f"YAML syntax: {words}"


def _repeated_keys(node: yaml.Node | None, seen: set[int] | None = None) -> list[tuple[tuple[int, int], str]]:
    """A key written twice in one mapping: PyYAML would silently keep the last one."""
    found = []
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias: its node was checked where its anchor is
        return found
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.value in first_line:
                position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                found.append((position, f"key '{key_node.value}' is repeated (first at line {first_line[key_node.value]})"))
            first_line.setdefault(key_node.value, key_node.start_mark.line + 1)
            found.extend(_repeated_keys(value_node, seen))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.extend(_repeated_keys(item, seen))
    return found
