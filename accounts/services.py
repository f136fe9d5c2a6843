"""Writes for accounts: invitations to a role, a new municipality with its first coordinator,
and the API token of a person."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.locking import lock, locking
from core.once import create_once
from core.refusals import Refusal
from core.roles import Roles
from core.urls import absolute_url
from heroes.models import Hero
from notifications.models import Notification
from notifications.services import notification_create_from_template
from schools import services as schools
from schools.models import CoordinatorMembership, Municipality, School, StaffMembership

from .authentication import password_fingerprint, token_digest
from .models import ApiToken, Invitation, User


class InvitationError(Refusal):
    """An invitation that cannot be sent, withdrawn or accepted; the message says why."""

    code = "invitation"
    status = 409


def invitation_create(
    *,
    invited_by: User,
    municipality: Municipality,
    role: str,
    email: str,
    now: datetime,
    school: School | None = None,
    staff_role: str = "",
    display_name: str = "",
    submission_key: uuid.UUID | None = None,
) -> Invitation:
    """Invite an address to a role and put the email in the outbox, in one transaction.

    An address has one pending invitation per role and place (a database constraint): when
    it has one already, that one is sent again with the details given now and a new term (a
    coordinator who invites again wants the person to get the mail; a second link would only
    confuse), and comes back with `resent` set. Sent twice with the same `submission_key`
    (core.once), the first result, without a second mail."""
    if role == Invitation.Role.STAFF and (
        school is None or school.neighbourhood.municipality_id != municipality.pk
    ):
        raise InvitationError(_("Choose a school in your municipality."))
    is_staff = role == Invitation.Role.STAFF
    fields = {
        "email": email.strip().lower(),
        "role": role,
        "municipality": municipality,
        "school": school if is_staff else None,
        "staff_role": (staff_role or StaffMembership.Role.TEACHER) if is_staff else "",
        # A hero's name for schools and pupils; a coordinator's name to greet them by.
        "display_name": display_name if role != Invitation.Role.STAFF else "",
    }
    try:
        with locking():
            return create_once(
                Invitation,
                submission_key,
                lambda: _invite(fields, invited_by=invited_by, now=now, key=submission_key),
            )
    except IntegrityError:
        # Another submit invited the address at the same moment: its mail is on its way.
        pending = _pending(fields).first()
        if pending is None:
            raise
        pending.resent = True
        return pending


def _pending(fields: dict):
    """The pending invitation of the address for the role and place (at most one)."""
    place = {"school": fields["school"]} if fields["school"] else {}
    return Invitation.objects.filter(
        Invitation.PENDING,
        email__iexact=fields["email"],
        role=fields["role"],
        municipality=fields["municipality"],
        **place,
    )


def _invite(fields: dict, *, invited_by: User, now: datetime, key) -> Invitation:
    [pending] = lock(_pending(fields))
    if pending:
        invitation = pending[0]
        invitation.staff_role, invitation.display_name = (
            fields["staff_role"],
            fields["display_name"],
        )
        invitation.expires_at = now + Invitation.VALID_FOR
        invitation.submission_key = key or invitation.submission_key
        invitation.save(
            update_fields=["staff_role", "display_name", "expires_at", "submission_key"]
        )
    else:
        invitation = Invitation.objects.create(
            **fields,
            invited_by=invited_by,
            expires_at=now + Invitation.VALID_FOR,
            submission_key=key,
        )
    _send(invitation)
    invitation.resent = bool(pending)
    return invitation


def municipality_start(
    *,
    started_by: User,
    name: str,
    holiday_region: str,
    coordinator_name: str,
    coordinator_email: str,
    now: datetime,
    neighbourhoods: Sequence[tuple[str, bool]] = (),
    submission_key: uuid.UUID | None = None,
) -> Municipality:
    """A programme administrator adds a municipality (with its neighbourhoods) and invites its
    first coordinator, in one transaction: the invitation mail is in the outbox when the
    municipality exists, and neither is there without the other.

    Sent twice with the same `submission_key` (core.once: a double click, the Back button, a
    client's retry), the first municipality comes back and no second mail goes out; a name
    that exists in any case is a ValidationError on `name`."""
    try:
        with transaction.atomic():
            return create_once(
                Municipality,
                submission_key,
                lambda: _start(
                    started_by=started_by,
                    data={
                        "name": name,
                        "holiday_region": holiday_region,
                        "neighbourhoods": neighbourhoods,
                    },
                    coordinator=(coordinator_name.strip(), coordinator_email),
                    now=now,
                    key=submission_key,
                ),
            )
    except IntegrityError as exc:
        # Another administrator added the same name at the same moment.
        raise ValidationError(
            {"name": _("There is already a municipality with this name.")}
        ) from exc


def _start(*, started_by: User, data: dict, coordinator: tuple[str, str], now, key):
    municipality = schools.municipality_create(**data, submission_key=key)
    name, email = coordinator
    invitation_create(
        invited_by=started_by,
        municipality=municipality,
        role=Invitation.Role.COORDINATOR,
        email=email,
        display_name=name,
        now=now,
    )
    return municipality


def invitation_resend(*, invitation: Invitation, now: datetime) -> Invitation:
    """Send the invitation again; the link stays the same and is valid for another term."""
    with locking():
        invitation = _lock(invitation)
        if invitation.accepted_at or invitation.revoked_at:
            raise InvitationError(_("This invitation is no longer open, so it cannot be sent."))
        invitation.expires_at = now + Invitation.VALID_FOR
        invitation.save(update_fields=["expires_at"])
        _send(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation, now: datetime) -> Invitation:
    with locking():
        invitation = _lock(invitation)
        if invitation.accepted_at:
            raise InvitationError(_("This invitation was already accepted."))
        if not invitation.revoked_at:
            invitation.revoked_at = now
            invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_accept(*, invitation: Invitation, user: User, now: datetime) -> Invitation:
    """Give the person the role they were invited to. Accepting twice changes nothing."""
    with locking():
        invitation = _lock(invitation)
        if invitation.accepted_by_id == user.pk and invitation.accepted_at:
            return invitation
        if not invitation.is_open(now):
            raise InvitationError(_("This invitation can no longer be used."))
        if user.email.lower() != invitation.email.lower():
            raise InvitationError(
                _("This invitation was sent to another email address than the one you use.")
            )
        _grant_role(invitation, user)
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


def invitation_signup(
    *, invitation: Invitation, name: str, password: str, language: str, now: datetime
) -> User:
    """Create the account of an invited person and accept the invitation.

    The link in the email proved the address, so it is verified at once."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=invitation.email, password=password, name=name, language=language
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation_accept(invitation=invitation, user=user, now=now)
    return user


def user_language_set(*, user: User, language: str) -> None:
    """The person's one language: of every page once signed in, and of every mail to them."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of the site: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


class ApiTokenNotAllowed(Refusal):
    code = "api_token_not_allowed"
    status = 403
    message = gettext_lazy(
        "Only school staff, coordinators and the programme team can make a key for other programs."
    )


def api_token_issue(*, user: User, roles: Roles, now: datetime) -> tuple[ApiToken, str]:
    """A person asks for a token for themselves on their account page: only staff,
    coordinators, the programme team and site admins may (Roles.may_hold_api_token); others
    are refused."""
    if not roles.may_hold_api_token:
        raise ApiTokenNotAllowed
    return api_token_create(user=user, now=now)


def api_token_create(*, user: User, now: datetime) -> tuple[ApiToken, str]:
    """A new API token and its key (shown once; only its digest is kept). Any earlier token
    stops working. It expires after settings.API_TOKEN_DAYS and when the password changes.
    Checks no role: people ask through api_token_issue."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        token = ApiToken.objects.create(
            user=user,
            digest=token_digest(key),
            prefix=key[:8],
            password_hash=password_fingerprint(user),
            created_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
    return token, key


def api_token_revoke(*, user: User) -> None:
    ApiToken.objects.filter(user=user).delete()


def _lock(invitation: Invitation) -> Invitation:
    [[locked]] = lock(Invitation.objects.filter(pk=invitation.pk))
    return locked


def _grant_role(invitation: Invitation, user: User) -> None:
    if invitation.role == Invitation.Role.STAFF:
        StaffMembership.objects.get_or_create(
            user=user,
            school_id=invitation.school_id,
            defaults={"role": invitation.staff_role or StaffMembership.Role.TEACHER},
        )
    elif invitation.role == Invitation.Role.HERO:
        hero = Hero.objects.filter(user=user).first()
        if hero and hero.municipality_id != invitation.municipality_id:
            raise InvitationError(_("You are already a Local Hero in another municipality."))
        if not hero:
            Hero.objects.create(
                user=user,
                municipality_id=invitation.municipality_id,
                display_name=invitation.display_name or user.get_short_name(),
            )
    else:
        CoordinatorMembership.objects.get_or_create(
            user=user, municipality_id=invitation.municipality_id
        )


def _send(invitation: Invitation) -> None:
    """Queue the invitation email; the send number keeps a resend from being deduplicated."""
    sent_before = Notification.objects.filter(
        idempotency_key__startswith=f"invitation:{invitation.pk}:"
    ).count()
    recipient = User.objects.filter(email__iexact=invitation.email).first()
    notification_create_from_template(
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "accept_url": absolute_url("invitation_accept", invitation.token),
        },
        to_email=invitation.email,
        recipient=recipient,
        language=recipient.language if recipient else settings.LANGUAGE_CODE,
        kind="account:invitation",
        idempotency_key=f"invitation:{invitation.pk}:{sent_before + 1}",
        municipality_pk=invitation.municipality_id,
        is_secret=True,  # the link is the key to a role
    )
