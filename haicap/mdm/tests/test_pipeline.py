"""A match run end to end on generated merged-province data: imports, standardization, the
trained model, clusters, golden records, review queue and quality reports; re-runs keep ids and
remember the stewards' decisions."""

import pyarrow as pa
import pytest

from haicap.core.roles import Role
from haicap.core.tests import factories
from haicap.mdm import pipeline, review, services, synth
from haicap.mdm.evaluation import evaluate
from haicap.mdm.models import (
    GoldenMember,
    GoldenRecord,
    MatchRun,
    QualityReport,
    ReviewPair,
    SourceRecord,
    SystemKind,
)
from haicap.mdm.sources import SourceTable
from haicap.units.models import Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(django_capture_on_commit_callbacks):
    """300 people of Đà Nẵng written down by three old systems, imported."""
    data = synth.generate(300, sources=3, noise="easy", seed=11,
                          units=synth.SynthUnits.from_database("48"))
    province = Province.objects.get(pk="48")
    for index, generated_source in enumerate(data.sources):
        source = services.create_source(province=province, code=generated_source.code,
                                        name=generated_source.name, system=SystemKind.OTHER,
                                        trust=40 + 20 * index)
        table = generated_source.table
        mapping = services.save_mapping(source, key_column=generated_source.key_column,
                                        columns=generated_source.mapping,
                                        available=table.column_names)
        rows = [["" if value is None else value for value in row.values()]
                for row in table.to_pylist()]
        with django_capture_on_commit_callbacks(execute=True):
            services.import_table(source, mapping, SourceTable(table.column_names, rows),
                                  fmt="csv", origin="synth")
    return data


def _membership() -> pa.Table:
    rows = list(GoldenMember.objects.values_list("record_key", "golden_id"))
    return pa.table({"record_key": [key for key, _ in rows],
                     "cluster_key": [golden for _, golden in rows]})


def test_a_run_makes_one_golden_record_per_person_with_lineage_and_reports(generated):
    match_run = pipeline.run(Province.objects.get(pk="48"))

    assert match_run.status == MatchRun.Status.FINISHED
    records = SourceRecord.objects.filter(is_current=True).count()
    assert match_run.figures["records"] == records == GoldenMember.objects.count()
    scores = evaluate(_membership(), generated.truth)
    assert scores.f1 >= 0.95, scores
    golden = GoldenRecord.objects.filter(members__gt=1).first()
    members = set(golden.memberships.values_list("record_key", flat=True))
    assert {key for key in golden.lineage.values() if key} <= members
    assert QualityReport.objects.filter(run=match_run).count() == 3
    assert match_run.model["splink_settings"]


def test_a_rerun_with_nothing_new_changes_nothing_and_keeps_every_id(generated):
    province = Province.objects.get(pk="48")
    pipeline.run(province)
    before = dict(GoldenMember.objects.values_list("record_key", "golden_id"))

    again = pipeline.run(province)

    assert (again.figures["new"], again.figures["changed"], again.figures["retired"]) == (0, 0, 0)
    assert dict(GoldenMember.objects.values_list("record_key", "golden_id")) == before


def test_a_split_is_remembered_and_the_golden_id_stays_with_the_larger_part(generated):
    province = Province.objects.get(pk="48")
    steward = factories.officer(factories.province_office("48"), Role.DATA_STEWARD)
    pipeline.run(province)
    golden = GoldenRecord.objects.filter(members__gte=3).order_by("golden_id").first()
    record = golden.memberships.order_by("record_key").first().record_key

    review.split_record(golden, record, steward)
    pipeline.run(province)

    assert GoldenMember.objects.get(record_key=record).golden_id != golden.golden_id
    assert golden.memberships.count() == golden.members - 1


def test_an_override_wins_over_the_sources_on_every_run(generated):
    province = Province.objects.get(pk="48")
    steward = factories.officer(factories.province_office("48"), Role.DATA_STEWARD)
    pipeline.run(province)
    golden = GoldenRecord.objects.order_by("golden_id").first()

    review.override_field(golden, "phone", "0911222333", steward, "gọi xác nhận")
    pipeline.run(province)

    golden.refresh_from_db()
    assert golden.phone == "0911222333" and golden.lineage["phone"] == "override"


def test_review_pairs_lie_between_the_thresholds(generated):
    match_run = pipeline.run(Province.objects.get(pk="48"))
    for pair in ReviewPair.objects.all():
        assert match_run.review_threshold <= pair.probability < match_run.merge_threshold
        assert pair.explanation


def test_a_failed_run_says_so_and_why(generated, monkeypatch):
    from haicap.mdm import standardize

    def broken(_raw, **_kwargs):
        raise ValueError("the disk is full")

    monkeypatch.setattr(standardize, "standardize", broken)
    with pytest.raises(ValueError):
        pipeline.run(Province.objects.get(pk="48"))
    failed = MatchRun.objects.get()
    assert failed.status == MatchRun.Status.FAILED and "the disk is full" in failed.error


def test_a_run_reads_and_replaces_only_its_own_provinces_memberships():
    for province, golden_id, key in (("48", "48000000001", "DNG:1"), ("01", "01000000001", "HN:1")):
        run = MatchRun.objects.create(province_id=province, merge_threshold=0.999,
                                      review_threshold=0.5)
        golden = GoldenRecord.objects.create(golden_id=golden_id, province_id=province, run=run)
        GoldenMember.objects.create(golden=golden, record_key=key)

    assert pipeline.previous_members("48").to_pylist() == [
        {"record_key": "DNG:1", "golden_id": "48000000001"}]
