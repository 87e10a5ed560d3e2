"""Reads on accounts, scoped by the reader's unit and role."""

from django.db.models import QuerySet

from haicap.core.errors import NotFound
from haicap.core.models import User
from haicap.core.roles import Role
from haicap.core.text import fold


def residents_visible_to(user: User, query: str = "") -> QuerySet[User]:
    """Citizens an officer may see: those living in the officer's commune (or province)."""
    residents = (
        User.objects.visible_to(user)
        .filter(role=Role.CITIZEN)
        .select_related("residence_commune__province")
        .order_by("full_name", "pk")
    )
    query = query.strip()
    if query.isdigit():
        return residents.filter(national_id__startswith=query)
    for word in fold(query).split():
        residents = residents.filter(search_name__contains=word)
    return residents


def resident_for(user: User, pk: int) -> User:
    resident = residents_visible_to(user).filter(pk=pk).first()
    if resident is None:
        # The same answer whether the record does not exist or belongs to another unit.
        raise NotFound(_not_found_message(), code="resident_not_found")
    return resident


def _not_found_message() -> str:
    from django.utils.translation import gettext as _

    return _("No resident with this identifier in your unit.")
