"""Accounts the load scenario (bench/locustfile.py) logs in with, on a benchmark database.

The people are the ones the data builder made: parents with their children, school staff,
Local Heroes with offers waiting, coordinators, the programme team. Each chosen account gets
one password (random per run), a verified email address, and, for the roles that must log in
in two steps (staff, coordinators, the programme team), a TOTP authenticator whose secret goes
to the locustfile, which computes the codes as an authenticator app does. A code is accepted
once, so every simulated person with a second factor needs an account of their own: when the
data has fewer people of such a role than the run has, more are added beside them with the
same school or municipality (`load-<role>-<n>@bench.test`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import struct
import time

from django.db.models import Count, Q

ROLES = ("parent", "staff", "hero", "coordinator", "programme")
TWO_STEP = {"staff", "coordinator", "programme"}


def prepare(per_role: int, now: dt.datetime) -> dict[str, list[dict]]:
    """Up to `per_role` accounts of each role that the data has ({role: [{email, password,
    totp}]}); a role the data has nobody for is left out."""
    from django.contrib.auth.hashers import make_password

    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # one hash for all: hashing is slow on purpose
    # Roles that log in in two steps first; nobody is chosen twice, and parents and heroes who
    # also work at a school or for a municipality are left out: they would be asked a code.
    chosen: dict[str, list] = {}
    taken: set[int] = set()
    for role, choose in (
        ("staff", _staff),
        ("coordinator", _coordinators),
        ("programme", _programme),
        ("hero", lambda n, taken: _heroes(n, taken, now)),
        ("parent", _parents),
    ):
        chosen[role] = choose(per_role, taken)
        taken.update(user.pk for user in chosen[role])
    accounts = {}
    for role, users in chosen.items():
        if not users:
            continue
        secrets_by_user = _enable(users, hashed, two_step=role in TWO_STEP)
        accounts[role] = [
            {"email": user.email, "password": password, "totp": secrets_by_user.get(user.pk, "")}
            for user in users
        ]
    return accounts


def _parents(n: int, taken: set[int]) -> list:
    from accounts.models import User

    return list(
        _without_two_step(User.objects.filter(is_parent=True, children__isnull=False), taken)
        .distinct()
        .order_by("pk")[:n]
    )


def _without_two_step(users, taken: set[int]):
    return users.exclude(pk__in=taken).filter(
        staff_memberships__isnull=True,
        coordinator_memberships__isnull=True,
        programme_membership__isnull=True,
        is_staff=False,
    )


def _heroes(n: int, taken: set[int], now: dt.datetime) -> list:
    """The heroes with the most offers still to answer: they have something to do."""
    from accounts.models import User
    from scheduler.models import Offer

    waiting = Q(hero__offers__status=Offer.Status.PENDING, hero__offers__expires_at__gt=now)
    return list(
        _without_two_step(User.objects.filter(hero__isnull=False), taken)
        .annotate(waiting=Count("hero__offers", filter=waiting))
        .order_by("-waiting", "pk")[:n]
    )


def _staff(n: int, taken: set[int]) -> list:
    """Staff of the schools with the most activities, one each, then more of the same schools."""
    from schools.models import StaffMembership

    memberships = list(
        StaffMembership.objects.annotate(activities=Count("school__activities"))
        .select_related("user")
        .order_by("-activities", "pk")
    )
    users = _distinct([m.user for m in memberships], taken)[:n]
    for index in range(len(users), n if memberships else 0):
        like = memberships[index % len(memberships)]
        user = _new_user("staff", index)
        StaffMembership.objects.create(user=user, school=like.school, role=like.role)
        users.append(user)
    return users


def _coordinators(n: int, taken: set[int]) -> list:
    from schools.models import CoordinatorMembership

    memberships = list(CoordinatorMembership.objects.select_related("user").order_by("pk"))
    users = _distinct([m.user for m in memberships], taken)[:n]
    for index in range(len(users), n if memberships else 0):
        user = _new_user("coordinator", index)
        CoordinatorMembership.objects.create(
            user=user, municipality=memberships[index % len(memberships)].municipality
        )
        users.append(user)
    return users


def _programme(n: int, taken: set[int]) -> list:
    from schools.models import ProgrammeMembership

    memberships = ProgrammeMembership.objects.select_related("user").order_by("pk")
    users = _distinct([m.user for m in memberships], taken)[:n]
    for index in range(len(users), n if users else 0):
        user = _new_user("programme", index)
        ProgrammeMembership.objects.create(user=user)
        users.append(user)
    return users


def _distinct(users: list, taken: set[int]) -> list:
    seen, kept = set(taken), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            kept.append(user)
    return kept


def _new_user(role: str, index: int):
    from accounts.models import User

    return User.objects.create(
        email=f"load-{role}-{index}@bench.test", name=f"Load {role} {index}", language="nl"
    )


def _enable(users: list, hashed: str, *, two_step: bool) -> dict[int, str]:
    """Password, verified address and (two_step) a fresh TOTP secret; returns the secrets."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from accounts.models import User

    ids = [user.pk for user in users]
    User.objects.filter(pk__in=ids).update(password=hashed, is_active=True)
    EmailAddress.objects.filter(user_id__in=ids).delete()
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    if not two_step:  # a parent or hero logs in with a password alone
        Authenticator.objects.filter(user_id__in=ids).delete()
        return {}
    secrets_by_user = {pk: base64.b32encode(secrets.token_bytes(20)).decode() for pk in ids}
    Authenticator.objects.filter(user_id__in=ids).delete()
    Authenticator.objects.bulk_create(
        Authenticator(user_id=pk, type=Authenticator.Type.TOTP, data={"secret": secret})
        for pk, secret in secrets_by_user.items()
    )
    return secrets_by_user


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows now (RFC 6238: HMAC-SHA1, 30 s)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
