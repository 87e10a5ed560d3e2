"""API tokens: random, kept only as a hash, shown once, revocable."""

import hashlib

import pytest
from django.core.management import call_command

from haicap.core.errors import DomainError
from haicap.core.models import ApiToken
from haicap.core.tokens import ensure_partner, issue_token, partner_for_token, revoke_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return ensure_partner(code="hospital", name="Bệnh viện")


def test_token_is_stored_only_as_its_sha256(partner):
    row, token = issue_token(partner)

    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix}
    assert token.startswith(stored.prefix) and len(token) >= 40


def test_valid_token_finds_its_partner_and_records_its_use(partner):
    row, token = issue_token(partner)

    assert partner_for_token(token) == partner
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_revoked_token_is_refused(partner):
    row, token = issue_token(partner)
    revoke_token(row)

    with pytest.raises(DomainError) as refused:
        partner_for_token(token)
    assert refused.value.status == 401 and refused.value.code == "invalid_token"


def test_token_of_a_deactivated_partner_is_refused(partner):
    _row, token = issue_token(partner)
    partner.is_active = False
    partner.save()

    with pytest.raises(DomainError):
        partner_for_token(token)


def test_api_token_command_prints_a_fresh_working_token(partner, capsys):
    call_command("api_token", "hospital")
    token = capsys.readouterr().out.strip()

    assert partner_for_token(token) == partner


def test_api_token_command_can_revoke_the_earlier_tokens(partner, capsys):
    _row, old = issue_token(partner)

    call_command("api_token", "hospital", "--revoke-others")
    new = capsys.readouterr().out.strip()

    assert partner_for_token(new) == partner
    with pytest.raises(DomainError):
        partner_for_token(old)


def test_the_console_script_accepts_api_token_with_a_dash(monkeypatch):
    from haicap import manage

    seen = {}
    monkeypatch.setattr("sys.argv", ["haicap", "api-token", "hospital"])
    monkeypatch.setattr("django.core.management.execute_from_command_line",
                        lambda argv: seen.setdefault("argv", argv))
    manage.main()

    assert seen["argv"][1] == "api_token"


def test_demo_creates_the_demo_partner_with_a_working_token():
    from haicap.core.demo.load import DEMO_PARTNER_CODE, demo_partner_token
    from haicap.core.models import ApiScope

    first, second = demo_partner_token(), demo_partner_token()

    partner = partner_for_token(second)
    assert partner.code == DEMO_PARTNER_CODE
    assert set(partner.scopes) == {ApiScope.SUBMIT, ApiScope.READ_OWN}
    assert partner_for_token(first) == partner
