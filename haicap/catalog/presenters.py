"""A procedure's definition in words, as the public catalogue and the API show it.

Pure functions of the typed spec (no queries): deadlines ("3 ngày làm việc"), fee rules
("2.000 đ/trang cho trang 1–2, …"), documents (with the once-only ones marked), channels and
the expected appointment date of a dossier filed now.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haicap.catalog.spec import (
    Channel,
    CopyKind,
    Deadline,
    DeadlineUnit,
    Document,
    Fee,
    FeeCondition,
    FeeRule,
    ProcedureSpec,
)


def money(amount: int) -> str:
    """200000 → "200.000 đ" (Vietnamese groups thousands with dots)."""
    return f"{amount:,}".replace(",", ".") + " đ"


def deadline_text(deadline: Deadline) -> str:
    """ "Trong ngày", "3 ngày làm việc", "8 giờ làm việc"."""
    if deadline.unit == DeadlineUnit.SAME_DAY:
        return _("Within the day")
    if deadline.unit == DeadlineUnit.WORKING_HOURS:
        return ngettext("%(count)d working hour", "%(count)d working hours",
                        deadline.value) % {"count": deadline.value}
    if deadline.unit == DeadlineUnit.CALENDAR_DAYS:
        return ngettext("%(count)d day", "%(count)d days",
                        deadline.value) % {"count": deadline.value}
    return ngettext("%(count)d working day", "%(count)d working days",
                    deadline.value) % {"count": deadline.value}


def deadline_extension_text(deadline: Deadline) -> str:
    if not deadline.verification_extension:
        return ""
    return ngettext(
        "plus %(count)d working day when verification is needed",
        "plus %(count)d working days when verification is needed",
        deadline.verification_extension,
    ) % {"count": deadline.verification_extension}


def fee_rule_text(fee: Fee) -> str:
    """The rule of one fee in words, e.g. "2.000 đ/trang cho trang 1–2, 1.000 đ/trang từ trang 3,
    tối đa 200.000 đ/bản", "20.000 đ/hồ sơ, 10.000 đ khi nộp trực tuyến", "5.000 đ nếu đăng ký
    quá hạn"."""
    text = _price_text(fee)
    if fee.applies_when is None:
        return text
    return _("%(rule)s if %(condition)s") % {
        "rule": text, "condition": FeeCondition(fee.applies_when).label}


def _price_text(fee: Fee) -> str:
    if fee.rule == FeeRule.PER_PAGE_TIERS:
        tiers = sorted(fee.tiers, key=lambda tier: tier.from_page)
        parts = []
        for tier, following in zip(tiers, [*tiers[1:], None], strict=True):
            if following is None:
                parts.append(_("%(amount)s/page from page %(first)d") % {
                    "amount": money(tier.amount), "first": tier.from_page})
            elif following.from_page - 1 == tier.from_page:
                parts.append(_("%(amount)s/page for page %(first)d") % {
                    "amount": money(tier.amount), "first": tier.from_page})
            else:
                parts.append(_("%(amount)s/page for pages %(first)d–%(last)d") % {
                    "amount": money(tier.amount), "first": tier.from_page,
                    "last": following.from_page - 1})
    elif not fee.amount:
        parts = [_("Free")]
    elif fee.rule == FeeRule.PER_COPY:
        parts = [_("%(amount)s/copy") % {"amount": money(fee.amount)}]
    elif fee.applies_when is not None:  # charged once, in one case: the case says it all
        parts = [money(fee.amount)]
    else:
        parts = [_("%(amount)s per dossier") % {"amount": money(fee.amount)}]
    if fee.cap_per_copy is not None:
        parts.append(_("at most %(amount)s/copy") % {"amount": money(fee.cap_per_copy)})
    if fee.online_amount is not None:
        parts.append(_("%(amount)s when filed online") % {"amount": money(fee.online_amount)})
    elif fee.online_discount_percent:
        parts.append(_("%(percent)d%% off when filed online") % {
            "percent": fee.online_discount_percent})
    return ", ".join(str(part) for part in parts)


def _costs_something(fee: Fee) -> bool:
    return fee.rule == FeeRule.PER_PAGE_TIERS or bool(fee.amount)


def is_free(spec: ProcedureSpec) -> bool:
    """Nothing is charged unless a fee's condition applies (on-time birth registration)."""
    return not any(_costs_something(fee) and fee.applies_when is None for fee in spec.fees)


def fee_summary(spec: ProcedureSpec) -> str:
    """One line for a list: what is always charged (or "Miễn phí"), then each conditional fee:
    "Miễn phí; 5.000 đ nếu đăng ký quá hạn; 8.000 đ/bản nếu yêu cầu cấp bản sao"."""
    charged = [fee for fee in spec.fees if _costs_something(fee)]
    parts = [fee_rule_text(fee) for fee in charged if fee.applies_when is None] or [_("Free")]
    parts += [fee_rule_text(fee) for fee in charged if fee.applies_when is not None]
    return "; ".join(str(part) for part in parts)


@dataclass(frozen=True)
class DocumentRow:
    name: str
    copy_kind: str
    count: int
    required: bool
    once_only: bool
    source: str  # the national database it is fetched from, for once-only documents


def document_rows(spec: ProcedureSpec) -> list[DocumentRow]:
    return [_document_row(document) for document in spec.documents]


def _document_row(document: Document) -> DocumentRow:
    return DocumentRow(
        name=document.name,
        copy_kind=str(CopyKind(document.copy_kind).label),
        count=document.count,
        required=document.required,
        once_only=document.fetch_from is not None,
        source=str(document.fetch_from.label) if document.fetch_from else "",
    )


def channel_labels(spec: ProcedureSpec) -> list[str]:
    """Where and how to file, in the order a citizen reads them."""
    labels = []
    if Channel.IN_PERSON in spec.channels:
        labels.append(_("At any one-stop desk in the province, whatever your address "
                        "(Decree 118/2025/NĐ-CP: file anywhere in the province)"))
    if Channel.ONLINE in spec.channels:
        labels.append(_("Online on this portal, full-online: filing, payment and result")
                      if spec.full_online else
                      _("Online on this portal (some steps need paper or a visit)"))
    if Channel.POST in spec.channels:
        labels.append(_("By post (public postal service)"))
    return [str(label) for label in labels]


def expected_date(spec: ProcedureSpec, now: datetime | None = None) -> date:
    """The appointment date of a dossier received now (after 15:00 it counts from tomorrow)."""
    return spec.deadline.appointment(now or timezone.now()).due_date
