"""The council report's own words: what a coordinator writes beside the figures of a period.
The figures themselves are never stored; they are counted when the report is opened."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CouncilReport(models.Model):
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="council_reports"
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    text = models.TextField(_("text for the council"), max_length=5000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "start", "end"], name="council_report_once_per_period"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="council_report_period"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start} - {self.end}"
