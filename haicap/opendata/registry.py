"""Every published dataset, in one place: its metadata and the builder of its table.

Adding a dataset is adding a `Definition` here (and its builder in `builders.py`); `publish_all`
and the pages pick it up. Texts are English msgids; the catalogue stores them in Vietnamese.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.opendata import builders, disclosure
from haicap.opendata.models import Frequency, Theme
from haicap.opendata.tables import Table


@dataclass(frozen=True)
class Definition:
    slug: str
    title: Promise
    description: Promise
    keywords: tuple[Promise, ...]
    theme: str
    frequency: str
    build: Callable[[object], Table]  # province → table


SUPPRESSION_NOTE = _(
    "Privacy: no dossier and no person can be picked out. Counts from 1 to {threshold} are "
    "published as empty cells (k ≥ {k}) and the row's column suppressed is true; a zero is "
    "shown as 0. When received or finished is hidden, the counts that are part of it (online; "
    "on_time and late) are hidden too. Because finished = on_time + late, when exactly one of "
    "these three is hidden "
    "the smallest of the other two is hidden too, so it cannot be computed back. No totals per "
    "commune, month or province are published for the same reason. Only complete months are "
    "published."
)


def _statistics_description() -> str:
    intro = _("Dossiers received, finished, finished on time and late, and submitted online, "
              "per month, commune and procedure, computed from the dossier event log.")
    note = str(SUPPRESSION_NOTE).format(threshold=disclosure.K - 1, k=disclosure.K)
    return f"{intro} {note}"


# Read in the language active when it is turned into text, like the gettext_lazy texts.
statistics_description = lazy(_statistics_description, str)


# "communes" as a keyword is "xã", beside "wards" ("phường"); alone it names every
# commune-level unit.
DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        slug="thong-ke-ho-so",
        title=_("Dossier statistics per commune, procedure and month"),
        description=statistics_description(),
        keywords=(_("dossiers"), _("statistics"), _("on time"), _("online public services"),
                  pgettext_lazy("dataset keyword", "communes")),
        theme=Theme.SERVICE_PERFORMANCE,
        frequency=Frequency.MONTHLY,
        build=builders.dossier_statistics,
    ),
    Definition(
        slug="thu-tuc-hanh-chinh",
        title=_("Catalogue of administrative procedures"),
        description=_("Every procedure the province's one-stop desks receive: its national code, "
                      "level, field, executing unit, deadline, whether it is full-online, and "
                      "its fees."),
        keywords=(_("administrative procedures"), _("fees"), _("deadlines"),
                  _("online public services")),
        theme=Theme.SERVICE_CATALOGUE,
        frequency=Frequency.IRREGULAR,
        build=builders.procedures,
    ),
    Definition(
        slug="don-vi-hanh-chinh-cap-xa",
        title=_("Communes, wards and special zones of the province"),
        description=_("The commune-level administrative units of the province since 1 July 2025 "
                      "(two-tier local government): code, name, kind and position."),
        keywords=(_("administrative units"), pgettext_lazy("dataset keyword", "communes"),
                  _("wards"), _("two-tier government")),
        theme=Theme.ADMINISTRATIVE_UNITS,
        frequency=Frequency.IRREGULAR,
        build=builders.communes,
    ),
    Definition(
        slug="sap-xep-don-vi-hanh-chinh",
        title=_("Succession of communes in the 2025 reorganisation"),
        description=_("Which commune of before 1 July 2025 (with its district and province) went "
                      "into which commune of today, whether it was split, and the resolution "
                      "that decided it. An old address can be converted with it."),
        keywords=(_("administrative units"), _("reorganisation"), _("succession"),
                  _("address conversion")),
        theme=Theme.ADMINISTRATIVE_UNITS,
        frequency=Frequency.IRREGULAR,
        build=builders.commune_succession,
    ),
    Definition(
        slug="noi-tiep-nhan-ho-so",
        title=_("Offices that receive dossiers"),
        description=_("The one-stop desks of the commune People's Committees and the province's "
                      "public-administration service centre, where any dossier of the province "
                      "can be filed (Decree 118/2025)."),
        keywords=(_("one-stop desks"), _("public-administration service centre"),
                  _("file anywhere")),
        theme=Theme.ADMINISTRATIVE_UNITS,
        frequency=Frequency.IRREGULAR,
        build=builders.receiving_offices,
    ),
)
