"""Public open-data pages (no sign-in): the catalogue /du-lieu-mo/, a dataset's page with its
metadata, preview and downloads, the files themselves, and the /data.json listing."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from haicap.core.errors import NotFound
from haicap.opendata import conf, metadata, selectors
from haicap.opendata.formats import MEDIA_TYPES
from haicap.opendata.models import Format, Theme
from haicap.opendata.services import media_path


def absolute_urls(request) -> metadata.Urls:
    """The absolute URLs of a dataset's page, files and API, for this request's host."""
    def build(name: str, *args) -> str:
        return request.build_absolute_uri(reverse(name, args=args))

    return {
        "page": lambda dataset: build("opendata:dataset", dataset.slug),
        "download": lambda dataset, fmt: build("opendata:download", dataset.slug, fmt),
        "api": lambda dataset: build("api:opendata_dataset", dataset.slug),
        "rows": lambda dataset: build("api:opendata_rows", dataset.slug),
    }


@require_GET
def catalogue(request):
    q = request.GET.get("q", "").strip()[:selectors.MAX_QUERY]
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    datasets = list(selectors.search(q, theme))
    template = "opendata/_results.html" if request.htmx else "opendata/catalogue.html"
    return render(request, template, {
        "datasets": datasets, "q": q, "theme": theme, "themes": Theme.choices,
        "data_json_url": request.build_absolute_uri(reverse("opendata:data_json")),
    })


@require_GET
def dataset(request, slug: str):
    found = _published(slug)
    urls = absolute_urls(request)
    release = found.current_release
    preview = selectors.preview(found)
    return render(request, "opendata/dataset.html", {
        "dataset": found,
        "release": release,
        "licence_name": metadata.LICENCES.get(found.licence, (found.licence, ""))[0],
        "licence_url": metadata.licence_url(found),
        "temporal": metadata.temporal(found),
        "preview": preview,
        "preview_rows": [list(row.values()) for row in preview.rows],
        "downloads": [(distribution, urls["download"](found, distribution.format))
                      for distribution in release.distributions.all()],
        "api_url": urls["api"](found),
        "rows_url": urls["rows"](found),
        "json_ld": metadata.json_ld_script(metadata.schema_org_dataset(found, urls)),
    })


@require_GET
def download(request, slug: str, fmt: str):
    found = _published(slug)
    if fmt not in Format.values:
        raise Http404
    distribution = selectors.distribution_of(found, fmt)
    path = media_path(distribution.path)
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115 - closed by Django
                            filename=f"{found.slug}.{fmt}", content_type=MEDIA_TYPES[fmt])
    response["ETag"] = f'"{distribution.sha256}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may fetch it
    return response


@require_GET
def data_json(request):
    with translation.override("vi"):  # the theme names, like the stored titles, in Vietnamese
        catalog = metadata.pod_catalog(
            list(selectors.published()), absolute_urls(request),
            request.build_absolute_uri(reverse("opendata:data_json")), conf.contact_email())
    response = JsonResponse(catalog, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _published(slug: str):
    try:
        return selectors.dataset_by_slug(slug)
    except NotFound as error:
        raise Http404(error.message) from error
