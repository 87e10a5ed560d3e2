"""Decision 766/QĐ-TTg scores (issue 6 point 2): one test per indicator, no data shown as no
data, the ranking and its change since the previous period."""

import pytest
from django.utils import timezone

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.dossiers import engine
from haicap.dossiers import services as dossier_services
from haicap.dossiers.models import DossierEvent
from haicap.dossiers.testing import act, applicant, at, build_province, submit
from haicap.ioc import scores, services
from haicap.ioc.selectors import Period, Scope
from haicap.ioc.tests.facts_scenario import feedback, play
from haicap.national_portal.models import FeedItem

pytestmark = pytest.mark.django_db

MARCH = Period.parse("2025-03")
PROVINCE = Scope("48")
HOI_AN_ADDRESS = "12 Nguyễn Huệ, Phường Hội An, Thành phố Đà Nẵng"


@pytest.fixture
def province() -> dict:
    return build_province()


@pytest.fixture
def week(province, monkeypatch) -> dict:
    """The scenario's week (7 dossiers filed 10 March; 4 finished, 2 of them on time)."""
    dossiers = play(monkeypatch, province)
    services.refresh()
    return dossiers


def group(found: scores.Scores, key: str) -> scores.Group:
    return next(item for item in found.groups if item.key == key)


def test_the_six_groups_weigh_100_points():
    assert sum(max_points for _key, _name, max_points, _text in scores.GROUPS) == 100
    assert [key for key, *_rest in scores.GROUPS] == ["publicity", "progress", "online",
                                                       "payment", "satisfaction",
                                                       "digitization"]


def test_progress_is_the_share_finished_on_time_of_those_finished(week):
    progress = group(scores.scores(PROVINCE, MARCH), "progress")
    assert (progress.rate, progress.points) == (50.0, 10.0)  # 2 of 4, out of 20 points


def test_online_is_the_mean_of_the_online_and_full_online_shares(week):
    online = group(scores.scores(PROVINCE, MARCH), "online")
    filed_online, full_online = online.parts
    assert (filed_online.numerator, filed_online.denominator) == (3, 7)
    # the marital-status certificate is a full-online procedure: its 7 dossiers, 3 online
    assert (full_online.numerator, full_online.denominator) == (3, 7)
    assert online.rate == 42.86 and online.points == round(12 * 0.4286, 2)


def test_online_payment_counts_pay_events_paid_online(week):
    payment = group(scores.scores(PROVINCE, MARCH), "payment")
    assert (payment.parts[0].numerator, payment.parts[0].denominator) == (1, 1)
    assert (payment.rate, payment.points) == (100.0, 10.0)


