"""The Content-Security-Policy allows scripts from this server only: no template may carry an
inline <script> or an on*= handler, and every page answers with the policy."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        found += [f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in HANDLER.finditer(text)]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/docs/"])
def test_pages_answer_with_a_policy_that_allows_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"
    assert "<script>" not in response.content.decode()
