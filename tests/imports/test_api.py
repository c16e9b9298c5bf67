"""The import over the API: upload with a preview, confirm, follow the run; who may."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backlog.imports.models import ImportRun
from backlog.imports.services import import_run_execute
from backlog.models import Epic, Feature, FeatureChange

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def upload(client, art, name="cloud_all_fields.csv", *, content=None, **data):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return client.post(
        f"/api/arts/{art.pk}/imports/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data},
        format="multipart",
    )


def test_preview_then_confirm_then_done(api, alice, rail):
    client = api(alice)
    response = upload(client, rail, dry_run="true")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["status"] == "pending" and body["confirmed"] is False
    preview = body["preview"]
    assert (preview["created"], preview["updated"], preview["unchanged"], preview["refused"]) == (3, 0, 0, 0)
    assert preview["encoding"] == "utf-8"
    assert [row["external_key"] for row in preview["rows"]] == ["RAIL-101", "RAIL-102", "RAIL-1"]
    assert preview["rows"][0]["estimate_points"] == "8.0"
    assert preview["mapping"]["story_points_columns"] == [
        "Custom field (Story Points)",
        "Custom field (Story point estimate)",
    ]
    assert preview["mapping"]["statuses"] == {"In Progress": "implementing", "To Do": "backlog"}
    assert not Feature.objects.exists()  # a preview writes nothing

    run_id = body["id"]
    confirmed = client.post(f"/api/imports/{run_id}/confirm/")
    assert confirmed.status_code == 202, confirmed.data
    assert client.post(f"/api/imports/{run_id}/confirm/").status_code == 409  # once only
    import_run_execute(run_id=run_id)  # what the worker does (tests/imports/test_worker.py)
    status = client.get(f"/api/imports/{run_id}/").json()
    assert {
        key: status[key] for key in ("status", "total", "processed", "created", "updated", "unchanged")
    } == {
        "status": "done",
        "total": 3,
        "processed": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert status["errors"] == [] and status["created_by"] == "alice"
    assert Feature.objects.filter(art=rail).count() == 2 and Epic.objects.filter(art=rail).count() == 1
    assert set(FeatureChange.objects.values_list("source", "door")) == {("cloud_all_fields.csv", "import")}
    listed = client.get(f"/api/arts/{rail.pk}/imports/").json()
    assert [row["id"] for row in listed["results"]] == [run_id]


def test_a_mapping_changes_what_the_preview_plans(api, alice, rail):
    mapping = {
        "statuses": {"In Progress": "analyzing"},
        "issue_types": {"Epic": "skip"},
        "story_points": "Custom field (Story point estimate)",
        "take_jira": ["job_size"],
    }
    body = upload(api(alice), rail, dry_run="true", mapping=json.dumps(mapping)).json()
    preview = body["preview"]
    assert (preview["created"], preview["skipped"]) == (2, 1)
    checkout, search = preview["rows"]
    assert checkout["status"] == "analyzing" and checkout["epic"] is None
    assert checkout["estimate_points"] is None and search["estimate_points"] == "5.0"
    assert preview["take_jira"] == ["job_size"]
    assert ImportRun.objects.get().mapping == mapping


def test_without_dry_run_the_import_is_confirmed_at_once(api, alice, rail):
    body = upload(api(alice), rail).json()
    assert body["confirmed"] is True and body["preview"] is None
    import_run_execute(run_id=body["id"])
    assert ImportRun.objects.get().status == "done"
    assert Feature.objects.filter(art=rail).count() == 2


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"mapping": "{nope"}, "mapping", "JSON"),
        ({"mapping": json.dumps({"statuses": {"Open": "started"}})}, "mapping", "use one of: funnel"),
        ({"mapping": json.dumps({"take_jira": ["title"]})}, "mapping", "cannot be taken from Jira"),
        ({"mapping": json.dumps({"colour": 1})}, "mapping", "unknown key"),
        ({"dry_run": "perhaps"}, "dry_run", "valid boolean"),
    ],
)
def test_a_bad_mapping_or_flag_is_a_400_naming_it(api, alice, rail, data, field, words):
    response = upload(api(alice), rail, **data)
    assert response.status_code == 400
    assert words in response.json()[field][0]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"Issue key,Title\nRAIL-1,x\n", "no Summary column"),
        ('Summary,Issue key\n"Caf\u00e9,RAIL-1\n'.encode(), "well-formed"),
    ],
)
def test_a_bad_file_is_a_400_on_file_and_writes_nothing(api, alice, rail, content, words):
    response = upload(api(alice), rail, content=content)
    assert response.status_code == 400
    assert words in response.json()["file"][0]
    assert not ImportRun.objects.exists() and not Feature.objects.exists()


def test_no_file_is_a_400_on_file(api, alice, rail):
    response = api(alice).post(f"/api/arts/{rail.pk}/imports/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_a_cp1252_file_says_how_it_was_read(api, alice, rail):
    body = upload(api(alice), rail, "cp1252.csv", dry_run="true").json()
    assert body["preview"]["encoding"] == "cp1252"


@pytest.mark.parametrize(
    ("persona", "code"), [("carol", 403), ("bob", 403), ("dave", 404), ("anonymous", 401)]
)
def test_only_a_popm_of_the_art_or_an_admin_imports(client_of, rail, alice, carol, bob, dave, persona, code):
    response = upload(client_of(persona), rail, dry_run="true")
    assert response.status_code == code
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(("persona", "code"), [("carol", 403), ("bob", 403), ("dave", 404)])
def test_others_neither_read_nor_confirm_an_import(
    client_of, api, rail, alice, carol, bob, dave, persona, code
):
    run_id = upload(api(alice), rail, dry_run="true").json()["id"]
    client = client_of(persona)
    assert client.get(f"/api/imports/{run_id}/").status_code == code
    assert client.post(f"/api/imports/{run_id}/confirm/").status_code == code
    assert client.get(f"/api/arts/{rail.pk}/imports/").status_code == code
    assert ImportRun.objects.get().confirmed_at is None


def test_an_admin_imports(client_of, rail, admin_user):
    assert upload(client_of("admin"), rail, dry_run="true").status_code == 201


def test_a_missing_import_is_a_404(api, alice, rail):
    assert api(alice).get("/api/imports/999999/").status_code == 404
    assert api(alice).post("/api/imports/999999/confirm/").status_code == 404
