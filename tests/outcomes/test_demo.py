"""The demo ART carries outcomes: two past PIs with objectives, history, indicators and verdicts."""

import io

import pytest
from django.core.management import call_command

from backlog.models import Art, Feature, ProgramIncrement
from scoring.outcomes import selectors
from scoring.outcomes.models import LeadingIndicator, Measurement

pytestmark = pytest.mark.django_db


def test_the_demo_past_pis_show_predictability_flow_and_outcomes():
    call_command("load_demo", stdout=io.StringIO())
    art = Art.objects.get()
    past = list(
        ProgramIncrement.objects.filter(art=art, name__in=["PI 2026.2", "PI 2026.3"]).order_by("start_date")
    )
    assert len(past) == 2
    for pi in past:
        assert selectors.pi_predictability(pi=pi).art.percent is not None
    flow = selectors.art_flow(art_id=art.pk, pis=past)
    assert [row.done_features for row in flow.pis] == [10, 10]
    assert flow.flow_times == 20 and flow.percentiles[50] is not None
    enabler = {row.kind: row for row in flow.pis[0].distribution}["enabler"]
    assert enabler.delivered_percent < enabler.planned_percent
    assert LeadingIndicator.objects.count() == 8 and Measurement.objects.exists()
    assert Feature.objects.exclude(outcome_verdict="").count() >= 12
    assert selectors.art_calibration(art_id=art.pk).by_value