def test_without_payment_events_the_payment_group_has_no_data_and_no_points(province,
                                                                           monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(desk=province["hai_chau"])
    services.refresh()

    payment = group(scores.scores(PROVINCE, MARCH), "payment")

    assert (payment.has_data, payment.rate, payment.points) == (False, None, 0.0)


def test_satisfaction_is_100_minus_late_rate_and_complaint_rate(week):
    satisfaction = group(scores.scores(PROVINCE, MARCH), "satisfaction")
    # late 2 of 4 finished = 50 %, complaints on 1 of 7 dossiers = 14.29 %
    assert satisfaction.rate == 35.71
    assert satisfaction.points == round(18 * 0.3571, 2)


def test_satisfaction_has_no_data_while_nothing_is_finished(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    submit(desk=province["hai_chau"])
    services.refresh()

    assert not group(scores.scores(PROVINCE, MARCH), "satisfaction").has_data


def test_digitization_counts_stored_documents_and_signed_results(province, monkeypatch):
    at(monkeypatch, 2025, 3, 10, 9, 0)
    hashed, unhashed = submit(desk=province["hai_chau"]), submit(desk=province["hai_chau"])
    paper = {"filename": "to-khai.pdf", "content_type": "application/pdf"}
    dossier_services.add_documents(hashed, {"form": {**paper, "sha256": "ab" * 32}})
    dossier_services.add_documents(unhashed, {"form": {**paper, "sha256": "ab" * 32},
                                              "scan": paper})  # one without a stored file
    for dossier in (hashed, unhashed):
        act(engine.forward, province["specialist"], dossier)
        act(engine.approve, province["leader"], dossier)
    feedback(hashed, "sign")
    services.refresh()

    digitization = group(scores.scores(PROVINCE, MARCH), "digitization")

    stored, signed, reused = digitization.parts
    assert (stored.numerator, stored.denominator) == (1, 2)
    assert (signed.numerator, signed.denominator) == (1, 2)
    assert reused.rate is None  # not recorded yet: no data, not zero
    assert digitization.rate == 50.0 and digitization.points == 11.0


def test_publicity_counts_dossiers_whose_feed_the_national_portal_acknowledged(week):
    first, second = week["on_time"], week["late"]
    _feed(first, acknowledged=True)
    _feed(second, acknowledged=True)
    _feed(second, acknowledged=False)  # one status still waiting: not published yet

    publicity = group(scores.scores(PROVINCE, MARCH), "publicity")

    portal, catalogue = publicity.parts
    assert (portal.numerator, portal.denominator) == (1, 7)
    assert (catalogue.numerator, catalogue.denominator) == (1, 1)  # the one procedure handled
    assert publicity.rate == round((100 / 7 + 100) / 2, 2)


def _feed(dossier, *, acknowledged: bool) -> None:
    event = (DossierEvent.objects.filter(dossier=dossier, feed_item__isnull=True)
             .order_by("id").first())
    now = timezone.now()
    FeedItem.objects.create(event=event, dossier=dossier, national_status=1, event_at=event.at,
                            produced_at=now, acknowledged_at=now if acknowledged else None)


def test_a_period_without_dossiers_has_no_data_in_every_group_and_no_points(province):
    found = scores.scores(PROVINCE, Period.parse("2024-01"))
    assert not found.has_data and found.total == 0
    assert all(item.rate is None and item.points == 0 for item in found.groups)


def test_the_total_is_the_sum_of_the_groups_points(week):
    found = scores.scores(PROVINCE, MARCH)
    assert found.total == round(sum(item.points for item in found.groups), 2)
    assert found.max_points == 100


def test_ranking_orders_communes_by_score_with_the_change_since_the_previous_period(
        province, monkeypatch):
    hoi_an_officers = {"desk": province["hoi_an_desk"], "leader": province["hoi_an_leader"],
                       "specialist": factories.officer(province["hoi_an"], Role.SPECIALIST)}
    hai_chau_officers = {key: province[key] for key in ("desk", "specialist", "leader")}
    # February: Hội An on time, Hải Châu late. March: the other way round.
    _one_dossier(monkeypatch, province["hoi_an"], hoi_an_officers, 2, late=False)
    _one_dossier(monkeypatch, province["hai_chau"], hai_chau_officers, 2, late=True)
    _one_dossier(monkeypatch, province["hoi_an"], hoi_an_officers, 3, late=True)
    _one_dossier(monkeypatch, province["hai_chau"], hai_chau_officers, 3, late=False)
    services.refresh()

    rows = scores.ranking("commune", MARCH)

    codes = {province[key].code: key for key in ("hai_chau", "hoi_an", "son_tra")}
    found = [(codes[row.office_code], row.rank, row.previous_rank, row.change)
             for row in rows]
    assert found == [("hai_chau", 1, 2, 1), ("hoi_an", 2, 1, -1), ("son_tra", None, None, None)]
    assert rows[0].score > rows[1].score and rows[2].score is None


def _one_dossier(monkeypatch, office, officers, month: int, *, late: bool) -> None:
    """A dossier of the commune `office`, received at its desk on a Monday (due Thursday
    17:00) and finished on Tuesday, or on Friday (late)."""
    at(monkeypatch, 2025, month, 3, 9, 0)
    who = applicant(HOI_AN_ADDRESS) if office.commune.name == "Phường Hội An" else applicant()
    dossier = submit(desk=office, who=who)
    act(engine.forward, officers["specialist"], dossier)
    at(monkeypatch, 2025, month, 7 if late else 4, 9, 0)
    act(engine.approve, officers["leader"], dossier)
