"""`python -m obeya snapshot`: the wall as a PNG or a PDF for the team members who are not in the room.

The command runs as a cron job would: a subprocess, against the session's wall
(`--url`) or starting a wall of its own from the config and database.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pypdf

from tests.wall_server import REPO_ROOT, free_port


def snapshot(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("OBEYA_")}
    return subprocess.run([sys.executable, "-m", "obeya", "snapshot", *arguments], cwd=REPO_ROOT, text=True,
                          capture_output=True, timeout=300, env={**environment, **(env or {})})


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_pdf_has_one_16_to_9_page_per_page_of_every_panel(wall, wall_server, tmp_path):
    slides = wall.open(rotate=0).slides()
    out = tmp_path / "stand-up.pdf"
    done = snapshot("--url", wall_server.url, "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdf = pypdf.PdfReader(out)
    assert len(pdf.pages) == len(slides) > len(wall.panel_ids())  # some panels have several pages
    for page in pdf.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (1440, 810)  # 1920x1080 px in points
    assert done.stdout.startswith(f"wrote {out}: {len(slides)} pages at 1920x1080 (")


def test_a_png_of_one_panel_has_the_requested_size_from_a_wall_the_command_starts_itself(wall_server, tmp_path):
    out = tmp_path / "nps.png"
    done = snapshot("--panel", "nps", "--size", "1280x720", "--out", str(out),
                    env={"OBEYA_CONFIG_DIR": str(wall_server.config_dir),
                         "OBEYA_DATABASE_URL": wall_server.database_url})
    assert done.returncode == 0, done.stderr
    assert png_size(out.read_bytes()) == (1280, 720)
    assert done.stdout == f"wrote {out}: nps page 1 at 1280x720\n"


def test_an_unknown_panel_is_named_with_the_walls_panels(wall_server, tmp_path):
    done = snapshot("--url", wall_server.url, "--panel", "npss", "--out", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert done.stderr.startswith("obeya snapshot: no panel 'npss' on this wall (its panels: mission, personas, ")
    assert not (tmp_path / "x.png").exists()


def test_a_wall_that_does_not_answer_gets_a_sentence_and_exit_1(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    done = snapshot("--url", url, "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 1
    assert done.stderr == (f"obeya snapshot: no wall answers at {url} (is it running? without --url the snapshot "
                           "starts a wall of its own)\n")


def test_a_wall_without_a_walls_folder_is_named_and_a_bad_size_or_file_is_a_usage_error(tmp_path):
    several = snapshot("--wall", "team-b", "--out", str(tmp_path / "x.png"))
    assert several.returncode == 1
    assert several.stderr == ("python -m obeya snapshot: --wall team-b: set OBEYA_WALLS_DIR to the folder with one "
                              "config folder per wall\n")
    assert not (tmp_path / "x.png").exists()
    size = snapshot("--size", "big", "--out", str(tmp_path / "x.png"))
    assert (size.returncode, size.stderr) == (2, "obeya snapshot: --size 'big' is not WIDTHxHEIGHT "
                                                 "(like 1920x1080, 640–7680 by 360–4320)\n")
    kind = snapshot("--out", str(tmp_path / "x.jpg"))
    assert kind.returncode == 2 and "name a .png (one panel) or a .pdf (every page)" in kind.stderr
