"""Demo dossiers: three months of one-stop work in the demo province.

Every dossier is made through the real services and engine verbs (submit, receive, claim,
forward, approve, hand off, return, supplement, refuse, apology), each at its own moment of
the last months with the clock set back (clock.py) and the acting officer or citizen as the
actor, so that events, tasks, timers, slips, documents and outbox messages all agree. A plan
says how far a dossier goes; a step whose time would be after "now" is not taken, so the
newest dossiers are naturally still open.

The first plans are a fixed showcase (every state, the Hải Châu queues, a citizen with several
dossiers, a linked chain); the rest are drawn from a seeded generator, weighted like real
one-stop work: a few procedures carry most dossiers, online ~45 %.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone

from haicap.catalog.models import Procedure
from haicap.catalog.selectors import published_procedures
from haicap.catalog.spec import StepKind
from haicap.core import audit
from haicap.core.context import ActorContext, actor_for_user, reset_actor, set_actor
from haicap.core.demo.clock import set_back_clock
from haicap.core.demo.files import content_for
from haicap.core.demo.load import DEMO_PARTNER_CODE, DEMO_PARTNER_NAME, DEMO_SEED
from haicap.core.models import Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.core.tokens import Caller, ensure_partner
from haicap.documents.models import StoredFile
from haicap.documents.services import store_upload
from haicap.dossiers import engine, services
from haicap.dossiers.deadlines import working_hours_between
from haicap.dossiers.models import Channel, Dossier, DossierEvent, OutboxMessage, Status, Task
from haicap.dossiers.supplements import submit_supplement
from haicap.units.models import Province
from haicap.worktime import calendar

# ~600 would be a busier quarter, but the whole `make demo` should stay around a minute.
DEFAULT_DOSSIERS = 400
HISTORY_DAYS = 90
DEMO_USER_AGENT = "haicap demo"

BIRTH = "1.001193"
HEALTH_INSURANCE = "1.014137"
# Dossiers a year per procedure, roughly as a city ward sees them: certified copies, births,
# marital status and residence carry most; the rest a few each (weight 1).
PROCEDURE_WEIGHTS = {
    "2.000815": 22,  # certified copies
    BIRTH: 14,
    "1.004873": 11,  # marital status certificate
    "1.004194": 9,   # temporary residence
    "1.004222": 7,   # permanent residence
    "2.000884": 6,   # signature certification
    "1.010041": 5,   # residence confirmation
    "2.000635": 5,   # copies of civil-status extracts
    "1.000894": 4,   # marriage
    "1.000656": 3,   # death
    "1.002755": 3,   # extension of temporary residence
    "1.001612": 3,   # household business registration
    HEALTH_INSURANCE: 2,
}
# The maternity ward (the demo partner system) files a share of the births through the API.
BIRTHS_BY_API = 0.4
ONLINE_SHARE = 0.45
POST_SHARE = 0.06
# Most dossiers at the communes whose logins the README lists; the rest spread by residents.
COMMUNE_SHARES = {"Phường Hải Châu": 0.3, "Phường Hội An": 0.15}
FILED_AT_ANOTHER_DESK = 0.1
FILED_AT_CENTRE = 0.08
APPLICANT_AGES = (20, 70)
PARENT_AGES = (20, 45)


class Ending(StrEnum):
    """How far a plan takes its dossier."""

    NEW = "new"                              # online, not received yet
    REFUSED = "refused"                      # refused at reception
    ASKED_BEFORE_RECEPTION = "asked_before"  # supplement asked before reception, waiting
    RECEIVED = "received"                    # received, nobody took it yet
    IN_APPRAISAL = "in_appraisal"            # a specialist claimed it
    AT_APPROVAL = "at_approval"              # forwarded to the leader
    WAITING_SUPPLEMENT = "waiting_supplement"
    SUPPLEMENT_SENT = "supplement_sent"      # the citizen answered online, not confirmed yet
    FINISHED = "finished"                    # result ready, not collected yet
    RETURNED = "returned"
    RETURNED_AFTER_SUPPLEMENT = "returned_after_supplement"
    LATE = "late"                            # finished after the appointment, returned
    EXTENDED = "extended"                    # apology and new date (form 04), then returned
    STOPPED = "stopped"                      # the leader refused at approval


OPEN_ENDINGS = {Ending.NEW: 5, Ending.RECEIVED: 3, Ending.IN_APPRAISAL: 6,
                Ending.AT_APPROVAL: 3, Ending.WAITING_SUPPLEMENT: 2,
                Ending.SUPPLEMENT_SENT: 1, Ending.ASKED_BEFORE_RECEPTION: 1,
                Ending.FINISHED: 3}
CLOSED_ENDINGS = {Ending.RETURNED: 64, Ending.RETURNED_AFTER_SUPPLEMENT: 7, Ending.LATE: 8,
                  Ending.EXTENDED: 4, Ending.STOPPED: 2, Ending.REFUSED: 3,
                  Ending.FINISHED: 2}
OPEN_SHARE = 0.2
CLAIMED_FIRST = 0.3
# Endings that need the applicant online (the desk acts before reception, or the citizen
# answers a supplement request from the portal).
ONLINE_ENDINGS = {Ending.NEW, Ending.REFUSED, Ending.ASKED_BEFORE_RECEPTION,
                  Ending.SUPPLEMENT_SENT}
SUPPLEMENT_ENDINGS = {Ending.WAITING_SUPPLEMENT, Ending.SUPPLEMENT_SENT,
                      Ending.RETURNED_AFTER_SUPPLEMENT}

REASONS = {
    "supplement": ("Ảnh chụp giấy tờ bị mờ, đề nghị gửi lại bản rõ nét.",
                   "Thiếu bản sao giấy tờ chứng minh nơi cư trú.",
                   "Thông tin trong tờ khai chưa khớp với giấy tờ kèm theo, đề nghị bổ sung."),
    "refuse": ("Hồ sơ đã được nộp và giải quyết trước đó.",
               "Yêu cầu không thuộc phạm vi giải quyết của thủ tục này."),
    "stop": ("Không đủ điều kiện theo quy định sau khi xác minh.",),
    "extend": ("Cần xác minh thêm thông tin với cơ quan liên quan.",),
    "answer": "Tôi gửi bổ sung giấy tờ theo yêu cầu.",
}


class _NotYet(Exception):
    """The plan's next step would be after now (or nobody holds it): the dossier stays."""


