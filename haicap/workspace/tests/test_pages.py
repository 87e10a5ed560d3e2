"""Rules of the officer workspace (issue 5 point 6): scoped pages, constant queries, actions
through the page, counter reception."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haicap.catalog.selectors import procedure_by_code
from haicap.core import services as core_services
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.documents.scanners import EICAR
from haicap.dossiers import engine, services, testing
from haicap.dossiers.models import Dossier, DossierEvent, Task, TaskStatus
from haicap.dossiers.routing import reception_desk
from haicap.dossiers.testing import BIRTH, MARITAL_STATUS, task_of
from haicap.workspace import views
from haicap.workspace.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

CHILD_HEALTH_INSURANCE = "1.014137"  # province level (department of health)
HOI_AN_ADDRESS = "12 Trần Hưng Đạo, Phường Hội An, Thành phố Đà Nẵng"


def submit(desk, name="Nguyễn Thị Mai") -> Dossier:
    return testing.submit(desk=desk, who=testing.applicant(full_name=name))


def signed_in(client, officer):
    client.force_login(officer)
    return client


# -- scoping ---------------------------------------------------------------------------------------

def test_another_communes_officer_gets_404_and_sees_the_dossier_in_no_queue(client, province):
    dossier = submit(province["hai_chau"])
    client = signed_in(client, province["son_tra_specialist"])

    page = client.get(reverse("workspace:dossier", args=[dossier.code]))
    assert page.status_code == 404
    assert client.post(reverse("workspace:action", args=[dossier.code]),
                       {"action": "claim", "lock_version": dossier.lock_version}
                       ).status_code == 404
    for tab in ("", "unit"):
        queue = client.get(reverse("workspace:queue"), {"tab": tab})
        assert dossier.code not in queue.content.decode()


def test_the_queue_shows_the_units_dossiers_with_a_late_badge(client, province, monkeypatch):
    dossier = submit(province["hai_chau"])
    Task.objects.filter(dossier=dossier).update(due_at="2000-01-01T00:00:00Z")
    client = signed_in(client, province["specialist"])

    page = client.get(reverse("workspace:queue"), {"due": "late"})

    assert page.status_code == 200
    assert dossier.code in page.content.decode() and "badge-bad" in page.content.decode()
    assert dossier.code not in client.get(reverse("workspace:queue"),
                                          {"due": "soon"}).content.decode()


def test_search_by_applicant_name_finds_only_that_dossier(client, province):
    wanted, other = submit(province["hai_chau"], "Trần Văn Bình"), submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])

    page = client.get(reverse("workspace:queue"), {"q": "văn bình"}, HTTP_HX_REQUEST="true")

    text = page.content.decode()
    assert wanted.code in text and other.code not in text
    assert "<html" not in text  # htmx gets only the rows


def test_the_queue_page_runs_the_same_number_of_queries_for_5_rows_and_a_full_page(
        client, province, django_assert_num_queries):
    for _ in range(5):
        submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])
    client.get(reverse("workspace:queue"))  # warm the session and the calendar
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("workspace:queue")).content.decode().count("pick-") == 5
    for _ in range(PAGE_SIZE):
        submit(province["hai_chau"])

    with django_assert_num_queries(len(five)):
        page = client.get(reverse("workspace:queue"))
    assert page.content.decode().count("pick-") == PAGE_SIZE


def test_a_queue_longer_than_the_cap_is_counted_no_further_and_says_so(client, province,
                                                                      monkeypatch):
    monkeypatch.setattr(views, "QUEUE_COUNT_CAP", 3)
    for _ in range(5):
        submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])

    page = client.get(reverse("workspace:queue")).content.decode()

    assert "Hơn 3 hồ sơ" in page and page.count("pick-") == 5


# -- actions through the page ----------------------------------------------------------------------

def test_forwarding_through_the_page_moves_the_dossier_to_the_next_step(client, province):
    dossier = submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])
    page = client.get(reverse("workspace:dossier", args=[dossier.code]))
    assert 'value="forward"' in page.content.decode()
    dossier.refresh_from_db()

    answer = client.post(reverse("workspace:action", args=[dossier.code]),
                         {"action": "forward", "lock_version": dossier.lock_version,
                          "task": task_of(dossier).pk}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 204
    assert answer["HX-Redirect"] == reverse("workspace:dossier", args=[dossier.code])
    task = task_of(dossier)
    assert (task.step_key, task.role) == ("approve", Role.LEADER)


def test_a_stale_lock_version_is_a_409_saying_to_reload(client, province):
    dossier = submit(province["hai_chau"])
    stale = Dossier.objects.get(pk=dossier.pk).lock_version
    engine.claim_task(officer=province["other_specialist"], task=task_of(dossier),
                      lock_version=stale)
    Task.objects.filter(dossier=dossier).update(assignee=None, status=TaskStatus.OPEN)
    client = signed_in(client, province["specialist"])

    answer = client.post(reverse("workspace:action", args=[dossier.code]),
                         {"action": "forward", "lock_version": stale,
                          "task": task_of(dossier).pk})

    assert answer.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật — tải lại" in answer.content.decode()
    assert task_of(dossier).step_key == "appraise"


def test_a_stale_lock_version_through_htmx_reloads_the_page_with_the_message(client, province):
    dossier = submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])

    answer = client.post(reverse("workspace:action", args=[dossier.code]),
                         {"action": "claim", "lock_version": 999,
                          "task": task_of(dossier).pk}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 409 and answer["HX-Refresh"] == "true"
    page = client.get(reverse("workspace:dossier", args=[dossier.code]))
    assert "Hồ sơ vừa được người khác cập nhật — tải lại" in page.content.decode()


def test_a_supplement_request_needs_a_reason(client, province):
    dossier = submit(province["hai_chau"])
    client = signed_in(client, province["specialist"])
    dossier.refresh_from_db()

    answer = client.post(reverse("workspace:action", args=[dossier.code]),
                         {"action": "request_supplement", "lock_version": dossier.lock_version,
                          "task": task_of(dossier).pk, "reason": "  "})

    assert answer.status_code == 422
    assert Dossier.objects.get(pk=dossier.pk).lock_version == dossier.lock_version


def test_bulk_claim_reports_which_were_claimed_and_which_had_changed(client, province):
    fresh, changed = submit(province["hai_chau"]), submit(province["hai_chau"])
    versions = {d.pk: Dossier.objects.get(pk=d.pk).lock_version for d in (fresh, changed)}
    engine.claim_task(officer=province["other_specialist"], task=task_of(changed),
                      lock_version=versions[changed.pk])
    client = signed_in(client, province["specialist"])

    answer = client.post(reverse("workspace:bulk_claim"), {"task": [
        f"{task_of(d).pk}:{versions[d.pk]}" for d in (fresh, changed)]}, follow=True)

    assert task_of(fresh).assignee == province["specialist"]
    assert task_of(changed).assignee == province["other_specialist"]
    text = answer.content.decode()
    assert fresh.code in text and changed.code in text


# -- counter reception -----------------------------------------------------------------------------

def html_form(code: str) -> dict:
    """The procedure's example as the reception page posts it (what the keyboard types)."""
    example = procedure_by_code(code).current_version.spec.example
    data = {"procedure": code}
    for name, value in example.form.items():
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = value
    for name, document in example.documents.items():
        data[name] = SimpleUploadedFile(document.filename, b"%PDF-1.7 scan",
                                        content_type="application/pdf")
    return data


