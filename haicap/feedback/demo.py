"""Demo ratings and complaints, loaded by `haicap demo` after the dossiers.

About 40 % of the dossiers with a result are rated, a few hours to three days after it, mostly
4–5 (late ones lower), a third of them by SMS; some low ratings and some late open dossiers
bring a complaint, most of them answered by the competent unit's leader. Everything goes
through the services with the clock set back (core/demo/clock.py) and the citizen or officer
as the actor, so the event log, outbox and audit agree with the tables.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from haicap.core.context import ActorContext, actor_for_user, reset_actor, set_actor
from haicap.core.demo.clock import set_back_clock
from haicap.core.demo.dossiers import DEMO_USER_AGENT, later
from haicap.core.demo.load import DEMO_SEED
from haicap.core.management.commands.demo import PORTAL_ADDRESS
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.dossiers.models import RUNNING_STATUSES, Dossier
from haicap.feedback import links, services
from haicap.feedback.models import Complaint, ComplaintStatus, Rating, RatingReason, Via

RATED_SHARE = 0.4
SMS_SHARE = 0.3
SCORES = (1, 2, 3, 4, 5)
ON_TIME_WEIGHTS = (2, 3, 10, 32, 53)
LATE_WEIGHTS = (15, 25, 30, 20, 10)
GOOD_REASONS = (RatingReason.FAST, RatingReason.HELPFUL, RatingReason.CLEAR,
                RatingReason.EASY_ONLINE)
BAD_REASONS = (RatingReason.SLOW, RatingReason.UNHELPFUL, RatingReason.UNCLEAR,
               RatingReason.TOO_MANY_PAPERS)
COMMENTS = {5: "Cán bộ hướng dẫn tận tình, trả kết quả sớm.", 4: "Nhanh, thủ tục rõ ràng.",
            2: "Phải đi lại nhiều lần.", 1: "Trễ hẹn mà không được báo trước."}
COMPLAINT_AFTER_LOW_RATING = 0.5
LATE_OPEN_COMPLAINTS = 3
ANSWERED_SHARE = 0.65
COMPLAINT_TEXTS = {
    "late": "Hồ sơ đã quá ngày hẹn trả kết quả nhưng tôi chưa nhận được thông báo gì. "
            "Đề nghị đơn vị cho biết khi nào có kết quả.",
    "attitude": "Cán bộ tiếp nhận trả lời chưa niềm nở, không hướng dẫn rõ cần bổ sung gì.",
    "documents": "Tôi bị yêu cầu nộp bản sao giấy khai sinh dù thông tin đã có trên "
                 "CSDL quốc gia về dân cư.",
    "fees": "Tôi được thu phí sao y cao hơn mức niêm yết.",
    "other": "Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa.",
}
ANSWERS = {
    "late": "Đơn vị xin lỗi ông/bà vì hồ sơ trễ hẹn do phải xác minh thêm. Kết quả đã sẵn "
            "sàng, mời ông/bà nhận tại bộ phận một cửa.",
    "attitude": "Đơn vị ghi nhận phản ánh, đã nhắc nhở cán bộ và cảm ơn ông/bà đã góp ý.",
    "documents": "Đơn vị đã rà soát: giấy tờ đã có trên CSDL quốc gia không cần nộp lại. "
                 "Xin lỗi ông/bà vì sự bất tiện.",
    "fees": "Đơn vị đã kiểm tra và hoàn trả khoản thu chênh lệch cho ông/bà.",
    "other": "Đơn vị tiếp thu và sẽ bố trí thêm ghế chờ trong tháng này.",
}


def load(province) -> str:
    """Ratings and complaints on the demo's dossiers (kept when there are some already)."""
    rng = random.Random(DEMO_SEED + 4)
    if not Rating.objects.filter(dossier__province=province).exists():
        with transaction.atomic(), set_back_clock() as clock:
            _Feedback(clock, rng, timezone.now()).load(province)
    return _summary(province)


