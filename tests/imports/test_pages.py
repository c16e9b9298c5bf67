"""The Import from Jira pages: upload, preview with its mapping, confirm, progress, result."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backlog.imports.models import ImportRun
from backlog.imports.services import import_run_execute
from backlog.models import Feature
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def upload(client, art, name="cloud_all_fields.csv", content=None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return client.post(f"/arts/{art.pk}/imports/", {"file": SimpleUploadedFile(name, content)})


def test_the_backlog_links_to_the_import_for_a_popm_only(signed_in, rail, alice, carol):
    assert "Import from Jira" in signed_in(alice).get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "Import from Jira" not in signed_in(carol).get(f"/arts/{rail.pk}/backlog/").content.decode()


def test_upload_shows_the_preview_and_writes_nothing(signed_in, rail, alice, django_assert_max_num_queries):
    client = signed_in(alice)
    response = upload(client, rail)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    with django_assert_max_num_queries(8):
        page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Preview: cloud_all_fields.csv" in page
    assert "Nothing is written until you confirm" in page
    assert "RAIL-101" in page and "Checkout in one step" in page
    assert 'name="status:In Progress"' in page and 'name="type:Epic"' in page
    assert "Sprint columns are not imported" in page
    assert not Feature.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "The file is empty."),
        (b"Key,Title\nA-1,x\n", "no Summary column"),
        (b"\x00\x01\x02", "binary data"),
    ],
)
def test_a_bad_file_is_said_next_to_the_file_field(signed_in, rail, alice, content, words):
    response = upload(signed_in(alice), rail, content=content)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="file-error"' in page and words in page
    assert not ImportRun.objects.exists()


def test_the_mapping_is_edited_and_previewed_again(signed_in, rail, alice):
    client = signed_in(alice)
    upload(client, rail)
    run = ImportRun.objects.get()
    response = client.post(
        f"/imports/{run.pk}/mapping/",
        {
            "story_points": "Custom field (Story point estimate)",
            "status:In Progress": "validating",
            "status:To Do": "funnel",
            "type:Epic": "skip",
            "type:Feature": "feature",
            "take_jira": ["job_size", "team"],
        },
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.take_jira == ["job_size", "team"]
    rows = {row["external_key"]: row for row in run.preview["rows"]}
    assert rows["RAIL-101"]["status"] == "validating" and rows["RAIL-101"]["estimate_points"] is None
    assert "RAIL-1" not in rows and run.preview["skipped"] == 1
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert '<option value="validating" selected>' in page


def test_confirm_then_progress_then_result(signed_in, rail, alice, django_assert_max_num_queries):
    client = signed_in(alice)
    upload(client, rail, content=(FIXTURES / "cloud_all_fields.csv").read_bytes() + b",RAIL-9,,Feature\n")
    run = ImportRun.objects.get()
    assert client.post(f"/imports/{run.pk}/confirm/").status_code == 302
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting for a worker" in page
    fragment = client.get(f"/imports/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in fragment
    import_run_execute(run_id=run.pk)
    with django_assert_max_num_queries(8):
        fragment = client.get(f"/imports/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == f"/imports/{run.pk}/"
    with django_assert_max_num_queries(8):
        result = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Refused rows" in result and "no summary" in result
    with django_assert_max_num_queries(8):
        listing = client.get(f"/arts/{rail.pk}/imports/").content.decode()
    assert "cloud_all_fields.csv" in listing and "alice" in listing


def test_team_is_matched_by_name_and_an_unknown_one_is_reported(signed_in, rail, alice):
    TeamFactory(art=rail, name="Checkout")
    text = "Issue key,Summary,Team,Labels,Labels\nRAIL-7,A,checkout,enabler,x\nRAIL-8,B,Nobody,,\n"
    client = signed_in(alice)
    upload(client, rail, content=text.encode())
    run = ImportRun.objects.get()
    client.post(f"/imports/{run.pk}/confirm/")
    import_run_execute(run_id=run.pk)
    seven = Feature.objects.get(external_key="RAIL-7")
    assert seven.team.name == "Checkout" and seven.kind == "enabler"
    assert Feature.objects.get(external_key="RAIL-8").team is None
    run.refresh_from_db()
    assert [(e["row"], e["column"], e["row_refused"]) for e in run.errors] == [(3, "Team", False)]


@pytest.mark.parametrize(("persona", "code"), [("carol", 403), ("bob", 403), ("dave", 404)])
def test_only_a_popm_of_the_art_or_an_admin_sees_the_pages(
    signed_in, rail, alice, carol, bob, dave, persona, code
):
    upload(signed_in(alice), rail)
    run = ImportRun.objects.get()
    client = signed_in({"carol": carol, "bob": bob, "dave": dave}[persona])
    assert client.get(f"/arts/{rail.pk}/imports/").status_code == code
    assert upload(client, rail).status_code == code
    for path in ("", "progress/"):
        assert client.get(f"/imports/{run.pk}/{path}").status_code == code
    for path in ("mapping/", "confirm/"):
        assert client.post(f"/imports/{run.pk}/{path}").status_code == code
    assert ImportRun.objects.count() == 1 and ImportRun.objects.get().confirmed_at is None
