"""Citizen sign-in through VNeID, behind one interface.

Real VNeID is an OpenID-Connect provider we cannot reach from here. `SandboxVNeID` behaves like
it — a redirect to an authorization page, a one-time code, a code exchange with latency and
occasional failures, rejections of unknown accounts — and is labelled sandbox everywhere it shows.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from haicap.core.errors import DomainError
from haicap.core.sandbox import RemoteServiceSimulation

CODE_MAX_AGE_SECONDS = 300


class IdentityError(DomainError):
    status = 400
    code = "identity_rejected"


class IdentityProviderUnavailable(DomainError):
    status = 503
    code = "identity_provider_unavailable"


@dataclass(frozen=True)
class VerifiedIdentity:
    """What the identity provider vouches for (electronic identity level 2)."""

    national_id: str
    full_name: str
    date_of_birth: date | None
    gender: str
    phone: str = ""
    assurance_level: int = 2


class SandboxVNeID(RemoteServiceSimulation):
    """A local stand-in for VNeID. Identities come from the sandbox's own register."""

    name = "VNeID (sandbox)"
    salt = "haicap.vneid.sandbox"

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str) -> str:
        query = urlencode({"redirect_uri": redirect_uri, "state": state, "nonce": nonce,
                           "response_type": "code", "scope": "openid profile"})
        return f"{reverse('core:vneid_sandbox_authorize')}?{query}"

    def issue_code(self, *, national_id: str, nonce: str, redirect_uri: str) -> str:
        """What the sandbox's authorization page does once the citizen has authenticated."""
        from haicap.core.models import User

        if not User.objects.filter(national_id=national_id, is_active=True).exists():
            raise IdentityError(
                _("VNeID has no level-2 electronic identity for this number."),
                code="identity_unknown",
            )
        payload = {"sub": national_id, "nonce": nonce, "aud": redirect_uri}
        return signing.dumps(payload, salt=self.salt, compress=True)

    def exchange_code(self, *, code: str, redirect_uri: str, nonce: str) -> VerifiedIdentity:
        """The token call: verify the one-time code and return the identity it stands for."""
        self._behave_like_a_remote_service()
        try:
            payload = signing.loads(code, salt=self.salt, max_age=CODE_MAX_AGE_SECONDS)
        except signing.SignatureExpired as exc:
            raise IdentityError(_("The sign-in took too long; please try again."),
                                code="identity_code_expired") from exc
        except signing.BadSignature as exc:
            raise IdentityError(_("The sign-in answer is not valid."),
                                code="identity_code_invalid") from exc
        if payload.get("nonce") != nonce or payload.get("aud") != redirect_uri:
            raise IdentityError(_("The sign-in answer does not belong to this session."),
                                code="identity_code_mismatch")
        consume_code(code)
        return self._identity(payload["sub"])

    def _identity(self, national_id: str) -> VerifiedIdentity:
        from haicap.core.models import User

        person = User.objects.filter(national_id=national_id).first()
        if person is None:
            raise IdentityError(_("VNeID has no level-2 electronic identity for this number."),
                                code="identity_unknown")
        return VerifiedIdentity(
            national_id=person.national_id,
            full_name=person.full_name,
            date_of_birth=person.date_of_birth,
            gender=person.gender,
            phone=person.phone,
        )

    def _behave_like_a_remote_service(self) -> None:
        if self.simulated_call_fails():
            raise IdentityProviderUnavailable(
                _("VNeID is not answering right now; please try again in a moment.")
            )


def consume_code(code: str) -> None:
    """Refuse a replayed code: each authorization code is used once, across all processes."""
    from haicap.core.models import UsedIdentityCode

    digest = hashlib.sha256(code.encode()).hexdigest()
    try:
        with transaction.atomic():
            UsedIdentityCode.objects.create(digest=digest)
    except IntegrityError as exc:
        raise IdentityError(_("This sign-in answer was already used."),
                            code="identity_code_reused") from exc


def get_identity_provider() -> SandboxVNeID:
    adapters = {"sandbox": SandboxVNeID}
    return adapters[settings.HAICAP_VNEID_ADAPTER]()
