"""The workflow engine: a dossier's versioned workflow as tasks in units' queues, and the actions
officers take on them.

Each action is one named verb and one transaction: the dossier row is locked and its
`lock_version` checked (a stale one is 409 `dossier_changed`: of two officers acting at once,
exactly one wins), then one event-log row, which doubles as the process control sheet entry
(form 06: the hand-over from a unit and step to the next, with times), one outbox message and
one audit entry. Only the officer whose role and unit hold the task may act on it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.catalog.selectors import procedure_by_code
from haicap.catalog.spec import Level, Produces, Step, StepAction, StepKind
from haicap.core import audit
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import Office, User
from haicap.core.roles import OfficeKind, Role
from haicap.dossiers import deadlines, timers
from haicap.dossiers import services as dossier_services
from haicap.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    Dossier,
    Extension,
    Status,
    SupplementRequest,
    Task,
    TaskStatus,
)
from haicap.dossiers.routing import competent_office, reception_desk

# Statuses in which officers work on a dossier's tasks.
WORKING = (Status.RECEIVED, Status.IN_PROCESS)


# -- opening tasks ---------------------------------------------------------------------------------

def open_first_task(dossier: Dossier) -> Task | None:
    """At reception: the receive step is done, the next step's task opens (the first step's
    own task when a workflow does not start with reception)."""
    workflow = dossier.procedure_version.spec.workflow
    first = workflow.steps[0]
    if first.kind == StepKind.RECEIVE:
        if not first.next:
            return None
        first = workflow.step(first.next[0])
    start = max(timezone.now(), dossier.counting_start or timezone.now())
    return _open_task(dossier, first, start)


def unit_for(dossier: Dossier, step: Step) -> Office:
    """The office whose queue holds a step: commune steps at the competent commune (reception
    and return at the desk that received the dossier), province steps at the competent
    department or the province's one-stop centre (file anywhere, routing.py)."""
    competent, receiving = dossier.competent_office, dossier.receiving_office
    if step.unit_level == Level.COMMUNE:
        at_desk = step.kind in (StepKind.RECEIVE, StepKind.RETURN)
        if at_desk and receiving.kind == OfficeKind.COMMUNE:
            return receiving
        if competent.kind == OfficeKind.COMMUNE:
            return competent
        if receiving.kind == OfficeKind.COMMUNE:
            return receiving
        office = Office.objects.filter(kind=OfficeKind.COMMUNE,
                                       commune=dossier.applicant_commune_id).first()
        return office or competent
    if step.unit_level == Level.PROVINCE_CENTRE:
        centre = Office.objects.filter(kind=OfficeKind.ONE_STOP_CENTRE,
                                       province=dossier.province_id).first()
        return centre or competent
    return competent


def _open_task(dossier: Dossier, step: Step, start: datetime) -> Task:
    deadline = dossier.procedure_version.spec.deadline
    hours = deadlines.step_hours(deadline, step.share)
    task = Task.objects.create(
        dossier=dossier, procedure_id=dossier.procedure_id, step_key=step.key,
        step_name=step.name[:500],
        role=step.role or Role.SPECIALIST, office=unit_for(dossier, step),
        created_at=timezone.now(), due_at=deadlines.step_due(deadline, step.share, start))
    timers.schedule_for(task, start, hours)
    return task


def control_sheet(*, step: str, from_office: Office | None, task: Task | None = None,
                  done: Task | None = None, at: datetime | None = None) -> dict:
    """The process control sheet entry (form 06) carried in an event's data: which step and
    unit handed the dossier over to which, when the finished step was due, and on time or not."""
    at = at or timezone.now()
    entry = {"step": step, "from_office": from_office.pk if from_office else None,
             "to_office": task.office_id if task else None,
             "to_step": task.step_key if task else None,
             "to_role": task.role if task else None,
             "to_due_at": task.due_at.isoformat() if task else None}
    if done is not None:
        entry["step_due_at"] = done.due_at.isoformat()
        entry["on_time"] = at <= done.due_at
    return entry


