"""Writes on stored files: uploads, scanning, and attaching them to dossiers."""


def attach_uploads(dossier, uploads: dict[str, str]) -> None:
    """Link earlier uploads (field name → upload id) to the dossier's document rows, in the
    caller's transaction; an unknown, foreign, infected or already used upload is a 422."""
    raise NotImplementedError("uploads land with the documents app (issue 5)")
