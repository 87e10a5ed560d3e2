"""The data steward's verbs on golden records: decide a pair (the same person or not), decide
many pairs at once, split a record out of its golden record, override one field of a golden
record and clear that override.

Each verb is one transaction with one audit row (`mdm.*` actions; the audit page lists them with
the province in `changes`). Pair decisions take effect at the next match run, which reads every
current `PairDecision` as a must-link or cannot-link; a newer decision on the same pair replaces
the older one (`is_current`), which stays for the audit. An override changes the golden record
at once and wins over every source in later runs.
"""

import re
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.context import actor_for_user, reset_actor, set_actor
from haicap.core.errors import InvalidInput, NotFound
from haicap.core.validation import normalize_phone, validate_national_id
from haicap.mdm.models import (
    FieldOverride,
    GoldenMember,
    GoldenRecord,
    PairDecision,
    ReviewPair,
    Source,
    SourceRecord,
    Verdict,
)
from haicap.mdm.services import require_steward
from haicap.units.models import Commune

# Bulk decisions: at most this many pairs a call (a page of the queue is 50).
MAX_BULK = 500
# The golden fields a steward may set, with their model field where the name differs.
OVERRIDABLE = ("full_name", "birth_date", "gender", "national_id", "old_id_number", "phone",
               "address", "commune_code", "father_name", "mother_name", "household_ref")
GENDERS = {"male": "male", "female": "female", "nam": "male", "nữ": "female", "nu": "female"}
ACTIONS = ("mdm.decide_pair", "mdm.decide_pairs", "mdm.split_record", "mdm.override_field",
           "mdm.clear_override", "mdm.start_run")


@contextmanager
def acting_as(user):
    """The audit row names the steward, also when a verb is called outside a request."""
    token = set_actor(actor_for_user(user))
    try:
        yield
    finally:
        reset_actor(token)


def _ordered(record_a: str, record_b: str) -> tuple[str, str]:
    if record_a == record_b:
        raise InvalidInput(_("A record cannot be compared with itself."), code="same_record")
    return (record_a, record_b) if record_a < record_b else (record_b, record_a)


# -- pair decisions -------------------------------------------------------------------------------

def decide_pair(pair: ReviewPair | tuple[str, str], verdict: str, user, note: str = "",
                *, action: str = "") -> PairDecision:
    """The steward's verdict on two records: a queued `ReviewPair` or two record keys of the
    steward's province."""
    require_steward(user)
    verdict = _verdict(verdict)
    with transaction.atomic(), acting_as(user):
        if isinstance(pair, ReviewPair):
            review = _visible_pair(user, pair.pk)
            province_id, record_a, record_b = review.province_id, review.record_a, review.record_b
            probability = review.probability
        else:
            record_a, record_b = _ordered(*pair)
            province_id = _province_of_records(user, (record_a, record_b))
            probability = None
        decision = _record_decision(province_id, record_a, record_b, verdict, user, note,
                                    probability=probability,
                                    action=action or ("merge" if verdict == Verdict.SAME
                                                      else "not_same"))
        audit.record("mdm.decide_pair", decision,
                     summary=f"{record_a} {'=' if verdict == Verdict.SAME else '≠'} {record_b}",
                     changes={"province": province_id, "verdict": verdict,
                              "pairs": [[record_a, record_b]], "note": note})
    return decision


def decide_pairs(ids: Iterable[int], verdict: str, user, note: str = "") -> list[PairDecision]:
    """One verdict on many queued pairs (the ones the steward ticked), all or none."""
    require_steward(user)
    verdict = _verdict(verdict)
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        raise InvalidInput(_("Select at least one pair."), code="no_pairs_selected")
    if len(ids) > MAX_BULK:
        raise InvalidInput(_("At most %(count)d pairs at once.") % {"count": MAX_BULK},
                           code="too_many_pairs")
    with transaction.atomic(), acting_as(user):
        pairs = list(ReviewPair.objects.visible_to(user).filter(pk__in=ids)
                     .select_for_update().order_by("pk"))
        if len(pairs) != len(ids):
            raise NotFound(_("Some of the selected pairs are not in your queue."),
                           code="unknown_pair")
        decisions = [_record_decision(pair.province_id, pair.record_a, pair.record_b, verdict,
                                      user, note, probability=pair.probability, action="bulk")
                     for pair in pairs]
        provinces = sorted({pair.province_id for pair in pairs})
        audit.record("mdm.decide_pairs", object_type="mdm.pairdecision",
                     object_id=str(decisions[0].pk),
                     summary=_("%(count)d pairs: %(verdict)s")
                     % {"count": len(decisions), "verdict": Verdict(verdict).label},
                     changes={"province": provinces[0] if len(provinces) == 1 else provinces,
                              "verdict": verdict, "note": note,
                              "pairs": [[pair.record_a, pair.record_b] for pair in pairs]})
    return decisions


