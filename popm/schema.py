"""What the API schema says about errors, in one place rather than on every view.

Every operation can answer 400 (a bad parameter or body), 401, 403 and 404 (an object, or an
ART, the caller cannot see); every write 409 (a conflict with the current state), 413 (a
body over the limit) and 415 (a body that is not JSON); a PATCH or DELETE of a versioned resource (its answer carries `version`)
412 (stale version) and 428 (no version sent). The body is popm.api's: {"detail": "..."} or a
message list per field.
"""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": '{"detail": "..."} (with extra fields on 409 and 412), or on 400 a list of '
    'messages per field, e.g. {"title": ["This field is required."]}.',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERROR_MEANINGS = {
    "400": "The input is wrong: a message per field or parameter.",
    "401": "Not signed in.",
    "403": "Visible but not yours to change.",
    "404": "Not there, or in an ART you cannot read.",
    "409": "Conflicts with the current state (e.g. the capacity plan changed since you looked).",
    "412": "The version sent is not the current one; `current` holds the resource as it is now.",
    "413": "The request body is larger than the server takes.",
    "415": "The body is not JSON (Content-Type: application/json).",
    "428": "Versioned resource: send `version` in the body or an If-Match header (If-Match: * for any).",
}
WRITES = {"post", "put", "patch", "delete"}
# A download's path says its file type (/api/arts/{id}/export.csv): its 200 is that file.
FILE_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _answer_of(operation: dict) -> dict:
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        if "application/json" in content:
            return content["application/json"].get("schema", {})
    return {}


def _has_version(schema: dict, components: dict) -> bool:
    ref = schema.get("$ref", "")
    if ref:
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    return "version" in schema.get("properties", {})


def error_responses_document(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: add the error answers each operation can give."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        file_type = next((kind for suffix, kind in FILE_TYPES.items() if path.endswith(suffix)), None)
        if file_type and "200" in operations.get("get", {}).get("responses", {}):
            operations["get"]["responses"]["200"]["content"] = {
                file_type: {"schema": {"type": "string", "format": "binary"}}
            }
        versioned = any(
            _has_version(_answer_of(operation), components)
            for method, operation in operations.items()
            if method in ("get", "patch")
        )
        for method, operation in operations.items():
            if method not in {"get", "head", *WRITES}:
                continue
            codes = ["400", "401", "403", "404"]
            if method in WRITES:
                codes += ["409", "413", "415"]
            if versioned and method in ("patch", "delete"):
                codes += ["412", "428"]
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "schema": {"type": "string"},
                        "description": 'The version you edited, e.g. "3" (or `version` in the body); '
                        "* for whatever is there.",
                    }
                )
            for parameter in operation.get("parameters", []):
                _empty_filter_allowed(parameter)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERROR_MEANINGS[code], "content": error})
    return result


def _empty_filter_allowed(parameter: dict) -> None:
    """A choice filter sent empty (?status=) is no filter, as DRF reads query parameters: the
    schema says so instead of promising a 400 the API never gives."""
    schema = parameter.get("schema", {})
    if parameter.get("in") != "query":
        return
    if schema.get("type") == "integer":  # ?pi= is no PI filter, ?page= the first page
        parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
        parameter["description"] = (parameter.get("description", "") + " Empty: no filter.").strip()
        return
    if "enum" in schema and "" not in schema["enum"]:
        schema["enum"] = [*schema["enum"], ""]
        schema.pop("minLength", None)
        parameter["description"] = (parameter.get("description", "") + " Empty: no filter.").strip()
