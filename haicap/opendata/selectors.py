"""Reads of the public catalogue: no sign-in, no unit scoping (everything here is public), and
only datasets that have a release."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from haicap.core.errors import NotFound
from haicap.core.text import fold
from haicap.opendata import formats
from haicap.opendata.models import Dataset, Distribution, Format
from haicap.opendata.services import media_path

PREVIEW_ROWS = 20
MAX_QUERY = 200


@dataclass(frozen=True)
class RowsPage:
    columns: list[dict]
    rows: list[dict]
    total: int
    limit: int
    offset: int


def published() -> QuerySet[Dataset]:
    files = Distribution.objects.order_by("format")
    return (Dataset.objects.filter(current_release__isnull=False)
            .select_related("current_release", "province")
            .prefetch_related(Prefetch("current_release__distributions", queryset=files)))


def search(q: str = "", theme: str = "") -> QuerySet[Dataset]:
    """Published datasets whose title, description or keywords hold every word of `q` (tone
    marks optional), of one theme if given."""
    datasets = published()
    for word in fold(q[:MAX_QUERY]).split():
        datasets = datasets.filter(search_text__contains=word)
    if theme:
        datasets = datasets.filter(theme=theme)
    return datasets


def dataset_by_slug(slug: str) -> Dataset:
    dataset = published().filter(slug=slug).first()
    if dataset is None:
        raise NotFound(_("There is no published dataset %(slug)s.") % {"slug": slug},
                       code="dataset_not_found")
    return dataset


def distribution_of(dataset: Dataset, fmt: str) -> Distribution:
    for distribution in dataset.current_release.distributions.all():
        if distribution.format == fmt:
            return distribution
    raise NotFound(_("This dataset has no %(format)s file.") % {"format": fmt},
                   code="distribution_not_found")


def rows(dataset: Dataset, *, limit: int, offset: int = 0) -> RowsPage:
    """A page of the current release's rows, read from its Parquet file."""
    release = dataset.current_release
    parquet = distribution_of(dataset, Format.PARQUET)
    names = [column["name"] for column in release.columns]
    values = formats.read_parquet(media_path(parquet.path), limit=limit, offset=offset)
    return RowsPage(columns=release.columns,
                    rows=[dict(zip(names, row, strict=True)) for row in values],
                    total=release.row_count, limit=limit, offset=offset)


def preview(dataset: Dataset) -> RowsPage:
    return rows(dataset, limit=PREVIEW_ROWS)
