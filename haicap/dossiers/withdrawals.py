"""The applicant withdraws a dossier (national status 7): online themselves, or at a desk that
records their written request. Only while it is not settled: once the result is ready there is
nothing left to withdraw.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.dossiers import services
from haicap.dossiers.models import OPEN_STATUSES, Dossier, Status, Task, TaskStatus

MAX_REASON = 2000


def may_withdraw(actor: User, dossier: Dossier) -> bool:
    """The applicant, or a desk officer of a unit holding the dossier, while it is open."""
    if dossier.status not in OPEN_STATUSES:
        return False
    if actor.role == Role.CITIZEN:
        return dossier.applicant_id == actor.pk
    return (actor.role == Role.DESK_OFFICER
            and Dossier.objects.changeable_by(actor).filter(pk=dossier.pk).exists())


def withdraw_dossier(*, actor: User, dossier: Dossier, lock_version: int,
                     reason: str) -> Dossier:
    """Stop the dossier at the applicant's request: its open step is cancelled (its deadline
    warnings with it), one event, one outbox message, one audit entry, one transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the dossier is withdrawn."), code="reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("Use at most %(limit)d characters.") % {"limit": MAX_REASON},
                           code="too_long")
    if not may_withdraw(actor, dossier):
        raise PermissionDenied(_("Only the applicant, or a desk on their written request, "
                                 "withdraws an open dossier."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.lock_version != lock_version:
            raise services.Conflict(
                _("Someone else changed this dossier just now; reload it and try again."))
        if locked.status not in OPEN_STATUSES:
            raise services.Conflict(_("The dossier is no longer in the state this action "
                                      "needs."), code="dossier_state_changed")
        previous = locked.status
        _cancel_open_steps(locked)
        Dossier.objects.filter(pk=locked.pk).update(status=Status.WITHDRAWN,
                                                    lock_version=F("lock_version") + 1)
        locked.refresh_from_db()
        office = actor.office if actor.role == Role.DESK_OFFICER else None
        services.record_event(locked, "withdraw", previous, office=office, note=reason)
        audit.record("dossier.withdraw", locked, summary=locked.code)
    return locked


def _cancel_open_steps(dossier: Dossier) -> None:
    now = timezone.now()
    for task in Task.objects.filter(dossier=dossier).active():
        task.status, task.done_at = TaskStatus.CANCELLED, now
        task.save(update_fields=["status", "done_at"])
        task.timers.filter(fired_at__isnull=True).delete()
