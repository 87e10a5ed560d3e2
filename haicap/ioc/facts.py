"""The fold: a dossier's events, in order, make its fact. Rebuild and incremental refresh both
call `fold`, so they agree by construction (docs/adr/0011-kpi-facts.md).

Definitions (Decision 766/QĐ-TTg, Circular 03/2025/TT-VPCP), as the fold applies them:

- The appointment is slip 01's (`receive` event, data.due_at). A supplement pause moves it
  (`receive_supplement`, data.due_at): supplement time is not counted.
- An apology extension (`extend`) moves only the current appointment (`due_at`); the original
  stays. The law asks for an apology because the date is missed: a dossier with an apology
  slip is counted LATE, whenever it then finishes.
- The law allows one supplement request: a dossier with more than one counts late.
- On time = finished (the first event putting it in status finished or returned) no later than
  the original appointment, with no apology and at most one supplement request. Late
  otherwise. A dossier not finished is neither (it is in the backlog).
- Ratings (`rate`): the latest of a dossier counts. Complaints (`complain`): each counts.
- Days are local (Asia/Ho_Chi_Minh) calendar days of the event that sets them.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from haicap.dossiers.models import NATIONAL_STATUS, Status

FINISHED_STATUSES = (Status.FINISHED, Status.RETURNED)
CLOSED_STATUSES = (Status.REFUSED, Status.STOPPED, Status.WITHDRAWN)


@dataclass(frozen=True)
class DossierDims:
    """What the fold needs of the dossier row itself: its fixed dimensions and documents."""

    dossier_id: int
    province_id: str
    office_id: int  # the competent office
    receiving_office_id: int
    procedure_id: int
    channel: str
    submitted_at: datetime
    documents: int
    hashed_documents: int


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    action: str
    to_status: str
    note: str
    data: dict


@dataclass
class Fact:
    """The fields of models.DossierFact, in the same names."""

    dossier_id: int
    province_id: str
    office_id: int
    receiving_office_id: int
    procedure_id: int
    channel: str
    status: str
    national_status: int
    submitted_at: datetime
    submitted_day: date
    received_at: datetime | None = None
    received_day: date | None = None
    original_due_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    finished_day: date | None = None
    returned_at: datetime | None = None
    returned_day: date | None = None
    closed_day: date | None = None
    supplements: int = 0
    extensions: int = 0
    late: bool | None = None
    on_time: bool | None = None
    ratings: int = 0
    rating_sum: int = 0
    complaints: int = 0
    signed: bool = False
    paid: bool = False
    paid_online: bool = False
    documents: int = 0
    digitized: bool = False
    last_event_id: int = 0

    def as_dict(self) -> dict:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def fold(dims: DossierDims, events: list[Event]) -> Fact:
    """The dossier's fact from its events in the order they happened (ids ascending)."""
    fact = Fact(dossier_id=dims.dossier_id, province_id=dims.province_id,
                office_id=dims.office_id, receiving_office_id=dims.receiving_office_id,
                procedure_id=dims.procedure_id, channel=dims.channel, status=Status.NEW,
                national_status=int(NATIONAL_STATUS[Status.NEW]),
                submitted_at=dims.submitted_at, submitted_day=_day(dims.submitted_at),
                documents=dims.documents,
                digitized=dims.documents > 0 and dims.hashed_documents == dims.documents)
    for event in events:
        _apply(fact, event)
    _settle(fact)
    return fact


def _apply(fact: Fact, event: Event) -> None:
    step = _STEPS.get(event.action)
    if step is not None:
        step(fact, event)
    fact.status = event.to_status or fact.status
    fact.national_status = int(NATIONAL_STATUS.get(fact.status, NATIONAL_STATUS[Status.NEW]))
    if fact.status in FINISHED_STATUSES and fact.finished_at is None:
        fact.finished_at, fact.finished_day = event.at, _day(event.at)
    if fact.status == Status.RETURNED and fact.returned_at is None:
        fact.returned_at, fact.returned_day = event.at, _day(event.at)
    if fact.status in CLOSED_STATUSES and fact.closed_day is None:
        fact.closed_day = _day(event.at)
    fact.last_event_id = max(fact.last_event_id, event.id)


def _submit(fact: Fact, event: Event) -> None:
    # The channel the log names wins over the row's (they agree; the log is the source).
    fact.channel = event.note or fact.channel
    fact.submitted_at, fact.submitted_day = event.at, _day(event.at)


def _receive(fact: Fact, event: Event) -> None:
    if fact.received_at is None:
        fact.received_at, fact.received_day = event.at, _day(event.at)
    due = _moment(event.data.get("due_at"))
    fact.original_due_at = fact.due_at = due


def _request_supplement(fact: Fact, event: Event) -> None:
    fact.supplements += 1


def _receive_supplement(fact: Fact, event: Event) -> None:
    due = _moment(event.data.get("due_at"))
    if due is None:  # asked before reception: the clock had not started
        return
    if fact.extensions == 0:
        fact.original_due_at = due
    # After an apology the dossier is late whatever happens: the original stays as it was.
    fact.due_at = due


def _extend(fact: Fact, event: Event) -> None:
    fact.extensions += 1
    fact.due_at = _moment(event.data.get("due_at")) or fact.due_at


def _sign(fact: Fact, event: Event) -> None:
    fact.signed = True


def _rate(fact: Fact, event: Event) -> None:
    # A second rating within the feedback app's change window replaces the first: the
    # latest counts, one rating per dossier.
    score = event.data.get("score")
    if isinstance(score, int) and 1 <= score <= 5:
        fact.ratings, fact.rating_sum = 1, score


def _complain(fact: Fact, event: Event) -> None:
    fact.complaints += 1


def _pay(fact: Fact, event: Event) -> None:
    fact.paid = True
    if event.data.get("method") == "online":
        fact.paid_online = True


_STEPS = {
    "submit": _submit,
    "receive": _receive,
    "request_supplement": _request_supplement,
    "receive_supplement": _receive_supplement,
    "extend": _extend,
    "sign": _sign,
    "rate": _rate,
    "complain": _complain,
    "pay": _pay,
}


def _settle(fact: Fact) -> None:
    """Late or on time, once finished (the rules in the module docstring)."""
    if fact.finished_at is None:
        return
    missed = fact.original_due_at is not None and fact.finished_at > fact.original_due_at
    fact.late = missed or fact.extensions > 0 or fact.supplements > 1
    fact.on_time = not fact.late


def _day(moment: datetime) -> date:
    """The day in the country's zone (settings.TIME_ZONE), whichever zone is active."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def _moment(text) -> datetime | None:
    if not text:
        return None
    return parse_datetime(text) if isinstance(text, str) else text


DAY_FIELDS = ("submitted_day", "received_day", "finished_day", "returned_day", "closed_day")


def daily_keys(fact: Fact | None) -> set:
    """The DailyFact keys (office, procedure, channel, day) a fact counts in."""
    if fact is None:
        return set()
    return {(fact.office_id, fact.procedure_id, fact.channel, day)
            for day in (getattr(fact, name) for name in DAY_FIELDS) if day is not None}
