from .strings import js_strings


def page_strings(request):
    """The JavaScript texts in the page's language, for base.html's JSON block."""
    return {"js_strings": js_strings(), "page_config": {}}
