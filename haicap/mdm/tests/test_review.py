"""The steward's verbs (issue 7 point 5, and point 4's overrides): each one transaction with an
audit row; a newer decision on a pair replaces the older; a split is "not the same" with each
other member; an override is validated, shows at once, and clearing it brings the sources'
value back. Runs, golden records and the queue are built as rows, as a run leaves them.

The builders here are shared with test_pages.py and test_api.py."""

import sys
import types

import pytest
from django.utils import timezone

from haicap.core import services as core_services
from haicap.core.errors import InvalidInput, NotFound, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.core.roles import OfficeKind, Role
from haicap.core.tests import factories
from haicap.mdm import review, services, tasks
from haicap.mdm.models import (
    FieldOverride,
    GoldenMember,
    GoldenRecord,
    MatchRun,
    PairDecision,
    ReviewPair,
    SystemKind,
    Verdict,
)
from haicap.mdm.sources import SourceTable
from haicap.units.models import Province

pytestmark = pytest.mark.django_db

COLUMNS = ["MA", "HO_TEN", "NGAY_SINH", "CCCD", "DIEN_THOAI", "DIA_CHI"]
MAPPING = {"full_name": "HO_TEN", "birth_date": "NGAY_SINH", "national_id": "CCCD",
           "phone": "DIEN_THOAI", "address": "DIA_CHI"}
EXPLANATION = [{"comparison": "full_name", "level": "Jaro-Winkler >= 0.92", "match_weight": 6.4},
               {"comparison": "birth_date", "level": "day and month swapped",
                "match_weight": -1.3},
               {"comparison": "national_id", "level": "null", "match_weight": 0.0}]


# -- builders -------------------------------------------------------------------------------------

def steward_of(province_code: str = "48", role: str = Role.DATA_STEWARD):
    office = factories.province_office(province_code, OfficeKind.DEPARTMENT)
    return factories.officer(office, role)


def source_with_rows(code: str, rows: list[list[str]], province_code: str = "48", trust=50):
    """A source of the province and one batch of `rows` (COLUMNS), imported by the service."""
    source = services.create_source(province=Province.objects.get(pk=province_code), code=code,
                                    name=f"Hệ thống {code}", system=SystemKind.ORACLE,
                                    trust=trust)
    mapping = services.save_mapping(source, key_column="MA", columns=MAPPING, available=COLUMNS)
    batch = services.import_table(source, mapping, SourceTable(COLUMNS, rows, "utf-8"),
                                  fmt="csv", origin=f"{code}.csv")
    return source, batch


def finished_run(province_code: str = "48") -> MatchRun:
    return MatchRun.objects.create(province_id=province_code, status=MatchRun.Status.FINISHED,
                                   merge_threshold=0.99, review_threshold=0.5,
                                   finished_at=timezone.now(),
                                   figures={"records": 4, "pairs": 3, "auto_merged_pairs": 1,
                                            "to_review": 1, "golden": 3, "new": 3,
                                            "changed": 0, "retired": 0,
                                            "seconds": {"standardize": 1.5, "match": 2.0}})


def golden(run: MatchRun, serial: int, keys: list[str], **values) -> GoldenRecord:
    """A golden record of the run's province holding `keys`; its fields' lineage is the first
    key unless `lineage` says otherwise."""
    lineage = values.pop("lineage", None)
    fields = {"full_name": "Nguyễn Văn An", "national_id": "048085000123",
              "phone": "0905123456", **values}
    record = GoldenRecord.objects.create(
        golden_id=f"{run.province_id}{serial:09d}", province_id=run.province_id, run=run,
        members=len(keys), lineage=lineage or {name: keys[0] for name in fields}, **fields)
    GoldenMember.objects.bulk_create(GoldenMember(golden=record, record_key=key) for key in keys)
    return record


def review_pair(run: MatchRun, record_a: str, record_b: str, probability: float = 0.8):
    return ReviewPair.objects.create(run=run, province_id=run.province_id, record_a=record_a,
                                     record_b=record_b, probability=probability,
                                     match_weight=4.1, explanation=EXPLANATION)


ROWS_A = [["1", "Nguyễn Văn An", "03/07/1985", "048085000123", "0905123456", "Hòa Vang"],
          ["2", "Trần Thị Bình", "12/01/1990", "", "01689123456", "Hải Châu"]]
ROWS_B = [["7", "Nguyen Van An", "07/03/1985", "048085000123", "", "Hoa Vang"],
          ["8", "Trần Thị Bình", "1990", "", "0389123456", "Hải Châu"]]


@pytest.fixture
def steward():
    return steward_of("48")


