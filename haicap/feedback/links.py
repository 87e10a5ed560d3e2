"""Signed rating links: the result notification carries one, so the applicant rates without
signing in. The token is the dossier's id signed with the site's secret and the time it was
made (django.core.signing); it opens only that dossier's rating page, for `LINK_DAYS` days.
The id, not the code: the link goes into an SMS, where every character counts."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from haicap.core.errors import InvalidInput, NotFound
from haicap.dossiers.models import Dossier

SALT = "haicap.feedback.rating-link"
LINK_DAYS = 30


def rating_token(dossier: Dossier) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(dossier.pk))


def rating_path(dossier: Dossier) -> str:
    """The site-relative address of the dossier's rating page (no sign-in needed)."""
    return reverse("feedback:rate_by_link", args=[rating_token(dossier)])


def rating_link(dossier: Dossier) -> str:
    """The absolute address a message carries (the result notification's SMS and email)."""
    base = settings.HAICAP_PORTAL_URL.rstrip("/")
    return base + rating_path(dossier)


def dossier_of(token: str) -> Dossier:
    """The dossier a link was made for; a changed, foreign or expired link is refused."""
    try:
        dossier_id = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=timedelta(days=LINK_DAYS))
    except signing.SignatureExpired:
        raise InvalidInput(_("This rating link has expired. Sign in to rate your dossier."),
                           code="link_expired") from None
    except signing.BadSignature:
        raise InvalidInput(_("This rating link is not valid."), code="invalid_link") from None
    dossier = (Dossier.objects.select_related("procedure", "competent_office")
               .filter(pk=int(dossier_id)).first())
    if dossier is None:
        raise NotFound(_("This rating link is not valid."), code="dossier_not_found")
    return dossier
