"""The national population database, behind one interface.

The real database (CSDLQG về dân cư) answers a lookup by personal identification number over the
government data-exchange platform, which we cannot reach from here. `SandboxPopulationRegistry`
behaves like it — latency, outages, "no such person" — and answers from the province's golden
records (master data cleaned from the merged provinces' systems, `haicap.mdm`), so the once-only
prefill works on real cleaned data. It is labelled sandbox wherever its answers show.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from haicap.core.errors import DomainError
from haicap.core.sandbox import RemoteServiceSimulation


class RegistryUnavailable(DomainError):
    status = 503
    code = "registry_unavailable"


@dataclass(frozen=True)
class PersonRecord:
    """What the population database holds about a person."""

    national_id: str
    full_name: str
    birth_date: date | None
    gender: str
    phone: str
    address: str
    commune_code: str
    father_name: str
    mother_name: str
    source: str


class SandboxPopulationRegistry(RemoteServiceSimulation):
    name = "CSDL dân cư (sandbox)"

    def person(self, national_id: str) -> PersonRecord | None:
        """The person with this number, or None; RegistryUnavailable on a simulated outage."""
        from haicap.mdm.models import GoldenRecord

        if self.simulated_call_fails():
            raise RegistryUnavailable(_("The population database does not answer; try again "
                                        "later."))
        golden = (GoldenRecord.objects.filter(national_id=national_id, retired_into="")
                  .order_by("golden_id").first()) if national_id else None
        if golden is None:
            return None
        return PersonRecord(
            national_id=golden.national_id, full_name=golden.full_name,
            birth_date=golden.birth_date, gender=golden.gender, phone=golden.phone,
            address=golden.address, commune_code=golden.commune_id or "",
            father_name=golden.father_name, mother_name=golden.mother_name,
            source=f"{self.name}: {golden.golden_id}")


def population_registry() -> SandboxPopulationRegistry:
    """The configured adapter (HAICAP_POPULATION_ADAPTER; only the sandbox exists here)."""
    adapter = getattr(settings, "HAICAP_POPULATION_ADAPTER", "sandbox")
    if adapter != "sandbox":
        raise RegistryUnavailable(_("No adapter for the population database is configured."),
                                  code="registry_not_configured")
    return SandboxPopulationRegistry()
