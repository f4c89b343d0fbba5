"""The room's arithmetic: how tall capitals must be to be read from where people stand, and the wall's type
scale that follows (layouts/geometry.room). The figures are worked by hand in the comments."""

from __future__ import annotations

import pytest

from layouts import geometry
from layouts.glyph_widths import CAP_HEIGHT
from obeya.legibility import arcminutes, cap_fraction, cap_height_m, screen_height_m


def test_a_55_inch_tv_is_68_5_cm_tall():
    # 55 × 2.54 cm × 9 / √(16² + 9²) = 139.7 cm × 9 / 18.358 = 68.49 cm
    assert screen_height_m(55) == pytest.approx(0.6849, abs=1e-4)
    assert screen_height_m(43) == pytest.approx(0.5355, abs=1e-4)
    assert screen_height_m(85) == pytest.approx(1.0585, abs=1e-4)


def test_16_arcminutes_at_2_5_m_is_a_capital_of_11_6_mm():
    # 2 × 2500 mm × tan(8′) = 5000 × 0.0023271 = 11.64 mm; twice that at 5 m
    assert cap_height_m(2.5) * 1000 == pytest.approx(11.64, abs=0.01)
    assert cap_height_m(5) * 1000 == pytest.approx(23.27, abs=0.01)
    assert arcminutes(cap_height_m(5), 5) == pytest.approx(16)
    assert arcminutes(0.011636, 5) == pytest.approx(8, abs=0.01)  # today's smallest text at 5 m: half the floor


def test_the_floors_of_a_55_inch_tv_are_1_7_and_3_4_percent_of_its_height():
    # 11.64 mm / 684.9 mm = 1.70%; 23.27 mm / 684.9 mm = 3.40%
    assert cap_fraction(55, 2.5) == pytest.approx(0.0170, abs=1e-4)
    assert cap_fraction(55, 5) == pytest.approx(0.0340, abs=1e-4)


def test_the_capital_height_is_the_wall_font_s_own():
    assert CAP_HEIGHT == 0.668  # Atkinson Hyperlegible: sCapHeight 668 of 1000 units per em


def test_the_default_room_zooms_the_wall_so_the_smallest_text_reaches_the_detail_floor():
    # font = 1.699% / 0.668 = 2.543% of the height = 1.0174 rem (1 rem = 2.5%); 1.0174 / 0.9 = 1.1305 → 1.131
    room = geometry.room(55, 5, 2.5)
    assert room.scale == 1.131
    # glance: 3.398% / 0.668 = 5.087% = 2.035 rem of 2.5%, = 1.799 rem once zoomed by 1.131 (rounded up)
    assert room.glance_rem == pytest.approx(1.8, abs=0.002)
    assert room.title_rem == room.glance_rem  # the titles (1.5 rem) grow to it
    # the page has fewer rem: 40 / 1.131 − 7 = 28.37 tall; ⌊71.11 / 1.131 − 2.8⌋ = 60 wide
    assert (room.page_width_rem, room.page_height_rem) == (60.0, 28.367)
    assert room.cards_per_page(6) == 2  # 60 / 68 × 3 = 2.6 columns, 28.37 / 33 × 2 = 1.7 rows: one row of two


def test_a_43_inch_tv_at_5_m_gets_bigger_text_and_a_smaller_page():
    # 11.64 / 535.5 = 2.173% → 3.253% font = 1.3013 rem → 1.446; the page: 40 / 1.446 − 7 = 20.66 rem
    room = geometry.room(43, 5, 2.5)
    assert room.scale == 1.446
    assert room.page_height_rem == pytest.approx(20.663)
    assert room.cards_per_page(6) == 2  # 46 / 68 × 3 = 2.0 columns, 20.66 / 33 × 2 = 1.25 rows


def test_an_85_inch_tv_at_3_m_keeps_the_sizes_and_never_shrinks_them():
    # detail: 11.64 / 1058.5 = 1.10% → 1.65% font = 0.66 rem < 0.9: no zoom; glance 3 m: 0.79 rem < 1.5
    room = geometry.room(85, 3, 2.5)
    assert room.scale == 1.0
    assert room.title_rem == geometry.FS_H2
    assert (room.page_width_rem, room.page_height_rem) == (geometry.PAGE_WIDTH_REM, geometry.PAGE_HEIGHT_REM)
    assert room.cards_per_page(6) == 6


@pytest.mark.parametrize("screen", [(55, 5, 2.5), (43, 5, 2.5), (85, 3, 2.5), (32, 8, 4), (100, 12, 1)])
def test_every_room_meets_both_floors(screen):
    diagonal, glance, detail = screen
    room = geometry.room(*screen)
    height_m = screen_height_m(diagonal)
    rem_m = height_m / geometry.SCREEN_HEIGHT_REM * room.scale
    assert arcminutes(geometry.FS_SMALL * CAP_HEIGHT * rem_m, detail) >= 16
    assert arcminutes(room.glance(0) * CAP_HEIGHT * rem_m, glance) >= 16
