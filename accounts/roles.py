"""Which roles a person holds, read in one query per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.db.models import IntegerField, Value

from heroes.models import Hero
from schools.models import CoordinatorMembership, StaffMembership


@dataclass(frozen=True)
class Roles:
    coordinator_of: frozenset[int] = field(default_factory=frozenset)
    staff_of: frozenset[int] = field(default_factory=frozenset)
    hero_municipality: int | None = None
    is_parent: bool = False
    has_mfa: bool = False

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_of)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_of)

    @property
    def is_hero(self) -> bool:
        return self.hero_municipality is not None

    @property
    def needs_mfa(self) -> bool:
        """Coordinators and school staff see children's data: they must use a second factor."""
        return self.is_coordinator or self.is_staff

    @property
    def names(self) -> list[str]:
        pairs = [
            ("coordinator", self.is_coordinator),
            ("staff", self.is_staff),
            ("hero", self.is_hero),
            ("parent", self.is_parent),
        ]
        return [name for name, held in pairs if held]


NO_ROLES = Roles()


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
            Hero.objects.filter(user=user).order_by().values_list(Value("hero"), "municipality_id"),
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            )
            .order_by()
            .values_list(Value("mfa"), Value(0, output_field=IntegerField())),
            all=True,
        )
    )
    found: dict[str, set[int]] = {"staff": set(), "coordinator": set(), "hero": set(), "mfa": set()}
    for kind, ident in kinds:
        found[kind].add(ident)
    return Roles(
        coordinator_of=frozenset(found["coordinator"]),
        staff_of=frozenset(found["staff"]),
        hero_municipality=min(found["hero"]) if found["hero"] else None,
        is_parent=user.is_parent,
        has_mfa=bool(found["mfa"]),
    )
