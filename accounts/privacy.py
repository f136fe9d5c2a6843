"""A person's rights over their data (AVG/GDPR): see everything the platform holds about them
(export) and have it removed (erasure). docs/privacy.md says what is kept, and why.

accounts sits above the domain apps, so this is the one place that knows where a person's data
lives: the account itself, the children of a parent, a Local Hero's profile and visits, the
memberships of staff and coordinators, and the mail sent to them.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import AbsenceNotice, Attendance, Child, Enrolment
from campaigns import services as campaigns
from core.audit import record_export
from core.tasks import queue_task
from core.urls import absolute_url
from heroes import services as hero_services
from heroes.models import Hero
from notifications.models import Notification
from notifications.services import notification_create_from_template, notifications_forget
from scheduler import services as scheduler_services
from scheduler.models import Offer, Visit
from schools.models import CoordinatorMembership, ProgrammeMembership, StaffMembership
from schools.services import memberships_end

from .audit import audit_forget
from .models import ApiToken, DataExport, Invitation, User

EXPORT_TASK = "accounts.tasks.build_data_export"
# A second request within this time gets the export already under way, not another one.
EXPORT_AGAIN_AFTER = dt.timedelta(minutes=10)


# --- export ---------------------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_parent": user.is_parent,
        "two_step_login": Authenticator.objects.filter(user=user).exists(),
        "api_token": [
            {"created": _when(t.created_at), "expires": _when(t.expires_at)}
            for t in ApiToken.objects.filter(user=user)
        ],
    }


def _children(user: User) -> list[dict]:
    children = Child.objects.filter(guardian=user).select_related(
        "school", "group", "neighbourhood"
    )
    enrolments = Enrolment.objects.filter(child__guardian=user).select_related("activity")
    marks = Attendance.objects.filter(enrolment__child__guardian=user).select_related("occurrence")
    notices = AbsenceNotice.objects.filter(enrolment__child__guardian=user).select_related(
        "occurrence"
    )
    return [
        {
            "first_name": child.first_name,
            "school": child.school.name,
            "grade": child.grade,
            "class": child.group.name if child.group else None,
            "neighbourhood": child.neighbourhood.name if child.neighbourhood else None,
            "consent": {"given": _when(child.consent_at), "version": child.consent_version},
            "enrolments": [
                {
                    "activity": e.activity.title,
                    "status": e.status,
                    "applied": _when(e.applied_at),
                    "attendance": [
                        {"date": _when(m.occurrence.date), "status": m.status}
                        for m in marks
                        if m.enrolment_id == e.pk
                    ],
                    "absences_reported": [
                        {
                            "date": _when(n.occurrence.date),
                            "reason": n.reason,
                            "reported": _when(n.reported_at),
                        }
                        for n in notices
                        if n.enrolment_id == e.pk
                    ],
                }
                for e in enrolments
                if e.child_id == child.pk
            ],
        }
        for child in children
    ]


def _hero(user: User) -> dict | None:
    hero = Hero.objects.filter(user=user).select_related("home_neighbourhood").first()
    if hero is None:
        return None
    visits = Visit.objects.filter(hero=hero).select_related("request__school", "request__group")
    offers = Offer.objects.filter(hero=hero).select_related("request__school")
    return {
        "display_name": hero.display_name,
        "story": hero.story,
        "languages": hero.languages,
        "topics": [t.name for t in hero.topics.all()],
        "home_neighbourhood": hero.home_neighbourhood.name if hero.home_neighbourhood else None,
        "visit_neighbourhoods": [n.name for n in hero.visit_neighbourhoods.all()],
        "max_visits_per_month": hero.max_visits_per_month,
        "vr_trained_on": _when(hero.vr_trained_on),
        "availability": [
            {"weekday": w.weekday, "from": _when(w.start_time), "until": _when(w.end_time)}
            for w in hero.availability.all()
        ],
        "away": [
            {"from": _when(a.starts_on), "until": _when(a.ends_on), "note": a.note}
            for a in hero.away_periods.all()
        ],
        "vog": [
            {"issued": _when(v.issued_on), "valid_until": _when(v.valid_until)}
            for v in hero.vog_checks.all()
        ],
        "offers": [
            {
                "school": o.request.school.name,
                "starts": _when(o.starts_at),
                "status": o.status,
                "decline_code": o.decline_code,
                "decline_reason": o.decline_reason,
            }
            for o in offers
        ],
        "visits": [
            {
                "school": v.request.school.name,
                "group": v.request.group.name,
                "starts": _when(v.starts_at),
                "status": v.status,
            }
            for v in visits
        ],
    }


def _roles(user: User) -> dict:
    return {
        "staff_at": [
            {"school": m.school.name, "role": m.role}
            for m in StaffMembership.objects.filter(user=user).select_related("school")
        ],
        "coordinator_of": [
            m.municipality.name
            for m in CoordinatorMembership.objects.filter(user=user).select_related("municipality")
        ],
        "programme_team_since": _when(
            ProgrammeMembership.objects.filter(user=user)
            .values_list("created_at", flat=True)
            .first()
        ),
    }


def _mail(user: User) -> list[dict]:
    """What was sent to them: the subject, kind and time (codes and links are long expired)."""
    return [
        {"sent": _when(n.sent_at or n.created_at), "subject": n.subject, "kind": n.kind}
        for n in Notification.objects.filter(recipient=user).only(
            "sent_at", "created_at", "subject", "kind"
        )
    ]


def personal_data(user: User) -> dict:
    """Everything about the person, as plain data (the JSON of the export)."""
    return {
        "account": _account(user),
        "roles": _roles(user),
        "children": _children(user),
        "local_hero": _hero(user),
        "mail": _mail(user),
        "message_choices": campaigns.message_choices_of(user),
    }


def _municipalities_of(user: User) -> list[int]:
    """The municipalities the person's data is about (for the audit trail's scoping)."""
    ids = set(
        Child.objects.filter(guardian=user).values_list(
            "school__neighbourhood__municipality_id", flat=True
        )
    )
    ids |= set(Hero.objects.filter(user=user).values_list("municipality_id", flat=True))
    ids |= set(
        StaffMembership.objects.filter(user=user).values_list(
            "school__neighbourhood__municipality_id", flat=True
        )
    )
    ids |= set(
        CoordinatorMembership.objects.filter(user=user).values_list("municipality_id", flat=True)
    )
    return sorted(ids)


def data_export_request(*, user: User, now: dt.datetime) -> DataExport:
    """Ask for an export: it is built in the background and the link is mailed. Asking again
    soon after (a double click, a second tab) gives the same export."""
    recent = (
        DataExport.objects.filter(user=user, created_at__gt=now - EXPORT_AGAIN_AFTER)
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        return recent
    export = DataExport.objects.create(
        user=user,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.DATA_EXPORT_DAYS),
    )
    transaction.on_commit(lambda: queue_task(EXPORT_TASK, export.pk))
    return export


@transaction.atomic
def data_export_build(*, export_id: int, now: dt.datetime) -> DataExport | None:
    """Gather the data and mail the owner a link to it. Safe to run twice."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.ready_at is not None:
        return export
    user = export.user
    export.data = personal_data(user)
    export.ready_at = now
    export.save(update_fields=["data", "ready_at"])
    notification_create_from_template(
        template="accounts/email/data_export",
        context={
            "recipient": user,
            "url": absolute_url("data_export", export.token),
            "expires_at": export.expires_at,
        },
        to_email=user.email,
        recipient=user,
        kind="account:data_export",
        idempotency_key=f"data_export:{export.pk}",
        is_secret=True,
    )
    record_export(
        actor=user,
        subject_user=user,
        municipality_pks=_municipalities_of(user),
        note="self-service export",
    )
    return export


