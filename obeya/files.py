"""Files the config folder may hand out: the images its YAML names (persona avatars).

The wall serves an avatar at `/config-file/<name>` and `load_config` checks
every `avatar:` with the same rule, so what `validate` accepts is what the
TV shows: a regular file whose real path (links followed) lies inside the
config folder, no bigger than `MAX_IMAGE_BYTES`, whose first bytes say it is
a PNG, JPEG, GIF or WebP image. Anything else is not served.

SVG is not served: it is a document that can hold script and links, and
confirming that one runs nothing takes an XML parser on hostile input.
"""

from __future__ import annotations

import math
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_KINDS = "PNG, JPEG, GIF or WebP"
NOT_FOUND = "not found"


@dataclass(frozen=True)
class ConfigImage:
    """An image file the wall may serve: its real path and the MIME type its bytes confirm."""

    path: Path
    mime: str


def image_mime(head: bytes) -> str | None:
    """The MIME type the first bytes of a file announce, if they are an image the wall serves."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_config_image(folder: str | Path, name: str) -> ConfigImage | str:
    """The image `name` (relative to `folder`) as the wall would serve it, or why it will not.

    The reason completes a sentence about the file, like "is not a PNG, JPEG,
    GIF or WebP image", so the loader can name the file and the key before it.
    """
    try:
        root = Path(folder).resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            return "is outside the config folder (a link or path leading out of it is not served)"
        status = path.stat()
    except (OSError, ValueError, RuntimeError):  # missing, a name too long, a NUL byte, a loop of links
        return NOT_FOUND
    if not stat.S_ISREG(status.st_mode):
        return "is not a file"
    if status.st_size > MAX_IMAGE_BYTES:
        return f"is {megabytes(status.st_size)}, more than the {megabytes(MAX_IMAGE_BYTES)} an image may be"
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    mime = image_mime(head)
    if mime is None:
        return f"is not a {IMAGE_KINDS} image"
    return ConfigImage(path, mime)


def servable_image(folder: str | Path, name: str) -> ConfigImage | None:
    """The image to send for `/config-file/<name>`, or None: the route answers 404."""
    checked = check_config_image(folder, name)
    return checked if isinstance(checked, ConfigImage) else None


def megabytes(size: int) -> str:
    """`size` bytes for a message, rounded up to a tenth so a file over a limit never reads as the limit."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"