def applicant(address=HOI_AN_ADDRESS) -> dict:
    return {"applicant-id_number": factories.national_id("male", 1988),
            "applicant-full_name": "Lê Văn Hùng", "applicant-phone": "0905111222",
            "applicant-address": address}


def test_the_procedure_is_picked_by_typing_its_code_and_enter(client, province):
    client = signed_in(client, province["desk"])

    page = client.get(reverse("workspace:reception"), {"q": MARITAL_STATUS})

    text = page.content.decode()
    assert 'name="applicant-id_number"' in text and "autofocus" in text


def test_reception_creates_a_dossier_received_at_the_officers_office_routed_by_address(
        client, province):
    client = signed_in(client, province["desk"])

    answer = client.post(reverse("workspace:reception"),
                         {**html_form(MARITAL_STATUS), **applicant(HOI_AN_ADDRESS)})

    assert answer.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "in_person" and dossier.status == "received"
    assert dossier.receiving_office == province["hai_chau"]
    assert dossier.competent_office == province["hoi_an"]  # file anywhere
    example = procedure_by_code(MARITAL_STATUS).current_version.spec.example
    assert dossier.documents.count() == len(example.documents)
    page = client.get(answer["Location"]).content.decode()
    assert dossier.code in page
    assert reverse("slips:slip", kwargs={"code": dossier.code, "form": "01", "fmt": "pdf"}) \
        in page


def test_form_fields_repeating_the_applicant_are_filled_from_the_applicant_block(client,
                                                                                province):
    client = signed_in(client, province["desk"])
    data = {**html_form(MARITAL_STATUS), **applicant()}
    for name in ("applicant_full_name", "applicant_national_id", "applicant_phone",
                 "applicant_address"):
        data.pop(name)

    answer = client.post(reverse("workspace:reception"), data)

    assert answer.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.form_data["applicant_full_name"] == "Lê Văn Hùng"
    assert dossier.form_data["applicant_national_id"] == dossier.applicant_id_number