def get_export_for_owner(user: User, token: str, now: dt.datetime) -> DataExport | None:
    return DataExport.objects.filter(
        user=user, token=token, ready_at__isnull=False, expires_at__gt=now
    ).first()


# --- erasure --------------------------------------------------------------------------------


def _personal_values(user: User, children: list[Child], hero: Hero | None) -> list[str]:
    values = [user.email, user.name, *(child.first_name for child in children)]
    if hero is not None:
        values += [hero.display_name, hero.story]
    return [value for value in values if value and len(value) >= 2]


def account_erase(*, user: User, now: dt.datetime) -> User:
    """Remove a person: their children (erased, not deleted, so figures keep their counts), a
    Local Hero's profile (after withdrawing their offers and coming visits), their memberships,
    invitations, mail, tokens, second factors and exports; the account row stays, anonymous and
    unusable. The audit trail keeps its entries, with these values replaced."""
    children = list(Child.objects.filter(guardian=user))
    hero = Hero.objects.filter(user=user, left_at__isnull=True).first()
    values = _personal_values(user, children, hero)
    email = user.email
    if hero is not None:
        scheduler_services.hero_withdraw(
            hero=hero, now=now, reason=_("The Local Hero has left the programme.")
        )
    with transaction.atomic():
        for child in children:
            activity_services.child_erase(child=child, now=now)
        if hero is not None:
            hero_services.hero_erase(hero=hero, now=now)
        memberships_end(user_pk=user.pk)
        notifications_forget(user_pk=user.pk, email=email)
        campaigns.message_choices_forget(user_pk=user.pk)
        Invitation.objects.filter(email__iexact=email).delete()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        DataExport.objects.filter(user=user).delete()
        _anonymise(user, now)
        audit_forget(
            values=values,
            object_keys=[("activities.child", child.pk) for child in children]
            + ([("heroes.hero", hero.pk)] if hero else []),
            user_pk=user.pk,
        )
    return user


def hero_leave(*, user: User, now: dt.datetime) -> Hero | None:
    """A Local Hero stops (and keeps their account for their other roles): offers withdrawn,
    coming visits cancelled with the schools told, the hero profile erased."""
    hero = Hero.objects.filter(user=user, left_at__isnull=True).first()
    if hero is None:
        return None
    values = _personal_values(user, [], hero)[2:]  # the hero's own texts, not the account's
    scheduler_services.hero_withdraw(
        hero=hero, now=now, reason=_("The Local Hero has left the programme.")
    )
    with transaction.atomic():
        hero_services.hero_erase(hero=hero, now=now)
        audit_forget(values=values, object_keys=[("heroes.hero", hero.pk)], user_pk=None)
    return hero


def _anonymise(user: User, now: dt.datetime) -> None:
    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ""
    user.is_active = False
    user.is_parent = False
    user.is_staff = user.is_superuser = False
    user.mfa_exempt = False
    user.last_login = None
    user.erased_at = now
    # An unusable password also ends every session: their hash no longer matches.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def erasure_pending_for(user: User, now: dt.datetime | None = None) -> dict:
    """What erasing this account would remove, in numbers, for the confirmation page."""
    return {
        "children": Child.objects.filter(guardian=user).count(),
        "is_hero": Hero.objects.filter(user=user, left_at__isnull=True).exists(),
        "coming_visits": Visit.objects.filter(
            hero__user=user,
            status=Visit.Status.CONFIRMED,
            starts_at__gt=now or timezone.now(),
        ).count(),
        "memberships": StaffMembership.objects.filter(user=user).count()
        + CoordinatorMembership.objects.filter(user=user).count(),
        "is_programme": ProgrammeMembership.objects.filter(user=user).exists(),
    }
