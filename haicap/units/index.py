"""The in-process lookup index the address parser reads: built once from the unit tables.

The tables are the single source of truth; this module turns them into plain dictionaries keyed
by folded names (see ``folding``) so that parsing an address is a handful of dict lookups.
"""

import hashlib
import logging
import pickle
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from haicap.units import folding
from haicap.units.folding import clean, words

logger = logging.getLogger(__name__)

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_DIGIT_TO_ROMAN = {digit: roman for roman, digit in _ROMAN.items()}

# Common ways of writing a province; folded. Values are the short names they stand for.
PROVINCE_ALIASES = {
    "hn": "ha noi",
    "hcm": "ho chi minh",
    "tphcm": "ho chi minh",
    "tp hcm": "ho chi minh",
    "hcmc": "ho chi minh",
    "sai gon": "ho chi minh",
    "saigon": "ho chi minh",
    "sg": "ho chi minh",
    "dn": "da nang",
    "hp": "hai phong",
    "ct": "can tho",
    "tth": "hue",
    "thua thien hue": "hue",
    "brvt": "ba ria vung tau",
    "vung tau": "ba ria vung tau",
    "daklak": "dak lak",
    "daclac": "dak lak",
    "dac lac": "dak lak",
    "dak nong": "dak nong",
}


@dataclass(frozen=True, slots=True)
class UnitEntry:
    """One unit as the parser sees it."""

    level: str  # province, legacy_province, commune, legacy_district, legacy_commune
    code: str
    name: str
    short_name: str
    kind: str
    parent: str  # province code (new or legacy) or district code for legacy communes
    marked: str  # tone-style-independent marked signature of the short name


@dataclass(frozen=True, slots=True)
class Successor:
    commune: str
    is_default: bool
    is_split: bool


@dataclass
class UnitIndex:
    provinces: dict[str, UnitEntry] = field(default_factory=dict)
    legacy_provinces: dict[str, UnitEntry] = field(default_factory=dict)
    communes: dict[str, UnitEntry] = field(default_factory=dict)
    legacy_districts: dict[str, UnitEntry] = field(default_factory=dict)
    legacy_communes: dict[str, UnitEntry] = field(default_factory=dict)
    # folded name → entries
    province_names: dict[str, list[UnitEntry]] = field(default_factory=lambda: defaultdict(list))
    # (province code or "*", folded short name) → entries
    commune_names: dict[tuple[str, str], list[UnitEntry]] = field(
        default_factory=lambda: defaultdict(list))
    district_names: dict[tuple[str, str], list[UnitEntry]] = field(
        default_factory=lambda: defaultdict(list))
    # (district code, legacy province code or "*", folded short name) → entries
    legacy_commune_names: dict[tuple[str, str], list[UnitEntry]] = field(
        default_factory=lambda: defaultdict(list))
    successors: dict[str, tuple[Successor, ...]] = field(default_factory=dict)
    predecessor_provinces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    district_communes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # per scope, the folded names for the fuzzy fallback
    commune_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    district_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    legacy_commune_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    province_keys: list[str] = field(default_factory=list)
    longest_name: int = 1
    # what a segment's tail names, by (level, scope, folded words); filled by the parser
    tail_memo: dict[tuple, tuple] = field(default_factory=dict)

    def freeze(self) -> None:
        for mapping in (self.province_names, self.commune_names, self.district_names,
                        self.legacy_commune_names, self.commune_keys, self.district_keys,
                        self.legacy_commune_keys):
            mapping.default_factory = None
        self.province_keys = sorted(self.province_names)


_TYPE_WORDS = ("thanh pho ", "tinh ", "quan ", "huyen ", "thi xa ", "phuong ", "xa ", "thi tran ",
               "dac khu ")


def name_parts(name: str) -> tuple[list[str], str]:
    """The folded keys a unit answers to — its name without the type word ("Quận 3" → "3",
    "Thị trấn Yên Viên" → "yen vien"), and 1 ↔ I for numbered names — and the marked signature
    of that name."""
    found = words(clean(name.split("(")[0]))
    bare = [word.bare for word in found]
    folded = " ".join(bare) + " "
    skip = 0
    for type_word in _TYPE_WORDS:
        if folded.startswith(type_word) and len(bare) > type_word.count(" "):
            skip = type_word.count(" ")
            break
    base = " ".join(bare[skip:])
    keys = [base]
    head, _, last = base.rpartition(" ")
    if head and last in _ROMAN:
        keys.append(f"{head} {_ROMAN[last]}")
    elif head and last in _DIGIT_TO_ROMAN:
        keys.append(f"{head} {_DIGIT_TO_ROMAN[last]}")
    return keys, " ".join(word.marked for word in found[skip:])


def name_keys(name: str) -> list[str]:
    return name_parts(name)[0]


