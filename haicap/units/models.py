"""Administrative units after 1 July 2025 and before it, and the succession between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProvinceKind(models.TextChoices):
    # The kind (tỉnh, not a centrally-run city); "Province" alone is any province-level unit.
    PROVINCE = "tinh", pgettext_lazy("unit kind", "Province")
    CITY = "thanh_pho", _("Centrally-run city")


class CommuneKind(models.TextChoices):
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    SPECIAL_ZONE = "dac_khu", _("Special zone")


class LegacyDistrictKind(models.TextChoices):
    URBAN_DISTRICT = "quan", _("Urban district")
    RURAL_DISTRICT = "huyen", _("Rural district")
    TOWN = "thi_xa", _("Town")
    CITY = "thanh_pho", _("Province city")


class LegacyCommuneKind(models.TextChoices):
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    TOWNSHIP = "thi_tran", _("Township")


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities since 1 July 2025."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ProvinceKind.choices)
    codename = models.SlugField(_("code name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """One of the 3,321 communes, wards and special zones since 1 July 2025."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CommuneKind.choices)
    codename = models.SlugField(_("code name"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["province_id", "code"]

    def __str__(self) -> str:
        return self.name


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    successor = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )
    source = models.CharField(_("source"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("province before 2025")
        verbose_name_plural = _("provinces before 2025")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    """A district (quận, huyện, thị xã, thành phố thuộc tỉnh); abolished on 1 July 2025."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=LegacyDistrictKind.choices)
    province = models.ForeignKey(
        LegacyProvince,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("province"),
    )
    successor = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_districts",
        verbose_name=_("became"),
        help_text=_("Island districts without communes became special zones as a whole."),
    )

    class Meta:
        verbose_name = _("district before 2025")
        verbose_name_plural = _("districts before 2025")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyCommune(models.Model):
    """A commune, ward or township before 1 July 2025."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=LegacyCommuneKind.choices)
    district = models.ForeignKey(
        LegacyDistrict,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("district"),
    )
    successors = models.ManyToManyField(
        Commune,
        through="CommuneSuccession",
        related_name="predecessors",
        verbose_name=_("went into"),
    )

    class Meta:
        verbose_name = _("commune before 2025")
        verbose_name_plural = _("communes before 2025")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CommuneSuccession(models.Model):
    """An old commune went (wholly or in part) into a new commune on the effective date."""

    legacy_commune = models.ForeignKey(
        LegacyCommune, on_delete=models.CASCADE, related_name="successions"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="successions")
    is_split = models.BooleanField(
        _("split"),
        default=False,
        help_text=_("The old commune was divided among several new ones."),
    )
    is_default = models.BooleanField(
        _("main successor"),
        default=True,
        help_text=_("Of a split commune, the new commune that took its seat."),
    )
    source = models.CharField(_("source"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("commune succession")
        verbose_name_plural = _("commune successions")
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_commune", "commune"], name="unique_commune_succession"
            )
        ]

    def __str__(self) -> str:
        return f"{self.legacy_commune} → {self.commune}"


class SourceDisagreement(models.Model):
    """Where the two unit data sets we load disagree, recorded for the data steward."""

    subject = models.CharField(_("subject"), max_length=64)
    code = models.CharField(_("code"), max_length=16)
    field = models.CharField(_("field"), max_length=64)
    first_source = models.CharField(_("first source"), max_length=64)
    first_value = models.CharField(_("first value"), max_length=255, blank=True)
    second_source = models.CharField(_("second source"), max_length=64)
    second_value = models.CharField(_("second value"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("disagreement between sources")
        verbose_name_plural = _("disagreements between sources")
        ordering = ["subject", "code"]

    def __str__(self) -> str:
        return f"{self.subject} {self.code}: {self.field}"
