"""The scheduling core: VR kits, session requests, offers to heroes, visits and matching runs.

A request moves open -> offered -> confirmed (-> done once it has happened); a decline or an
expired offer moves it back to open, and staff may cancel it or ask to reschedule (new windows,
back to open) at any time before it has happened. Each offer and visit records one hero (and
for VR one kit) at one time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from heroes.models import LANGUAGE_CHOICES

# A class plays in two rotations: a kit serves a class of up to twice its headsets.
ROTATIONS = 2
DURATION_CHOICES = [
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1.5 hours")),
    (120, _("2 hours")),
]


class Kit(models.Model):
    """A VR kit the municipality lends to schools: headsets, a home venue, maintenance."""

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="kits"
    )
    name = models.CharField(_("name"), max_length=100)
    headsets = models.PositiveSmallIntegerField(
        _("number of headsets"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    home_venue = models.ForeignKey(
        "schools.Venue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kits",
        verbose_name=_("home venue"),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Kits not in use are never matched.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("VR kit")
        verbose_name_plural = _("VR kits")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="kit_unique_name"),
            models.CheckConstraint(condition=Q(headsets__gte=1), name="kit_has_headsets"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_class_size(self) -> int:
        return self.headsets * ROTATIONS


class KitBlock(models.Model):
    """A time the kit is away for maintenance (or otherwise unavailable)."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="blocks")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("maintenance block")
        verbose_name_plural = _("maintenance blocks")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="block_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.kit}: {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"


class SessionRequest(models.Model):
    class Kind(models.TextChoices):
        HERO = "hero", _("Local Hero visit")
        VR = "vr", _("VR game session")

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a hero")
        OFFERED = "offered", _("Offered to a hero")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Took place")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="session_requests"
    )
    group = models.ForeignKey(
        "schools.Group",
        on_delete=models.PROTECT,
        related_name="session_requests",
        verbose_name=_("group"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    topic = models.ForeignKey(
        "heroes.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_requests",
        verbose_name=_("topic"),
    )
    # A wish counts as fit in matching; a required topic is a hard rule.
    topic_required = models.BooleanField(_("the topic is required"), default=False)
    language = models.CharField(_("language"), max_length=3, choices=LANGUAGE_CHOICES, default="nl")
    duration_min = models.PositiveSmallIntegerField(
        _("duration"), choices=DURATION_CHOICES, default=60
    )
    class_size = models.PositiveSmallIntegerField(
        _("class size"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    # The last matching run's reason when it found nobody (a matching.model reason code).
    unmatched_reason = models.CharField(max_length=40, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    # The key of the form or API call that made it (core.once): sent twice, made once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session request")
        verbose_name_plural = _("session requests")
        indexes = [
            models.Index(fields=["status", "school"]),
            # The lists, newest first: a page walks the index backwards.
            models.Index(fields=["created_at", "id"], name="request_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(class_size__gte=1), name="request_class_size")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} - {self.group}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.OFFERED, self.Status.CONFIRMED)


class RequestWindow(models.Model):
    """A time the class can receive the visit; the visit lies wholly inside one window."""

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("preferred time")
        verbose_name_plural = _("preferred times")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%H:%M}"


class MatchingRun(models.Model):
    """One run of the matching engine for a municipality. At most one is queued or running
    per municipality at a time (a partial unique index): that is the lock against overlap."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Started by a coordinator")
        PERIODIC = "periodic", _("Scheduled")
        DECLINE = "decline", _("After a decline or expiry")
        REQUEST = "request", _("After a new request")

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="matching_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requests_open = models.PositiveIntegerField(default=0)
    offers_made = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    # Of the offers made for a request that asked a topic, how many heroes have it.
    offers_asking_topic = models.PositiveIntegerField(default=0)
    offers_with_topic = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(null=True, blank=True)
    solve_s = models.FloatField(null=True, blank=True)
    engine_status = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_matching_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class OfferDeclineCode(models.TextChoices):
    """Why a hero said no, as they pick it: coordinators count these, while the free text
    beside it stays for what a choice cannot say. Nothing here names health or other
    private matters: "personal" is enough to count."""

    TIME = "time", _("The day or time does not suit me")
    DISTANCE = "distance", _("The school is too far away for me")
    TOPIC = "topic", _("The topic or class is not a good fit for me")
    BUSY = "busy", _("I already have enough visits this month")
    PERSONAL = "personal", _("Personal reasons")
    OTHER = "other", _("Something else")

    @classmethod
    def label_for(cls, code: str) -> str:
        """The words for a stored code, blank ("no reason chosen") included: for reports that
        group declined offers by `decline_code`."""
        return str(cls(code).label) if code else str(_("No reason chosen"))


class Offer(models.Model):
    """A proposed visit: one hero (and kit) at one time, waiting for the hero's answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Module level so that Meta's constraint can name the codes.
    DeclineCode = OfferDeclineCode

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="offers")
    hero = models.ForeignKey("heroes.Hero", on_delete=models.CASCADE, related_name="offers")
    kit = models.ForeignKey(
        Kit, on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    expires_at = models.DateTimeField(_("answer before"))
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Blank when the offer was not declined, when it was declined before heroes picked a
    # reason, and when a hero withdrew from an accepted visit (they tell the school why in
    # `decline_reason` instead).
    decline_code = models.CharField(
        _("reason chosen"), max_length=10, choices=DeclineCode.choices, blank=True
    )
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers"
    )
    # Set when a coordinator assigned this by hand, with the rules it breaks (if any).
    manual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_warnings = models.JSONField(default=list, blank=True)
    # Why this hero: codes of scheduler.matching.rules.fit_parts, kept from when it was made.
    fit = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_at", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="pending"),
                name="one_pending_offer_per_request",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="offer_ends"),
            # Only a declined offer has a reason chosen, and only one of the choices.
            models.CheckConstraint(
                condition=Q(decline_code="")
                | Q(status="declined", decline_code__in=OfferDeclineCode.values),
                name="offer_decline_code",
            ),
        ]
        indexes = [models.Index(fields=["hero", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.hero} - {self.request} ({self.status})"


class Visit(models.Model):
    """A confirmed session. `sequence` rises with every change of time, place or status, so
    calendar invites can update and cancel it."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="visits")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="visit")
    hero = models.ForeignKey("heroes.Hero", on_delete=models.PROTECT, related_name="visits")
    kit = models.ForeignKey(
        Kit, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    sequence = models.PositiveIntegerField(default=0)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="confirmed"),
                name="one_confirmed_visit_per_request",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="visit_ends"),
        ]
        indexes = [
            models.Index(fields=["hero", "starts_at"]),
            models.Index(fields=["kit", "starts_at"]),
            # The coordinator's list in time order: a page walks the index.
            models.Index(fields=["starts_at", "id"], name="visit_starts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hero} - {self.request} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at
