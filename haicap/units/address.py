"""Free-text Vietnamese addresses → the new commune and province, with the old units they named.

The parser reads an address right to left: province, then (old) district, then commune; what is
left is the street part. Every lookup is an exact dict lookup on folded names first (see
``folding`` and ``index``); rapidfuzz is only a fallback for typos. It never silently guesses:
when two communes fit about equally, or an old commune was split, the result is ``ambiguous``
with ranked candidates.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from haicap.units.folding import Word, clean, words
from haicap.units.index import UnitEntry, UnitIndex, get_index

RESOLVED = "resolved"
AMBIGUOUS = "ambiguous"
UNRESOLVED = "unresolved"

MAX_LENGTH = 500
MARGIN = 0.05  # candidates this close to the best one make the answer ambiguous
RESOLVE_AT = 0.8  # below this score the best candidate is only a suggestion
TAIL_MEMO_SIZE = 200_000  # remembered tail readings (see _Parser._take) before starting afresh
FUZZY_CUTOFF = 80

CURRENT_NAME = "current_name"
OLD_NAME = "old_name"
SPLIT = "split"
OLD_DISTRICT = "old_district_only"
SIMILAR = "similar_"

REASON_LABELS = {
    CURRENT_NAME: _("current name"),
    OLD_NAME: _("old name, merged whole"),
    SPLIT: _("old commune split; this is one part"),
    OLD_DISTRICT: _("only the old district was recognised"),
}

COMMUNE_PREFIXES = {
    ("phuong",): "phuong", ("p",): "phuong", ("f",): "phuong", ("xa",): "xa", ("x",): "xa",
    ("thi", "tran"): "thi_tran", ("tt",): "thi_tran", ("dac", "khu"): "dac_khu",
}
DISTRICT_PREFIXES = {
    ("quan",): "quan", ("q",): "quan", ("huyen",): "huyen", ("h",): "huyen",
    ("thi", "xa"): "thi_xa", ("tx",): "thi_xa", ("thanh", "pho"): "thanh_pho",
    ("tp",): "thanh_pho",
}
PROVINCE_PREFIXES = {("tinh",): "tinh", ("t",): "tinh", ("thanh", "pho"): "thanh_pho",
                     ("tp",): "thanh_pho"}
_LEVELS = (("commune", COMMUNE_PREFIXES), ("district", DISTRICT_PREFIXES),
           ("province", PROVINCE_PREFIXES))
_PREFIXES = dict(_LEVELS)
_COUNTRY = {"viet nam", "vietnam", "vn"}
_SEGMENT = re.compile(r"[^,;\n|]+")  # the text between separators


@dataclass(frozen=True, slots=True)
class UnitRef:
    code: str
    name: str

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True, slots=True)
class Candidate:
    commune: UnitRef
    province: UnitRef
    score: float
    reason: str

    @property
    def reason_label(self) -> str:
        if self.reason.startswith(SIMILAR):
            return _("similar to the %(reason)s") % {
                "reason": REASON_LABELS[self.reason[len(SIMILAR):]]}
        return str(REASON_LABELS[self.reason])

    def as_dict(self) -> dict:
        return {
            "commune_code": self.commune.code, "commune_name": self.commune.name,
            "province_code": self.province.code, "province_name": self.province.name,
            "score": round(self.score, 3), "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class OldUnits:
    commune: UnitRef | None = None
    district: UnitRef | None = None
    province: UnitRef | None = None

    def as_dict(self) -> dict:
        return {
            level: unit.as_dict() if unit else None
            for level, unit in (("commune", self.commune), ("district", self.district),
                                ("province", self.province))
        }


@dataclass(frozen=True, slots=True)
class AddressResult:
    """A structured address: the street part, the new commune and province, and how sure."""

    input: str
    status: str
    street: str = ""
    commune: UnitRef | None = None
    province: UnitRef | None = None
    old_units: OldUnits = field(default_factory=OldUnits)
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = ()

    @property
    def new_address(self) -> str:
        if self.commune is None or self.province is None:
            return ""
        return ", ".join(part for part in (self.street, self.commune.name, self.province.name)
                         if part)

    def as_dict(self) -> dict:
        return {
            "input": self.input,
            "status": self.status,
            "street": self.street,
            "commune_code": self.commune.code if self.commune else None,
            "commune_name": self.commune.name if self.commune else None,
            "province_code": self.province.code if self.province else None,
            "province_name": self.province.name if self.province else None,
            "new_address": self.new_address,
            "confidence": round(self.confidence, 3),
            "old_units": self.old_units.as_dict(),
            "candidates": [candidate.as_dict() for candidate in self.candidates],
        }


@dataclass(slots=True)
class _Segment:
    offset: int
    words: tuple[Word, ...]
    end: int  # words[:end] are not consumed yet
    bare: tuple[str, ...] = ()  # the folded words, computed once

    def __post_init__(self) -> None:
        self.bare = tuple(word.bare for word in self.words)


@dataclass(frozen=True, slots=True)
class _Match:
    entries: tuple[UnitEntry, ...]
    kind: str | None  # the unit kind the writer named ("phuong", "quan"…), if any
    marked: str  # the marked signature of the written name
    similarity: float = 1.0


@dataclass(slots=True)
class _Scored:
    score: float
    reason: str
    old: UnitEntry | None = None


def normalize_address(text: str, index: UnitIndex | None = None) -> AddressResult:
    """Parse one free-text address (see the module docstring)."""
    index = index or get_index()
    original = text if isinstance(text, str) else ""
    text = clean(original.strip())[:MAX_LENGTH]
    segments = _segments(text)
    if not segments:
        return AddressResult(input=original, status=UNRESOLVED)
    return _Parser(index, text, segments).parse(original)


def normalize_addresses(texts: list[str]) -> list[AddressResult]:
    index = get_index()
    return [normalize_address(text, index) for text in texts]


def _segments(text: str) -> list[_Segment]:
    segments = []
    for piece in _SEGMENT.finditer(text):
        found = words(piece.group())
        if found:
            segments.append(_Segment(piece.start(), found, len(found)))
    while segments and " ".join(segments[-1].bare) in _COUNTRY:
        segments.pop()
    return segments


@lru_cache(maxsize=65536)
def _readings(bare: tuple[str, ...], level: str) -> tuple[tuple[str | None, str], ...]:
    """The (kind, folded name) a phrase can mean at a level: with its type prefix, or as is.

    "phuong trung" at the commune level reads both as ward "trung" and as the name
    "Phương Trung"; names made only of digits ("Phường 1") need their prefix.
    """
    readings: list[tuple[str | None, str]] = []
    prefixes = _PREFIXES[level]
    for size in (2, 1):
        kind = prefixes.get(bare[:size])
        if kind and len(bare) > size:
            readings.append((kind, " ".join(bare[size:])))
    name = " ".join(bare)
    if not name.isdigit():
        readings.append((None, name))
    return tuple(readings)


@lru_cache(maxsize=4096)
def _ends_with_prefix_of_other_level(bare: tuple[str, ...], level: str) -> bool:
    """Whether the words before a tail type it for another level ("Xã | Hà Nam")."""
    for other_level, prefixes in _LEVELS:
        if other_level != level and (bare[-1:] in prefixes or bare[-2:] in prefixes):
            return True
    return False


def _typed_for_other_level(bare: tuple[str, ...], level: str) -> bool:
    for other_level, prefixes in _LEVELS:
        if other_level == level:
            continue
        for size in (2, 1):
            if len(bare) > size and bare[:size] in prefixes:
                return True
    return False


class _Parser:
    def __init__(self, index: UnitIndex, text: str, segments: list[_Segment]):
        self.index = index
        self.text = text
        self.segments = segments

    # -- the steps, right to left -------------------------------------------------------------
    def parse(self, original: str) -> AddressResult:
        province_match = self._take(self._province_lookup, "province", ("p",))
        if province_match is None and len(self.segments) > 1:
            province_match = self._fuzzy_take(self._province_choices, "province")
        new_scope, legacy_scope = self._scopes(province_match)
        new_key = tuple(new_scope) if new_scope is not None else None
        legacy_key = tuple(legacy_scope) if legacy_scope is not None else None

        before_district = self._state()
        district_match = self._take(
            lambda phrase: self._district_lookup(phrase, legacy_scope), "district",
            ("d", legacy_key))
        if district_match is None and self._last_typed("district"):
            district_match = self._fuzzy_take(
                lambda: self._keys(self.index.district_keys, legacy_scope), "district",
                lookup=lambda name: self._district_lookup_name(name, legacy_scope))
        scored: dict[str, _Scored] = {}
        if district_match:
            districts = _of_kind(district_match.entries, district_match.kind)
            commune_match = self._take(
                lambda phrase: self._legacy_in_districts(phrase, districts), "commune",
                ("in districts", tuple(district.code for district in districts)))
            if commune_match is None:
                commune_match = self._fuzzy_take(
                    lambda: self._keys(self.index.legacy_commune_keys,
                                       [d.code for d in districts]),
                    "commune", lookup=lambda name: self._legacy_in_districts_name(name, districts))
            if commune_match:
                self._score_legacy(scored, commune_match, bonus=0.0)
            else:
                after_district = self._state()
                self._restore(before_district)
                commune_match = self._take(
                    lambda phrase: self._commune_lookup(phrase, new_scope, legacy_scope),
                    "commune", ("c", new_key, legacy_key))
                if commune_match:
                    district_match = None
                    self._score_any(scored, commune_match, with_district=False)
                else:
                    self._restore(after_district)
                    self._score_district_only(scored, districts)
        else:
            commune_match = self._take(
                lambda phrase: self._commune_lookup(phrase, new_scope, legacy_scope), "commune",
                ("c", new_key, legacy_key))
            if commune_match is None:
                commune_match = self._fuzzy_take(
                    lambda: self._keys(self.index.commune_keys, new_scope)
                    + self._keys(self.index.legacy_commune_keys, legacy_scope),
                    "commune",
                    lookup=lambda name: self._commune_lookup_name(name, new_scope, legacy_scope))
            if commune_match:
                self._score_any(scored, commune_match, with_district=False)
        return self._result(original, scored, province_match, district_match)

    # -- consuming words from the right ------------------------------------------------------
    def _last(self) -> _Segment | None:
        for segment in reversed(self.segments):
            if segment.end:
                return segment
        return None

    def _state(self) -> list[int]:
        return [segment.end for segment in self.segments]

    def _restore(self, state: list[int]) -> None:
        for segment, end in zip(self.segments, state, strict=True):
            segment.end = end

    def _last_typed(self, level: str) -> bool:
        segment = self._last()
        if segment is None:
            return False
        bare = segment.bare[:segment.end]
        prefixes = _PREFIXES[level]
        return any(len(bare) > size and bare[:size] in prefixes for size in (1, 2))

    def _take(self, lookup, level: str, scope: tuple = ()) -> _Match | None:
        """The longest tail of the last segment that names a unit at this level.

        What a tail names depends only on its folded words, the level and the scope the lookup
        searches, so the answer is remembered in the index: districts and provinces repeat
        from one address to the next.
        """
        segment = self._last()
        if segment is None:
            return None
        end = segment.end
        key = (level, scope, segment.bare[:end])
        memo = self.index.tail_memo
        found = memo.get(key)
        if found is None:
            if len(memo) >= TAIL_MEMO_SIZE:
                memo.clear()
            found = memo[key] = self._find_tail(segment, lookup, level)
        if not found:
            return None
        size, entries, kind, name = found
        segment.end = end - size
        return _Match(entries, kind, _marked_name(segment.words[end - size:end], name))

    def _find_tail(self, segment: _Segment, lookup, level: str) -> tuple:
        end = segment.end
        longest = min(end, self.index.longest_name + 2)
        shortest = 1
        head = segment.bare[:2]
        prefixes = _PREFIXES[level]
        if level != "province" and (head[:1] in prefixes or head in prefixes):
            # "Xã Toàn Thắng" names one unit: never read only its tail ("Thắng")
            longest = shortest = end
        for size in range(longest, shortest - 1, -1):
            bare = segment.bare[end - size:end]
            if size < end and _ends_with_prefix_of_other_level(
                    segment.bare[max(0, end - size - 2):end - size], level):
                continue
            for kind, name in _readings(bare, level):
                entries = lookup(name)
                if entries:
                    return size, tuple(entries), kind, name
        return ()

    def _fuzzy_take(self, choices, level: str, lookup=None) -> _Match | None:
        """Typo fallback: the whole last segment against the names in scope."""
        segment = self._last()
        if segment is None:
            return None
        bare = segment.bare[:segment.end]
        if level == "province" and _typed_for_other_level(bare, level):
            return None
        readings = [(kind, name) for kind, name in _readings(bare, level) if len(name) >= 4]
        names = choices()
        if not readings or not names:
            return None
        kind, name = readings[0]
        found = process.extract(name, names, scorer=fuzz.ratio, limit=5,
                                score_cutoff=FUZZY_CUTOFF)
        if not found:
            return None
        best = found[0][1]
        lookup = lookup or self._province_lookup
        entries: dict[tuple[str, str], UnitEntry] = {}
        for choice, similarity, _position in found:
            if similarity >= best - 1:
                for entry in lookup(choice):
                    entries[(entry.level, entry.code)] = entry
        if not entries:
            return None
        segment.end = 0
        return _Match(tuple(entries.values()), kind, "", similarity=best / 100)

    # -- lookups -----------------------------------------------------------------------------
    def _province_lookup(self, name: str) -> list[UnitEntry]:
        return self.index.province_names.get(name, ())

    def _province_choices(self) -> list[str]:
        return self.index.province_keys

    def _scopes(self, match: _Match | None) -> tuple[list[str] | None, list[str] | None]:
        if match is None:
            return None, None
        new_scope, legacy_scope = {}, {}
        for entry in match.entries:
            if entry.level == "province":
                new_scope[entry.code] = None
                for code in self.index.predecessor_provinces.get(entry.code, ()):
                    legacy_scope[code] = None
            else:
                new_scope[entry.parent] = None
                legacy_scope[entry.code] = None
        return list(new_scope), list(legacy_scope)

    @staticmethod
    def _keys(mapping: dict[str, list[str]], scope: list[str] | None) -> list[str]:
        if scope is None:
            return [name for names in mapping.values() for name in names]
        return [name for code in scope for name in mapping.get(code, ())]

    def _district_lookup(self, name: str, legacy_scope) -> list[UnitEntry]:
        return self._district_lookup_name(name, legacy_scope)

    def _district_lookup_name(self, name: str, legacy_scope) -> list[UnitEntry]:
        names = self.index.district_names
        if legacy_scope is None:
            return names.get(("*", name), [])
        return [entry for code in legacy_scope for entry in names.get((code, name), ())]

    def _legacy_in_districts(self, name: str, districts) -> list[UnitEntry]:
        return self._legacy_in_districts_name(name, districts)

    def _legacy_in_districts_name(self, name: str, districts) -> list[UnitEntry]:
        names = self.index.legacy_commune_names
        return [entry for district in districts for entry in names.get((district.code, name), ())]

    def _commune_lookup(self, name: str, new_scope, legacy_scope) -> list[UnitEntry]:
        return self._commune_lookup_name(name, new_scope, legacy_scope)

    def _commune_lookup_name(self, name: str, new_scope, legacy_scope) -> list[UnitEntry]:
        current, legacy = self.index.commune_names, self.index.legacy_commune_names
        if new_scope is None:
            return [*current.get(("*", name), ()), *legacy.get(("*", name), ())]
        found = [entry for code in new_scope for entry in current.get((code, name), ())]
        found += [entry for code in legacy_scope for entry in legacy.get((code, name), ())]
        return found

    # -- scoring -----------------------------------------------------------------------------
    def _score_any(self, scored: dict[str, _Scored], match: _Match, *, with_district: bool):
        for entry in match.entries:
            if entry.level == "commune":
                score = match.similarity - _kind_penalty(match.kind, entry.kind, legacy=False)
                score -= _mark_penalty(match.marked, entry.marked)
                reason = CURRENT_NAME if match.similarity == 1 else SIMILAR + CURRENT_NAME
                _keep(scored, entry.code, _Scored(score, reason))
            else:
                self._score_legacy(scored, _Match((entry,), match.kind, match.marked,
                                                  match.similarity), bonus=-0.04)

    def _score_legacy(self, scored: dict[str, _Scored], match: _Match, *, bonus: float):
        for entry in match.entries:
            score = match.similarity + bonus - _kind_penalty(match.kind, entry.kind, legacy=True)
            score -= _mark_penalty(match.marked, entry.marked)
            for successor in self.index.successors.get(entry.code, ()):
                if successor.is_split:
                    reason = SPLIT
                    value = score - (0 if successor.is_default else 0.02)
                else:
                    reason = OLD_NAME if match.similarity == 1 else SIMILAR + OLD_NAME
                    value = score
                _keep(scored, successor.commune, _Scored(value, reason, entry))

    def _score_district_only(self, scored: dict[str, _Scored], districts) -> None:
        for district in districts:
            communes = self.index.district_communes.get(district.code, ())
            value = 0.9 if len(communes) == 1 else 0.3
            for code in communes:
                _keep(scored, code, _Scored(value, OLD_DISTRICT))

    # -- the answer --------------------------------------------------------------------------
    def _result(self, original: str, scored: dict[str, _Scored], province_match,
                district_match) -> AddressResult:
        street = self._street()
        ranked = sorted(scored.items(), key=lambda item: (-item[1].score, item[0]))[:10]
        candidates = tuple(self._candidate(code, item) for code, item in ranked)
        old = self._old_units(ranked, province_match, district_match)
        if not candidates:
            return AddressResult(input=original, status=UNRESOLVED, street=street,
                                 old_units=old)
        best_code, best = ranked[0]
        close = [item for _, item in ranked if item.score >= best.score - MARGIN]
        if len(close) == 1 and best.reason != SPLIT and best.score >= RESOLVE_AT:
            confidence = best.score * (1.0 if province_match else 0.9)
            top = candidates[0]
            return AddressResult(input=original, status=RESOLVED, street=street,
                                 commune=top.commune, province=top.province, old_units=old,
                                 confidence=max(0.0, min(1.0, confidence)),
                                 candidates=candidates)
        confidence = max(0.0, min(1.0, best.score / (len(close) + 1)))
        return AddressResult(input=original, status=AMBIGUOUS, street=street, old_units=old,
                             confidence=confidence, candidates=candidates)

    def _candidate(self, code: str, item: _Scored) -> Candidate:
        commune = self.index.communes[code]
        province = self.index.provinces[commune.parent]
        return Candidate(_ref(commune), _ref(province), max(0.0, min(1.0, item.score)),
                         item.reason)

    def _old_units(self, ranked, province_match, district_match) -> OldUnits:
        legacy_commune = ranked[0][1].old if ranked else None
        if legacy_commune is not None:
            close = {item.old.code if item.old else None for _, item in ranked
                     if item.score >= ranked[0][1].score - MARGIN}
            if len(close) > 1:
                legacy_commune = None  # several old communes fit: name none of them
        district = province = None
        if legacy_commune is not None:
            district = self.index.legacy_districts[legacy_commune.parent]
        elif district_match is not None and len(district_match.entries) == 1:
            district = district_match.entries[0]
        if district is not None:
            province = self.index.legacy_provinces[district.parent]
        elif province_match is not None:
            legacy_only = [e for e in province_match.entries if e.level == "legacy_province"]
            if len(legacy_only) == len(province_match.entries) == 1:
                province = legacy_only[0]
        return OldUnits(_ref(legacy_commune), _ref(district), _ref(province))

    def _street(self) -> str:
        for segment in self.segments:
            if segment.end < len(segment.words):
                end = segment.offset + segment.words[segment.end].start
                return self.text[:end].strip(" ,;-–.")
        return self.text.strip(" ,;-–.")


_REFS: dict[tuple[str, str, str], UnitRef] = {}


def _ref(unit: UnitEntry | None) -> UnitRef | None:
    """The (immutable, shared) reference to a unit, made once per unit and process."""
    if unit is None:
        return None
    key = (unit.level, unit.code, unit.name)
    ref = _REFS.get(key)
    if ref is None:
        ref = _REFS[key] = UnitRef(unit.code, unit.name)
    return ref


def _of_kind(entries: tuple[UnitEntry, ...], kind: str | None) -> tuple[UnitEntry, ...]:
    """Of units with the same name ("Huyện Kỳ Anh", "Thị xã Kỳ Anh"), those of the kind named."""
    if kind is None:
        return entries
    return tuple(entry for entry in entries if entry.kind == kind) or entries


def _keep(scored: dict[str, _Scored], code: str, item: _Scored) -> None:
    current = scored.get(code)
    if current is None or item.score > current.score:
        scored[code] = item


def _kind_penalty(written: str | None, actual: str, *, legacy: bool) -> float:
    if written is None or written == actual:
        return 0.0
    if written == "thi_tran" and not legacy:
        return 0.1  # townships no longer exist: the writer meant an old unit
    return 0.1 if legacy else 0.05


def _marked_name(tail: tuple[Word, ...], name: str) -> str:
    size = name.count(" ") + 1
    return " ".join(w.marked for w in tail[len(tail) - size:])


def _mark_penalty(written: str, actual: str) -> float:
    """A penalty when the writer used tone marks and they differ from the unit's: enough to
    tell "Minh Quán" from "Minh Quân", never enough to drop a candidate."""
    if not written or written == actual:
        return 0.0
    for word in written.split():
        if not word.isascii() or (word[-1].isdigit() and not word.isdigit()):
            return 0.06  # the writer used marks, and they differ
    return 0.0
