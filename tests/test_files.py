"""Files stay in their folder: `/config-file/<name>` serves only the images the config folder holds.

The rule is one pure function (obeya/files.py); the loader reports the same
refusals at an avatar's line (tests/test_config.py), and the route answers 404.
"""

from __future__ import annotations

import os

import pytest

from layouts.application import create_app
from obeya.files import MAX_IMAGE_BYTES, servable_image

IMAGES = {
    "ana.png": (b"\x89PNG\r\n\x1a\n" + bytes(24), "image/png"),
    "ben.jpg": (b"\xff\xd8\xff\xe0" + bytes(24), "image/jpeg"),
    "chen.gif": (b"GIF89a" + bytes(24), "image/gif"),
    "dana.webp": (b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(24), "image/webp"),
}


@pytest.fixture
def folder(tmp_path):
    """A config folder with one image of each kind served, and a secret next to (not in) it."""
    folder = tmp_path / "config"
    folder.mkdir()
    for name, (content, _) in IMAGES.items():
        (folder / name).write_bytes(content)
    (tmp_path / "secret.png").write_bytes(IMAGES["ana.png"][0])
    return folder


@pytest.mark.parametrize("name", IMAGES)
def test_an_image_in_the_folder_is_served_with_the_type_its_bytes_say(folder, name):
    image = servable_image(folder, name)
    assert (image.path, image.mime) == (folder / name, IMAGES[name][1])


def test_the_type_comes_from_the_bytes_not_the_name(folder):
    (folder / "photo.png").write_bytes(IMAGES["ben.jpg"][0])
    assert servable_image(folder, "photo.png").mime == "image/jpeg"


@pytest.mark.parametrize(("name", "make"), [
    pytest.param("avatar.png", lambda folder: (folder / "avatar.png").symlink_to("/etc/passwd"), id="link-to-etc"),
    pytest.param("avatar.png", lambda folder: (folder / "avatar.png").symlink_to(folder.parent / "secret.png"),
                 id="link-to-an-image-outside"),
    pytest.param("../secret.png", None, id="dot-dot"),
    pytest.param(None, None, id="absolute-path"),
    pytest.param("wall.yaml", lambda folder: (folder / "wall.yaml").write_text("title: x\n"), id="yaml"),
    pytest.param("logo.svg", lambda folder: (folder / "logo.svg").write_text("<svg onload='alert(1)'/>"), id="svg"),
    pytest.param("big.png", lambda folder: (folder / "big.png").write_bytes(IMAGES["ana.png"][0]
                                                                             + bytes(MAX_IMAGE_BYTES)), id="too-big"),
    pytest.param("people", lambda folder: (folder / "people").mkdir(), id="a-folder"),
    pytest.param("fifo.png", lambda folder: os.mkfifo(folder / "fifo.png"), id="a-fifo"),
    pytest.param("missing.png", None, id="missing"),
    pytest.param("nul\0.png", None, id="nul-byte"),
    pytest.param("x" * 300 + ".png", None, id="name-too-long"),
])
def test_anything_but_an_image_inside_the_folder_is_not_served(folder, name, make):
    if make:
        make(folder)
    assert servable_image(folder, name if name is not None else str(folder.parent / "secret.png")) is None


def test_the_route_serves_images_and_answers_404_for_the_rest(folder, tmp_path):
    (folder / "avatar.png").symlink_to("/etc/passwd")
    (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    client = create_app(config_dir=folder, database_url=f"sqlite:///{tmp_path / 'wall.db'}").server.test_client()
    served = client.get("/config-file/ana.png")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", IMAGES["ana.png"][0])
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("avatar.png", "logo.svg", "../secret.png", "%2e%2e/secret.png", "wall.yaml"):
        assert client.get(f"/config-file/{path}").status_code == 404, path
