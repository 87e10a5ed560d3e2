"""Formatting of the dashboards' table cells (one rule for every table)."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value, kind: str = "text") -> str:
    """A table cell as people read it: "—" for no value, grouped thousands, one decimal
    for percentages, local date and time."""
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return f"{number_format(value, 1)} %"
    if isinstance(value, bool):
        return str(value)
    if kind == "number" and isinstance(value, int | float):
        return number_format(value, 0 if isinstance(value, int) else 1, force_grouping=True)
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@register.filter
def numeric(kind: str) -> bool:
    return kind in ("number", "percent")
