"""Benchmark of the browser app: time until each page is interactive, and a flipped vote.

Prints figures, asserts nothing. Targets (issue 14): every page interactive within 2 s of
loading; a flipped vote recomputed within 0.5 s. Needs the app extra, selenium, and Debian's
chromium + chromedriver (``apt-get install -y chromium chromium-driver``).

    python benchmarks/bench_app.py
"""

from __future__ import annotations

import shutil
import socket
import statistics
import threading
import time
from typing import Any

PAGES = {"/history": "#history-seats path.point", "/power": "#power-act-value",
         "/systems": "#systems-run", "/world": "#world-map .scatterlayer path.point",
         "/play": "#play-start"}
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1400,1000")


def serve() -> tuple[str, Any]:
    """The app on a free local port, in a thread."""
    from werkzeug.serving import make_server

    from foedus.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = make_server("127.0.0.1", port, create_app().server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", srv


def page_times(base: str, repeats: int = 3) -> dict[str, float]:
    """Median seconds from navigation until the page's main control is drawn."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(shutil.which("chromium"))
    for f in FLAGS:
        opts.add_argument(f)
    drv = webdriver.Chrome(options=opts, service=Service(str(shutil.which("chromedriver"))))
    out: dict[str, float] = {}
    try:
        drv.get(base + "/")  # warm the browser cache once, as a returning user
        for path, css in PAGES.items():
            times = []
            for _ in range(repeats):
                drv.get("about:blank")
                t0 = time.perf_counter()
                drv.get(base + path)
                WebDriverWait(drv, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))
                times.append(time.perf_counter() - t0)
            out[path] = statistics.median(times)
    finally:
        drv.quit()
    return out


def flip_time(repeats: int = 20) -> float:
    """Median seconds for the history callback to apply a clicked seat and redraw everything
    (the replay cache cleared before each, so the replay itself is timed)."""
    from foedus.app import history

    times = []
    click = {"points": [{"customdata": "RUS"}]}
    for _ in range(repeats):
        history.replay_case.cache_clear()
        t0 = time.perf_counter()
        changes = history.seat_changes("korea-1950", 0, [], "", click)
        history.render("korea-1950", "", 0, changes)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    print(f"flipped vote, history callback (median of 20): {flip_time():.3f} s  (target <= 0.5 s)")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        print("page times skipped: chromium/chromedriver not installed")
        return
    base, srv = serve()
    try:
        for path, secs in page_times(base).items():
            print(f"page {path:10s} interactive after {secs:.2f} s  (target <= 2 s)")
    finally:
        srv.shutdown()


if __name__ == "__main__":
    main()
