"""Headless Chromium for the browser tests: where it is, how it starts, where screenshots go.

Each app's browser tests are tests/<app>/test_browser.py, marked `browser`. The fixtures
(chromium, browser_page) live in tests/conftest.py so every folder shares one browser:
Playwright's sync API allows one instance per thread. Screenshots go to screenshots/
(git-ignored): look at them after a run.
"""

import os
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM = os.environ.get("POPM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
