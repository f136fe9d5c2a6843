"""Keeping data no longer than needed (AVG/GDPR), run by beat once a day (tasks.retention_run).

What goes, and when (settings, see README):
- a child: RETENTION_CHILD_SCHOOL_YEARS full school years after the school year of its last
  activity (by default: at the end of the next school year); the child is erased, not deleted,
  so the activities' figures keep their counts;
- a closed invitation (accepted, withdrawn or expired): RETENTION_INVITATION_DAYS after;
- mail: the text of a login code or a link with a token the day after it was written, the
  text of any delivered mail RETENTION_MAIL_DAYS after it was sent (subject, address and time
  stay: they are the record that it was sent);
- an export of personal data: when its link expires;
- an unused account: after RETENTION_INACTIVE_DAYS without a login it is warned by mail, and
  erased RETENTION_WARNING_DAYS after the warning if still unused.

`retention_due(now)` counts what the next run would do; coordinators see it for their
municipality (views/account.py `retention`). Every step is idempotent: a second run does
nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Max, Q, QuerySet
from django.db.models.functions import Coalesce

from activities.models import Child
from activities.services import child_erase
from notifications.models import Notification
from notifications.services import notification_create_from_template
from schools.models import current_school_year

from .models import DataExport, Invitation, User
from .privacy import account_erase

SECRET_MAIL_KEPT = dt.timedelta(days=1)


@dataclass
class Due:
    children: int = 0
    invitations: int = 0
    mail_texts: int = 0
    exports: int = 0
    accounts_to_warn: int = 0
    accounts_to_erase: int = 0


def school_year_end(day: dt.date) -> dt.date:
    """The last day (31 July) of the school year `day` is in."""
    return dt.date(int(current_school_year(day)[5:]), 7, 31)


def children_due(now: dt.datetime) -> QuerySet[Child]:
    """Children whose last activity ended before the retention cut-off. A child's last
    activity is its latest activity's last day, or when it was registered if it never had one."""
    years = settings.RETENTION_CHILD_SCHOOL_YEARS
    # Whose school year ended `years` full school years before the one of today.
    cutoff = dt.date(school_year_end(now.date()).year - years - 1, 7, 31)
    return (
        Child.objects.filter(erased_at__isnull=True)
        .alias(last=Coalesce(Max("enrolments__activity__last_date"), "created_at__date"))
        .filter(last__lte=cutoff)
    )


def invitations_due(now: dt.datetime) -> QuerySet[Invitation]:
    before = now - dt.timedelta(days=settings.RETENTION_INVITATION_DAYS)
    return Invitation.objects.filter(
        Q(accepted_at__lt=before) | Q(revoked_at__lt=before) | Q(expires_at__lt=before)
    )


def mail_texts_due(now: dt.datetime) -> QuerySet[Notification]:
    old = now - dt.timedelta(days=settings.RETENTION_MAIL_DAYS)
    keep_for_delivery = [Notification.Status.PENDING, Notification.Status.SENDING]
    return (
        Notification.objects.filter(
            Q(is_secret=True, created_at__lt=now - SECRET_MAIL_KEPT)
            | Q(status=Notification.Status.SENT, sent_at__lt=old)
        )
        .exclude(status__in=keep_for_delivery)
        .exclude(body_text="", body_html="", ics="")
    )


def _unused_since(now: dt.datetime) -> Q:
    before = now - dt.timedelta(days=settings.RETENTION_INACTIVE_DAYS)
    return Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before)


# A warning counts only while the account stayed unused after it: a login since then means
# the person wants to stay, and a later spell of disuse gets a warning of its own.
_STILL_WARNED = Q(last_login__isnull=True) | Q(last_login__lt=F("inactivity_warned_at"))


def accounts_to_warn(now: dt.datetime) -> QuerySet[User]:
    return User.objects.filter(
        _unused_since(now),
        Q(inactivity_warned_at__isnull=True) | ~_STILL_WARNED,
        is_active=True,
        is_superuser=False,
        erased_at__isnull=True,
    )


def accounts_to_erase(now: dt.datetime) -> QuerySet[User]:
    warned_before = now - dt.timedelta(days=settings.RETENTION_WARNING_DAYS)
    return User.objects.filter(
        _unused_since(now),
        _STILL_WARNED,
        erased_at__isnull=True,
        is_superuser=False,
        inactivity_warned_at__lt=warned_before,
    )


def retention_due(now: dt.datetime, *, municipality_ids=None) -> Due:
    """What the next run would remove; for coordinators, only what is about their
    municipalities (children at their schools; the rest is counted site-wide by the run)."""
    children = children_due(now)
    if municipality_ids is not None:
        children = children.filter(school__neighbourhood__municipality_id__in=municipality_ids)
        return Due(children=children.count())
    return Due(
        children=children.count(),
        invitations=invitations_due(now).count(),
        mail_texts=mail_texts_due(now).count(),
        exports=DataExport.objects.filter(expires_at__lte=now).count(),
        accounts_to_warn=accounts_to_warn(now).count(),
        accounts_to_erase=accounts_to_erase(now).count(),
    )


def _warn(user: User, now: dt.datetime) -> None:
    notification_create_from_template(
        template="accounts/email/inactive_account",
        context={
            "recipient": user,
            "erase_after": now + dt.timedelta(days=settings.RETENTION_WARNING_DAYS),
        },
        to_email=user.email,
        recipient=user,
        kind="account:inactive_warning",
        idempotency_key=f"inactive:{user.pk}:{now:%Y-%m-%d}",
    )
    User.objects.filter(pk=user.pk).update(inactivity_warned_at=now)


def retention_run(*, now: dt.datetime) -> Due:
    """Remove what is due now; returns what was done."""
    done = Due()
    for child in children_due(now).iterator():
        child_erase(child=child, now=now)
        done.children += 1
    done.invitations, _ = invitations_due(now).delete()
    done.mail_texts = mail_texts_due(now).update(body_text="", body_html="", ics="", ics_method="")
    done.exports, _ = DataExport.objects.filter(expires_at__lte=now).delete()
    for user in accounts_to_erase(now):
        account_erase(user=user, now=now)
        done.accounts_to_erase += 1
    for user in accounts_to_warn(now):
        _warn(user, now)
        done.accounts_to_warn += 1
    return done
