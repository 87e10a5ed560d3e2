"""Rules of the citizen side of a dossier (issue 5 points 1 and 7): online filing from the
e-form, "my dossiers", the slips the applicant is entitled to, the online supplement."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from haicap.catalog.eforms import validate_submission
from haicap.catalog.selectors import procedure_by_code
from haicap.catalog.services import load_catalog
from haicap.core import services as core_services
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.documents.models import StoredFile
from haicap.dossiers import engine, services
from haicap.dossiers.models import Channel, Dossier, DossierDocument, Status, Task
from haicap.portal import services as portal_services
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"  # same day; a required upload (birth_certificate_medical)
HAI_CHAU_ADDRESS = "45 Trần Phú, Phường Hải Châu, Thành phố Đà Nẵng"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TOKEN = "a-filing-token-0123456789"


@pytest.fixture
def people():
    load_catalog()
    hai_chau = Commune.objects.get(province_id="48", name="Phường Hải Châu")
    office = factories.commune_office(hai_chau)
    factories.province_office("48", OfficeKind.ONE_STOP_CENTRE)
    return {"office": office,
            "desk": factories.officer(office, Role.DESK_OFFICER),
            "specialist": factories.officer(office, Role.SPECIALIST),
            "citizen": factories.resident(hai_chau, full_name="Nguyễn Thị Lan"),
            "neighbour": factories.resident(hai_chau, full_name="Trần Văn Bình")}


def eform(citizen, code: str = BIRTH, **changes) -> dict:
    """The procedure's example as the citizen's browser posts it, about the citizen."""
    example = procedure_by_code(code).current_version.spec.example
    data = {"filing_token": TOKEN}
    for name, value in example.form.items():
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = value
    for name, document in example.documents.items():
        data[name] = SimpleUploadedFile(document.filename, PDF, content_type="application/pdf")
    data.update(applicant_full_name=citizen.full_name, applicant_national_id=citizen.national_id,
                applicant_address=HAI_CHAU_ADDRESS)
    data.update(changes)
    return data


def form_url(code: str = BIRTH) -> str:
    return reverse("catalog:form", args=[code])


def signed_in(client, user):
    client.force_login(user)
    return client


def filed_online(citizen, code: str = BIRTH) -> Dossier:
    body = procedure_by_code(code).current_version.spec.example.body(code)
    applicant = services.Applicant(id_number=citizen.national_id, full_name=citizen.full_name,
                                   address=HAI_CHAU_ADDRESS, phone="0905123456")
    return services.submit_dossier(procedure_code=code, channel=Channel.ONLINE,
                                   applicant=applicant, form=body["form"],
                                   documents=body["documents"], submitted_by=citizen).dossier


def received(dossier, desk) -> Dossier:
    return services.receive_dossier(officer=desk, dossier=dossier,
                                    lock_version=dossier.lock_version)


MARITAL_STATUS = "1.004873"  # receive → appraise (specialist): a step that may ask for more


def asked_for_supplement(people) -> Dossier:
    dossier = received(filed_online(people["citizen"], MARITAL_STATUS), people["desk"])
    engine.request_supplement(officer=people["specialist"],
                              task=Task.objects.active().get(dossier=dossier),
                              lock_version=dossier.lock_version,
                              reason="Thiếu bản sao giấy chứng tử của vợ/chồng trước")
    dossier.refresh_from_db()
    return dossier


# -- filing online ---------------------------------------------------------------------------------

def test_a_signed_in_citizen_files_the_eform_and_gets_one_online_dossier_with_its_file(
        client, people):
    citizen = people["citizen"]

    answer = signed_in(client, citizen).post(form_url(), eform(citizen))

    dossier = Dossier.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("portal:filed", args=[dossier.code])
    assert (dossier.channel, dossier.status, dossier.applicant) == (Channel.ONLINE, Status.NEW,
                                                                    citizen)
    assert dossier.applicant_id_number == citizen.national_id
    document = DossierDocument.objects.get(dossier=dossier)
    assert document.stored_file.sha256 == document.sha256 != ""
    page = client.get(answer["Location"]).content.decode()
    assert dossier.code in page
    assert reverse("portal:my_dossier", args=[dossier.code]) in page
    assert reverse("dossiers:tracking") in page


def test_the_same_form_sent_twice_files_one_dossier(client, people):
    """A double click (or a resend after a slow answer) carries the same form token."""
    citizen = people["citizen"]
    client = signed_in(client, citizen)

    first = client.post(form_url(), eform(citizen))
    second = client.post(form_url(), eform(citizen))

    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert StoredFile.objects.count() == 1


def test_a_twin_request_that_misses_the_first_dossier_still_gets_it(people, monkeypatch):
    """Two sends of one form in flight: the second does not see the first dossier before it
    stores its own upload; the key in the database then gives it the first dossier."""
    citizen = people["citizen"]
    spec = procedure_by_code(BIRTH).current_version.spec

    def file_once():
        data = eform(citizen)
        files = {name: data.pop(name) for name in list(data) if hasattr(data[name], "read")}
        cleaned, errors = validate_submission(spec.form.form_schema, data, files=files)
        assert errors == {}
        return portal_services.file_online(citizen=citizen, procedure_code=BIRTH,
                                           schema=spec.form.form_schema, cleaned=cleaned,
                                           files=files, token=TOKEN)

    first = file_once()
    looked_up = []
    real_lookup = portal_services._filed_with

    def first_lookup_misses(*args):  # the twin looked before the first one committed
        looked_up.append(args)
        return None if len(looked_up) == 1 else real_lookup(*args)

    monkeypatch.setattr(portal_services, "_filed_with", first_lookup_misses)
    second = file_once()

    assert (second.dossier, second.created) == (first.dossier, False)
    assert Dossier.objects.count() == 1
    # The twin's own upload stays unattached; `haicap documents prune` removes it later.
    assert StoredFile.objects.filter(document__isnull=True).count() == 1


def test_an_invalid_form_shows_errors_next_to_the_fields_and_stores_nothing(client, people):
    citizen = people["citizen"]

    answer = signed_in(client, citizen).post(form_url(), eform(
        citizen, child_birth_date="31/02/2025", birth_certificate_medical=""))

    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'href="#f-child_birth_date"' in html and 'aria-invalid="true"' in html
    assert not Dossier.objects.exists()
    assert not StoredFile.objects.exists()


def test_filing_online_the_applicant_is_the_signed_in_citizen(client, people):
    citizen = people["citizen"]

    answer = signed_in(client, citizen).post(form_url(), eform(
        citizen, applicant_national_id=people["neighbour"].national_id))

    assert answer.status_code == 422
    assert 'href="#f-applicant_national_id"' in answer.content.decode()
    assert not Dossier.objects.exists()


def test_a_refused_address_is_shown_at_the_applicants_address_field(client, people):
    citizen = people["citizen"]

    answer = signed_in(client, citizen).post(form_url(), eform(
        citizen, applicant_address="12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"))

    assert answer.status_code == 422
    assert 'href="#f-applicant_address"' in answer.content.decode()
    assert not Dossier.objects.exists()


def test_a_visitor_is_offered_vneid_and_finds_the_answers_again_after_signing_in(client,
                                                                                people):
    citizen = people["citizen"]
    data = eform(citizen, child_full_name="Nguyễn Minh Khang")

    checked = client.post(form_url(), data)

    assert checked.status_code == 200 and not Dossier.objects.exists()
    assert reverse("core:vneid_start") in checked.content.decode()
    again = signed_in(client, citizen).get(form_url()).content.decode()
    assert 'value="Nguyễn Minh Khang"' in again
    assert ">Nộp hồ sơ</button>" in again  # the button now files


def test_the_form_of_a_signed_in_citizen_starts_with_what_vneid_says(client, people):
    citizen = people["citizen"]

    html = signed_in(client, citizen).get(form_url()).content.decode()

    assert f'value="{citizen.national_id}"' in html
    assert f'value="{citizen.full_name}"' in html
    assert 'name="filing_token"' in html


def test_an_officer_checks_the_form_but_files_nothing_online(client, people):
    answer = signed_in(client, people["desk"]).post(form_url(), eform(people["citizen"]))

    assert answer.status_code == 200
    assert not Dossier.objects.exists()


# -- my dossiers -----------------------------------------------------------------------------------

def test_my_dossiers_lists_only_mine_newest_first(client, people):
    older, newer = filed_online(people["citizen"]), filed_online(people["citizen"])
    theirs = filed_online(people["neighbour"])

    html = signed_in(client, people["citizen"]).get(reverse("portal:my_dossiers")).content.decode()

    assert html.index(newer.code) < html.index(older.code)
    assert theirs.code not in html
    assert "Chờ tiếp nhận" in html  # the status in words
    assert "Trạng thái quốc gia 1" in html


def test_my_dossiers_marks_a_dossier_past_its_appointment_as_late(client, people):
    late = received(filed_online(people["citizen"], MARITAL_STATUS), people["desk"])
    on_time = received(filed_online(people["citizen"], MARITAL_STATUS), people["desk"])
    Dossier.objects.filter(pk=late.pk).update(due_at="2000-01-03T09:00:00Z")

    html = signed_in(client, people["citizen"]).get(reverse("portal:my_dossiers")).content.decode()

    late_card = html[html.index(late.code):]
    on_time_card = html[html.index(on_time.code):html.index(late.code)]
    assert "Quá hạn" in late_card and "Quá hạn" not in on_time_card
    assert "03/01/2000" in late_card


def test_my_dossiers_page_costs_the_same_queries_for_one_dossier_or_many(
        client, people, django_assert_max_num_queries):
    client = signed_in(client, people["citizen"])
    filed_online(people["citizen"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:my_dossiers"))
    for _ in range(4):
        received(filed_online(people["citizen"]), people["desk"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("portal:my_dossiers"))


def test_another_citizen_gets_404_on_my_dossier_its_slips_and_its_supplement(client, people):
    dossier = asked_for_supplement(people)
    client = signed_in(client, people["neighbour"])

    assert client.get(reverse("portal:my_dossier", args=[dossier.code])).status_code == 404
    assert client.get(reverse("portal:filed", args=[dossier.code])).status_code == 404
    for form in ("01", "02"):
        url = reverse("portal:my_slip", kwargs={"code": dossier.code, "form": form,
                                                "fmt": "html"})
        assert client.get(url).status_code == 404
    sent = client.post(reverse("portal:supplement", args=[dossier.code]),
                       {"note": "Không phải hồ sơ của tôi"})
    assert sent.status_code == 404
    assert not dossier.events.filter(action="supplement_submitted").exists()


def test_officers_are_told_my_dossiers_is_for_citizens(client, people):
    answer = signed_in(client, people["desk"]).get(reverse("portal:my_dossiers"))
    assert answer.status_code == 403


def test_the_receipt_slip_is_the_applicants_once_the_desk_received_the_dossier(client, people):
    dossier = filed_online(people["citizen"], MARITAL_STATUS)
    client = signed_in(client, people["citizen"])
    url = reverse("portal:my_slip", kwargs={"code": dossier.code, "form": "01", "fmt": "html"})

    assert client.get(url).status_code == 404  # no receipt before reception
    assert url not in client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    received(dossier, people["desk"])

    slip = client.get(url)
    assert slip.status_code == 200 and dossier.code in slip.content.decode()
    assert "no-store" in slip["Cache-Control"]
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert url in page
    pdf = client.get(url.replace(".html", ".pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_history_names_units_and_never_an_officer(client, people):
    dossier = asked_for_supplement(people)

    html = signed_in(client, people["citizen"]).get(
        reverse("portal:my_dossier", args=[dossier.code])).content.decode()

    assert f"Đã tiếp nhận tại {people['office'].name}" in html
    assert "Thiếu bản sao giấy chứng tử" in html  # the reason asked, for the applicant
    for officer in (people["desk"], people["specialist"]):
        assert officer.full_name not in html and officer.username not in html


# -- supplement ------------------------------------------------------------------------------------

def test_the_applicant_sends_the_documents_asked_for_from_the_dossier_page(client, people):
    dossier = asked_for_supplement(people)
    client = signed_in(client, people["citizen"])
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert reverse("portal:supplement", args=[dossier.code]) in page

    sent = client.post(reverse("portal:supplement", args=[dossier.code]), {
        "files": [SimpleUploadedFile("giay-chung-tu.pdf", PDF, content_type="application/pdf")],
        "note": "Gửi bản sao giấy chứng tử"})

    assert sent.status_code == 302
    added = DossierDocument.objects.get(dossier=dossier, field_name="supplement_1")
    assert added.filename == "giay-chung-tu.pdf" and added.stored_file is not None
    assert dossier.events.filter(action="supplement_submitted").count() == 1
    page = client.get(sent["Location"]).content.decode()
    assert reverse("documents:citizen_viewer", args=[added.stored_file.pk]) in page
    assert "bộ phận một cửa đang kiểm tra" in page  # what happens now, after sending


def test_the_officer_sees_that_the_applicant_sent_the_supplement(client, people):
    dossier = asked_for_supplement(people)
    url = reverse("workspace:dossier", args=[dossier.code])
    before = signed_in(client, people["desk"]).get(url).content.decode()
    assert 'id="sent-supplement"' not in before
    signed_in(client, people["citizen"]).post(reverse("portal:supplement", args=[dossier.code]),
                                              {"note": "Giấy chứng tử gửi bản chính tại quầy"})

    after = signed_in(client, people["desk"]).get(url).content.decode()

    assert 'id="sent-supplement"' in after and "Giấy chứng tử gửi bản chính tại quầy" in after


def test_no_supplement_form_and_nothing_stored_when_nothing_was_asked(client, people):
    dossier = received(filed_online(people["citizen"], MARITAL_STATUS), people["desk"])
    client = signed_in(client, people["citizen"])
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert reverse("portal:supplement", args=[dossier.code]) not in page

    sent = client.post(reverse("portal:supplement", args=[dossier.code]), {
        "files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]})

    assert sent.status_code == 409
    assert not StoredFile.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused_next_to_the_file_field(client, people):
    dossier = asked_for_supplement(people)

    sent = signed_in(client, people["citizen"]).post(
        reverse("portal:supplement", args=[dossier.code]),
        {"files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")]})

    assert sent.status_code == 422
    assert 'id="supplement-files-error"' in sent.content.decode()
    assert not dossier.events.filter(action="supplement_submitted").exists()


def test_citizens_see_my_dossiers_in_the_menu(client, people):
    html = signed_in(client, people["citizen"]).get("/").content.decode()
    assert reverse("portal:my_dossiers") in html
    officer_html = signed_in(client, people["desk"]).get("/").content.decode()
    assert reverse("portal:my_dossiers") not in officer_html


def test_a_dossier_filed_at_a_desk_for_my_number_is_in_my_dossiers(client, people):
    body = procedure_by_code(MARITAL_STATUS).current_version.spec.example.body(MARITAL_STATUS)
    citizen = people["citizen"]
    at_desk = services.submit_dossier(
        procedure_code=MARITAL_STATUS, channel=Channel.IN_PERSON,
        applicant=services.Applicant(id_number=citizen.national_id, full_name=citizen.full_name,
                                     address=HAI_CHAU_ADDRESS),
        form=body["form"], documents=body["documents"], receiving_office=people["office"],
        submitted_by=people["desk"]).dossier

    assert at_desk.applicant == citizen
    html = signed_in(client, citizen).get(reverse("portal:my_dossiers")).content.decode()
    assert at_desk.code in html


def test_a_new_account_takes_the_dossiers_filed_for_its_number_before_it_existed(people):
    number = factories.national_id("male", 1979)
    body = procedure_by_code(MARITAL_STATUS).current_version.spec.example.body(MARITAL_STATUS)
    earlier = services.submit_dossier(
        procedure_code=MARITAL_STATUS, channel=Channel.IN_PERSON,
        applicant=services.Applicant(id_number=number, full_name="Phan Văn Đức",
                                     address=HAI_CHAU_ADDRESS),
        form=body["form"], documents=body["documents"], receiving_office=people["office"],
        submitted_by=people["desk"]).dossier
    assert earlier.applicant is None

    citizen = core_services.register_citizen(national_id=number, full_name="Phan Văn Đức")

    earlier.refresh_from_db()
    assert earlier.applicant == citizen
