"""Pages of long lists."""

from functools import cached_property

from django.core.paginator import Paginator


class BoundedPaginator(Paginator):
    """Counts no further than `cap`: `cap + 1` rows mean "more than `cap`" (`more`), and the
    pages go no further than the one after the cap."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.count_up_to(self.cap)

    @property
    def more(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        """A whole page, also past the cap (Paginator would end the last page at the count)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)
