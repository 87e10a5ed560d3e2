"""Notifications from the outbox (issue 5): each status change tells the applicant once, in
Vietnamese short enough for SMS; timers tell officers in the app."""

import pytest
from django.core import mail
from django.utils import timezone

from haicap.catalog.selectors import procedure_by_code
from haicap.core.tests import factories
from haicap.dossiers import engine, services, testing, timers, withdrawals
from haicap.dossiers.models import OutboxMessage
from haicap.dossiers.testing import HAI_CHAU_ADDRESS, MARITAL_STATUS, act, at, fresh
from haicap.notifications import services as notifications
from haicap.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationKind,
)
from haicap.notifications.texts import sms_segments

pytestmark = pytest.mark.django_db

province = testing.province  # the fixture


@pytest.fixture(autouse=True)
def quick_gateways(settings):
    settings.HAICAP_SANDBOX_LATENCY_MS = 0
    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0
    settings.HAICAP_EMAIL_ADAPTER = "django"  # the test runner's in-memory mailbox


def submit(channel="online", desk=None, phone="0905123456", email="mai@example.vn",
           applicant=None):
    body = procedure_by_code(MARITAL_STATUS).current_version.spec.example.body(MARITAL_STATUS)
    person = services.Applicant(id_number=factories.national_id("female", 1992),
                                full_name="Nguyễn Thị Mai", address=HAI_CHAU_ADDRESS,
                                phone=phone, email=email)
    return services.submit_dossier(procedure_code=MARITAL_STATUS, channel=channel,
                                   applicant=person, form=body["form"],
                                   documents=body["documents"], receiving_office=desk,
                                   submitted_by=applicant).dossier


def sms_kinds(dossier) -> list[str]:
    return list(Notification.objects.filter(dossier_code=dossier.code,
                                            channel=NotificationChannel.SMS)
                .order_by("id").values_list("kind", flat=True))


def sms(dossier, kind) -> Notification:
    return Notification.objects.get(dossier_code=dossier.code, channel=NotificationChannel.SMS,
                                    kind=kind)


def test_each_status_change_tells_the_applicant_once_in_order(province, monkeypatch):
    def minute(n):  # the outbox is read in time order
        at(monkeypatch, 2025, 3, 10, 9, n)

    minute(0)
    dossier = submit()
    minute(1)
    services.receive_dossier(officer=province["desk"], dossier=dossier,
                             lock_version=fresh(dossier).lock_version)
    minute(2)
    act(engine.request_supplement, province["specialist"], dossier,
        reason="Thiếu bản sao giấy khai sinh")
    minute(3)
    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)
    minute(4)
    act(engine.claim_task, province["specialist"], dossier)  # tells the applicant nothing
    minute(5)
    act(engine.forward, province["specialist"], dossier)
    minute(6)
    act(engine.approve, province["leader"], dossier)  # the result is ready
    minute(7)
    act(engine.return_result, province["desk"], dossier)

    report = notifications.dispatch_outbox()

    assert sms_kinds(dossier) == ["submitted", "received", "supplement_requested",
                                  "supplement_received", "result_ready", "returned"]
    assert report.notifications == 12  # each by SMS and by email
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()
    assert notifications.dispatch_outbox() == notifications.DispatchReport(0, 0)
    assert Notification.objects.count() == 12


