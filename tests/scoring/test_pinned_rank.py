"""Pins reorder (docs/rules.md, "Pins"): the ranked backlog, its API, the exports and the page
use the rank with pins applied; wsjf_rank keeps the pure WSJF position."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from backlog.models import Feature
from scoring.models import ScoringRun
from scoring.tradeoffs.models import Override
from scoring.tradeoffs.selectors import pins_effect_now
from tests.factories import art_rank_now, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(rail):
    """WSJF order A (60/1), B (39/3), C (15/5), D (8/5), E (3/8)."""
    return {
        "A": scored(rail, "A", 20, 20, 20, 1),
        "B": scored(rail, "B", 13, 13, 13, 3),
        "C": scored(rail, "C", 5, 5, 5, 5),
        "D": scored(rail, "D", 3, 3, 2, 5),
        "E": scored(rail, "E", 1, 1, 1, 8),
    }


def pin(client, art, feature, position, reason="CEO promised it"):
    response = client.post(
        f"/api/arts/{art.pk}/overrides/",
        {"feature": feature.pk, "position": position, "reason": reason},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def ranked(client, art) -> list[tuple[str, int, int]]:
    """(title, rank, wsjf_rank) of the backlog API's rows, in the order it answers."""
    body = client.get(f"/api/arts/{art.pk}/backlog/").json()
    return [(row["title"], row["rank"], row["wsjf_rank"]) for row in body["results"]]


def test_without_pins_rank_and_wsjf_rank_are_the_golden_wsjf_order(api, alice, rail, backlog):
    art_rank_now(rail)
    assert ranked(api(alice), rail) == [("A", 1, 1), ("B", 2, 2), ("C", 3, 3), ("D", 4, 4), ("E", 5, 5)]


def test_a_pinned_feature_sits_at_its_pinned_rank_and_keeps_its_wsjf_rank(api, alice, rail, backlog):
    art_rank_now(rail)
    pin(api(alice), rail, backlog["D"], 2)
    art_rank_now(rail)
    assert ranked(api(alice), rail) == [("A", 1, 1), ("D", 2, 4), ("B", 3, 2), ("C", 4, 3), ("E", 5, 5)]
    row = api(alice).get(f"/api/arts/{rail.pk}/backlog/").json()["results"][1]
    assert (row["title"], row["pinned_position"]) == ("D", 2)
    assert Feature.objects.get(pk=backlog["D"].pk).rank == 2
    # /api/features/ carries both too.
    feature = api(alice).get(f"/api/features/{backlog['D'].pk}/").json()
    assert (feature["rank"], feature["wsjf_rank"]) == (2, 4)


def test_removing_the_pin_restores_the_wsjf_position(api, alice, rail, backlog):
    created = pin(api(alice), rail, backlog["E"], 1)
    art_rank_now(rail)
    assert ranked(api(alice), rail)[0] == ("E", 1, 5)
    assert api(alice).delete(f"/api/overrides/{created['id']}/").status_code == 204
    art_rank_now(rail)
    assert ranked(api(alice), rail) == [("A", 1, 1), ("B", 2, 2), ("C", 3, 3), ("D", 4, 4), ("E", 5, 5)]
    assert Feature.objects.filter(pinned_position__isnull=False).count() == 0
    assert Override.objects.get().removed_at is not None  # the ledger keeps the row


def test_two_pins_at_the_same_position_the_older_pin_first(api, alice, rail, backlog):
    first = pin(api(alice), rail, backlog["E"], 1, "Board, in March")
    second = pin(api(alice), rail, backlog["D"], 1, "Sales, in April")
    art_rank_now(rail)
    assert ranked(api(alice), rail) == [("E", 1, 5), ("D", 2, 4), ("A", 3, 1), ("B", 4, 2), ("C", 5, 3)]
    # Hand-computed delay costs, CoD x finish time in job-size units:
    # WSJF A,B,C,D,E finish 1,4,9,14,22: 60*1 + 39*4 + 15*9 + 8*14 + 3*22 = 529.
    # E pinned: E,A,B,C,D finish 8,9,12,17,22: 3*8 + 60*9 + 39*12 + 15*17 + 8*22 = 1463 (+934).
    # D pinned after it: E,D,A,B,C finish 8,13,14,17,22: 24 + 104 + 840 + 663 + 330 = 1961 (+498).
    assert (first["extra_delay_cost"], [d["title"] for d in first["displaced"]]) == ("934.00", list("ABCD"))
    assert (second["extra_delay_cost"], [d["title"] for d in second["displaced"]]) == ("498.00", list("ABC"))
    now = pins_effect_now(art_id=rail.pk)
    assert now["order"] == [backlog[t].pk for t in "EDABC"]
    assert (now["pins"], now["extra_delay_cost"]) == (2, 1432)  # 1961 - 529 = 934 + 498


def test_the_older_pin_wins_even_when_it_ranks_lower_by_wsjf(api, alice, rail, backlog):
    # C is pinned first at #1, then B at #1: C (older) keeps #1 though B has the higher WSJF.
    pin(api(alice), rail, backlog["C"], 1)
    pin(api(alice), rail, backlog["B"], 1)
    art_rank_now(rail)
    assert [title for title, *_ in ranked(api(alice), rail)] == list("CBADE")


def test_pin_times_decide_not_creation_order_of_the_features(api, alice, rail, backlog):
    pin(api(alice), rail, backlog["D"], 1)
    pin(api(alice), rail, backlog["E"], 1)
    # Say E's pin was in fact older.
    Feature.objects.filter(pk=backlog["E"].pk).update(pinned_at=timezone.now() - timedelta(days=1))
    art_rank_now(rail)
    assert [title for title, *_ in ranked(api(alice), rail)][:2] == ["E", "D"]


