"""The working-day calendar: the days that differ from the Monday-to-Friday rule.

Weekends are not stored: Saturday and Sunday are days off unless a make-up working day row says
otherwise. Every other row either takes a weekday off (a public holiday or a substituted day off)
or makes an otherwise free day a working day.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_HOLIDAY = "public_holiday", _("Public holiday")
        DAY_OFF = "day_off", _("Substituted day off")
        MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")

    class Source(models.TextChoices):
        HOLIDAYS_PACKAGE = "holidays-package", _("holidays package")
        OFFICIAL_SWAP = "official-swap", _("Official announcement")
        ADMIN = "admin", _("Administrator")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices,
                              default=Source.ADMIN)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.MAKEUP_WORKDAY