# -- acting on a task ------------------------------------------------------------------------------

@dataclass
class Acting:
    """What an action works on, read under the dossier's row lock."""

    officer: User
    dossier: Dossier
    task: Task
    step: Step
    now: datetime
    from_status: str


def _may_act(officer: User, task: Task) -> None:
    """Only the task's role in the task's unit acts on it (and, once claimed, only its
    assignee)."""
    if officer is None or officer.role != task.role or officer.office_id != task.office_id:
        raise PermissionDenied(_("Only an officer of the unit and role holding this step may "
                                 "act on it."))
    if not Dossier.objects.changeable_by(officer).filter(pk=task.dossier_id).exists():
        raise PermissionDenied()
    if task.assignee_id is not None and task.assignee_id != officer.pk:
        raise PermissionDenied(_("Another officer has claimed this step."),
                               code="task_claimed_by_another")


def _lock(dossier_id: int, lock_version: int, statuses) -> Dossier:
    dossier = (Dossier.objects.select_for_update(of=("self",))
               .select_related("procedure_version", "procedure", "competent_office",
                               "receiving_office")
               .get(pk=dossier_id))
    if dossier.lock_version != lock_version:
        raise dossier_services.Conflict(
            _("Someone else changed this dossier just now; reload it and try again."))
    if dossier.status not in statuses:
        raise dossier_services.Conflict(
            _("The dossier is no longer in the state this action needs."),
            code="dossier_state_changed")
    return dossier


@contextmanager
def _acting(officer: User, task: Task, lock_version: int, *allowed: StepAction,
            statuses=WORKING) -> Iterator[Acting]:
    _may_act(officer, task)
    with transaction.atomic():
        dossier = _lock(task.dossier_id, lock_version, statuses)
        task = Task.objects.select_for_update(of=("self",)).select_related("office").get(
            pk=task.pk)
        if not task.is_active:
            raise dossier_services.Conflict(_("This step is already closed."),
                                            code="task_closed")
        _may_act(officer, task)
        step = dossier.procedure_version.spec.workflow.step(task.step_key)
        if allowed and not set(allowed) & set(step.actions):
            raise InvalidInput(_("This action is not allowed at this step."),
                               code="action_not_allowed")
        yield Acting(officer, dossier, task, step, timezone.now(), dossier.status)


def _save(dossier: Dossier, **fields) -> Dossier:
    """Write the dossier's changed fields and bump its lock version."""
    Dossier.objects.filter(pk=dossier.pk).update(lock_version=F("lock_version") + 1, **fields)
    dossier.refresh_from_db()
    return dossier


def _close(task: Task, now: datetime, officer: User) -> None:
    """The step is done; an unclaimed task is done by whoever acted on it."""
    task.status = TaskStatus.DONE
    task.done_at = now
    if task.assignee_id is None:
        task.assignee, task.claimed_at = officer, now
    task.save(update_fields=["status", "done_at", "assignee", "claimed_at"])
    task.timers.filter(fired_at__isnull=True).delete()


def _advance(act: Acting, to_step: str | None = None) -> Task | None:
    """Close the task and open the next step's; None when the workflow ends here."""
    _close(act.task, act.now, act.officer)
    keys = act.step.next
    if to_step is not None and to_step not in keys:
        raise InvalidInput(_("That step does not follow this one."), code="invalid_next_step")
    key = to_step or (keys[0] if keys else None)
    if key is None:
        return None
    step = act.dossier.procedure_version.spec.workflow.step(key)
    return _open_task(act.dossier, step, act.now)


def _done(act: Acting, action: str, next_task: Task | None, *, note: str = "",
          data: dict | None = None, **fields) -> Task | None:
    """Finish an action: dossier fields with a new lock version, one event (control sheet
    entry), one outbox message, one audit entry."""
    dossier = _save(act.dossier, **fields) if fields else _save(act.dossier)
    sheet = control_sheet(step=act.task.step_key, from_office=act.task.office, task=next_task,
                          done=act.task if act.task.status == TaskStatus.DONE else None,
                          at=act.now)
    dossier_services.record_event(dossier, action, act.from_status, office=act.task.office,
                                  note=note, data={**sheet, **(data or {})})
    audit.record(f"dossier.{action}", dossier, summary=f"{dossier.code} {act.task.step_key}")
    return next_task


