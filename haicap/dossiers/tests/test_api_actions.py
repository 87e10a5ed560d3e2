"""The workflow actions and the task queue over the API (issue 5 points 2 and 8): officers
only, scoped by unit, conflicts as 409, every verb through the engine."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haicap.core.tests import factories
from haicap.core.tokens import ensure_partner, issue_token
from haicap.dossiers import engine
from haicap.dossiers.models import DossierEvent, Status, SupplementRequest
from haicap.dossiers.testing import BIRTH, act, fresh, submit, task_of
from haicap.units.models import Commune

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"


def post(client, dossier, action: str, **body):
    body.setdefault("lock_version", fresh(dossier).lock_version)
    return client.post(f"{URL}/{dossier.code}/{action}", body, content_type="application/json")


def as_officer(client, officer):
    client.force_login(officer)
    return client


def test_an_officer_runs_a_dossier_to_the_result_returned_over_the_api(client, province):
    dossier = submit(desk=province["hai_chau"])
    steps = [("specialist", "claim", Status.IN_PROCESS), ("specialist", "forward", None),
             ("leader", "approve", Status.FINISHED), ("desk", "return_result", Status.RETURNED)]

    for who, action, status in steps:
        done = post(as_officer(client, province[who]), dossier, action)

        assert done.status_code == 200, done.json()
        assert done.json()["lock_version"] == fresh(dossier).lock_version
        if status:
            assert done.json()["status"] == status
    assert [event.action for event in fresh(dossier).events.all()] == [
        "submit", "receive", "claim", "forward", "approve", "return_result"]


def test_actions_lists_the_open_step_and_what_the_caller_may_do(client, province):
    dossier = submit(desk=province["hai_chau"])

    mine = as_officer(client, province["specialist"]).get(f"{URL}/{dossier.code}/actions")
    leader = as_officer(client, province["leader"]).get(f"{URL}/{dossier.code}/actions")

    assert mine.status_code == 200, mine.json()
    body = mine.json()
    assert body["task"]["step"] == "appraise" and body["task"]["role"] == "specialist"
    assert body["task"]["unit"]["code"] == province["hai_chau"].code
    keys = {action["key"] for action in body["actions"]}
    assert {"claim", "forward", "send_back", "request_supplement"} <= keys
    assert next(a for a in body["actions"] if a["key"] == "send_back")["needs_reason"]
    assert {action["key"] for action in leader.json()["actions"]} == {"extend"}


def test_a_partner_token_may_not_act(client, province):
    dossier = submit(desk=province["hai_chau"])
    _row, token = issue_token(ensure_partner(code="hospital", name="Bệnh viện"))

    refused = client.post(f"{URL}/{dossier.code}/claim",
                          {"lock_version": fresh(dossier).lock_version},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert refused.status_code == 403
    assert client.get(f"{URL}/{dossier.code}/actions",
                      HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    assert task_of(dossier).assignee is None


def test_an_officer_of_another_commune_gets_404(client, province):
    dossier = submit(desk=province["hai_chau"])

    refused = post(as_officer(client, province["son_tra_specialist"]), dossier, "claim")

    assert refused.status_code == 404
    assert refused.json()["code"] == "dossier_not_found"


def test_an_officer_of_another_role_gets_403(client, province):
    dossier = submit(desk=province["hai_chau"])

    refused = post(as_officer(client, province["leader"]), dossier, "forward")

    assert refused.status_code == 403
    assert fresh(dossier).events.last().action == "receive"


def test_a_stale_lock_version_is_409_dossier_changed_and_changes_nothing(client, province):
    dossier = submit(desk=province["hai_chau"])
    seen = fresh(dossier).lock_version
    as_officer(client, province["specialist"])
    assert post(client, dossier, "claim", lock_version=seen).status_code == 200
    events = DossierEvent.objects.count()

    stale = post(client, dossier, "forward", lock_version=seen)

    assert stale.status_code == 409
    assert stale.json()["code"] == "dossier_changed"
    assert DossierEvent.objects.count() == events


def test_acting_on_a_dossier_in_another_state_is_409_dossier_state_changed(client, province):
    dossier = submit(desk=province["hai_chau"])
    as_officer(client, province["specialist"])
    assert post(client, dossier, "request_supplement", reason="Thiếu giấy tờ").status_code == 200

    refused = post(client, dossier, "forward")

    assert refused.status_code == 409
    assert refused.json()["code"] == "dossier_state_changed"


def test_a_reason_is_required_where_the_verb_needs_one(client, province):
    dossier = submit(desk=province["hai_chau"])

    refused = post(as_officer(client, province["specialist"]), dossier, "send_back",
                   reason="  ")
    missing = post(client, dossier, "send_back")

    assert refused.status_code == 422 and refused.json()["code"] == "reason_required"
    assert missing.status_code == 422


def test_the_desk_asks_for_a_supplement_before_reception_then_receives_it(client, province):
    dossier = submit(channel="online")
    as_officer(client, province["desk"])

    asked = post(client, dossier, "request_supplement", reason="Thiếu giấy ly hôn")
    arrived = post(client, dossier, "receive_supplement", note="Đã nộp đủ")
    received = post(client, dossier, "receive")

    assert asked.status_code == 200 and asked.json()["status"] == Status.WAITING_SUPPLEMENT
    assert asked.json()["national_status"] == 5
    assert arrived.status_code == 200 and arrived.json()["status"] == Status.NEW
    assert received.status_code == 200 and received.json()["due_at"]
    assert SupplementRequest.objects.get(dossier=dossier).task is None


def test_refusal_at_reception_and_extension_over_the_api(client, province):
    online, received = submit(channel="online"), fresh(submit(desk=province["hai_chau"]))
    as_officer(client, province["desk"])

    refused = post(client, online, "refuse", reason="Không thuộc thẩm quyền")
    later = received.due_at.replace(year=received.due_at.year + 1).isoformat()
    extended = post(client, received, "extend", reason="Cần xác minh", new_due_at=later)

    assert refused.status_code == 200 and refused.json()["status"] == Status.REFUSED
    assert extended.status_code == 200, extended.json()
    assert fresh(received).extensions.count() == 1


def test_send_back_and_hand_off_over_the_api(client, province):
    dossier = submit(BIRTH, desk=province["hai_chau"])
    post(as_officer(client, province["specialist"]), dossier, "forward")

    back = post(as_officer(client, province["leader"]), dossier, "send_back", reason="Sai tên")
    assert back.status_code == 200 and task_of(dossier).step_key == "appraise"
    post(as_officer(client, province["specialist"]), dossier, "forward", note="Đã sửa")
    post(as_officer(client, province["leader"]), dossier, "sign")

    handed = post(as_officer(client, province["specialist"]), dossier, "hand_off")

    assert handed.status_code == 200, handed.json()
    assert fresh(dossier).linked_dossiers.count() == 1


def test_claiming_a_dossier_without_an_open_step_is_409_task_closed(client, province):
    dossier = submit(channel="online")

    refused = post(as_officer(client, province["desk"]), dossier, "claim")

    assert refused.status_code == 409 and refused.json()["code"] == "task_closed"


def test_my_queue_and_my_units_queue(client, province):
    mine, theirs = submit(desk=province["hai_chau"]), submit(desk=province["hai_chau"])
    act(engine.claim_task, province["other_specialist"], theirs)
    as_officer(client, province["specialist"])

    queue = client.get("/api/v1/tasks").json()
    unit = client.get("/api/v1/tasks", {"queue": "unit"}).json()

    assert [row["dossier"] for row in queue["items"]] == [mine.code]
    assert {row["dossier"] for row in unit["items"]} == {mine.code, theirs.code}
    assert queue["items"][0]["step"] == "appraise"
    assert client.get("/api/v1/tasks", {"queue": "all"}).status_code == 422


def test_the_task_queue_runs_a_constant_number_of_queries(client, province):
    for _ in range(5):
        submit(desk=province["hai_chau"])
    as_officer(client, province["specialist"])

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get("/api/v1/tasks", {"limit": limit}).json()["items"]) == limit
        return len(captured)

    queries(1)  # the worker reads the commune's offices once (core.reference)
    assert queries(1) == queries(5)


def test_a_citizen_has_no_task_queue(client, province):
    client.force_login(factories.resident(Commune.objects.get(province_id="48",
                                                              name="Phường Hải Châu")))

    assert client.get("/api/v1/tasks").status_code == 403
