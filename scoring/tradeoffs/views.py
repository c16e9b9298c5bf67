"""Trade-off pages: what-if, saved answers and their share links, override ledger, CD3 vs WSJF."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog.access import art_editable_or_403, art_visible_or_404, user_can_edit_art
from backlog.models import Art
from scoring.share_links import share_link_for_token
from scoring.tradeoffs import selectors, services
from scoring.tradeoffs.charts import value_chart
from scoring.tradeoffs.delay_cost import MONEY
from scoring.tradeoffs.forms import (
    ORDER_FORM_ROWS,
    OverrideForm,
    QuestionForm,
    SaveTradeoffForm,
    ShareLinkForm,
)
from scoring.tradeoffs.models import Override, SavedTradeoff, ShareLink
from scoring.tradeoffs.questions import MoneyMissing, TradeoffInputError

# The "who moves" table shows the features that move most first; the rest sit behind "show all".
MOVED_ROWS_SHOWN = 10


def _page(request: HttpRequest, template: str, art: Art | None, **context: Any) -> HttpResponse:
    can_edit = art is not None and user_can_edit_art(request.user, art.pk)
    return render(request, template, {"art": art, "nav": "tradeoffs", "can_edit": can_edit, **context})


def answer_lead(result: dict[str, Any]) -> list[dict[str, Any]]:
    """What the answer leads with: the weeks the features wait (money view, or at the ART's
    throughput), the money (where the features carry it), then the relative units.

    Saved answers from before these numbers existed lack some keys: they show what they have.
    """
    money_view = result["unit"] == MONEY
    waiting = [f for f in result["features"] if Decimal(f["delay"]) > 0]
    extra = Decimal(result["extra_delay_cost"])
    lead: list[dict[str, Any]] = []
    if waiting:
        if money_view:
            weeks = selectors.span_text([Decimal(f["delay"]) for f in waiting], "week")
            lead.append({"label": _wait(len(waiting)), "value": weeks, "note": ""})
        elif result.get("calendar"):
            weeks = selectors.span_text([Decimal(f["delay_weeks"]) for f in waiting], "week")
            iterations = selectors.span_text([Decimal(f["delay_iterations"]) for f in waiting], "iteration")
            lead.append(
                {
                    "label": _wait(len(waiting)),
                    "value": weeks,
                    "note": f"{iterations}, at the ART's throughput",
                }
            )
    if money_view:
        lead.append(
            {"label": "Extra cost in money", "value": selectors.money_text(extra), "note": "", "extra": True}
        )
        return lead
    if result.get("extra_money") is not None:
        money = Decimal(result["extra_money"])
        lead.append(
            {
                "label": "Extra cost in money" if money >= 0 else "Saved in money",
                "value": selectors.money_text(abs(money)),
                "note": "Cost of Delay per week × weeks of delay",
                "extra": True,
            }
        )
    if waiting and not result.get("calendar"):
        units = selectors.span_text([Decimal(f["delay"]) for f in waiting], "job-size unit")
        lead.append({"label": _wait(len(waiting)), "value": units, "note": ""})
    lead.append(
        {
            "label": "Extra delay cost, relative",
            "value": selectors.count_text(extra, "CoD × job-size unit"),
            "note": "",
            "extra": result.get("extra_money") is None,
        }
    )
    return lead


def _wait(count: int) -> str:
    return "1 feature waits" if count == 1 else f"{count} features wait"


def answer_context(result: dict[str, Any]) -> dict[str, Any]:
    """What the answer partial shows: the lead numbers, totals, who moved (most first), the chart."""
    moved = [f for f in result["features"] if Decimal(f["delay"]) != 0]
    moved.sort(key=lambda f: (-abs(Decimal(f["delay"])), f["proposed_position"]))
    best, proposed = selectors.value_curves(result)
    money = result["unit"] == MONEY
    return {
        "result": result,
        "lead": answer_lead(result),
        "moved": moved[:MOVED_ROWS_SHOWN],
        "moved_rest": moved[MOVED_ROWS_SHOWN:],
        "moved_count": len(moved),
        "unchanged": len(result["features"]) - len(moved),
        "best_name": "CD3 order" if money else "WSJF order",
        "chart": value_chart(
            best,
            proposed,
            time_unit=result["time_unit"],
            rate_label="Cost of Delay relieved (money/week)" if money else "Cost of Delay relieved",
        ),
    }


def money_missing_context(request: HttpRequest, error: MoneyMissing) -> dict[str, Any]:
    """The money view's warning: the features without money data, each with a link to fill it
    in, and a link to compare the ones that have it."""
    query = request.GET.copy()
    query["only"] = "money"
    query["unit"] = "money"
    return {
        "missing": [
            {"id": fid, "title": title, "url": reverse("backlog:feature", args=[fid]) + "#edit"}
            for fid, title in error.missing
        ],
        "with_money": error.with_money,
        "compare_rest_url": f"?{query.urlencode()}" if error.with_money >= 2 else "",
    }


@login_required
def tradeoff_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    backlog = selectors.open_backlog(art_id=art.pk)
    form = QuestionForm(request.GET or None)
    order_rows = [
        {**row, "proposed": request.GET.get(f"pos_{row['id']}", "")} for row in backlog[:ORDER_FORM_ROWS]
    ]
    context: dict[str, Any] = {"form": form, "backlog": backlog, "order_rows": order_rows}
    if form.is_bound and form.is_valid():
        try:
            question = form.question(request.GET, backlog)
            if question is not None:
                result = selectors.tradeoff_evaluate(art=art, **question)
                context.update(answer_context(result), save_form=_save_form(result))
        except MoneyMissing as error:
            context["money_missing"] = money_missing_context(request, error)
        except (TradeoffInputError, forms.ValidationError) as error:
            context["error"] = getattr(error, "message", None) or "; ".join(error.messages)
    context["saved"] = selectors.saved_tradeoffs(art_id=art.pk)[:20]
    return _page(request, "tradeoffs/whatif.html", art, **context)


def _save_form(result: dict[str, Any]) -> SaveTradeoffForm:
    question = result["question"]
    initial = {"unit": result["unit"], **question}
    initial["money_only"] = bool(question.get("money_only"))
    if "sequence" in question:
        initial["sequence"] = ",".join(str(i) for i in question["sequence"])
    return SaveTradeoffForm(initial=initial)


@login_required
@require_POST
def tradeoff_save_view(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    form = SaveTradeoffForm(request.POST)
    try:
        if not form.is_valid():
            raise forms.ValidationError(" ".join(m for errors in form.errors.values() for m in errors))
        saved = services.tradeoff_save(
            art=art, acting_user=request.user, title=form.cleaned_data["title"], **form.question()
        )
    except (TradeoffInputError, forms.ValidationError) as error:
        messages.error(request, f"Nothing was saved: {getattr(error, 'message', error)}")
        return redirect("tradeoffs:art-tradeoffs", art_id=art.pk)
    messages.success(request, f"Saved “{saved.title}”.")
    return redirect(saved)


@login_required
def saved_tradeoff_page(request: HttpRequest, art_id: int, tradeoff_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    saved = get_object_or_404(SavedTradeoff.objects.select_related("created_by"), pk=tradeoff_id, art=art)
    links = selectors.share_links(tradeoff_id=saved.pk) if user_can_edit_art(request.user, art.pk) else []
    return _page(
        request,
        "tradeoffs/saved.html",
        art,
        saved=saved,
        links=links,
        share_form=ShareLinkForm(),
        now=timezone.now(),
        **answer_context(saved.result),
    )


@login_required
@require_POST
def share_link_create_view(request: HttpRequest, art_id: int, tradeoff_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    saved = get_object_or_404(SavedTradeoff, pk=tradeoff_id, art=art)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "No link was made: " + "; ".join(form.errors["days"]))
        return redirect(saved)
    link, token = services.share_link_create(
        tradeoff=saved, acting_user=request.user, days=form.cleaned_data["days"]
    )
    url = request.build_absolute_uri(reverse("tradeoffs:shared-tradeoff", args=[token]))
    messages.success(
        request,
        f"Share this read-only link (shown only now; expires {link.expires_at:%Y-%m-%d %H:%M} UTC): {url}",
    )
    return redirect(saved)


@login_required
@require_POST
def share_link_revoke_view(request: HttpRequest, art_id: int, link_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    link = get_object_or_404(ShareLink.objects.select_related("tradeoff"), pk=link_id, tradeoff__art=art)
    services.share_link_revoke(link=link, acting_user=request.user)
    messages.success(request, "The link is revoked; it no longer opens the trade-off.")
    return redirect(link.tradeoff)


def shared_tradeoff_page(request: HttpRequest, token: str) -> HttpResponse:
    """The one thing a share link opens: a saved trade-off, read-only, no account needed."""
    link = share_link_for_token(ShareLink.objects.select_related("tradeoff__art"), token)
    if not link.is_active:
        why = link.gone_reason
        response = render(request, "tradeoffs/shared_gone.html", {"why": why}, status=410)
    else:
        saved = link.tradeoff
        context = {"saved": saved, "link": link, "shared": True, **answer_context(saved.result)}
        response = render(request, "tradeoffs/shared.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def override_ledger_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = (art_editable_or_403 if request.method == "POST" else art_visible_or_404)(request.user, art_id)
    backlog = selectors.open_backlog(art_id=art.pk)
    form = OverrideForm(request.POST or None, backlog=backlog)
    if request.method == "POST" and form.is_valid():
        try:
            pin = services.override_create(art=art, acting_user=request.user, **_pin_fields(form))
        except TradeoffInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Pinned “{pin.feature.title}” at rank {pin.position}. The ranked backlog and the PI "
                "plan show it there as soon as the ranks are recomputed (usually seconds).",
            )
            return redirect("tradeoffs:override-ledger", art_id=art.pk)
    ledger = selectors.overrides_ledger(art_id=art.pk)
    now = selectors.pins_effect_now(art_id=art.pk)
    return _page(request, "tradeoffs/ledger.html", art, form=form, ledger=ledger, pins_now=now)


def _pin_fields(form: OverrideForm) -> dict[str, Any]:
    values = form.cleaned_data
    return {"feature_id": values["feature"], "position": values["position"], "reason": values["reason"]}


@login_required
@require_POST
def override_remove_view(request: HttpRequest, art_id: int, override_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    override = get_object_or_404(Override.objects.select_related("feature"), pk=override_id, art=art)
    services.override_remove(override=override, acting_user=request.user)
    messages.success(
        request,
        f"Removed the pin: “{override.feature.title}” goes back to its WSJF rank as soon as the ranks "
        "are recomputed.",
    )
    return redirect("tradeoffs:override-ledger", art_id=art.pk)


@login_required
def cd3_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    rows = selectors.cd3_comparison(art_id=art.pk)
    disagreements = [row for row in rows if row["rank_difference"] != 0]
    missing = [
        {**row, "url": reverse("backlog:feature", args=[row["id"]]) + "#edit"}
        for row in selectors.scored_without_money(art_id=art.pk)
    ]
    return _page(request, "tradeoffs/cd3.html", art, rows=rows, disagreements=disagreements, missing=missing)