class NamePartsMemo:
    """`name_parts` of every unit name, kept on disk between processes.

    Folding 14,000 names is most of the index's build time, and a fresh process must answer its
    first address quickly. `name_parts` is a pure function of the name and of this code, so
    the file is keyed by a hash of the two modules that define it: a code change starts afresh,
    and a new or renamed unit is simply folded and added.
    """

    def __init__(self) -> None:
        source = b"".join(Path(module.__file__).read_bytes() for module in (folding, _this()))
        digest = hashlib.sha256(source).hexdigest()[:16]
        self.path = Path(settings.VAR_DIR) / "cache" / f"unit-name-parts-{digest}.pickle"
        self.parts = self._read()
        self.added = 0

    def __call__(self, name: str) -> tuple[list[str], str]:
        found = self.parts.get(name)
        if found is None:
            found = self.parts[name] = name_parts(name)
            self.added += 1
        return found

    def save(self) -> None:
        if not self.added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".tmp")
            partial.write_bytes(pickle.dumps(self.parts, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(self.path)
        except OSError as error:  # a read-only deployment still works, only slower to start
            logger.warning("could not keep the unit-name cache: %s", error)

    def _read(self) -> dict[str, tuple[list[str], str]]:
        try:
            return pickle.loads(self.path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return {}


def _this():
    import sys

    return sys.modules[__name__]


def build_index() -> UnitIndex:
    from haicap.units.models import (
        Commune,
        CommuneSuccession,
        LegacyCommune,
        LegacyDistrict,
        LegacyProvince,
        Province,
    )

    index = UnitIndex()

    keys_of: dict[str, list[str]] = {}
    memo = NamePartsMemo()

    def entry(level, code, name, short_name, kind, parent):
        keys, signature = memo(name)
        keys_of[name] = keys
        return UnitEntry(level, code, name, short_name, kind, parent, signature)

    for code, name, short_name, kind in Province.objects.values_list(
            "code", "name", "short_name", "kind"):
        item = index.provinces[code] = entry("province", code, name, short_name, kind, "")
        for name_key in keys_of[name]:
            index.province_names[name_key].append(item)
    for code, name, short_name, successor in LegacyProvince.objects.values_list(
            "code", "name", "short_name", "successor_id"):
        item = index.legacy_provinces[code] = entry(
            "legacy_province", code, name, short_name, "", successor)
        for name_key in keys_of[name]:
            index.province_names[name_key].append(item)
    for alias, target in PROVINCE_ALIASES.items():
        if alias not in index.province_names and target in index.province_names:
            index.province_names[alias] = index.province_names[target]
    predecessors = defaultdict(list)
    for item in index.legacy_provinces.values():
        predecessors[item.parent].append(item.code)
    index.predecessor_provinces = {code: tuple(codes) for code, codes in predecessors.items()}

    for code, name, short_name, kind, province in Commune.objects.values_list(
            "code", "name", "short_name", "kind", "province_id"):
        item = index.communes[code] = entry("commune", code, name, short_name, kind, province)
        for name_key in keys_of[name]:
            index.commune_names[(province, name_key)].append(item)
            index.commune_names[("*", name_key)].append(item)
            index.commune_keys[province].append(name_key)
    for code, name, short_name, kind, province in LegacyDistrict.objects.values_list(
            "code", "name", "short_name", "kind", "province_id"):
        item = index.legacy_districts[code] = entry(
            "legacy_district", code, name, short_name, kind, province)
        for name_key in keys_of[name]:
            index.district_names[(province, name_key)].append(item)
            index.district_names[("*", name_key)].append(item)
            index.district_keys[province].append(name_key)
    province_of_district = {code: item.parent for code, item in index.legacy_districts.items()}
    for code, name, short_name, kind, district in LegacyCommune.objects.values_list(
            "code", "name", "short_name", "kind", "district_id"):
        item = index.legacy_communes[code] = entry(
            "legacy_commune", code, name, short_name, kind, district)
        province = province_of_district[district]
        for name_key in keys_of[name]:
            index.legacy_commune_names[(district, name_key)].append(item)
            index.legacy_commune_names[(province, name_key)].append(item)
            index.legacy_commune_names[("*", name_key)].append(item)
            index.legacy_commune_keys[district].append(name_key)
            index.legacy_commune_keys[province].append(name_key)

    successors = defaultdict(list)
    for old, new, is_default, is_split in CommuneSuccession.objects.values_list(
            "legacy_commune_id", "commune_id", "is_default", "is_split"):
        successors[old].append(Successor(new, is_default, is_split))
    index.successors = {
        old: tuple(sorted(items, key=lambda item: (not item.is_default, item.commune)))
        for old, items in successors.items()
    }
    district_communes = defaultdict(dict)
    for old, items in index.successors.items():
        district = index.legacy_communes[old].parent
        for item in items:
            district_communes[district][item.commune] = None
    index.district_communes = {code: tuple(found) for code, found in district_communes.items()}
    for code, successor in LegacyDistrict.objects.filter(successor__isnull=False).values_list(
            "code", "successor_id"):
        index.district_communes[code] = (successor,)

    index.longest_name = max(
        len(name_key.split()) for mapping in (index.province_names, index.commune_names)
        for name_key in (k if isinstance(k, str) else k[1] for k in mapping)
    ) if index.communes else 1
    index.freeze()
    memo.save()
    return index


_index: UnitIndex | None = None
_lock = threading.Lock()


def get_index() -> UnitIndex:
    """The index for this process, built on first use."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = build_index()
    return _index


def forget_index() -> None:
    """Drop the index (after the unit tables change); the next call rebuilds it."""
    global _index
    _index = None