def split_record(golden: GoldenRecord, record_key: str, user, note: str = "") -> list[PairDecision]:
    """Take a source record out of a golden record: "not the same" between it and each other
    member; the next run gives it a golden record of its own (or joins it elsewhere)."""
    require_steward(user)
    with transaction.atomic(), acting_as(user):
        golden = _visible_golden(user, golden.golden_id)
        members = list(GoldenMember.objects.filter(golden=golden).order_by("record_key")
                       .values_list("record_key", flat=True))
        if record_key not in members:
            raise InvalidInput(_("The record %(key)s is not part of this golden record.")
                               % {"key": record_key}, code="not_a_member")
        others = [key for key in members if key != record_key]
        if not others:
            raise InvalidInput(_("A golden record of one source record cannot be split."),
                               code="nothing_to_split")
        decisions = [_record_decision(golden.province_id, *_ordered(record_key, other),
                                      Verdict.NOT_SAME, user, note, action="split")
                     for other in others]
        audit.record("mdm.split_record", golden, object_id=golden.golden_id,
                     summary=f"{golden.golden_id}: {record_key}",
                     changes={"province": golden.province_id, "record": record_key,
                              "pairs": [[decision.record_a, decision.record_b]
                                        for decision in decisions], "note": note})
    return decisions


def _verdict(verdict: str) -> str:
    if verdict not in Verdict.values:
        raise InvalidInput(_("The decision must be %(choices)s.")
                           % {"choices": " / ".join(Verdict.values)}, code="invalid_verdict")
    return verdict


def _record_decision(province_id: str, record_a: str, record_b: str, verdict: str, user,
                     note: str, *, action: str, probability: float | None = None
                     ) -> PairDecision:
    """The current decision on the pair, replacing an earlier one; the queue entries of the
    pair point to it (the open ones leave the queue)."""
    note = (note or "").strip()[:300]
    earlier = (PairDecision.objects.select_for_update()
               .filter(record_a=record_a, record_b=record_b, is_current=True))
    if probability is None:
        probability = next(iter(earlier.values_list("probability", flat=True)), None)
    earlier.update(is_current=False)
    decision = PairDecision.objects.create(
        province_id=province_id, record_a=record_a, record_b=record_b, verdict=verdict,
        probability=probability, action=action, note=note, decided_by=user)
    ReviewPair.objects.filter(province_id=province_id, record_a=record_a,
                              record_b=record_b).update(decision=decision)
    return decision


def _visible_pair(user, pk: int) -> ReviewPair:
    found = ReviewPair.objects.visible_to(user).select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such pair in your queue."), code="unknown_pair")
    return found


def _visible_golden(user, golden_id: str) -> GoldenRecord:
    found = GoldenRecord.objects.visible_to(user).filter(golden_id=golden_id).first()
    if found is None:
        raise NotFound(_("There is no such golden record."), code="unknown_golden_record")
    return found


def _province_of_records(user, keys: tuple[str, str]) -> str:
    """The one province of two current source records the steward may see."""
    visible = Source.objects.visible_to(user).values("pk")
    found = dict(SourceRecord.objects.filter(record_key__in=keys, is_current=True,
                                             source__in=visible)
                 .values_list("record_key", "source__province_id"))
    missing = [key for key in keys if key not in found]
    if missing:
        raise NotFound(_("There is no source record %(key)s.") % {"key": missing[0]},
                       code="unknown_record")
    if len(set(found.values())) > 1:
        raise InvalidInput(_("The two records belong to different provinces."),
                           code="records_in_different_provinces")
    return next(iter(found.values()))


# -- field overrides ------------------------------------------------------------------------------

def override_field(golden: GoldenRecord, field: str, value: str, user,
                   note: str = "") -> FieldOverride:
    """The steward's value for one field: it shows at once and wins over the sources in every
    later run, until cleared."""
    require_steward(user)
    value = clean_value(field, value, golden)
    with transaction.atomic(), acting_as(user):
        golden = _locked_golden(user, golden.golden_id)
        before_value, before_source = _current(golden, field)
        earlier = FieldOverride.objects.filter(golden=golden, field=field).first()
        if earlier is not None:
            # The sources' value is the one the first override replaced.
            first = _last_override_entry(golden, field)
            before_source = (first or {}).get("source", before_source)
            before_value = (first or {}).get("source_value", before_value)
            earlier.delete()
        override = FieldOverride.objects.create(golden=golden, field=field, value=value,
                                                note=(note or "").strip()[:300], decided_by=user)
        _set(golden, field, value, "override")
        audit.record("mdm.override_field", golden, object_id=golden.golden_id,
                     summary=f"{golden.golden_id} {field}: {value}"[:255],
                     changes={"province": golden.province_id, "field": field, "value": value,
                              "source_value": before_value, "source": before_source,
                              "note": override.note})
    return override


