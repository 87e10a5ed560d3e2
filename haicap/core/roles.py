"""Roles of the platform's users and what each may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    OPS_VIEWER = "ops_viewer", _("Operations-centre viewer")
    DATA_STEWARD = "data_steward", _("Data steward")
    ADMINISTRATOR = "administrator", _("Administrator")


OFFICER_ROLES = frozenset(
    {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.OPS_VIEWER, Role.DATA_STEWARD}
)
# Roles that may change records of their unit; the others only read.
WRITER_ROLES = frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.DATA_STEWARD})


class OfficeKind(models.TextChoices):
    COMMUNE = "commune", _("Commune People's Committee")
    DEPARTMENT = "department", _("Province department")
    ONE_STOP_CENTRE = "one_stop_centre", _("Province public-administration service centre")