def test_nothing_is_stored_when_the_reception_form_has_errors(client, province):
    client = signed_in(client, province["desk"])
    data = {**html_form(MARITAL_STATUS), **applicant(), "birth_date": "31/02/1990",
            "applicant-full_name": ""}

    answer = client.post(reverse("workspace:reception"), data)

    assert answer.status_code == 422
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    text = answer.content.decode()
    assert 'id="birth_date"' in text or "birth_date" in text
    assert "errorlist" in text


def test_an_address_outside_any_commune_is_shown_next_to_the_address(client, province):
    client = signed_in(client, province["desk"])

    answer = client.post(reverse("workspace:reception"),
                         {**html_form(MARITAL_STATUS), **applicant("Đâu đó không rõ")})

    assert answer.status_code == 422 and not Dossier.objects.exists()
    text = answer.content.decode()
    address = text[text.index('id="id_applicant-address"'):]
    assert address.index('class="errorlist"') < address.index("</div>")


def test_only_desk_officers_use_the_reception_screen(client, province):
    client = signed_in(client, province["specialist"])
    assert client.get(reverse("workspace:reception")).status_code == 403


def test_the_desk_asks_for_a_supplement_before_receiving_an_online_dossier(client, province):
    dossier = testing.submit(channel="online")
    client = signed_in(client, province["desk"])
    page = client.get(reverse("workspace:dossier", args=[dossier.code])).content.decode()
    assert 'value="receive"' in page and 'value="request_supplement"' in page

    answer = client.post(reverse("workspace:action", args=[dossier.code]),
                         {"action": "request_supplement", "lock_version": dossier.lock_version,
                          "reason": "Thiếu bản sao giấy khai sinh"})

    assert answer.status_code in (204, 302)
    assert testing.fresh(dossier).status == "waiting_supplement"
    page = client.get(reverse("workspace:dossier", args=[dossier.code])).content.decode()
    assert 'value="request_supplement"' not in page  # one request per dossier


def test_documents_scanned_at_the_counter_are_stored_hashed_and_linked(client, province):
    client = signed_in(client, province["desk"])

    answer = client.post(reverse("workspace:reception"), {**html_form(BIRTH), **applicant()})

    assert answer.status_code == 302
    documents = list(Dossier.objects.get().documents.select_related("stored_file"))
    assert documents and all(document.stored_file.sha256 == document.sha256
                             and document.stored_file.uploaded_by == province["desk"]
                             for document in documents)


def test_an_infected_scan_at_the_counter_is_refused_next_to_its_field_and_nothing_is_stored(
        client, province):
    client = signed_in(client, province["desk"])
    form = html_form(BIRTH)
    field = next(name for name, value in form.items() if isinstance(value, SimpleUploadedFile))
    form[field] = SimpleUploadedFile("scan.pdf", b"%PDF-1.7 " + EICAR,
                                     content_type="application/pdf")

    answer = client.post(reverse("workspace:reception"), {**form, **applicant()})

    assert answer.status_code == 422
    assert not Dossier.objects.exists()
    assert "Tệp có virus; tệp không được lưu." in answer.content.decode()


def test_an_online_dossier_waits_at_its_communes_desk_until_received(client, province):
    online = testing.submit(channel="online")
    testing.submit(desk=province["hai_chau"])  # received at the counter: not waiting

    page = signed_in(client, province["desk"]).get(reverse("workspace:awaiting_reception"))
    assert page.status_code == 200
    assert online.code in page.content.decode()
    assert Dossier.objects.filter(status="received").get().code not in page.content.decode()
    other = signed_in(client, province["son_tra_desk"]).get(
        reverse("workspace:awaiting_reception"))
    assert online.code not in other.content.decode()

    services.receive_dossier(officer=province["desk"], dossier=online,
                             lock_version=online.lock_version)
    page = signed_in(client, province["desk"]).get(reverse("workspace:awaiting_reception"))
    assert online.code not in page.content.decode()


def test_a_department_dossier_filed_from_afar_waits_at_the_one_stop_centre(province):
    health = core_services.create_office(code="SYT-48", name="Sở Y tế",
                                         kind=OfficeKind.DEPARTMENT,
                                         province=province["centre"].province)

    assert reception_desk(health) == province["centre"]
    assert reception_desk(province["hoi_an"]) == province["hoi_an"]
    dossier = testing.submit(CHILD_HEALTH_INSURANCE, channel="online")  # social insurance
    assert dossier.receiving_office == dossier.competent_office == province["centre"]


def test_only_desk_officers_see_the_reception_waiting_list(client, province):
    page = signed_in(client, province["specialist"]).get(
        reverse("workspace:awaiting_reception"))
    assert page.status_code == 403
