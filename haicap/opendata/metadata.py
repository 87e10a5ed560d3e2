"""Machine-readable descriptions of the catalogue: the dataset block of the JSON files, the
`/data.json` listing (DCAT-US 1.1 / Project Open Data) and the schema.org Dataset JSON-LD of each
dataset page. See docs/adr/0015-open-data.md for why these two vocabularies."""

import json
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

from haicap.opendata.formats import MEDIA_TYPES
from haicap.opendata.models import Dataset, Frequency, Release

LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/"),
}
# ISO 8601 repeating durations, as DCAT-US accrualPeriodicity wants them.
PERIODICITY = {Frequency.DAILY: "R/P1D", Frequency.MONTHLY: "R/P1M",
               Frequency.IRREGULAR: "irregular"}
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"

# Absolute URLs of a dataset: (dataset) -> page, (dataset, format) -> download, (dataset) -> API.
Urls = dict[str, Callable]


def licence_url(dataset: Dataset) -> str:
    return LICENCES.get(dataset.licence, ("", ""))[1]


def temporal(dataset: Dataset, open_end: str = "..") -> str | None:
    """ISO 8601 interval "2025-08-01/2025-10-31"; an open end is ".." (ISO 8601-2, which
    schema.org takes) unless another is given."""
    if not dataset.temporal_start:
        return None
    end = dataset.temporal_end.isoformat() if dataset.temporal_end else open_end
    return f"{dataset.temporal_start.isoformat()}/{end}"


def file_metadata(dataset: Dataset, release_at, row_count: int) -> dict:
    """The "dataset" block written into the JSON distribution (no URLs: files move hosts)."""
    return {
        "identifier": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "keywords": dataset.keywords,
        "license": licence_url(dataset),
        "publisher": dataset.publisher,
        "spatial": dataset.province.name,
        "temporal": temporal(dataset),
        "accrualPeriodicity": PERIODICITY[dataset.update_frequency],
        "generated": release_at.isoformat(),
        "rows": row_count,
    }


def pod_catalog(datasets: list[Dataset], urls: Urls, catalog_url: str, contact: str) -> dict:
    return {
        "@context": f"{POD_SCHEMA}/catalog.jsonld",
        "@id": catalog_url,
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": f"{POD_SCHEMA}/catalog.json",
        "dataset": [pod_dataset(dataset, urls, contact) for dataset in datasets],
    }


def pod_dataset(dataset: Dataset, urls: Urls, contact: str) -> dict:
    entry = {
        "@type": "dcat:Dataset",
        "identifier": urls["page"](dataset),
        "title": dataset.title,
        "description": dataset.description,
        "keyword": dataset.keywords,
        "modified": dataset.modified.isoformat() if dataset.modified else None,
        "issued": dataset.issued.date().isoformat() if dataset.issued else None,
        "publisher": {"@type": "org:Organization", "name": dataset.publisher},
        "contactPoint": {"@type": "vcard:Contact", "fn": dataset.publisher,
                         "hasEmail": f"mailto:{contact}"},
        "accessLevel": "public",
        "license": licence_url(dataset),
        "spatial": dataset.province.name,
        # DCAT-US wants two dates: a still-current dataset covers up to its last change.
        "temporal": temporal(dataset, open_end=dataset.modified.date().isoformat()
                             if dataset.modified else ".."),
        "accrualPeriodicity": PERIODICITY[dataset.update_frequency],
        "theme": [dataset.get_theme_display()],
        "language": ["vi"],
        "landingPage": urls["page"](dataset),
        "distribution": [pod_distribution(dataset, distribution, urls)
                         for distribution in _distributions(dataset)],
    }
    entry["distribution"].append({
        "@type": "dcat:Distribution", "accessURL": urls["api"](dataset),
        "format": "API", "mediaType": "application/json", "title": "API",
    })
    return {key: value for key, value in entry.items() if value is not None}


def pod_distribution(dataset: Dataset, distribution, urls: Urls) -> dict:
    return {
        "@type": "dcat:Distribution",
        "downloadURL": urls["download"](dataset, distribution.format),
        "mediaType": MEDIA_TYPES[distribution.format],
        "format": distribution.get_format_display(),
        "title": f"{dataset.title} ({distribution.get_format_display()})",
    }


def schema_org_dataset(dataset: Dataset, urls: Urls) -> dict:
    release: Release | None = dataset.current_release
    entry = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": dataset.title,
        "description": dataset.description,
        "url": urls["page"](dataset),
        "identifier": dataset.slug,
        "keywords": dataset.keywords,
        "license": licence_url(dataset),
        "isAccessibleForFree": True,
        "inLanguage": "vi",
        "publisher": {"@type": "GovernmentOrganization", "name": dataset.publisher},
        "creator": {"@type": "GovernmentOrganization", "name": dataset.publisher},
        "spatialCoverage": {"@type": "Place", "name": dataset.province.name},
        "temporalCoverage": temporal(dataset),
        "datePublished": dataset.issued.date().isoformat() if dataset.issued else None,
        "dateModified": dataset.modified.isoformat() if dataset.modified else None,
        "variableMeasured": [column["name"] for column in release.columns] if release else None,
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": MEDIA_TYPES[distribution.format],
             "contentUrl": urls["download"](dataset, distribution.format),
             "contentSize": f"{distribution.size} B"}
            for distribution in _distributions(dataset)
        ],
    }
    return {key: value for key, value in entry.items() if value is not None}


def _distributions(dataset: Dataset) -> list:
    release = dataset.current_release
    return list(release.distributions.all()) if release else []


def json_ld_script(document: dict) -> SafeString:
    """A <script type="application/ld+json"> element; <, > and & escaped so the JSON cannot
    close the element early (the same escapes Django's json_script uses)."""
    text = json.dumps(document, ensure_ascii=False).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
