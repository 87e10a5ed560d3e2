"""Static assets that ship inside Python packages we depend on, served like our own (no CDN).

`PackageAssetFinder` lets `{% static 'vendor/plotly.min.js' %}` and collectstatic find the chart
library in the installed plotly wheel, so the pinned package version is the asset version.
"""

from importlib.resources import files
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# URL path under STATIC_URL → (package, file inside it)
PACKAGE_ASSETS = {
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}


def _source(path: str) -> Path | None:
    asset = PACKAGE_ASSETS.get(path)
    if asset is None:
        return None
    package, inside = asset
    return Path(str(files(package).joinpath(inside)))


class PackageAssetFinder(BaseFinder):
    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        source = _source(path)
        if source is None or not source.exists():
            return [] if find_all or kwargs.get("all") else None
        return [str(source)] if find_all or kwargs.get("all") else str(source)

    def list(self, ignore_patterns):
        for path in PACKAGE_ASSETS:
            source = _source(path)
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = str(Path(path).parent)
            yield source.name, storage
