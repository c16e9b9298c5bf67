"""popm/settings.py read from the environment: safe local defaults, a production that refuses
to start misconfigured. Each case starts Django in a fresh process with only the given
variables set, as a deployment would."""

import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3Jv9-q0Zr7_mXb2Lw8sYt4Hn6Pd1Fc5Ge0Ua7Ri3Oe9-xT2wQ8"  # 51 varied characters
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_SECRET,
    "DATABASE_URL": "postgres://popm:secret@db.internal:5432/popm",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "popm.example.com",
}
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.CELERY_BROKER_URL)"
)


def django_start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "popm.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION.items() if key != name}


def test_a_correct_production_environment_starts_with_debug_off():
    started = django_start(PRODUCTION)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split("[")[0] == "False "
    assert (
        "['popm.example.com'] django.db.backends.postgresql False redis://redis.internal:6379/0"
        in started.stdout
    )


def test_with_no_variables_it_runs_locally_on_sqlite_with_in_process_tasks():
    started = django_start({})
    assert started.returncode == 0, started.stderr
    assert (
        started.stdout.strip() == "True ['127.0.0.1', 'localhost'] django.db.backends.sqlite3 True memory://"
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({**PRODUCTION, "DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off in production"),
        (without("DJANGO_SECRET_KEY"), "DJANGO_SECRET_KEY must be set to 50+ random characters"),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "insecure-local-only-key-do-not-use-in-production"},
            "DJANGO_SECRET_KEY must be set to 50+ random characters",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "short-secret"},
            "DJANGO_SECRET_KEY must be set to 50+ random characters",
        ),
        (without("DATABASE_URL"), "DATABASE_URL must be set in production"),
        (without("REDIS_URL"), "REDIS_URL must be set in production"),
        (without("DJANGO_ALLOWED_HOSTS"), "DJANGO_ALLOWED_HOSTS must be set in production"),
        ({**PRODUCTION, "DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be true or false, not 'maybe'"),
        ({**PRODUCTION, "DJANGO_ENV": "prod"}, "DJANGO_ENV must be local, test or production"),
    ],
    ids=[
        "debug-on",
        "no-secret",
        "default-secret",
        "short-secret",
        "no-database",
        "no-redis",
        "no-hosts",
        "debug-unreadable",
        "unknown-env",
    ],
)
def test_a_misconfigured_production_refuses_to_start_and_says_why(env, message):
    started = django_start(env)
    assert started.returncode != 0
    assert f"ImproperlyConfigured: {message}" in started.stderr
    assert started.stdout == ""


def test_the_deploy_check_finds_nothing_to_warn_about_in_production():
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout
    assert "WARNINGS" not in checked.stdout + checked.stderr


PRODUCTION_RESPONSES = (
    "import django, json; django.setup(); from django.test import Client; c = Client(); "
    "https = c.get('/api/schema/', HTTP_X_FORWARDED_PROTO='https'); plain = c.get('/api/schema/'); "
    "print(json.dumps({'status': https.status_code, 'headers': dict(https.headers), "
    "'plain': plain.status_code, 'location': plain.headers.get('Location')}))"
)


def production_responses(**env: str) -> dict:
    import json

    started = subprocess.run(
        [sys.executable, "-c", PRODUCTION_RESPONSES],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "popm.settings",
            **PRODUCTION,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])


def test_production_answers_carry_hsts_csp_and_redirect_plain_http_to_https():
    answer = production_responses()
    headers = answer["headers"]
    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["default-src"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert (answer["plain"], answer["location"]) == (301, "https://testserver/api/schema/")


def test_hsts_duration_and_the_ssl_redirect_are_configurable():
    answer = production_responses(DJANGO_HSTS_SECONDS="600", DJANGO_SECURE_SSL_REDIRECT="false")
    assert answer["headers"]["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert answer["plain"] == 200