@dataclass
class Plan:
    procedure: str
    channel: str
    applicant: User
    ending: Ending
    submitted_at: datetime
    desk: Office | None = None  # the receiving desk of a desk channel
    linked: bool = False  # answers "yes" to the hand-offs (a birth → residence → insurance)


@dataclass
class DemoDossiers:
    """What the command prints: how many, and where to try them."""

    created: int = 0
    already_there: bool = False
    citizen: User | None = None
    citizen_dossiers: int = 0
    tracking_code: str = ""
    by_status: dict[str, int] = field(default_factory=dict)


# -- time ---------------------------------------------------------------------------------------

def later(moment: datetime, hours: float | Decimal) -> datetime:
    """`hours` office hours after `moment` (nights, weekends and holidays skipped)."""
    return calendar.add_working_hours(moment, Decimal(str(round(float(hours), 4))))


def working_days_before(now: datetime, days: int) -> list[date]:
    """The working days of the `days` calendar days before today, oldest first."""
    today = timezone.localtime(now).date()
    span = (today - timedelta(days=offset) for offset in range(days, 0, -1))
    return [day for day in span if calendar.is_working_day(day)]


def office_moment(rng: random.Random, day: date) -> datetime:
    opens, closes = rng.choice(calendar.office_periods(day))
    return opens + (closes - opens) * rng.uniform(0.02, 0.9)


def waking_moment(rng: random.Random, day: date) -> datetime:
    """When people file online: from 6:30 to 22:30, lunch and evenings included."""
    start = datetime.combine(day, time(6, 30), timezone.get_current_timezone())
    return start + timedelta(minutes=rng.randint(0, 16 * 60))


# -- planning -----------------------------------------------------------------------------------

