from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def tradeoff_page(request: HttpRequest, art_id: int) -> HttpResponse:
    return HttpResponse("Trade-offs are coming soon.")
