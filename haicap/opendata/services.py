"""Publishing the datasets: each definition's table written as a new release, then made current.

A release's files are written into a folder of their own (each file to a `.partial` name first,
renamed when complete); only when all three formats are on disk does one transaction record the
release and point the dataset at it. Until that commit the previous release stays the one every
page, API call and download reads; if anything fails the new folder is removed and nothing else
changes. The release before the current one is kept a cycle longer for downloads under way.
"""

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haicap.core.text import fold
from haicap.opendata import formats, metadata
from haicap.opendata.models import Dataset, Distribution, Format, Release
from haicap.opendata.registry import DEFINITIONS, Definition
from haicap.opendata.tables import Table
from haicap.units.models import Province

logger = logging.getLogger(__name__)

ROOT = "opendata"
KEPT_RELEASES = 2  # the current one and the one before it
# A folder no release refers to is a failed or interrupted publication once it is this old.
ORPHAN_AGE_SECONDS = 3600
CHUNK = 1 << 20


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{len(self.published)} published", f"{len(self.unchanged)} unchanged"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed ({', '.join(sorted(self.failed))})")
        return ", ".join(parts)


def home_province() -> Province:
    return Province.objects.get(code=settings.HAICAP_PROVINCE_CODE)


def publish_all(province: Province | None = None) -> PublishReport:
    """Regenerate every dataset of the registry; one failing dataset does not stop the others
    (it is logged and reported, and keeps its previous release)."""
    province = province or home_province()
    report = PublishReport()
    for definition in DEFINITIONS:
        try:
            release = publish_dataset(definition, province)
        except Exception as error:  # reported and logged with its trace, not swallowed
            logger.exception("open data: publishing %s failed", definition.slug)
            report.failed[definition.slug] = f"{type(error).__name__}: {error}"
            continue
        (report.published if release else report.unchanged).append(definition.slug)
    return report


def publish_dataset(definition: Definition, province: Province) -> Release | None:
    """Build the table and publish it as a new release; None when the data did not change."""
    with translation.override("vi"):
        table = definition.build(province)
        dataset = sync_dataset(definition, province)
    dataset.temporal_start, dataset.temporal_end = table.temporal_start, table.temporal_end
    digest = content_digest(table, metadata.file_metadata(dataset, timezone.now(), 0))
    current = dataset.current_release
    if current and current.content_sha256 == digest and _files_present(current):
        return None
    release = _write_release(dataset, table, digest)
    prune(dataset)
    return release


def sync_dataset(definition: Definition, province: Province) -> Dataset:
    """The dataset's row with the definition's metadata (texts in the active language)."""
    keywords = [str(keyword) for keyword in definition.keywords]
    values = {
        "position": DEFINITIONS.index(definition),
        "title": str(definition.title),
        "description": str(definition.description),
        "keywords": keywords,
        "search_text": fold(" ".join([str(definition.title), str(definition.description),
                                      *keywords])),
        "theme": definition.theme,
        "update_frequency": definition.frequency,
        "publisher": _("People's Committee of %(province)s") % {"province": province.name},
        "province": province,
    }
    dataset, _created = Dataset.objects.update_or_create(slug=definition.slug, defaults=values)
    return dataset


def content_digest(table: Table, file_metadata: dict) -> str:
    """sha256 of what the files say, except when they were generated."""
    described = {key: value for key, value in file_metadata.items()
                 if key not in ("generated", "rows")}
    payload = {"metadata": described, "columns": [column.as_dict() for column in table.columns],
               "rows": table.rows}
    text = json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_release(dataset: Dataset, table: Table, digest: str) -> Release:
    now = timezone.now()
    folder = f"{ROOT}/{dataset.slug}/{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    directory = media_path(folder)
    directory.mkdir(parents=True)
    try:
        with translation.override("vi"):
            file_metadata = metadata.file_metadata(dataset, now, len(table.rows))
            files = [_write_file(fmt, directory, folder, dataset.slug, table, file_metadata)
                     for fmt in Format.values]
        with transaction.atomic():
            release = Release.objects.create(
                dataset=dataset, generated_at=now, row_count=len(table.rows),
                columns=[column.as_dict() for column in table.columns],
                content_sha256=digest, folder=folder)
            Distribution.objects.bulk_create(Distribution(release=release, **file)
                                             for file in files)
            dataset.current_release = release
            dataset.issued = dataset.issued or now
            dataset.modified = now
            dataset.save(update_fields=["current_release", "issued", "modified",
                                        "temporal_start", "temporal_end"])
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return release


def _write_file(fmt: str, directory: Path, folder: str, slug: str, table: Table,
                file_metadata: dict) -> dict:
    name = f"{slug}.{fmt}"
    partial = directory / f".{name}.partial"
    formats.write(fmt, partial, table, file_metadata)
    os.replace(partial, directory / name)
    size, sha256 = _measure(directory / name)
    return {"format": fmt, "path": f"{folder}/{name}", "size": size, "sha256": sha256}


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _files_present(release: Release) -> bool:
    return all(media_path(distribution.path).is_file()
               for distribution in release.distributions.all())


def prune(dataset: Dataset) -> None:
    """Delete the releases older than the kept ones, with their files, and folders left behind
    by failed or interrupted publications."""
    releases = list(Release.objects.filter(dataset=dataset).order_by("-generated_at", "-pk"))
    kept = {release.pk for release in releases[:KEPT_RELEASES]} | {dataset.current_release_id}
    old = [release for release in releases if release.pk not in kept]
    Release.objects.filter(pk__in=[release.pk for release in old]).delete()
    for release in old:
        shutil.rmtree(media_path(release.folder), ignore_errors=True)
    _remove_orphan_folders(dataset, {release.folder for release in releases
                                     if release.pk in kept})


def _remove_orphan_folders(dataset: Dataset, referenced: set[str]) -> None:
    parent = media_path(f"{ROOT}/{dataset.slug}")
    if not parent.is_dir():
        return
    cutoff = time.time() - ORPHAN_AGE_SECONDS
    for directory in parent.iterdir():
        folder = f"{ROOT}/{dataset.slug}/{directory.name}"
        if folder not in referenced and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)
