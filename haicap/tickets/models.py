"""Desk tickets (số thứ tự) at the one-stop centres: the province service centre and each
commune's one-stop desk.

A centre (core.Office of kind one_stop_centre or commune) has service groups, each with a letter
(A, B, C…), and counters, each serving one or more groups. A visitor takes a ticket of a group at
the kiosk: the group's letter and the day's next number (A-012). Numbers restart every day per
centre and letter, without gaps: `DailySequence` holds the last number given, one locked row per
centre, day and letter (docs/adr/0012-desk-tickets.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.core.roles import OfficeKind

# The offices that have a one-stop desk and so a ticket queue.
CENTRE_KINDS = (OfficeKind.ONE_STOP_CENTRE, OfficeKind.COMMUNE)


class ServiceGroup(models.Model):
    """What a visitor comes for (civil status, land, business…): one queue per group."""

    office = models.ForeignKey("core.Office", on_delete=models.CASCADE,
                               related_name="service_groups", verbose_name=_("centre"))
    prefix = models.CharField(_("letter"), max_length=2)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A context: django.contrib.auth, before us in INSTALLED_APPS, translates plain "active" as
    # "Kích hoạt" (activate) and would win.
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")
        ordering = ["office", "position", "prefix"]
        constraints = [models.UniqueConstraint(fields=["office", "prefix"],
                                               name="one_group_per_centre_letter")]

    def __str__(self) -> str:
        return f"{self.prefix} · {self.name}"


class Counter(models.Model):
    """A desk (quầy) where an officer calls tickets of the groups it serves."""

    office = models.ForeignKey("core.Office", on_delete=models.CASCADE,
                               related_name="counters", verbose_name=_("centre"))
    number = models.PositiveSmallIntegerField(_("number"))
    groups = models.ManyToManyField(ServiceGroup, related_name="counters",
                                    verbose_name=_("service groups"))
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["office", "number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"],
                                               name="one_counter_per_centre_number")]

    def __str__(self) -> str:
        return _("Counter %(number)s") % {"number": self.number}


class DailySequence(models.Model):
    """The last number given today for one letter of one centre. Taking a ticket updates this
    row, so two kiosks at the same instant wait for each other on it (row lock) and never give
    the same number; nothing else is numbered here, so no number is skipped."""

    office = models.ForeignKey("core.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=2)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day", "prefix"],
                                               name="one_sequence_per_centre_day_letter")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.prefix}{self.last_number}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Being served")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")


FINISHED_STATUSES = (TicketStatus.SERVED, TicketStatus.NO_SHOW)


class Ticket(models.Model):
    """One visitor's place in a queue. Its label (A-012) is fixed when taken; a transfer moves
    it to another group's queue in its original place (it has waited already)."""

    # A centre's tickets go with it (the demo's reset deletes its offices); a group with
    # tickets is deleted only with its centre (RESTRICT), otherwise it is made inactive.
    office = models.ForeignKey("core.Office", on_delete=models.CASCADE, related_name="tickets",
                               verbose_name=_("centre"))
    day = models.DateField(_("day"))
    prefix = models.CharField(_("letter"), max_length=2)
    number = models.PositiveIntegerField(_("number"))
    group = models.ForeignKey(ServiceGroup, on_delete=models.RESTRICT, related_name="tickets",
                              verbose_name=_("service group"))
    status = models.CharField(_("status"), max_length=8, choices=TicketStatus.choices,
                              default=TicketStatus.WAITING)
    taken_at = models.DateTimeField(_("taken at"))
    # The first call ends the wait; `called_at` is the call at the counter serving it now (a
    # transfer makes another one), `announced_at` the latest call or recall (the display's order).
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    finished_at = models.DateTimeField(pgettext_lazy("desk ticket", "finished at"), null=True,
                                       blank=True)
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="tickets", verbose_name=_("counter"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("officer"))
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    # For an SMS when the turn is near; optional, given at the kiosk.
    phone = models.CharField(_("phone"), max_length=10, blank=True)
    alerted_at = models.DateTimeField(_("SMS of the near turn queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("desk ticket")
        verbose_name_plural = _("desk tickets")
        ordering = ["day", "taken_at", "id"]
        constraints = [models.UniqueConstraint(fields=["office", "day", "prefix", "number"],
                                               name="one_ticket_per_centre_day_number")]
        indexes = [
            # The queues: the waiting tickets of a centre's day, oldest first.
            models.Index(fields=["office", "day", "status", "taken_at"]),
            # The display: the latest calls of a centre.
            models.Index(fields=["office", "day", "announced_at"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.prefix}-{self.number:03d}"