class _Feedback:
    def __init__(self, clock, rng: random.Random, now: datetime):
        self.clock, self.rng, self.now = clock, rng, now
        self.leaders = {user.office_id: user for user in
                        User.objects.filter(role=Role.LEADER, is_active=True).order_by("-pk")}
        self.specialists = {user.office_id: user for user in
                            User.objects.filter(role=Role.SPECIALIST, is_active=True)
                            .order_by("-pk")}

    def load(self, province) -> None:
        with_result = (Dossier.objects.filter(province=province,
                                              status__in=services.RESULT_STATUSES)
                       .select_related("applicant", "procedure").order_by("pk"))
        for dossier in with_result:
            if self.rng.random() < RATED_SHARE:
                self.rate(dossier)
        late_open = (Dossier.objects.filter(province=province, status__in=RUNNING_STATUSES,
                                            due_at__lt=self.now)
                     .select_related("applicant", "procedure").order_by("due_at"))
        for dossier in late_open[:LATE_OPEN_COMPLAINTS]:
            self.complain(dossier, "late", later(dossier.due_at, self.rng.uniform(2, 16)))

    def rate(self, dossier: Dossier) -> None:
        rng = self.rng
        late = dossier.is_late
        score = rng.choices(SCORES, weights=LATE_WEIGHTS if late else ON_TIME_WEIGHTS)[0]
        reason = ""
        if late and score <= 3:
            reason = RatingReason.SLOW
        elif rng.random() < 0.7:
            reason = rng.choice(GOOD_REASONS if score >= 4 else BAD_REASONS)
        via = Via.SMS if dossier.applicant_phone and rng.random() < SMS_SHARE else Via.PORTAL
        comment = COMMENTS.get(score, "") if rng.random() < 0.3 else ""
        moment = (dossier.returned_at or dossier.finished_at) + timedelta(
            hours=rng.uniform(0.5, 72))
        if moment > self.now:
            return
        self.act(moment, self.citizen_actor(dossier, via), services.rate_dossier, dossier=dossier,
                 score=score, reason=reason, via=via, comment=comment)
        if score <= 2 and rng.random() < COMPLAINT_AFTER_LOW_RATING:
            category = "late" if late else rng.choice(("attitude", "documents", "fees", "other"))
            self.complain(dossier, category, moment + timedelta(minutes=rng.randint(2, 30)))

    def complain(self, dossier: Dossier, category: str, moment: datetime) -> None:
        if moment > self.now:
            return
        complaint = self.act(moment, self.citizen_actor(dossier, Via.PORTAL),
                             services.file_complaint, dossier=dossier, category=category,
                             text=COMPLAINT_TEXTS[category], via=Via.PORTAL,
                             filed_by=dossier.applicant)
        self.handle(complaint, moment)

    def handle(self, complaint: Complaint, filed: datetime) -> None:
        leader = self.leaders.get(complaint.office_id)
        specialist = self.specialists.get(complaint.office_id)
        draw = self.rng.random()
        taken = later(filed, self.rng.uniform(0.5, 4))
        if specialist is None or leader is None or draw > 0.9 or taken > self.now:
            return  # still waiting
        self.act(taken, specialist, services.start_handling, officer=specialist,
                 complaint=complaint)
        answered = later(taken, self.rng.uniform(1, 16))
        if draw < ANSWERED_SHARE and answered <= self.now:
            self.act(answered, leader, services.answer_complaint, officer=leader,
                     complaint=complaint, answer=ANSWERS[complaint.category])

    @staticmethod
    def citizen_actor(dossier: Dossier, via: str):
        if via == Via.SMS:
            return ActorContext(actor_id=None, actor="sms-gateway", user_agent=DEMO_USER_AGENT)
        if dossier.applicant is None:
            return ActorContext(actor_id=None, actor="rating-link", user_agent=DEMO_USER_AGENT)
        return dossier.applicant

    def act(self, moment: datetime, who, call, **arguments):
        self.clock.set(moment)
        base = ActorContext(actor_id=None, actor=DEMO_USER_AGENT, user_agent=DEMO_USER_AGENT)
        token = set_actor(who if isinstance(who, ActorContext) else actor_for_user(who, base))
        try:
            return call(**arguments)
        finally:
            reset_actor(token)


def _summary(province) -> str:
    ratings = Rating.objects.filter(dossier__province=province)
    complaints = Complaint.objects.filter(province=province)
    average = ratings.aggregate(average=Avg("score"))["average"] or 0
    answered = complaints.filter(status=ComplaintStatus.ANSWERED).count()
    example = (Dossier.objects.filter(province=province, status__in=services.RESULT_STATUSES,
                                      rating__isnull=True, applicant__isnull=False)
               .exclude(applicant_phone="").order_by("-finished_at").first())
    line = (f"Feedback: {ratings.count()} ratings (average {average:.1f}/5), "
            f"{complaints.count()} complaints ({answered} answered) at "
            f"{PORTAL_ADDRESS}/can-bo/phan-anh/")
    if example is not None:
        line += (f"; rate {example.code} without signing in at "
                 f"{PORTAL_ADDRESS}{links.rating_path(example)} or by SMS (sandbox): "
                 f"curl -H 'X-Haicap-Sms-Secret: {settings.HAICAP_FEEDBACK_SMS_SECRET}' "
                 "-H 'Content-Type: "
                 f"application/json' -d '{{\"from\": \"{example.applicant_phone}\", "
                 f"\"text\": \"DG {example.code} 5\"}}' {PORTAL_ADDRESS}/api/v1/feedback/sms")
    return line
