"""Screenshots of browser tests go to screenshots/ (git-ignored): look at them after a run.

The fixtures (chromium, browser_page) live in tests/conftest.py so every folder shares one
browser: Playwright's sync API allows one instance per thread.
"""

import os
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
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
