"""Who may manage which city information. One table, used by the API and the staff pages alike.

Agency operators and supervisors manage their own agency's items; field crews, having no desk
work here, and planners read only; administrators manage everything. Two kinds belong to one agency
each: job vacancies to the labour agency, food prices to the trade agency (named by their agency
code, the natural key of fixtures/agencies.json, so a renamed agency keeps its duty).
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from districts.models import Agency, Membership
from districts.selectors import is_staff_member, memberships

Role = Membership.Role


class Kind(StrEnum):
    EVENTS = "events"
    JOBS = "jobs"
    PRICES = "prices"
    ANNOUNCEMENTS = "announcements"


# Kinds only one agency publishes → that agency's code. Other kinds: any active agency.
KIND_AGENCY_CODES = {Kind.JOBS: "disnaker", Kind.PRICES: "diskumdag"}
MANAGING_ROLES = (Role.OPERATOR, Role.SUPERVISOR)

__all__ = ["Kind", "authorize", "can_manage", "can_read", "eligible_agencies", "managed_agencies"]


def is_admin(user) -> bool:
    return any(m.role == Role.ADMIN for m in memberships(user))


def can_read(user) -> bool:
    """The staff pages are open to every staff member; what they may change is decided per item."""
    return is_staff_member(user)


def eligible_agencies(kind: Kind) -> QuerySet[Agency]:
    """The agencies that may publish items of this kind at all."""
    agencies = Agency.objects.filter(is_active=True)
    code = KIND_AGENCY_CODES.get(kind)
    return agencies.filter(code=code) if code else agencies


def managed_agencies(user, kind: Kind) -> QuerySet[Agency]:
    """The agencies in whose name the user may publish items of this kind (none for planners)."""
    agencies = eligible_agencies(kind)
    if is_admin(user):
        return agencies
    mine = {m.agency_id for m in memberships(user) if m.role in MANAGING_ROLES and m.agency_id}
    return agencies.filter(pk__in=mine)


def can_manage(user, kind: Kind, agency: Agency | None = None) -> bool:
    """May the user create or change items of this kind (for this agency, when one is named)?"""
    agencies = managed_agencies(user, kind)
    if agency is None:
        return agencies.exists()
    return agencies.filter(pk=agency.pk).exists()


def authorize(user, kind: Kind, agency: Agency | None = None) -> None:
    """PermissionDenied, with the reason, unless the user may manage this kind (for this agency)."""
    if can_manage(user, kind, agency):
        return
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Sign in as agency staff to do this."))
    code = KIND_AGENCY_CODES.get(kind)
    if code:
        owner = Agency.objects.filter(code=code).first()
        raise PermissionDenied(
            _("Only operators and supervisors of %(agency)s can do this.") % {"agency": owner.name if owner else code}
        )
    raise PermissionDenied(_("Only operators and supervisors of the publishing agency can do this."))
