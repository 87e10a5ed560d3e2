"""Signed rating links: the result message's link opens its own dossier's rating page without
sign-in; a changed or expired link opens nothing."""

import time

import pytest
from django.core import signing

from haicap.core.errors import InvalidInput
from haicap.feedback import links

pytestmark = pytest.mark.django_db


def test_a_signed_link_names_its_dossier(finished):
    assert links.dossier_of(links.rating_token(finished)) == finished


def test_a_changed_link_is_refused(finished, province, citizen):
    token = links.rating_token(finished)
    forged = token.replace(f"{finished.pk}:", f"{finished.pk + 1}:", 1)

    with pytest.raises(InvalidInput) as refused:
        links.dossier_of(forged)

    assert refused.value.code == "invalid_link"


def test_a_link_signed_for_something_else_is_refused(finished):
    other_purpose = signing.TimestampSigner(salt="another-purpose").sign(str(finished.pk))

    with pytest.raises(InvalidInput) as refused:
        links.dossier_of(other_purpose)

    assert refused.value.code == "invalid_link"


def test_a_link_expires_after_30_days(finished, monkeypatch):
    token = links.rating_token(finished)
    later = time.time() + links.LINK_DAYS * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    with pytest.raises(InvalidInput) as refused:
        links.dossier_of(token)

    assert refused.value.code == "link_expired"


def test_the_link_is_short_enough_for_an_sms(finished):
    path = links.rating_path(finished)

    assert path.startswith("/danh-gia/") and len(path) <= 70


def test_a_message_carries_the_absolute_link_on_the_portal_address(finished, settings):
    settings.HAICAP_PORTAL_URL = "https://dichvucong.danang.gov.vn/"

    link = links.rating_link(finished)

    assert link == "https://dichvucong.danang.gov.vn" + links.rating_path(finished)
