"""`python -m obeya snapshot [--panel ID] [--size 1920x1080] --out FILE`: the wall as a picture for people
who are not in the room.

`FILE.png` is one panel (its first page; default the first panel of the
rotation), `FILE.pdf` every page of every panel (or of `--panel`), one per PDF
page at 16:9. The wall is drawn by headless Chromium through Playwright, as the
TV draws it. Without `--url` the command starts its own wall on a free loopback
port from the config folder and database the environment names and stops it
afterwards, so a weekly cron job needs no running wall; with `--url` it
photographs a wall that runs (its token from `OBEYA_WALL_TOKEN`).

The PDF holds one JPEG screenshot per page (a PDF reader shows JPEG as it is:
no library needed to write it, see `jpeg_pdf`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from obeya import settings
from obeya.console import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from obeya.processes import free_port, stop, wall_answers

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--hide-scrollbars"]
START_SECONDS = 90  # the wall's own server: start, and (on the embedded default) build the demo data
DATA_SECONDS = 90  # until the first read of the numbers has drawn the data panels
JPEG_QUALITY = 90
MAX_SLIDES = 200  # Right presses before giving up on reaching a page
POINTS_PER_PIXEL = 0.75  # a CSS pixel is 1/96 inch, a PDF point 1/72
# The variables the wall's own server does not get: no remote, no ingest API, and none of the running
# wall's shared state (a stand-up in progress must not end up in the picture).
NOT_FOR_OWN_SERVER = ("OBEYA_REMOTE_TOKEN", "OBEYA_INGEST_TOKEN", "OBEYA_CACHE_URL", "OBEYA_CACHE_DIR",
                      "OBEYA_BOOT_ID", "OBEYA_HOST", "OBEYA_PORT", "OBEYA_WALLS_DIR", "OBEYA_ADMIN_TOKEN")

# Runs in the page: the rotation script runs the wall, no data panel waits for its first read, every chart
# is drawn. (A promise would count as true at once: this check has to be synchronous.)
READY = """
() => {
  const panels = document.getElementById('wall-panels');
  if (!panels || !window.obeyaWall || !window.obeyaWall.state().panel) return false;
  if (panels.querySelector('.data-waiting')) return false;
  return Array.from(panels.querySelectorAll('.js-plotly-plot')).every(chart => chart.querySelector('.main-svg'));
}
"""
# Runs in the page once READY: fonts loaded and no change to the panels for `quietMs` (the server's redraw
# for this screen size and plotly's re-render are done).
SETTLED = """
async (quietMs) => {
  await document.fonts.ready;
  const panels = document.getElementById('wall-panels');
  return await new Promise(resolve => {
    let timer = setTimeout(done, quietMs);
    const watch = new MutationObserver(records => {
      if (records.every(r => r.type === 'attributes' && r.attributeName === 'class')) return;
      clearTimeout(timer); timer = setTimeout(done, quietMs);
    });
    function done() { watch.disconnect(); resolve(true); }
    watch.observe(panels, {childList: true, subtree: true, attributes: true, characterData: true});
  });
}
"""
# The footer's mode line speaks to the room ("Held – press Space to resume"): not to whoever reads the picture.
FOR_PEOPLE_AWAY = "#wall-mode { visibility: hidden !important; }"
SLIDES = """els => els.map(e => [e.dataset.panel, e.querySelectorAll(':scope > .page').length])"""
ON_SLIDE = "([panel, page]) => { const s = window.obeyaWall.state(); return s.panel === panel && s.page === page; }"


class SnapshotFailed(Exception):
    """The picture cannot be taken; the message says why and what to do."""


def run(arguments: argparse.Namespace) -> int:
    size = _size(arguments.size)
    out = Path(arguments.out)
    kind = out.suffix.lower()
    if size is None or kind not in (".png", ".pdf"):
        problem = (f"--size {arguments.size!r} is not WIDTHxHEIGHT (like 1920x1080, 640–7680 by 360–4320)"
                   if size is None else f"--out {arguments.out}: name a .png (one panel) or a .pdf (every page)")
        print(f"obeya snapshot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        url = arguments.url.rstrip("/") + f"/w/{arguments.wall}" if arguments.url and arguments.wall else arguments.url
        pictures = take_pictures(url, size, arguments.panel, every_page=kind == ".pdf")
    except SnapshotFailed as failure:
        print(f"obeya snapshot: {failure}", file=sys.stderr)
        return EXIT_USAGE if str(failure).startswith("no panel") else EXIT_INVALID
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == ".png":
        out.write_bytes(pictures[0][1])
        print(f"wrote {out}: {pictures[0][0]} at {size[0]}x{size[1]}")
    else:
        out.write_bytes(jpeg_pdf([picture for _, picture in pictures], size))
        print(f"wrote {out}: {len(pictures)} pages at {size[0]}x{size[1]} "
              f"({', '.join(dict.fromkeys(name.split(' ')[0] for name, _ in pictures))})")
    return EXIT_OK


def _size(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{3,4})[x×](\d{3,4})", text.strip().lower())
    if match is None:
        return None
    width, height = int(match[1]), int(match[2])
    return (width, height) if 640 <= width <= 7680 and 360 <= height <= 4320 else None


def take_pictures(url: str | None, size: tuple[int, int], panel: str | None, *,
                  every_page: bool) -> list[tuple[str, bytes]]:
    """[("<panel> page <n>", image bytes)]: the first page of `panel` (default: the first panel) as PNG, or
    with `every_page` every page of it (default: of every panel) as JPEG, in rotation order."""
    chromium = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SnapshotFailed(f"no Chromium at {CHROMIUM} or on PATH: install it (apt-get install chromium) "
                             "and take the snapshot again")
    try:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright
    except ImportError:
        raise SnapshotFailed("the Playwright package is not installed: pip install -e . in the wall's "
                             "project folder installs it") from None
    with _wall(url) as wall_url:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
                try:
                    return _photograph(browser, wall_url, size, panel, every_page)
                finally:
                    browser.close()
        except PlaywrightError as error:
            raise SnapshotFailed(f"Chromium could not draw the wall at {wall_url}: "
                                 f"{str(error).splitlines()[0]}") from None


def _photograph(browser, wall_url: str, size: tuple[int, int], panel: str | None,
                every_page: bool) -> list[tuple[str, bytes]]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    query = {"rotate": 0, "kiosk": 1, **({"panel": panel} if panel else {})}
    token = settings.wall_token()
    response = page.goto(wall_url + "/?" + urlencode({**query, **({"token": token} if token else {})}))
    if response is not None and response.status == 401:
        raise SnapshotFailed(f"the wall at {wall_url} wants its token: set OBEYA_WALL_TOKEN")
    try:
        page.wait_for_function(READY, timeout=DATA_SECONDS * 1000, polling=200)
    except PlaywrightTimeout:
        raise SnapshotFailed(f"the wall at {wall_url} showed no numbers within {DATA_SECONDS} s "
                             "(is the database reachable? python -m obeya validate says)") from None
    page.wait_for_function(SETTLED, arg=500, timeout=30_000)
    page.add_style_tag(content=FOR_PEOPLE_AWAY)
    slides = page.eval_on_selector_all("#wall-panels > [data-panel]", SLIDES)
    panels = [name for name, _ in slides]
    if panel is not None and panel not in panels:
        raise SnapshotFailed(f"no panel {panel!r} on this wall (its panels: {', '.join(panels)})")
    wanted = [(name, number) for name, pages in slides if panel in (None, name)
              for number in range(max(pages, 1))]
    if not every_page:
        wanted = wanted[:1]
    if panel is None:
        page.keyboard.press("Home")  # the first panel, whatever the wall opened on
    pictures = []
    for name, number in wanted:
        _step_to(page, name, number)
        page.wait_for_function(READY, timeout=20_000, polling=100)
        page.wait_for_function(SETTLED, arg=300, timeout=20_000)
        options = {"type": "jpeg", "quality": JPEG_QUALITY} if every_page else {"type": "png"}
        pictures.append((f"{name} page {number + 1}", page.screenshot(**options)))
    page.close()
    return pictures


def _step_to(page, name: str, number: int) -> None:
    """Press the Right key until the wall shows page `number` of panel `name`, a slide after the one on screen."""
    for _ in range(MAX_SLIDES):
        if page.evaluate(ON_SLIDE, [name, number]):
            return
        before = page.evaluate("() => [window.obeyaWall.state().panel, window.obeyaWall.state().page]")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(before) => { const s = window.obeyaWall.state();"
                               " return s.panel !== before[0] || s.page !== before[1]; }", arg=before,
                               timeout=10_000)
    raise SnapshotFailed(f"the wall never showed page {number + 1} of {name}")


class _wall:
    """The wall to photograph: `url` as given, or the wall's own server on a free loopback port, stopped after."""

    def __init__(self, url: str | None) -> None:
        self.url = url.rstrip("/") if url else None
        self.process: subprocess.Popen | None = None
        self.log = None

    def __enter__(self) -> str:
        if self.url is not None:
            if not wall_answers(self.url):
                raise SnapshotFailed(f"no wall answers at {self.url} (is it running? without --url the snapshot "
                                     "starts a wall of its own)")
            return self.url
        port = free_port()
        environment = {name: value for name, value in os.environ.items() if name not in NOT_FOR_OWN_SERVER}
        environment.update(OBEYA_HOST="127.0.0.1", OBEYA_PORT=str(port), PYTHONUNBUFFERED="1")
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, str(settings.PROJECT_ROOT / "app.py")],
                                        cwd=settings.PROJECT_ROOT, env=environment, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"the wall's server stopped (exit code {self.process.returncode}) before it answered")
            if wall_answers(url):
                return url
            try:
                self.process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        self._fail(f"the wall's server did not answer within {START_SECONDS} s")
        return url

    def _fail(self, message: str) -> None:
        output = self._output()
        self.__exit__()
        last = "\n".join(output.strip().splitlines()[-8:])
        raise SnapshotFailed(message + (f"; its last words:\n{last}" if last else ""))

    def _output(self) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")

    def __exit__(self, *_exc) -> None:
        stop(self.process)
        if self.log is not None:
            self.log.close()
            self.log = None


def jpeg_pdf(images: list[bytes], size: tuple[int, int]) -> bytes:
    """A PDF with one page per JPEG in `images`, each `size` CSS pixels (at 96 per inch) filled by its image."""
    width, height = (round(pixels * POINTS_PER_PIXEL, 2) for pixels in size)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)  # PDF object numbers start at 1

    catalog = add(b"")  # filled in once the pages' numbers are known
    pages = add(b"")
    kids = []
    for image in images:
        pixels = _jpeg_size(image)
        picture = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                      b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (*pixels, len(image))
                      + image + b"\nendstream")
        drawing = b"q %g 0 0 %g 0 0 cm /Picture Do Q" % (width, height)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawing), drawing))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Resources << /XObject "
                        b"<< /Picture %d 0 R >> >> /Contents %d 0 R >>" % (pages, width, height, picture, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    document = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(document)


def _jpeg_size(image: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame marker."""
    index = 2
    while index < len(image):
        marker, length = image[index + 1], int.from_bytes(image[index + 2:index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(image[index + 7:index + 9], "big"), int.from_bytes(image[index + 5:index + 7], "big")
        index += 2 + length
    raise ValueError("not a JPEG image: no start-of-frame marker")
