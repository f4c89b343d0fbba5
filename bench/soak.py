"""Months on a TV in minutes: does the wall grow in the browser or on the server?

    python bench/soak.py [--switches 2000] [--refreshes 200] [--server-refreshes 2000]

Starts the wall (`python app.py`) on a copy of the shipped config and a demo
database, opens it in headless Chromium at 1920×1080 and:

1. switches panels --switches times (Right arrow), and every
   switches/refreshes switches makes the server redraw every panel with
   fresh data (a comment in wall.yaml changes, which re-reads config and data
   and redraws the whole wall — more than a timed data refresh does);
2. reads the JS heap and DOM node count (Chrome's Performance metrics, after
   a forced garbage collection) after the first 100 switches and at the end;
3. then asks the server for the full wall --server-refreshes times (each
   renders every panel from fresh config and data) and reads its resident
   memory after the first 100 and at the end.

Targets (issue 4): heap at the end within 25% of the heap after 100
switches; DOM nodes flat; server memory flat.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.wall_server import WallServer, demo_wall  # noqa: E402  (the one harness that starts a wall)
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def browser_metrics(cdp) -> dict[str, float]:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {item["name"]: item["value"] for item in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap_mb": metrics["JSHeapUsedSize"] / 2**20, "nodes": metrics["Nodes"]}


def edit_config(config_dir: Path) -> None:
    """A real edit (a comment line changes), as a team's commit would make: new config, new data read."""
    wall_yaml = config_dir / "wall.yaml"
    lines = [line for line in wall_yaml.read_text(encoding="utf-8").splitlines() if not line.startswith("# soak ")]
    wall_yaml.write_text("\n".join(lines + [f"# soak {time.monotonic_ns()}"]) + "\n", encoding="utf-8")


def redraw_and_wait(page, config_dir: Path) -> bool:
    """Make the server redraw the wall, and wait until the browser has received it; False if it did not come."""

    def carries_a_redrawn_wall(response) -> bool:
        return ("/_dash-update-component" in response.url and response.status == 200
                and int(response.headers.get("content-length", "0")) > 10_000)

    try:
        with page.expect_response(carries_a_redrawn_wall, timeout=30_000):
            edit_config(config_dir)
    except PlaywrightTimeout:
        return False
    page.wait_for_function("() => document.querySelectorAll('#wall-panels > section').length > 0")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=2000)
    parser.add_argument("--refreshes", type=int, default=200)
    parser.add_argument("--server-refreshes", type=int, default=2000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="obeya-soak-"))
    config_dir, database_url = demo_wall(work)
    server = WallServer(config_dir, database_url, work / "server.log").start()
    url = server.url
    try:
        print(f"machine: {platform.platform()}, {psutil.cpu_count()} cores, "
              f"{psutil.virtual_memory().total / 2**30:.0f} GiB; Chromium headless at 1920x1080")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url + "/?rotate=0", wait_until="networkidle")
            page.wait_for_selector("#wall-panels > section")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            every = max(args.switches // max(args.refreshes, 1), 1)
            started = time.monotonic()
            early = None
            refreshes = missed = 0
            for switch in range(1, args.switches + 1):
                page.keyboard.press("ArrowRight")
                if switch % every == 0 and refreshes < args.refreshes:
                    if redraw_and_wait(page, config_dir):
                        refreshes += 1
                    else:
                        missed += 1
                        print(f"  a redraw did not arrive within 30 s (switch {switch})", flush=True)
                if switch % 500 == 0:
                    print(f"  {switch} switches, {refreshes} redraws", flush=True)
                if switch == min(100, args.switches):
                    early = browser_metrics(cdp)
            late = browser_metrics(cdp)
            browser.close()
        took = time.monotonic() - started
        growth = 100 * (late["heap_mb"] / early["heap_mb"] - 1)
        print(f"browser: {args.switches} switches and {refreshes} redraws ({missed} missed) in {took:.0f} s")
        print(f"  JS heap after 100 switches {early['heap_mb']:.1f} MB, at the end {late['heap_mb']:.1f} MB "
              f"({growth:+.1f}%; target within 25%)")
        print(f"  DOM nodes after 100 switches {early['nodes']:.0f}, at the end {late['nodes']:.0f}")

        process = psutil.Process(server.process.pid)
        rss_early = rss_middle = None
        started = time.monotonic()
        for number in range(1, args.server_refreshes + 1):
            if number % 10 == 0:  # new config and data every tenth time, as a redraw would
                edit_config(config_dir)
            with urllib.request.urlopen(url + "/_dash-layout", timeout=30) as response:
                response.read()
            if number == min(100, args.server_refreshes):
                rss_early = process.memory_info().rss / 2**20
            if number == args.server_refreshes // 2:
                rss_middle = process.memory_info().rss / 2**20
        rss_late = process.memory_info().rss / 2**20
        print(f"server: {args.server_refreshes} full-wall renders in {time.monotonic() - started:.0f} s; "
              f"resident memory after 100 {rss_early:.0f} MB, halfway {rss_middle:.0f} MB, "
              f"at the end {rss_late:.0f} MB ({100 * (rss_late / rss_early - 1):+.1f}% since 100, "
              f"{100 * (rss_late / rss_middle - 1):+.1f}% over the second half)")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
