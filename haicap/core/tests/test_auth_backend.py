"""The sign-in backend reads a signed-in officer's office with the person (one query a page, not
two: every officer page scopes its reads by the office)."""

import pytest
from django.contrib.auth import get_user

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db


def test_the_signed_in_officer_comes_with_their_office_in_one_query(client,
                                                                    django_assert_num_queries):
    office = factories.commune_office(Commune.objects.get(province_id="48",
                                                          name="Phường Hải Châu"))
    officer = factories.officer(office, Role.SPECIALIST)
    client.force_login(officer)
    request = type("Request", (), {"session": client.session})()

    user = get_user(request)  # the session, then the person with their office

    with django_assert_num_queries(0):
        assert user.office.code == office.code


def test_a_deactivated_account_is_signed_out(client):
    office = factories.commune_office(Commune.objects.get(province_id="48",
                                                          name="Phường Hải Châu"))
    officer = factories.officer(office, Role.SPECIALIST)
    client.force_login(officer)
    officer.is_active = False
    officer.save()

    assert not get_user(type("Request", (), {"session": client.session})()).is_authenticated
