"""The status model (DESIGN section 5) as data: who may move a report from which status to which."""

from django.utils.translation import gettext_lazy as _

from common.errors import ApplicationError

from .models import OPEN_STATUSES as OPEN_STATUSES  # re-exported: defined with the model for its index
from .models import Status

S = Status

# Every allowed move. Anything else is refused with a message naming the allowed ones.
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.VERIFIED, S.IN_PROGRESS, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.VERIFIED: {S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.IN_PROGRESS: {S.RESOLVED, S.REFERRED, S.DUPLICATE},
    S.REFERRED: {S.VERIFIED, S.IN_PROGRESS, S.REJECTED, S.DUPLICATE, S.REFERRED},
    S.REOPENED: {S.IN_PROGRESS, S.RESOLVED, S.REFERRED},
    S.RESOLVED: {S.CLOSED, S.REOPENED},
    S.CLOSED: set(),
    S.REJECTED: set(),
    S.DUPLICATE: set(),
}

# Moves only the reporter (through the private link) or the system (after N days) make.
REPORTER_MOVES = {(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.REOPENED)}
SYSTEM_MOVES = {(S.RESOLVED, S.CLOSED)}

# How the public map groups statuses into colours.
MAP_GROUPS = {
    "open": [S.SUBMITTED, S.VERIFIED, S.REOPENED, S.REFERRED],
    "in_progress": [S.IN_PROGRESS],
    "resolved": [S.RESOLVED, S.CLOSED],
    "dismissed": [S.REJECTED, S.DUPLICATE],
}


class TransitionError(ApplicationError):
    """A change the workflow (or the report's state) does not allow; `field` names what to fix."""

    def __init__(self, message, code: str, field: str = "status"):
        super().__init__(message, code=code, field=field)


def check_transition(old: str, new: str, *, by_reporter: bool = False, by_system: bool = False) -> None:
    if new not in Status.values:
        raise TransitionError(_("Unknown status %(status)s.") % {"status": new[:40]}, "unknown_status")
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(str(Status(s).label) for s in sorted(TRANSITIONS[old])) or str(_("none"))
        raise TransitionError(
            _("A report that is %(old)s cannot become %(new)s. Allowed next: %(allowed)s.")
            % {"old": Status(old).label, "new": Status(new).label, "allowed": allowed},
            "invalid_transition",
        )
    move = (old, new)
    if move in REPORTER_MOVES and not (by_reporter or (by_system and move in SYSTEM_MOVES)):
        raise TransitionError(_("Only the reporter can confirm or reopen a resolved report."), "reporter_only")
    if (by_reporter or by_system) and move not in REPORTER_MOVES | SYSTEM_MOVES:
        raise TransitionError(_("Only agency staff can make this change."), "staff_only")
