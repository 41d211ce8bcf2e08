"""The reports' interactive figures render in a real browser from the report folder alone
(file://, no server, no network): Debian's chromium and chromedriver, headless, through Selenium.
Skipped, with the reason, when they are not installed; never downloads a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import foedus

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from chrome import CHROMEDRIVER, CHROMIUM, MISSING, start_chrome  # noqa: E402

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason=MISSING)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    drv = start_chrome(page_load_timeout=60)
    yield drv
    drv.quit()


def test_compare_report_figures_render_offline(browser: Any, tmp_path: Path) -> None:
    comp = foedus.compare(["un-1965", "un-no-veto"], replications=3, years=6, n_states=14,
                          seed=1, progress=False, workers=1)
    page = foedus.write_report(comp, tmp_path / "rep", baseline="un-1965")
    browser.get(page.as_uri())
    WebDriverWait(browser, 60).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#fig-forest .main-svg")))
    rendered = browser.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => e.id)")
    assert set(rendered) == {"fig-key", "fig-credibility", "fig-aggression", "fig-coalitions",
                             "fig-forest"}
    # each key-metric panel drew its points (one marker per system)
    points = browser.execute_script(
        "return document.querySelectorAll('#fig-key .scatterlayer .point').length")
    assert points >= 2
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("file://") for u in loaded), loaded
