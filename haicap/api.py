"""The public REST API, /api/v1/ (django-ninja). Each domain app contributes a router."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from haicap.core.api import router as core_router
from haicap.core.errors import DomainError
from haicap.units.api import router as units_router
from haicap.worktime.api import router as worktime_router

api = NinjaAPI(
    title="haicap API",
    version="1",
    description=(
        "Public-service platform of a Vietnamese province under two-tier local government. "
        "Errors are JSON objects with a stable `code` and a Vietnamese `message`."
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    details = [
        {"location": [str(part) for part in error.get("loc", [])], "reason": error.get("msg", "")}
        for error in exc.errors
    ]
    body = {
        "code": "invalid_input",
        "message": _("The request is not valid; see details for each item."),
        "details": details,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    body = {"code": "not_found", "message": _("Not found.")}
    return api.create_response(request, body, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    body = {"code": "unauthenticated", "message": _("Please sign in.")}
    return api.create_response(request, body, status=401)


api.add_router("/", core_router)
api.add_router("/", units_router)
api.add_router("/", worktime_router)