def clear_override(golden: GoldenRecord, field: str, user, note: str = "") -> None:
    """Back to the sources' value (the one the override replaced; the next run recomputes it)."""
    require_steward(user)
    with transaction.atomic(), acting_as(user):
        golden = _locked_golden(user, golden.golden_id)
        override = FieldOverride.objects.filter(golden=golden, field=field).first()
        if override is None:
            raise NotFound(_("This field has no override."), code="no_override")
        entry = _last_override_entry(golden, field) or {}
        override.delete()
        _set(golden, field, entry.get("source_value", ""), entry.get("source"))
        audit.record("mdm.clear_override", golden, object_id=golden.golden_id,
                     summary=f"{golden.golden_id} {field}",
                     changes={"province": golden.province_id, "field": field,
                              "value": override.value, "note": (note or "").strip()[:300]})


def clean_value(field: str, value: str, golden: GoldenRecord | None = None) -> str:
    """A steward's value as stored: dates ISO, CCCD 12 valid digits, phone 10 digits, gender
    male/female, a commune of the province; names and text trimmed."""
    if field not in OVERRIDABLE:
        raise InvalidInput(_("The field %(field)s cannot be set.") % {"field": field},
                           code="unknown_field")
    value = re.sub(r"\s+", " ", (value or "").strip())
    if not value:
        return ""
    if field == "birth_date":
        return _parse_date(value).isoformat()
    if field == "national_id":
        return validate_national_id(re.sub(r"[\s.]", "", value))
    if field == "old_id_number":
        digits = re.sub(r"[\s.]", "", value)
        if not re.fullmatch(r"\d{9}", digits):
            raise InvalidInput(_("The old identity card number must have exactly 9 digits."),
                               code="invalid_old_id_number")
        return digits
    if field == "phone":
        return normalize_phone(value)
    if field == "gender":
        if value.lower() not in GENDERS:
            raise InvalidInput(_("The gender must be male or female."), code="invalid_gender")
        return GENDERS[value.lower()]
    if field == "commune_code":
        communes = Commune.objects.filter(code=value)
        if golden is not None:
            communes = communes.filter(province_id=golden.province_id)
        if not communes.exists():
            raise InvalidInput(_("There is no commune %(code)s in the province.")
                               % {"code": value}, code="unknown_commune")
        return value
    limit = GoldenRecord._meta.get_field(field).max_length
    if len(value) > limit:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": limit},
                           code="value_too_long")
    return value


def _parse_date(value: str) -> date:
    """dd/mm/yyyy (as Vietnamese write it) or ISO yyyy-mm-dd; not in the future."""
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            found = date(year, month, day)
        else:
            found = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Give the date as dd/mm/yyyy."), code="invalid_date") from None
    if found > date.today() or found.year < 1900:
        raise InvalidInput(_("The date must be between 1900 and today."), code="invalid_date")
    return found


def _locked_golden(user, golden_id: str) -> GoldenRecord:
    found = (GoldenRecord.objects.visible_to(user).select_for_update()
             .filter(golden_id=golden_id).first())
    if found is None:
        raise NotFound(_("There is no such golden record."), code="unknown_golden_record")
    return found


def _model_field(field: str) -> str:
    return "commune_id" if field == "commune_code" else field


def _current(golden: GoldenRecord, field: str) -> tuple[str, str | None]:
    value = getattr(golden, _model_field(field))
    text = value.isoformat() if isinstance(value, date) else (value or "")
    return text, golden.lineage.get(field)


def _set(golden: GoldenRecord, field: str, value: str, source: str | None) -> None:
    name = _model_field(field)
    if field == "birth_date":
        setattr(golden, name, date.fromisoformat(value) if value else None)
    else:
        setattr(golden, name, value or (None if name == "commune_id" else ""))
    golden.lineage = {**golden.lineage, field: source}
    golden.save(update_fields=[name, "lineage"])


def _last_override_entry(golden: GoldenRecord, field: str) -> dict | None:
    """What the latest override of the field recorded: the sources' value and record."""
    from haicap.core.models import AuditEntry

    for changes in (AuditEntry.objects.filter(action="mdm.override_field",
                                              object_type=GoldenRecord._meta.label_lower,
                                              object_id=golden.golden_id)
                    .order_by("-at", "-id").values_list("changes", flat=True)):
        if changes.get("field") == field:
            return changes
    return None
