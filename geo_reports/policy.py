"""Who may see and do what to which report. One table, used by the API and the staff pages alike.

Agency roles (operator, field crew, supervisor) act only on reports routed to their own agency;
planners read everything and change nothing; administrators may do everything. An agency copied on
a report (a co-handling agency, tembusan) reads it and may reply and note, but the report's own
agency leads it: only its staff change the status, the deadline, the assignee or the public text.
Citizens need no account: their own actions go through the private link (services.reporter). Who
works where (memberships) is read by districts.selectors.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from districts.models import Agency, Membership
from districts.selectors import memberships

from .models import Report, Status

Role = Membership.Role


class Action(StrEnum):
    READ_PRIVATE = "read_private"  # contact, internal notes, the whole timeline, a request's documents
    VERIFY = "verify"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    REFER = "refer"
    ASSIGN = "assign"
    REPLY = "reply"
    NOTE = "note"
    REROUTE = "reroute"
    MODERATE = "moderate"  # redact the public text, hide photos or the whole report from the public
    CO_HANDLE = "co_handle"  # copy the report to another agency, or stop copying it


# The status a transition leads to → the action it is.
STATUS_ACTIONS = {
    Status.VERIFIED: Action.VERIFY,
    Status.IN_PROGRESS: Action.START,
    Status.RESOLVED: Action.RESOLVE,
    Status.REJECTED: Action.REJECT,
    Status.DUPLICATE: Action.DUPLICATE,
    Status.REFERRED: Action.REFER,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OPERATOR: frozenset(Action),
    Role.SUPERVISOR: frozenset(Action),
    Role.CREW: frozenset({Action.READ_PRIVATE, Action.START, Action.RESOLVE, Action.REPLY, Action.NOTE}),
    Role.PLANNER: frozenset({Action.READ_PRIVATE}),
    Role.ADMIN: frozenset(Action),
}
# What the staff of a co-handling agency may do (within what their role allows).
CO_HANDLER_ACTIONS = frozenset({Action.READ_PRIVATE, Action.REPLY, Action.NOTE})
CITY_WIDE = Membership.CITY_WIDE_ROLES
# When someone holds several roles for one agency, the timeline names the strongest.
RANK = [Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR, Role.CREW, Role.PLANNER]


@dataclass(frozen=True)
class Acting:
    """Who does something to a report: in which role, for which agency (None for city-wide roles),
    and whether that agency only co-handles the report."""

    role: str
    agency: Agency | None
    co_handling: bool = False


def co_handling_agency_ids(report: Report) -> set[int]:
    """The agencies copied on the report (prefetched by the report selectors where they are read)."""
    return {co_handler.agency_id for co_handler in report.co_handlers.all()}


def roles_for(user, agency_id: int | None) -> list[str]:
    """The user's roles that apply to a report of this agency, strongest first."""
    roles = {m.role for m in memberships(user) if m.role in CITY_WIDE or (agency_id and m.agency_id == agency_id)}
    return [role for role in RANK if role in roles]


def _ways(user, report: Report):
    """Every way the user may act on the report, the report's own agency (or a city-wide role) first,
    strongest role first: (role, the agency they act for or None, the actions it allows)."""
    for role in roles_for(user, report.agency_id):
        yield Acting(role, None if role in CITY_WIDE else report.agency), ROLE_ACTIONS[role]
    mine = [m for m in memberships(user) if m.agency_id and m.agency_id != report.agency_id]
    if not mine:
        return
    copied = co_handling_agency_ids(report)
    for membership in sorted(mine, key=lambda m: RANK.index(m.role)):
        if membership.agency_id in copied:
            acting = Acting(membership.role, membership.agency, co_handling=True)
            yield acting, ROLE_ACTIONS[membership.role] & CO_HANDLER_ACTIONS


def acting_as(user, report: Report, action: Action) -> Acting | None:
    return next((acting for acting, actions in _ways(user, report) if action in actions), None)


def can(user, report: Report, action: Action) -> bool:
    return acting_as(user, report, action) is not None


def authorize(user, report: Report, action: Action) -> Acting:
    """How `user` may do `action` on `report`; PermissionDenied otherwise."""
    acting = acting_as(user, report, action)
    if acting is not None:
        return acting
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Sign in as agency staff to do this."))
    raise PermissionDenied(_("Only staff of the agency handling this report can do this."))


def authorize_any(user, report: Report, actions) -> None:
    """PermissionDenied unless `user` may do at least one of `actions` on `report`: checked before a
    request's body is read (an after-photo is decoded only for someone who may act on the report)."""
    if not any(can(user, report, action) for action in actions):
        authorize(user, report, next(iter(actions)))
