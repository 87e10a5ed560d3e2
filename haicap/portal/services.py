"""What a signed-in citizen does on the portal: file an e-form online, send a supplement.

Both store the uploaded files first (`documents.services.store_upload`: checked, hashed,
scanned) and then call the dossier verbs, which link the uploads inside their own transaction.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from haicap.catalog.eforms import api_answers
from haicap.core.errors import InvalidInput
from haicap.core.models import User
from haicap.documents.services import stored_descriptor
from haicap.dossiers import services as dossier_services
from haicap.dossiers import supplements
from haicap.dossiers.models import Channel, Dossier

# The catalogue's names of the e-form fields that describe the applicant (every procedure has
# them); filing online, the applicant is the person VNeID signed in.
APPLICANT_ID_FIELD = "applicant_national_id"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def client_of(citizen: User) -> str:
    """The idempotency client of a citizen's own submissions."""
    return f"user:{citizen.pk}"


def file_online(*, citizen: User, procedure_code: str, schema: Mapping, cleaned: dict,
                files: Mapping, token: str) -> dossier_services.Submission:
    """File the checked e-form answers (`cleaned`, as `validate_submission` gave them for the
    posted form; `files`, the uploads by field) as the citizen's online dossier.

    `token` is the form's own idempotency key: the same form sent twice (a double click, a
    resend after a slow answer) gives the first dossier and stores nothing more.
    """
    if not TOKEN.match(token or ""):
        raise InvalidInput(_("The form has expired; send it again."), code="invalid_token")
    earlier = _filed_with(citizen, token)
    if earlier is not None:
        return dossier_services.Submission(earlier, created=False)
    _check_applicant_is_signed_in(citizen, cleaned)
    form, file_fields = api_answers(schema, cleaned)
    documents = {name: stored_descriptor(files[name], uploader=citizen, field=name)
                 for name in file_fields}
    try:
        return dossier_services.submit_dossier(
            procedure_code=procedure_code, channel=Channel.ONLINE,
            applicant=_applicant(citizen, cleaned), form=form, documents=documents,
            submitted_by=citizen, idempotency_key=token, idempotency_client=client_of(citizen))
    except InvalidInput as error:
        # A concurrent twin won the key with uploads of its own: its dossier is this one.
        earlier = _filed_with(citizen, token) if error.code == "idempotency_key_reused" else None
        if earlier is None:
            raise
        return dossier_services.Submission(earlier, created=False)


def send_supplement(*, citizen: User, dossier: Dossier, files: list, note: str) -> Dossier:
    """Store the citizen's files and add them, with the note, to the dossier's supplement."""
    if supplements.awaiting_supplement(dossier) is None:
        raise dossier_services.Conflict(_("No documents are asked for this dossier now."),
                                        code="supplement_not_requested")
    supplements.check_supplement(len(files), note)
    documents = {str(number): stored_descriptor(file, uploader=citizen, field="files")
                 for number, file in enumerate(files)}
    return supplements.submit_supplement(citizen=citizen, dossier=dossier, documents=documents,
                                         note=note)


def _filed_with(citizen: User, token: str) -> Dossier | None:
    return Dossier.objects.filter(idempotency_client=client_of(citizen),
                                  idempotency_key=token).first()


def _check_applicant_is_signed_in(citizen: User, cleaned: dict) -> None:
    given = cleaned.get(APPLICANT_ID_FIELD)
    if given and given != citizen.national_id:
        message = _("Filing online, you are the applicant: give your own number, the one you "
                    "signed in with (%(number)s).") % {"number": citizen.national_id}
        raise InvalidInput(message, code="applicant_not_signed_in", details={
            APPLICANT_ID_FIELD: [{"code": "applicant_not_signed_in", "message": message}]})


def _applicant(citizen: User, cleaned: dict) -> dossier_services.Applicant:
    """The signed-in citizen, with the contact details the e-form gave (else their own)."""
    address = cleaned.get("applicant_address")
    return dossier_services.Applicant(
        id_number=citizen.national_id,
        full_name=citizen.full_name or cleaned.get("applicant_full_name", ""),
        address=address["text"] if address else registered_address(citizen),
        phone=cleaned.get("applicant_phone") or citizen.phone,
        email=cleaned.get("applicant_email", ""))


def registered_address(citizen: User) -> str:
    """The citizen's address of residence as the population database gave it, or ""."""
    commune = citizen.residence_commune
    if commune is None:
        return citizen.address_street
    return ", ".join(part for part in (citizen.address_street, commune.name,
                                       commune.province.name) if part)