def build_world():
    """Two sources of Đà Nẵng, two golden records (An: A:1 + B:7, Bình: A:2) and B:8 alone,
    and one pair in the queue (A:2 ~ B:8)."""
    source_with_rows("A", ROWS_A, trust=80)
    source_with_rows("B", ROWS_B, trust=40)
    run = finished_run()
    an = golden(run, 1, ["A:1", "B:7"])
    binh = golden(run, 2, ["A:2"], full_name="Trần Thị Bình", national_id="", phone="")
    lone = golden(run, 3, ["B:8"], full_name="Trần Thị Bình", national_id="", phone="0389123456")
    pair = review_pair(run, "A:2", "B:8")
    return types.SimpleNamespace(run=run, an=an, binh=binh, lone=lone, pair=pair)


@pytest.fixture
def world():
    return build_world()


def audit_rows(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# -- pair decisions -------------------------------------------------------------------------------

def test_a_decision_on_a_queued_pair_closes_it_and_is_audited_under_the_stewards_name(
        world, steward):
    decision = review.decide_pair(world.pair, Verdict.SAME, steward, "cùng hộ khẩu")

    world.pair.refresh_from_db()
    assert world.pair.decision == decision
    assert (decision.record_a, decision.record_b, decision.action) == ("A:2", "B:8", "merge")
    assert decision.probability == 0.8 and decision.is_current
    [entry] = audit_rows("mdm.decide_pair")
    assert entry.actor == steward.username
    assert entry.changes["province"] == "48" and entry.changes["verdict"] == "same"


def test_a_newer_decision_on_the_same_pair_replaces_the_older(world, steward):
    first = review.decide_pair(world.pair, Verdict.SAME, steward)
    second = review.decide_pair(("B:8", "A:2"), Verdict.NOT_SAME, steward, "khác cha mẹ")

    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert list(PairDecision.objects.filter(is_current=True)) == [second]
    assert second.probability == 0.8  # kept from the pair the first decision was about
    world.pair.refresh_from_db()
    assert world.pair.decision == second


def test_the_current_decisions_are_what_the_next_run_links_and_keeps_apart(world, steward):
    pipeline = pytest.importorskip("haicap.mdm.pipeline")
    review.decide_pair(world.pair, Verdict.SAME, steward)
    review.split_record(world.an, "B:7", steward)
    review.decide_pair(("A:2", "B:8"), Verdict.NOT_SAME, steward)

    must, cannot = pipeline._decisions("48")
    assert must == []
    assert sorted(cannot) == [("A:1", "B:7"), ("A:2", "B:8")]


def test_a_pair_of_record_keys_is_stored_in_order_and_must_be_two_known_records(world, steward):
    decision = review.decide_pair(("B:7", "A:1"), Verdict.SAME, steward)
    assert (decision.record_a, decision.record_b, decision.probability) == ("A:1", "B:7", None)

    with pytest.raises(InvalidInput) as same:
        review.decide_pair(("A:1", "A:1"), Verdict.SAME, steward)
    assert same.value.code == "same_record"
    with pytest.raises(NotFound) as unknown:
        review.decide_pair(("A:1", "A:99"), Verdict.SAME, steward)
    assert unknown.value.code == "unknown_record"
    with pytest.raises(InvalidInput) as verdict:
        review.decide_pair(("A:1", "B:7"), "maybe", steward)
    assert verdict.value.code == "invalid_verdict"


def test_a_steward_of_another_province_cannot_decide_our_pairs(world):
    hanoi = steward_of("01")
    with pytest.raises(NotFound):
        review.decide_pair(world.pair, Verdict.SAME, hanoi)
    with pytest.raises(NotFound):
        review.decide_pair(("A:1", "B:7"), Verdict.SAME, hanoi)
    assert not PairDecision.objects.exists()


def test_only_data_stewards_and_administrators_decide(world):
    desk = steward_of("48", Role.DESK_OFFICER)
    with pytest.raises(PermissionDenied):
        review.decide_pair(world.pair, Verdict.SAME, desk)
    with pytest.raises(PermissionDenied):
        review.override_field(world.an, "phone", "0905000000", desk)
    admin = core_services.create_administrator(username="quantri", full_name="Quản trị",
                                               password=factories.PASSWORD)
    assert review.decide_pair(world.pair, Verdict.SAME, admin).decided_by == admin


def test_bulk_decisions_are_all_or_nothing_with_one_audit_row(world, steward):
    other = review_pair(world.run, "A:1", "B:8", probability=0.6)
    decisions = review.decide_pairs([world.pair.pk, other.pk], Verdict.NOT_SAME, steward)

    assert {decision.action for decision in decisions} == {"bulk"}
    assert not ReviewPair.objects.filter(decision__isnull=True).exists()
    [entry] = audit_rows("mdm.decide_pairs")
    assert entry.changes["pairs"] == [["A:2", "B:8"], ["A:1", "B:8"]]


def test_a_bulk_decision_naming_a_pair_outside_the_queue_writes_nothing(world, steward):
    hanoi_run = finished_run("01")
    foreign = review_pair(hanoi_run, "X:1", "Y:1")
    with pytest.raises(NotFound):
        review.decide_pairs([world.pair.pk, foreign.pk], Verdict.SAME, steward)
    assert not PairDecision.objects.exists() and not audit_rows("mdm.decide_pairs")
    with pytest.raises(InvalidInput):
        review.decide_pairs([], Verdict.SAME, steward)


# -- split ----------------------------------------------------------------------------------------

def test_a_split_is_not_the_same_between_the_record_and_each_other_member(world, steward):
    three = golden(world.run, 4, ["A:9", "B:1", "B:2"])
    decisions = review.split_record(three, "B:1", steward, "hai người khác nhau")

    assert sorted((d.record_a, d.record_b) for d in decisions) == [("A:9", "B:1"),
                                                                   ("B:1", "B:2")]
    assert {(d.verdict, d.action) for d in decisions} == {(Verdict.NOT_SAME, "split")}
    [entry] = audit_rows("mdm.split_record")
    assert entry.object_id == three.golden_id and entry.changes["record"] == "B:1"


def test_only_a_member_of_a_golden_record_of_two_or_more_can_be_split_off(world, steward):
    with pytest.raises(InvalidInput) as not_member:
        review.split_record(world.an, "A:2", steward)
    assert not_member.value.code == "not_a_member"
    with pytest.raises(InvalidInput) as alone:
        review.split_record(world.binh, "A:2", steward)
    assert alone.value.code == "nothing_to_split"


# -- overrides ------------------------------------------------------------------------------------

def test_an_override_shows_at_once_with_override_lineage_and_clearing_brings_the_source_back(
        world, steward):
    review.override_field(world.an, "phone", "+84 905 999 888", steward, "dân báo số mới")
    world.an.refresh_from_db()
    assert world.an.phone == "0905999888" and world.an.lineage["phone"] == "override"
    assert FieldOverride.objects.get(golden=world.an, field="phone").value == "0905999888"

    review.override_field(world.an, "phone", "0905777666", steward)  # changed again
    review.clear_override(world.an, "phone", steward)
    world.an.refresh_from_db()
    assert world.an.phone == "0905123456" and world.an.lineage["phone"] == "A:1"
    assert not FieldOverride.objects.exists()
    assert [entry.action for entry in AuditEntry.objects.filter(action__startswith="mdm.")
            .order_by("id")] == ["mdm.override_field", "mdm.override_field",
                                 "mdm.clear_override"]


def test_an_overridden_birth_date_is_read_as_day_month_year_and_gender_in_either_language(
        world, steward):
    review.override_field(world.an, "birth_date", "03/07/1985", steward)
    review.override_field(world.an, "gender", "Nam", steward)
    world.an.refresh_from_db()
    assert world.an.birth_date.isoformat() == "1985-07-03" and world.an.gender == "male"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("national_id", "04808500012", "invalid_national_id"),
    ("national_id", "999085000123", "invalid_national_id_province"),
    ("phone", "090512345", "invalid_phone"),
    ("birth_date", "31/02/1985", "invalid_date"),
    ("birth_date", "01/01/2999", "invalid_date"),
    ("old_id_number", "12345678", "invalid_old_id_number"),
    ("gender", "khác", "invalid_gender"),
    ("commune_code", "00001", "unknown_commune"),
    ("lineage", "x", "unknown_field"),
])
def test_override_values_are_validated(world, steward, field, value, code):
    with pytest.raises(InvalidInput) as refused:
        review.override_field(world.an, field, value, steward)
    assert refused.value.code == code
    assert not FieldOverride.objects.exists()


