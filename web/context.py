from districts.selectors import is_staff_member

from .strings import js_strings


def page_strings(request):
    """The JavaScript texts in the page's language, for base.html's JSON block, and whether the
    visitor works for an agency (for the staff links)."""
    return {"js_strings": js_strings(), "page_config": {}, "is_staff_member": is_staff_member(request.user)}
