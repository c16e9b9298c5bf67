"""The what-if answer as a user reads it: weeks first, then money, then relative units; plurals;
the money view's warning about missing money data; who moves most first. Every number shown is
worked out by hand in the comments."""

import re
from decimal import Decimal

import pytest

from scoring.tradeoffs.selectors import count_text, money_text, span_text
from tests.factories import TeamFactory, scored

pytestmark = pytest.mark.django_db


def whatif(client, art, **params):
    return client.get(f"/arts/{art.pk}/tradeoffs/", params)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").strip()


def lead_of(page: str) -> str:
    start = page.index('data-testid="lead"')
    return text_of(page[start : page.index("</dl>", start)].split(">", 1)[1])


def test_one_job_size_unit_is_singular(client, carol, rail):
    a = scored(rail, "A", 20, 20, 20, 1)  # CoD 60, size 1
    b = scored(rail, "B", 5, 5, 5, 1)  # CoD 15, size 1
    client.force_login(carol)
    page = whatif(client, rail, mode="move", move=b.pk, before=a.pk).content.decode()
    # WSJF A, B finish 1, 2: 60 + 30 = 90; B first: B 1, A 2: 15 + 120 = 135; extra 45.
    assert (
        "Moving 'B' ahead of 'A' delays 1 feature by 1 job-size unit and costs 45 more "
        "CoD × job-size units than the WSJF order." in text_of(page)
    )
    assert "1 job-size units" not in page
    assert (
        lead_of(page) == "1 feature waits 1 job-size unit Extra delay cost, relative 45 CoD × job-size units"
    )
    # Why no weeks, said once.
    assert "No weeks: 2 compared features have no estimate." in text_of(page)


def test_the_answer_leads_with_weeks_then_money_then_relative_units(client, carol, rail):
    TeamFactory(art=rail, velocity=20)  # 20 points per iteration, 2-week iterations (no PI)
    a = scored(
        rail, "A", 20, 20, 20, 1, estimate_points=Decimal("10"), cost_of_delay_per_week=Decimal("1000")
    )
    b = scored(rail, "B", 5, 5, 5, 1, estimate_points=Decimal("20"), cost_of_delay_per_week=Decimal("300"))
    client.force_login(carol)
    response = whatif(client, rail, mode="move", move=b.pk, before=a.pk)
    page = response.content.decode()
    # Points: WSJF A 10, B 30; B first: B 20, A 30. A waits 20 points = 1 iteration = 2 weeks;
    # B gains 10 points = 1 week. Money: 1000 x 2 - 300 x 1 = 1700. Relative: extra 45 (above).
    assert response.context["result"]["extra_money"] == "1700"
    assert (
        "Moving 'B' ahead of 'A' delays 1 feature by about 2 weeks at the ART's throughput "
        "(1 job-size unit), costs about 1,700 more in money (Cost of Delay per week × weeks of "
        "delay) and 45 more CoD × job-size units than the WSJF order." in text_of(page)
    )
    assert lead_of(page) == (
        "1 feature waits 2 weeks 1 iteration, at the ART's throughput "
        "Extra cost in money 1,700 Cost of Delay per week × weeks of delay "
        "Extra delay cost, relative 45 CoD × job-size units"
    )


def test_no_money_when_a_moved_feature_has_none(client, carol, rail):
    TeamFactory(art=rail, velocity=20)
    a = scored(
        rail, "A", 20, 20, 20, 1, estimate_points=Decimal("10"), cost_of_delay_per_week=Decimal("1000")
    )
    b = scored(rail, "B", 5, 5, 5, 1, estimate_points=Decimal("20"))
    client.force_login(carol)
    response = whatif(client, rail, mode="move", move=b.pk, before=a.pk)
    assert response.context["result"]["extra_money"] is None
    page = text_of(response.content.decode())
    assert "No money: 1 moved feature has no Cost of Delay per week." in page
    assert "in money" not in page.split("No money")[0]


