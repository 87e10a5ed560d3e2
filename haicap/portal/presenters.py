"""A dossier in its applicant's words: what the status means for them, what happened so far,
which slips they may download. No officer's name appears: a citizen deals with units."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haicap.dossiers.models import RUNNING_STATUSES, Dossier, Status

LATE, DUE_SOON = "late", "soon"
DATE_TIME = "H:i d/m/Y"

# What the status means for the applicant and what comes next.
NEXT_STEP = {
    Status.NEW: gettext_lazy(
        "A one-stop desk will check your dossier and receive it. You then get the date your "
        "result will be ready."),
    Status.RECEIVED: gettext_lazy(
        "Your dossier has been received and goes to the unit that decides on it."),
    Status.IN_PROCESS: gettext_lazy("The competent unit is working on your dossier."),
    Status.WAITING_SUPPLEMENT: gettext_lazy(
        "Some documents are missing. Send them below; the time limit is paused until then."),
    Status.WAITING_PAYMENT: gettext_lazy("The fee has to be paid before work continues."),
    Status.REFUSED: gettext_lazy(
        "Your dossier was refused. The reasons are in the history and in the refusal slip."),
    Status.WITHDRAWN: gettext_lazy("You withdrew this dossier."),
    Status.STOPPED: gettext_lazy("Work on this dossier was stopped."),
    Status.FINISHED: gettext_lazy("Your result is ready."),
    Status.RETURNED: gettext_lazy("Your result has been handed over."),
}

SUPPLEMENT_SENT = gettext_lazy(
    "You sent the documents asked for; the desk is checking them. The time limit stays paused "
    "until it confirms.")

# Each event of the log in the applicant's words; `%(office)s` is where it happened or went.
EVENT_WORDS = {
    "submit": gettext_lazy("Dossier filed: %(channel)s"),
    "receive": gettext_lazy("Received by %(office)s"),
    "forward": gettext_lazy("Passed on to %(office)s"),
    "approve": gettext_lazy("The decision was approved"),
    "sign": gettext_lazy("The result was signed"),
    "finish": gettext_lazy("The result is ready"),
    "send_back": gettext_lazy("Sent back a step to be checked again"),
    "request_supplement": gettext_lazy("Documents requested from you"),
    "supplement_submitted": gettext_lazy("You sent the requested documents"),
    "receive_supplement": gettext_lazy("Your documents were accepted; work continues"),
    "refuse": gettext_lazy("The dossier was refused"),
    "return_result": gettext_lazy("Result handed over"),
    "hand_off": gettext_lazy("A linked procedure was started for you"),
    "extend": gettext_lazy("Apology: new appointment %(due)s"),
    "withdraw": gettext_lazy("The dossier was withdrawn"),
    "rate": gettext_lazy("You rated the service"),
    "complain": gettext_lazy("You sent a complaint or suggestion"),
    "answer_complaint": gettext_lazy("Your complaint was answered"),
}
# Internal moves the applicant need not follow.
HIDDEN_EVENTS = {"claim"}
# Notes written for the applicant (reasons, their own note); other notes are officers' own.
APPLICANT_NOTES = {"request_supplement", "supplement_submitted", "refuse", "extend",
                   "withdraw"}

# The slips an applicant may download, and the event that makes each exist.
SLIPS = (
    ("01", "receive", gettext_lazy("Receipt and appointment slip")),
    ("02", "request_supplement", gettext_lazy("Supplement request")),
    ("03", "refuse", gettext_lazy("Refusal slip")),
    ("04", "extend", gettext_lazy("Apology and new appointment")),
)
SLIP_FORMS = tuple(form for form, _event, _title in SLIPS)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    title: str
    detail: str = ""


@dataclass(frozen=True)
class DocumentRow:
    name: str
    size: int | None
    url: str  # the document viewer, "" when no file is kept (a descriptor, a refused upload)


@dataclass(frozen=True)
class SlipLink:
    form: str
    title: str
    pdf_url: str
    html_url: str


def badge(dossier: Dossier, now: datetime, soon_limit: datetime) -> str:
    """"late" (past the appointment, or finished after it), "soon" (due by the close of the
    next working day) or ""."""
    if dossier.is_late:
        return LATE
    due = dossier.due_at
    if dossier.status in RUNNING_STATUSES and due is not None and now <= due <= soon_limit:
        return DUE_SOON
    return ""


def next_step(dossier: Dossier, supplement_sent: bool) -> str:
    """What the status means for the applicant now."""
    if dossier.status == Status.WAITING_SUPPLEMENT and supplement_sent:
        return str(SUPPLEMENT_SENT)
    return str(NEXT_STEP[Status(dossier.status)])


def document_rows(documents) -> list[DocumentRow]:
    """The dossier's documents, each linked to its viewer when its file is kept."""
    rows = []
    for document in documents:
        stored = getattr(document, "stored_file", None)  # None: no upload behind it
        url = (reverse("documents:citizen_viewer", args=[stored.pk])
               if stored is not None and stored.storage_name else "")
        rows.append(DocumentRow(document.filename or document.field_name, document.size, url))
    return rows


def history(dossier: Dossier, events, offices: dict) -> list[HistoryEntry]:
    """The event log, oldest first, as the applicant reads it."""
    entries = []
    for event in events:
        if event.action in HIDDEN_EVENTS:
            continue
        office = offices.get(event.data.get("to_office")) or offices.get(event.office_id)
        words = EVENT_WORDS.get(event.action)
        if words is None:
            title = _("Status: %(status)s") % {"status": Status(event.to_status).label}
        else:
            title = words % {"office": office.name if office else _("the unit"),
                             "channel": dossier.get_channel_display(),
                             "due": _moment(event.data.get("due_at"))}
        detail = event.note if event.action in APPLICANT_NOTES else ""
        entries.append(HistoryEntry(at=event.at, title=title, detail=detail))
    return entries


def slip_links(dossier: Dossier, events) -> list[SlipLink]:
    """The slips issued for the dossier so far (each exists once its event happened)."""
    happened = {event.action for event in events}
    return [SlipLink(form, str(title), _slip_url(dossier, form, "pdf"),
                     _slip_url(dossier, form, "html"))
            for form, event, title in SLIPS if event in happened]


def _slip_url(dossier: Dossier, form: str, fmt: str) -> str:
    return reverse("portal:my_slip", kwargs={"code": dossier.code, "form": form, "fmt": fmt})


def _moment(value: str | None) -> str:
    if not value:
        return ""
    return format_date(timezone.localtime(datetime.fromisoformat(value)), DATE_TIME)
