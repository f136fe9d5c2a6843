"""People and how they join: users (email as login) and invitations to a role."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, mfa_exempt=False)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Roles come from memberships (school staff, coordinator), a hero profile,
    and `is_parent`; one person may hold several (see accounts.roles)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_parent = models.BooleanField(_("parent or guardian"), default=False)
    mfa_exempt = models.BooleanField(
        _("exempt from two-step login"),
        default=False,
        help_text=_("Only for demo accounts, in development; ignored in production."),
    )

    # Set when the retention run warned that an unused account will be removed (accounts.retention).
    inactivity_warned_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def skips_second_factor(self) -> bool:
        """Demo accounts look around without two-step login, in development (DEBUG) only: in
        production the flag is ignored, and `check --deploy --database default` refuses it."""
        return self.mfa_exempt and settings.DEBUG

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A coordinator invites school staff (to a school) or a Local Hero (to the municipality)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("School staff")
        HERO = "hero", _("Local Hero")
        COORDINATOR = "coordinator", _("Coordinator")

    VALID_FOR = timedelta(days=14)

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="invitations"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        verbose_name=_("school"),
    )
    staff_role = models.CharField(
        _("role at the school"),
        max_length=20,
        choices=[
            ("teacher", _("Teacher")),
            ("contact", _("Programme contact")),
            ("management", _("School management")),
        ],
        blank=True,
    )
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_("For a Local Hero: the name schools and pupils will see."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The key of the form that made it (core.once): sent twice, made (and mailed) once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Not yet accepted nor withdrawn: the invitation an address has for a role (an expired
    # one too, until it is sent again). One per address, role and place (the school for
    # staff, the municipality for the others), so a second invite is the first one resent.
    PENDING = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    # Not stored: set by services.invitation_create when the pending invitation was sent again.
    resent = False

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="staff") | Q(school__isnull=False),
                name="invitation_staff_has_school",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "school",
                condition=Q(role="staff", accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_staff_address",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "role",
                "municipality",
                condition=~Q(role="staff") & Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.email}"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class ApiToken(models.Model):
    """A person's key for the API (one at a time). Only a digest of the key is stored, so the
    table cannot be used to sign in. The token stops working when it expires and when the
    password changes: it remembers a fingerprint of the password it was made under."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    password_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


def new_export_token() -> str:
    return secrets.token_urlsafe(32)


class DataExport(models.Model):
    """Everything the platform holds about a person, gathered in the background when they ask
    for it (accounts.privacy). The link in the mail works for its owner only, until
    `expires_at`; the retention run then removes the row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    token = models.CharField(max_length=64, unique=True, default=new_export_token)
    created_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    data = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