class _Planner:
    def __init__(self, province: Province, rng: random.Random, now: datetime):
        self.province, self.rng, self.now = province, rng, now
        adults = (User.objects.filter(role=Role.CITIZEN, residence_commune__province=province,
                                      is_active=True).exclude(phone="")
                  .select_related("residence_commune").order_by("pk"))
        self.residents: dict[str, list[User]] = {}
        for person in adults:
            self.residents.setdefault(person.residence_commune.name, []).append(person)
        self.offices = {office.commune_id: office for office in
                        Office.objects.filter(kind=OfficeKind.COMMUNE, province=province)}
        self.centre = Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE,
                                            province=province).first()
        self.procedures = sorted(published_procedures().values_list("code", flat=True))
        self.procedure_weights = [PROCEDURE_WEIGHTS.get(code, 1) for code in self.procedures]
        self.days = working_days_before(now, HISTORY_DAYS)

    def has_people(self) -> bool:
        return bool(self.residents) and bool(self.days)

    def citizen_of(self, commune_name: str, ages=APPLICANT_AGES) -> User:
        people = self.residents.get(commune_name) or [p for group in self.residents.values()
                                                      for p in group]
        fitting = [p for p in people if p.date_of_birth and ages[0] <= self._age(p) <= ages[1]]
        return self.rng.choice(fitting or people)

    def _age(self, person: User) -> int:
        return self.now.year - person.date_of_birth.year

    def featured_citizen(self) -> User | None:
        """The citizen the demo output suggests: the first Hải Châu adult of working age."""
        people = self.residents.get("Phường Hải Châu") or []
        fitting = [p for p in people if 25 <= self._age(p) <= 60]
        return (fitting or people or [None])[0]

    def commune_name(self) -> str:
        draw = self.rng.random()
        for name, share in COMMUNE_SHARES.items():
            if draw < share and name in self.residents:
                return name
            draw -= share
        names = sorted(self.residents)
        return self.rng.choices(names, weights=[len(self.residents[n]) for n in names])[0]

    def random_plan(self) -> Plan:
        rng = self.rng
        procedure = rng.choices(self.procedures, weights=self.procedure_weights)[0]
        is_open = rng.random() < OPEN_SHARE
        ending = rng.choices(*zip(*(OPEN_ENDINGS if is_open else CLOSED_ENDINGS).items(),
                                  strict=True))[0]
        channel = self.channel(procedure, ending)
        days = self.days[-4:] if is_open else self.days[:-2] or self.days
        applicant = self.citizen_of(self.commune_name(),
                                    PARENT_AGES if procedure == BIRTH else APPLICANT_AGES)
        if ending == Ending.NEW:
            return self._new_online(procedure, applicant)
        return self.plan(procedure, channel, applicant, ending, rng.choice(days),
                         linked=procedure == BIRTH and rng.random() < 0.04)

    def channel(self, procedure: str, ending: Ending) -> str:
        draw = self.rng.random()
        if procedure == BIRTH and draw < BIRTHS_BY_API:
            return Channel.API
        if ending in ONLINE_ENDINGS or draw < ONLINE_SHARE:
            return Channel.ONLINE
        return Channel.POST if draw > 1 - POST_SHARE else Channel.IN_PERSON

    def plan(self, procedure: str, channel: str, applicant: User, ending: Ending, day: date,
             *, linked: bool = False, desk: Office | None = None) -> Plan:
        desk_channel = channel in services.RECEIVED_ON_SUBMISSION
        moment = (office_moment(self.rng, day) if desk_channel or channel == Channel.API
                  else waking_moment(self.rng, day))
        if desk_channel and desk is None:
            desk = self.desk_for(applicant, channel)
        return Plan(procedure=procedure, channel=channel, applicant=applicant, ending=ending,
                    submitted_at=min(moment, self.now), desk=desk, linked=linked)

    def desk_for(self, applicant: User, channel: str) -> Office:
        """Mostly the applicant's own commune; some file anywhere (another commune's desk or
        the province's centre, Decree 118/2025)."""
        home = self.offices[applicant.residence_commune_id]
        draw = self.rng.random()
        if channel == Channel.POST or draw >= FILED_AT_ANOTHER_DESK + FILED_AT_CENTRE:
            return home
        if draw < FILED_AT_CENTRE and self.centre is not None:
            return self.centre
        return self.rng.choice(sorted(self.offices.values(), key=lambda office: office.code))

    def showcase(self, citizen: User | None) -> list[Plan]:
        """Every state at Hải Châu (its desk, specialist and leader queues), the featured
        citizen's dossiers, a linked chain, a department-level dossier through the centre."""
        recent, older = self.days[-2], self.days[-25:-8] or self.days
        at = self.rng.choice
        hai_chau = "Phường Hải Châu"
        plans = []
        if citizen is not None:
            plans += [
                self.plan("1.004873", Channel.ONLINE, citizen, Ending.IN_APPRAISAL, recent),
                self.plan("1.004194", Channel.ONLINE, citizen, Ending.WAITING_SUPPLEMENT,
                          recent),
                self.plan("2.000815", Channel.ONLINE, citizen, Ending.RETURNED, at(older)),
                self.plan("1.010041", Channel.ONLINE, citizen, Ending.FINISHED, recent),
                self.plan("2.000884", Channel.ONLINE, citizen, Ending.REFUSED, at(older)),
                self._new_online("2.000635", citizen),
            ]
        someone = self.citizen_of
        plans += [
            self._new_online("1.004873", someone(hai_chau)),
            self.plan("2.000815", Channel.IN_PERSON, someone(hai_chau), Ending.RECEIVED, recent),
            self.plan("1.004222", Channel.IN_PERSON, someone(hai_chau), Ending.AT_APPROVAL,
                      recent),
            self.plan("1.004194", Channel.ONLINE, someone(hai_chau), Ending.SUPPLEMENT_SENT,
                      recent),
            self.plan("1.010041", Channel.ONLINE, someone(hai_chau),
                      Ending.ASKED_BEFORE_RECEPTION, recent),
            self.plan("1.004873", Channel.IN_PERSON, someone(hai_chau), Ending.FINISHED, recent),
            self.plan("1.004873", Channel.IN_PERSON, someone(hai_chau), Ending.LATE, at(older)),
            self.plan("1.004194", Channel.POST, someone(hai_chau), Ending.EXTENDED, at(older)),
            self.plan("1.004222", Channel.IN_PERSON, someone(hai_chau), Ending.STOPPED,
                      at(older)),
            self.plan("2.000815", Channel.ONLINE, someone(hai_chau),
                      Ending.RETURNED_AFTER_SUPPLEMENT, at(older)),
            self.plan(BIRTH, Channel.API, someone(hai_chau, PARENT_AGES), Ending.RETURNED,
                      at(older), linked=True),
            self.plan("2.000815", Channel.IN_PERSON, someone("Phường Hội An"),
                      Ending.IN_APPRAISAL, recent),
            self._new_online("1.004194", someone("Phường Hội An")),
        ]
        if self.centre is not None:
            plans.append(self.plan(HEALTH_INSURANCE, Channel.IN_PERSON,
                                   someone(hai_chau, PARENT_AGES), Ending.RETURNED, at(older),
                                   desk=self.centre))
        return plans

    def _new_online(self, procedure: str, applicant: User) -> Plan:
        moment = self.now - timedelta(minutes=self.rng.randint(30, 30 * 60))
        return Plan(procedure=procedure, channel=Channel.ONLINE, applicant=applicant,
                    ending=Ending.NEW, submitted_at=moment)


