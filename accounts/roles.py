"""Which roles a person holds, read in one query per request."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Case, IntegerField, Value, When

from core.roles import NO_ROLES, Roles
from heroes.models import Hero
from schools.models import CoordinatorMembership, ProgrammeMembership, StaffMembership


def roles_for(user) -> Roles:
    if not user.is_authenticated:
        return NO_ROLES
    kinds = (
        StaffMembership.objects.filter(user=user)
        .order_by()
        .values_list(Value("staff"), "school_id")
        .union(
            CoordinatorMembership.objects.filter(user=user)
            .order_by()
            .values_list(Value("coordinator"), "municipality_id"),
            Hero.objects.active()
            .filter(user=user)
            .order_by()
            .values_list(Value("hero"), "municipality_id"),
            # 1 for a programme administrator, 0 for a member.
            ProgrammeMembership.objects.filter(user=user)
            .order_by()
            .values_list(
                Value("programme"),
                Case(When(is_admin=True, then=Value(1)), default=Value(0)),
            ),
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            )
            .order_by()
            .values_list(Value("mfa"), Value(0, output_field=IntegerField())),
            all=True,
        )
    )
    found: dict[str, set[int]] = {
        kind: set() for kind in ("staff", "coordinator", "hero", "programme", "mfa")
    }
    for kind, ident in kinds:
        found[kind].add(ident)
    return Roles(
        coordinator_of=frozenset(found["coordinator"]),
        staff_of=frozenset(found["staff"]),
        hero_municipality=min(found["hero"]) if found["hero"] else None,
        is_parent=user.is_parent,
        is_programme=bool(found["programme"]),
        is_programme_admin=1 in found["programme"],
        has_mfa=bool(found["mfa"]),
        is_site_admin=user.is_staff,
    )
