"""Errors the API and pages show: a Vietnamese message and a stable machine-readable code."""

from django.utils.translation import gettext as _


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