# -- forms and documents ------------------------------------------------------------------------

def applicant_of(person: User, province: Province) -> services.Applicant:
    address = f"{person.address_street}, {person.residence_commune.name}, {province.name}"
    return services.Applicant(id_number=person.national_id, full_name=person.full_name,
                              address=address, phone=person.phone)


def form_for(plan: Plan, spec, applicant: services.Applicant, rng: random.Random) -> dict:
    """The procedure's example form with the applicant's own details, dates before the
    submission, and the hand-offs answered as the plan says."""
    form = dict(spec.example.body(plan.procedure)["form"])
    mine = {"applicant_full_name": applicant.full_name,
            "applicant_national_id": applicant.id_number,
            "applicant_phone": applicant.phone, "applicant_address": applicant.address,
            "applicant_email": "", "permanent_residence_address": applicant.address,
            "permanent_address": applicant.address}
    form.update({key: value for key, value in mine.items() if key in form})
    form.pop("applicant_email", None)
    submitted = timezone.localtime(plan.submitted_at).date()
    for key, value in form.items():
        if key.endswith("_date") and isinstance(value, str) and value[:10] > str(submitted):
            form[key] = str(submitted - timedelta(days=rng.randint(3, 40)))
    if plan.procedure == BIRTH and plan.applicant.gender == "female":
        form.update({"mother_full_name": applicant.full_name,
                     "mother_national_id": applicant.id_number})
    # A linked plan says yes to the first hand-off only (a birth → permanent residence); the
    # linked dossier's own hand-offs go on from there (→ the child's health insurance card).
    handoffs = [step for step in spec.workflow.steps if step.kind == StepKind.HANDOFF]
    for number, step in enumerate(handoffs):
        form.update({name: plan.linked and number == 0 for name in step.uses_fields
                     if isinstance(form.get(name), bool)})
    return form


