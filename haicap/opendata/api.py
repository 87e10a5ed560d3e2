"""The open data API (django-ninja router, mounted under /api/v1). Public: no sign-in.

The datasets with their DCAT metadata and files, and a dataset's rows page by page (read from
the current release's Parquet file, so they are exactly the rows of the downloads).
"""

from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from haicap.core.errors import ErrorOut
from haicap.opendata import metadata, selectors
from haicap.opendata.formats import MEDIA_TYPES
from haicap.opendata.models import Dataset, Theme
from haicap.opendata.views import absolute_urls

router = Router(tags=["opendata"])

MAX_ROWS = 1000


class DistributionOut(Schema):
    format: str = Field(..., description="csv | json | parquet")
    media_type: str
    url: str
    size: int = Field(..., description="Bytes")
    sha256: str


class ColumnOut(Schema):
    name: str
    type: str = Field(..., description="VARCHAR | INTEGER | DOUBLE | BOOLEAN | DATE")
    description: str


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    keywords: list[str]
    theme: str
    theme_name: str
    licence: str = Field(..., description="SPDX identifier, e.g. CC-BY-4.0")
    licence_url: str
    publisher: str
    update_frequency: str = Field(..., description="daily | monthly | irregular")
    spatial: str = Field(..., description="The province covered")
    temporal_start: date | None
    temporal_end: date | None
    issued: datetime | None
    modified: datetime | None = Field(None, description="When the data last changed")
    generated_at: datetime = Field(..., description="When the current files were written")
    row_count: int
    page_url: str
    api_url: str
    rows_url: str
    distributions: list[DistributionOut]


class DatasetDetailOut(DatasetOut):
    columns: list[ColumnOut]


class RowsOut(Schema):
    dataset: str
    generated_at: datetime
    total: int
    limit: int
    offset: int
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class DatasetFilter(Schema):
    q: str = Field("", max_length=selectors.MAX_QUERY, description="Words of the title, "
                   "description or keywords (tone marks optional)")
    theme: Theme | None = None


class Paging(Schema):
    limit: int = Field(100, ge=1, le=MAX_ROWS)
    offset: int = Field(0, ge=0, le=2**31 - 1)


def _dataset_out(dataset: Dataset, urls) -> dict:
    release = dataset.current_release
    return {
        "slug": dataset.slug, "title": dataset.title, "description": dataset.description,
        "keywords": dataset.keywords, "theme": dataset.theme,
        "theme_name": dataset.get_theme_display(), "licence": dataset.licence,
        "licence_url": metadata.licence_url(dataset), "publisher": dataset.publisher,
        "update_frequency": dataset.update_frequency, "spatial": dataset.province.name,
        "temporal_start": dataset.temporal_start, "temporal_end": dataset.temporal_end,
        "issued": dataset.issued, "modified": dataset.modified,
        "generated_at": release.generated_at, "row_count": release.row_count,
        "page_url": urls["page"](dataset), "api_url": urls["api"](dataset),
        "rows_url": urls["rows"](dataset), "columns": release.columns,
        "distributions": [
            {"format": distribution.format, "media_type": MEDIA_TYPES[distribution.format],
             "url": urls["download"](dataset, distribution.format), "size": distribution.size,
             "sha256": distribution.sha256}
            for distribution in release.distributions.all()
        ],
    }


@router.get("/opendata/datasets", response={200: list[DatasetOut], 422: ErrorOut}, auth=None,
            url_name="opendata_datasets")
def list_datasets(request, filters: Query[DatasetFilter]):
    """The published datasets, optionally searched by words and filtered by theme."""
    urls = absolute_urls(request)
    theme = filters.theme.value if filters.theme else ""
    return [_dataset_out(dataset, urls) for dataset in selectors.search(filters.q, theme)]


@router.get("/opendata/datasets/{slug}", response={200: DatasetDetailOut, 404: ErrorOut},
            auth=None, url_name="opendata_dataset")
def get_dataset(request, slug: str):
    """One dataset: metadata, columns and files. Unknown slug: 404 `dataset_not_found`."""
    return _dataset_out(selectors.dataset_by_slug(slug), absolute_urls(request))


@router.get("/opendata/datasets/{slug}/rows",
            response={200: RowsOut, 404: ErrorOut, 422: ErrorOut},
            auth=None, url_name="opendata_rows")
def get_rows(request, slug: str, paging: Query[Paging]):
    """Rows of the current release, `limit` (1–1000) from `offset`; bad paging: 422."""
    dataset = selectors.dataset_by_slug(slug)
    page = selectors.rows(dataset, limit=paging.limit, offset=paging.offset)
    return {"dataset": dataset.slug, "generated_at": dataset.current_release.generated_at,
            "total": page.total, "limit": page.limit, "offset": page.offset,
            "columns": page.columns, "rows": page.rows}
