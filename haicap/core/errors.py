"""Errors the API and pages show: a Vietnamese message and a stable machine-readable code."""

from django.utils.translation import gettext as _
from ninja import Schema


class ErrorOut(Schema):
    """The body of every API error."""

    code: str
    message: str
    details: list | dict | None = None


class DomainError(Exception):
    """A refused request. `code` is stable for machines; `message` is for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 details: list | dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message or _("You do not have permission to do this."), **kwargs)


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


def install_error_handlers(api) -> None:
    """Make every API error a JSON object with a stable code and a Vietnamese message."""
    from django.http import Http404
    from ninja.errors import AuthenticationError, HttpError
    from ninja.errors import ValidationError as NinjaValidationError

    def respond(request, body: dict, status: int):
        return api.create_response(request, body, status=status)

    def domain_error(request, exc: DomainError):
        return respond(request, exc.as_dict(), exc.status)

    def validation_error(request, exc: NinjaValidationError):
        details = [
            {"location": [str(part) for part in error.get("loc", [])],
             "reason": error.get("msg", "")}
            for error in exc.errors
        ]
        message = _("The request is not valid; see details for each item.")
        return respond(request, {"code": "invalid_input", "message": message,
                                 "details": details}, 422)

    def not_found(request, exc):
        return respond(request, {"code": "not_found", "message": _("Not found.")}, 404)

    def unauthenticated(request, exc):
        return respond(request, {"code": "unauthenticated", "message": _("Please sign in.")}, 401)

    def http_error(request, exc: HttpError):
        # django-ninja's own refusals; the one that reaches users is a body that is not JSON.
        if exc.status_code == 400:
            body = {"code": "malformed_body",
                    "message": _("The request body could not be read; send it as JSON.")}
        else:
            body = {"code": "bad_request", "message": _("The request could not be handled.")}
        return respond(request, body, exc.status_code)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
