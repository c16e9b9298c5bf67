"""Trade-off pages without a browser: answers, messages, roles, query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.tradeoffs.models import SavedTradeoff, ShareLink
from tests.factories import scored


@pytest.fixture
def two(rail):
    return scored(rail, "Checkout retry", 13, 5, 2, 1), scored(rail, "SSO for partners", 8, 5, 2, 5)


def whatif(client, art, **params):
    return client.get(f"/arts/{art.pk}/tradeoffs/", params)


@pytest.mark.django_db
def test_whatif_page_answers_in_plain_words(client, carol, rail, two):
    retry, sso = two
    client.force_login(carol)
    response = whatif(client, rail, mode="move", move=sso.pk, before=retry.pk)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav"] == "tradeoffs" and response.context["art"] == rail
    assert (
        "Moving &#x27;SSO for partners&#x27; ahead of &#x27;Checkout retry&#x27; delays 1 feature by "
        "5 job-size units and costs 85 more CoD × job-size units than the WSJF order." in page
    )
    assert 'data-testid="value-chart"' in page
    assert "Save trade-off" not in page  # stakeholders read


@pytest.mark.django_db
def test_whatif_page_with_a_proposed_order_for_a_set(client, alice, rail, two):
    retry, sso = two
    scored(rail, "Not compared", 1, 1, 1, 20)
    client.force_login(alice)
    response = whatif(client, rail, mode="order", **{f"pos_{sso.pk}": "1", f"pos_{retry.pk}": "2"})
    assert response.context["result"]["proposed_order"] == [sso.pk, retry.pk]
    assert "Save trade-off" in response.content.decode()


@pytest.mark.django_db
def test_whatif_page_names_the_problem_and_keeps_the_form(client, alice, rail, two):
    retry, _sso = two
    client.force_login(alice)
    response = whatif(client, rail, mode="move", move=retry.pk, before=retry.pk)
    assert response.status_code == 200
    assert "move and before must be two different features." in response.content.decode()
    response = whatif(client, rail, mode="order", **{f"pos_{retry.pk}": "first"})
    assert "must be a whole number" in response.content.decode()
    response = whatif(client, rail, mode="order")
    assert "Give at least one feature id" in response.content.decode()


@pytest.mark.django_db
def test_pages_are_closed_to_users_without_a_role_and_anonymous(client, dave, rail, two):
    for path in (f"/arts/{rail.pk}/tradeoffs/", f"/arts/{rail.pk}/overrides/", f"/arts/{rail.pk}/cd3/"):
        assert client.get(path).status_code == 302
    client.force_login(dave)
    for path in (f"/arts/{rail.pk}/tradeoffs/", f"/arts/{rail.pk}/overrides/", f"/arts/{rail.pk}/cd3/"):
        assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_popm_saves_shares_and_revokes_from_the_pages(client, alice, rail, two):
    retry, sso = two
    client.force_login(alice)
    response = client.post(
        f"/arts/{rail.pk}/tradeoffs/save/",
        {"move": sso.pk, "before": retry.pk, "unit": "", "title": "Partners first"},
    )
    saved = SavedTradeoff.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    response = client.post(f"/arts/{rail.pk}/tradeoffs/{saved.pk}/share/", {"days": "7"}, follow=True)
    page = response.content.decode()
    assert "Share this read-only link" in page and "/shared/tradeoffs/" in page
    link = ShareLink.objects.get()
    client.post(f"/arts/{rail.pk}/tradeoffs/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.django_db
def test_stakeholder_cannot_save_or_share_from_the_pages(client, alice, carol, rail, two):
    retry, sso = two
    client.force_login(carol)
    body = {"move": sso.pk, "before": retry.pk, "title": "x"}
    assert client.post(f"/arts/{rail.pk}/tradeoffs/save/", body).status_code == 403
    from scoring.tradeoffs.services import tradeoff_save

    saved = tradeoff_save(art=rail, acting_user=alice, move=sso.pk, before=retry.pk)
    assert client.post(f"/arts/{rail.pk}/tradeoffs/{saved.pk}/share/", {"days": 7}).status_code == 403
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "Create share link" not in page
    assert SavedTradeoff.objects.count() == 1 and ShareLink.objects.count() == 0


@pytest.mark.django_db
def test_cd3_page_points_out_disagreements(client, carol, rail):
    # WSJF prefers A (CoD 60 / 1), CD3 prefers B (1000 per week / 1 week).
    scored(rail, "A", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("100"), duration_weeks=Decimal("4"))
    scored(rail, "B", 1, 1, 1, 13, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("1"))
    scored(rail, "No money", 20, 20, 20, 1)
    client.force_login(carol)
    response = client.get(f"/arts/{rail.pk}/cd3/")
    rows = response.context["rows"]
    assert [(row["title"], row["cd3_rank"], row["wsjf_rank"]) for row in rows] == [("B", 1, 2), ("A", 2, 1)]
    assert "'B' is 1 by CD3 but 2 by WSJF" in response.content.decode()


@pytest.mark.django_db
def test_tradeoff_api_reads_a_fixed_number_of_queries_whatever_the_backlog_size(api, alice, rail):
    def queries_for(count: int) -> int:
        features = [scored(rail, f"F{len(rail.features.all())}", 3, 2, 1, 3) for _ in range(count)]
        client = api(alice)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/api/arts/{rail.pk}/tradeoff/",
                {"move": features[-1].pk, "before": features[0].pk},
                format="json",
            )
        assert response.status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(40)


@pytest.mark.django_db
def test_whatif_page_compares_in_the_unit_asked_for(client, alice, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    client.force_login(alice)
    params = {"mode": "order", f"pos_{a.pk}": "1", f"pos_{b.pk}": "2"}
    assert whatif(client, rail, **params).context["result"]["unit"] == "money"
    relative = whatif(client, rail, unit="cod-jobsize", **params)
    assert relative.context["result"]["unit"] == "cod-jobsize"
    assert 'value="cod-jobsize" selected' in relative.content.decode()


@pytest.mark.django_db
def test_saving_a_bad_question_from_the_page_says_why_and_saves_nothing(client, alice, rail, two):
    client.force_login(alice)
    response = client.post(f"/arts/{rail.pk}/tradeoffs/save/", {"sequence": "1,x", "title": "t"}, follow=True)
    assert "Nothing was saved: The proposed order must be feature ids." in response.content.decode()
    response = client.post(f"/arts/{rail.pk}/tradeoffs/save/", {"sequence": "999999"}, follow=True)
    assert "Nothing was saved: Unknown feature ids: 999999." in response.content.decode()
    assert SavedTradeoff.objects.count() == 0
