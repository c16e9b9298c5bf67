"""Why a POPM's answer to a proposal was refused (popm.api answers a Conflict with 409)."""

from typing import Any

from backlog.errors import Conflict


class ProposalClosed(Conflict):
    """The proposal was accepted, dismissed or withdrawn already; nothing changed."""

    code = "proposal_closed"

    def __init__(self, proposal: Any):
        self.proposal = proposal
        super().__init__(self.message())

    def message(self) -> str:
        proposal = self.proposal
        when = f" on {proposal.decided_at:%Y-%m-%d %H:%M} UTC" if proposal.decided_at else ""
        if proposal.status == proposal.Status.WITHDRAWN:
            return (
                f"This proposal was withdrawn by the daily check{when}: the feature no longer needs it, "
                "or needs another value. Nothing changed."
            )
        who = proposal.decided_by.get_username() if proposal.decided_by else "someone"
        return f"This proposal was already {proposal.status} by {who}{when}. Nothing changed."

    def data(self) -> dict[str, Any]:
        return {"status": self.proposal.status}
