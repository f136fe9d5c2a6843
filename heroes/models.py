"""Local Heroes: volunteer role models who visit classes. A hero has a profile (story, topics,
languages, neighbourhoods, a monthly limit), weekly availability with away periods, and VOG
checks recorded by a coordinator; matching reads all of these."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# How long a VOG counts as valid when the coordinator does not say otherwise.
HERO_VOG_YEARS = 3
# A VOG that ends within this many days "expires soon": reminders go out and badges warn.
VOG_WARNING_DAYS = 60

LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("ber", _("Tamazight")),
    ("pap", _("Papiamento")),
    ("pl", _("Polish")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("uk", _("Ukrainian")),
    ("fr", _("French")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def vog_default_valid_until(issued_on: dt.date) -> dt.date:
    try:
        return issued_on.replace(year=issued_on.year + HERO_VOG_YEARS)
    except ValueError:  # Issued on 29 February; the next years have no such day.
        return issued_on.replace(year=issued_on.year + HERO_VOG_YEARS, day=28)


def vog_status(valid_until: dt.date | None, today: dt.date) -> str:
    """One of "missing", "expired", "expiring" or "valid" for a VOG ending on `valid_until`."""
    if valid_until is None:
        return "missing"
    if valid_until < today:
        return "expired"
    if valid_until <= today + dt.timedelta(days=VOG_WARNING_DAYS):
        return "expiring"
    return "valid"


def _validate_languages(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or any(code not in LANGUAGE_CODES for code in value):
        raise ValidationError(_("Choose languages from the list."), code="invalid_language")


class Topic(models.Model):
    """A subject heroes talk about and schools ask for; each municipality keeps its own list."""

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="hero_topics"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="topic_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class HeroQuerySet(models.QuerySet):
    def active(self) -> HeroQuerySet:
        """Heroes still in the programme (not left, not erased)."""
        return self.filter(left_at__isnull=True)


class Hero(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hero"
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, related_name="heroes"
    )
    display_name = models.CharField(_("display name"), max_length=100)
    story = models.TextField(
        _("short story"),
        max_length=2000,
        blank=True,
        help_text=_("Who you are and what you tell pupils. A few sentences are enough."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="heroes", verbose_name=_("topics")
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[_validate_languages]
    )
    home_neighbourhood = models.ForeignKey(
        "schools.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home neighbourhood"),
    )
    visit_neighbourhoods = models.ManyToManyField(
        "schools.Neighbourhood",
        blank=True,
        related_name="visiting_heroes",
        verbose_name=_("neighbourhoods you will visit"),
    )
    max_visits_per_month = models.PositiveSmallIntegerField(
        _("maximum visits per month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    vr_trained_on = models.DateField(_("VR facilitator training date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A hero who left the programme keeps an anonymous row, so past visits keep their counts.
    left_at = models.DateTimeField(null=True, blank=True)

    objects = HeroQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("Local Hero")
        verbose_name_plural = _("Local Heroes")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_visits_per_month__gte=1) & Q(max_visits_per_month__lte=20),
                name="hero_max_visits_range",
            )
        ]
        # The coordinator's list, by name: a page walks the index, no sort of all heroes.
        indexes = [
            models.Index(fields=["municipality", "display_name", "id"], name="hero_list_order_idx")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def vr_trained(self) -> bool:
        return self.vr_trained_on is not None

    @property
    def language_names(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names[code]) for code in self.languages if code in names]

    @property
    def current_vog(self) -> VOGCheck | None:
        return self.vog_checks.order_by("-issued_on", "-recorded_at", "-pk").first()

    def vog_valid_on(self, date: dt.date) -> bool:
        vog = self.current_vog
        return vog is not None and vog.valid_on(date)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityWindow(models.Model):
    """A weekly time a hero can visit, e.g. every Tuesday 13:00-16:00."""

    hero = models.ForeignKey(Hero, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="availability_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """A period the hero is away: no visits from `starts_on` to `ends_on`, both included."""

    hero = models.ForeignKey(Hero, on_delete=models.CASCADE, related_name="away_periods")
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("away until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("away period")
        verbose_name_plural = _("away periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="away_period_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} - {self.ends_on}"


class VOGCheck(models.Model):
    """A Certificate of Conduct (VOG) a coordinator has seen; the latest one counts."""

    hero = models.ForeignKey(Hero, on_delete=models.CASCADE, related_name="vog_checks")
    issued_on = models.DateField(_("date issued"))
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_on", "-recorded_at"]
        verbose_name = _("VOG check")
        verbose_name_plural = _("VOG checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_on")), name="vog_valid_after_issued"
            )
        ]

    def __str__(self) -> str:
        return f"VOG {self.issued_on} - {self.valid_until}"

    def valid_on(self, date: dt.date) -> bool:
        return self.issued_on <= date <= self.valid_until