def upload_documents(spec, procedure: str, uploader) -> dict:
    """The example's documents, each a small real file stored through the upload service."""
    documents = {}
    for name, descriptor in spec.example.body(procedure)["documents"].items():
        content_type = descriptor.get("content_type", "application/pdf")
        stored = store_upload(content_for(content_type), uploader=uploader,
                              filename=descriptor.get("filename", f"{name}.pdf"),
                              content_type=content_type)
        documents[name] = {**descriptor, "upload_id": str(stored.pk)}
    return documents


# -- acting -------------------------------------------------------------------------------------

class _Runner:
    def __init__(self, province: Province, clock, now: datetime, rng: random.Random):
        self.province, self.clock, self.now, self.rng = province, clock, now, rng
        self.partner = ensure_partner(code=DEMO_PARTNER_CODE, name=DEMO_PARTNER_NAME)
        self.officers: dict[tuple[int, str], User] = {}
        self.by_id: dict[int, User] = {}
        for officer in (User.objects.filter(office__province=province, is_active=True)
                        .exclude(role=Role.CITIZEN).select_related("office").order_by("pk")):
            self.officers.setdefault((officer.office_id, officer.role), officer)
            self.by_id[officer.pk] = officer
        self.linked: list[tuple[Dossier, datetime]] = []
        self.specs: dict = {}

    def spec(self, code: str):
        if code not in self.specs:
            self.specs[code] = Procedure.objects.get(code=code).current_version.spec
        return self.specs[code]

    def officer(self, office_id: int, role: str) -> User:
        officer = self.officers.get((office_id, role))
        if officer is None:
            raise _NotYet
        return officer

    def act(self, moment: datetime, who, call: Callable, **arguments):
        """Run one service call at `moment` as `who` (an officer, a citizen, the partner)."""
        if moment > self.now:
            raise _NotYet
        self.clock.set(moment)
        base = ActorContext(actor_id=None, actor=DEMO_USER_AGENT, user_agent=DEMO_USER_AGENT)
        actor = (ActorContext(actor_id=None, actor=f"api:{who.code}",
                              user_agent=DEMO_USER_AGENT)
                 if who is self.partner else actor_for_user(who, base))
        token = set_actor(actor)
        try:
            return call(**arguments)
        finally:
            reset_actor(token)

    def on_task(self, moment: datetime, dossier: Dossier, verb: Callable, **arguments):
        """An engine verb on the dossier's open step, by the officer holding it."""
        task = Task.objects.active().get(dossier=dossier)
        officer = self.by_id.get(task.assignee_id) or self.officer(task.office_id, task.role)
        return self.act(moment, officer, verb, officer=officer, task=task,
                        lock_version=self.lock_version(dossier), **arguments)

    @staticmethod
    def lock_version(dossier: Dossier) -> int:
        return Dossier.objects.values_list("lock_version", flat=True).get(pk=dossier.pk)

    def run(self, plan: Plan) -> None:
        try:
            dossier = self.submit(plan)
            if dossier.status != Status.NEW or self.reception(plan, dossier):
                self.work(plan, dossier, dossier.received_at)
        except _NotYet:
            pass

    def submit(self, plan: Plan) -> Dossier:
        spec = self.spec(plan.procedure)
        applicant = applicant_of(plan.applicant, self.province)
        desk_officer = (self.officer(plan.desk.pk, Role.DESK_OFFICER)
                        if plan.desk is not None else None)
        if plan.channel == Channel.API:
            who, uploader = self.partner, Caller(partner=self.partner)
        elif desk_officer is not None:
            who, uploader = desk_officer, desk_officer
        else:
            who, uploader = plan.applicant, plan.applicant
        self.clock.set(plan.submitted_at)  # example dates (a child's birth) come before it
        form = form_for(plan, spec, applicant, self.rng)
        documents = self.act(plan.submitted_at, who, upload_documents, spec=spec,
                             procedure=plan.procedure, uploader=uploader)
        submission = self.act(
            plan.submitted_at, who, services.submit_dossier, procedure_code=plan.procedure,
            channel=plan.channel, applicant=applicant, form=form, documents=documents,
            receiving_office=plan.desk, submitted_by=None if who is self.partner else who,
            idempotency_key=str(uuid.UUID(int=self.rng.getrandbits(128)))
            if plan.channel == Channel.API else "",
            idempotency_client=self.partner.code if plan.channel == Channel.API else "")
        return submission.dossier

    def reception(self, plan: Plan, dossier: Dossier) -> bool:
        """An online or API dossier at the desk: received, refused, or asked to complete
        first. True when it was received."""
        if plan.ending == Ending.NEW:
            return False
        desk = self.officer(dossier.receiving_office_id, Role.DESK_OFFICER)
        moment = later(dossier.submitted_at, self.rng.uniform(0.2, 5))
        if plan.ending == Ending.REFUSED:
            self.act(moment, desk, engine.refuse, officer=desk, dossier=dossier,
                     lock_version=dossier.lock_version,
                     reason=self.rng.choice(REASONS["refuse"]))
            return False
        if plan.ending == Ending.ASKED_BEFORE_RECEPTION:
            self.act(moment, desk, engine.request_supplement, officer=desk, dossier=dossier,
                     lock_version=dossier.lock_version,
                     reason=self.rng.choice(REASONS["supplement"]))
            return False
        self.act(moment, desk, services.receive_dossier, officer=desk, dossier=dossier,
                 lock_version=dossier.lock_version)
        dossier.refresh_from_db()
        return True

    def result_time(self, ending: Ending, start: datetime, due: datetime) -> datetime:
        """When the result is ready: on time before the appointment; late or apologized for,
        some office hours after it."""
        if ending == Ending.LATE:
            return later(due, self.rng.uniform(1.5, 20))
        if ending == Ending.EXTENDED:
            return later(due, self.rng.uniform(1, 6))
        hours = working_hours_between(start, due)
        return later(start, max(float(hours) * self.rng.uniform(0.45, 0.92), 0.3))

    def work(self, plan: Plan, dossier: Dossier, start: datetime) -> None:
        """From reception to the result handed over, stopping where the plan ends."""
        ending, rng = plan.ending, self.rng
        if ending == Ending.RECEIVED:
            return
        ready = self.result_time(ending, start, dossier.due_at)
        span = float(working_hours_between(start, ready))
        claimed = later(start, span * rng.uniform(0.03, 0.15))
        # Many specialists forward straight from the unit's queue without claiming first.
        if ending == Ending.IN_APPRAISAL or rng.random() < CLAIMED_FIRST:
            self.on_task(claimed, dossier, engine.claim_task)
        if ending in SUPPLEMENT_ENDINGS:
            start = self.supplement(plan, dossier, later(claimed, span * 0.1))
            dossier.refresh_from_db()
            ready = self.result_time(ending, start, dossier.due_at)
            span = float(working_hours_between(start, ready))
        if ending == Ending.IN_APPRAISAL:
            return
        # One still at approval was appraised soon after reception; the others in their time.
        forwarded = (later(claimed, rng.uniform(0.5, 3)) if ending == Ending.AT_APPROVAL
                     else later(start, span * rng.uniform(0.35, 0.6)))
        self.on_task(forwarded, dossier, engine.forward)
        if ending == Ending.AT_APPROVAL:
            return
        if ending == Ending.EXTENDED:
            self.extend(dossier, start)
        if ending == Ending.STOPPED:
            self.on_task(ready, dossier, engine.refuse, reason=rng.choice(REASONS["stop"]))
            return
        self.on_task(ready, dossier, engine.approve)
        self.after_result(plan, dossier, ready)

    def after_result(self, plan: Plan, dossier: Dossier, moment: datetime) -> None:
        """Hand-offs right after the decision, then the desk hands the result over."""
        while (task := Task.objects.active().filter(dossier=dossier).first()) is not None:
            kind = dossier.procedure_version.spec.workflow.step(task.step_key).kind
            if kind == StepKind.RETURN:
                if plan.ending == Ending.FINISHED:
                    return
                moment = later(moment, self.rng.uniform(0.5, 24))
                self.on_task(moment, dossier, engine.return_result)
                return
            moment = later(moment, self.rng.uniform(0.05, 0.4))
            if kind == StepKind.HANDOFF:
                linked = self.on_task(moment, dossier, engine.hand_off)
                if linked is not None:
                    self.linked.append((linked, moment))
            else:
                self.on_task(moment, dossier, engine.forward)

    def supplement(self, plan: Plan, dossier: Dossier, asked: datetime) -> datetime:
        """The specialist asks (form 02); the citizen answers online or brings the papers;
        the desk confirms and the clock runs again. The moment it runs again."""
        rng = self.rng
        self.on_task(asked, dossier, engine.request_supplement,
                     reason=rng.choice(REASONS["supplement"]))
        answered = later(asked, rng.uniform(2, 30))
        if dossier.applicant_id is not None and plan.ending != Ending.WAITING_SUPPLEMENT:
            documents = self.act(answered, plan.applicant, upload_documents_for_supplement,
                                 citizen=plan.applicant)
            self.act(answered, plan.applicant, submit_supplement, citizen=plan.applicant,
                     dossier=dossier, documents=documents, note=REASONS["answer"])
        if plan.ending != Ending.RETURNED_AFTER_SUPPLEMENT:
            raise _NotYet
        confirmed = later(answered, rng.uniform(0.3, 6))
        desk = self.officer(dossier.receiving_office_id, Role.DESK_OFFICER)
        dossier.refresh_from_db()
        self.act(confirmed, desk, engine.receive_supplement, officer=desk, dossier=dossier,
                 lock_version=dossier.lock_version)
        return confirmed

    def extend(self, dossier: Dossier, start: datetime) -> None:
        """The competent unit's leader apologizes before the appointment (form 04)."""
        dossier.refresh_from_db()
        leader = self.officer(dossier.competent_office_id, Role.LEADER)
        moment = later(start, float(working_hours_between(start, dossier.due_at)) * 0.85)
        new_due = calendar.office_periods(calendar.add_working_days(dossier.due_at, 3))[-1][1]
        self.act(moment, leader, engine.extend_with_apology, officer=leader, dossier=dossier,
                 lock_version=dossier.lock_version, new_due_at=new_due,
                 reason=self.rng.choice(REASONS["extend"]))

    def run_linked(self) -> int:
        """Linked dossiers started by hand-offs: received by their unit's desk and worked
        through like the others (they may hand off again)."""
        done = 0
        while self.linked:
            dossier, started = self.linked.pop(0)
            done += 1
            plan = Plan(procedure=dossier.procedure.code, channel=Channel.LINKED,
                        applicant=dossier.applicant, ending=Ending.RETURNED,
                        submitted_at=started, linked=True)
            try:
                desk = self.officer(dossier.receiving_office_id, Role.DESK_OFFICER)
                moment = later(started, self.rng.uniform(0.5, 6))
                self.act(moment, desk, services.receive_dossier, officer=desk,
                         dossier=dossier, lock_version=dossier.lock_version)
                dossier.refresh_from_db()
                self.work(plan, dossier, dossier.received_at)
            except _NotYet:
                pass
        return done


