"""The documents viewer: a page showing one dossier document, and its bytes streamed by a
scoped view (never served as a static file). Officers of a unit that may see the dossier and
the applicant citizen get it; anyone else gets 404, whether the file exists or not."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from haicap.documents import selectors


@login_required
@require_GET
def viewer(request, file_id):
    """/can-bo/tai-lieu/<id>/ (officers) and /ho-so-cua-toi/tai-lieu/<id>/ (the applicant)."""
    stored = _viewable_or_404(request, file_id)
    officer = request.user.is_officer
    file_url = reverse("documents:officer_file" if officer else "documents:citizen_file",
                       args=[stored.pk])
    return render(request, "documents/viewer.html", {
        "stored": stored, "document": stored.document, "dossier": stored.document.dossier,
        "file_url": file_url, "back_url": _dossier_url(stored.document.dossier, officer)})


@login_required
@require_GET
@xframe_options_sameorigin  # the viewer page shows a PDF in a frame of the same site
def document_file(request, file_id):
    """The bytes, inline (or as a download with ?download=1), with their checked type."""
    stored = _viewable_or_404(request, file_id)
    response = FileResponse(default_storage.open(stored.storage_name, "rb"),
                            content_type=stored.content_type,
                            as_attachment=request.GET.get("download") == "1",
                            filename=stored.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _viewable_or_404(request, file_id):
    stored = selectors.viewable_file(request.user, file_id)
    if stored is None:
        raise Http404
    return stored


def _dossier_url(dossier, officer: bool) -> str:
    """The dossier's page in the officer workspace or the citizen's portal ("" if none)."""
    name = "workspace:dossier" if officer else "portal:my_dossier"
    try:
        return reverse(name, args=[dossier.code])
    except NoReverseMatch:
        return ""
