import pytest
from django.test import Client

from tests.factories import FeatureFactory


@pytest.mark.django_db
def test_backlog_api_renders_as_html_in_the_browser(alice, rail):
    FeatureFactory(art=rail, title="Visible in HTML")
    client = Client()
    client.force_login(alice)
    response = client.get(f"/api/arts/{rail.pk}/backlog/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and "Visible in HTML" in response.content.decode()
