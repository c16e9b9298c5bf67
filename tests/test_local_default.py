"""`make run`'s local default: SQLite, in-process tasks, demo data; every page answers.

The rest of the suite runs on PostgreSQL, so this is the one place SQLite-only breakage
(decimals stored as numbers, no INCLUDE in indexes...) shows up.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]

PAGES_SCRIPT = """
from django.contrib.auth.models import User
from django.test import Client
from backlog.models import Art, Feature, ProgramIncrement
from scoring.estimation.models import EstimationSession

art = Art.objects.get()
pi = ProgramIncrement.objects.filter(art=art).order_by("start_date").first()
feature = Feature.objects.get(art=art, rank=3)
pages = [
    "/", f"/arts/{art.pk}/backlog/", f"/arts/{art.pk}/backlog/?kind=enabler&q=a",
    f"/arts/{art.pk}/value-effort/", f"/features/{feature.pk}/", "/my-requests/",
    f"/arts/{art.pk}/capacity/", f"/arts/{art.pk}/pis/{pi.pk}/capacity/?mode=fill",
    f"/arts/{art.pk}/tradeoffs/", f"/api/arts/{art.pk}/backlog/", f"/api/pis/{pi.pk}/capacity-plan/",
    "/api/docs/", "/api/schema/", f"/arts/{art.pk}/stale-scores/", f"/arts/{art.pk}/fixed-dates/",
    f"/api/arts/{art.pk}/stale-scores/", f"/api/arts/{art.pk}/tc-proposals/", f"/api/arts/{art.pk}/fixed-dates/",
    f"/features/{feature.pk}/rank-change/", f"/features/{feature.pk}/rank-change/?since=1",
    f"/api/features/{feature.pk}/rank-change/?since=2000-01-01", f"/api/features/{feature.pk}/history/",
    f"/api/arts/{art.pk}/backlog/?since=1", f"/arts/{art.pk}/backlog/?since=visit",
]
pages += [
    f"/arts/{art.pk}/epics/", f"/arts/{art.pk}/roadmap/", f"/api/arts/{art.pk}/forecast/",
    f"/features/{feature.pk}/forecast/", f"/features/{feature.pk}/outcomes/", f"/arts/{art.pk}/flow/",
    f"/arts/{art.pk}/outcomes/calibration/", f"/pis/{pi.pk}/objectives/", f"/pis/{pi.pk}/review/",
    f"/api/pis/{pi.pk}/predictability/", f"/arts/{art.pk}/estimations/",
] + [f"/estimations/{session_id}/" for session_id in EstimationSession.objects.values_list("pk", flat=True)]
popm_pages = [
    f"/arts/{art.pk}/imports/", f"/arts/{art.pk}/requests/", f"/arts/{art.pk}/estimations/new/",
    f"/arts/{art.pk}/estimations/bias/", f"/features/{feature.pk}/indicators/",
]
for username in ("paula", "admin"):
    client = Client()
    client.force_login(User.objects.get(username=username))
    for url in popm_pages:
        status = client.get(url, follow=True).status_code
        assert status == 200, (username, url, status)
checker = Client()
checker.force_login(User.objects.get(username="paula"))
assert checker.post(f"/arts/{art.pk}/rescoring-check/").status_code == 302, "the rescoring check ran"
for username in ("paula", "sam", "admin"):
    client = Client()
    client.force_login(User.objects.get(username=username))
    for url in pages:
        status = client.get(url, follow=True).status_code
        assert status == 200, (username, url, status)
from scoring.models import ScoringRun
last_run = ScoringRun.objects.filter(art=art, status="done").order_by("-id").first()
rank_before = Feature.objects.get(pk=feature.pk).rank
client = Client()
client.force_login(User.objects.get(username="paula"))
response = client.post(
    f"/features/{feature.pk}/score/",
    {"version": feature.version, "user_business_value": 20, "time_criticality": 20, "risk_reduction": 20, "job_size": 1},
)
assert response.status_code == 200 and Feature.objects.get(pk=feature.pk).rank == 1, "in-process run re-ranked"
moved = client.get(f"/api/features/{feature.pk}/rank-change/", {"since": str(last_run.pk)}).json()
assert (moved["from_rank"], moved["to_rank"]) == (rank_before, 1), moved
print("local default OK")
"""


def manage(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_local_default_serves_every_page_with_the_demo_data(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE")
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}", "DJANGO_ALLOWED_HOSTS": "testserver"}
    assert manage("migrate", "--noinput", env=env).returncode == 0
    demo = manage("load_demo", env=env)
    assert demo.returncode == 0, demo.stderr
    assert "POPM" in demo.stdout and "username: paula" in demo.stdout and "username: sam" in demo.stdout
    pages = manage("shell", env=env, stdin=PAGES_SCRIPT)
    assert "local default OK" in pages.stdout, pages.stdout + pages.stderr[-3000:]
