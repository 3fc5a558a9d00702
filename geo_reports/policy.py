"""Who may do what to which report. One table, used by the API and the staff pages alike.

Agency roles (operator, field crew, supervisor) act only on reports routed to their own agency;
planners read everything and change nothing; administrators may do everything. Citizens need no
account: their own actions go through the private link (services.reporter). Who works where
(memberships) is read by districts.selectors.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from districts.models import Membership
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
CITY_WIDE = Membership.CITY_WIDE_ROLES
# When someone holds several roles for one agency, the timeline names the strongest.
RANK = [Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR, Role.CREW, Role.PLANNER]


def roles_for(user, agency_id: int | None) -> list[str]:
    """The user's roles that apply to a report of this agency, strongest first."""
    roles = {m.role for m in memberships(user) if m.role in CITY_WIDE or (agency_id and m.agency_id == agency_id)}
    return [role for role in RANK if role in roles]


def can(user, report: Report, action: Action) -> bool:
    return any(action in ROLE_ACTIONS[role] for role in roles_for(user, report.agency_id))


def authorize(user, report: Report, action: Action) -> str:
    """The role under which `user` may do `action` on `report`; PermissionDenied otherwise."""
    for role in roles_for(user, report.agency_id):
        if action in ROLE_ACTIONS[role]:
            return role
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Sign in as agency staff to do this."))
    raise PermissionDenied(_("Only staff of the agency handling this report can do this."))
