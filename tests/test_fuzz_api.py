"""Schemathesis against /api/schema/ on a live server, as an admin and as a POPM: every check
(`--checks all`), no server error, no answer outside the schema. The server counts what it
answered, so the request total is the server's own, not the fuzzer's estimate."""

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.signals import got_request_exception, request_finished
from rest_framework.authtoken.models import Token

from tests.factories import demo_load

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

ST = Path(sys.executable).parent / "st"
CONFIG = Path(__file__).parent / "schemathesis.toml"
# 56 operations x up to 14 examples, two personas: over 1,500 requests in about a minute here.
MAX_EXAMPLES = 14
MINIMUM_REQUESTS = 1_500


class RequestCounter:
    def __init__(self):
        self.lock = threading.Lock()
        self.answered = 0
        self.crashed = 0

    def finished(self, **_):
        with self.lock:
            self.answered += 1

    def exception(self, **_):
        with self.lock:
            self.crashed += 1


@pytest.fixture
def counted():
    counter = RequestCounter()
    request_finished.connect(counter.finished, weak=False, dispatch_uid="fuzz-count")
    got_request_exception.connect(counter.exception, weak=False, dispatch_uid="fuzz-crash")
    yield counter
    request_finished.disconnect(dispatch_uid="fuzz-count")
    got_request_exception.disconnect(dispatch_uid="fuzz-crash")


def schemathesis_run(url: str, token: str, tmp_path: Path, seed: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(ST),
            "--config-file",
            str(CONFIG),
            "run",
            f"{url}/api/schema/",
            "--checks",
            "all",
            "--header",
            f"Authorization: Token {token}",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(seed),
            "--workers",
            "2",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_fuzzing_the_api_as_admin_and_popm_finds_no_server_error_and_no_schema_violation(
    live_server, tmp_path, counted
):
    demo_load()
    tokens = {
        "popm": Token.objects.get_or_create(user=User.objects.get(username="paula"))[0].key,
        "admin": Token.objects.get_or_create(user=User.objects.get(username="admin"))[0].key,
    }
    generated = 0
    for seed, (persona, token) in enumerate(tokens.items(), start=1):
        run = schemathesis_run(live_server.url, token, tmp_path, seed)
        summary = run.stdout[run.stdout.find("SUMMARY") :]
        assert run.returncode == 0, f"{persona}:\n{run.stdout[-20000:]}\n{run.stderr[-3000:]}"
        assert "Server error" not in summary and "violates schema" not in summary, summary
        cases = re.search(r"(\d+) generated", summary)
        generated += int(cases.group(1)) if cases else 0
    print(f"schemathesis: {generated} test cases, server answered {counted.answered} requests")
    assert counted.crashed == 0
    assert counted.answered >= MINIMUM_REQUESTS, (counted.answered, generated)
