"""One source for the wall's geometry: the sizes Python fits text with are the sizes the stylesheets draw with.

layouts/geometry.py names them; assets/geometry.css is generated from it; the
panel stylesheets use its custom properties, never the numbers themselves;
wall.css's frame draws the page Python fits into.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from layouts import geometry

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
PANEL_PREFIXES = {"panel-journey.css": "journey-", "panel-personas.css": "persona-", "panel-mission.css": "mission-",
                  "panel-actions.css": "actions-"}
TYPE_SCALE = "fs-"


def rules(css: str) -> list[tuple[str, str, str]]:
    """(selector, property, value) of every declaration, comments left out (no nested rules in our CSS)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for declaration in body.split(";"):
            if ":" in declaration:
                prop, value = declaration.split(":", 1)
                found.append((" ".join(selector.split()), prop.strip(), " ".join(value.split())))
    return found


def declared(css: str, selector: str, prop: str) -> str:
    values = [value for sel, name, value in rules(css) if sel == selector and name == prop]
    assert values, f"{selector} {{ {prop} }} not found"
    return values[-1]


def test_committed_stylesheet_is_what_the_geometry_generates():
    committed = (ASSETS / "geometry.css").read_text(encoding="utf-8")
    assert committed == geometry.stylesheet(), "run: python -m layouts.geometry > assets/geometry.css"


def test_the_generator_command_prints_the_stylesheet():
    printed = subprocess.run([sys.executable, "-m", "layouts.geometry"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert printed == geometry.stylesheet()


def test_every_name_is_defined_once_and_every_property_is_used():
    names = [size.name for size in geometry.SIZES]
    assert len(names) == len(set(names))
    css = "\n".join(path.read_text(encoding="utf-8") for path in ASSETS.glob("*.css") if path.name != "geometry.css")
    frame = {"wall-line", "wall-header-height", "wall-footer-height", "page-padding-top", "page-padding-bottom",
             "page-padding-x", "page-gap", "panel-title-line", "panel-heading-gap"}  # wall.css writes these itself
    unused = [name for name in names if name not in frame and f"var(--{name})" not in css]
    assert not unused, f"named in layouts/geometry.py but no stylesheet draws with them: {unused}"


def literal_sizes(value: str, unit: str) -> list[float]:
    """The numbers in `value` written in `unit` ("rem", or "" for a bare number such as a line height)."""
    if unit:
        return [float(number) for number in re.findall(r"(?<![\w.-])(\d*\.?\d+)" + unit + r"\b", value)]
    return [float(value)] if re.fullmatch(r"\d*\.?\d+", value) else []


@pytest.mark.parametrize("stylesheet", sorted(PANEL_PREFIXES))
def test_panel_stylesheets_use_the_geometry_names_not_their_numbers(stylesheet):
    """A size with a geometry name of the panel (or of the type scale) written as a number is a second source.

    Decorations that take no room in the layout (bullets drawn by ::before, corner radii) may use any number.
    """
    prefix = PANEL_PREFIXES[stylesheet]
    named = [size for size in geometry.SIZES if size.name.startswith((prefix, TYPE_SCALE))]
    hard_coded = []
    for selector, prop, value in rules((ASSETS / stylesheet).read_text(encoding="utf-8")):
        if "::" in selector or prop.endswith("radius") or prop.startswith("--"):
            continue
        for size in named:
            if size.name.startswith(TYPE_SCALE) and prop != "font-size":
                continue  # 0.9rem of padding is not the small type size
            if not size.unit and prop != "line-height":
                continue
            if size.value in literal_sizes(value, size.unit):
                hard_coded.append(f"{selector} {{ {prop}: {value} }}: use var(--{size.name}) ({size.css})")
    assert not hard_coded, "\n".join(hard_coded)


def test_the_frame_in_wall_css_is_the_page_python_fits_into():
    css = (ASSETS / "wall.css").read_text(encoding="utf-8")

    def is_(value: str, name: str) -> bool:
        size = next(size for size in geometry.SIZES if size.name == name)
        return value in (size.css, f"var(--{name})")

    rows = declared(css, ".wall-body", "grid-template-rows").split()
    assert is_(rows[0], "wall-header-height") and is_(rows[-1], "wall-footer-height"), rows
    padding = declared(css, ".page", "padding").split()
    assert len(padding) == 3, padding
    assert is_(padding[0], "page-padding-top") and is_(padding[1], "page-padding-x")
    assert is_(padding[2], "page-padding-bottom")
    assert declared(css, ".page", "gap") in ("var(--gap)", "var(--page-gap)")
    assert is_(declared(css, ":root", "--gap"), "page-gap")
    # 40rem tall; 71.1rem wide at least; zoomed by the wall's screen: (layouts/geometry.Room)
    assert declared(css, "html", "font-size") == "calc(min(2.5vh, 1.40625vw) * var(--wall-scale, 1))"
    assert geometry.SCREEN_HEIGHT_REM == 100 / 2.5 and geometry.SCREEN_WIDTH_REM == pytest.approx(100 / 1.40625)
    assert is_(declared(css, "#wall", "line-height"), "wall-line")
    assert is_(declared(css, ".panel-title", "line-height"), "panel-title-line")
    assert declared(css, ".panel-title", "font-size") == "max(var(--fs-h2), var(--fs-glance, 0rem))"
    assert is_(declared(css, ".panel-heading", "gap"), "panel-heading-gap")
    assert declared(css, ".status .bi", "font-size") == f"{geometry.STATUS_ICON_EM:g}em"


def test_the_type_scale_is_only_in_the_generated_stylesheet():
    css = (ASSETS / "wall.css").read_text(encoding="utf-8")
    assert not [prop for _selector, prop, _value in rules(css) if prop.startswith("--fs-")]
    assert geometry.FS_SMALL / geometry.SCREEN_HEIGHT_REM >= 0.022  # the smallest text on the wall (DESIGN.md)


def test_the_page_is_the_screen_less_the_frame():
    assert geometry.PAGE_HEIGHT_REM == 33.0
    assert geometry.PAGE_WIDTH_REM == 68.0
    assert geometry.PAGE_WIDTH_REM <= geometry.SCREEN_WIDTH_REM - 2 * geometry.PAGE_PADDING_X_REM


def test_fitting_a_journey_needs_no_dash():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, layouts.journey_fit; print(sorted({'dash', 'plotly', 'flask'} "
                               "& {name.split('.')[0] for name in sys.modules}))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "[]"
