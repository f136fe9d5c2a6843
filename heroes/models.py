"""Local Heroes: volunteer role models who visit classes. Profiles, availability and VOG
checks grow here; the foundation holds who is a hero and for which municipality."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hero(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hero"
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="heroes"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("Local Hero")
        verbose_name_plural = _("Local Heroes")

    def __str__(self) -> str:
        return self.display_name