def _result_ready(act: Acting, next_task: Task | None) -> dict:
    """The dossier's fields after a step: the result is ready (status finished, the time on
    time / late is measured at) once the step making it is done, at the latest when the
    dossier reaches the return step or the workflow ends."""
    made = Produces.RESULT in act.step.produces
    arriving = next_task is not None and (
        act.dossier.procedure_version.spec.workflow.step(next_task.step_key).kind
        == StepKind.RETURN)
    if (made or arriving or next_task is None) and act.dossier.finished_at is None:
        return {"status": Status.FINISHED, "finished_at": act.now}
    return {"status": Status.IN_PROCESS} if act.dossier.finished_at is None else {}


def claim_task(*, officer: User, task: Task, lock_version: int) -> Task:
    """Take a task from the unit's queue into one's own."""
    with _acting(officer, task, lock_version) as act:
        act.task.assignee = officer
        act.task.status = TaskStatus.CLAIMED
        act.task.claimed_at = act.now
        act.task.save(update_fields=["assignee", "status", "claimed_at"])
        fields = {"status": Status.IN_PROCESS} if act.dossier.status == Status.RECEIVED else {}
        _done(act, "claim", act.task, **fields)
    return act.task


def forward(*, officer: User, task: Task, lock_version: int, to_step: str | None = None,
            note: str = "") -> Task | None:
    """Complete the step and hand the dossier to the next step's unit."""
    with _acting(officer, task, lock_version, StepAction.FORWARD, StepAction.ACCEPT) as act:
        next_task = _advance(act, to_step)
        return _done(act, "forward", next_task, note=note, **_result_ready(act, next_task))


def approve(*, officer: User, task: Task, lock_version: int, note: str = "") -> Task | None:
    """The leader's decision; the dossier moves on to the next step."""
    with _acting(officer, task, lock_version, StepAction.APPROVE) as act:
        next_task = _advance(act)
        return _done(act, "approve", next_task, note=note, **_result_ready(act, next_task))


def sign(*, officer: User, task: Task, lock_version: int, note: str = "") -> Task | None:
    """The result is signed; the dossier moves on to the next step."""
    with _acting(officer, task, lock_version, StepAction.SIGN) as act:
        next_task = _advance(act)
        return _done(act, "sign", next_task, note=note, **_result_ready(act, next_task))


def finish(*, officer: User, task: Task, lock_version: int, note: str = "") -> Task | None:
    """The result is ready (status finished, the time that counts for on time / late); the
    remaining steps (hand-offs, return) go on."""
    with _acting(officer, task, lock_version) as act:
        if Produces.RESULT not in act.step.produces:
            raise InvalidInput(_("This step does not make the result."),
                               code="action_not_allowed")
        next_task = _advance(act)
        fields = {"status": Status.FINISHED, "finished_at": act.dossier.finished_at or act.now}
        return _done(act, "finish", next_task, note=note, **fields)


def return_to_previous(*, officer: User, task: Task, lock_version: int, reason: str) -> Task:
    """Send the dossier back to the step before this one (its unit gets a new task)."""
    reason = _required(reason)
    with _acting(officer, task, lock_version, StepAction.SEND_BACK) as act:
        workflow = act.dossier.procedure_version.spec.workflow
        previous = next((step for step in workflow.steps if act.step.key in step.next), None)
        if previous is None:
            raise InvalidInput(_("This is the first step."), code="no_previous_step")
        _close(act.task, act.now, act.officer)
        back = _open_task(act.dossier, previous, act.now)
        return _done(act, "send_back", back, note=reason)


