"""Finding and launching Chromium for the ``ui`` back-ends.

Order: the ``browser.executable_path`` setting; else Playwright's own Chromium when
``playwright install chromium`` has put it in place; else a system Chromium on PATH
(Debian's ``chromium``). ``saksrobot browser install`` makes one of them available.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, Playwright

from saksrobot.errors import ConfigurationError
from saksrobot.settings import BrowserSettings

log = logging.getLogger(__name__)
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def playwright_chromium() -> Path | None:
    """Playwright's bundled Chromium, if it has been downloaded."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            path = Path(p.chromium.executable_path)
    except Exception:  # noqa: BLE001 - a missing driver or browser just means "not installed"
        return None
    return path if path.exists() else None


def system_chromium() -> Path | None:
    for name in SYSTEM_CHROMIUMS:
        if found := shutil.which(name):
            return Path(found)
    return None


def resolve_executable(settings: BrowserSettings, playwright: Playwright | None = None) -> Path | None:
    """The Chromium to launch; ``None`` means Playwright's own (it is installed)."""
    if settings.executable_path is not None:
        if not settings.executable_path.exists():
            raise ConfigurationError(f"browser.executable_path: {settings.executable_path} does not exist")
        return settings.executable_path
    if playwright is not None and Path(playwright.chromium.executable_path).exists():
        return None
    if found := system_chromium():
        return found
    raise ConfigurationError("No Chromium found: run `saksrobot browser install` or set browser.executable_path")


def launch(playwright: Playwright, settings: BrowserSettings) -> Browser:
    """Launch headless (by default) Chromium with the configured flags."""
    executable = resolve_executable(settings, playwright)
    log.info("Launching Chromium %s", executable or "(Playwright's)")
    return playwright.chromium.launch(
        executable_path=str(executable) if executable else None,
        headless=settings.headless,
        args=settings.args,
    )


def install() -> str:
    """Make a Chromium available and say which. Tries Playwright's download first, then the
    system's Chromium, installing Debian's ``chromium`` package when running as root."""
    if path := playwright_chromium():
        return f"Playwright Chromium: {path}"
    result = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"],
                            capture_output=True, text=True, timeout=900, check=False)
    if result.returncode == 0 and (path := playwright_chromium()):
        return f"Playwright Chromium: {path}"
    log.info("playwright install chromium failed; using a system Chromium")
    if path := system_chromium():
        return f"System Chromium: {path}"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        if path := system_chromium():
            return f"System Chromium (installed from Debian): {path}"
    raise ConfigurationError(
        "Could not make a Chromium available: `playwright install chromium` failed and no system "
        "Chromium was found. Install one (e.g. `apt-get install chromium`) or set browser.executable_path."
    )
