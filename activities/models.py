"""After-school activities: what schools offer, when it happens, who takes part.

Capacity is a hard limit. `Activity.seats_taken` counts confirmed places and open offers; it
only changes inside a transaction that holds the activity's row lock (activities.services),
and a check constraint keeps it at or under capacity even if code forgets the lock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schools.models import Group, Neighbourhood, School, Venue


class Category(models.TextChoices):
    SPORT = "sport", _("Sport and games")
    CULTURE = "culture", _("Culture and music")
    TECHNOLOGY = "technology", _("Technology and science")
    HOMEWORK = "homework", _("Homework help")
    NATURE = "nature", _("Nature and outdoors")
    COOKING = "cooking", _("Cooking")
    OTHER = "other", _("Other")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _label(choices: type[models.Choices], value):
    """What get_FOO_display says for `value`: its choice's label, or the value itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class LotteryRound(models.Model):
    """Lottery activities that are drawn together, so a child's ranked choices can be weighed
    against each other and places spread fairly across children."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="lottery_rounds")
    name = models.CharField(_("name"), max_length=150)
    closes_at = models.DateTimeField(_("applications close"))
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    draw_log = models.JSONField(_("draw record"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("lottery round")
        verbose_name_plural = _("lottery rounds")
        indexes = [models.Index(fields=["drawn_at", "closes_at"])]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        LOTTERY = "lottery", _("Lottery when enrolment closes")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="activities", verbose_name=_("school")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("venue"),
        help_text=_("Leave empty when the activity is at the school."),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    bring = models.CharField(
        _("what to bring"),
        max_length=200,
        blank=True,
        help_text=_("Optional. For example: sports clothes and a bottle of water."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("school type"), max_length=2, choices=School.Level.choices)
    grade_min = models.PositiveSmallIntegerField(
        _("from grade"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    grade_max = models.PositiveSmallIntegerField(
        _("to grade"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    seats_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"))
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"))
    allocation = models.CharField(
        _("allocation"), max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    lottery_round = models.ForeignKey(
        LotteryRound,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("lottery round"),
    )
    priority_own_school = models.BooleanField(_("own pupils first"), default=False)
    priority_neighbourhoods = models.ManyToManyField(
        Neighbourhood,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhoods first"),
        help_text=_("Children who live in these neighbourhoods get a place first."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to answer an offer"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The creator's key for the form or API call that made it (core.once): sent twice, made once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_date", "weekday", "start_time", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="activity_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(grade_min__lte=F("grade_max")), name="activity_grade_range"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="activity_last_after_first"
            ),
            models.CheckConstraint(
                condition=Q(enrolment_closes_at__gt=F("enrolment_opens_at")),
                name="activity_window_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(allocation="lottery") | Q(lottery_round__isnull=False),
                name="activity_lottery_has_round",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "first_date"]),
            # The lists' order (selectors, api): a page of 25 walks the index, no sort of all.
            models.Index(
                fields=["first_date", "weekday", "start_time", "title", "id"],
                name="activity_list_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # Django's get_FOO_display builds a dict of every choice on each call; a list of 25 cards
    # calls these two 50 times. The enum's own lookup gives the same label.
    def get_weekday_display(self):
        return _label(Weekday, self.weekday)

    def get_level_display(self):
        return _label(School.Level, self.level)

    def clean(self) -> None:
        grades = range(1, 9) if self.level == School.Level.PO else range(1, 7)
        if self.grade_max and self.grade_max not in grades:
            raise ValidationError(
                {
                    "grade_max": _("This school type has grades %(low)d to %(high)d.")
                    % {"low": grades.start, "high": grades.stop - 1}
                }
            )

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def place(self):
        return self.venue or self.school

    def window_is_open(self, now: dt.datetime) -> bool:
        return self.enrolment_opens_at <= now < self.enrolment_closes_at


class Occurrence(models.Model):
    """One session of an activity on a date; generated from the schedule, skipping closures."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["activity", "date"], name="occurrence_unique_date"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.date:%d-%m-%Y}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Child(models.Model):
    """A child, with the least data the programme needs: never a BSN, never a last name.

    An erased child (its guardian asked, or the retention period passed) keeps its row without
    anything personal (no name, no guardian, no class), so the figures of the activities it
    took part in keep their counts."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    first_name = models.CharField(_("first name"), max_length=50)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="children", verbose_name=_("school")
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("group"),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("neighbourhood you live in"),
    )
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(max_length=20)
    # The key of the form or API call that registered it (core.once): sent twice, made once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_name", "id"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=8), name="child_grade")
        ]

    def __str__(self) -> str:
        return str(_("(removed)")) if self.erased_at else self.first_name

    def clean(self) -> None:
        if self.school_id and self.grade and self.grade not in self.school.grades:
            raise ValidationError(
                {
                    "grade": _("This school type has grades %(low)d to %(high)d.")
                    % {"low": self.school.grades.start, "high": self.school.grades.stop - 1}
                }
            )
        if self.group_id and self.school_id and self.group.school_id != self.school_id:
            raise ValidationError({"group": _("Choose a group of this school.")})


class Enrolment(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied for the lottery")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Place offered")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Offer expired")

    ACTIVE = (Status.APPLIED, Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)
    HOLDS_SEAT = (Status.CONFIRMED, Status.OFFERED)

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    priority_tier = models.PositiveSmallIntegerField(default=0)
    choice_rank = models.PositiveSmallIntegerField(_("choice"), default=1)
    sibling_group = models.UUIDField(null=True, blank=True, db_index=True)
    applied_at = models.DateTimeField(_("applied at"))
    offer_expires_at = models.DateTimeField(_("answer before"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the child first held a place and first joined the waiting list; kept when the
    # enrolment ends, for the steering figures (reports: waiting times, drop-out).
    placed_at = models.DateTimeField(null=True, blank=True, editable=False)
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The SEQUENCE of the family's calendar invite (RFC 5545): raised on every change to it
    # (new schedule, a cancelled session, the end of the place), so calendars replace the old.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["activity", "priority_tier", "applied_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "activity"],
                condition=Q(status__in=["applied", "confirmed", "waitlisted", "offered"]),
                name="enrolment_one_active_per_child",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="enrolment_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "priority_tier", "applied_at"]),
            models.Index(
                fields=["offer_expires_at"],
                name="enrolment_open_offer_idx",
                condition=Q(status="offered"),
            ),
            # The dashboards' waiting times: the few enrolments that waited and got a place.
            models.Index(
                fields=["activity"],
                name="enrolment_waited_idx",
                condition=Q(placed_at__isnull=False, waitlisted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.activity} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def offer_is_open(self, now: dt.datetime) -> bool:
        """A place is offered and the family may still answer."""
        return self.status == self.Status.OFFERED and self.offer_expires_at > now


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "enrolment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurrence}: {self.status}"


class AbsenceNotice(models.Model):
    """A guardian's word that their child will miss a coming session ("afmelden"). Staff see it
    in that session's register, pre-marked excused; the guardian can take it back until the
    session starts. The reason is optional and short: no medical details are needed."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="absence_notices"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="absence_notices"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("absence notice")
        verbose_name_plural = _("absence notices")
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "enrolment"], name="absence_notice_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurrence}: {self.enrolment.child}"
