"""Builders for the documents tests: a birth-registration dossier submitted with uploads."""

from haicap.catalog.selectors import procedure_by_code
from haicap.core.tests import factories
from haicap.core.tokens import Caller
from haicap.documents.tests.conftest import HAI_CHAU_ADDRESS
from haicap.dossiers import services as dossier_services

BIRTH = "1.001193"


def submit(caller: Caller, uploads: dict, *, channel="api", desk=None, key="",
           id_number: str = ""):
    body = procedure_by_code(BIRTH).current_version.spec.example.body(BIRTH)
    documents = dict(body["documents"])
    for field, upload in uploads.items():
        documents[field] = {**documents[field], "upload_id": str(upload)}
    applicant = dossier_services.Applicant(
        id_number=id_number or factories.national_id("female", 1992), full_name="Nguyễn Thị Mai",
        address=HAI_CHAU_ADDRESS, phone="0905123456")
    return dossier_services.submit_dossier(
        procedure_code=BIRTH, channel=channel, applicant=applicant, form=body["form"],
        documents=documents, receiving_office=desk, submitted_by=caller.user,
        idempotency_key=key, idempotency_client=caller.client)


def first_field() -> str:
    body = procedure_by_code(BIRTH).current_version.spec.example.body(BIRTH)
    return next(iter(body["documents"]))
