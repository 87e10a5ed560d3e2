"""Citizens' satisfaction ratings and complaints (phản ánh kiến nghị) about their dossiers.

Both are also dossier events (`rate`, `complain`, docs/adr/0013-feedback.md): the KPI facts
read the event log, these tables keep what the pages and the answering officers need.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haicap.core.scoping import ScopedQuerySet, UnitScope


class Via(models.TextChoices):
    PORTAL = "portal", _("Portal")
    SMS = "sms", _("SMS")


class Score(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class RatingReason(models.TextChoices):
    """The reasons most people give, one tap each; anything else goes in the comment."""

    FAST = "fast", _("Done quickly")
    HELPFUL = "helpful", _("Helpful officers")
    CLEAR = "clear", _("Clear guidance")
    EASY_ONLINE = "easy_online", _("Easy to do online")
    SLOW = "slow", _("Slow or late")
    UNHELPFUL = "unhelpful", _("Unhelpful attitude")
    UNCLEAR = "unclear", _("Unclear guidance")
    TOO_MANY_PAPERS = "too_many_papers", _("Too many papers asked")
    OTHER = "other", _("Other")


class Rating(models.Model):
    """The applicant's one rating of a dossier's service, changeable for a few days."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT,
                                   related_name="rating", verbose_name=_("dossier"))
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=RatingReason.choices,
                              blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    via = models.CharField(_("via"), max_length=8, choices=Via.choices)
    rated_at = models.DateTimeField(_("rated at"))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="rating_score_1_to_5")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"


class ComplaintCategory(models.TextChoices):
    LATE = "late", _("Late result")
    ATTITUDE = "attitude", _("Officers' attitude")
    FEES = "fees", _("Fees and charges")
    DOCUMENTS = "documents", _("Papers asked for")
    ONLINE = "online", _("Online service")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_HANDLING = "in_handling", _("Being handled")
    ANSWERED = "answered", _("Answered")


class ComplaintQuerySet(ScopedQuerySet):
    pass


class Complaint(models.Model):
    """A complaint or suggestion about a dossier, answered by its competent office."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT,
                                related_name="complaints", verbose_name=_("dossier"))
    # The dossier's competent office when the complaint came: the office that answers it.
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("responsible unit"))
    province = models.ForeignKey("units.Province", on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    category = models.CharField(_("category"), max_length=16,
                                choices=ComplaintCategory.choices)
    text = models.TextField(_("complaint"))
    via = models.CharField(_("via"), max_length=8, choices=Via.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(_("status"), max_length=16, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()
    unit_scope = UnitScope(office_fields=("office",), province_field="province",
                           owner_field="dossier__applicant")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["office", "status", "-filed_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.category}"
