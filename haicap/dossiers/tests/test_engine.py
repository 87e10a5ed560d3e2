"""Rules of the workflow engine: tasks from the versioned workflow, actions (issue 5 point 2)."""

import pytest
import yaml

from haicap.catalog.services import default_directory, load_catalog
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.dossiers import engine, services
from haicap.dossiers.models import (
    Channel,
    DossierEvent,
    OutboxMessage,
    Status,
    Task,
    TaskStatus,
    Timer,
    TimerKind,
)
from haicap.dossiers.testing import (
    BIRTH,
    MARITAL_STATUS,
    act,
    at,
    fresh,
    local,
    submit,
    task_of,
)
from haicap.slips.builders import supplement_request_slip

pytestmark = pytest.mark.django_db



# -- tasks -----------------------------------------------------------------------------------------

def test_reception_opens_the_next_steps_task_in_the_competent_communes_queue(province,
                                                                             monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # a Monday

    dossier = submit(desk=province["hoi_an"])  # filed anywhere: Hội An desk, Hải Châu address

    task = task_of(dossier)
    assert (task.step_key, task.role, task.office) == ("appraise", Role.SPECIALIST,
                                                       province["hai_chau"])
    assert task.status == TaskStatus.OPEN and task.assignee is None
    # 60 % of 3 working days = 13.5 office hours from Monday 09:00 → Tuesday 17:00
    assert task.due_at == local(2025, 3, 11, 17, 0)
    assert list(Task.objects.queue_of(province["specialist"])) == [task]
    assert not Task.objects.queue_of(province["son_tra_specialist"]).exists()


def test_a_province_step_goes_to_the_province_unit_whatever_desk_received_it(province,
                                                                            monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)

    dossier = submit("1.014137", desk=province["hai_chau"])  # social insurance: the centre

    task = task_of(dossier)
    assert task.office.kind == OfficeKind.ONE_STOP_CENTRE
    assert task.office == fresh(dossier).competent_office
    assert task.due_at == local(2025, 3, 12, 9, 0)  # 40 % of 5 working days = 15 office hours


def test_online_dossier_gets_its_first_task_when_a_desk_receives_it(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    assert not Task.objects.filter(dossier=dossier).exists()

    services.receive_dossier(officer=province["desk"], dossier=dossier,
                             lock_version=fresh(dossier).lock_version)

    assert task_of(dossier).step_key == "appraise"


def test_same_day_procedure_step_gets_its_share_of_the_office_day(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 8, 0)

    dossier = submit(BIRTH, desk=province["hai_chau"])

    # 36 % of a 7.5-hour office day = 2.7 hours from 08:00
    assert task_of(dossier).due_at == local(2025, 3, 10, 10, 42)


def test_a_dossier_received_after_15h_starts_its_first_step_the_next_working_day(province,
                                                                                 monkeypatch):
    at(monkeypatch, 2025, 3, 10, 15, 30)

    dossier = submit(desk=province["hai_chau"])

    # counting starts Tuesday 07:30; 13.5 office hours later is Wednesday 15:30
    assert task_of(dossier).due_at == local(2025, 3, 12, 15, 30)


def test_a_dossier_runs_its_workflow_to_the_result_returned(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])

    engine.claim_task(officer=province["specialist"], task=task_of(dossier),
                      lock_version=fresh(dossier).lock_version)
    assert fresh(dossier).status == Status.IN_PROCESS
    approve_task = act(engine.forward, province["specialist"], dossier)
    assert (approve_task.step_key, approve_task.role) == ("approve", Role.LEADER)
    return_task = act(engine.approve, province["leader"], dossier)
    assert (return_task.step_key, return_task.role) == ("return", Role.DESK_OFFICER)
    assert fresh(dossier).status == Status.FINISHED
    assert dossier.finished_at is not None
    act(engine.return_result, province["desk"], dossier)

    dossier = fresh(dossier)
    assert dossier.status == Status.RETURNED and dossier.returned_at is not None
    assert not Task.objects.active().filter(dossier=dossier).exists()
    assert list(Task.objects.filter(dossier=dossier).order_by("id").values_list(
        "step_key", "assignee")) == [("appraise", province["specialist"].pk),
                                     ("approve", province["leader"].pk),
                                     ("return", province["desk"].pk)]


def test_the_leader_may_sign_instead_of_approving(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)

    return_task = act(engine.sign, province["leader"], dossier)

    assert return_task.step_key == "return"
    assert fresh(dossier).events.last().action == "sign"


def test_approving_the_step_that_makes_the_result_finishes_the_dossier(province):
    dossier = submit(BIRTH, desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)

    next_task = act(engine.approve, province["leader"], dossier)

    assert next_task.step_key == "handoff_residence"  # hand-offs and return still follow
    dossier = fresh(dossier)
    assert dossier.status == Status.FINISHED and dossier.finished_at is not None


def test_finish_is_refused_at_a_step_that_does_not_make_the_result(province):
    dossier = submit(desk=province["hai_chau"])

    with pytest.raises(InvalidInput) as refused:
        act(engine.finish, province["specialist"], dossier)

    assert refused.value.code == "action_not_allowed"
    act(engine.forward, province["specialist"], dossier)
    act(engine.finish, province["leader"], dossier)
    assert fresh(dossier).status == Status.FINISHED


def test_return_to_previous_step_opens_a_new_task_there(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)

    back = act(engine.return_to_previous, province["leader"], dossier, reason="Sai tên")

    assert (back.step_key, back.role, back.office) == ("appraise", Role.SPECIALIST,
                                                       province["hai_chau"])
    assert fresh(dossier).events.last().action == "send_back"


def test_an_action_the_step_does_not_allow_is_refused(province):
    dossier = submit(desk=province["hai_chau"])

    with pytest.raises(InvalidInput) as refused:
        act(engine.approve, province["specialist"], dossier)

    assert refused.value.code == "action_not_allowed"


# -- who may act -----------------------------------------------------------------------------------

def test_officer_of_another_unit_cannot_act(province):
    dossier = submit(desk=province["hai_chau"])

    with pytest.raises(PermissionDenied) as denied:
        act(engine.claim_task, province["son_tra_specialist"], dossier)

    assert denied.value.status == 403
    assert task_of(dossier).status == TaskStatus.OPEN


def test_officer_of_another_role_in_the_unit_cannot_act(province):
    dossier = submit(desk=province["hai_chau"])

    with pytest.raises(PermissionDenied):
        act(engine.forward, province["desk"], dossier)


def test_a_claimed_task_is_acted_on_only_by_its_assignee(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.claim_task, province["specialist"], dossier)

    with pytest.raises(PermissionDenied) as denied:
        act(engine.forward, province["other_specialist"], dossier)

    assert denied.value.code == "task_claimed_by_another"


def test_two_officers_forwarding_at_once_one_gets_a_conflict(province):
    dossier = submit(desk=province["hai_chau"])
    task, seen = task_of(dossier), fresh(dossier).lock_version

    engine.forward(officer=province["specialist"], task=task, lock_version=seen)
    with pytest.raises(services.Conflict) as conflict:
        engine.forward(officer=province["other_specialist"], task=task, lock_version=seen)

    assert conflict.value.status == 409 and conflict.value.code == "dossier_changed"
    assert Task.objects.filter(dossier=dossier, step_key="approve").count() == 1


STALE_ACTIONS = {
    "claim": lambda p, d, t, v: engine.claim_task(officer=p["specialist"], task=t,
                                                  lock_version=v),
    "forward": lambda p, d, t, v: engine.forward(officer=p["specialist"], task=t,
                                                 lock_version=v),
    "send_back": lambda p, d, t, v: engine.return_to_previous(officer=p["specialist"], task=t,
                                                              lock_version=v, reason="Sai"),
    "request_supplement": lambda p, d, t, v: engine.request_supplement(
        officer=p["specialist"], task=t, lock_version=v, reason="Thiếu"),
    "extend": lambda p, d, t, v: engine.extend_with_apology(
        officer=p["leader"], dossier=d, lock_version=v, new_due_at=local(2030, 1, 1, 17, 0),
        reason="Cần xác minh"),
}


@pytest.mark.parametrize("action", sorted(STALE_ACTIONS))
def test_an_action_based_on_a_stale_version_changes_nothing(province, action):
    dossier = fresh(submit(desk=province["hai_chau"]))
    events = DossierEvent.objects.count()

    with pytest.raises(services.Conflict) as conflict:
        STALE_ACTIONS[action](province, dossier, task_of(dossier), dossier.lock_version - 1)

    assert conflict.value.code == "dossier_changed"
    assert DossierEvent.objects.count() == events
    assert fresh(dossier).status == Status.RECEIVED


def test_each_action_appends_one_event_and_one_control_sheet_entry(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(desk=province["hai_chau"])
    steps = [(engine.claim_task, "specialist", "claim"),
             (engine.forward, "specialist", "forward"),
             (engine.approve, "leader", "approve"),
             (engine.return_result, "desk", "return_result")]
    for verb, who, action in steps:
        counts = (DossierEvent.objects.count(), OutboxMessage.objects.count(),
                  AuditEntry.objects.count())

        act(verb, province[who], dossier)

        assert (DossierEvent.objects.count(), OutboxMessage.objects.count(),
                AuditEntry.objects.count()) == tuple(n + 1 for n in counts)
        event = DossierEvent.objects.latest("id")
        assert event.action == action and event.office == province["hai_chau"]
        assert {"step", "from_office", "to_office", "to_step"} <= set(event.data)
    forward_event = DossierEvent.objects.get(dossier=dossier, action="forward")
    assert forward_event.data["step"] == "appraise"
    assert forward_event.data["to_step"] == "approve"
    assert forward_event.data["to_office"] == province["hai_chau"].pk
    assert forward_event.data["on_time"] is True


def test_only_a_desk_officer_refuses_to_receive_a_dossier(province):
    dossier = submit(channel="online")

    with pytest.raises(PermissionDenied):
        engine.refuse(officer=province["specialist"], dossier=dossier,
                      lock_version=fresh(dossier).lock_version, reason="Không đủ")


def test_only_a_desk_of_the_dossier_or_the_step_holder_records_the_supplement(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")
    son_tra_desk = factories.officer(province["son_tra"], Role.DESK_OFFICER)

    for officer in (son_tra_desk, province["leader"]):
        with pytest.raises(PermissionDenied):
            engine.receive_supplement(officer=officer, dossier=dossier,
                                      lock_version=fresh(dossier).lock_version)
    engine.receive_supplement(officer=province["specialist"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)
    assert fresh(dossier).status == Status.RECEIVED


# -- supplement, refusal, apology ------------------------------------------------------------------

def test_only_one_supplement_request_per_dossier(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")
    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)

    with pytest.raises(InvalidInput) as refused:
        act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu nữa")

    assert refused.value.code == "supplement_already_requested"
    assert "một lần" in refused.value.message
    assert fresh(dossier).status == Status.RECEIVED


def test_supplement_time_is_not_counted(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)  # Monday; due Thursday 13 March, 17:00
    dossier = submit(desk=province["hai_chau"])
    assert fresh(dossier).due_at == local(2025, 3, 13, 17, 0)
    at(monkeypatch, 2025, 3, 11, 10, 0)
    act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu giấy tờ")
    assert fresh(dossier).status == Status.WAITING_SUPPLEMENT

    at(monkeypatch, 2025, 3, 13, 10, 0)  # two working days (15 office hours) later
    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)

    dossier = fresh(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.due_at == local(2025, 3, 17, 17, 0)  # Monday: the weekend is not counted
    assert dossier.original_due_at == local(2025, 3, 17, 17, 0)  # a pause is no extension
    assert task_of(dossier).due_at == local(2025, 3, 13, 17, 0)  # was Tuesday 17:00


def test_refusal_needs_a_reason(province):
    dossier = submit(desk=province["hai_chau"])

    with pytest.raises(InvalidInput) as refused:
        act(engine.refuse, province["leader"], dossier, reason=" ")

    assert refused.value.code == "reason_required"


def test_refusal_in_process_stops_the_dossier(province):
    dossier = submit(desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)

    act(engine.refuse, province["leader"], dossier, reason="Không đủ điều kiện")

    assert fresh(dossier).status == Status.STOPPED
    assert not Task.objects.active().filter(dossier=dossier).exists()


def test_refusal_at_reception_means_not_received(province):
    dossier = submit(channel="online")

    engine.refuse(officer=province["desk"], dossier=dossier,
                  lock_version=fresh(dossier).lock_version, reason="Không thuộc thẩm quyền")

    assert fresh(dossier).status == Status.REFUSED
    assert int(dossier.national_status) == 3


def test_apology_extension_needs_a_later_date_and_is_recorded(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = fresh(submit(desk=province["hai_chau"]))
    old = dossier.due_at

    with pytest.raises(InvalidInput) as refused:
        engine.extend_with_apology(officer=province["leader"], dossier=dossier,
                                   lock_version=dossier.lock_version, new_due_at=old,
                                   reason="Cần xác minh")
    assert refused.value.code == "extension_date_not_later"

    extension = engine.extend_with_apology(
        officer=province["leader"], dossier=dossier, lock_version=dossier.lock_version,
        new_due_at=local(2025, 3, 18, 17, 0), reason="Cần xác minh nơi cư trú trước đây")

    dossier = fresh(dossier)
    assert (extension.previous_due_at, extension.new_due_at) == (old, local(2025, 3, 18, 17, 0))
    assert dossier.due_at == local(2025, 3, 18, 17, 0) and dossier.original_due_at == old
    assert dossier.extensions.count() == 1
    assert dossier.events.last().action == "extend"


def test_only_the_competent_units_leader_or_desk_officer_may_extend(province):
    dossier = fresh(submit(desk=province["hai_chau"]))
    later = local(2030, 1, 1, 17, 0)

    for officer in (province["specialist"], province["hoi_an_leader"]):
        with pytest.raises(PermissionDenied):
            engine.extend_with_apology(officer=officer, dossier=dossier,
                                       lock_version=dossier.lock_version, new_due_at=later,
                                       reason="Cần xác minh")
    engine.extend_with_apology(officer=province["desk"], dossier=dossier,
                               lock_version=dossier.lock_version, new_due_at=later,
                               reason="Cần xác minh")


def test_the_desk_asks_for_a_supplement_before_receiving_an_online_dossier(province):
    dossier = submit(channel="online")

    request = engine.request_supplement(officer=province["desk"], dossier=dossier,
                                        lock_version=fresh(dossier).lock_version,
                                        reason="Thiếu bản sao giấy ly hôn")

    dossier = fresh(dossier)
    assert dossier.status == Status.WAITING_SUPPLEMENT and dossier.due_at is None
    assert (request.task, request.resume_status) == (None, Status.NEW)
    assert dossier.events.last().action == "request_supplement"
    slip = supplement_request_slip(dossier, "http://testserver")  # form 02
    assert slip.items == ("Thiếu bản sao giấy ly hôn",)
    assert not Task.objects.filter(dossier=dossier).exists()


def test_a_supplement_asked_at_reception_arrives_and_the_dossier_is_then_received(province,
                                                                                   monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    dossier = submit(channel="online")
    engine.request_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version, reason="Thiếu giấy tờ")
    at(monkeypatch, 2025, 3, 12, 9, 0)

    engine.receive_supplement(officer=province["desk"], dossier=dossier,
                              lock_version=fresh(dossier).lock_version)
    assert fresh(dossier).status == Status.NEW and dossier.due_at is None
    services.receive_dossier(officer=province["desk"], dossier=dossier,
                             lock_version=dossier.lock_version)

    dossier = fresh(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.due_at == local(2025, 3, 17, 17, 0)  # 3 working days from Wednesday
    assert task_of(dossier).step_key == "appraise"
    with pytest.raises(InvalidInput) as refused:  # still one request per dossier
        act(engine.request_supplement, province["specialist"], dossier, reason="Thiếu nữa")
    assert refused.value.code == "supplement_already_requested"


def test_only_a_desk_of_the_dossier_asks_for_a_supplement_before_reception(province):
    dossier = submit(channel="online")

    for officer in (province["specialist"], province["hoi_an_desk"]):
        with pytest.raises(PermissionDenied):
            engine.request_supplement(officer=officer, dossier=dossier,
                                      lock_version=fresh(dossier).lock_version,
                                      reason="Thiếu giấy tờ")
    assert fresh(dossier).status == Status.NEW


def test_a_received_dossier_is_not_asked_for_a_supplement_as_at_reception(province):
    dossier = fresh(submit(desk=province["hai_chau"]))

    with pytest.raises(services.Conflict) as conflict:
        engine.request_supplement(officer=province["desk"], dossier=dossier,
                                  lock_version=dossier.lock_version, reason="Thiếu giấy tờ")

    assert conflict.value.code == "dossier_state_changed"


# -- approve and sign as separate steps ------------------------------------------------------------

def _with_separate_sign_step(directory):
    """The marital-status procedure with its leader's step split in two: approve, then sign
    (the signing step makes the result)."""
    spec = yaml.safe_load((default_directory() / f"{MARITAL_STATUS}.yaml").read_text())
    steps = spec["workflow"]["steps"]
    approve = next(step for step in steps if step["key"] == "approve")
    sign = {**approve, "key": "sign", "kind": "sign", "name": "Ký giấy xác nhận",
            "actions": ["sign", "send_back"], "share": 0.1}
    approve.update(actions=["approve", "reject", "send_back"], produces=["form_03", "form_06"],
                   next=["sign"], share=0.1)
    steps.insert(steps.index(approve) + 1, sign)
    (directory / f"{MARITAL_STATUS}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True))
    report = load_catalog(directory)
    assert not report.errors, report.summary()


def test_a_workflow_with_approve_and_sign_steps_runs_both(province, tmp_path):
    _with_separate_sign_step(tmp_path)
    dossier = submit(desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)

    for skipping in (engine.sign, engine.forward):  # the approval cannot be skipped
        with pytest.raises(InvalidInput):
            act(skipping, province["leader"], dossier)
    sign_task = act(engine.approve, province["leader"], dossier)
    assert sign_task.step_key == "sign" and fresh(dossier).status == Status.IN_PROCESS
    with pytest.raises(InvalidInput):  # nor the signature
        act(engine.approve, province["leader"], dossier)
    return_task = act(engine.sign, province["leader"], dossier)

    assert return_task.step_key == "return" and fresh(dossier).status == Status.FINISHED
    assert [event.action for event in fresh(dossier).events.all()][-2:] == ["approve", "sign"]


# -- linked procedures -----------------------------------------------------------------------------

def test_handoff_starts_the_linked_procedure(province):
    dossier = submit(BIRTH, desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)
    handoff_task = act(engine.approve, province["leader"], dossier)
    assert handoff_task.step_key == "handoff_residence"

    linked = act(engine.hand_off, province["specialist"], dossier)

    dossier = fresh(dossier)
    assert linked.procedure.code == "1.004222"
    assert linked.channel == Channel.LINKED and linked.status == Status.NEW
    assert linked.linked_from == dossier and list(dossier.linked_dossiers.all()) == [linked]
    assert linked.applicant_id_number == dossier.applicant_id_number
    assert linked.competent_office == province["hai_chau"]
    shared = set(dossier.form_data) & set(
        linked.procedure_version.spec.form.properties)
    assert shared and set(linked.form_data) == shared
    assert all(linked.form_data[name] == dossier.form_data[name] for name in shared)
    assert dossier.events.last().data["linked_dossier"] == linked.code
    assert linked.events.get().data["linked_from"] == dossier.code
    assert task_of(dossier).step_key == "handoff_health_insurance"


def test_a_handoff_the_applicant_did_not_ask_for_starts_nothing(province):
    dossier = submit(BIRTH, desk=province["hai_chau"], register_permanent_residence=False)
    act(engine.forward, province["specialist"], dossier)
    act(engine.approve, province["leader"], dossier)

    linked = act(engine.hand_off, province["specialist"], dossier)

    assert linked is None and not fresh(dossier).linked_dossiers.exists()
    assert task_of(dossier).step_key == "handoff_health_insurance"


# -- timers are created with each task -------------------------------------------------------------

def test_each_task_gets_timers_at_75_and_90_percent_and_at_its_due_time(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)

    task = task_of(submit(desk=province["hai_chau"]))  # 13.5 office hours from Monday 09:00

    timers = {timer.kind: timer.due_at for timer in Timer.objects.filter(task=task)}
    assert timers == {TimerKind.WARN_ASSIGNEE: local(2025, 3, 11, 13, 37, 30),
                      TimerKind.WARN_LEADER: local(2025, 3, 11, 15, 39),
                      TimerKind.OVERDUE: local(2025, 3, 11, 17, 0)}


RESIDENCE = "1.004222"  # permanent residence: its last hand-off belongs to the birth chain


def test_a_chain_only_handoff_starts_nothing_for_a_dossier_filed_on_its_own(province):
    """1.004222's hand-off to the child's health-insurance card belongs to the birth chain: an
    adult registering residence at the desk starts no child-insurance dossier."""
    dossier = submit(RESIDENCE, desk=province["hai_chau"])
    act(engine.forward, province["specialist"], dossier)
    assert act(engine.approve, province["leader"], dossier).step_key == "handoff_health_insurance"

    linked = act(engine.hand_off, province["specialist"], dossier)

    assert linked is None and not fresh(dossier).linked_dossiers.exists()
    assert task_of(dossier).step_key == "return"


def test_the_residence_dossier_of_a_birth_chain_hands_off_the_health_insurance_card(province):
    birth = submit(BIRTH, desk=province["hai_chau"])
    act(engine.forward, province["specialist"], birth)
    act(engine.approve, province["leader"], birth)
    residence = act(engine.hand_off, province["specialist"], birth)
    services.receive_dossier(officer=province["desk"], dossier=residence,
                                    lock_version=residence.lock_version)
    act(engine.forward, province["specialist"], residence)
    act(engine.approve, province["leader"], residence)

    card = act(engine.hand_off, province["specialist"], residence)

    assert card.procedure.code == "1.014137" and card.linked_from == residence
    # The birth dossier's own hand-off of the card finds it started: one card per child.
    assert act(engine.hand_off, province["specialist"], birth) is None
