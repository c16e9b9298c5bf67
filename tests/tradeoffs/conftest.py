# The browser fixtures live in tests/browser/conftest.py; the trade-off browser tests sit here.
from tests.browser.conftest import browser_page, chromium  # noqa: F401