def test_clearing_a_field_without_override_is_refused(world, steward):
    with pytest.raises(NotFound) as refused:
        review.clear_override(world.an, "phone", steward)
    assert refused.value.code == "no_override"


# -- runs in the background -----------------------------------------------------------------------

def test_a_run_is_enqueued_once_per_province_and_audited(steward):
    job = tasks.start_run("48", steward)
    assert job.id
    with pytest.raises(tasks.RunAlreadyStarted):
        tasks.start_run("48", steward)
    assert [entry.changes["province"] for entry in audit_rows("mdm.start_run")] == ["48"]
    with pytest.raises(PermissionDenied):
        tasks.start_run("01", steward)


def test_the_background_job_runs_the_pipeline_for_the_province(steward, monkeypatch):
    called = {}

    def run(province, *, user=None, retrain=False):
        called.update(province=province.pk, user=user, retrain=retrain)
        return types.SimpleNamespace(pk=7, figures={"golden": 3})

    fake = types.SimpleNamespace(run=run)
    monkeypatch.setitem(sys.modules, "haicap.mdm.pipeline", fake)
    monkeypatch.setattr("haicap.mdm.pipeline", fake, raising=False)
    result = tasks.match_run.call("48", steward.pk, True)
    assert result == {"run": 7, "figures": {"golden": 3}}
    assert called == {"province": "48", "user": steward, "retrain": True}
