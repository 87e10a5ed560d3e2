"""Loading the administrative units, before and after 1 July 2025, and the succession between them.

Two packaged data sets feed the tables:

* ``vietnam-provinces`` — the official 2025 codes and names of the 34 provinces and 3,321
  communes. It is the authority for everything current.
* ``vietnamadminunits`` 1.0.4 (MIT) — the 63 old provinces, their districts and communes, and
  which new commune each old commune went into. Its files are read directly (sqlite3, json):
  importing its Python modules takes many seconds.

The two disagree on some current codes and names; the succession is therefore joined on the
folded name within the province, never on the second package's codes, and every disagreement is
stored as a ``SourceDisagreement`` for the data steward.
"""

import datetime
import json
import sqlite3
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from django.db import transaction

from haicap.core.audit import record
from haicap.units.folding import key
from haicap.units.models import (
    Commune,
    CommuneKind,
    CommuneSuccession,
    LegacyCommune,
    LegacyCommuneKind,
    LegacyDistrict,
    LegacyDistrictKind,
    LegacyProvince,
    Province,
    ProvinceKind,
    SourceDisagreement,
)

EFFECTIVE_DATE = datetime.date(2025, 7, 1)
LEGACY_SOURCE = "vietnamadminunits 1.0.4"
PROVINCE_LEGAL_BASIS = "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh"
COMMUNE_LEGAL_BASIS = (
    "Các nghị quyết năm 2025 của Ủy ban Thường vụ Quốc hội khóa XV "
    "về sắp xếp đơn vị hành chính cấp xã của từng tỉnh, thành phố"
)

_PROVINCE_KINDS = {"tỉnh": ProvinceKind.PROVINCE, "thành phố trung ương": ProvinceKind.CITY}
_COMMUNE_KINDS = {
    "xã": CommuneKind.COMMUNE, "phường": CommuneKind.WARD, "đặc khu": CommuneKind.SPECIAL_ZONE,
}
_LEGACY_DISTRICT_KINDS = {
    "Quận": LegacyDistrictKind.URBAN_DISTRICT,
    "Huyện": LegacyDistrictKind.RURAL_DISTRICT,
    "Thị xã": LegacyDistrictKind.TOWN,
    "Thành phố": LegacyDistrictKind.CITY,
}
_LEGACY_COMMUNE_KINDS = {
    "Xã": LegacyCommuneKind.COMMUNE,
    "Phường": LegacyCommuneKind.WARD,
    "Thị trấn": LegacyCommuneKind.TOWNSHIP,
}
_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Quận ", "Huyện ", "Thị xã ",
             "Thị trấn ")


@dataclass
class LoadSummary:
    provinces: int = 0
    communes: int = 0
    legacy_provinces: int = 0
    legacy_districts: int = 0
    legacy_communes: int = 0
    successions: int = 0
    split_communes: int = 0
    disagreements: list[SourceDisagreement] = field(default_factory=list)

    def lines(self) -> list[str]:
        by_field: dict[str, int] = {}
        for item in self.disagreements:
            name = f"{item.subject}.{item.field}"
            by_field[name] = by_field.get(name, 0) + 1
        lines = [
            f"provinces: {self.provinces}, communes: {self.communes}",
            f"legacy provinces: {self.legacy_provinces}, districts: {self.legacy_districts}, "
            f"communes: {self.legacy_communes}",
            f"successions: {self.successions} ({self.split_communes} old communes split)",
            f"disagreements between sources: {len(self.disagreements)}",
        ]
        lines += [f"  {name}: {count}" for name, count in sorted(by_field.items())]
        return lines


def _package_dir(name: str) -> Path:
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"package {name} is not installed")
    return Path(spec.origin).parent


def _short(name: str) -> str:
    name = " ".join(name.split())
    for prefix in _PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix):]
    return name


