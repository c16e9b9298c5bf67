from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backlog.access import arts_visible_to
from backlog.models import Feature


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backlog/home.html", {"arts": arts_visible_to(request.user)})


@login_required
def feature_page(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = (
        Feature.objects.filter(art__in=arts_visible_to(request.user), pk=feature_id)
        .select_related("art", "pi", "epic", "team")
        .first()
    )
    if feature is None:
        raise Http404("No such feature.")
    return render(request, "backlog/feature.html", {"feature": feature})


@login_required
def art_switch(request: HttpRequest) -> HttpResponse:
    return redirect("art_backlog_page", art_id=request.GET.get("art", 0))


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return HttpResponse("coming")
