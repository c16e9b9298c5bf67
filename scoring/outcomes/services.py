"""Writes of outcomes: leading indicators and their measurements, PI objectives, review links.

Every door (pages, API, CSV upload) goes through these functions. A wrong input raises
backlog.errors.InputError naming the field and what is allowed; nothing is written then.
The outcome verdict is a feature field and goes through backlog.services.feature_update.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from backlog.errors import Conflict, InputError
from backlog.models import Feature, ProgramIncrement, Team
from scoring.outcomes.models import LeadingIndicator, Measurement, PIObjective, ReviewShareLink
from scoring.share_tokens import share_token_new

SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX = 14, 90
CSV_MAX_ROWS = 5000
CSV_COLUMNS = ("indicator", "measured_on", "value")


class ObjectiveVersionConflict(Conflict):
    """The objective was changed meanwhile; the edit was made against an older version."""

    code = "stale_version"

    def __init__(self, current: PIObjective):
        super().__init__(
            f"This objective was changed meanwhile (now version {current.version}); nothing was saved. "
            "Reload it and apply your change again."
        )
        self.current = current


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


# --- parsing, shared by every door -----------------------------------------------------------


def decimal_parse(field: str, value: Any) -> Decimal:
    if isinstance(value, bool) or value is None or str(value).strip() == "":
        raise InputError(field, f"{field} must be a number, e.g. 2.5.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(field, f"{field} must be a number, e.g. 2.5; got {str(value)[:40]!r}.")
    if (
        not number.is_finite()
        or abs(number) >= Decimal("1e10")
        or number != number.quantize(Decimal("0.0001"))
    ):
        raise InputError(
            field, f"{field} must be a number below 10,000,000,000 with at most 4 decimal places."
        )
    return number


def date_parse(field: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(field, f"{field} must be a date as YYYY-MM-DD, e.g. 2027-03-31.")


def business_value_parse(field: str, value: Any, *, allow_none: bool = False) -> int | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise InputError(field, f"{field} is required: a whole number 1 to 10.")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise InputError(field, f"{field} must be a whole number 1 to 10{' or null' if allow_none else ''}.")
    return value


# --- leading indicators and measurements ----------------------------------------------------


@transaction.atomic
def indicator_create(
    *, feature: Feature, acting_user: Any, name: str, unit: str, baseline: Any, target: Any, due_date: Any
) -> LeadingIndicator:
    name, unit = (name or "").strip(), (unit or "").strip()
    if not name or len(name) > 120:
        raise InputError("name", "name is required, at most 120 characters, e.g. Checkout conversion.")
    if len(unit) > 30:
        raise InputError("unit", "unit must be at most 30 characters, e.g. %.")
    baseline, target = decimal_parse("baseline", baseline), decimal_parse("target", target)
    if baseline == target:
        raise InputError(
            "target", "target must differ from baseline: it is where the measure should move to."
        )
    due = date_parse("due_date", due_date)
    if LeadingIndicator.objects.filter(feature=feature, name=name).exists():
        raise InputError("name", f"This feature already has an indicator named {name!r}.")
    return LeadingIndicator.objects.create(
        feature=feature,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        due_date=due,
        created_by=_user_or_none(acting_user),
    )


@transaction.atomic
def measurement_record(
    *, indicator: LeadingIndicator, acting_user: Any, measured_on: Any, value: Any
) -> Measurement:
    """Record the indicator's value on a day; a second value for the same day replaces the first."""
    day = date_parse("measured_on", measured_on)
    if day > timezone.now().date():
        raise InputError("measured_on", "measured_on cannot be in the future.")
    measurement, _ = Measurement.objects.update_or_create(
        indicator=indicator,
        measured_on=day,
        defaults={
            "value": decimal_parse("value", value),
            "recorded_by": _user_or_none(acting_user),
            "recorded_at": timezone.now(),
        },
    )
    return measurement


@dataclass(frozen=True, slots=True)
class CsvRowError:
    row: int  # 1 = the header line, so the first data row is 2, as a spreadsheet numbers it
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class CsvImport:
    recorded: int
    errors: list[CsvRowError]


