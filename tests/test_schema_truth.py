"""/api/schema/ tells the truth about what the API answers: paged lists as pages, nullable
fields as nullable, and the error answers of every operation."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def answer(schema: dict, path: str, method: str = "get", status: str = "200") -> dict:
    found = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    if "$ref" in found:
        return schema["components"]["schemas"][found["$ref"].rsplit("/", 1)[-1]]
    return found


@pytest.mark.parametrize("path", ["/api/arts/{art_id}/overrides/", "/api/arts/{art_id}/tradeoffs/"])
def test_paged_lists_are_documented_as_pages(schema, path):
    assert {"count", "next", "previous", "results"} <= set(answer(schema, path)["properties"])
    names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
    assert {"page", "page_size"} <= names


def test_removed_by_of_an_override_is_nullable(schema):
    assert schema["components"]["schemas"]["OverrideOutput"]["properties"]["removed_by"]["nullable"] is True


def test_every_operation_documents_its_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"409", "413"} <= codes, (method, path)


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_versioned_write_documents_412_and_428_and_if_match(schema, method):
    operation = schema["paths"]["/api/features/{id}/"][method]
    assert {"412", "428"} <= set(operation["responses"])
    assert "If-Match" in {parameter["name"] for parameter in operation["parameters"]}
    assert "428" not in schema["paths"]["/api/teams/{id}/"][method]["responses"]


def test_downloads_are_documented_as_their_file_type(schema):
    assert set(schema["paths"]["/api/arts/{art_id}/export.csv"]["get"]["responses"]["200"]["content"]) == {
        "text/csv"
    }
