"""The people of the demo: one login per role, and families whose children fill places."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from activities import services as activity_services
from activities.models import Child
from demo.data import FAMILY_NAMES, LOGINS, PASSWORD, PO_BRINS, VO_BRINS, Login
from heroes.models import Hero
from notifications.models import Notification
from schools.models import (
    CoordinatorMembership,
    Municipality,
    Neighbourhood,
    ProgrammeMembership,
    School,
    StaffMembership,
)


def build_logins(zaanstad: Municipality) -> None:
    """The people of LOGINS, each in their role in Zaanstad."""
    # One hash for all: hashing is slow on purpose, and this password is public anyway.
    password = make_password(PASSWORD)
    users = {login.email: upsert_user(login, password) for login in LOGINS}
    CoordinatorMembership.objects.get_or_create(
        user=users["coordinator@demo.test"], municipality=zaanstad
    )
    StaffMembership.objects.update_or_create(
        user=users["staff.po@demo.test"],
        school=School.objects.get(brin="99ZA"),
        defaults={"role": StaffMembership.Role.CONTACT},
    )
    StaffMembership.objects.update_or_create(
        user=users["staff.vo@demo.test"],
        school=School.objects.get(brin="99ZF"),
        defaults={"role": StaffMembership.Role.TEACHER},
    )
    Hero.objects.update_or_create(
        user=users["hero@demo.test"],
        defaults={"municipality": zaanstad, "display_name": "Dennis"},
    )
    # A programme administrator, so the demo shows adding a municipality too.
    ProgrammeMembership.objects.update_or_create(
        user=users["programma@demo.test"], defaults={"is_admin": True}
    )


def upsert_user(login: Login, password: str) -> User:
    """A demo person: known password, verified email, and no second factor asked."""
    user, _ = User.objects.update_or_create(
        email=login.email,
        defaults={
            "name": login.name,
            "language": "nl",
            "mfa_exempt": True,
            "is_parent": login.email == "parent@demo.test",
            "password": password,
        },
    )
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user


@dataclass
class Family:
    """A demo parent who cannot log in, with one primary and one secondary school child."""

    email: str
    name: str
    children: dict[str, Child] = field(default_factory=dict)


def build_families(now: dt.datetime) -> list[Family]:
    """Twenty families with unusable passwords, whose children fill the activities."""
    wijken = list(Neighbourhood.objects.filter(municipality__slug="zaanstad").order_by("name"))
    schools = {
        school.brin: school for school in School.objects.filter(brin__in=PO_BRINS + VO_BRINS)
    }
    families = []
    for n, (surname, young, older) in enumerate(FAMILY_NAMES, start=1):
        family = Family(email=f"gezin{n:02d}@demo.test", name=f"Ouder {surname}")
        user, _ = User.objects.get_or_create(
            email=family.email,
            defaults={"name": family.name, "is_parent": True, "password": make_password(None)},
        )
        wijk = wijken[n % len(wijken)]
        po_school = schools[PO_BRINS[n % len(PO_BRINS)]]
        vo_school = schools[VO_BRINS[n % len(VO_BRINS)]]
        family.children["po"] = demo_child(user, young, po_school, 6, wijk, now)
        family.children["vo"] = demo_child(user, older, vo_school, 1, wijk, now)
        families.append(family)
    return families


def build_parent_children(parent: User, now: dt.datetime) -> dict[str, Child]:
    """Sem in groep 5 at De Zaanvogel and Yara in the first year at Saenstroom College."""
    poelenburg = Neighbourhood.objects.get(municipality__slug="zaanstad", name="Poelenburg")
    zaanvogel, saenstroom = School.objects.get(brin="99ZA"), School.objects.get(brin="99ZF")
    return {
        "Sem": demo_child(parent, "Sem", zaanvogel, 5, poelenburg, now, group="Groep 5"),
        "Yara": demo_child(parent, "Yara", saenstroom, 1, poelenburg, now, group="1A"),
    }


def demo_child(
    guardian: User,
    first_name: str,
    school: School,
    grade: int,
    wijk: Neighbourhood,
    now: dt.datetime,
    group: str = "",
) -> Child:
    """The guardian's child of this first name, registered with consent the first time."""
    existing = Child.objects.filter(guardian=guardian, first_name=first_name).first()
    if existing:
        return existing
    data = {"first_name": first_name, "school": school, "grade": grade, "neighbourhood": wijk}
    if group:
        data["group"] = school.groups.filter(name=group).order_by("-school_year").first()
    return activity_services.child_register(guardian=guardian, data=data, consent=True, now=now)


def mark_demo_mail_delivered(last_before: int, now: dt.datetime) -> None:
    """The demo's mail tells what happened before you arrived (offers, places, invitations):
    keep it readable in the outbox as delivered there, and never hand it to a mail server (no
    server accepts addresses on .test), so "Undelivered messages" starts empty and no worker
    retries it."""
    Notification.objects.filter(pk__gt=last_before, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT, sent_at=now, last_error=""
    )
