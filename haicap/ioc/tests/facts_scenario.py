"""A realistic week of dossiers moved through the real services, for the facts and selector
tests: on-time and late finishes, a supplement, an apology extension, a refusal, a withdrawal,
an open online dossier, ratings, a complaint and an online payment.

`play(monkeypatch, province, between=...)` calls `between()` after each action, so a test can
refresh the facts incrementally at every step."""

from haicap.dossiers import engine, services
from haicap.dossiers.models import Dossier
from haicap.dossiers.testing import act, at, fresh, local, submit
from haicap.dossiers.withdrawals import withdraw_dossier


def feedback(dossier: Dossier, action: str, **data) -> None:
    """What the feedback and payment apps write: an event leaving the status as it is."""
    dossier = fresh(dossier)
    services.record_event(dossier, action, dossier.status, data=data)


def play(monkeypatch, province, between=lambda: None) -> dict:
    desk, specialist, leader = province["desk"], province["specialist"], province["leader"]
    step = between
    at(monkeypatch, 2025, 3, 10, 9, 0)  # Monday; 3 working days: due Thursday 13 March 17:00
    on_time = submit(desk=province["hai_chau"])
    late = submit(desk=province["hai_chau"])
    supplemented = submit(desk=province["hai_chau"])
    apologised = submit(desk=province["hai_chau"])
    step()
    refused = submit(channel="online")
    withdrawn = submit(channel="online")
    waiting = submit(channel="online")
    step()

    at(monkeypatch, 2025, 3, 10, 10, 0)
    engine.refuse(officer=desk, dossier=fresh(refused), lock_version=fresh(refused).lock_version,
                  reason="Không đúng thẩm quyền")
    services.receive_dossier(officer=desk, dossier=withdrawn,
                             lock_version=fresh(withdrawn).lock_version)
    act(engine.request_supplement, specialist, supplemented, reason="Thiếu giấy tờ")
    step()

    at(monkeypatch, 2025, 3, 11, 9, 0)
    withdraw_dossier(actor=desk, dossier=fresh(withdrawn), lock_version=fresh(withdrawn)
                     .lock_version, reason="Người nộp rút hồ sơ")
    act(engine.forward, specialist, on_time)
    act(engine.forward, specialist, late)
    act(engine.forward, specialist, apologised)
    step()

    at(monkeypatch, 2025, 3, 12, 9, 0)  # two office days later: the appointment moves too
    engine.receive_supplement(officer=desk, dossier=fresh(supplemented),
                              lock_version=fresh(supplemented).lock_version)
    act(engine.approve, leader, on_time)  # result ready Wednesday: on time
    step()

    at(monkeypatch, 2025, 3, 13, 9, 0)
    engine.extend_with_apology(officer=leader, dossier=fresh(apologised),
                               lock_version=fresh(apologised).lock_version,
                               new_due_at=local(2025, 3, 20, 17, 0), reason="Cần xác minh")
    act(engine.return_result, desk, on_time)
    feedback(on_time, "rate", score=5, reason="", via="portal")
    feedback(on_time, "pay", method="online", amount=10000)
    step()

    at(monkeypatch, 2025, 3, 14, 10, 0)  # Friday: after Thursday 17:00
    act(engine.approve, leader, late)  # late
    act(engine.approve, leader, apologised)  # before the new date, after the original: late
    act(engine.forward, specialist, supplemented)
    step()

    at(monkeypatch, 2025, 3, 17, 9, 0)  # the supplement's two days moved its appointment
    act(engine.approve, leader, supplemented)  # on time against the moved appointment
    feedback(late, "rate", score=2, reason="Chậm", via="sms")
    feedback(late, "complain", complaint_id=1, category="late", via="portal")
    step()
    return {"on_time": on_time, "late": late, "supplemented": supplemented,
            "apologised": apologised, "refused": refused, "withdrawn": withdrawn,
            "waiting": waiting}
