"""Who may get what from each address of the site: the table of expectations the access test
(test_access.py) holds every route to. A new route needs an entry here (see that module).
"""

from __future__ import annotations

from .expect import (
    EVERYONE,
    E,
    Expect,
    goes,
)
from .expect_api import API
from .expect_pages import PAGES

EXPECTATIONS: dict[str, Expect] = {**PAGES, **API}

# The Django admin: every page is for site admins (User.is_staff) only, through admin_view;
# everyone else is sent to the admin's login (which sends on to the site's login), or from an
# object's bare address on to its change page (which then does the same).
NAMESPACES: dict[str, Expect] = {
    "admin": E(
        "the Django admin: site admins only",
        goes(EVERYONE, ("GET", "POST"), "/admin/", status=(301, 302)),
    ),
}

# Bugs outside the files this suite's authors may change, reported to their owners: (route,
# method) -> (the words the failure must contain, why). Strict: once fixed, the entry must go.
KNOWN_BUGS: dict = {}

# Which of B's objects stands in for an id of a model (API ids, filter choices, admin ids).
MODEL_KEYS = {
    "schools.municipality": "municipality",
    "schools.neighbourhood": "neighbourhood_dir",
    "schools.school": "vo_school",
    "schools.venue": "venue",
    "schools.group": "vo_group",
    "schools.schoolclosure": "closure",
    "schools.staffmembership": "staff_user",
    "schools.coordinatormembership": "coordinator_user",
    "schools.programmemembership": "programme_member",
    "activities.activity": "draft_activity",
    "activities.child": "child",
    "activities.enrolment": "enrolment",
    "activities.occurrence": "occurrence",
    "activities.attendance": "enrolment",
    "activities.lotteryround": "draft_activity",
    "heroes.hero": "hero",
    "heroes.topic": "topic",
    "heroes.availabilitywindow": "window_1",
    "heroes.availabilityexception": "away_period",
    "scheduler.kit": "kit",
    "scheduler.kitblock": "block",
    "scheduler.sessionrequest": "request",
    "scheduler.offer": "offer",
    "scheduler.visit": "visit",
    "scheduler.matchingrun": "run",
    "accounts.user": "guardian",
    "accounts.invitation": "invitation",
    "notifications.notification": "notification",
    "campaigns.parentmessage": "parent_message",
    "account.emailaddress": "guardian",
    "mfa.authenticator": "webauthn",
    "auditlog.logentry": "guardian",
    "auth.group": "guardian",
    # Beat's schedule (admin only): any id will do, the admin answers outsiders the same.
    **dict.fromkeys(
        (
            f"django_celery_beat.{model}"
            for model in (
                "periodictask",
                "intervalschedule",
                "crontabschedule",
                "solarschedule",
                "clockedschedule",
            )
        ),
        "guardian",
    ),
}
