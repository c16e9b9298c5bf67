"""Marks other apps put on rows of the ranked backlog page (a cut line, a pin...).

planning and tradeoffs read scoring, so scoring cannot import them; instead they register a
provider here from their AppConfig.ready(), and the page asks every provider once per render.
"""

from collections.abc import Callable
from dataclasses import dataclass

from backlog.models import Art, ProgramIncrement


@dataclass(frozen=True)
class RowMark:
    css_class: str  # "cut-line", "pin"
    text: str  # shown on the row (escaped)
    title: str = ""  # longer explanation on hover (escaped)


MarksProvider = Callable[..., dict[int, list[RowMark]]]
_providers: list[MarksProvider] = []


def backlog_marks_provider_register(provider: MarksProvider) -> None:
    """provider(*, art, pi) -> {feature_id: [RowMark, ...]}; pi is the PI filter or None."""
    if provider not in _providers:
        _providers.append(provider)


def backlog_marks(*, art: Art, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
    marks: dict[int, list[RowMark]] = {}
    for provider in _providers:
        for feature_id, feature_marks in provider(art=art, pi=pi).items():
            marks.setdefault(feature_id, []).extend(feature_marks)
    return marks
