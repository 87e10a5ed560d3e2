"""Unit scoping: an officer's querysets are filtered by unit and role where they are built.

A model declares `unit_scope = UnitScope(...)` and uses a manager built from
`ScopedQuerySet`; every officer-facing read starts with `.visible_to(user)` (or
`.changeable_by(user)` for writes), so a forgotten check cannot leak another commune's records.
"""

from dataclasses import dataclass

from django.db import models

from haicap.core.roles import WRITER_ROLES, OfficeKind


@dataclass(frozen=True)
class UnitScope:
    """Which fields tie a record to a commune (any of several: a dossier belongs to the desk
    that received it and to the unit competent for it), a province and an owner."""

    commune_field: str | tuple[str, ...]
    province_field: str
    owner_field: str | None = None
    # Foreign keys to core.Office that tie a record to its commune's offices. When given, a
    # commune officer's filter is `<field> IN (the commune's offices)` on each: plain indexed
    # columns, instead of a join through the office to its commune (1M dossiers: seq scan).
    office_fields: tuple[str, ...] = ()

    def of_commune_offices(self, commune_id) -> models.Q:
        from django.apps import apps

        # The ids as values, not a subquery: the planner then sees a short list and combines
        # the foreign-key indexes (a subquery made it scan the whole table).
        offices = list(apps.get_model("core", "Office").objects
                       .filter(commune_id=commune_id).values_list("pk", flat=True))
        condition = models.Q()
        for field in self.office_fields:
            condition |= models.Q(**{f"{field}__in": offices})
        return condition

    def of_commune(self, commune_id) -> models.Q:
        fields = self.commune_field
        if isinstance(fields, str):
            fields = (fields,)
        condition = models.Q()
        for field in fields:
            condition |= models.Q(**{field: commune_id})
        return condition


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ScopedQuerySet":
        return self._scoped(user, write=False)

    def changeable_by(self, user) -> "ScopedQuerySet":
        return self._scoped(user, write=True)

    def _scoped(self, user, *, write: bool) -> "ScopedQuerySet":
        scope: UnitScope = self.model.unit_scope
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self.all()
        if not user.is_officer:
            if scope.owner_field is None:
                return self.none()
            return self.filter(**{scope.owner_field: user.pk})
        office = user.office
        if office is None or (write and user.role not in WRITER_ROLES):
            return self.none()
        if office.kind == OfficeKind.COMMUNE:
            if scope.office_fields:
                return self.filter(scope.of_commune_offices(office.commune_id))
            return self.filter(scope.of_commune(office.commune_id))
        return self.filter(**{scope.province_field: office.province_id})