def request_supplement(*, officer: User, lock_version: int, reason: str,
                       task: Task | None = None,
                       dossier: Dossier | None = None) -> SupplementRequest:
    """Ask the applicant to complete the dossier (form 02). The clock pauses until the
    supplement arrives. The law allows one request per dossier. Without a task it is the desk
    asking before reception (an online dossier): it waits, and is received once complete."""
    reason = _required(reason)
    if task is None:
        return _request_supplement_at_reception(officer, dossier, lock_version, reason)
    with _acting(officer, task, lock_version, StepAction.REQUEST_SUPPLEMENT) as act:
        _refuse_second_request(act.dossier)
        request = SupplementRequest.objects.create(
            dossier=act.dossier, task=act.task, reason=reason, requested_at=act.now,
            requested_by=officer, resume_status=act.dossier.status)
        _done(act, "request_supplement", act.task, note=reason,
              status=Status.WAITING_SUPPLEMENT)
    return request


def _request_supplement_at_reception(officer: User, dossier: Dossier, lock_version: int,
                                     reason: str) -> SupplementRequest:
    _check_reception_desk(officer, dossier, _("Only a one-stop desk officer asks for a "
                                              "supplement before receiving a dossier."))
    receive = dossier.procedure_version.spec.workflow.steps[0]
    if receive.kind != StepKind.RECEIVE or StepAction.REQUEST_SUPPLEMENT not in receive.actions:
        raise InvalidInput(_("This action is not allowed at this step."),
                           code="action_not_allowed")
    with transaction.atomic():
        locked = _lock(dossier.pk, lock_version, (Status.NEW,))
        _refuse_second_request(locked)
        now = timezone.now()
        request = SupplementRequest.objects.create(
            dossier=locked, reason=reason, requested_at=now, requested_by=officer,
            resume_status=Status.NEW)
        locked = _save(locked, status=Status.WAITING_SUPPLEMENT)
        dossier_services.record_event(
            locked, "request_supplement", Status.NEW, office=officer.office, note=reason,
            data=control_sheet(step=receive.key, from_office=officer.office, at=now))
        audit.record("dossier.request_supplement", locked, summary=locked.code)
    return request


def _refuse_second_request(dossier: Dossier) -> None:
    if SupplementRequest.objects.filter(dossier=dossier).exists():
        raise InvalidInput(
            _("A supplement has already been requested for this dossier; the law allows "
              "only one request."), code="supplement_already_requested")


def receive_supplement(*, officer: User, dossier: Dossier, lock_version: int,
                       note: str = "") -> Dossier:
    """The supplement arrived: the clock runs again and the appointment, the open step and its
    timers move later by the office time the dossier waited."""
    active = Task.objects.filter(dossier=dossier).active().select_related("office").first()
    if officer is not None and officer.role == Role.DESK_OFFICER:
        if not Dossier.objects.changeable_by(officer).filter(pk=dossier.pk).exists():
            raise PermissionDenied()
    elif active is not None:
        _may_act(officer, active)
    else:
        raise PermissionDenied()
    with transaction.atomic():
        locked = _lock(dossier.pk, lock_version, (Status.WAITING_SUPPLEMENT,))
        now = timezone.now()
        request = SupplementRequest.objects.select_for_update().get(dossier=locked)
        hours = deadlines.working_hours_between(request.requested_at, now)
        request.received_at, request.paused_working_hours = now, hours
        request.save(update_fields=["received_at", "paused_working_hours"])
        in_days = deadlines.in_days(locked.procedure_version.spec.deadline)
        for task in Task.objects.filter(dossier=locked).active():
            task.due_at = deadlines.shift(task.due_at, hours, in_days=False)
            task.save(update_fields=["due_at"])
            timers.move_later(task, hours)
        previous_due = locked.due_at
        locked = _save(locked, status=request.resume_status,
                       **_appointment_after_pause(locked, hours, in_days))
        office = active.office if active else officer.office
        dossier_services.record_event(
            locked, "receive_supplement", Status.WAITING_SUPPLEMENT, office=office, note=note,
            data={**control_sheet(step=active.step_key if active else "", from_office=office,
                                  task=active, at=now),
                  "paused_working_hours": str(hours), "previous_due_at": _iso(previous_due),
                  "due_at": _iso(locked.due_at)})
        audit.record("dossier.receive_supplement", locked, summary=locked.code)
    return locked