def measurements_import_csv(*, feature: Feature, acting_user: Any, text: str) -> CsvImport:
    """Measurements from CSV (columns indicator, measured_on, value; indicator by name or id).

    All or nothing: every row is checked first, and with any error nothing is recorded and
    each bad row is reported with its line number and column.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [cell.strip().lower() for cell in rows[0][:3]] != list(CSV_COLUMNS):
        return CsvImport(0, [CsvRowError(1, "header", f"The first line must be: {','.join(CSV_COLUMNS)}")])
    if len(rows) - 1 > CSV_MAX_ROWS:
        return CsvImport(0, [CsvRowError(1, "file", f"At most {CSV_MAX_ROWS} rows per file.")])
    indicators = list(LeadingIndicator.objects.filter(feature=feature))
    by_key = {**{i.name.lower(): i for i in indicators}, **{str(i.pk): i for i in indicators}}
    parsed, errors = [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = [*cells, "", "", ""][:3]
        indicator = by_key.get(cells[0].strip().lower())
        if indicator is None:
            names = ", ".join(i.name for i in indicators) or "none yet"
            errors.append(
                CsvRowError(line, "indicator", f"No indicator {cells[0]!r} on this feature ({names}).")
            )
            continue
        try:
            day = date_parse("measured_on", cells[1])
            if day > timezone.now().date():
                raise InputError("measured_on", "measured_on cannot be in the future.")
            parsed.append((indicator, day, decimal_parse("value", cells[2])))
        except InputError as error:
            errors.append(CsvRowError(line, error.field, error.message))
    if errors:
        return CsvImport(0, errors)
    with transaction.atomic():
        for indicator, day, value in parsed:
            measurement_record(indicator=indicator, acting_user=acting_user, measured_on=day, value=value)
    return CsvImport(len(parsed), [])


# --- PI objectives --------------------------------------------------------------------------


def _objective_relations(pi: ProgramIncrement, fields: dict[str, Any]) -> dict[str, Any]:
    """Team and features must be the PI's ART's; ids or objects in, objects out."""
    out = {}
    if "team" in fields:
        team = fields["team"]
        team_id = team.pk if isinstance(team, Team) else team
        if team_id is None:
            out["team"] = None
        else:
            found = Team.objects.filter(
                pk=team_id if str(team_id).isdigit() else None, art_id=pi.art_id
            ).first()
            if found is None:
                raise InputError(
                    "team", "team must be a team of this PI's ART, or null for an ART objective."
                )
            out["team"] = found
    if "features" in fields:
        ids = [f.pk if isinstance(f, Feature) else f for f in fields["features"] or []]
        if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise InputError("features", "features must be a list of feature ids, e.g. [12, 31].")
        found = list(Feature.objects.filter(pk__in=ids, art_id=pi.art_id))
        missing = sorted(set(ids) - {f.pk for f in found})
        if missing:
            raise InputError("features", f"No feature of this ART with id {', '.join(map(str, missing))}.")
        out["features"] = found
    return out


def _objective_values(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    values = {}
    if "title" in fields or creating:
        title = (fields.get("title") or "").strip()
        if not title or len(title) > 300:
            raise InputError("title", "title is required, at most 300 characters.")
        values["title"] = title
    if "committed" in fields:
        if not isinstance(fields["committed"], bool):
            raise InputError("committed", "committed must be true (committed) or false (stretch).")
        values["committed"] = fields["committed"]
    if "planned_value" in fields or creating:
        values["planned_value"] = business_value_parse("planned_value", fields.get("planned_value"))
    if "actual_value" in fields:
        values["actual_value"] = business_value_parse("actual_value", fields["actual_value"], allow_none=True)
    return values


@transaction.atomic
def objective_create(*, pi: ProgramIncrement, acting_user: Any, **fields: Any) -> PIObjective:
    relations = _objective_relations(pi, fields)
    values = _objective_values(fields, creating=True)
    features = relations.pop("features", [])
    objective = PIObjective.objects.create(
        pi=pi, updated_by=_user_or_none(acting_user), **values, **relations
    )
    objective.features.set(features)
    return objective


@transaction.atomic
def objective_update(
    *, objective: PIObjective, acting_user: Any, expected_version: int | None = None, **fields: Any
) -> PIObjective:
    """Apply the fields; a stale expected_version raises ObjectiveVersionConflict and saves nothing."""
    current = PIObjective.objects.select_for_update().select_related("pi").get(pk=objective.pk)
    if expected_version is not None and expected_version != current.version:
        raise ObjectiveVersionConflict(current)
    relations = _objective_relations(current.pi, fields)
    values = _objective_values(fields, creating=False)
    features = relations.pop("features", None)
    changed = [name for name, value in {**values, **relations}.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, {**values, **relations}[name])
    features_changed = features is not None and {f.pk for f in features} != set(
        current.features.values_list("pk", flat=True)
    )
    if not changed and not features_changed:
        return current
    current.version += 1
    current.updated_by = _user_or_none(acting_user)
    current.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    if features_changed:
        current.features.set(features)
    return current


@transaction.atomic
def objective_delete(
    *, objective: PIObjective, acting_user: Any, expected_version: int | None = None
) -> None:
    current = PIObjective.objects.select_for_update().get(pk=objective.pk)
    if expected_version is not None and expected_version != current.version:
        raise ObjectiveVersionConflict(current)
    current.delete()


# --- review share links ---------------------------------------------------------------------


@transaction.atomic
def review_link_create(
    *, pi: ProgramIncrement, acting_user: Any, days: int = SHARE_DAYS_DEFAULT
) -> tuple[ReviewShareLink, str]:
    """A read-only link to the PI's review page; returns it with its token, shown once."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= SHARE_DAYS_MAX:
        raise InputError("expires_in_days", f"expires_in_days must be a whole number 1 to {SHARE_DAYS_MAX}.")
    token, token_hash = share_token_new(salt=ReviewShareLink.TOKEN_SALT)
    link = ReviewShareLink.objects.create(
        pi=pi,
        token_hash=token_hash,
        created_by=_user_or_none(acting_user),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, token


@transaction.atomic
def review_link_revoke(*, link: ReviewShareLink, acting_user: Any) -> ReviewShareLink:
    ReviewShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link