def test_money_view_answers_in_weeks_and_money(client, carol, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    client.force_login(carol)
    page = whatif(client, rail, mode="move", move=b.pk, before=a.pk, unit="money").content.decode()
    # CD3: A 1000/2 = 500, B 300/3 = 100: A first. A 2, B 5: 2000 + 1500 = 3500.
    # B first: B 3, A 5: 900 + 5000 = 5900; extra 2400; A waits 3 weeks.
    assert (
        "Moving 'B' ahead of 'A' delays 1 feature by 3 weeks and costs 2,400 more in money than the CD3 order."
        in text_of(page)
    )
    assert lead_of(page) == "1 feature waits 3 weeks Extra cost in money 2,400"


def test_the_money_view_names_features_without_money_in_a_warning_and_offers_the_rest(client, alice, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    c = scored(rail, "Café <Wi-Fi>", 3, 3, 3, 3)
    client.force_login(alice)
    page = whatif(client, rail, mode="move", move=b.pk, before=a.pk, unit="money").content.decode()
    warning = page[page.index('data-testid="money-missing"') - 40 :]
    warning = warning[: warning.index("</div>")]
    assert 'class="message warning"' in warning and "message error" not in page
    assert f'<a href="/features/{c.pk}/#edit">Café &lt;Wi-Fi&gt;</a>' in warning
    assert "1 feature has none yet" in text_of(warning)
    link = re.search(r'href="(\?[^"]+)" data-testid="compare-rest"', warning).group(1).replace("&amp;", "&")
    assert "only=money" in link and "Compare the 2 features that have money data" in text_of(warning)
    answer = client.get(f"/arts/{rail.pk}/tradeoffs/{link}")
    result = answer.context["result"]
    assert (result["unit"], sorted(result["wsjf_order"])) == ("money", sorted([a.pk, b.pk]))
    assert result["extra_delay_cost"] == "2400"  # as in the money view above, C left out
    assert 'name="only" value="money" checked' in answer.content.decode()


def test_saving_a_money_only_answer_keeps_it(client, alice, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    scored(rail, "No money", 3, 3, 3, 3)
    client.force_login(alice)
    response = client.post(
        f"/arts/{rail.pk}/tradeoffs/save/",
        {"move": b.pk, "before": a.pk, "unit": "money", "money_only": "True"},
        follow=True,
    )
    assert response.context["result"]["extra_delay_cost"] == "2400"


def test_the_api_compares_only_features_with_money_when_asked(api, carol, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    c = scored(rail, "No money", 3, 3, 3, 3)
    url = f"/api/arts/{rail.pk}/tradeoff/"
    refused = api(carol).post(url, {"move": b.pk, "before": a.pk, "unit": "money"}, format="json")
    assert refused.status_code == 400 and "missing on" in refused.json()["unit"][0]
    body = api(carol).post(url, {"move": b.pk, "before": a.pk, "money_only": True}, format="json").json()
    assert (body["unit"], body["extra_money"], body["extra_delay_cost"]) == ("money", "2400", "2400")
    wrong = api(carol).post(url, {"move": c.pk, "before": a.pk, "money_only": True}, format="json")
    assert wrong.status_code == 400 and "has no money data" in wrong.json()["move"][0]


def test_who_moves_shows_the_features_that_move_most_first_and_the_rest_behind_show_all(client, carol, rail):
    sizes = [1, 2, 3, 5, 8, 13, 20]
    features = [scored(rail, f"F{i:02}", 20, 13, 8, sizes[i % 7]) for i in range(14)]
    client.force_login(carol)
    # Reverse the WSJF order: every feature moves, by different amounts.
    order = {f"pos_{f.pk}": str(14 - i) for i, f in enumerate(features)}
    response = whatif(client, rail, mode="order", **order)
    shown, rest = response.context["moved"], response.context["moved_rest"]
    assert len(shown) == 10 and len(shown) + len(rest) == response.context["moved_count"]
    amounts = [abs(Decimal(f["delay"])) for f in shown + rest]
    assert amounts == sorted(amounts, reverse=True)
    page = response.content.decode()
    details = page[page.index('<details class="moves-rest">') :]
    assert f"Show all {response.context['moved_count']} features that move" in details
    first_table = page[page.index("Who moves") : page.index('<details class="moves-rest">')]
    assert first_table.count("<tr class=") == 10
    assert shown[0]["title"] in first_table and rest[0]["title"] in details
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]


def test_cd3_page_warns_about_features_without_money_and_links_to_them(client, carol, rail):
    scored(rail, "A", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("100"), duration_weeks=Decimal("4"))
    scored(rail, "B", 1, 1, 1, 13, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("1"))
    lacking = scored(rail, "No money", 20, 20, 20, 1)
    client.force_login(carol)
    page = client.get(f"/arts/{rail.pk}/cd3/").content.decode()
    warning = page[page.index('data-testid="money-missing"') - 40 :]
    warning = warning[: warning.index("</div>")]
    assert 'class="message warning"' in warning
    assert f'<a href="/features/{lacking.pk}/#edit">No money</a>' in warning
    assert "1 scored feature has no money data" in text_of(warning)
    assert "Ask a what-if in money about the 2 features that have it" in text_of(warning)
    assert 'class="message warning" data-testid="disagreements"' in page


def test_quantities_in_words():
    assert count_text(Decimal(1), "job-size unit") == "1 job-size unit"
    assert count_text(Decimal("0.5"), "week") == "0.5 weeks"
    assert count_text(Decimal(1), "CoD × job-size unit") == "1 CoD × job-size unit"
    assert span_text([Decimal(1), Decimal(3)], "week") == "1 to 3 weeks"
    assert span_text([Decimal(2), Decimal(2)], "iteration") == "2 iterations"
    assert money_text(Decimal("1234567.5")) == "1,234,567.50"
    assert money_text("1700") == "1,700"
    assert money_text(Decimal("-300")) == "-300"


def test_a_move_that_saves_money_says_so(client, carol, rail):
    TeamFactory(art=rail, velocity=20)
    a = scored(rail, "A", 20, 20, 20, 1, estimate_points=Decimal("10"), cost_of_delay_per_week=Decimal("100"))
    b = scored(rail, "B", 5, 5, 5, 1, estimate_points=Decimal("20"), cost_of_delay_per_week=Decimal("1000"))
    client.force_login(carol)
    page = text_of(whatif(client, rail, mode="move", move=b.pk, before=a.pk).content.decode())
    # As above, A waits 2 weeks and B gains 1: 100 x 2 - 1000 x 1 = -800.
    assert "saves about 800 in money (Cost of Delay per week × weeks of delay) and 45 more CoD" in page
    assert "Saved in money 800" in page
