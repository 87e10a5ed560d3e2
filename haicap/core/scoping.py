"""Unit scoping: an officer's querysets are filtered by unit and role where they are built.

A model declares `unit_scope = UnitScope(...)` and uses a manager built from
`ScopedQuerySet`; every officer-facing read starts with `.visible_to(user)` (or
`.changeable_by(user)` for writes), so a forgotten check cannot leak another commune's records.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connections, models
from django.db.models.sql.where import AND, WhereNode

from haicap.core import reference
from haicap.core.roles import WRITER_ROLES, OfficeKind


@dataclass(frozen=True)
class UnitScope:
    """Which fields tie a record to a commune, a province and an owner.

    A record reaches its commune either directly (`commune_field`: a path to units.Commune,
    e.g. a resident's commune) or through offices (`office_fields`: foreign keys to
    core.Office; a dossier belongs to the desk that received it and to the unit competent for
    it). Office fields win when given: a commune officer's filter is then
    `<field> IN (the commune's office ids)` on each, plain indexed columns, instead of a join
    through the office to its commune (1M dossiers: a sequential scan).
    """

    province_field: str
    commune_field: str | tuple[str, ...] = ()
    owner_field: str | None = None
    office_fields: tuple[str, ...] = ()

    def commune_parts(self, office) -> list[models.Q]:
        """One condition per field tying a record to the commune of `office`; a record of the
        commune meets at least one. (A model with office fields needs no commune field.)"""
        if self.office_fields:
            offices = commune_office_ids(type(office), office.commune_id)
            return [models.Q(**{f"{field}__in": offices}) for field in self.office_fields]
        fields = self.commune_field
        if isinstance(fields, str):
            fields = (fields,)
        return [models.Q(**{field: office.commune_id}) for field in fields]


@reference.kept()
def commune_office_ids(model, commune_id) -> tuple:
    """The ids of the offices (`model`) of a commune, as values, not a subquery: the planner then
    sees a short list and uses the foreign-key indexes (a subquery made it scan the whole table).
    Offices are reference data: each worker keeps them a while (`core.reference`)."""
    return tuple(model.objects.filter(commune_id=commune_id).order_by("pk")
                 .values_list("pk", flat=True))


class ScopedQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A commune scope ORing conditions on several columns: (its where clause, the
        # conditions), so that slices can be cut without the OR (see `_page`).
        self._scope_or: tuple[WhereNode, list[models.Q]] | None = None

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
            parts = scope.commune_parts(office)
            scoped = self.filter(reduce(operator.or_, parts))
            if len(parts) > 1:
                scoped._scope_or = (scoped.query.where.children[-1], parts)
            return scoped
        return self.filter(**{scope.province_field: office.province_id})

    def _clone(self):
        clone = super()._clone()
        clone._scope_or = self._scope_or
        return clone

    def __getitem__(self, k):
        if isinstance(k, slice) and self._pages_without_or(k):
            return self._page(k.start or 0, k.stop)
        return super().__getitem__(k)

    def count_up_to(self, cap: int) -> int:
        """How many rows, counted no further than `cap`: `cap + 1` means "more than `cap`".

        When a commune scope ORing several columns is the only condition, each column alone
        gives at most `cap + 1` ids (an index-only scan that stops early) and their union is
        counted: the exact count when all fall short of the cap, more than the cap otherwise.
        With other conditions the rows must be read anyway, and reading `cap + 1` of them
        once (the plain query) is cheaper than up to `cap + 1` per column."""
        if not self._splits_scope_or() or len(self.query.where.children) > 1:
            return self.order_by()[:cap + 1].count()
        firsts = [self._scope_replaced_by(part).order_by().values("pk")[:cap + 1]
                  for part in self._scope_or[1]]
        return min(firsts[0].union(*firsts[1:]).count(), cap + 1)

    def _pages_without_or(self, k: slice) -> bool:
        query = self.query
        return bool(
            self._splits_scope_or() and self.ordered
            and k.step is None and k.stop is not None and k.stop >= (k.start or 0) >= 0
            and query.standard_ordering and not query.extra_order_by)

    def _splits_scope_or(self) -> bool:
        """Whether the scope's OR can be replaced by each of its conditions in turn."""
        query = self.query
        return bool(
            self._scope_or and self._result_cache is None
            and not query.is_sliced and not query.distinct and query.combinator is None
            and query.group_by is None
            and query.where.connector == AND and not query.where.negated
            and self._scope_or[0] in query.where.children
            and connections[self.db].features.supports_slicing_ordering_in_compound)

    def _page(self, start: int, stop: int) -> "ScopedQuerySet":
        """Rows `start:stop` of a scope ORing conditions on several indexed columns (a dossier's
        competent and receiving office). PostgreSQL answers such an OR only by collecting every
        matching row and sorting them all (a commune's tens of thousands of dossiers for a page
        of 20). Instead each condition alone, with the other filters, gives its first `stop`
        rows in order (an ordered index scan that stops early), and the page is cut from the
        union of those: the same rows in the same order as the plain query."""
        ordering = self.query.order_by or self.model._meta.ordering
        firsts = [self._scope_replaced_by(part).order_by(*ordering).values("pk")[:stop]
                  for part in self._scope_or[1]]
        ids = firsts[0].union(*firsts[1:], all=True)
        return self._scope_replaced_by(models.Q(pk__in=ids))[start:stop]

    def _scope_replaced_by(self, condition: models.Q) -> "ScopedQuerySet":
        """This queryset with `condition` in place of the scope's OR (which implies it)."""
        clone = self._chain()
        clone._scope_or = None
        clone.query.where.children.remove(self._scope_or[0])
        return clone.filter(condition)
