from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def backlog_page(request: HttpRequest, art_id: int) -> HttpResponse:
    return HttpResponse("coming")


@login_required
def value_effort_chart(request: HttpRequest, art_id: int) -> HttpResponse:
    return HttpResponse("coming")