def _appointment_after_pause(dossier: Dossier, hours, in_days: bool) -> dict:
    """The appointment moves later by the office time waited; a dossier asked for a supplement
    before reception has none yet (its clock starts when the desk receives it)."""
    if dossier.due_at is None:
        return {}
    return {"due_at": deadlines.shift(dossier.due_at, hours, in_days=in_days),
            "original_due_at": deadlines.shift(dossier.original_due_at or dossier.due_at,
                                               hours, in_days=in_days)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def refuse(*, officer: User, lock_version: int, reason: str, task: Task | None = None,
           dossier: Dossier | None = None) -> Dossier:
    """Refuse with written reasons (form 03): at reception the dossier is not received
    (refused); once in process, processing stops (stopped)."""
    reason = _required(reason)
    if task is None:
        return _refuse_at_reception(officer, dossier, lock_version, reason)
    with _acting(officer, task, lock_version, StepAction.REFUSE, StepAction.REJECT) as act:
        _close(act.task, act.now, act.officer)
        status = Status.REFUSED if act.step.kind == StepKind.RECEIVE else Status.STOPPED
        _done(act, "refuse", None, note=reason, status=status)
    return act.dossier


def _refuse_at_reception(officer: User, dossier: Dossier, lock_version: int,
                         reason: str) -> Dossier:
    _check_reception_desk(officer, dossier, _("Only a one-stop desk officer refuses to "
                                              "receive a dossier."))
    with transaction.atomic():
        locked = _lock(dossier.pk, lock_version, (Status.NEW,))
        locked = _save(locked, status=Status.REFUSED)
        dossier_services.record_event(
            locked, "refuse", Status.NEW, office=officer.office, note=reason,
            data=control_sheet(step="receive", from_office=officer.office))
        audit.record("dossier.refuse", locked, summary=locked.code)
    return locked


def _check_reception_desk(officer: User, dossier: Dossier, message: str) -> None:
    if officer is None or officer.role != Role.DESK_OFFICER or not (
            Dossier.objects.changeable_by(officer).filter(pk=dossier.pk).exists()):
        raise PermissionDenied(message)


def return_result(*, officer: User, task: Task, lock_version: int, note: str = "") -> Dossier:
    """The result is handed to the applicant (at the desk, by post or online)."""
    with _acting(officer, task, lock_version, StepAction.RETURN_RESULT,
                 statuses=(*WORKING, Status.FINISHED)) as act:
        _close(act.task, act.now, act.officer)
        _done(act, "return_result", None, note=note, status=Status.RETURNED,
              returned_at=act.now, finished_at=act.dossier.finished_at or act.now)
    return act.dossier


def hand_off(*, officer: User, task: Task, lock_version: int) -> Dossier | None:
    """A hand-off step starts the linked procedure (liên thông): a new dossier for the same
    applicant, with the form fields of the same name, waiting for the linked unit's desk. Each
    dossier points at the other (`linked_from` / `linked_dossiers`)."""
    with _acting(officer, task, lock_version, StepAction.HAND_OFF,
                 statuses=(*WORKING, Status.FINISHED)) as act:
        if act.step.kind != StepKind.HANDOFF or not act.step.procedure:
            raise InvalidInput(_("This step hands nothing off."), code="action_not_allowed")
        linked = None
        if _wanted(act.step, act.dossier):
            linked = _start_linked(act.dossier, act.step.procedure, act.task.office)
        next_task = _advance(act)
        fields = _result_ready(act, next_task) if act.dossier.status != Status.FINISHED else {}
        _done(act, "hand_off", next_task,
              data={"linked_dossier": linked.code if linked else None,
                    "linked_procedure": act.step.procedure}, **fields)
    return linked


def _wanted(step: Step, dossier: Dossier) -> bool:
    """A hand-off is passed without starting the linked procedure when its step reads a yes/no
    field the applicant answered "no" (e.g. "register the child's permanent residence too"),
    when it belongs to a chain this dossier is not part of (`only_if_linked_from`), or when
    the chain already started that procedure (birth hands off the child's health-insurance
    card, and so may the residence dossier it started: one card)."""
    if any(dossier.form_data.get(name) is False for name in step.uses_fields):
        return False
    if step.only_if_linked_from:
        parent = dossier.linked_from
        if parent is None or parent.procedure.code not in step.only_if_linked_from:
            return False
    return not _chain_of(dossier).filter(procedure__code=step.procedure).exists()


def _chain_of(dossier: Dossier):
    """The dossiers of a liên thông chain: its first dossier and those started from it (two
    hand-offs deep, as the shipped chains go)."""
    root = dossier
    while root.linked_from_id is not None:
        root = root.linked_from
    return Dossier.objects.filter(Q(pk=root.pk) | Q(linked_from=root)
                                  | Q(linked_from__linked_from=root))


def _start_linked(parent: Dossier, code: str, office: Office) -> Dossier:
    procedure = procedure_by_code(code)
    version = procedure.current_version
    spec = version.spec
    fields = spec.form.properties
    form = {name: value for name, value in parent.form_data.items() if name in fields}
    competent = competent_office(spec, parent.applicant_commune)
    now = timezone.now()
    linked = Dossier.objects.create(
        code=dossier_services.next_code(office, now.year), procedure=procedure,
        procedure_version=version, channel=Channel.LINKED, status=Status.NEW,
        applicant=parent.applicant, applicant_id_number=parent.applicant_id_number,
        applicant_name=parent.applicant_name, applicant_phone=parent.applicant_phone,
        applicant_email=parent.applicant_email, applicant_address=parent.applicant_address,
        applicant_commune=parent.applicant_commune, form_data=form,
        receiving_office=reception_desk(competent),
        competent_office=competent, province=parent.province, submitted_at=now,
        linked_from=parent)
    dossier_services.record_event(linked, "submit", "", office=office, note=Channel.LINKED,
                                  data={"linked_from": parent.code})
    return linked


def extend_with_apology(*, officer: User, dossier: Dossier, lock_version: int,
                        new_due_at: datetime, reason: str) -> Extension:
    """The dossier will miss its appointment: an apology with a new, later date (form 04). Only
    the competent unit's leader or desk officer issues it; each one is recorded and counted."""
    reason = _required(reason)
    if (officer is None or officer.role not in (Role.LEADER, Role.DESK_OFFICER)
            or officer.office_id != dossier.competent_office_id):
        raise PermissionDenied(_("Only the competent unit's leader or desk officer may set a "
                                 "new appointment."))
    with transaction.atomic():
        locked = _lock(dossier.pk, lock_version, tuple(s for s in OPEN_STATUSES
                                                       if s != Status.NEW))
        if locked.due_at is None or new_due_at <= locked.due_at:
            raise InvalidInput(_("The new appointment must be later than the current one."),
                               code="extension_date_not_later")
        now = timezone.now()
        extension = Extension.objects.create(
            dossier=locked, previous_due_at=locked.due_at, new_due_at=new_due_at,
            reason=reason, created_at=now, created_by=officer, office=officer.office)
        previous = locked.due_at
        locked = _save(locked, due_at=new_due_at)
        dossier_services.record_event(
            locked, "extend", locked.status, office=officer.office, note=reason,
            data={**control_sheet(step="", from_office=officer.office, at=now),
                  "previous_due_at": previous.isoformat(), "due_at": new_due_at.isoformat(),
                  "extensions": locked.extensions.count()})
        audit.record("dossier.extend", locked, summary=locked.code)
    return extension


def _required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A reason is required."), code="reason_required",
                           details={"reason": [{"code": "required"}]})
    return reason