def _current_source() -> tuple[str, list[dict]]:
    package = _package_dir("vietnam_provinces")
    version = "unknown"
    for line in (package / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            version = line.split("=", 1)[1].strip().strip("'\"")
    data = json.loads((package / "data" / "nested-divisions.json").read_text(encoding="utf-8"))
    return f"vietnam-provinces {version}", data


def _legacy_source() -> tuple[list[tuple], list[tuple], dict]:
    package = _package_dir("vietnamadminunits") / "data"
    connection = sqlite3.connect(f"file:{package / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy = connection.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtType,"
            " districtKey, wardCode, ward, wardType, wardKey"
            " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        current = connection.execute(
            "SELECT provinceCode, province, provinceKey, wardCode, ward, wardType, wardKey"
            " FROM admin_units"
        ).fetchall()
    finally:
        connection.close()
    converter = json.loads((package / "converter_2025.json").read_text(encoding="utf-8"))
    return legacy, current, converter


def _upsert(model, objects: list, fields: list[str], unique_fields: list[str]) -> None:
    model.objects.bulk_create(
        objects, batch_size=1000, update_conflicts=True,
        unique_fields=unique_fields, update_fields=fields,
    )


@transaction.atomic
def load_units(*, verbose: bool = False) -> LoadSummary:
    """Load (or refresh) all units and the succession. Idempotent; one audit entry."""
    summary = LoadSummary()
    current_source, provinces_data = _current_source()
    legacy_rows, second_rows, converter = _legacy_source()

    provinces, communes = [], []
    commune_by_key: dict[tuple[str, str], str] = {}
    for item in provinces_data:
        province_code = f"{item['code']:02d}"
        provinces.append(Province(
            code=province_code, name=item["name"] if item["division_type"] != "tỉnh"
            else f"Tỉnh {item['name']}",
            short_name=_short(item["name"]), kind=_PROVINCE_KINDS[item["division_type"]],
            codename=item["codename"],
        ))
        for ward in item["wards"]:
            code = f"{ward['code']:05d}"
            name = " ".join(ward["name"].split())
            communes.append(Commune(
                code=code, name=name, short_name=_short(name),
                kind=_COMMUNE_KINDS[ward["division_type"]], codename=ward["codename"],
                province_id=province_code,
            ))
            commune_by_key[(province_code, key(name))] = code
    _upsert(Province, provinces, ["name", "short_name", "kind", "codename"], ["code"])
    _upsert(Commune, communes, ["name", "short_name", "kind", "codename", "province"], ["code"])
    summary.provinces, summary.communes = len(provinces), len(communes)

    disagreements = _cross_check(current_source, provinces, communes, second_rows)
    province_code_by_key = {row[2]: row[0] for row in second_rows}
    new_commune = {}  # (second source's province key, ward key) → official commune code
    for province_code, _, province_key, _, ward, _, ward_key in second_rows:
        code = commune_by_key.get((province_code, key(ward)))
        if code:
            new_commune[(province_key, ward_key)] = code

    successor_province = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            successor_province[old_key] = province_code_by_key[new_key]

    legacy_provinces, legacy_districts, legacy_communes = {}, {}, []
    legacy_code_by_key: dict[str, str] = {}
    for (province_code, province, province_key, district_code, district, district_type,
         district_key, ward_code, ward, ward_type, ward_key) in legacy_rows:
        legacy_provinces.setdefault(province_code, LegacyProvince(
            code=province_code, name=province, short_name=_short(province),
            successor_id=successor_province[province_key], source=LEGACY_SOURCE,
            legal_basis=PROVINCE_LEGAL_BASIS, effective_date=EFFECTIVE_DATE,
        ))
        legacy_districts.setdefault(district_code, LegacyDistrict(
            code=district_code, name=district, short_name=_short(district),
            kind=_LEGACY_DISTRICT_KINDS[district_type], province_id=province_code,
        ))
        if ward_code:
            legacy_communes.append(LegacyCommune(
                code=ward_code, name=ward, short_name=_short(ward),
                kind=_LEGACY_COMMUNE_KINDS[ward_type], district_id=district_code,
            ))
            legacy_code_by_key[f"{province_key}_{district_key}_{ward_key}"] = ward_code
        else:
            legacy_code_by_key[f"{province_key}_{district_key}_"] = district_code

    successions: dict[tuple[str, str], CommuneSuccession] = {}
    district_successor: dict[str, str] = {}

    def succeed(old_key: str, new_code: str, *, is_split: bool, is_default: bool) -> None:
        old_code = legacy_code_by_key[old_key]
        if len(old_code) == 3:  # an island district without communes became a special zone
            district_successor[old_code] = new_code
            return
        successions[(old_code, new_code)] = CommuneSuccession(
            legacy_commune_id=old_code, commune_id=new_code, is_split=is_split,
            is_default=is_default, source=LEGACY_SOURCE, legal_basis=COMMUNE_LEGAL_BASIS,
            effective_date=EFFECTIVE_DATE,
        )

    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                succeed(old_key, new_commune[(province_key, ward_key)],
                        is_split=False, is_default=True)
    split = set()
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            split.add(old_key)
            for part in parts:
                succeed(old_key, new_commune[(province_key, part["newWardKey"])],
                        is_split=True, is_default=bool(part["isDefaultNewWard"]))

    for district in legacy_districts.values():
        district.successor_id = district_successor.get(district.code)
    _upsert(LegacyProvince, list(legacy_provinces.values()),
            ["name", "short_name", "successor", "source", "legal_basis", "effective_date"],
            ["code"])
    _upsert(LegacyDistrict, list(legacy_districts.values()),
            ["name", "short_name", "kind", "province", "successor"], ["code"])
    _upsert(LegacyCommune, legacy_communes, ["name", "short_name", "kind", "district"], ["code"])
    wanted = set(successions)
    stale = [
        pk for pk, old, new in
        CommuneSuccession.objects.values_list("pk", "legacy_commune_id", "commune_id")
        if (old, new) not in wanted
    ]
    CommuneSuccession.objects.filter(pk__in=stale).delete()
    _upsert(CommuneSuccession, list(successions.values()),
            ["is_split", "is_default", "source", "legal_basis", "effective_date"],
            ["legacy_commune", "commune"])

    SourceDisagreement.objects.all().delete()
    SourceDisagreement.objects.bulk_create(disagreements, batch_size=1000)

    summary.legacy_provinces = len(legacy_provinces)
    summary.legacy_districts = len(legacy_districts)
    summary.legacy_communes = len(legacy_communes)
    summary.successions = len(successions)
    summary.split_communes = len(split)
    summary.disagreements = disagreements
    record("units.load", object_type="units.commune",
           summary=f"{current_source} + {LEGACY_SOURCE}: {summary.provinces} provinces, "
                   f"{summary.communes} communes, {summary.legacy_communes} old communes, "
                   f"{len(disagreements)} disagreements")
    from haicap.units.index import forget_index

    transaction.on_commit(forget_index)
    return summary


def _cross_check(current_source: str, provinces: list[Province], communes: list[Commune],
                 second_rows: list[tuple]) -> list[SourceDisagreement]:
    """Compare the official list with the second package: codes, names, kinds, provinces."""
    found: list[SourceDisagreement] = []

    def disagree(subject, code, field_name, first, second):
        found.append(SourceDisagreement(
            subject=subject, code=code, field=field_name, first_source=current_source,
            first_value=first or "", second_source=LEGACY_SOURCE, second_value=second or "",
        ))

    second_provinces = {row[0]: row[1] for row in second_rows}
    for province in provinces:
        if province.code not in second_provinces:
            disagree("province", province.code, "code", province.name, None)
        elif key(province.name) != key(second_provinces[province.code]):
            disagree("province", province.code, "name", province.name,
                     second_provinces[province.code])
    second_by_code = {row[3]: row for row in second_rows}
    second_by_name = {(row[0], key(row[4])): row for row in second_rows}
    for commune in communes:
        row = second_by_code.get(commune.code)
        by_name = second_by_name.get((commune.province_id, key(commune.name)))
        if row is None:
            disagree("commune", commune.code, "code", commune.name,
                     f"{by_name[3]} {by_name[4]}" if by_name else None)
            continue
        if commune.name != row[4]:
            spelling_only = key(commune.name) == key(row[4])
            disagree("commune", commune.code, "name (spelling)" if spelling_only else "name",
                     commune.name, row[4])
        if commune.province_id != row[0]:
            disagree("commune", commune.code, "province", commune.province_id, row[0])
        if _COMMUNE_KINDS.get(row[5].lower()) != commune.kind:
            disagree("commune", commune.code, "kind", commune.kind, row[5])
        if by_name is None:
            disagree("commune", commune.code, "name not found in province", commune.name, None)
    official = {commune.code for commune in communes}
    for code, row in second_by_code.items():
        if code not in official:
            disagree("commune", code, "code unknown to the official list", None, row[4])
    return found