def upload_documents_for_supplement(*, citizen: User) -> dict:
    stored = store_upload(content_for("image/png"), uploader=citizen,
                          filename="anh-chup-bo-sung.png", content_type="image/png")
    return {"supplement": {"filename": stored.filename, "content_type": stored.content_type,
                           "upload_id": str(stored.pk)}}


# -- the whole run ------------------------------------------------------------------------------

def demo_dossiers(province: Province):
    return Dossier.objects.filter(province=province)


def load_dossiers(province: Province, *, count: int = DEFAULT_DOSSIERS, seed: int = DEMO_SEED,
                  now: datetime | None = None) -> DemoDossiers:
    """Make `count` demo dossiers (and the linked ones their hand-offs start), once: when the
    province has dossiers already, they are kept. One transaction."""
    now = now or timezone.now()
    report = DemoDossiers()
    if demo_dossiers(province).exists():
        report.already_there = True
    elif count > 0:
        _generate(province, count, seed, now, report)
    _describe(province, report)
    return report


def _generate(province: Province, count: int, seed: int, now: datetime,
              report: DemoDossiers) -> None:
    rng = random.Random(f"{seed}-dossiers")
    planner = _Planner(province, rng, now)
    if not planner.has_people():
        return
    # The sandbox scanner still scans each upload, without the simulated network delay.
    with (override_settings(HAICAP_SANDBOX_LATENCY_MS=0, HAICAP_SANDBOX_FAILURE_RATE=0.0),
          set_back_clock() as clock, transaction.atomic()):
        runner = _Runner(province, clock, now, rng)
        plans = planner.showcase(planner.featured_citizen())[:count]
        plans += [planner.random_plan() for _ in range(count - len(plans))]
        # In the order they came in, so that each office's codes rise with time.
        for plan in sorted(plans, key=lambda plan: plan.submitted_at):
            runner.run(plan)
        linked = runner.run_linked()
        report.created = len(plans) + linked
        clock.set(now)
        audit.record("demo.dossiers", object_type="units.province", object_id=province.code,
                     summary=f"{report.created} demo dossiers")


