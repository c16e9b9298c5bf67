"""Why a service refused a request, in terms every door can show.

Services know nothing of HTTP. An InputError names the input that is wrong and says what is
allowed: a page shows it beside the field, the API answers 400 with it under that field's
name. A Conflict says the request was made against a state that has changed since: the API
answers 409 with its message and data (popm.api turns both into answers).
"""

from typing import Any


class InputError(Exception):
    """field names the input, message says what is wrong with it and what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(Exception):
    """The state the caller decided on has changed; nothing was done."""

    code = "conflict"

    def data(self) -> dict[str, Any]:
        """JSON-ready details the caller needs to decide again."""
        return {}
