"""Numbers and words that look like a product: money, dates, Markdown-lite lists."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from backlog.templatetags.popm_text import bullets, money_text
from tests.factories import ArtFactory, FeatureFactory, ProgramIncrementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value,currency,shown",
    [
        (Decimal("12300"), "EUR", "€12,300"),
        (Decimal("1234.5"), "EUR", "€1,234.50"),
        (Decimal("1234567.891"), "USD", "$1,234,567.89"),
        (0, "GBP", "£0"),
        (Decimal("-50"), "EUR", "-€50"),
        (Decimal("999"), "CHF", "999 CHF"),
        (None, "EUR", "–"),
        ("not money", "EUR", "–"),
    ],
)
def test_money_has_its_currency_and_thousands_separators(value, currency, shown):
    assert money_text(value, currency) == shown


def test_lines_starting_with_a_dash_become_a_list():
    assert bullets("Done when:\n- Works on web\n- Works on mobile\n\nThen ship.") == (
        "<p>Done when:</p><ul><li>Works on web</li><li>Works on mobile</li></ul><p>Then ship.</p>"
    )
    assert bullets("* one\n• two") == "<ul><li>one</li><li>two</li></ul>"
    assert bullets("") == "<p>–</p>"


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "- <img src=x onerror=alert(1)>",
        '- <a href="javascript:alert(1)">click</a>',
        "</li></ul><script>alert(1)</script>",
        "- item\n<iframe src=//evil>",
        "<p onclick=alert(1)>x</p>",
    ],
)
def test_acceptance_criteria_never_carry_html_a_person_typed(attack):
    html = str(bullets(attack))
    stripped = html
    for tag in ("<ul>", "</ul>", "<li>", "</li>", "<p>", "</p>", "<br>"):
        stripped = stripped.replace(tag, "")
    assert "<" not in stripped and ">" not in stripped
    assert "&lt;" in html


def test_the_feature_page_renders_acceptance_criteria_as_a_list_escaped(client, alice, rail):
    feature = FeatureFactory(art=rail, acceptance_criteria="- Fast\n- <b>Safe</b>")
    client.force_login(alice)
    page = client.get(reverse("backlog:feature", args=[feature.pk])).content.decode()
    assert "<ul><li>Fast</li><li>&lt;b&gt;Safe&lt;/b&gt;</li></ul>" in page


def test_the_feature_page_shows_money_in_the_arts_currency(client, alice, rail):
    rail.currency = "USD"
    rail.save()
    feature = FeatureFactory(art=rail, cost_of_delay_per_week=Decimal("12500"), duration_weeks=Decimal("4"))
    client.force_login(alice)
    page = client.get(reverse("backlog:feature", args=[feature.pk])).content.decode()
    assert "Cost of Delay $12,500 per week" in page


def test_an_art_is_in_euros_unless_set():
    from backlog.models import Art

    assert Art(name="X").currency == "EUR"


def test_dates_have_one_format_everywhere():
    rendered = Template('{{ d|date }} · {{ t|date:"DATETIME_FORMAT" }}').render(
        Context({"d": datetime.date(2026, 12, 2), "t": datetime.datetime(2026, 12, 2, 9, 30)})
    )
    assert rendered == "2 Dec 2026 · 2 Dec 2026, 09:30"


def test_no_template_writes_its_own_date_format():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            rest = line
            while "|date:" in rest:
                rest = rest.split("|date:", 1)[1]
                if not rest.startswith(('"DATETIME_FORMAT"', "'c'", '"c"')):
                    offenders.append(f"{path.name}:{number}")
    assert offenders == []


def test_estimate_and_job_size_are_explained_side_by_side(client, alice, rail):
    feature = FeatureFactory(art=rail)
    client.force_login(alice)
    page = client.get(reverse("backlog:feature", args=[feature.pk])).content.decode()
    assert "Relative size 1–20 on the WSJF scale" in page  # the Job Size field's hint
    assert "Story points, for capacity" in page  # the Estimate field's hint
    backlog = client.get(reverse("scoring:art-backlog", args=[rail.pk])).content.decode()
    assert 'data-testid="estimate-vs-job-size"' in backlog


def test_admin_is_branded_popm(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "popm administration" in page
    assert "Django administration" not in page


def test_the_art_picker_shows_feature_count_current_pi_and_popms(
    client, admin_user, alice, rail, sea, django_assert_max_num_queries
):
    today = datetime.date.today()
    ProgramIncrementFactory(
        art=rail,
        name="PI now",
        start_date=today - datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=60),
    )
    ProgramIncrementFactory(
        art=rail,
        name="PI old",
        start_date=today - datetime.timedelta(days=200),
        end_date=today - datetime.timedelta(days=100),
    )
    FeatureFactory.create_batch(3, art=rail)
    FeatureFactory(art=rail, status="done")
    for index in range(5):
        FeatureFactory(art=ArtFactory(name=f"Extra {index}"))
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("backlog:home"))
    page = response.content.decode()
    rail_card = page.split(f'data-testid="art-{rail.pk}"')[1].split("</dl>")[0]
    assert "Open features</dt><dd><strong>3</strong>" in rail_card
    assert "PI now" in rail_card and "PI old" not in rail_card
    assert "alice" in rail_card


def test_an_admin_sets_the_arts_currency_over_the_api_and_a_bad_code_is_named(api, admin_user, rail):
    client = api(admin_user)
    assert client.patch(f"/api/arts/{rail.pk}/", {"currency": "USD"}, format="json").status_code == 200
    bad = client.patch(f"/api/arts/{rail.pk}/", {"currency": "euro"}, format="json")
    assert bad.status_code == 400 and "ISO 4217" in bad.data["currency"][0]
    rail.refresh_from_db()
    assert rail.currency == "USD"
