"""Rules of the demo dossiers (`haicap demo`): made through the real services over the last
months, every state the services reach, work in the Hải Châu queues, a citizen with several
dossiers, a consistent event log, and made once."""

import shutil
import tempfile
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from haicap.core.demo.dossiers import load_dossiers
from haicap.core.demo.load import load_demo, remove_demo
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.documents.models import ScanStatus, StoredFile
from haicap.dossiers.models import (
    NATIONAL_STATUS,
    Channel,
    Dossier,
    DossierEvent,
    Extension,
    NationalStatus,
    OutboxMessage,
    Status,
    Task,
)
from haicap.dossiers.supplements import awaiting_supplement
from haicap.units.models import Province
from haicap.worktime import calendar

# A Wednesday morning: the generator's "now", so that what is open and what is done does not
# depend on the hour the tests run.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
DOSSIERS = 30
CITIZENS = 120
# No service sets a dossier waiting for payment or withdrawn yet (6 and 7).
REACHABLE = set(NationalStatus) - {NationalStatus.PAYMENT_REQUESTED, NationalStatus.WITHDRAWN}
FILE_HEADS = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff")
OFFICER_ACTIONS = {"receive", "claim", "forward", "approve", "refuse", "return_result",
                   "request_supplement", "receive_supplement", "hand_off", "extend"}


class DemoDossierTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.media = tempfile.mkdtemp(prefix="haicap-demo-test-")
        with override_settings(MEDIA_ROOT=cls.media, HAICAP_SANDBOX_LATENCY_MS=0):
            load_demo(citizens=CITIZENS, dossiers=0)
            cls.report = load_dossiers(Province.objects.get(code="48"), count=DOSSIERS,
                                       now=NOW)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, ignore_errors=True)

    def test_every_national_status_the_services_reach_is_represented(self):
        statuses = {NATIONAL_STATUS[Status(s)] for s in Dossier.objects.values_list("status",
                                                                                    flat=True)}
        assert statuses >= REACHABLE, REACHABLE - statuses
        assert Dossier.objects.filter(linked_from__isnull=True).count() == DOSSIERS

    def test_the_hai_chau_desk_and_specialist_have_work_in_their_queues(self):
        desk = User.objects.get(username="motcua.haichau")
        specialist = User.objects.get(username="chuyenvien.haichau")
        leader = User.objects.get(username="lanhdao.haichau")
        for officer in (desk, specialist, leader):
            assert Task.objects.active().filter(office=officer.office,
                                                role=officer.role).exists(), officer.username
        waiting = Dossier.objects.filter(status=Status.NEW, receiving_office=desk.office)
        assert waiting.exists()

    def test_some_dossiers_are_late_and_some_got_an_apology_with_a_new_date(self):
        late = Dossier.objects.filter(status=Status.RETURNED).late(NOW)
        assert late.exists()
        extension = Extension.objects.select_related("dossier").first()
        assert extension is not None and extension.new_due_at > extension.previous_due_at
        assert extension.dossier.due_at == extension.new_due_at
        assert not extension.dossier.is_late and extension.dossier.is_late_against_original

    def test_documents_are_small_real_files_scanned_and_stored_once_by_content(self):
        files = StoredFile.objects.exclude(document=None)
        assert files.count() >= DOSSIERS / 2
        assert not files.exclude(scan_status=ScanStatus.CLEAN).exists()
        for stored in files.select_related("document__dossier"):
            assert stored.created_at <= stored.attached_at <= NOW, stored.filename
            assert stored.created_at >= stored.document.dossier.submitted_at - timedelta(hours=1)
        storage = FileSystemStorage(location=self.media)
        names = set(files.values_list("storage_name", flat=True))
        assert len(names) <= len(FILE_HEADS)
        for name in names:
            with storage.open(name, "rb") as stored:
                assert stored.read(8).startswith(FILE_HEADS), name

    def test_the_suggested_citizen_has_dossiers_in_several_states_and_one_to_answer(self):
        citizen = self.report.citizen
        assert citizen.role == Role.CITIZEN and citizen.national_id
        mine = Dossier.objects.filter(applicant=citizen)
        assert mine.count() == self.report.citizen_dossiers >= 5
        assert len(set(mine.values_list("status", flat=True))) >= 5
        assert any(awaiting_supplement(dossier) for dossier in mine)
        tracked = mine.get(code=self.report.tracking_code)
        assert tracked.applicant_id_number == citizen.national_id

    def test_the_event_log_is_consistent_with_every_dossier(self):
        for dossier in Dossier.objects.prefetch_related("events"):
            events = list(dossier.events.all())
            assert events[0].action == "submit", dossier.code
            assert all(e.at <= NOW for e in events), dossier.code
            assert [e.at for e in events] == sorted(e.at for e in events), dossier.code
            assert events[-1].to_status == dossier.status, dossier.code
            if dossier.received_at:
                assert dossier.received_at >= dossier.submitted_at
            if dossier.finished_at:
                assert dossier.finished_at >= dossier.received_at, dossier.code

    def test_officers_act_in_office_hours_on_working_days_under_their_own_name(self):
        events = DossierEvent.objects.filter(action__in=OFFICER_ACTIONS)
        assert events.exists()
        for event in events:
            at = timezone.localtime(event.at)
            assert calendar.is_working_day(at), event
            assert any(opens <= at <= closes
                       for opens, closes in calendar.office_periods(at.date())), event
            assert event.actor_id is not None or event.actor.startswith("api:"), event

    def test_the_spread_covers_the_last_months_and_every_channel(self):
        first = Dossier.objects.order_by("submitted_at").first().submitted_at
        assert (NOW - first).days > 30
        channels = set(Dossier.objects.values_list("channel", flat=True))
        assert {Channel.ONLINE, Channel.IN_PERSON, Channel.API, Channel.LINKED} <= channels

    def test_a_birth_hands_off_to_permanent_residence(self):
        birth = Dossier.objects.filter(procedure__code="1.001193",
                                       linked_dossiers__isnull=False).first()
        assert birth is not None
        assert "1.004222" in {d.procedure.code for d in birth.linked_dossiers.all()}

    def test_the_clock_is_real_again_after_the_build(self):
        assert abs((timezone.now() - datetime.now(tz=ZoneInfo("UTC"))).total_seconds()) < 5

    def test_running_demo_again_adds_no_dossier(self):
        before = Dossier.objects.count()
        out = StringIO()
        call_command("demo", "--citizens", str(CITIZENS), "--dossiers", str(DOSSIERS),
                     stdout=out)
        assert Dossier.objects.count() == before
        assert "kept as they are" in out.getvalue()
        assert self.report.citizen.national_id in out.getvalue()

    def test_reset_removes_the_dossiers_before_the_offices_and_people_they_name(self):
        from haicap.feedback import demo as feedback_demo
        from haicap.feedback.models import Complaint, Rating

        province = Province.objects.get(code="48")
        feedback_demo.load(province)  # ratings and complaints name dossiers and people too
        assert Rating.objects.exists()
        removed = remove_demo(province)
        assert removed["dossiers"] > DOSSIERS
        assert not Rating.objects.exists() and not Complaint.objects.exists()
        assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
        assert not OutboxMessage.objects.exists() and not StoredFile.objects.exists()
        assert removed["offices"] > 0 and not User.objects.filter(role=Role.CITIZEN).exists()
