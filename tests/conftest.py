"""Personas and real services for the whole suite.

alice   POPM of the Rail ART             bob     POPM of the Sea ART (another ART)
carol   stakeholder of the Rail ART      dave    signed in, no role
admin   staff

rail_train, sea_train: a small train (team, PI, epic, feature, stakeholder) in each ART.
"""

import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backlog.access import POPM_GROUP, STAKEHOLDER_GROUP
from backlog.models import Art, Stakeholder
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import ArtFactory, Train, train_build

# Property tests check numbers, not speed: no per-example deadline on a busy 2-core CI machine.
hypothesis_settings.register_profile("popm", deadline=None)
hypothesis_settings.load_profile("popm")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), 2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session: pytest.Session) -> None:
    """The suite runs against real PostgreSQL and Redis: say clearly when they are missing."""
    database = settings.DATABASES["default"]
    missing = []
    if database["ENGINE"] != "django.db.backends.postgresql":
        missing.append("DATABASE_URL must point at PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/popm)")
    elif not _reachable(f"postgres://{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}", 5432):
        missing.append(f"PostgreSQL is not reachable at {database['HOST']}:{database['PORT'] or 5432}")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL must point at Redis (e.g. redis://127.0.0.1:6379/15)")
    elif not _reachable(settings.REDIS_URL, 6379):
        missing.append(f"Redis is not reachable at {settings.REDIS_URL}")
    if missing:
        pytest.exit("popm's tests need real services:\n  " + "\n  ".join(missing), returncode=3)


def _user(username: str, *, group: str | None = None, staff: bool = False) -> User:
    user = User.objects.create_user(username, password="pw-" + username, is_staff=staff)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def rail(db) -> Art:
    return ArtFactory(name="Rail")


@pytest.fixture
def sea(db) -> Art:
    return ArtFactory(name="Sea")


@pytest.fixture
def alice(rail) -> User:
    user = _user("alice", group=POPM_GROUP)
    rail.popms.add(user)
    return user


@pytest.fixture
def bob(sea) -> User:
    user = _user("bob", group=POPM_GROUP)
    sea.popms.add(user)
    return user


@pytest.fixture
def carol(rail) -> User:
    user = _user("carol", group=STAKEHOLDER_GROUP)
    Stakeholder.objects.create(art=rail, name="Carol Jones", title="Head of Sales", user=user)
    return user


@pytest.fixture
def dave(db) -> User:
    return _user("dave")


@pytest.fixture
def admin_user(db) -> User:
    return _user("root-admin", staff=True)


@pytest.fixture
def rail_train(rail, alice, carol) -> Train:
    """A small train in Rail (see train_build), with alice and carol on it."""
    return train_build(rail, "Rail")


@pytest.fixture
def sea_train(sea, bob) -> Train:
    """A small train in Sea, with bob on it."""
    return train_build(sea, "Sea")


def api_client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    """api(user) -> an APIClient signed in with the user's token (None: anonymous)."""
    return api_client_for


FIXTURE_OF_PERSONA = {"admin": "admin_user", "anonymous": None}


@pytest.fixture
def client_of(request, api):
    """client_of(persona name) -> that persona's APIClient; "admin" and "anonymous" too."""

    def client_for(persona: str):
        fixture = FIXTURE_OF_PERSONA.get(persona, persona)
        return api(None if fixture is None else request.getfixturevalue(fixture))

    return client_for


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False}


@pytest.fixture
def scoring_worker(transactional_db):
    """A real Celery worker thread consuming the real Redis queue, running popm's tasks."""
    from celery.contrib.testing.worker import start_worker

    from popm.celery import app

    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING") as worker:
        yield worker


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set POPM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """new page; use page_for(user) to get a page signed in as that user."""
    contexts = []

    def page_for(user=None, *, width: int = 1280, height: int = 900):
        context = chromium.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if user is not None:
            page.goto("/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", "pw-" + user.username)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        return page

    yield page_for
    for context in contexts:
        context.close()
