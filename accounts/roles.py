"""Which roles a person holds, read in one query and kept in the cache until they change.

Every request needs the roles (scoping, the second-factor rule), so they are cached per person
(`ROLES_CACHE_S`); a change to a membership, a hero or a second factor forgets them at once
(`forget_roles`, called by the signals `connect_signals` wires). The account's own flags
(parent, site admin) come from the user row each request reads anyway, never from the cache.
The time limit bounds what a change the signals cannot see (a raw SQL update, a second
process's local-memory cache in development) could leave behind.
"""

from __future__ import annotations

from dataclasses import replace

from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db.models import Case, IntegerField, Value, When
from django.db.models.signals import post_delete, post_save

from core.prepared import Param, Prepared
from core.roles import NO_ROLES, Roles
from heroes.models import Hero
from schools.models import CoordinatorMembership, ProgrammeMembership, StaffMembership

ROLES_CACHE_S = 60


def roles_for(user) -> Roles:
    if not user.is_authenticated:
        return NO_ROLES
    key = _key(user.pk)
    held = cache.get(key)
    if held is None:
        held = _read(user)
        cache.set(key, held, ROLES_CACHE_S)
    return replace(held, is_parent=user.is_parent, is_site_admin=user.is_staff)


def forget_roles(user_pk: int) -> None:
    cache.delete(_key(user_pk))


def _key(user_pk: int) -> str:
    return f"roles:{user_pk}"


def _held_by(size: int):
    """What gives a person (`user`) a role: (kind, id) rows of their memberships, hero, programme
    seat (1 for an administrator) and second factors. Prepared: a person's first request after
    the cache forgot them reads it, on the enrolment rush's path too."""
    user = Param("user")
    return (
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


_HELD_BY = Prepared(_held_by)


def _read(user) -> Roles:
    kinds = _HELD_BY.rows(user=user.pk)
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
    )


def connect_signals() -> None:
    """Forget a person's roles when a row that gives or takes one is saved or deleted."""
    for model in (StaffMembership, CoordinatorMembership, ProgrammeMembership, Hero, Authenticator):
        post_save.connect(_changed, sender=model, dispatch_uid=f"roles:{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"roles-gone:{model._meta.label}")


def _changed(sender, instance, **kwargs) -> None:
    forget_roles(instance.user_id)
