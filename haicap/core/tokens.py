"""API tokens of partner systems, and the API's sign-in: a bearer token or a portal session.

A token is `secrets.token_urlsafe(32)`, shown once; the database keeps its first characters (to
find the row) and its SHA-256 (to check it). Revoking sets `revoked_at`; nothing is deleted, so
the audit log can still name the token that made a dossier.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from haicap.core import audit, reference
from haicap.core.context import current_actor, set_actor
from haicap.core.errors import DomainError
from haicap.core.models import ApiPartner, ApiScope, ApiToken, User

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: a busy partner makes no write per call.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class InvalidToken(DomainError):
    status = 401
    code = "invalid_token"

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message or _("The API token is missing, wrong or revoked."), **kwargs)


@dataclass(frozen=True)
class Caller:
    """Who calls the API: a partner system (by token) or a signed-in person (by session)."""

    user: User | None = None
    partner: ApiPartner | None = None

    @property
    def client(self) -> str:
        """The name idempotency keys and a partner's dossiers are filed under."""
        if self.partner is not None:
            return self.partner.code  # a slug: it never contains the colon of `user:`
        return f"user:{self.user.pk}"

    def allows(self, scope: str) -> bool:
        """A partner needs the scope; a person's rights come from their role and unit."""
        return self.partner is None or self.partner.allows(scope)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(partner: ApiPartner) -> tuple[ApiToken, str]:
    """A fresh token for the partner: the row, and the token itself (shown once)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(partner=partner, prefix=token[:PREFIX_LENGTH],
                                      digest=_digest(token))
        audit.record("api_token.issue", row, summary=f"{partner.code} {row.prefix}")
    return row, token


def revoke_token(row: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        audit.record("api_token.revoke", row, summary=f"{row.partner_id} {row.prefix}")
        reference.changed()
    row.refresh_from_db(fields=["revoked_at"])


def partner_for_token(token: str) -> ApiPartner:
    """The active partner holding this token, or InvalidToken. A worker keeps the active
    tokens it read for a minute (`core.reference`); revoking in another worker takes effect
    there within that minute."""
    digest = _digest(token)
    for row in _active_tokens(token[:PREFIX_LENGTH]):
        if hmac.compare_digest(row.digest, digest):
            _touch(row)
            return row.partner
    raise InvalidToken()


@reference.kept()
def _active_tokens(prefix: str) -> tuple[ApiToken, ...]:
    return tuple(ApiToken.objects.select_related("partner")
                 .filter(prefix=prefix, revoked_at__isnull=True, partner__is_active=True))


def _touch(row: ApiToken) -> None:
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now  # the kept row too: the next call within the minute writes nothing


def ensure_partner(*, code: str, name: str, scopes=(ApiScope.SUBMIT, ApiScope.READ_OWN),
                   office=None) -> ApiPartner:
    partner, _created = ApiPartner.objects.update_or_create(
        code=code, defaults={"name": name, "scopes": [str(scope) for scope in scopes],
                             "office": office, "is_active": True})
    return partner


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` of a partner system; without the header, the portal
    session of a signed-in person (citizen or officer) is accepted instead."""

    def __init__(self, *, allow_session: bool = True):
        super().__init__()
        self.allow_session = allow_session

    def __call__(self, request):
        header = request.headers.get(self.header, "")
        if header:
            scheme, _space, token = header.partition(" ")
            if scheme.lower() != self.openapi_scheme or not token.strip():
                raise InvalidToken()
            return self.authenticate(request, token.strip())
        user = getattr(request, "user", None)
        if self.allow_session and user is not None and user.is_authenticated:
            return Caller(user=user)
        raise InvalidToken()

    def authenticate(self, request, token: str) -> Caller:
        partner = partner_for_token(token)
        base = current_actor()
        # Writes in this request are attributed to the partner in the audit and event logs.
        set_actor(type(base)(actor_id=None, actor=f"api:{partner.code}",
                             ip_address=base.ip_address, user_agent=base.user_agent,
                             request_id=base.request_id))
        return Caller(partner=partner)
