"""Server time of the pages of issue 11's stakeholder requests and epics, for an ART of N features.

    .venv/bin/python bench/bench_requests_epics.py [--features 10000] [--requests 30]

Creates (and drops) its own PostgreSQL database, builds an ART (benchdb.art_create: 20 epics,
here scored), ranks it with a real scoring run, gives one stakeholder 40 "+1"s and 20 ideas
(half triaged), 40 new ideas from others, and times in-process with Django's test client
(routing, middleware, queries, templates; no network): the epics page, the POPM's triage
page, the stakeholder's My requests, the ART picker. Prints median and p95 in ms and the
queries per page.
"""

import argparse
import statistics
import sys
import time

from benchdb import art_create, database_create, database_drop, machine

DATABASE = "popm_bench_requests"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    database_create(DATABASE, DJANGO_ALLOWED_HOSTS="testserver")
    try:
        run(args.features, args.requests)
    finally:
        database_drop(DATABASE)


class QueryCounter:
    def __init__(self, queries: list[str]):
        self.queries = queries

    def __call__(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)


def run(features: int, repeats: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from backlog import services
    from backlog.models import Epic, Feature, FeatureChange, Stakeholder
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    art = art_create(name="Bench ART", features=features)
    for index, epic in enumerate(Epic.objects.filter(art=art)):
        scale = (1, 2, 3, 5, 8, 13, 20)
        Epic.objects.filter(pk=epic.pk).update(
            user_business_value=scale[index % 7],
            time_criticality=scale[(index + 2) % 7],
            risk_reduction=scale[(index + 4) % 7],
            job_size=scale[(index + 1) % 7],
        )
    run_ = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
    scoring_run_execute(run_id=run_.pk)
    popm = User.objects.create_user("popm", password="x")
    art.popms.add(popm)
    asker = User.objects.create_user("asker", password="x")
    stakeholder = Stakeholder.objects.create(art=art, name="Asker", user=asker)
    others = [Stakeholder.objects.create(art=art, name=f"Other {i}") for i in range(8)]
    open_features = list(Feature.objects.filter(art=art, rank__isnull=False).order_by("rank")[:80])
    for feature in open_features[:40]:
        services.feature_plus_one(stakeholder=stakeholder, feature=feature, acting_user=asker, note="Please")
    for i in range(20):
        idea = services.feature_idea_submit(stakeholder=stakeholder, acting_user=asker, title=f"Idea {i}")
        if i % 2:
            services.feature_request_merge(
                feature_request=idea, feature=open_features[50 + i], acting_user=popm
            )
    for i in range(40):
        services.feature_idea_submit(stakeholder=others[i % 8], acting_user=None, title=f"Other idea {i}")
    FeatureChange.objects.count()

    pages = {
        "epics page": (popm, f"/arts/{art.pk}/epics/"),
        "triage page (40+10 new ideas)": (popm, f"/arts/{art.pk}/requests/"),
        "My requests (60 requests)": (asker, "/my-requests/"),
        "ART picker": (popm, "/"),
    }
    print(f"ART of {features} features; {machine()}")
    print("2-core shared machine, under load from parallel work: read the numbers as rough.")
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        if user == popm and url == "/":
            art.popms.remove(popm)  # with one ART of their own a POPM is sent to its backlog
            popm.is_staff = True
            popm.save()
        client.get(url)  # warm-up
        # request_started resets Django's own query log: count at the cursor instead.
        queries: list[str] = []
        with connection.execute_wrapper(QueryCounter(queries)):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:<32} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
            f"{len(queries)} queries   {len(response.content) // 1024} KiB"
        )


if __name__ == "__main__":
    sys.exit(main())
