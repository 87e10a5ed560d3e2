"""Dossiers: one application for one procedure, its documents, and what happened to it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.core.scoping import ScopedQuerySet, UnitScope


class NationalStatus(models.IntegerChoices):
    """The national public-service portal's dossier statuses (trạng thái hồ sơ 1–10)."""

    NEW = 1, _("Newly submitted")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received")
    IN_PROCESS = 4, _("In process")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    PAYMENT_REQUESTED = 6, _("Payment requested")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Processing stopped")
    FINISHED = 9, _("Processed")
    RESULT_RETURNED = 10, _("Result returned")


class Status(models.TextChoices):
    NEW = "new", _("Waiting for reception")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    IN_PROCESS = "in_process", _("In process")
    WAITING_SUPPLEMENT = "waiting_supplement", _("Waiting for a supplement")
    WAITING_PAYMENT = "waiting_payment", _("Waiting for payment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")
    FINISHED = "finished", _("Processed, result ready")
    RETURNED = "returned", _("Result returned")


# One table: our statuses as the national portal counts them.
NATIONAL_STATUS = {
    Status.NEW: NationalStatus.NEW,
    Status.RECEIVED: NationalStatus.RECEIVED,
    Status.REFUSED: NationalStatus.NOT_RECEIVED,
    Status.IN_PROCESS: NationalStatus.IN_PROCESS,
    Status.WAITING_SUPPLEMENT: NationalStatus.SUPPLEMENT_REQUESTED,
    Status.WAITING_PAYMENT: NationalStatus.PAYMENT_REQUESTED,
    Status.WITHDRAWN: NationalStatus.WITHDRAWN,
    Status.STOPPED: NationalStatus.STOPPED,
    Status.FINISHED: NationalStatus.FINISHED,
    Status.RETURNED: NationalStatus.RESULT_RETURNED,
}


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (portal)")
    API = "api", _("Partner system (API)")
    IN_PERSON = "in_person", _("In person at a desk")
    POST = "post", _("By post")
    KIOSK = "kiosk", _("Kiosk")
    # Started by a hand-off step of another dossier (linked procedures, liên thông).
    LINKED = "linked", _("Linked procedure")


# Statuses in which the clock runs or is paused: the dossier is not settled yet.
OPEN_STATUSES = (Status.NEW, Status.RECEIVED, Status.IN_PROCESS, Status.WAITING_SUPPLEMENT,
                 Status.WAITING_PAYMENT)


# Open statuses in which the clock runs (a supplement request stops it).
RUNNING_STATUSES = tuple(status for status in OPEN_STATUSES
                         if status != Status.WAITING_SUPPLEMENT)


class DossierQuerySet(ScopedQuerySet):
    def due_soon(self, now=None) -> "DossierQuerySet":
        """Not settled and due within one working day from now (not yet late)."""
        from haicap.dossiers.deadlines import due_soon_limit

        now = now or timezone.now()
        return self.filter(status__in=RUNNING_STATUSES, due_at__gte=now,
                           due_at__lte=due_soon_limit(now))

    def late(self, now=None) -> "DossierQuerySet":
        """Finished after the appointment, or not finished and past it while its clock runs."""
        now = now or timezone.now()
        return self.filter(models.Q(finished_at__gt=models.F("due_at"))
                           | models.Q(finished_at__isnull=True, status__in=RUNNING_STATUSES,
                                      due_at__lt=now))


