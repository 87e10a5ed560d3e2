"""Ratings and complaints (issue 6 point 4): recorded against the dossier as `rate` and
`complain` events (the operations-centre contract), only where the rules allow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haicap.core.errors import DomainError, InvalidInput, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.dossiers.models import DossierEvent, OutboxMessage, Status
from haicap.feedback import selectors, services
from haicap.feedback.models import Complaint, ComplaintStatus, Rating
from haicap.feedback.tests.conftest import PHONE, filed, with_result

pytestmark = pytest.mark.django_db


def test_a_dossier_with_its_result_is_rated_and_the_event_log_carries_it(finished):
    rating = services.rate_dossier(finished, 4, "fast", "portal", comment="Cán bộ nhanh")

    event = DossierEvent.objects.filter(dossier=finished).last()
    assert (event.action, event.from_status, event.to_status) == (
        "rate", Status.FINISHED, Status.FINISHED)
    assert event.data == {"score": 4, "reason": "fast", "via": "portal"}
    assert event.note == "Cán bộ nhanh"
    assert OutboxMessage.objects.filter(type="vn.haicap.dossier.rate",
                                        subject=finished.code).count() == 1
    assert AuditEntry.objects.filter(action="feedback.rate", object_id=str(rating.pk)).exists()
    assert (rating.score, rating.reason, rating.via) == (4, "fast", "portal")


def test_a_returned_dossier_is_rated_too(province, citizen):
    dossier = with_result(province, citizen, returned=True)

    services.rate_dossier(dossier, 5, "", "sms")

    assert DossierEvent.objects.filter(dossier=dossier).last().to_status == Status.RETURNED


def test_a_dossier_without_a_result_cannot_be_rated(province, citizen):
    dossier = filed(province, citizen)

    with pytest.raises(InvalidInput) as refused:
        services.rate_dossier(dossier, 5, "", "portal")

    assert refused.value.code == "no_result_yet"
    assert not Rating.objects.exists()
    assert not DossierEvent.objects.filter(action="rate").exists()


@pytest.mark.parametrize("score", [0, 6, -1, "x", "", None, 4.5, "5.0"])
def test_a_score_outside_1_to_5_is_refused(finished, score):
    with pytest.raises(InvalidInput) as refused:
        services.rate_dossier(finished, score, "", "portal")

    assert refused.value.code == "invalid_score"


def test_a_reason_or_channel_outside_the_lists_is_refused(finished):
    with pytest.raises(InvalidInput) as reason:
        services.rate_dossier(finished, 3, "bribes", "portal")
    with pytest.raises(InvalidInput) as via:
        services.rate_dossier(finished, 3, "", "fax")

    assert (reason.value.code, via.value.code) == ("invalid_reason", "invalid_via")


def test_a_rating_is_one_per_dossier_and_can_be_changed_within_7_days(finished, monkeypatch):
    first = services.rate_dossier(finished, 2, "slow", "portal")
    later = timezone.now() + timedelta(days=6, hours=23)
    monkeypatch.setattr(services.timezone, "now", lambda: later)

    second = services.rate_dossier(finished, 4, "helpful", "sms")

    assert second.pk == first.pk and Rating.objects.count() == 1
    assert (second.score, second.via, second.changed_at) == (4, "sms", later)
    scores = [event.data["score"] for event in
              DossierEvent.objects.filter(dossier=finished, action="rate")]
    assert scores == [2, 4]  # each change is an event; the latest counts


def test_after_7_days_a_rating_is_final(finished, monkeypatch):
    services.rate_dossier(finished, 2, "", "portal")
    later = timezone.now() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)

    with pytest.raises(DomainError) as refused:
        services.rate_dossier(finished, 5, "", "portal")

    assert (refused.value.code, refused.value.status) == ("rating_closed", 409)
    assert Rating.objects.get().score == 2


def test_a_complaint_goes_to_the_competent_office_and_is_a_complain_event(province, citizen):
    dossier = filed(province, citizen)  # a complaint may come before the result (a late one)

    complaint = services.file_complaint(dossier, "late", "  Quá hẹn 2 ngày.  ", "portal",
                                        filed_by=citizen)

    assert complaint.office == province["hai_chau"] == dossier.competent_office
    assert (complaint.status, complaint.text) == (ComplaintStatus.RECEIVED, "Quá hẹn 2 ngày.")
    event = DossierEvent.objects.filter(dossier=dossier).last()
    assert (event.action, event.to_status) == ("complain", dossier.status)
    assert event.data == {"complaint_id": complaint.pk, "category": "late", "via": "portal"}
    assert OutboxMessage.objects.filter(type="vn.haicap.dossier.complain").count() == 1


@pytest.mark.parametrize(("category", "text", "code"), [
    ("bribes", "Nội dung", "invalid_category"),
    ("other", "   ", "text_required"),
    ("other", "x" * 2001, "too_long"),
])
def test_a_complaint_needs_a_listed_category_and_some_words(finished, category, text, code):
    with pytest.raises(InvalidInput) as refused:
        services.file_complaint(finished, category, text, "portal")

    assert refused.value.code == code
    assert not Complaint.objects.exists()


def test_a_dossier_has_at_most_3_unanswered_complaints(finished, province):
    for _ in range(services.OPEN_COMPLAINTS_MAX):
        last = services.file_complaint(finished, "other", "Góp ý", "portal")

    with pytest.raises(DomainError) as refused:
        services.file_complaint(finished, "other", "Thêm một", "portal")
    services.answer_complaint(officer=province["leader"], complaint=last, answer="Đã tiếp thu.")
    services.file_complaint(finished, "other", "Sau khi được trả lời", "portal")

    assert refused.value.code == "too_many_open_complaints"


def test_an_officer_of_the_competent_office_takes_and_answers_a_complaint(finished, province):
    complaint = services.file_complaint(finished, "attitude", "Thái độ chưa tốt", "portal")

    services.start_handling(officer=province["specialist"], complaint=complaint)
    answered = services.answer_complaint(officer=province["leader"], complaint=complaint,
                                         answer="Đơn vị xin lỗi và đã nhắc nhở cán bộ.")

    assert answered.status == ComplaintStatus.ANSWERED
    assert (answered.handled_by, answered.answered_by) == (province["specialist"],
                                                           province["leader"])
    assert answered.answered_at is not None
    assert list(AuditEntry.objects.filter(object_id=str(complaint.pk),
                                          action__startswith="feedback.")
                .values_list("action", flat=True).order_by("id")) == [
        "feedback.complain", "feedback.start_handling", "feedback.answer"]


def test_an_answer_is_a_dossier_event_and_the_applicant_hears_it_by_sms(finished, province,
                                                                       settings):
    from haicap.notifications import services as notifications
    from haicap.notifications.models import Notification, NotificationKind

    settings.HAICAP_SANDBOX_LATENCY_MS, settings.HAICAP_SANDBOX_FAILURE_RATE = 0, 0.0
    complaint = services.file_complaint(finished, "attitude", "Thái độ chưa tốt", "portal")
    answer = "Đơn vị xin lỗi và đã nhắc nhở cán bộ tiếp nhận; lần sau sẽ hướng dẫn tận tình hơn."
    services.answer_complaint(officer=province["leader"], complaint=complaint, answer=answer)

    event = DossierEvent.objects.filter(dossier=finished).last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "answer_complaint", Status.FINISHED, Status.FINISHED, answer)
    assert event.data == {"complaint_id": complaint.pk}
    notifications.dispatch_outbox()
    told = Notification.objects.get(dossier_code=finished.code,
                                    kind=NotificationKind.COMPLAINT_ANSWERED)
    assert told.address == PHONE
    assert told.text.startswith(f"Hồ sơ {finished.code}: phản ánh của bạn đã được trả lời: "
                                "Đơn vị xin lỗi")
    assert told.text.endswith("…")  # cut for the SMS; the email and the page carry it whole


@pytest.mark.parametrize("who", ["hoi_an_leader", "son_tra_desk", "ops_viewer"])
def test_only_an_officer_of_the_competent_office_answers(finished, province, ops_viewer, who):
    complaint = services.file_complaint(finished, "fees", "Thu phí sai", "portal")
    officer = ops_viewer if who == "ops_viewer" else province[who]

    with pytest.raises(PermissionDenied):
        services.answer_complaint(officer=officer, complaint=complaint, answer="Trả lời")

    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_an_answered_complaint_is_not_answered_again(finished, province):
    complaint = services.file_complaint(finished, "fees", "Thu phí sai", "portal")
    services.answer_complaint(officer=province["leader"], complaint=complaint, answer="Một")

    with pytest.raises(DomainError) as refused:
        services.answer_complaint(officer=province["desk"], complaint=complaint, answer="Hai")

    assert refused.value.code == "complaint_changed"
    assert Complaint.objects.get().answer == "Một"


def test_an_answer_needs_words(finished, province):
    complaint = services.file_complaint(finished, "fees", "Thu phí sai", "portal")

    with pytest.raises(InvalidInput) as refused:
        services.answer_complaint(officer=province["leader"], complaint=complaint, answer=" ")

    assert refused.value.code == "text_required"


def test_officers_see_their_own_units_complaints_and_the_centre_the_provinces(
        finished, province, citizen, ops_viewer):
    ours = services.file_complaint(finished, "late", "Trễ", "portal")
    hoi_an_dossier = filed(province, citizen, address="12 Nguyễn Huệ, Phường Hội An, "
                                                      "Thành phố Đà Nẵng")
    theirs = services.file_complaint(hoi_an_dossier, "fees", "Phí", "portal")

    assert list(selectors.complaints_for(province["specialist"])) == [ours]
    assert list(selectors.complaints_for(province["hoi_an_leader"])) == [theirs]
    assert list(selectors.complaints_for(ops_viewer)) == [theirs, ours]
    assert list(selectors.complaints_for(province["leader"], status="answered")) == []
    assert list(selectors.complaints_for(province["leader"], category="late")) == [ours]
