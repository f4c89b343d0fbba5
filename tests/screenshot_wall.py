"""Screenshot every panel of a running wall at TV sizes (a tool for people, not a test).

    python tests/screenshot_wall.py [--url http://127.0.0.1:8050] [--out screenshots] [--sizes 1920x1080,3840x2160]
                                    [--panels voices] [--bare-box]

Writes OUT/<panel>-<page>-<width>x<height>.png and prints, for each page,
whether anything scrolls or clips and the smallest text as % of the height.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bare_box import bare_box_fontconfig
from page_checks import SPILLS

ACTIVE_PAGE = "#wall-panels > .panel.is-active > .page.is-active"

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--hide-scrollbars"]

# Runs in the page: overflow and the smallest visible text of the active page.
MEASURE = """
() => {
  const page = document.querySelector('#wall-panels > .panel.is-active > .page.is-active');
  const problems = [];
  let smallest = Infinity;
  const within = (el) => page.contains(el) || document.querySelector('.wall-header').contains(el)
      || document.querySelector('.wall-footer').contains(el);
  for (const el of document.querySelectorAll('#wall *')) {
    if (!within(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const ownText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (ownText || el.tagName === 'text' || el.tagName === 'tspan') {
      smallest = Math.min(smallest, parseFloat(style.fontSize));
    }
    if ((el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
        && el.clientHeight > 0 && !(el instanceof SVGElement) && style.overflow !== 'visible') {
      problems.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}x${el.scrollHeight} > ${el.clientWidth}x${el.clientHeight}`);
    }
    if (rect.right > innerWidth + 1 || rect.bottom > innerHeight + 1) {
      problems.push(`${el.tagName.toLowerCase()}.${el.className} outside the screen`);
    }
  }
  return {smallest, height: innerHeight, problems: problems.slice(0, 8)};
}
"""

# Runs in the page: whether wall.js shows page `number` of `panel`.
SHOWN = "([panel, number]) => { const s = window.obeyaWall.state(); return s.panel === panel && s.page === number; }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--sizes", default="1920x1080,3840x2160")
    parser.add_argument("--panels", default="", help="comma-separated panel ids (default: all)")
    parser.add_argument("--bare-box", action="store_true",
                        help="Chromium without the machine's fonts, as on a box with none: what the page's own "
                             "fonts cannot draw shows as boxes")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if args.bare_box:
        env["FONTCONFIG_FILE"] = str(bare_box_fontconfig(Path(tempfile.mkdtemp(prefix="bare-box-"))))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, env=env)
        for size in args.sizes.split(","):
            width, height = (int(part) for part in size.split("x"))
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{args.url}/?rotate=0", wait_until="networkidle")
            page.wait_for_selector("#wall-panels > [data-panel]")
            page.wait_for_timeout(1500)  # let the server redraw at this size and plotly settle
            panels = page.eval_on_selector_all("#wall-panels > [data-panel]",
                                               "els => els.map(e => [e.dataset.panel, e.querySelectorAll(':scope > .page').length])")
            wanted = set(filter(None, args.panels.split(",")))
            for panel, pages in panels:
                if wanted and panel not in wanted:
                    continue
                # Its tab, then each page by →, waiting until wall.js shows that very page: a panel with an
                # alert may come next in rotation, so counting key presses can land on another panel.
                page.locator(f'button.wall-tab[data-goto="{panel}"]').click()
                for number in range(pages):
                    page.wait_for_function(SHOWN, arg=[panel, number], timeout=10_000)
                    page.wait_for_timeout(400)
                    name = out / f"{panel}-{number + 1}-{width}x{height}.png"
                    page.screenshot(path=str(name))
                    result = page.evaluate(MEASURE)
                    result["problems"] += page.evaluate(SPILLS, ACTIVE_PAGE)
                    share = 100 * result["smallest"] / result["height"]
                    print(f"{name}: smallest text {result['smallest']:.1f}px = {share:.2f}% of height; "
                          f"problems: {result['problems'] or 'none'}")
                    page.keyboard.press("ArrowRight")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
