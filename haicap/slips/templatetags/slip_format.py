"""How the slips print dates, times and money: dd/mm/yyyy, HH:MM local time, "20.000 đồng"."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings

register = template.Library()


def local(moment: datetime) -> datetime:
    """The moment in the province's time zone (a naive datetime is already local)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


@register.filter
def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return value.strftime("%d/%m/%Y")


@register.filter
def vn_time(value: time | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).time()
    return value.strftime("%H:%M")


@register.filter
def vn_datetime(value: datetime | None) -> str:
    """"14:05 ngày 26/11/2026", the way the forms write a moment."""
    if value is None:
        return ""
    return f"{vn_time(value)} ngày {vn_date(value)}"


@register.filter
def vn_long_date(value: date | datetime) -> str:
    """"ngày 26 tháng 11 năm 2026", as in the place-and-date line of an official document."""
    if isinstance(value, datetime):
        value = local(value).date()
    return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"


@register.filter
def vn_money(amount: int | None) -> str:
    """"20.000 đồng": dots group the thousands."""
    if amount is None:
        return ""
    return f"{amount:,} đồng".replace(",", ".")
