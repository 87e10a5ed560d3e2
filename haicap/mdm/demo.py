"""Demo master data, loaded by `haicap demo`: three old systems of the merged province (generated
people with the noise old registers have), imported through their mappings, and one match run —
golden records, a review queue for the data steward (demo login `dulieu`) and quality reports."""

import os
import shutil

from django.db import transaction

from haicap.mdm import pipeline, services, store, synth
from haicap.mdm.models import (
    Batch,
    GoldenRecord,
    MatchRun,
    PairDecision,
    Source,
    SourceRecord,
    SystemKind,
)
from haicap.mdm.sources import SourceTable

# The population database's copy is the most trusted, the portal's self-declared accounts least.
TRUST = {"DNG-DC2022": 90, "QNA-BHYT2019": 70, "DNG-DVC2025": 40}


def _system(label: str) -> str:
    lowered = label.lower()
    return next((kind for kind in SystemKind.values if kind in lowered.replace(" ", "")),
                SystemKind.OTHER)


def load(province) -> str:
    if Source.objects.filter(province=province).exists():
        return "Master data: already loaded"
    people = int(os.environ.get("HAICAP_MDM_DEMO_PEOPLE", "3000"))
    data = synth.generate(people, sources=3, noise="hard", seed=7,
                          units=synth.SynthUnits.from_database(province.pk))
    for generated in data.sources:
        source = services.create_source(province=province, code=generated.code,
                                        name=generated.name, system=_system(generated.system),
                                        trust=TRUST.get(generated.code, 50))
        table = generated.table
        mapping = services.save_mapping(source, key_column=generated.key_column,
                                        columns=generated.mapping, available=table.column_names)
        rows = [["" if value is None else value for value in row.values()]
                for row in table.to_pylist()]
        services.import_table(source, mapping, SourceTable(table.column_names, rows),
                              fmt="csv", origin=f"{generated.code}.csv")
    match_run = pipeline.run(province)
    figures = match_run.figures
    return (f"Master data: {figures['records']:,} records from 3 old systems, "
            f"{figures['golden']:,} golden records, {figures['to_review']:,} pairs to review "
            "(steward login: dulieu)")


def remove(province) -> int:
    """The province's master data deleted for a demo reset (stewards' decisions name demo
    officers, who go next), its working copies too; returns how many source records went."""
    PairDecision.objects.filter(province=province).delete()
    GoldenRecord.objects.filter(province=province).delete()
    MatchRun.objects.filter(province=province).delete()
    sources = Source.objects.filter(province=province)
    records = SourceRecord.objects.filter(source__in=sources).delete()[0]
    Batch.objects.filter(source__in=sources).delete()
    sources.delete()
    folder = store.folder(province.pk)
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return records