class Dossier(models.Model):
    # Every index here is written by every submission: a column gets one only when a read
    # needs it (the office columns are indexed by the composite indexes of Meta, which also
    # serve their foreign-key checks; the province, commune and version are never read alone).
    code = models.CharField(_("dossier code"), max_length=40, unique=True)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT,
                                  related_name="dossiers", verbose_name=_("procedure"))
    # The definition the dossier started with; later versions never change it.
    procedure_version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.PROTECT,
                                          related_name="dossiers", db_index=False,
                                          verbose_name=_("procedure version"))
    channel = models.CharField(pgettext_lazy("filing channel", "channel"), max_length=16,
                               choices=Channel.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices,
                              default=Status.NEW)

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="dossiers",
                                  verbose_name=_("applicant account"))
    applicant_id_number = models.CharField(_("applicant's identification number"),
                                           max_length=20)
    applicant_name = models.CharField(_("applicant's name"), max_length=150)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=10, blank=True)
    applicant_email = models.EmailField(_("applicant's email"), blank=True)
    applicant_address = models.CharField(_("applicant's address"), max_length=500)
    applicant_commune = models.ForeignKey("units.Commune", on_delete=models.PROTECT,
                                          related_name="+", db_index=False,
                                          verbose_name=_("applicant's commune"))

    form_data = models.JSONField(_("form data"), default=dict)

    receiving_office = models.ForeignKey("core.Office", on_delete=models.PROTECT,
                                         related_name="received_dossiers", db_index=False,
                                         verbose_name=_("receiving unit"))
    competent_office = models.ForeignKey("core.Office", on_delete=models.PROTECT,
                                         related_name="competent_dossiers", db_index=False,
                                         verbose_name=_("competent unit"))
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+",
                                 db_index=False)

    submitted_at = models.DateTimeField(_("submitted at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    counting_start = models.DateTimeField(_("counting starts"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    # The appointment of slip 01 (moved only by supplement pauses, never by an apology
    # extension), so the IOC can count lateness against either.
    original_due_at = models.DateTimeField(_("original appointment"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)

    # A retry with the same key from the same client is the same dossier.
    idempotency_client = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    # Optimistic locking: each change bumps it; a change based on an older one is refused.
    lock_version = models.PositiveIntegerField(default=0)
    # The dossier whose hand-off step started this one (linked procedures); the other way
    # round: `linked_dossiers`.
    linked_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="linked_dossiers",
                                    verbose_name=_("started by dossier"))

    objects = DossierQuerySet.as_manager()
    unit_scope = UnitScope(
        office_fields=("competent_office", "receiving_office"),
        province_field="province",
        owner_field="applicant",
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_client", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossier_idempotency_key_once_per_client",
            )
        ]
        indexes = [
            models.Index(fields=["competent_office", "status", "due_at"]),
            models.Index(fields=["receiving_office", "status", "due_at"]),
            # A commune's dossiers newest first (the default order), one index per office
            # column: each half of the commune scope is read in order and stops at the page.
            models.Index(fields=["competent_office", "-submitted_at", "-id"],
                         name="dossier_competent_newest"),
            models.Index(fields=["receiving_office", "-submitted_at", "-id"],
                         name="dossier_receiving_newest"),
            # A partner system's own dossiers, newest first.
            models.Index(fields=["idempotency_client", "-submitted_at"]),
            # Tracking (code + CCCD) goes by the code; a new account finds its earlier dossiers.
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id_number"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> NationalStatus:
        return NATIONAL_STATUS[Status(self.status)]

    @property
    def is_late(self) -> bool:
        """Late = finished after the appointment (an unfinished dossier past it, its clock
        running, is late too)."""
        return _after(self.finished_at, self.due_at, self.status)

    @property
    def is_late_against_original(self) -> bool:
        """Late against the appointment of slip 01, apology extensions not counted."""
        return _after(self.finished_at, self.original_due_at or self.due_at, self.status)

    @property
    def is_due_soon(self) -> bool:
        from haicap.dossiers.deadlines import due_soon_limit

        now = timezone.now()
        return (self.status in RUNNING_STATUSES and self.due_at is not None
                and now <= self.due_at <= due_soon_limit(now))


def _after(finished_at, due_at, status) -> bool:
    if due_at is None:
        return False
    if finished_at is not None:
        return finished_at > due_at
    # Waiting for a supplement the clock stops: the appointment moves when it arrives.
    return status in RUNNING_STATUSES and timezone.now() > due_at


class DossierDocument(models.Model):
    """A document of a dossier: uploaded, or fetched once-only from a national database."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    field_name = models.CharField(_("form field"), max_length=100)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return self.filename


class SequenceCounter(models.Model):
    """The last dossier number given by an office in a year (codes are unit-year-number)."""

    office = models.ForeignKey("core.Office", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"],
                                               name="one_sequence_per_office_year")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class DossierEvent(models.Model):
    """One move of a dossier. Append-only: KPIs, feeds and the control sheet read this log."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    action = models.CharField(_("action"), max_length=40)
    actor = models.CharField(_("actor"), max_length=150)
    actor_id = models.BigIntegerField(null=True, blank=True)
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("dossier events are append-only")
        super().save(*args, **kwargs)


class OutboxMessage(models.Model):
    """An event to deliver (webhooks, national sync), written in the same transaction as the
    change it reports (transactional outbox); CloudEvents attributes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=200)
    type = models.CharField(max_length=120)
    subject = models.CharField(max_length=120)
    time = models.DateTimeField()
    data = models.JSONField(default=dict)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["time"]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


# -- the workflow engine (docs/adr/0006-dossiers.md) ----------------------------------------------

class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED)


class TaskQuerySet(ScopedQuerySet):
    def active(self) -> "TaskQuerySet":
        return self.filter(status__in=ACTIVE_TASK_STATUSES)

    def queue_of_unit(self, officer) -> "TaskQuerySet":
        """The open tasks of the officer's unit and role (claimed ones included)."""
        return self.visible_to(officer).active().filter(office=officer.office_id,
                                                        role=officer.role)

    def queue_of(self, officer) -> "TaskQuerySet":
        return self.queue_of_unit(officer).filter(
            models.Q(assignee=officer) | models.Q(assignee__isnull=True))


class Task(models.Model):
    """One step of a dossier's workflow in a unit's queue (role + office), with its own due time."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="tasks")
    # The dossier's, which never changes: a queue lists and filters its procedures from its own
    # index, without reading a dossier per task.
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("procedure"))
    step_key = models.CharField(_("step"), max_length=64)
    step_name = models.CharField(_("step name"), max_length=500, blank=True)
    role = models.CharField(_("role"), max_length=24)
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, related_name="tasks",
                               verbose_name=_("unit"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="tasks", verbose_name=_("assignee"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    created_at = models.DateTimeField(_("created at"))
    due_at = models.DateTimeField(_("due at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()
    unit_scope = UnitScope(province_field="office__province",
                           office_fields=("office",))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["office", "role", "status", "due_at"]),
            # A unit's queue, earliest due first, read in order (no sort of the whole queue);
            # with the procedure, the queue's procedures are listed from the index alone.
            models.Index(fields=["office", "role", "due_at", "id", "dossier", "procedure"],
                         name="task_active_queue",
                         condition=models.Q(status__in=ACTIVE_TASK_STATUSES)),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step_key}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES


class SupplementRequest(models.Model):
    """A supplement request (form 02). The law allows one per dossier: the database says so too.
    While it is open the clock is paused; the pause moves the appointment when it ends."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE,
                                   related_name="supplement_request")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    reason = models.TextField(_("what is missing"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    # The status to go back to when the supplement arrives.
    resume_status = models.CharField(max_length=24, choices=Status.choices)
    received_at = models.DateTimeField(_("supplement received at"), null=True, blank=True)
    paused_working_hours = models.DecimalField(_("paused working hours"), max_digits=9,
                                               decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.requested_at:%Y-%m-%d}"


class Extension(models.Model):
    """An apology and new appointment (form 04) for a dossier that will miss its date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="extensions")
    previous_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("apology and extension")
        verbose_name_plural = _("apologies and extensions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.new_due_at:%Y-%m-%d}"


class TimerKind(models.TextChoices):
    WARN_ASSIGNEE = "warn_assignee", _("Warn the assignee")
    WARN_LEADER = "warn_leader", _("Warn the unit's leader")
    OVERDUE = "overdue", _("Overdue")


class Timer(models.Model):
    """Something to do at a time: `haicap dossiers tick` fires the due ones (no broker)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="timers")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="timers")
    kind = models.CharField(max_length=16, choices=TimerKind.choices)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["fired_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"
