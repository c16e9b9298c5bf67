"""The daily check: stale-score flags and Time Criticality proposals, idempotent; accepting
and dismissing a proposal. (Run by a real worker in test_worker.py.)"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from backlog.models import Feature, FeatureChange
from backlog.services import VersionConflict, feature_update
from scoring.rescoring.errors import ProposalClosed
from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal
from scoring.rescoring.selectors import stale_score_groups
from scoring.rescoring.services import (
    CheckResult,
    art_rescoring_check,
    tc_proposal_accept,
    tc_proposal_dismiss,
)
from tests.factories import ProgramIncrementFactory, art_rank_now
from tests.rescoring.conftest import TODAY

pytestmark = pytest.mark.django_db


def check(train, today=TODAY) -> CheckResult:
    return art_rescoring_check(art_id=train.art.pk, today=today)


def flagged(train) -> list[str]:
    return sorted(StaleScore.objects.filter(art=train.art).values_list("feature__title", flat=True))


def test_scores_set_before_the_current_pi_started_are_flagged_grouped_by_who_scored_them(rail_dates):
    assert check(rail_dates).flagged == 2
    groups = stale_score_groups(art_id=rail_dates.art.pk)
    assert [(g.scorer, g.count, [r["feature__title"] for r in g.rows]) for g in groups] == [
        ("alice", 1, ["Checkout"]),
        ("erin", 1, ["Fraud"]),
    ]
    flag = StaleScore.objects.get(feature=rail_dates.checkout)
    assert (flag.pi, flag.scored_by.username) == (rail_dates.pi, "alice")


def test_running_the_check_twice_creates_nothing_new(rail_dates):
    first = check(rail_dates)
    flags = list(StaleScore.objects.values_list("pk", "flagged_at"))
    proposals = list(TcProposal.objects.values_list("pk", "refreshed_at", "status"))
    assert (first.flagged, first.proposed) == (2, 1)
    assert check(rail_dates) == CheckResult()
    assert list(StaleScore.objects.values_list("pk", "flagged_at")) == flags
    assert list(TcProposal.objects.values_list("pk", "refreshed_at", "status")) == proposals


def test_a_rescored_feature_drops_off_at_once_and_its_flag_goes_at_the_next_check(rail_dates, alice):
    check(rail_dates)
    feature_update(
        feature=rail_dates.checkout, acting_user=alice, door=FeatureChange.Door.PAGE, user_business_value=13
    )
    assert [g.scorer for g in stale_score_groups(art_id=rail_dates.art.pk)] == ["erin"]
    assert check(rail_dates).unflagged == 1
    assert flagged(rail_dates) == ["Fraud"]


def test_a_done_feature_is_not_flagged(rail_dates, erin):
    feature_update(feature=rail_dates.fraud, acting_user=erin, door=FeatureChange.Door.PAGE, status="done")
    check(rail_dates)
    assert flagged(rail_dates) == ["Checkout"]


def test_without_a_pi_nothing_is_stale(rail_dates):
    rail_dates.pi.delete()
    assert check(rail_dates).flagged == 0
    assert RescoringCheck.objects.get(art=rail_dates.art).checked_for == TODAY


def test_when_the_next_pi_starts_kept_flags_name_it_and_newer_scores_fall_due(rail_dates):
    check(rail_dates)
    next_pi = ProgramIncrementFactory(
        art=rail_dates.art,
        name="PI 27.1",
        start_date=TODAY + timedelta(days=42),
        end_date=TODAY + timedelta(days=111),
    )
    check(rail_dates, today=next_pi.start_date)
    assert flagged(rail_dates) == ["Checkout", "Fraud", "Ledger"]
    assert set(StaleScore.objects.values_list("pi", flat=True)) == {next_pi.pk}


def test_a_late_fixed_date_gets_one_step_more_time_criticality_with_its_reason(rail_dates):
    check(rail_dates)
    proposal = TcProposal.objects.get()
    assert (proposal.feature, proposal.from_value, proposal.to_value) == (rail_dates.ledger, 5, 8)
    assert proposal.late
    assert proposal.reason == (
        "3 iterations left to 2026-12-14; at rank 2 it finishes in 4.5 iterations: "
        "the date cannot be met at this rank."
    )
    assert Feature.objects.get(pk=rail_dates.ledger.pk).time_criticality == 5  # nothing changed yet


def test_accepting_writes_the_value_through_the_feature_history_as_the_job(rail_dates, alice):
    check(rail_dates)
    proposal = TcProposal.objects.get()
    tc_proposal_accept(proposal=proposal, acting_user=alice)
    ledger = Feature.objects.get(pk=rail_dates.ledger.pk)
    assert (ledger.time_criticality, ledger.version) == (8, rail_dates.ledger.version + 1)
    change = FeatureChange.objects.filter(feature=ledger).latest("changed_at")
    assert (change.door, change.source, change.changed_by) == ("job", f"TC proposal {proposal.pk}", alice)
    assert change.changes["time_criticality"] == [5, 8]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", alice)


def test_the_next_day_a_still_late_feature_gets_the_next_step(rail_dates, alice):
    check(rail_dates)
    tc_proposal_accept(proposal=TcProposal.objects.get(), acting_user=alice)
    art_rank_now(rail_dates.art)
    check(rail_dates, today=TODAY + timedelta(days=1))
    proposal = TcProposal.objects.get(status="open")
    assert (proposal.from_value, proposal.to_value) == (8, 13)


def test_a_dismissed_value_is_not_proposed_again(rail_dates, alice):
    check(rail_dates)
    tc_proposal_dismiss(proposal=TcProposal.objects.get(), acting_user=alice)
    for day in range(3):
        assert check(rail_dates, today=TODAY + timedelta(days=day)).proposed == 0
    assert list(TcProposal.objects.values_list("status", flat=True)) == ["dismissed"]
    assert Feature.objects.get(pk=rail_dates.ledger.pk).time_criticality == 5


def test_a_changed_time_criticality_withdraws_the_proposal_and_proposes_from_the_new_value(rail_dates, alice):
    check(rail_dates)
    feature_update(
        feature=rail_dates.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, time_criticality=3
    )
    result = check(rail_dates)
    assert (result.withdrawn, result.proposed) == (1, 1)
    rows = TcProposal.objects.order_by("pk").values_list("from_value", "to_value", "status")
    assert list(rows) == [(5, 8, "withdrawn"), (3, 5, "open")]


def test_a_feature_that_is_done_or_on_track_again_has_its_proposal_withdrawn(rail_dates, alice):
    check(rail_dates)
    feature_update(
        feature=rail_dates.ledger,
        acting_user=alice,
        door=FeatureChange.Door.PAGE,
        fixed_date=TODAY + timedelta(days=365),
    )
    assert check(rail_dates).withdrawn == 1
    assert TcProposal.objects.get().status == "withdrawn"


def test_a_refreshed_proposal_follows_the_feature_and_keeps_its_id(rail_dates, alice):
    check(rail_dates)
    first = TcProposal.objects.get()
    feature_update(
        feature=rail_dates.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="Ledger v2"
    )
    check(rail_dates, today=TODAY + timedelta(days=7))
    proposal = TcProposal.objects.get()
    assert proposal.pk == first.pk and proposal.is_open
    assert proposal.feature_version == first.feature_version + 1
    assert proposal.reason.startswith("2.5 iterations left to 2026-12-14;")


def test_accepting_after_the_feature_changed_is_refused_and_changes_nothing(rail_dates, alice):
    check(rail_dates)
    proposal = TcProposal.objects.get()
    feature_update(
        feature=rail_dates.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="Ledger v2"
    )
    with pytest.raises(VersionConflict):
        tc_proposal_accept(proposal=proposal, acting_user=alice)
    assert Feature.objects.get(pk=rail_dates.ledger.pk).time_criticality == 5
    assert TcProposal.objects.get().is_open


def test_accepting_with_the_current_version_still_needs_the_value_it_was_made_from(rail_dates, alice):
    check(rail_dates)
    proposal = TcProposal.objects.get()
    ledger = feature_update(
        feature=rail_dates.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, time_criticality=13
    )
    with pytest.raises(VersionConflict):
        tc_proposal_accept(proposal=proposal, acting_user=alice, expected_version=ledger.version)
    assert Feature.objects.get(pk=ledger.pk).time_criticality == 13


def test_a_closed_proposal_cannot_be_accepted_or_dismissed(rail_dates, alice):
    check(rail_dates)
    proposal = TcProposal.objects.get()
    tc_proposal_dismiss(proposal=proposal, acting_user=alice)
    with pytest.raises(ProposalClosed, match="already dismissed by alice on"):
        tc_proposal_accept(proposal=proposal, acting_user=alice)
    with pytest.raises(ProposalClosed):
        tc_proposal_dismiss(proposal=proposal, acting_user=alice)


def test_the_database_holds_at_most_one_open_proposal_per_feature(rail_dates):
    check(rail_dates)
    first = TcProposal.objects.get()
    first.pk = None
    first.to_value = 13
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()
