"""The actions an officer may take on a dossier (workspace page and API alike), as the engine
allows them.

Which actions to offer is read from the dossier's own workflow step (`step.actions`) and the
officer's unit and role; doing one calls the engine's named verb, nothing else.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from haicap.catalog.spec import StepAction
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.dossiers import engine, services, withdrawals
from haicap.dossiers.models import OPEN_STATUSES, Dossier, Status, SupplementRequest, Task


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    reason: bool = False  # a written reason is required (refusal, supplement, extension…)
    new_date: bool = False
    primary: bool = False


CLAIM = Action("claim", _("Claim"), primary=True)
RECEIVE = Action("receive", _("Receive the dossier"), primary=True)
RECEIVE_SUPPLEMENT = Action("receive_supplement", _("The supplement has arrived"), primary=True)
EXTEND = Action("extend", _("Apologise and set a new date"), reason=True, new_date=True)
WITHDRAW = Action("withdraw", _("Withdraw at the applicant's request"), reason=True)
# At reception, before any step exists (an online dossier at the desk).
ASK_SUPPLEMENT = Action("request_supplement", _("Request a supplement"), reason=True)
REFUSE = Action("refuse", _("Refuse"), reason=True)
# Step actions (the catalogue's StepAction) → what the page offers, in this order.
STEP_ACTIONS = (
    ((StepAction.FORWARD, StepAction.ACCEPT), Action("forward", _("Done: forward"),
                                                     primary=True)),
    ((StepAction.APPROVE,), Action("approve", _("Approve"), primary=True)),
    ((StepAction.SIGN,), Action("sign", _("Sign"), primary=True)),
    ((StepAction.RETURN_RESULT,), Action("return_result", _("Return the result"),
                                         primary=True)),
    ((StepAction.HAND_OFF,), Action("hand_off", _("Hand off to the linked procedure"))),
    ((StepAction.SEND_BACK,), Action("send_back", _("Send back to the previous step"),
                                     reason=True)),
    ((StepAction.REQUEST_SUPPLEMENT,), Action("request_supplement",
                                              _("Request a supplement"), reason=True)),
    ((StepAction.REFUSE, StepAction.REJECT), Action("refuse", _("Refuse"), reason=True)),
)
ALL = {action.key: action for action in
       (CLAIM, RECEIVE, RECEIVE_SUPPLEMENT, EXTEND, WITHDRAW,
        *(item for _keys, item in STEP_ACTIONS))}


def holds(officer: User, task: Task | None) -> bool:
    """The task is in the officer's unit and role, unclaimed or claimed by them."""
    return (task is not None and task.is_active and officer.office_id == task.office_id
            and officer.role == task.role and task.assignee_id in (None, officer.pk))


def available(officer: User, dossier: Dossier, task: Task | None) -> list[Action]:
    actions = []
    if dossier.status == Status.NEW and officer.role == Role.DESK_OFFICER:
        actions.append(RECEIVE)
        if not SupplementRequest.objects.filter(dossier=dossier).exists():
            actions.append(ASK_SUPPLEMENT)
        actions.append(REFUSE)
    if dossier.status == Status.WAITING_SUPPLEMENT and (
            officer.role == Role.DESK_OFFICER or holds(officer, task)):
        actions.append(RECEIVE_SUPPLEMENT)
    if holds(officer, task) and dossier.status != Status.WAITING_SUPPLEMENT:
        if task.assignee_id is None:
            actions.append(CLAIM)
        allowed = set(dossier.procedure_version.spec.workflow.step(task.step_key).actions)
        actions += [action for keys, action in STEP_ACTIONS if allowed & set(keys)]
    if (dossier.status in OPEN_STATUSES and dossier.status != Status.NEW
            and officer.role in (Role.LEADER, Role.DESK_OFFICER)
            and officer.office_id == dossier.competent_office_id):
        actions.append(EXTEND)
    if officer.role == Role.DESK_OFFICER and withdrawals.may_withdraw(officer, dossier):
        actions.append(WITHDRAW)
    return actions


def perform(key: str, *, officer: User, dossier: Dossier, task: Task | None, lock_version: int,
            reason: str = "", new_due_at: datetime | None = None):
    """Call the engine verb for `key`; its errors (Conflict 409, PermissionDenied 403,
    InvalidInput 422) go to the caller unchanged."""
    mine = {"officer": officer, "lock_version": lock_version}
    if key == "receive":
        return services.receive_dossier(dossier=dossier, **mine)
    if key == "receive_supplement":
        return engine.receive_supplement(dossier=dossier, note=reason, **mine)
    if key == "withdraw":
        return withdrawals.withdraw_dossier(actor=officer, dossier=dossier, reason=reason,
                                            lock_version=lock_version)
    if key == "extend":
        return engine.extend_with_apology(dossier=dossier, new_due_at=new_due_at,
                                          reason=reason, **mine)
    if task is None and dossier.status == Status.NEW and key in ("request_supplement", "refuse"):
        verb = engine.request_supplement if key == "request_supplement" else engine.refuse
        return verb(dossier=dossier, reason=reason, **mine)
    if task is None:
        raise services.Conflict(str(_("This step is already closed.")), code="task_closed")
    verbs = {
        "claim": lambda: engine.claim_task(task=task, **mine),
        "forward": lambda: engine.forward(task=task, note=reason, **mine),
        "approve": lambda: engine.approve(task=task, note=reason, **mine),
        "sign": lambda: engine.sign(task=task, note=reason, **mine),
        "return_result": lambda: engine.return_result(task=task, note=reason, **mine),
        "hand_off": lambda: engine.hand_off(task=task, **mine),
        "send_back": lambda: engine.return_to_previous(task=task, reason=reason, **mine),
        "request_supplement": lambda: engine.request_supplement(task=task, reason=reason,
                                                                **mine),
        "refuse": lambda: engine.refuse(task=task, reason=reason, **mine),
    }
    return verbs[key]()
