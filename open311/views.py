"""Open311 GeoReport v2 endpoints. Each view reads its input (inputs), calls one selector or service,
and renders (render). `open311_endpoint` does what they all share: the HTTP method, the jurisdiction,
and turning an Open311Error into the spec's error document. (The language is chosen for every API
path by common.middleware.ApiLanguageMiddleware.) Reports are filed through the reports app's one
submission service (geo_reports.services.intake), as from the REST API and the web form."""

from functools import wraps

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from common.errors import ApplicationError, Refused
from geo_reports.abuse import client_ip
from geo_reports.models.reports import Channel
from geo_reports.services.base import normalize_tracking_code
from geo_reports.services.intake import Sender, report_submit

from . import inputs, representations, selectors
from .errors import Open311Error, bad_request, not_found
from .render import render, render_error


def open311_endpoint(*methods: str):
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        # Clients authenticate with api_key, never with a session cookie: CSRF does not apply.
        @csrf_exempt
        @wraps(view)
        def endpoint(request: HttpRequest, fmt: str = "xml", **kwargs) -> HttpResponse:
            # The language was chosen by common.middleware.ApiLanguageMiddleware (?lang=, Accept-Language).
            try:
                if request.method not in allowed:
                    raise Open311Error(
                        405, _("Use %(methods)s for this resource.") % {"methods": ", ".join(sorted(methods))}
                    )
                inputs.check_jurisdiction(request)
                response = view(request, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = render_error(fmt=fmt, error=error)
                if getattr(error, "retry_after", None):
                    response.headers["Retry-After"] = str(error.retry_after)
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
                response = render_error(
                    fmt=fmt, error=bad_request(_("The request body is too large or not well formed."))
                )
            if response.status_code == 405:
                response.headers["Allow"] = ", ".join(sorted(allowed))
            response.headers["Content-Language"] = translation.get_language()
            patch_vary_headers(response, ["Accept-Language"])
            return response

        return endpoint

    return decorate


def _endpoint_url(request: HttpRequest, fmt: str) -> str:
    """The absolute root of this interface, e.g. https://…/open311/v2/."""
    services_path = reverse("open311:services", kwargs={"fmt": fmt})
    return request.build_absolute_uri(services_path.removesuffix(f"services.{fmt}"))


@open311_endpoint("GET")
def discovery(request, fmt):
    data = representations.discovery(endpoint_url=_endpoint_url(request, fmt), site_url=request.build_absolute_uri("/"))
    return render(fmt=fmt, root="discovery", data=data)


@open311_endpoint("GET")
def service_list(request, fmt):
    services = [representations.service(category) for category in selectors.service_list()]
    return render(fmt=fmt, root="services", item="service", data=services)


@open311_endpoint("GET")
def service_definition(request, fmt, service_code):
    category = inputs.service(service_code)
    return render(fmt=fmt, root="service_definition", data=representations.service_definition(category))


@open311_endpoint("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _service_request_create(request, fmt)
    query = inputs.request_query(request.GET)
    found = selectors.service_request_search(
        ids=query.ids,
        service_codes=query.service_codes,
        start=query.start,
        end=query.end,
        statuses=query.statuses,
    )
    if query.ids is None:  # the ids a client names are its page
        found = found[query.page.offset : query.page.offset + query.page.size]
    categories = selectors.categories_with_questions() if query.extensions else None
    data = [
        representations.service_request(report, absolute_url=request.build_absolute_uri, categories=categories)
        for report in found
    ]
    return render(fmt=fmt, root="service_requests", item="request", data=data)


def _service_request_create(request, fmt):
    client = inputs.api_key(request)
    submission = inputs.new_request(request)
    try:
        created = report_submit(
            submission=submission,
            channel=Channel.OPEN311,
            sender=Sender(ip=client_ip(request)),
            idempotency_key=inputs.idempotency_key(request, client),
        )
    except ApplicationError as exc:  # routing, a reused Idempotency-Key (422), the abuse bounds (429, 403)
        error = Open311Error(exc.status, exc.message)
        error.retry_after = exc.retry_after if isinstance(exc, Refused) else None
        raise error from exc
    return render(
        fmt=fmt,
        root="service_requests",
        item="request",
        data=[representations.created_request(created.report)],
        status=200 if created.replayed else 201,
    )


@open311_endpoint("GET")
def service_request_detail(request, fmt, service_request_id):
    report_id = inputs.service_request_id(service_request_id)
    extensions = inputs.extensions_flag(request.GET)
    report = selectors.service_request_search(ids=[report_id]).first()
    if report is None:
        raise not_found(_("No service request has the id %(id)s.") % {"id": report_id})
    categories = selectors.categories_with_questions() if extensions else None
    data = representations.service_request(report, absolute_url=request.build_absolute_uri, categories=categories)
    return render(fmt=fmt, root="service_requests", item="request", data=[data])


@open311_endpoint("GET")
def token_detail(request, fmt, token):
    """We are "realtime": the POST already answers with the id. A token here is a tracking code, so
    clients written for "batch" services can still turn what they hold into an id."""
    tracking_code = normalize_tracking_code(token[:20])
    report_id = selectors.service_request_id_by_tracking_code(tracking_code=tracking_code)
    if report_id is None:
        raise not_found(_("No service request has the token %(token)s.") % {"token": token[:20]})
    data = representations.token(service_request_id=report_id, tracking_code=tracking_code)
    return render(fmt=fmt, root="service_requests", item="request", data=[data])


@open311_endpoint("GET")
def service_request_updates(request, fmt):
    """FixMyStreet's GET servicerequestupdates: public status changes and replies in a time window."""
    query = inputs.update_query(request.GET)
    updates = selectors.service_request_update_list(start=query.start, end=query.end)
    page = updates[query.page.offset : query.page.offset + query.page.size]
    data = [representations.request_update(update, absolute_url=request.build_absolute_uri) for update in page]
    return render(fmt=fmt, root="service_request_updates", item="request_update", data=data)


@open311_endpoint("GET", "POST")
def unknown_resource(request, fmt, path):
    raise not_found(
        _("There is no resource %(path)s here; start from discovery.xml or services.xml.") % {"path": path[:100]}
    )
