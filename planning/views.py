from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def capacity_page_current(request: HttpRequest, art_id: int) -> HttpResponse:
    return HttpResponse("Capacity planning is coming soon.")
