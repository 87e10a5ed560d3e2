"""Withdrawal (national status 7): the applicant, or a desk on their written request, stops an
open dossier; its open step and deadline warnings go with it."""

import pytest
from django.urls import reverse

from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.tests import factories
from haicap.dossiers import services, testing, withdrawals
from haicap.dossiers.models import DossierEvent, NationalStatus, Status, Task, TaskStatus, Timer

pytestmark = pytest.mark.django_db


def citizen_dossier(province):
    citizen = factories.resident(province["hai_chau"].commune, full_name="Nguyễn Thị Mai")
    who = testing.applicant(id_number=citizen.national_id, full_name=citizen.full_name)
    return citizen, testing.submit(desk=province["hai_chau"], who=who)


def test_the_applicant_withdraws_an_open_dossier_and_its_step_and_warnings_stop(province):
    citizen, dossier = citizen_dossier(province)
    assert Task.objects.filter(dossier=dossier).active().exists()

    withdrawn = withdrawals.withdraw_dossier(actor=citizen, dossier=dossier,
                                             lock_version=dossier.lock_version,
                                             reason="Tôi không cần giấy này nữa")

    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.national_status == NationalStatus.WITHDRAWN
    assert not Task.objects.filter(dossier=dossier).active().exists()
    assert Task.objects.filter(dossier=dossier, status=TaskStatus.CANCELLED).count() == 1
    assert not Timer.objects.filter(dossier=dossier, fired_at__isnull=True).exists()
    event = DossierEvent.objects.filter(dossier=dossier).last()
    assert (event.action, event.note) == ("withdraw", "Tôi không cần giấy này nữa")


def test_someone_else_may_not_withdraw_and_a_settled_dossier_cannot_be(province):
    citizen, dossier = citizen_dossier(province)
    stranger = factories.resident(province["hai_chau"].commune, full_name="Trần Văn Bình")
    with pytest.raises(PermissionDenied):
        withdrawals.withdraw_dossier(actor=stranger, dossier=dossier,
                                     lock_version=dossier.lock_version, reason="x")
    with pytest.raises(PermissionDenied):
        withdrawals.withdraw_dossier(actor=province["son_tra_desk"], dossier=dossier,
                                     lock_version=dossier.lock_version, reason="x")
    withdrawals.withdraw_dossier(actor=province["desk"], dossier=dossier,
                                 lock_version=dossier.lock_version, reason="Đơn rút hồ sơ")
    dossier.refresh_from_db()
    with pytest.raises(PermissionDenied):  # withdrawn is settled
        withdrawals.withdraw_dossier(actor=citizen, dossier=dossier,
                                     lock_version=dossier.lock_version, reason="x")


def test_a_withdrawal_needs_a_reason_and_the_current_lock_version(province):
    citizen, dossier = citizen_dossier(province)
    with pytest.raises(InvalidInput):
        withdrawals.withdraw_dossier(actor=citizen, dossier=dossier,
                                     lock_version=dossier.lock_version, reason="  ")
    with pytest.raises(services.Conflict):
        withdrawals.withdraw_dossier(actor=citizen, dossier=dossier,
                                     lock_version=dossier.lock_version - 1, reason="Không cần")
    assert testing.fresh(dossier).status == Status.RECEIVED


def test_the_citizen_withdraws_from_their_dossier_page(client, province):
    citizen, dossier = citizen_dossier(province)
    client.force_login(citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert reverse("portal:withdraw", args=[dossier.code]) in page

    answer = client.post(reverse("portal:withdraw", args=[dossier.code]),
                         {"lock_version": dossier.lock_version, "reason": "Không cần nữa"})

    assert answer.status_code == 302
    assert testing.fresh(dossier).status == Status.WITHDRAWN
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert reverse("portal:withdraw", args=[dossier.code]) not in page


def test_a_desk_withdraws_over_the_api_on_the_applicants_request(client, province):
    _citizen, dossier = citizen_dossier(province)
    client.force_login(province["desk"])
    actions = client.get(f"/api/v1/dossiers/{dossier.code}/actions").json()["actions"]
    assert "withdraw" in [action["key"] for action in actions]

    answer = client.post(f"/api/v1/dossiers/{dossier.code}/withdraw",
                         {"lock_version": dossier.lock_version, "reason": "Đơn rút hồ sơ"},
                         content_type="application/json")

    assert answer.status_code == 200
    assert answer.json()["national_status"] == 7