def test_a_pin_or_its_removal_queues_a_scoring_run_after_commit(
    api, alice, rail, backlog, django_capture_on_commit_callbacks, monkeypatch
):
    requested = []
    monkeypatch.setattr(
        "scoring.tradeoffs.services.scoring_run_request", lambda **kwargs: requested.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = pin(api(alice), rail, backlog["C"], 1)
    assert [(r["art_id"], r["trigger"]) for r in requested] == [(rail.pk, ScoringRun.Trigger.PIN)]
    with django_capture_on_commit_callbacks(execute=True):
        api(alice).delete(f"/api/overrides/{created['id']}/")
    assert len(requested) == 2


def test_a_refused_pin_changes_no_feature(api, alice, rail, backlog):
    response = api(alice).post(
        f"/api/arts/{rail.pk}/overrides/", {"feature": backlog["B"].pk, "position": 2, "reason": "x"}
    )
    assert response.status_code == 400
    assert not Feature.objects.filter(pinned_position__isnull=False).exists()


def test_a_pin_of_a_done_feature_no_longer_ranks_it(api, alice, rail, backlog):
    pin(api(alice), rail, backlog["E"], 1)
    Feature.objects.filter(pk=backlog["E"].pk).update(status=Feature.Status.DONE)
    art_rank_now(rail)
    assert ranked(api(alice), rail) == [("A", 1, 1), ("B", 2, 2), ("C", 3, 3), ("D", 4, 4)]


def test_only_changed_ranks_are_written_when_a_pin_moves_features(api, alice, rail, backlog):
    art_rank_now(rail)
    pin(api(alice), rail, backlog["D"], 3)
    run = art_rank_now(rail)
    # D moves 4 -> 3 and C 3 -> 4; A, B, E keep their ranks.
    assert run.changed_count == 2
    assert art_rank_now(rail).changed_count == 0


def test_the_backlog_page_lists_the_pinned_order_with_the_wsjf_rank_beside(client, api, alice, rail, backlog):
    pin(api(alice), rail, backlog["E"], 2)
    art_rank_now(rail)
    client.force_login(alice)
    page = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    shown = sorted("ABCDE", key=lambda t: page.index(f'id="feature-{backlog[t].pk}"'))
    assert shown == ["A", "E", "B", "C", "D"]
    row = page[page.index(f'id="feature-{backlog["E"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="rank-n">2</span>' in row and "WSJF #5" in row and "pinned to #2" in row
    # B was pushed down one place by the pin: its WSJF rank shows beside it as well.
    assert "WSJF #2" in page


def test_the_exports_write_the_pinned_rank_and_the_wsjf_rank(client, api, alice, rail, backlog):
    pin(api(alice), rail, backlog["E"], 1)
    art_rank_now(rail)
    client.force_login(alice)
    content = client.get(f"/arts/{rail.pk}/backlog/export.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [(r["Title"], r["Rank"], r["WSJF rank"]) for r in rows] == [
        ("E", "1", "5"),
        ("A", "2", "1"),
        ("B", "3", "2"),
        ("C", "4", "3"),
        ("D", "5", "4"),
    ]


def test_the_upgrade_copies_active_pins_onto_their_features_and_queues_a_run(alice, rail, backlog):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("scoring.tradeoffs.migrations.0002_pins_onto_features")
    active = Override.objects.create(
        art=rail,
        feature=backlog["E"],
        position=1,
        reason="Board",
        wsjf_rank=5,
        unit="cod-jobsize",
        extra_delay_cost=0,
    )
    Override.objects.create(
        art=rail,
        feature=backlog["D"],
        position=1,
        reason="Old",
        wsjf_rank=4,
        unit="cod-jobsize",
        extra_delay_cost=0,
        removed_at=timezone.now(),
    )
    migration.pins_copy(apps, None)
    pinned = Feature.objects.filter(pinned_position__isnull=False).values_list(
        "title", "pinned_position", "pinned_at"
    )
    assert list(pinned) == [("E", 1, active.created_at)]
    assert list(ScoringRun.objects.values_list("art_id", "status", "trigger")) == [
        (rail.pk, "pending", "pin")
    ]


def test_the_openapi_schema_says_what_rank_and_wsjf_rank_are(api, alice):
    schema = api(alice).get("/api/schema/?format=json").json()
    row = schema["components"]["schemas"]["BacklogRow"]["properties"]
    assert "pins applied" in row["rank"]["description"]
    assert "WSJF alone" in row["wsjf_rank"]["description"]
    assert "older pin first" in row["pinned_position"]["description"]


def test_why_did_it_move_names_the_pin(api, alice, carol, rail, backlog):
    first = art_rank_now(rail)
    pin(api(alice), rail, backlog["E"], 1)
    art_rank_now(rail)
    moved = api(carol).get(f"/api/features/{backlog['E'].pk}/rank-change/", {"since": first.pk}).json()
    assert (moved["from_rank"], moved["to_rank"]) == (5, 1)
    assert "It is pinned to #1 (executive priority); by WSJF alone it ranks #5." in moved["words"]
    passed = api(carol).get(f"/api/features/{backlog['A'].pk}/rank-change/", {"since": first.pk}).json()
    assert [(m["title"], m["reason"]) for m in passed["passed_by"]] == [
        ("E", "pinned to #1 (executive priority)")
    ]
