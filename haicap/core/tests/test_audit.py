"""Rule: every write appends one audit entry (who, what, when, from where); none is ever changed."""

import pytest
from django.db import DatabaseError, connection, transaction

from haicap.core.models import AuditEntry
from haicap.core.tests import factories

pytestmark = pytest.mark.django_db


def test_contact_change_through_page_is_audited_with_actor_changes_and_address(client):
    commune = factories.communes(count=1)[0]
    officer = factories.officer(factories.commune_office(commune))
    resident = factories.resident(commune)
    client.force_login(officer)

    client.post(f"/can-bo/cu-dan/{resident.pk}/", {"phone": "0912345678", "email": "",
                                                   "address_street": "12 Trần Phú"},
                REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="test-browser")

    entry = AuditEntry.objects.filter(action="citizen.update_contact").get()
    assert entry.actor == officer.username
    assert entry.actor_id == officer.pk
    assert entry.object_id == str(resident.pk)
    assert entry.changes == {"phone": ["0905123456", "0912345678"]}
    assert entry.ip_address == "10.1.2.3"
    assert entry.user_agent == "test-browser"


def test_each_service_write_appends_exactly_one_entry():
    commune = factories.communes(count=1)[0]
    before = AuditEntry.objects.count()

    office = factories.commune_office(commune)
    factories.officer(office)
    factories.resident(commune)

    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:]
    assert actions == ["office.create", "officer.create", "citizen.register"]


def test_audit_entries_cannot_be_updated_or_deleted_in_the_database():
    commune = factories.communes(count=1)[0]
    factories.commune_office(commune)
    entry = AuditEntry.objects.latest("id")

    for statement in (
        f"UPDATE core_auditentry SET actor = 'forger' WHERE id = {entry.pk}",
        f"DELETE FROM core_auditentry WHERE id = {entry.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    entry.refresh_from_db()
    assert entry.actor != "forger"


def test_audit_entry_refuses_changes_through_the_orm():
    commune = factories.communes(count=1)[0]
    factories.commune_office(commune)
    entry = AuditEntry.objects.latest("id")

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_officer_sign_in_and_failed_sign_in_are_audited(client):
    commune = factories.communes(count=1)[0]
    officer = factories.officer(factories.commune_office(commune))

    client.post("/dang-nhap/", {"username": officer.username, "password": "wrong"})
    client.post("/dang-nhap/", {"username": officer.username, "password": factories.PASSWORD})

    assert AuditEntry.objects.filter(action="auth.sign_in_failed",
                                     summary=officer.username).count() == 1
    assert AuditEntry.objects.filter(action="auth.sign_in", actor=officer.username).count() == 1
