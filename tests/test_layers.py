"""The tree shows the architecture: the domain (obeya/) knows nothing of the screen."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

SCREEN_PACKAGES = ("dash", "dash_bootstrap_components", "flask", "plotly", "layouts")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_domain_imports_neither_dash_nor_the_screen():
    offending = {
        f"{path.relative_to(REPO_ROOT)}: {name}"
        for path in sorted((REPO_ROOT / "obeya").glob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in SCREEN_PACKAGES
    }
    assert offending == set()


def test_only_the_settings_module_reads_the_environment():
    readers = {
        str(path.relative_to(REPO_ROOT))
        for folder in ("obeya", "layouts")
        for path in (REPO_ROOT / folder).glob("*.py")
        if "os.environ.get(" in path.read_text(encoding="utf-8") or "getenv(" in path.read_text(encoding="utf-8")
    }
    assert readers == {"obeya/settings.py"}