def _describe(province: Province, report: DemoDossiers) -> None:
    """Counts by status, and the citizen with the most dossiers (the showcase's) to sign in
    as, with one of their dossiers to track."""
    dossiers = demo_dossiers(province)
    counts = dict(dossiers.values_list("status").annotate(n=Count("id")).order_by())
    report.by_status = {status: counts.get(status, 0) for status in Status.values}
    busiest = (dossiers.filter(applicant__isnull=False).values("applicant")
               .annotate(n=Count("id")).order_by("-n", "applicant").first())
    if busiest is None:
        return
    report.citizen = User.objects.get(pk=busiest["applicant"])
    mine = dossiers.filter(applicant=report.citizen)
    report.citizen_dossiers = mine.count()
    tracked = mine.filter(status__in=[Status.IN_PROCESS, Status.RECEIVED]).first() or mine.first()
    report.tracking_code = tracked.code


def remove_dossiers(province: Province, office_codes: list[str]) -> int:
    """Before the demo's offices and people go (`--reset`): the province's dossiers with their
    events, files and outbox messages, and uploads the demo's people left unattached."""
    dossiers = demo_dossiers(province)
    StoredFile.objects.filter(
        Q(document__dossier__province=province) | Q(office__code__in=office_codes)
        | Q(uploaded_by__office__code__in=office_codes)
        | Q(uploaded_by__role=Role.CITIZEN, uploaded_by__residence_commune__province=province)
    ).delete()
    from haicap.feedback.models import Complaint, Rating

    Rating.objects.filter(dossier__province=province).delete()
    Complaint.objects.filter(dossier__province=province).delete()
    DossierEvent.objects.filter(dossier__province=province).delete()
    OutboxMessage.objects.filter(subject__in=dossiers.values("code")).delete()
    dossiers.exclude(linked_from=None).update(linked_from=None)
    return dossiers.delete()[1].get(Dossier._meta.label, 0)
