"""Organisations: municipalities, neighbourhoods, schools, venues, groups, staff, closures."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    class HolidayRegion(models.TextChoices):
        NORTH = "noord", _("North")
        MIDDLE = "midden", _("Middle")
        SOUTH = "zuid", _("South")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    holiday_region = models.CharField(
        _("holiday region"), max_length=10, choices=HolidayRegion.choices
    )
    # The key of the form or API call that added it (core.once): sent twice, added once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            # "Den Haag" and "den haag" are one municipality: its name is unique in any case.
            models.UniqueConstraint(
                Lower("name"),
                name="municipality_unique_name_any_case",
                violation_error_message=_("There is already a municipality with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="neighbourhoods"
    )
    name = models.CharField(_("name"), max_length=100)
    is_target_area = models.BooleanField(
        _("target neighbourhood"),
        default=False,
        help_text=_("A neighbourhood the programme focuses on; activities may give it priority."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="neighbourhood_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """What schools and venues share: an address in a neighbourhood."""

    name = models.CharField(_("name"), max_length=150)
    street = models.CharField(_("street and number"), max_length=150)
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        validators=[
            RegexValidator(r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Use a postcode like 1506 AB."))
        ],
    )
    city = models.CharField(_("city"), max_length=100)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


class School(Place):
    class Level(models.TextChoices):
        PO = "po", _("Primary (PO)")
        VO = "vo", _("Secondary (VO)")

    brin = models.CharField(
        _("BRIN code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$", _("Use a BRIN like 12AB."))],
    )
    level = models.CharField(_("school type"), max_length=2, choices=Level.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name=_("neighbourhood"),
    )

    class Meta(Place.Meta):
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    @property
    def municipality_id(self) -> int:
        return self.neighbourhood.municipality_id

    @property
    def grades(self) -> range:
        return range(1, 9) if self.level == self.Level.PO else range(1, 7)


class Venue(Place):
    """A place that is not a school, such as a jongerenHUB or a sports hall."""

    description = models.TextField(_("description"), blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("neighbourhood"),
    )

    class Meta(Place.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")


def current_school_year(today) -> str:
    """The Dutch school year a date falls in, as "2026-2027" (it turns on 1 August)."""
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


class Group(models.Model):
    """A class at a school in one school year (groep 1-8 in PO, leerjaar 1-6 in VO)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="groups", verbose_name=_("school")
    )
    name = models.CharField(_("name"), max_length=50)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    school_year = models.CharField(
        _("school year"),
        max_length=9,
        validators=[RegexValidator(r"^[0-9]{4}-[0-9]{4}$", _("Use a school year like 2026-2027."))],
    )
    pupils = models.PositiveSmallIntegerField(
        _("number of pupils"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["school_year", "grade", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="group_unique_name_per_year"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=8), name="group_grade_range"
            ),
            models.CheckConstraint(condition=Q(pupils__gte=1), name="group_has_pupils"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        CONTACT = "contact", _("Programme contact")
        MANAGEMENT = "management", _("School management")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEACHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="staff_unique_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.school}"


class CoordinatorMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="coordinators"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="coordinator_unique_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality}"


class ProgrammeMembership(models.Model):
    """A member of the national programme team: reads the figures of every municipality,
    aggregates only, never a child or a person. A site admin adds them in the admin.

    A programme administrator (`is_admin`) also adds municipalities and invites each one's
    first coordinator: that gives someone a child's data, so it is a few people's task, not
    every member's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_membership",
        verbose_name=_("user"),
    )
    is_admin = models.BooleanField(
        _("programme administrator"),
        default=False,
        help_text=_("May add a municipality and invite its first coordinator."),
    )
    created_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme team member")
        verbose_name_plural = _("programme team members")

    def __str__(self) -> str:
        return str(self.user)


class SchoolClosure(models.Model):
    """Days without lessons: a holiday or study day for one school or a whole municipality."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        STUDY_DAY = "study_day", _("Study day")
        OTHER = "other", _("Other")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="closures"
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        verbose_name=_("school"),
        help_text=_("Leave empty for a closure of every school in the municipality."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOLIDAY)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="closure_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["municipality", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d-%m-%Y} - {self.end_date:%d-%m-%Y})"
