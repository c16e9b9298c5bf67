"""Why a session refused a request (popm.api answers a Conflict with 409 and its code)."""

from typing import Any

from backlog.errors import Conflict


class SessionStateConflict(Conflict):
    """The session is not in the state this step needs (a vote once revealed, a reveal twice,
    a next column before the reveal...). Nothing changed."""

    def __init__(self, message: str, *, code: str = "session_state", state: str = ""):
        super().__init__(message)
        self.code = code
        self.state = state

    def data(self) -> dict[str, Any]:
        return {"reason": self.code, **({"state": self.state} if self.state else {})}


class CloseConflicts(Conflict):
    """Features edited elsewhere since the session opened: the POPM decides per feature,
    overwrite or keep, and closes again. Nothing was written."""

    code = "close_conflicts"

    def __init__(self, conflicts: list[dict[str, Any]]):
        count = len(conflicts)
        super().__init__(
            f"{count} feature{'s were' if count != 1 else ' was'} edited elsewhere since the session "
            "opened; nothing was written. Decide for each: overwrite with the session's values or "
            'keep the edit, and close again with "decisions": {"<feature id>": "overwrite" | "keep"}.'
        )
        self.conflicts = conflicts

    def data(self) -> dict[str, Any]:
        return {"reason": self.code, "conflicts": self.conflicts}
