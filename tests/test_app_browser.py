"""The app in a real browser: Debian's chromium and chromedriver, headless, through Selenium.

Loads every page, steps a case, flips a vote, changes a rule, runs a small comparison and
plays one crisis to its end, saving screenshots to ``test-artifacts/app/`` (or
``$FOEDUS_TEST_ARTIFACTS``). Skipped, with the reason, when chromium or chromedriver is not
installed (``apt-get install -y chromium chromium-driver``); never downloads a browser.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dash", reason="the app extra is not installed (pip install -e '.[app]')")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from chrome import CHROMEDRIVER, CHROMIUM, MISSING, start_chrome  # noqa: E402

DATA = Path(os.environ.get("FOEDUS_TEST_DATA", "/work/shared/data"))
if not DATA.is_dir():
    DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ARTIFACTS = Path(os.environ.get("FOEDUS_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[1] / "test-artifacts" / "app"))

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from werkzeug.serving import make_server

    from foedus.app import create_app

    app = create_app(data_dir=str(DATA) if DATA.is_dir() else None)
    port = _free_port()
    srv = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    drv = start_chrome(page_load_timeout=30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield drv
    drv.quit()


def wait_for(drv: Any, css: str, timeout: float = 20) -> Any:
    return WebDriverWait(drv, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_text(drv: Any, css: str, text: str, timeout: float = 30) -> None:
    WebDriverWait(drv, timeout).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css),
                                                                       text))


def shot(drv: Any, name: str) -> None:
    drv.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def no_console_errors(drv: Any) -> None:
    try:
        logs = drv.get_log("browser")
    except Exception:  # not every driver exposes logs
        return
    severe = [e for e in logs if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
    assert not severe, severe


@pytest.mark.parametrize("path,marker", [
    ("/", "#page-home"), ("/history", "#history-seats path.point"),
    ("/power", "#power-act-value"), ("/systems", "#systems-run"),
    ("/world", "#world-map .choroplethlocation, #world-map .scatterlayer path.point"),
    ("/play", "#play-state .Select-value, #play-state [class*=singleValue], #play-state")])
def test_every_page_loads(server: str, browser: Any, path: str, marker: str) -> None:
    browser.get(server + path)
    wait_for(browser, marker)
    shot(browser, "page" + (path.replace("/", "-") if path != "/" else "-home"))
    no_console_errors(browser)


def test_step_a_case_and_flip_a_vote(server: str, browser: Any) -> None:
    browser.get(server + "/history")
    wait_for(browser, "#history-seats .main-svg")
    wait_text(browser, "#history-outcome", "ADOPTED")
    browser.find_element(By.ID, "history-next").click()
    wait_text(browser, "#history-detail h2", "S/RES/83")
    browser.find_element(By.ID, "history-prev").click()
    wait_text(browser, "#history-detail h2", "S/RES/82")
    # RUS is absent on 25 June 1950: click its seat twice (absent -> yes -> no)
    for expected in ("changed", "FLIPS"):
        _click_seat(browser, "RUS")
        if expected == "FLIPS":
            wait_text(browser, "#history-status", "FLIPS")
        else:
            wait_text(browser, "#history-detail", "RUS: absent → yes")
    wait_text(browser, "#history-outcome", "FAILED")
    shot(browser, "history-flipped")


def _click_seat(drv: Any, state: str) -> None:
    """Click the marker of ``state``'s seat (Plotly listens on the plot, not on the label)."""
    from selenium.webdriver.common.action_chains import ActionChains

    for _ in range(10):  # the figure may be redrawn under us: look again
        wait_for(drv, "#history-seats .main-svg")
        time.sleep(0.3)
        try:
            for trace in drv.find_elements(By.CSS_SELECTOR, "#history-seats g.trace.scatter"):
                labels = [t.text for t in trace.find_elements(By.CSS_SELECTOR, "g.textpoint text")]
                if state in labels:
                    point = trace.find_elements(By.CSS_SELECTOR, "path.point")[labels.index(state)]
                    ActionChains(drv).move_to_element(point).pause(0.3).click().perform()
                    return
        except StaleElementReferenceException:
            continue
    raise AssertionError(f"no seat labelled {state}")


def test_change_a_rule(server: str, browser: Any) -> None:
    browser.get(server + "/power")
    wait_text(browser, "#power-act", "9 votes needed")   # the charter's rule, settled
    before = browser.find_element(By.ID, "power-act-value").text
    box = browser.find_element(By.ID, "power-quota")
    box.clear()
    box.send_keys("7")
    WebDriverWait(browser, 20, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: d.find_element(By.ID, "power-act-value").text not in ("", before))
    shot(browser, "power-changed")


def test_small_comparison(server: str, browser: Any) -> None:
    browser.get(server + "/systems")
    wait_for(browser, "#systems-run")
    for box, value in (("systems-reps", "2"), ("systems-years", "5"), ("systems-states", "12")):
        el = browser.find_element(By.ID, box)
        el.clear()
        el.send_keys(value)
    browser.find_element(By.ID, "systems-run").click()
    try:
        wait_for(browser, "#systems-done", timeout=90)
    except TimeoutException:
        shot(browser, "systems-timeout")
        raise
    wait_for(browser, "#systems-table td")
    # the baseline (self-help by default): paired differences in a table and a forest plot
    wait_for(browser, "#systems-diff td")
    wait_text(browser, "#systems-diff-figure .gtitle", "difference from self-help")
    shot(browser, "systems-finished")


def test_play_a_crisis_to_its_end(server: str, browser: Any) -> None:
    browser.get(server + "/play")
    wait_for(browser, "#play-start")
    WebDriverWait(browser, 20).until(
        lambda d: "RUS" in d.find_element(By.ID, "play-state").text)
    browser.find_element(By.ID, "play-start").click()
    wait_for(browser, "#play-brief h2")
    shot(browser, "play-turn")
    for _ in range(10):
        if browser.find_elements(By.ID, "play-done"):
            break
        heading = browser.find_element(By.CSS_SELECTOR, "#play-brief h2").text
        browser.find_element(By.ID, "play-decide").click()
        WebDriverWait(browser, 20, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d, h=heading: d.find_elements(By.ID, "play-done") or
            d.find_element(By.CSS_SELECTOR, "#play-brief h2").text != h)
    wait_text(browser, "#play-end", "model")
    shot(browser, "play-end")
