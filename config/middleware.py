from django.utils import translation


class ApiLanguageMiddleware:
    """API responses in the language the client asks for.

    The pages use URL prefixes (/ Indonesian, /en/ English), and for a path without a prefix
    Django's LocaleMiddleware picks the default language. API clients have no prefix, so for them the
    language comes from `?lang=` or Accept-Language, Indonesian when neither names a language we have.
    """

    PREFIXES = ("/api/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.PREFIXES):
            asked = request.GET.get("lang", "")[:5]
            language = asked if asked in ("id", "en") else translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
