from rest_framework.permissions import BasePermission


class IsStaffMember(BasePermission):
    """Signed-in staff (Django `is_staff`). The per-agency role matrix refines this."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
