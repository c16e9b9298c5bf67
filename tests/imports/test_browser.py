"""Import from Jira in headless Chromium: upload, preview, re-map, confirm, the progress bar
following the run (htmx polling every second), the result.

Screenshots land in screenshots/imports-*.png at 1280 and 390 px wide.
"""

from pathlib import Path

import pytest

from backlog.imports.models import ImportRun
from backlog.imports.services import import_run_execute
from backlog.models import Feature
from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent / "fixtures"


def test_a_popm_imports_a_jira_export_and_follows_its_progress(browser_page, alice, rail):
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/backlog/")
    page.click("text=Import from Jira")
    page.set_input_files("#id_file", str(FIXTURES / "cloud_all_fields.csv"))
    page.click("text=Upload and preview")
    assert "Preview: cloud_all_fields.csv" in page.locator("h1").inner_text()
    counts = page.get_by_test_id("counts").inner_text()
    assert "3\nto create" in counts
    assert page.get_by_test_id("preview-rows").locator("tbody tr").count() == 3
    screenshot(page, "imports-preview-1280")

    page.select_option("select[name='status:In Progress']", "validating")
    page.click("text=Preview again with this mapping")
    assert "Preview updated" in page.locator(".message").first.inner_text()
    assert "Validating" in page.get_by_test_id("preview-rows").locator("tbody tr").first.inner_text()
    assert not Feature.objects.exists()

    page.get_by_test_id("confirm").click()
    progress = page.get_by_test_id("progress")
    assert progress.locator("progress").is_visible()
    assert "Waiting for a worker" in progress.inner_text()
    screenshot(page, "imports-progress-1280")
    # The worker's part, here in the test's thread; the page's poll notices and shows the result.
    import_run_execute(run_id=ImportRun.objects.get().pk)
    page.wait_for_selector("text=See the ranked backlog", timeout=10_000)
    assert "Import of cloud_all_fields.csv" in page.locator("h1").inner_text()
    assert "3\ncreated" in page.get_by_test_id("counts").inner_text()
    assert Feature.objects.get(external_key="RAIL-101").status == "validating"
    screenshot(page, "imports-result-1280")

    page.goto(f"/arts/{rail.pk}/imports/")
    assert "cloud_all_fields.csv" in page.get_by_test_id("past-imports").inner_text()


def test_the_preview_reads_on_a_phone_and_a_bad_file_is_named(browser_page, alice, rail, tmp_path):
    page = browser_page(alice, width=390, height=844)
    page.goto(f"/arts/{rail.pk}/imports/")
    bad = tmp_path / "notes.csv"
    bad.write_text("Key,Title\nA-1,x\n")
    page.set_input_files("#id_file", str(bad))
    page.click("text=Upload and preview")
    assert "no Summary column" in page.locator("#file-error").inner_text()
    screenshot(page, "imports-bad-file-390")
    page.set_input_files("#id_file", str(FIXTURES / "off_scale_wsjf.csv"))
    page.click("text=Upload and preview")
    assert page.get_by_test_id("problems").locator("tbody tr").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    screenshot(page, "imports-preview-390")
