"""/api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI), served without the internet."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

RESOURCES = ["arts", "teams", "pis", "epics", "features", "stakeholders"]


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_with_every_resource_and_the_backlog(schema):
    assert schema["openapi"].startswith("3.")
    for resource in RESOURCES:
        assert f"/api/{resource}/" in schema["paths"]
        assert set(schema["paths"][f"/api/{resource}/{{id}}/"]) == {"get", "patch", "delete"}
    assert "/api/arts/{art_id}/backlog/" in schema["paths"]


def test_schema_names_the_scale_for_every_wsjf_input(schema):
    feature = schema["components"]["schemas"]["Feature"]["properties"]
    scale = schema["components"]["schemas"]["WsjfScaleEnum"]["enum"]
    assert scale == [1, 2, 3, 5, 8, 13, 20]
    for field in ["user_business_value", "time_criticality", "risk_reduction", "job_size"]:
        refs = [option.get("$ref") for option in feature[field]["allOf"]]
        assert "#/components/schemas/WsjfScaleEnum" in refs


def test_schema_generates_valid_and_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_docs_page_loads_scripts_and_styles_from_this_server_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    # Static files, and Swagger UI's start-up script from the docs view itself (no inline script).
    assert all(asset.startswith(("/static/", "/api/docs/?")) for asset in assets), assets
    assert "<script>" not in html
    assert not re.search(r"https?://", html)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