def test_the_texts_carry_the_code_the_date_and_the_reason_in_vietnamese(province,
                                                                         monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = fresh(submit(channel="in_person", desk=province["hai_chau"]))
    act(engine.request_supplement, province["specialist"], dossier,
        reason="Thiếu bản sao giấy khai sinh của người yêu cầu")
    notifications.dispatch_outbox()

    received = sms(dossier, NotificationKind.RECEIVED)
    assert received.text == (f"Hồ sơ {dossier.code} đã được tiếp nhận. Hẹn trả kết quả: "
                             f"17:00 13/03/2025.")
    # a desk submission is received at once: no "submitted" message
    assert sorted(sms_kinds(dossier)) == ["received", "supplement_requested"]
    supplement = sms(dossier, NotificationKind.SUPPLEMENT_REQUESTED)
    assert "Thiếu bản sao giấy khai sinh của người yêu cầu" in supplement.text
    for text in (received.text, supplement.text):
        assert dossier.code in text and len(text) <= 160
    assert received.sms_segments == 2  # diacritics: UCS-2, 67 characters a segment
    assert received.sandbox and received.status == DeliveryStatus.QUEUED


def test_a_refusal_and_an_apology_carry_their_reason_and_new_date(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    refused = submit()
    engine.refuse(officer=province["desk"], dossier=refused,
                  lock_version=fresh(refused).lock_version, reason="Sai thẩm quyền")
    late = fresh(submit(channel="in_person", desk=province["hai_chau"]))
    engine.extend_with_apology(officer=province["leader"], dossier=late,
                               lock_version=late.lock_version,
                               new_due_at=testing.local(2025, 3, 20, 17, 0),
                               reason="Cần xác minh thêm")

    notifications.dispatch_outbox()

    assert sms(refused, NotificationKind.REFUSED).text == (
        f"Hồ sơ {refused.code} không được tiếp nhận. Lý do: Sai thẩm quyền.")
    extended = sms(late, NotificationKind.EXTENDED).text
    assert "17:00 20/03/2025" in extended and "Cần xác minh thêm" in extended


def test_a_long_reason_is_cut_in_the_sms_and_whole_in_the_email(province):
    dossier = submit()
    reason = "Thiếu " + ", ".join(f"giấy tờ số {n}" for n in range(1, 20))
    engine.request_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version, reason=reason)

    notifications.dispatch_outbox()

    by_sms = sms(dossier, NotificationKind.SUPPLEMENT_REQUESTED)
    by_email = Notification.objects.get(dossier_code=dossier.code,
                                        channel=NotificationChannel.EMAIL,
                                        kind=NotificationKind.SUPPLEMENT_REQUESTED)
    assert reason in by_email.text and reason not in by_sms.text and "…" in by_sms.text
    assert len(by_sms.text) <= 160


def test_an_applicant_with_an_account_and_no_number_hears_in_the_app(province):
    citizen = factories.resident(factories.communes()[0])
    dossier = submit(phone="", email="", applicant=citizen)
    dossier.applicant = citizen
    dossier.save(update_fields=["applicant"])

    notifications.dispatch_outbox()

    [note] = Notification.objects.filter(dossier_code=dossier.code)
    assert (note.channel, note.recipient, note.status) == (NotificationChannel.IN_APP, citizen,
                                                           DeliveryStatus.SENT)


def test_timers_warn_the_queue_then_the_leader_then_both_when_overdue(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="in_person", desk=province["hai_chau"])
    notifications.dispatch_outbox()

    def told(kind):
        return sorted(Notification.objects.filter(dossier_code=dossier.code, kind=kind)
                      .values_list("recipient__username", flat=True))

    at(monkeypatch, 2025, 3, 11, 14, 0)  # 75 %: nobody claimed the task yet
    timers.tick()
    notifications.dispatch_outbox()
    assert told(NotificationKind.DUE_SOON) == sorted([province["specialist"].username,
                                          province["other_specialist"].username])
    act(engine.claim_task, province["specialist"], dossier)
    at(monkeypatch, 2025, 3, 11, 16, 0)  # 90 %
    timers.tick()
    notifications.dispatch_outbox()
    leader_note = Notification.objects.get(kind=NotificationKind.DUE_SOON,
                                           recipient=province["leader"])
    assert province["specialist"].full_name in leader_note.text
    at(monkeypatch, 2025, 3, 11, 17, 1)
    timers.tick()
    notifications.dispatch_outbox()
    assert told(NotificationKind.OVERDUE) == sorted([province["specialist"].username,
                                         province["leader"].username])
    overdue = Notification.objects.filter(kind=NotificationKind.OVERDUE).first()
    assert overdue.channel == NotificationChannel.IN_APP and "quá hạn" in overdue.text


# -- sending ---------------------------------------------------------------------------------------

def test_sending_delivers_sms_and_email(province):
    dossier = submit()
    notifications.dispatch_outbox()

    report = notifications.send_due()

    assert report.counts == {"sent": 2}
    note = sms(dossier, NotificationKind.SUBMITTED)
    assert note.status == DeliveryStatus.SENT and note.provider_id.startswith("sandbox-sms-")
    [email] = mail.outbox
    assert email.to == ["mai@example.vn"] and email.subject == f"Hồ sơ {dossier.code}"
    assert email.body.startswith(f"Hồ sơ {dossier.code}")


def test_the_gateway_rejects_an_unknown_number_and_it_is_never_retried(province,
                                                                        monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(phone="0905000000", email="")  # the sandbox knows no such subscriber
    notifications.dispatch_outbox()

    assert notifications.send_due().counts == {"rejected": 1}
    note = sms(dossier, NotificationKind.SUBMITTED)
    assert (note.status, note.error_code, note.attempts) == (DeliveryStatus.REJECTED,
                                                             "unknown_subscriber", 1)
    at(monkeypatch, 2025, 3, 11, 9, 0)
    assert notifications.send_due().counts == {}


def test_a_transient_failure_is_retried_with_backoff_then_given_up(province, monkeypatch,
                                                                     settings):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    settings.HAICAP_NOTIFY_MAX_ATTEMPTS = 3
    at(monkeypatch, 2025, 3, 10, 9, 0, 0)
    dossier = submit(email="")
    notifications.dispatch_outbox()

    assert notifications.send_due().counts == {"retry": 1}
    note = sms(dossier, NotificationKind.SUBMITTED)
    assert (note.status, note.attempts, note.error_code) == (DeliveryStatus.QUEUED, 1,
                                                             "gateway_unavailable")
    assert note.next_attempt_at == testing.local(2025, 3, 10, 9, 1, 0)  # 60 s later
    assert notifications.send_due().counts == {}  # not due yet
    at(monkeypatch, 2025, 3, 10, 9, 1, 0)
    assert notifications.send_due().counts == {"retry": 1}
    retried = sms(dossier, NotificationKind.SUBMITTED)
    assert retried.next_attempt_at == testing.local(2025, 3, 10, 9, 3, 0)  # 120 s
    at(monkeypatch, 2025, 3, 10, 9, 3, 0)
    assert notifications.send_due().counts == {"failed": 1}
    assert sms(dossier, NotificationKind.SUBMITTED).status == DeliveryStatus.FAILED


def test_a_recovered_gateway_sends_on_the_retry(province, monkeypatch, settings):
    settings.HAICAP_SANDBOX_FAILURE_RATE = 1.0
    at(monkeypatch, 2025, 3, 10, 9, 0, 0)
    dossier = submit(email="")
    notifications.dispatch_outbox()
    notifications.send_due()

    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0
    at(monkeypatch, 2025, 3, 10, 9, 5, 0)
    assert notifications.send_due().counts == {"sent": 1}
    note = sms(dossier, NotificationKind.SUBMITTED)
    assert (note.status, note.attempts) == (DeliveryStatus.SENT, 2)


def test_the_sandbox_mailbox_writes_files(province, settings, tmp_path):
    settings.HAICAP_EMAIL_ADAPTER = "sandbox"
    settings.VAR_DIR = tmp_path
    submit(phone="")
    notifications.dispatch_outbox()

    assert notifications.send_due().counts == {"sent": 1}
    [written] = (tmp_path / "mail").iterdir()
    assert "mai@example.vn" in written.read_text()
    assert Notification.objects.get(channel=NotificationChannel.EMAIL).sandbox


def test_sms_segments_follow_the_encoding():
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2
    assert sms_segments("ồ" * 70) == 1 and sms_segments("ồ" * 71) == 2
    assert sms_segments("{" * 80) == 1 and sms_segments("{" * 81) == 2


def test_a_withdrawal_tells_the_applicant_with_the_reason(province):
    dossier = fresh(submit(channel="in_person", desk=province["hai_chau"]))
    withdrawals.withdraw_dossier(actor=province["desk"], dossier=dossier,
                                 lock_version=dossier.lock_version, reason="Đơn rút hồ sơ")

    notifications.dispatch_outbox()

    assert sms(dossier, NotificationKind.WITHDRAWN).text == (
        f"Hồ sơ {dossier.code} đã được rút theo đề nghị của bạn. Lý do: Đơn rút hồ sơ.")


def test_the_result_messages_carry_a_link_to_rate_the_service(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = fresh(submit(channel="in_person", desk=province["hai_chau"]))
    act(engine.claim_task, province["specialist"], dossier)
    act(engine.forward, province["specialist"], dossier)
    act(engine.approve, province["leader"], dossier)
    notifications.dispatch_outbox()

    assert "danh-gia" in sms(dossier, NotificationKind.RESULT_READY).text
    assert "danh-gia" not in sms(dossier, NotificationKind.RECEIVED).text


def test_a_desk_ticket_near_its_turn_becomes_one_sms_to_the_number_left_at_the_kiosk(province):
    text = "Số A-005 của quý khách tại UBND Phường Hải Châu sắp được gọi."
    OutboxMessage.objects.create(
        source="/haicap/tickets/UB-20242", type="vn.haicap.ticket.near_turn", subject="A-005",
        time=timezone.now(), data={"ticket": "A-005", "phone": "0905123456", "text": text})

    notifications.dispatch_outbox()

    sent = Notification.objects.get(kind=NotificationKind.TICKET_NEAR_TURN)
    assert (sent.channel, sent.address, sent.text) == (NotificationChannel.SMS, "0905123456",
                                                      text)
    assert sent.status == DeliveryStatus.QUEUED and sent.sms_segments == 1
