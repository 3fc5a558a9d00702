from django.utils import translation


class ApiLanguageMiddleware:
    """API responses in the language the client asks for.

    The pages use URL prefixes (/ Indonesian, /en/ English), and for a path without a prefix
    Django's LocaleMiddleware picks the default language. API clients (the REST API, Open311, OGC API)
    have no prefix, so for them the language comes from `?lang=` or Accept-Language, Indonesian when
    neither names a language we have.
    """

    PREFIXES = ("/api/", "/open311/", "/ogcapi/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.PREFIXES):
            try:
                language = translation.get_supported_language_variant(request.GET.get("lang", "")[:16])
            except LookupError:
                language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
