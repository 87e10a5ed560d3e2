from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haicap.core.roles import OFFICER_ROLES, OfficeKind, Role
from haicap.core.scoping import ScopedQuerySet, UnitScope
from haicap.core.text import fold


class Office(models.Model):
    """A unit an officer works in: a commune, a province department or the one-stop centre."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    province = models.ForeignKey(
        "units.Province",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "units.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("commune"),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["province_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="office_commune_iff_commune_kind",
                condition=(models.Q(kind=OfficeKind.COMMUNE, commune__isnull=False))
                | (~models.Q(kind=OfficeKind.COMMUNE) & models.Q(commune__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class HaicapUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """Citizens and officers. Citizens sign in through VNeID; officers with a password."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CITIZEN)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("office"),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    national_id = models.CharField(
        _("personal identification number"), max_length=12, unique=True, null=True, blank=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=10, blank=True)
    address_street = models.CharField(
        _("house number, street, village"), max_length=255, blank=True
    )
    residence_commune = models.ForeignKey(
        "units.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("commune of residence"),
    )

    # Lower-case, tone marks removed: lets "nguyen van an" find "Nguyễn Văn An".
    search_name = models.CharField(max_length=150, blank=True, db_index=True, editable=False)

    objects = HaicapUserManager()
    unit_scope = UnitScope(
        commune_field="residence_commune",
        province_field="residence_commune__province",
        owner_field="pk",
    )

    class Meta:
        verbose_name = _("user")
        # A context: django.contrib.auth, before us, translates plain "users" as "người sử dụng".
        verbose_name_plural = pgettext_lazy("accounts", "users")
        indexes = [models.Index(fields=["role", "residence_commune"])]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR


class AuditEntry(models.Model):
    """One write, as it happened. Rows are never changed or deleted (DB triggers enforce it)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class UsedIdentityCode(models.Model):
    """Authorization codes already exchanged, so that none is accepted twice."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("used sign-in code")
        verbose_name_plural = _("used sign-in codes")

    def __str__(self) -> str:
        return self.digest[:12]


class ApiScope(models.TextChoices):
    SUBMIT = "submit", _("Submit dossiers")
    READ_OWN = "read_own", _("Read the dossiers it submitted")


class ApiPartner(models.Model):
    """A partner system that calls the API with a token (a hospital, a bank, a ministry's
    system), not a person: it holds no role and sees only what it submitted."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="api_partners", verbose_name=_("office"))
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    # A context: django.contrib.auth, before us in INSTALLED_APPS, translates plain "active" as
    # "Kích hoạt" (activate) and would win.
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("API partner")
        verbose_name_plural = _("API partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class ApiToken(models.Model):
    """A partner's bearer token. Only its SHA-256 is kept: the token is shown once."""

    partner = models.ForeignKey(ApiPartner, on_delete=models.CASCADE, related_name="tokens",
                                verbose_name=_("partner"))
    # The first characters, to find the row and to tell tokens apart in the admin.
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.prefix}…"
