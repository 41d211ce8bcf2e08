"""Headless Chromium for the browser tests: Debian's chromium and chromedriver, found on the
PATH (``.ci/run`` installs them with apt-get when missing); never a browser downloaded at run
time. Shared by tests/test_app_browser.py and tests/test_report_browser.py."""

from __future__ import annotations

import shutil
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1400,1000")
MISSING = ("chromium and chromedriver are not installed (apt-get install -y chromium "
           "chromium-driver)")


def start_chrome(page_load_timeout: float) -> Any:
    """A headless Chrome driver on Debian's chromium (selenium must be importable)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for f in FLAGS:
        opts.add_argument(f)
    drv = webdriver.Chrome(options=opts, service=Service(executable_path=str(CHROMEDRIVER)))
    drv.set_page_load_timeout(page_load_timeout)
    return drv
